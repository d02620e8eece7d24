"""The print PDF: PDF/X-4, CMYK output intent, boxes, trim marks outside the bleed."""

import re

from pathlib import Path

import pypdf

from utils import ROOT, run

MM = 72 / 25.4
A4 = (0, 0, 595.276, 841.89)


def boxes(page) -> dict:
    return {name: [round(float(v), 2) for v in page[name]]
            for name in ("/MediaBox", "/BleedBox", "/TrimBox") if name in page}


def grow(box, by):
    return [round(box[0] - by, 2), round(box[1] - by, 2), round(box[2] + by, 2),
            round(box[3] + by, 2)]


def test_every_page_has_trim_and_bleed_and_room_for_marks(mini_pdf):
    for page in pypdf.PdfReader(str(mini_pdf)).pages:
        found = boxes(page)
        assert found["/TrimBox"] == [round(v, 2) for v in A4]
        assert found["/BleedBox"] == grow(A4, 3 * MM)
        assert found["/MediaBox"] == grow(A4, 3 * MM + 15 * MM)
        assert "/ArtBox" not in page and "/CropBox" not in page


def test_no_marks_makes_the_page_the_bleed_box(mini, tmp_path):
    out = tmp_path / "nomarks.pdf"
    assert run("build", "--brochure", mini, "--out", out, "--no-marks", "--quiet").code == 0
    for page in pypdf.PdfReader(str(out)).pages:
        assert boxes(page)["/MediaBox"] == boxes(page)["/BleedBox"] == grow(A4, 3 * MM)


def test_pdf_x4_with_a_cmyk_output_intent(mini_pdf):
    reader = pypdf.PdfReader(str(mini_pdf))
    assert reader.pdf_header == "%PDF-1.6"
    intent = reader.trailer["/Root"]["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFX"
    profile = intent["/DestOutputProfile"].get_object().get_data()
    assert profile[16:20] == b"CMYK" and profile[12:16] == b"prtr"
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    assert reader.metadata["/Trapped"] == "/False"
    assert len(reader.trailer["/ID"]) == 2


def test_trim_marks_lie_outside_the_bleed_in_registration_colour(mini_pdf):
    page = pypdf.PdfReader(str(mini_pdf)).pages[2]
    marks = page["/Contents"][-1].get_object().get_data().decode()
    assert marks.splitlines()[2].startswith("q /PamphletAll CS 1 SCN 0.3 w")
    segments = [tuple(map(float, m)) for m in
                re.findall(r"([-\d.]+) ([-\d.]+) m ([-\d.]+) ([-\d.]+) l S", marks)]
    assert len(segments) == 4 * 4 + 4 * 2           # double corner marks, centre crosses
    left, bottom, right, top = grow(A4, 3 * MM)
    for x1, y1, x2, y2 in segments:
        outside = (max(x1, x2) < left or min(x1, x2) > right
                   or max(y1, y2) < bottom or min(y1, y2) > top)
        assert outside, (x1, y1, x2, y2)
    space = page["/Resources"]["/ColorSpace"]["/PamphletAll"]
    assert space[0] == "/Separation" and space[1] == "/All"


def test_the_slug_names_file_page_and_date(mini_pdf):
    # The slug is drawn as outlines (no font to embed). Read it back: each glyph is a
    # tiny-scaled filled path (pikepdf parses the stream); the glyph is the character whose
    # outline box in the font's own glyf table (fontTools) is the path's box.
    assert slug_text(mini_pdf, 2) == "mini.pdfテスト冊子2025-03-0103/08"
    assert slug_text(mini_pdf, 7).endswith("08/08")


def slug_text(pdf: Path, index: int) -> str:
    import pikepdf

    with pikepdf.open(pdf) as document:
        drawn, points = [], None
        for operands, operator in pikepdf.parse_content_stream(document.pages[index]):
            operator = str(operator)
            if operator == "cm" and 0 < float(operands[0]) < 0.01:     # a glyph's scale
                points = []
            elif operator in ("m", "l", "c") and points is not None:
                values = [float(v) for v in operands]
                points += list(zip(values[::2], values[1::2]))
            elif operator == "f" and points is not None:
                drawn.append(_box(points))
                points = None
    return "".join(_glyph_for(box) for box in drawn)


def _box(points) -> tuple:
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


SLUG_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789./-_テスト冊子"


def _glyph_for(box: tuple) -> str:
    from fontTools.ttLib import TTFont

    font = TTFont(ROOT / "fonts" / "BIZUDGothic-Regular.ttf", lazy=True)
    glyf, cmap = font["glyf"], font.getBestCmap()
    boxes = {}
    for char in SLUG_ALPHABET:
        glyph = glyf[cmap[ord(char)]]
        boxes[char] = (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax)
    char, distance = min(((c, sum(abs(a - b) for a, b in zip(box, b)))
                          for c, b in boxes.items()), key=lambda pair: pair[1])
    return char if distance < 40 else "?"


def test_raster_images_are_converted_to_cmyk(mini_pdf):
    page = pypdf.PdfReader(str(mini_pdf)).pages[6]
    images = [x.get_object() for x in page["/Resources"]["/XObject"].values()
              if x.get_object()["/Subtype"] == "/Image"]
    assert [i["/ColorSpace"] for i in images] == ["/DeviceCMYK"]


def test_the_screen_edition_is_rgb_tagged_and_bookmarked(mini, tmp_path):
    out = tmp_path / "mini.pdf"
    assert run("build", "--brochure", mini, "--out", out, "--screen", "--quiet").code == 0
    screen = tmp_path / "mini-screen.pdf"
    reader = pypdf.PdfReader(str(screen))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert root["/Lang"] == "ja" and reader.metadata["/Title"] == "テスト冊子"
    assert [(o.title, reader.get_destination_page_number(o) + 1) for o in reader.outline] == [
        ("第一章 はじまり", 3), ("第二章 なかほど", 4), ("第三章 おわり", 6)]
    assert all(boxes(p)["/MediaBox"] == [round(v, 2) for v in A4] for p in reader.pages)
    assert b"DeviceCMYK" not in _uncompressed(screen, tmp_path)   # content and object streams
    images = [x.get_object() for x in reader.pages[6]["/Resources"]["/XObject"].values()
              if x.get_object()["/Subtype"] == "/Image"]
    assert [i["/ColorSpace"] for i in images] == ["/DeviceRGB"]


def test_the_output_intent_names_the_condition_the_brochure_gives(mini, tmp_path):
    meta = mini / "brochure.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") +
                    "output_condition: {identifier: JC200103, name: Japan Color 2001 Coated}\n",
                    encoding="utf-8")
    out = tmp_path / "out.pdf"
    assert run("build", "--brochure", mini, "--out", out, "--quiet").code == 0
    intent = pypdf.PdfReader(str(out)).trailer["/Root"]["/OutputIntents"][0].get_object()
    assert intent["/OutputConditionIdentifier"] == "JC200103"
    assert intent["/OutputCondition"] == "Japan Color 2001 Coated"
    assert intent["/RegistryName"] == "http://www.color.org"


def _uncompressed(pdf: Path, folder: Path) -> bytes:
    """The PDF's bytes with every stream and object stream written out plain (by qpdf):
    a colour space named in a compressed content or object stream shows in them."""
    import subprocess

    plain = folder / f"{pdf.stem}-plain.pdf"
    subprocess.run(["qpdf", "--stream-data=uncompress", "--object-streams=disable", pdf, plain],
                   check=True)
    return plain.read_bytes()

