"""drawing.py: the PDF moves the pen past a SPACER by exactly the width Pango gave it."""

import pypdfium2 as pdfium
import pytest
import weasyprint

from pamphlet import typography
from pamphlet.engine.layout import install
from utils import ROOT


def test_a_quarter_em_is_a_quarter_em_in_the_pdf(tmp_path):
    install()
    font = (ROOT / "fonts" / "BIZUDGothic-Regular.ttf").as_uri()
    html = typography.process(
        f'<html lang="ja"><style>@font-face {{ font-family: G; src: url({font}) }}'
        "@page { size: 300pt 100pt; margin: 10pt } p { font: 40pt G; margin: 0 }</style>"
        "<p>A年</p></html>")
    pdf = tmp_path / "spacer.pdf"
    weasyprint.HTML(string=html).write_pdf(pdf)
    textpage = pdfium.PdfDocument(str(pdf))[0].get_textpage()
    boxes = [textpage.get_charbox(i, loose=True) for i in range(textpage.count_chars())
             if not textpage.get_text_range(i, 1).isspace()]
    assert boxes[1][0] - boxes[0][2] == pytest.approx(10.0, abs=0.01)     # 40 pt / 4
