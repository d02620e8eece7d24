"""The guide's print PDF as a print shop reads it: Ghostscript, qpdf and pypdf, not
pamphlet's own preflight (which tests/checks/test_preflight.py covers)."""

import re
import subprocess
from pathlib import Path

import pypdf
import pytest
from PIL import Image

PLATES = ("Cyan", "Magenta", "Yellow", "Black")
CHANNELS = {b"GRAY": 1, b"RGB ": 3, b"Lab ": 3, b"CMYK": 4}


@pytest.fixture(scope="module")
def separations(guide_pdf, tmp_path_factory) -> dict:
    """Ghostscript's tiffsep plates of every page at 20 dpi: {page: {plate: image}}."""
    folder = tmp_path_factory.mktemp("separations")
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffsep", "-r20",
                    f"-sOutputFile={folder / 'p%02d.tif'}", str(guide_pdf)], check=True)
    return {int(path.name[1:3]): {plate: _ink(folder / f"{path.name[:3]}({plate}).tif")
                                  for plate in PLATES}
            for path in sorted(folder.glob("p??.tif"))}


def _ink(path: Path, dpi: int = 20) -> Image.Image:
    """A plate inside the bleed box (the trim marks print on every plate), 255 = solid ink."""
    image = Image.open(path).convert("L").point(lambda v: 255 - v)
    margin = round(15 / 25.4 * dpi) + 1       # the media reaches 15 mm past the bleed
    return image.crop((margin, margin, image.width - margin, image.height - margin))


def test_ghostscript_reads_every_page_without_repairing_anything(guide_pdf, tmp_path):
    result = subprocess.run(["gs", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiff32nc",
                             "-r10", "-dPDFX", "-dUsePDFX3Profile",
                             f"-sOutputFile={tmp_path / 'p%02d.tif'}", str(guide_pdf)],
                            capture_output=True, text=True, check=True)
    said = result.stdout + result.stderr
    assert not re.search(r"repaired|error|warning", said, re.I), said
    assert len(list(tmp_path.glob("p*.tif"))) == 36


def test_qpdf_finds_nothing_wrong(guide_pdf):
    result = subprocess.run(["qpdf", "--check", str(guide_pdf)], capture_output=True, text=True)
    assert result.returncode == 0 and "No syntax or stream encoding errors" in result.stdout


def _iccbased_streams(reader):
    intents = [i.get_object()["/DestOutputProfile"].get_object()
               for i in reader.trailer["/Root"].get("/OutputIntents", [])]
    spaces = [space[1].get_object() for page in reader.pages
              for space in ((page.get("/Resources") or {}).get("/ColorSpace") or {}).values()
              if isinstance(space.get_object(), list) and space.get_object()[0] == "/ICCBased"]
    return intents + spaces


def test_every_icc_stream_says_as_many_components_as_its_profile(guide_pdf):
    streams = _iccbased_streams(pypdf.PdfReader(str(guide_pdf)))
    assert streams
    for stream in streams:
        assert stream["/N"] == CHANNELS[stream.get_data()[16:20]]


def test_the_output_intent_names_a_registered_printing_condition(guide_pdf):
    intent = pypdf.PdfReader(str(guide_pdf)).trailer["/Root"]["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFX"
    assert intent["/OutputConditionIdentifier"] == "FOGRA39"
    assert intent["/RegistryName"] == "http://www.color.org"


def test_the_print_master_carries_no_annotations(guide_pdf):
    reader = pypdf.PdfReader(str(guide_pdf))
    assert [page.get("/Annots") for page in reader.pages] == [None] * 36
    # ... but still says where its page references point, for the contents check
    assert sum(len(page.get("/PamphletLinks") or []) for page in reader.pages) == 13


def test_pages_with_transparency_blend_in_cmyk(guide_pdf):
    reader = pypdf.PdfReader(str(guide_pdf))
    transparent = []
    for number, page in enumerate(reader.pages, start=1):
        states = ((page.get("/Resources") or {}).get("/ExtGState") or {}).values()
        if any(float(s.get_object().get("/ca", 1)) < 1 for s in states):
            transparent.append(number)
            group = page["/Group"].get_object()
            assert (group["/S"], group["/CS"]) == ("/Transparency", "/DeviceCMYK")
    assert {1, 2, 36} <= set(transparent)


def test_the_xmp_is_a_pdf_x4_master(guide_pdf):
    xmp = pypdf.PdfReader(str(guide_pdf)).trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    assert b"GTS_PDFXConformance" not in xmp
    assert b"<xmpMM:RenditionClass>default</xmpMM:RenditionClass>" in xmp


def test_total_ink_stays_under_300_percent(separations):
    worst = 0
    for plates in separations.values():
        sums = Image.merge("CMYK", [plates[p] for p in PLATES])
        worst = max(worst, max(sum(pixel) for pixel in _pixels(sums)))
    assert worst <= 300 * 255 / 100 + 4          # + rounding of four 8-bit plates


def test_body_text_prints_in_black_alone(separations):
    # Page 8's upper half is body text on paper: wherever black prints, nothing else does.
    plates = {p: image.crop((0, 0, image.width, image.height // 2))
              for p, image in separations[8].items()}
    black = list(_pixels(plates["Black"]))
    assert sum(1 for k in black if k > 128) > 200
    for plate in ("Cyan", "Magenta", "Yellow"):
        others = list(_pixels(plates[plate]))
        assert not [k for k, c in zip(black, others) if k > 128 and c > 0]


def test_k100_text_overprints_the_tint_beneath(guide_pdf, tmp_path):
    # Page 4's contents panel: K100 entries on a pale cyan tint. Knocked out, the cyan
    # plate has a hole under every glyph; overprinted, the tint runs on unbroken.
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffsep", "-r150",
                    "-dFirstPage=4", "-dLastPage=4", f"-sOutputFile={tmp_path / 'p.tif'}",
                    str(guide_pdf)], check=True)
    cyan, black = (_ink(tmp_path / f"p({plate}).tif", 150) for plate in ("Cyan", "Black"))
    assert _holes_under_black(cyan, black) < 20, "K100 text knocks out of the tint"


def _holes_under_black(cyan: Image.Image, black: Image.Image) -> int:
    """Solid-black pixels without cyan whose neighbours three pixels left and right have it."""
    width, height = cyan.size
    c, k = cyan.load(), black.load()
    holes = 0
    for y in range(height):
        for x in range(3, width - 3):
            if k[x, y] > 240 and c[x, y] == 0 and c[x - 3, y] > 0 and c[x + 3, y] > 0:
                holes += 1
    return holes


def _pixels(image: Image.Image):
    return image.get_flattened_data() if hasattr(image, "get_flattened_data") else image.getdata()
