"""The print spec (spec.py) reaches the page: trim and bleed boxes, the spine's side on
every page, the catalog's record of it, read back with pikepdf and poppler."""

import re
import shutil
import subprocess

import pikepdf
import pytest

from utils import edit, run
from pamphlet.spec import MM, PrintSpec, from_pdf


def _build(mini, tmp_path, *, size="{width: 148mm, height: 210mm}", side=None):
    meta = mini / "brochure.yaml"
    edit(meta, "trim: {width: 210mm, height: 297mm}", f"trim: {size}")
    if side:
        edit(meta, "binding: saddle-stitch\n", f"binding: saddle-stitch\nside: {side}\n")
    pdf = tmp_path / "out.pdf"
    result = run("build", "--brochure", mini, "--out", pdf, "--quiet")
    assert result.code == 0, result.err
    return pdf


def _first_word_x(pdf, page: int) -> float:
    """The left edge (mm from the media box's left) of the leftmost word poppler finds."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-q",
                           str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return min(float(x) for x in re.findall(r'<word xMin="([\d.]+)"', html)) / MM


@pytest.mark.parametrize("side", ["left", "right"])
def test_the_pdf_carries_the_spec_it_was_built_with(mini, tmp_path, side):
    pdf = _build(mini, tmp_path, side=side)
    with pikepdf.open(pdf) as document:
        assert from_pdf(document) == PrintSpec(148, 210, 3, "saddle-stitch", side)
        trim = [float(v) for v in document.pages[0].TrimBox]
        assert round((trim[2] - trim[0]) / MM, 1) == 148 and round((trim[3] - trim[1]) / MM, 1) == 210
        # no /Direction /R2L: pdfium would read P06 as 06P (check-toc with it)
        assert "/Direction" not in document.Root.get("/ViewerPreferences", {})
    assert run("check-toc", pdf, "--brochure", mini, "--quiet").code == 0


def test_right_binding_puts_the_spine_on_the_right_of_a_recto(mini, tmp_path):
    """Page 3 (a recto): bound on the left, its text frame starts at the inner margin
    (18 mm from the spine, on the left); bound on the right, at the outer margin (14 mm)."""
    (tmp_path / "left").mkdir()
    left = _build(mini, tmp_path / "left", side="left")
    mini_right = mini.parent / "right"
    shutil.copytree(mini, mini_right)
    edit(mini_right / "brochure.yaml", "side: left\n", "side: right\n")
    right = tmp_path / "right.pdf"
    assert run("build", "--brochure", mini_right, "--out", right, "--quiet").code == 0
    # the same media box (bleed and marks) on both: the difference is the margins'
    assert round(_first_word_x(left, 3) - _first_word_x(right, 3), 1) == 4.0


def test_an_unknown_binding_side_is_an_error_at_its_line(mini, tmp_path):
    meta = mini / "brochure.yaml"
    edit(meta, "binding: saddle-stitch\n", "binding: saddle-stitch\nside: top\n")
    result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf")
    assert result.code == 1
    assert (f"error: {meta}:9:7: unknown binding side 'top'\nhint: use left (horizontal text) "
            "or right (右綴じ, vertical text)\n") in result.err, result.err


def test_sizes_are_named():
    assert PrintSpec(148, 210).size_name == "A5"
    assert PrintSpec(257, 182).size_name == "B5 landscape"
    assert PrintSpec(100, 150).size_name == "100 × 150 mm"
