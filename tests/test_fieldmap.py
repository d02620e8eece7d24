"""The build's map from laid-out boxes to fields (fieldmap.py), read back against the PDF."""

import hashlib
import json

import pypdfium2 as pdfium

from pamphlet.fieldmap import map_path

MM = 72 / 25.4


def _where(pdf, number: int, text: str) -> tuple:
    """The middle of ``text``'s first character on page ``number``, mm from the trim's top left."""
    document = pdfium.PdfDocument(str(pdf))
    page = document[number - 1]
    textpage = page.get_textpage()
    whole = textpage.get_text_range()
    index = whole.replace("\r", "").replace("\n", "").find(text)
    assert index >= 0, f"{text!r} is not on page {number}"
    left, bottom, right, top = textpage.get_charbox(whole.find(text[0], index))
    trim = page.get_trimbox()
    return ((left + right) / 2 - trim[0]) / MM, (trim[3] - (bottom + top) / 2) / MM


def test_the_map_beside_the_pdf_names_each_field_where_it_prints(mini_pdf):
    facts = json.loads(map_path(mini_pdf).read_text(encoding="utf-8"))
    assert facts["pdf_sha256"] == hashlib.sha256(mini_pdf.read_bytes()).hexdigest()
    alpha = next(p for p in facts["pages"] if p["page"] == 3)
    assert (alpha["definition"], alpha["offset"]) == ("alpha", 1)
    assert alpha["order"] == {"file": "brochure.yaml", "field": "pages[2]", "line": 14}
    body = next(b for b in alpha["boxes"] if b["field"] == "body[1]")
    assert (body["file"], body["line"], body["text"]) == ("alpha.yaml", 7, "二つ目の段落です。")
    x, y = _where(mini_pdf, 3, "二つ目の段落")
    left, top, width, height = body["box"]
    assert left <= x <= left + width and top <= y <= top + height
    heading = next(b for b in alpha["boxes"] if b["field"] == "heading")
    assert heading["box"][1] + heading["box"][3] <= top + 0.5      # above the paragraph


def test_the_map_names_every_input_file_and_the_theme(mini_pdf):
    facts = json.loads(map_path(mini_pdf).read_text(encoding="utf-8"))
    assert "layouts/base.css" in facts["inputs"] and "pamphlet/fieldmap.py" in facts["inputs"]
    assert not any(name.startswith("mini/pages/") for name in facts["inputs"])
