"""overprint.py: K100 text and thin K100 rules overprint (スミノセ), read back by Ghostscript's
separations (tiffsep), not by the code that wrote them."""

import subprocess

import pikepdf
import pytest
from PIL import Image

from pamphlet.overprint import overprint_k100, overprint_part

# A cyan panel; on it K100 text, a thin K100 rule (as WeasyPrint draws a border: a thin
# clip, then an even-odd fill of two big rectangles), a thick K100 block and a white rule.
PAGE = b"""
q 0.5 0 0 0 k 0 0 200 200 re f Q
q 0 0 0 1 k BT /F1 40 Tf 20 140 Td (HHH) Tj ET Q
q 20 100 160 1.5 re W n 0 0 0 1 k 20 100 160 50 re 20 101.5 160 48.5 re f* Q
q 0 0 0 1 k 20 20 60 60 re f Q
q 0 0 0 0 k 120 20 60 1 re f Q
"""


def _pdf(content: bytes = PAGE) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 200, 200],
                              Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
                              Contents=pdf.make_stream(content))
    pdf.pages.append(pikepdf.Page(page))
    return pdf


def _cyan_plate(pdf: pikepdf.Pdf, tmp_path) -> Image.Image:
    """Ghostscript's cyan separation at 72 dpi (one pixel a point), 0 = no ink."""
    source = tmp_path / "in.pdf"
    pdf.save(source)
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffsep", "-r72",
                    f"-sOutputFile={tmp_path / 'sep.tif'}", str(source)], check=True)
    plate = Image.open(tmp_path / "sep(Cyan).tif").convert("L")
    return plate.point(lambda v: 255 - v)      # tiffsep writes ink as dark


def _ink(plate, x, y) -> int:
    return plate.getpixel((int(x), int(200 - y)))     # PDF y up, pixel rows down


def test_k100_text_and_thin_rules_overprint_and_nothing_else(tmp_path):
    pdf = _pdf()
    assert overprint_k100(pdf) == 2                 # the text and the thin rule
    plate = _cyan_plate(pdf, tmp_path)
    assert _ink(plate, 25, 150) > 100               # under the text: the panel's cyan stays
    assert _ink(plate, 100, 100.75) > 100              # under the thin rule too
    assert _ink(plate, 50, 50) == 0                 # the thick block knocks out
    assert _ink(plate, 150, 20.5) == 0                # white knocks out (it never overprints)


def test_without_the_pass_k100_knocks_out(tmp_path):
    plate = _cyan_plate(_pdf(), tmp_path)
    assert _ink(plate, 25, 150) == 0 and _ink(plate, 100, 100.75) == 0


def test_what_follows_k100_text_knocks_out_again(tmp_path):
    # A cyan panel, K100 text, then a magenta block drawn in the same q level: the block
    # must not inherit the text's overprint (its cyan plate would keep the panel's ink).
    content = (b"0.5 0 0 0 k 0 0 200 200 re f 0 0 0 1 k BT /F1 40 Tf 20 140 Td (HHH) Tj ET "
               b"0 0.6 0 0 k 20 20 60 60 re f")
    pdf = _pdf(content)
    overprint_k100(pdf)
    plate = _cyan_plate(pdf, tmp_path)
    assert _ink(plate, 25, 150) > 100 and _ink(plate, 50, 50) == 0


def test_a_pdf_without_k100_is_left_byte_for_byte(tmp_path):
    pdf = _pdf(b"q 0.5 0 0 0 k 0 0 200 200 re f Q")
    buffer = tmp_path / "plain.pdf"
    pdf.save(buffer, static_id=True)
    assert overprint_part(buffer.read_bytes()) == buffer.read_bytes()


@pytest.mark.parametrize("option, expected", [("", True), ("overprint: false\n", False)])
def test_the_brochure_option_turns_it_off(mini, tmp_path, option, expected):
    from utils import run

    meta = mini / "brochure.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + option, encoding="utf-8")
    out = tmp_path / "out.pdf"
    assert run("build", "--brochure", mini, "--out", out, "--quiet").code == 0
    with pikepdf.open(out) as pdf:
        states = [s for page in pdf.pages
                  for s in (page.Resources.get("/ExtGState") or {}).values()]
        assert any(bool(s.get("/op", False)) for s in states) is expected
