"""preflight reads only the PDF: the pipeline's PDF passes, altered copies name check and page."""

import json
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import (ArrayObject, BooleanObject, DecodedStreamObject, DictionaryObject,
                           FloatObject, NameObject, NumberObject, RectangleObject, StreamObject,
                           TextStringObject)

from pamphlet.checks.preflight import REGISTRY, preflight
from utils import ROOT, edit, run

FONTS = ROOT / "fonts"
PATCH = b"q 1 0 0 rg 100 100 50 50 re f Q"


def check(pdf, *extra):
    return run("preflight", pdf, "--fonts", FONTS, "--quiet", *extra)


def found(pdf) -> list[tuple]:
    """(check id, page) of every finding, in report order."""
    return [(f.rule, f.page) for f in preflight(Path(pdf), FONTS).findings]


def messages(pdf) -> list[str]:
    return [d.message for d in preflight(Path(pdf), FONTS).diagnostics()]


def altered(source, target, *changes):
    """A copy of ``source`` with each ``change(writer)`` applied, written by pypdf."""
    writer = pypdf.PdfWriter(clone_from=str(source))
    for change in changes:
        change(writer)
    with open(target, "wb") as handle:
        writer.write(handle)
    return target


def drawing(page: int, content: bytes):
    """A change that draws ``content`` on ``page`` (1-based), after everything else."""
    def change(writer):
        stream = DecodedStreamObject()
        stream.set_data(content)
        target = writer.pages[page - 1]
        contents = target.raw_get("/Contents")
        contents = list(contents.get_object()) if isinstance(contents.get_object(), list) \
            else [contents]
        target[NameObject("/Contents")] = ArrayObject(contents + [writer._add_object(stream)])
    return change


def resource(page: int, kind: str, name: str, value):
    """A change that offers ``value`` as /kind /name in the resources of ``page``."""
    def change(writer):
        resources = writer.pages[page - 1]["/Resources"]
        group = resources.get(kind)
        if group is None:
            resources[NameObject(kind)] = group = DictionaryObject()
        group.get_object()[NameObject(name)] = value(writer)
    return change


def image(mode: str, size: tuple, colour):
    """An image XObject of one colour, Flate-compressed, made with Pillow."""
    from PIL import Image

    space = {"L": "/DeviceGray", "RGB": "/DeviceRGB", "CMYK": "/DeviceCMYK"}[mode]

    def make(writer):
        stream = StreamObject()
        stream._data = zlib.compress(Image.new(mode, size, colour).tobytes())
        stream.update({NameObject("/Type"): NameObject("/XObject"),
                       NameObject("/Subtype"): NameObject("/Image"),
                       NameObject("/Width"): NumberObject(size[0]),
                       NameObject("/Height"): NumberObject(size[1]),
                       NameObject("/ColorSpace"): NameObject(space),
                       NameObject("/BitsPerComponent"): NumberObject(8),
                       NameObject("/Filter"): NameObject("/FlateDecode")})
        return writer._add_object(stream)
    return make


def form(content: bytes):
    def make(writer):
        stream = DecodedStreamObject()
        stream.set_data(content)
        stream.update({NameObject("/Type"): NameObject("/XObject"),
                       NameObject("/Subtype"): NameObject("/Form"),
                       NameObject("/BBox"): RectangleObject([0, 0, 100, 100])})
        return writer._add_object(stream)
    return make


def font_named(pdf, name: str):
    """The resource name and dictionary of the font whose BaseFont ends with ``name``."""
    for page in pdf.pages:
        for key, font in page["/Resources"]["/Font"].items():
            if str(font.get_object()["/BaseFont"]).endswith("+" + name):
                return key, font.get_object()
    raise AssertionError(f"no font {name}")


def pdffonts_embedded(output: str) -> list[str]:
    """The emb column of pdffonts, cut where its header's dashes say."""
    header, dashes, *rows = output.splitlines()
    spans = [m.span() for m in re.finditer(r"-+", dashes)]
    emb = next(i for i, span in enumerate(spans) if header[span[0]:span[1]].strip() == "emb")
    return [row[spans[emb][0]:spans[emb][1]].strip() for row in rows]


# --- the pipeline's PDF -----------------------------------------------------------

def test_the_pipelines_pdf_passes(mini_pdf):
    result = check(mini_pdf)
    assert result.code == 0, result.out + result.err
    assert found(mini_pdf) == []
    assert result.out.strip() == (
        f"preflight: {mini_pdf}: 8 pages, {len(REGISTRY)} checks: 0 errors; 0 warnings: "
        "press-ready")


def test_a_copy_rewritten_by_pypdf_still_passes(mini_pdf, tmp_path):
    # the control for every test below: the alterations alone make the findings
    assert found(altered(mini_pdf, tmp_path / "copy.pdf")) == []


def test_independent_readers_accept_the_pipelines_pdf(mini_pdf):
    for tool in ("qpdf", "pdffonts", "gs"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (make test-packages installs poppler-utils, "
                        "qpdf and ghostscript)")
    qpdf = subprocess.run(["qpdf", "--check", mini_pdf], capture_output=True, text=True)
    assert qpdf.returncode == 0, qpdf.stdout + qpdf.stderr
    fonts = subprocess.run(["pdffonts", mini_pdf], capture_output=True, text=True)
    assert fonts.returncode == 0, fonts.stderr
    embedded = pdffonts_embedded(fonts.stdout)
    assert embedded and set(embedded) == {"yes"}, fonts.stdout
    ghostscript = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=nullpage",
                                  mini_pdf], capture_output=True, text=True)
    assert ghostscript.returncode == 0, ghostscript.stdout + ghostscript.stderr
    assert "error" not in (ghostscript.stdout + ghostscript.stderr).lower()


# --- altered copies: one finding each ------------------------------------------------

def test_an_rgb_patch_is_an_error_naming_the_page(mini_pdf, tmp_path):
    pdf = altered(mini_pdf, tmp_path / "rgb.pdf", drawing(3, PATCH))
    assert found(pdf) == [("rgb-colour", 3)]
    assert messages(pdf) == ["page 03: an RGB fill colour (1 0 0 rg)"]
    result = check(pdf)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "error    rgb-colour            page 3: RGB colour in a press PDF")
    assert result.out.splitlines()[-1].endswith(": 1 error (rgb-colour); 0 warnings: "
                                                "NOT press-ready")


def test_a_removed_page_breaks_the_saddle_stitch(mini_pdf, tmp_path):
    pdf = altered(mini_pdf, tmp_path / "seven.pdf", lambda w: w.remove_page(7))
    assert found(pdf) == [("page-count", None)]
    assert messages(pdf) == ["7 pages, saddle-stitch takes a multiple of 4: add 1 or remove 3"]


def test_an_unembedded_font_is_named(mini_pdf, tmp_path):
    def unembed(writer):
        _, font = font_named(writer, "BIZ-UDMincho")
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        del descriptor["/FontFile2"]

    pdf = altered(mini_pdf, tmp_path / "unembedded.pdf", unembed)
    assert found(pdf) == [("font-not-embedded", 1)]
    assert messages(pdf)[0].startswith("page 01: ")
    assert messages(pdf)[0].endswith("BIZ-UDMincho (RMKGCP) has no FontFile in its descriptor")


def test_low_resolution_images_are_an_error_under_200_and_a_warning_under_300(
        mini_pdf, tmp_path):
    # 100 px and 250 px across one inch (72 pt): 100 ppi and 250 ppi
    pdf = altered(mini_pdf, tmp_path / "lowres.pdf",
                  resource(5, "/XObject", "/PfLow", image("L", (100, 100), 128)),
                  resource(5, "/XObject", "/PfMid", image("CMYK", (250, 250), (40, 40, 40, 255))),
                  drawing(5, b"q 72 0 0 72 100 100 cm /PfLow Do Q "
                             b"q 72 0 0 72 300 100 cm /PfMid Do Q"))
    assert found(pdf) == [("resolution-under-200", 5), ("resolution-under-300", 5)]
    assert messages(pdf) == [
        "page 05: an image 100×100 (PfLow) at 100 ppi, placed 25.4 × 25.4 mm",
        "page 05: an image 250×250 (PfMid) at 250 ppi, placed 25.4 × 25.4 mm"]
    result = check(pdf)
    assert result.code == 1


def test_a_missing_bleed_box_is_named(mini_pdf, tmp_path):
    pdf = altered(mini_pdf, tmp_path / "nobleed.pdf",
                  lambda w: w.pages[1].pop(NameObject("/BleedBox")))
    assert found(pdf) == [("bleed-box", 2)]
    assert messages(pdf) == ["page 02: no BleedBox"]


def test_over_inked_colour_is_an_error(mini_pdf, tmp_path):
    pdf = altered(mini_pdf, tmp_path / "ink.pdf", drawing(4, b"q 1 1 1 1 k 100 100 50 50 re f Q"))
    assert found(pdf) == [("total-ink", 4)]
    assert messages(pdf) == ["page 04: a fill colour at 400% (1 1 1 1 k)"]


def test_a_hairline_is_a_warning_that_does_not_fail(mini_pdf, tmp_path):
    pdf = altered(mini_pdf, tmp_path / "hairline.pdf",
                  drawing(6, b"q 0 0 0 1 K 0.1 w 100 100 m 200 100 l S "
                             b"0.25 w 100 150 m 200 150 l S "       # 0.088 mm: thin too
                             b"3 0 0 3 0 0 cm 0.1 w 100 200 m 200 200 l S Q"))   # 0.3 pt
    assert found(pdf) == [("hairline", 6)]
    assert messages(pdf) == ["page 06: 2 lines under 0.1 mm, the thinnest 0.10 pt"]
    result = check(pdf)
    assert result.code == 0, result.out
    assert result.out.splitlines()[0] == (
        "warning  hairline              page 6: lines thinner than 0.1 mm")


# --- altered copies: more of the registry ------------------------------------------

def test_rgb_is_found_in_forms_named_spaces_images_and_annotations(mini_pdf, tmp_path):
    def icc_rgb(writer):
        profile = StreamObject()   # only the header matters: a display RGB profile
        profile._data = zlib.compress(bytes(12) + b"mntrRGB " + bytes(108))
        profile.update({NameObject("/N"): NumberObject(3),
                        NameObject("/Filter"): NameObject("/FlateDecode")})
        return ArrayObject([NameObject("/ICCBased"), writer._add_object(profile)])

    def annotation(writer):
        appearance = form(b"0 0 1 rg 0 0 10 10 re f")(writer)
        writer.pages[7][NameObject("/Annots")] = ArrayObject([writer._add_object(
            DictionaryObject({NameObject("/Type"): NameObject("/Annot"),
                              NameObject("/Subtype"): NameObject("/Square"),
                              NameObject("/Rect"): RectangleObject([100, 100, 110, 110]),
                              NameObject("/F"): NumberObject(4),
                              NameObject("/AP"): DictionaryObject({
                                  NameObject("/N"): appearance})}))])

    pdf = altered(mini_pdf, tmp_path / "rgb-everywhere.pdf",
                  resource(2, "/XObject", "/PfForm", form(b"1 0 0 RG 2 w 0 0 m 10 10 l S")),
                  drawing(2, b"q 1 0 0 1 100 100 cm /PfForm Do Q"),
                  resource(4, "/ColorSpace", "/PfRGB", icc_rgb),
                  drawing(4, b"q /PfRGB cs 0.2 0.4 0.6 scn 100 100 50 50 re f Q"),
                  resource(6, "/XObject", "/PfPhoto", image("RGB", (600, 600), (200, 30, 30))),
                  drawing(6, b"q 72 0 0 72 100 100 cm /PfPhoto Do Q"),
                  drawing(7, b"q 36 0 0 36 100 100 cm BI /W 2 /H 2 /CS /RGB /BPC 8 ID "
                             + bytes(12) + b" EI Q"),
                  annotation)
    assert found(pdf) == [("annotation-in-trim", 8), ("rgb-colour", 2), ("rgb-colour", 4),
                          ("rgb-colour", 8), ("rgb-image", 6), ("rgb-image", 7),
                          ("resolution-under-200", 7)]
    assert messages(pdf) == [
        "page 08: 1 annotation inside the trim (/Square)",
        "page 02: an RGB stroke colour (1 0 0 RG)",
        "page 04: an RGB fill colour (0.2 0.4 0.6 scn in /PfRGB)",
        "page 08: an RGB fill colour (0 0 1 rg)",
        "page 06: an RGB image 600×600 (PfPhoto, DeviceRGB)",
        "page 07: an RGB image 2×2 (inline image, DeviceRGB)",
        "page 07: an image 2×2 (inline image) at 4 ppi, placed 12.7 × 12.7 mm"]


def test_an_inline_images_abbreviations_are_read(mini_pdf, tmp_path):
    # /I for Indexed inside the colour space array; a stencil mask (/IM) paints the fill colour
    pdf = altered(mini_pdf, tmp_path / "inline.pdf",
                  drawing(3, b"q 36 0 0 36 100 100 cm BI /W 2 /H 2 /CS [/I /RGB 0 <ff0000>] "
                             b"/BPC 8 ID \x00\x00\x00\x00 EI Q"),
                  drawing(5, b"q 0 0 1 rg 4 0 0 1 100 100 cm BI /W 32 /H 8 /IM true ID "
                             + b"\xff" * 32 + b" EI Q"))
    assert messages(pdf) == [
        "page 05: an RGB fill colour (0 0 1 rg)",
        "page 03: an RGB image 2×2 (inline image, Indexed over DeviceRGB)",
        "page 03: an image 2×2 (inline image) at 4 ppi, placed 12.7 × 12.7 mm"]


def test_an_over_inked_cmyk_image_is_an_error(mini_pdf, tmp_path):
    dark = image("CMYK", (400, 400), (255, 255, 230, 255))   # C100 M100 Y90 K100: 390 %
    pdf = altered(mini_pdf, tmp_path / "ink-image.pdf", resource(3, "/XObject", "/PfDark", dark),
                  drawing(3, b"q 72 0 0 72 100 100 cm /PfDark Do Q"))
    assert found(pdf) == [("total-ink", 3)]
    assert messages(pdf) == ["page 03: a CMYK image 400×400 (PfDark) reaching 390%"]


def test_registration_colour_is_allowed_outside_the_bleed_only(mini_pdf, tmp_path):
    # the marks already draw in /PamphletAll outside the bleed; the same colour on the page:
    pdf = altered(mini_pdf, tmp_path / "registration.pdf",
                  drawing(5, b"q /PamphletAll cs 1 scn 100 100 50 50 re f Q"))
    assert found(pdf) == [("registration-colour", 5)]


def test_a_missing_glyph_is_found_in_the_codes_shown(mini_pdf, tmp_path):
    name = font_named(pypdf.PdfReader(str(mini_pdf)), "BIZ-UDMincho")[0]
    pdf = altered(mini_pdf, tmp_path / "notdef.pdf",
                  drawing(7, b"BT " + name.encode() + b" 12 Tf 100 100 Td <00000000> Tj ET"))
    assert found(pdf) == [("missing-glyph", 7)]
    assert messages(pdf) == ["page 07: 2 characters drawn as .notdef in RMKGCP+BIZ-UDMincho"]


def test_a_font_that_is_not_shipped_is_named(mini_pdf, tmp_path):
    def rename(writer):
        _, font = font_named(writer, "BIZ-UDGothic-Bold")
        font[NameObject("/BaseFont")] = NameObject("/ABCDEF+NotoSansCJKjp-Regular")
        descendant = font["/DescendantFonts"][0].get_object()
        descendant[NameObject("/BaseFont")] = NameObject("/ABCDEF+NotoSansCJKjp-Regular")

    pdf = altered(mini_pdf, tmp_path / "foreign.pdf", rename)
    assert found(pdf) == [("foreign-font", 1)]
    assert messages(pdf) == [
        "page 01: ABCDEF+NotoSansCJKjp-Regular is none of fonts/ (BIZUDGothic-Bold, "
        "BIZUDGothic-Regular, BIZUDMincho-Regular, BIZUDPGothic-Bold)"]


def test_a_type3_font_is_named(mini_pdf, tmp_path):
    def type3(writer):
        font_named(writer, "BIZ-UDMincho")[1][NameObject("/Subtype")] = NameObject("/Type3")

    pdf = altered(mini_pdf, tmp_path / "type3.pdf", type3)
    assert found(pdf) == [("type3-font", 1)]
    assert messages(pdf) == ["page 01: RMKGCP+BIZ-UDMincho (RMKGCP) is a Type 3 font"]


def test_boxes_of_the_wrong_size_are_named(mini_pdf, tmp_path):
    def letter(writer):
        writer.pages[0][NameObject("/TrimBox")] = RectangleObject([0, 0, 612, 792])
        writer.pages[1][NameObject("/MediaBox")] = RectangleObject([0, 0, 595.2756, 841.8898])

    pdf = altered(mini_pdf, tmp_path / "boxes.pdf", letter)
    # the title now stands within 3 mm of the (lower) trim: the safe zone follows the TrimBox
    assert found(pdf) == [("trim-box", 1), ("bleed-box", 1), ("media-box", 2),
                          ("text-near-trim", 1)]
    assert messages(pdf) == [
        "page 01: TrimBox is 612.00 × 792.00 pt (215.9 × 279.4 mm), not A4 (595.28 × 841.89 pt)",
        "page 01: the bleed is -2.9 mm on the right, 20.6 mm on the top (needs 3.0 mm)",
        "page 02: the BleedBox reaches outside the MediaBox",
        "page 01: 5 characters near the top edge: 'テスト冊子'"]


def test_text_near_the_trim_is_a_warning(mini_pdf, tmp_path):
    def shift(writer):   # move page 3's artwork 60 pt left, inside the bleed clip
        page = writer.pages[2]
        first, *rest = page.raw_get("/Contents")   # the bleed clip, the page, the marks
        stream = DecodedStreamObject()
        stream.set_data(b"1 0 0 1 -60 0 cm\n")
        page[NameObject("/Contents")] = ArrayObject([first, writer._add_object(stream), *rest])

    pdf = altered(mini_pdf, tmp_path / "near-trim.pdf", shift)
    assert found(pdf) == [("text-near-trim", 3)]
    assert re.fullmatch(r"page 03: \d+ characters near the left edge: '.+'", messages(pdf)[0])



def test_content_the_interpreter_cannot_read_is_an_error(mini_pdf, tmp_path):
    pdf = altered(mini_pdf, tmp_path / "garbled.pdf", drawing(2, b"q (abc) cm Q"))
    assert found(pdf) == [("unreadable-content", 2)]
    assert messages(pdf) == ["page 02: cannot read 'cm' with [b'abc']"]


def test_a_content_stream_the_parser_cannot_read_to_its_end_is_an_error(mini_pdf, tmp_path):
    # The string never closes: the page's drawing goes unread, and so fails, not passes.
    pdf = altered(mini_pdf, tmp_path / "unclosed.pdf",
                  drawing(2, b"q 1 0 0 rg (abc 0 0 9 9 re f Q"))
    assert found(pdf) == [("unreadable-content", 2)]
    assert messages(pdf) == ["page 02: cannot read the page's content stream: "
                             "Unexpected end of stream"]


@pytest.mark.parametrize("change, expected", [
    (lambda w: w.root_object.pop(NameObject("/OutputIntents")),
     ("output-intent", "no /OutputIntents in the catalog")),
    (lambda w: w.root_object.pop(NameObject("/Metadata")),
     ("pdfx-version", "no XMP metadata stream in the catalog")),
    (lambda w: w._info.get_object().pop(NameObject("/Trapped")),
     ("trapped", "the document information has no /Trapped")),
], ids=["output-intent", "xmp", "trapped"])
def test_missing_pdfx_keys_are_named(mini_pdf, tmp_path, change, expected):
    pdf = altered(mini_pdf, tmp_path / "pdfx.pdf", change)
    report = preflight(pdf, FONTS)
    assert [(f.rule, f.page, f.message) for f in report.findings] == [
        (expected[0], None, expected[1])]


def test_an_rgb_output_profile_is_named(mini_pdf, tmp_path):
    def rgb_profile(writer):
        intent = writer.root_object["/OutputIntents"][0].get_object()
        profile = intent["/DestOutputProfile"].get_object()
        header = bytearray(profile.get_data())
        header[12:20] = b"mntrRGB "
        profile.set_data(bytes(header))

    pdf = altered(mini_pdf, tmp_path / "rgb-intent.pdf", rgb_profile)
    assert [(f.rule, f.message) for f in preflight(pdf, FONTS).findings] == [
        ("output-intent", "the output profile's colour space is 'RGB', not 'CMYK'"),
        ("output-intent", "the output profile's device class is 'mntr', not 'prtr'"),
        ("icc-components", "the output intent's profile says /N 4, its profile RGB "
                           "(3 channels)")]


def test_a_missing_document_id_is_named(mini_pdf, tmp_path):
    data = bytearray(altered(mini_pdf, tmp_path / "copy.pdf").read_bytes())
    start = data.rindex(b"/ID")
    end = data.index(b"]", start) + 1
    data[start:end] = b" " * (end - start)   # same length: the xref stays right
    pdf = tmp_path / "noid.pdf"
    pdf.write_bytes(bytes(data))
    assert found(pdf) == [("document-id", None)]


def test_fpo_left_on_a_page_is_a_warning(mini, tmp_path):
    edit(mini / "pages/delta.yaml", "付録のページです。", "付録のページです。FPO")
    pdf = tmp_path / "fpo.pdf"
    result = run("build", "--brochure", mini, "--out", pdf, "--quiet")
    assert result.code == 0, result.err
    assert found(pdf) == [("fpo", 7)]
    assert messages(pdf) == ["page 07: “FPO” printed 1 time"]


# --- altered copies: press defects ---------------------------------------------------

MINCHO, GOTHIC = "BIZ-UDMincho", "BIZ-UDGothic"
WIDE = b"<0d88018c0d88018c>"   # four 1-em glyphs of the mini's BIZ UD Mincho subset


def font_key_of(pdf, name: str) -> str:
    """The resource name (e.g. '/RMKGCP') of the font ``name`` in the mini PDF."""
    return str(font_named(pypdf.PdfReader(str(pdf)), name)[0])


def text(pdf, name: str, colour: bytes, size: float, at=(100, 100), codes=WIDE,
         state: bytes = b"") -> bytes:
    """A BT … ET showing ``codes`` in font ``name`` at ``size`` pt, in ``colour`` (k operands)."""
    return (b"q " + state + b" " + colour + b" k BT " + font_key_of(pdf, name).encode() +
            b" %g Tf %g %g Td " % (size, *at) + codes + b" Tj ET Q")


def graphics_state(**entries):
    """An ExtGState dictionary: graphics_state(ca=0.5, op=True)."""
    def make(writer):
        values = {NameObject("/" + key): (BooleanObject(value) if isinstance(value, bool)
                                          else FloatObject(value))
                  for key, value in entries.items()}
        return DictionaryObject({NameObject("/Type"): NameObject("/ExtGState"), **values})
    return make


def checks_of(pdf, *ids) -> list[tuple]:
    """(page, message) of the findings of the checks ``ids``, in report order."""
    return [(f.rule, f.page, f.message) for f in preflight(Path(pdf), FONTS).findings
            if f.rule in ids]


def test_an_icc_stream_whose_n_is_not_its_profiles_channels_is_an_error(mini_pdf, tmp_path):
    def one_channel(writer):   # what the guide had: a CMYK profile marked /N 1
        intent = writer.root_object["/OutputIntents"][0].get_object()
        intent["/DestOutputProfile"].get_object()[NameObject("/N")] = NumberObject(1)

    def cmyk_space(writer):    # an unused ICCBased space, its profile CMYK, /N 3
        profile = StreamObject()
        profile._data = zlib.compress(bytes(12) + b"prtrCMYK" + bytes(108))
        profile.update({NameObject("/N"): NumberObject(3),
                        NameObject("/Filter"): NameObject("/FlateDecode")})
        return ArrayObject([NameObject("/ICCBased"), writer._add_object(profile)])

    assert checks_of(mini_pdf, "icc-components") == []
    pdf = altered(mini_pdf, tmp_path / "n1.pdf", one_channel,
                  resource(3, "/ColorSpace", "/PfCMYK", cmyk_space))
    assert checks_of(pdf, "icc-components") == [
        ("icc-components", None, "the output intent's profile says /N 1, its profile CMYK "
                                 "(4 channels)"),
        ("icc-components", 3, "ICCBased space /PfCMYK says /N 3, its profile CMYK (4 channels)")]
    assert check(pdf).code == 1


def test_an_unregistered_condition_name_is_an_error_with_the_profiles_name(mini_pdf, tmp_path):
    def rename(writer):   # what the guide had: the profile's description as the identifier
        intent = writer.root_object["/OutputIntents"][0].get_object()
        intent[NameObject("/OutputConditionIdentifier")] = TextStringObject(
            "FOGRA39L (pamphlet build)")
        del intent["/RegistryName"]

    assert checks_of(mini_pdf, "output-condition") == []
    pdf = altered(mini_pdf, tmp_path / "condition.pdf", rename)
    assert checks_of(pdf, "output-condition") == [
        ("output-condition", None, "OutputConditionIdentifier 'FOGRA39L (pamphlet build)' is "
                                   "not a registered name (its profile says FOGRA39)"),
        ("output-condition", None, "RegistryName missing, not http://www.color.org")]


def test_xmp_of_a_proof_or_of_pdfx1a_is_a_warning(mini_pdf, tmp_path):
    def proof(writer):
        metadata = writer.root_object["/Metadata"].get_object()
        data = metadata.get_data().decode("utf-8")
        extra = ('<rdf:Description rdf:about="" xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/" '
                 'xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">'
                 '<pdfx:GTS_PDFXConformance>PDF/X-4</pdfx:GTS_PDFXConformance>'
                 '<xmpMM:RenditionClass>proof:pdf</xmpMM:RenditionClass></rdf:Description>')
        metadata.set_data(data.replace("</rdf:RDF>", extra + "</rdf:RDF>").encode("utf-8"))

    assert checks_of(mini_pdf, "xmp-pdfx") == []
    pdf = altered(mini_pdf, tmp_path / "proof.pdf", proof)
    assert checks_of(pdf, "xmp-pdfx") == [
        ("xmp-pdfx", None, "pdfx:GTS_PDFXConformance 'PDF/X-4' (not defined for PDF/X-4)"),
        ("xmp-pdfx", None, "xmpMM:RenditionClass 'proof:pdf', not 'default'")]
    assert check(pdf).code == 0   # a warning


def test_an_annotation_inside_the_trim_is_an_error(mini_pdf, tmp_path):
    def links(writer):
        def link(rect):
            return writer._add_object(DictionaryObject({
                NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"):
                NameObject("/Link"), NameObject("/Rect"): RectangleObject(rect)}))
        # two on the page, one in the slug outside the trim (the sheet's edge)
        writer.pages[4][NameObject("/Annots")] = ArrayObject(
            [link([100, 100, 200, 120]), link([590, 400, 640, 420]), link([-40, 0, -20, 20])])

    assert checks_of(mini_pdf, "annotation-in-trim") == []
    pdf = altered(mini_pdf, tmp_path / "links.pdf", links)
    assert checks_of(pdf, "annotation-in-trim") == [
        ("annotation-in-trim", 5, "2 annotations inside the trim (/Link)")]


def test_transparency_without_a_cmyk_page_group_is_an_error(mini_pdf, tmp_path):
    def group(space):
        def change(writer):
            entries = {NameObject("/S"): NameObject("/Transparency")}
            if space:
                entries[NameObject("/CS")] = NameObject(space)
            writer.pages[3][NameObject("/Group")] = DictionaryObject(entries)
        return change

    alpha = (resource(4, "/ExtGState", "/PfHalf", graphics_state(ca=0.5)),
             drawing(4, b"q /PfHalf gs 0 0 0 0.5 k 100 100 50 50 re f "
                        b"/PfHalf gs 100 200 50 50 re f Q"))
    assert checks_of(mini_pdf, "transparency-group") == []
    pdf = altered(mini_pdf, tmp_path / "alpha.pdf", *alpha)
    assert checks_of(pdf, "transparency-group") == [
        ("transparency-group", 4, "constant alpha /ca 0.5 (/PfHalf gs) and 1 more use, with no "
                                  "page /Group /S /Transparency")]
    pdf = altered(mini_pdf, tmp_path / "no-cs.pdf", *alpha, group(None))
    assert checks_of(pdf, "transparency-group") == [
        ("transparency-group", 4, "constant alpha /ca 0.5 (/PfHalf gs) and 1 more use, with a "
                                  "page /Group without /CS")]
    pdf = altered(mini_pdf, tmp_path / "cmyk-group.pdf", *alpha, group("/DeviceCMYK"))
    assert checks_of(pdf, "transparency-group") == []
    # an opaque ExtGState and a soft mask of /None are no transparency
    pdf = altered(mini_pdf, tmp_path / "opaque.pdf",
                  resource(4, "/ExtGState", "/PfOpaque", graphics_state(ca=1.0, CA=1.0)),
                  drawing(4, b"q /PfOpaque gs 100 100 50 50 re f Q"))
    assert checks_of(pdf, "transparency-group") == []


def test_transparency_is_found_in_forms_and_blend_modes(mini_pdf, tmp_path):
    def multiply(writer):
        return DictionaryObject({NameObject("/BM"): NameObject("/Multiply")})

    def group_form(writer):
        stream = form(b"0 0 0 1 k 0 0 10 10 re f")(writer)
        stream.get_object()[NameObject("/Group")] = DictionaryObject(
            {NameObject("/S"): NameObject("/Transparency")})
        return stream

    pdf = altered(mini_pdf, tmp_path / "blend.pdf",
                  resource(6, "/ExtGState", "/PfMultiply", multiply),
                  resource(6, "/XObject", "/PfInner",
                           form(b"/PfMultiply gs 0 0 0 0.5 k 0 0 10 10 re f")),
                  resource(6, "/XObject", "/PfGroup", group_form),
                  drawing(6, b"q 1 0 0 1 100 100 cm /PfInner Do Q q /PfGroup Do Q"))
    assert checks_of(pdf, "transparency-group") == [
        ("transparency-group", 6, "blend mode /Multiply (/PfMultiply gs) and 1 more use, with "
                                  "no page /Group /S /Transparency")]


def test_k100_text_without_overprint_is_a_warning(mini_pdf, tmp_path):
    assert checks_of(mini_pdf, "overprint-k-text") == []   # the build sets スミノセ
    pdf = altered(mini_pdf, tmp_path / "knockout.pdf",
                  drawing(7, text(mini_pdf, MINCHO, b"0 0 0 1", 12)),
                  drawing(7, text(mini_pdf, MINCHO, b"0 0 0 1", 12, (100, 200),
                                  state=b"/PamphletKO gs")))
    assert checks_of(pdf, "overprint-k-text") == [
        ("overprint-k-text", 7, "8 glyphs of K100 text without overprint")]
    assert check(pdf).code == 0


@pytest.mark.parametrize("entries, knocks_out", [
    ({"op": True}, False), ({"OP": True}, False),   # /OP sets both when /op is absent
    ({"OP": True, "op": False}, True), ({"OP": False}, True)],
    ids=["op", "OP-alone", "OP-not-op", "OP-false"])
def test_k100_text_overprints_by_op_or_by_op_alone(mini_pdf, tmp_path, entries, knocks_out):
    pdf = altered(mini_pdf, tmp_path / "overprint.pdf",
                  resource(3, "/ExtGState", "/PfOverprint", graphics_state(**entries)),
                  drawing(3, text(mini_pdf, MINCHO, b"0 0 0 1", 12, state=b"/PfOverprint gs")))
    assert checks_of(pdf, "overprint-k-text") == (
        [("overprint-k-text", 3, "4 glyphs of K100 text without overprint")] if knocks_out
        else [])


def test_white_that_overprints_is_an_error(mini_pdf, tmp_path):
    pdf = altered(mini_pdf, tmp_path / "white-op.pdf",
                  drawing(4, b"q /PamphletOP gs 0 0 0 0 k 100 100 50 50 re f "
                             b"0 0 0 0 K 1 w 100 300 m 200 300 l S "
                             b"0 0 0 0.2 k 200 100 50 50 re f Q"),   # a tint overprints fine
                  drawing(4, text(mini_pdf, MINCHO, b"0 0 0 0", 12, (100, 400),
                                  state=b"/PamphletOP gs")),
                  drawing(5, b"q 1 g /PamphletOP gs 100 100 50 50 re f Q"))   # gray white
    assert checks_of(mini_pdf, "white-overprint") == []
    assert checks_of(pdf, "white-overprint") == [
        ("white-overprint", 4, "1 fill, 1 stroke and 4 glyphs without ink, overprinting "
                               "(0 0 0 0 k)"),
        ("white-overprint", 5, "1 fill without ink, overprinting (1 g)")]
    assert check(pdf).code == 1


def test_small_text_in_three_or_more_inks_is_a_warning(mini_pdf, tmp_path):
    pdf = altered(mini_pdf, tmp_path / "small.pdf",
                  drawing(5, text(mini_pdf, MINCHO, b"1 0.8 0.25 0.25", 7)),         # 4 inks
                  drawing(5, text(mini_pdf, MINCHO, b"0.3 0.2 0.1 0", 8.5, (100, 150))),  # 3
                  drawing(5, text(mini_pdf, MINCHO, b"1 0.8 0 0", 7, (100, 200))),   # 2: fine
                  drawing(5, text(mini_pdf, MINCHO, b"1 0.8 0.25 0.25", 9, (100, 250))),  # 9 pt
                  # 14 pt scaled by half: 7 pt on the page
                  drawing(6, b"q 0.5 0 0 0.5 0 0 cm " + text(mini_pdf, MINCHO,
                                                             b"1 0.8 0.25 0.25", 14, (200, 200))
                          + b" Q"))
    assert checks_of(mini_pdf, "small-text-inks") == []
    assert checks_of(pdf, "small-text-inks") == [
        ("small-text-inks", 5, "8 glyphs of 7.0–8.5 pt text in 1 0.8 0.25 0.25 k and "
                               "1 other colour"),
        ("small-text-inks", 6, "4 glyphs of 7.0 pt text in 1 0.8 0.25 0.25 k")]


NAVY = b"1 0.8 0.25 0.25 k "


def test_reversed_small_or_mincho_text_on_three_inks_is_a_warning(mini_pdf, tmp_path):
    pdf = altered(mini_pdf, tmp_path / "reversed.pdf",
                  # a navy band, then white 10 pt Mincho on it: 4 glyphs
                  drawing(3, b"q " + NAVY + b"90 90 300 40 re f Q"),
                  drawing(3, text(mini_pdf, MINCHO, b"0 0 0 0", 10)),
                  # white 10 pt Gothic on it is fine; white 8 pt Gothic is not: 4 glyphs
                  drawing(3, text(mini_pdf, GOTHIC, b"0 0 0 0", 10, (200, 100),
                                  b"<01f101e401f3>")),
                  drawing(3, text(mini_pdf, GOTHIC, b"0 0 0 0", 8, (300, 100),
                                  b"<01f101e401f301f1>")),
                  # white Mincho on paper, and on a two-ink band, is fine
                  drawing(3, text(mini_pdf, MINCHO, b"0 0 0 0", 10, (100, 300))),
                  drawing(3, b"q 1 0.8 0 0 k 90 390 300 40 re f Q"),
                  drawing(3, text(mini_pdf, MINCHO, b"0 0 0 0", 10, (100, 400))))
    assert checks_of(mini_pdf, "reversed-text-inks") == []
    assert checks_of(pdf, "reversed-text-inks") == [
        ("reversed-text-inks", 3, "8 glyphs of white 8.0–10.0 pt BIZ-UDGothic, BIZ-UDMincho "
                                  "on 1 0.8 0.25 0.25 k")]


def test_the_background_is_the_last_area_under_each_glyph_within_its_clip(mini_pdf, tmp_path):
    pdf = altered(mini_pdf, tmp_path / "clipped.pdf",
                  # WeasyPrint's background: a clip, then a fill of the whole page; it shows
                  # from x 90 to 120 only, under the first two of four 10 pt glyphs
                  # (centres at 105, 115, 125, 135)
                  drawing(4, b"q 90 90 30 40 re W n " + NAVY + b"0 0 595 842 re f Q"),
                  drawing(4, text(mini_pdf, MINCHO, b"0 0 0 0", 10)),
                  # a white box painted over the band after it: no background of inks there
                  drawing(4, b"q " + NAVY + b"90 290 300 40 re f 0 0 0 0 k 90 290 20 40 re f Q"),
                  drawing(4, text(mini_pdf, MINCHO, b"0 0 0 0", 10, (100, 300))),
                  # TJ moves glyphs: 2000/1000 em back puts the last two on the band again
                  drawing(4, b"q " + NAVY + b"90 490 30 40 re f Q"),
                  drawing(4, text(mini_pdf, MINCHO, b"0 0 0 0", 10, (100, 500),
                                  b"[<0d88018c> 2000 <0d88018c>]")))
    [(_, page, message)] = checks_of(pdf, "reversed-text-inks")
    # 2 under the clipped band, 3 right of the white box, 4 pulled back over the band
    assert (page, message) == (4, "9 glyphs of white 10.0 pt BIZ-UDMincho on 1 0.8 0.25 0.25 k")


def test_thin_rules_in_two_or_more_inks_are_a_warning(mini_pdf, tmp_path):
    pdf = altered(mini_pdf, tmp_path / "rules.pdf",
                  # strokes: 0.4 pt in four inks (found), in K100 and 0.5 pt in four (fine)
                  drawing(6, b"q " + NAVY.replace(b"k", b"K") + b"0.4 w 100 100 m 300 100 l S "
                             b"0.5 w 100 120 m 300 120 l S "
                             b"0 0 0 1 K 0.4 w 100 140 m 300 140 l S Q"),
                  # filled: a 0.4 pt rectangle; a solid border drawn even-odd, 0.3 pt wide;
                  # one side of a border clipped to 0.45 pt; a 0.6 pt bar (not a rule)
                  drawing(6, b"q " + NAVY + b"100 200 200 0.4 re f "
                             b"100 300 100 50 re 100.3 300.3 99.4 49.4 re f* "
                             b"q 100 400 m 200 400 l 200 400.45 l 100 400.45 l h W n "
                             b"100 400 100 50 re 100.45 400.45 99.1 49.1 re f* Q "
                             b"100 500 200 0.6 re f Q"),
                  # two inks count, one does not
                  drawing(7, b"q 0.35 0.05 0 0 K 0.45 w 100 100 m 300 100 l S "
                             b"0 0 0 0.6 K 0.4 w 100 120 m 300 120 l S Q"))
    assert checks_of(mini_pdf, "thin-rule-inks") == []
    assert checks_of(pdf, "thin-rule-inks") == [
        ("thin-rule-inks", 6, "1 stroke under 0.5 pt and 3 filled rules under 0.5 pt in "
                              "1 0.8 0.25 0.25 k and 1 other colour, the thinnest 0.30 pt"),
        ("thin-rule-inks", 7, "1 stroke under 0.5 pt in 0.35 0.05 0 0 K, the thinnest 0.45 pt")]


# --- the command ----------------------------------------------------------------

def test_json_lists_every_finding_with_its_hint(mini_pdf, tmp_path):
    pdf = altered(mini_pdf, tmp_path / "two.pdf", drawing(3, PATCH), drawing(7, PATCH))
    result = check(pdf, "--json")
    assert result.code == 1
    data = json.loads(result.out)
    assert (data["ok"], data["pages"], data["errors"], data["warnings"]) == (False, 8, 2, 0)
    assert data["checks"] == {"rgb-colour": {
        "severity": "error", "message": "RGB colour in a press PDF",
        "hint": REGISTRY["rgb-colour"].hint, "pages": [3, 7]}}
    assert [(f["check"], f["page"], f["message"]) for f in data["findings"]] == [
        ("rgb-colour", 3, "an RGB fill colour (1 0 0 rg)"),
        ("rgb-colour", 7, "an RGB fill colour (1 0 0 rg)")]
    text = check(pdf).out.splitlines()
    assert text[:4] == [
        "error    rgb-colour            pages 3, 7: RGB colour in a press PDF",
        "                               hint: " + REGISTRY["rgb-colour"].hint,
        "                               - page 03: an RGB fill colour (1 0 0 rg)",
        "                               - page 07: an RGB fill colour (1 0 0 rg)"]


@pytest.mark.parametrize("content", [b"", b"%PDF-1.7\nnot really\n", b"hello"],
                         ids=["empty", "truncated", "text"])
def test_a_file_that_is_not_a_pdf_exits_2_with_a_clear_message(tmp_path, content):
    pdf = tmp_path / "broken.pdf"
    pdf.write_bytes(content)
    result = check(pdf)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith(f"error: cannot read {pdf}: ")
    assert "Traceback" not in result.err
    assert result.err.rstrip().endswith("hint: is it a PDF? was the build finished?")


def test_a_missing_file_exits_2(tmp_path):
    result = check(tmp_path / "absent.pdf")
    assert result.code == 2
    assert "cannot read" in result.err and "Traceback" not in result.err


def test_a_fonts_folder_without_manifest_exits_2(mini_pdf, tmp_path):
    result = run("preflight", mini_pdf, "--fonts", tmp_path, "--quiet")
    assert result.code == 2
    assert "no fonts/manifest.yaml" in result.err


def test_every_check_has_an_id_severity_message_and_hint():
    for id, entry in REGISTRY.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", id)
        assert entry.id == id and entry.severity in ("error", "warning")
        assert entry.message and entry.hint and not entry.hint.endswith(".")



def test_photographs_are_measured_and_named_by_their_source_file(tmp_path):
    # The photo fixture: soft masks, CMYK and grey pictures, two under 300 ppi.
    from utils import copy_brochure

    folder = copy_brochure(tmp_path, "photos")
    pdf = tmp_path / "out" / "photos.pdf"
    assert run("build", "--brochure", folder, "--out", pdf, "--quiet").code == 0
    result = run("preflight", pdf, "--json")
    report = json.loads(result.out)
    assert "total-ink" not in report["checks"]                # measured, within the limit
    low = [f["message"] for f in report["findings"] if f["check"] == "resolution-under-300"]
    assert any("(assets/chelsea-untagged.jpg, Im" in message for message in low), low
    assert all(" at 29" in message or " at 2" in message for message in low), low


# The geometry is the print spec's: an A5, perfect-bound pamphlet with 5 mm of bleed is
# checked against its own trim, bleed and binding (read from its /PamphletSpec), not A4.

@pytest.fixture(scope="module")
def a5_pdf(tmp_path_factory):
    from utils import copy_brochure
    folder = copy_brochure(tmp_path_factory.mktemp("a5"))
    edit(folder / "brochure.yaml", "trim: {width: 210mm, height: 297mm}\nbleed: 3mm\n"
         "binding: saddle-stitch", "trim: {width: 148mm, height: 210mm}\nbleed: 5mm\n"
         "binding: perfect")
    out = folder.parent / "a5.pdf"
    result = run("build", "--brochure", folder, "--out", out, "--quiet")
    assert result.code == 0, result.err
    return out


GEOMETRY = ("trim-box", "bleed-box", "media-box", "page-count")


def test_an_a5_perfect_bound_pdf_passes_by_its_own_spec(a5_pdf):
    boxes = subprocess.run(["pdfinfo", "-box", "-f", "1", "-l", "1", a5_pdf],
                           capture_output=True, text=True, check=True).stdout
    trim = [float(v) for v in re.search(r"TrimBox:\s+(.*)", boxes)[1].split()]
    bleed = [float(v) for v in re.search(r"BleedBox:\s+(.*)", boxes)[1].split()]
    assert (round((trim[2] - trim[0]) * 25.4 / 72), round((trim[3] - trim[1]) * 25.4 / 72)) \
        == (148, 210)                                    # poppler reads it: A5 ...
    assert round((trim[0] - bleed[0]) * 25.4 / 72, 1) == 5.0    # ... with 5 mm of bleed
    report = preflight(a5_pdf, FONTS)
    assert report.spec.size_name == "A5" and report.spec.binding == "perfect"
    assert [f for f in report.findings if f.rule in GEOMETRY] == []


def test_an_a5_pdf_checked_against_an_a4_spec_fails_its_boxes(a5_pdf):
    from pamphlet.spec import PrintSpec
    report = preflight(a5_pdf, FONTS, PrintSpec())      # what `check` with an A4 brochure does
    assert sorted({f.rule for f in report.findings if f.rule in GEOMETRY}) == \
        ["bleed-box", "trim-box"]
    assert "not A4 (595.28 × 841.89 pt)" in next(f.message for f in report.findings
                                                  if f.rule == "trim-box")


def test_a_binding_of_single_sheets_takes_any_page_count(mini_pdf, tmp_path):
    from pamphlet.spec import PrintSpec
    pdf = altered(mini_pdf, tmp_path / "seven.pdf", lambda w: w.remove_page(7))
    assert [f.rule for f in preflight(pdf, FONTS, PrintSpec(binding="none")).findings
            if f.rule in GEOMETRY] == []
    assert [f.rule for f in preflight(pdf, FONTS, PrintSpec(binding="perfect")).findings
            if f.rule in GEOMETRY] == ["page-count"]


@pytest.mark.parametrize("identifier", [b"[5 5]", b"[/A /B]", b"<00112233>"])
def test_a_document_id_that_is_not_two_strings_is_named(mini_pdf, tmp_path, identifier):
    data = bytearray(altered(mini_pdf, tmp_path / "copy.pdf").read_bytes())
    start = data.rindex(b"/ID") + len(b"/ID")
    end = data.index(b"]", start) + 1
    data[start:end] = identifier.ljust(end - start)   # same length: the xref stays right
    pdf = tmp_path / "badid.pdf"
    pdf.write_bytes(bytes(data))
    assert found(pdf) == [("document-id", None)]
    assert any("not two non-empty strings" in message for message in messages(pdf))
