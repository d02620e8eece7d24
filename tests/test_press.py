"""The print PDF: PDF/X-4, CMYK output intent, boxes, trim marks outside the bleed."""

import re

import pypdf

from utils import run

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
    import pypdfium2
    document = pypdfium2.PdfDocument(str(mini_pdf))
    # The slug is drawn as outlines (no font to embed): look for its ink below the bleed.
    bitmap = document[2].render(scale=2).to_pil().convert("L")
    width, height = bitmap.size
    slug_band = bitmap.crop((int(width * 0.15), int(height * 0.965), int(width * 0.6), height))
    assert slug_band.getextrema()[0] < 100


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
    assert b"DeviceCMYK" not in screen.read_bytes()
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
