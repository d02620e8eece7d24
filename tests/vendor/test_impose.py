"""pamphlet impose: the sheets folded back in software, read from the imposed PDF."""

import re
import subprocess

import pytest

from utils import edit, run
from vendor.booklets import MM, booklet, by_text, expected_groups, fold_back, read_sides, words

CALIPER = 0.1


def impose(pdf, *extra):
    result = run("impose", pdf, "--quiet", *extra)
    assert result.code == 0, result.err
    return pdf.with_name(pdf.stem + "-imposed.pdf"), pdf.with_name(pdf.stem + "-dummy.pdf")


def check_folds_back(imposed, pages, binding, side, caliper, identify=None, width=148.0):
    """Page order, orientation and creep as the imposed PDF shows them."""
    groups = expected_groups(pages, binding)
    spine = (pages - 4) / 2 * caliper if binding == "perfect" else 0.0
    sides = read_sides(imposed, width, identify, lambda index: spine if index < 2 and
                       binding == "perfect" else 0.0)
    assert len(sides) == pages // 2 and all(len(s) == 2 for s in sides)
    assert fold_back(sides, groups, side) == list(range(1, pages + 1))
    assert all(p.upright for s in sides for p in s)
    for group in groups:
        for depth, sheet in enumerate(group):
            for placed in sides[2 * sheet] + sides[2 * sheet + 1]:
                assert placed.creep == pytest.approx(depth * caliper, abs=0.002), \
                    (sheet + 1, placed)
                assert placed.text_creep == pytest.approx(depth * caliper, abs=0.01), placed
    return sides


@pytest.mark.parametrize("binding", ["saddle-stitch", "perfect"])
@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("pages", [8, 12, 64])
def test_booklet_folds_back(tmp_path, pages, side, binding):
    pdf = booklet(tmp_path / "book.pdf", pages, binding, side)
    imposed, dummy = impose(pdf, "--caliper", f"{CALIPER}mm")
    sides = check_folds_back(imposed, pages, binding, side, CALIPER)
    outside = [p.page for p in sides[0]]
    assert outside == ([pages, 1] if side == "left" else [1, pages])
    assert fold_back(dummy_sides(dummy), expected_groups(pages, binding), side) == \
        list(range(1, pages + 1))


def dummy_sides(dummy):
    """The dummy's sides: each P07 left or right of the paper's middle (the fold)."""
    width = float(re.search(r'<page width="([\d.]+)"', subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(dummy), "-"],
        capture_output=True, text=True, check=True).stdout)[1])

    class Found:
        def __init__(self, page, x):
            self.page, self.half = page, "left" if x < width / 2 else "right"

    return [[Found(int(w[1:]), x) for w, x, y in side if re.fullmatch(r"P\d+", w)]
            for side in words(dummy)]


def test_guide_folds_back_both_sides(guide_pdf, tmp_path):
    """The 36-page guide: nine nested sheets, 36|1 and 2|35 outside, creep 0 to 0.8 mm."""
    identify = by_text(guide_pdf)
    for side in ("left", "right"):
        out = tmp_path / f"guide-{side}.pdf"
        result = run("impose", guide_pdf, "--side", side, "--caliper", "0.1mm", "--out", out,
                     "--dummy", tmp_path / f"dummy-{side}.pdf", "--quiet")
        assert result.code == 0, result.err
        sides = check_folds_back(out, 36, "saddle-stitch", side, 0.1, identify, width=210.0)
        expected = [[36, 1], [2, 35]] if side == "left" else [[1, 36], [35, 2]]
        assert [[p.page for p in s] for s in sides[:2]] == expected
        assert [p.page for p in sides[16]] == ([20, 17] if side == "left" else [17, 20])


def test_same_input_same_bytes(tmp_path):
    pdf = booklet(tmp_path / "book.pdf", 12)
    first = [path.read_bytes() for path in impose(pdf)]
    again = tmp_path / "again"
    again.mkdir()
    second = [path.read_bytes() for path in impose(booklet(again / "book.pdf", 12))]
    assert first == second


def test_caliper_from_the_brochure(tmp_path, mini):
    edit(mini / "brochure.yaml", "binding: saddle-stitch\n",
         "binding: saddle-stitch\npaper: {name: 上質紙, weight: 70kg, caliper: 0.25mm}\n")
    pdf = booklet(tmp_path / "book.pdf", 12)
    imposed, _ = impose(pdf, "--brochure", mini)
    check_folds_back(imposed, 12, "saddle-stitch", "left", 0.25)


@pytest.mark.parametrize("yaml, message", [
    ("paper: {caliper: 0.1xx}\n", "brochure.yaml:9:18: paper caliper '0.1xx' is not a length"),
    ("paper: {cover: {caliper: 3mm}}\n",
     "brochure.yaml:9:26: paper caliper 3mm is outside 0.03–1 mm"),
    ("job: {status: done}\n", "brochure.yaml:9:15: job.status is 'done', not one of the choices"),
])
def test_bad_job_is_one_error_at_its_line(tmp_path, mini, yaml, message):
    edit(mini / "brochure.yaml", "binding: saddle-stitch\n", "binding: saddle-stitch\n" + yaml)
    result = run("impose", booklet(tmp_path / "book.pdf", 8), "--brochure", mini, "--quiet")
    assert result.code == 1
    assert result.err.splitlines()[0].startswith("error: ")
    assert result.err.splitlines()[0].endswith(message), result.err
    assert result.err.splitlines()[1].startswith("hint: ")
    assert "Traceback" not in result.err and len(result.err.splitlines()) == 2


@pytest.mark.parametrize("make, args, message", [
    (lambda p: booklet(p, 8), ["--caliper", "0.1xx"], "error: paper caliper '0.1xx' is not a length"),
    (lambda p: booklet(p, 10), [], "10 pages do not fold into sheets of 4"),
    (lambda p: booklet(p, 8, binding="none"), [], "the PDF is not bound (binding: none)"),
    (lambda p: p.write_text("not a PDF") and p, [], "book.pdf"),
])
def test_bad_input_is_one_error(tmp_path, make, args, message):
    result = run("impose", make(tmp_path / "book.pdf"), *args)
    assert result.code == 1, result.err
    assert message in result.err.splitlines()[0] and result.err.startswith("error: ")
    assert "Traceback" not in result.err


def test_unknown_binding_in_the_brochure(tmp_path, mini):
    edit(mini / "brochure.yaml", "binding: saddle-stitch\n", "binding: spiral\n")
    result = run("impose", booklet(tmp_path / "book.pdf", 8), "--brochure", mini)
    assert result.code == 1
    assert "brochure.yaml:8:10: unknown binding 'spiral'" in result.err


def test_proof_marks_the_folds_and_drops_the_pages_own_marks(tmp_path):
    """Rendered by poppler: a dashed fold mark above the bleed at each fold of a perfect-bound
    cover (3 mm of spine between), nothing between them; nothing where each page's own
    centre mark stood (a page is placed to its bleed, without its marks)."""
    imposed, _ = impose(_marked_copy(booklet(tmp_path / "book.pdf", 64, "perfect"),
                                     tmp_path / "marked.pdf"), "--caliper", "0.1mm")
    subprocess.run(["pdftoppm", "-r", "288", "-gray", "-f", "1", "-l", "1", "-singlefile",
                    str(imposed), str(tmp_path / "sheet")], check=True)
    pixels, width, height = _pgm(tmp_path / "sheet.pgm")
    px = 288 / 72
    trim_left = 3 * MM + (10 + 5) * MM                     # bleed + the marks' margin
    fold_left, fold_right = trim_left + 148 * MM, trim_left + 151 * MM
    above_bleed = range(int(3 * MM * px), int(7 * MM * px))   # from the top, above the labels

    def ink(x):                                           # the darkest pixel of column x
        return min(pixels[y * width + int(x * px) + dx] for y in above_bleed for dx in (-1, 0, 1))

    assert ink(fold_left) < 160 and ink(fold_right) < 160
    assert ink(fold_left + 0.75 * MM) > 250
    assert ink(trim_left + 148 * MM / 2) > 250             # where page 64's own mark stood


def _marked_copy(source, target):
    """The booklet with a registration line over each page's top centre, outside the bleed,
    as a print PDF's centre marks are (the imposition must not carry them)."""
    import pikepdf

    with pikepdf.open(source) as pdf:
        for page in pdf.pages:
            trim = [float(v) for v in page.TrimBox]
            middle = (trim[0] + trim[2]) / 2
            page.MediaBox = [trim[0] - 40, trim[1] - 40, trim[2] + 40, trim[3] + 40]
            page.contents_add(pdf.make_stream(
                f"0 0 0 1 k {middle - 2} {trim[3] + 10} 4 25 re f".encode()))
        pdf.save(target)
    return target


def _pgm(path):
    data = path.read_bytes()
    header = data.split(maxsplit=4)
    width, height = int(header[1]), int(header[2])
    return data[len(data) - width * height:], width, height
