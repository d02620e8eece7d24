"""`pamphlet new`: the brochure it writes builds and passes the checks as it is, at any
size, binding and side; bad input is one error with a hint."""

import json
import shutil

import pikepdf
import pytest

from utils import run

MM = 72 / 25.4

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")


def _new_and_build(tmp_path, *options):
    folder = tmp_path / "leaflet"
    made = run("new", folder, *options)
    assert made.code == 0, made.err
    assert "make pdf BROCHURE=" in made.out
    pdf = tmp_path / "out" / "pamphlet.pdf"
    built = run("build", "--brochure", folder, "--out", pdf, "--screen", "--quiet")
    assert built.code == 0, built.err
    return folder, pdf


def _preflight_errors(pdf) -> set:
    report = json.loads(run("preflight", pdf, "--json").out)
    return {f.get("check") or f.get("rule") for f in report["findings"] if f["severity"] == "error"}


@pytest.mark.parametrize("size, binding, trim", [
    ("A5", "saddle-stitch", (148, 210)),
    ("A4", "perfect", (210, 297)),
    ("B6", "saddle-stitch", (128, 182)),
    ("120x170mm", "perfect", (120, 170)),
])
def test_a_new_brochure_passes_the_checks(tmp_path, size, binding, trim):
    folder, pdf = _new_and_build(tmp_path, "--size", size, "--binding", binding)
    assert not (folder / "layouts").exists()
    assert run("check-toc", pdf, "--brochure", folder).code == 0
    typography = run("check-typography", pdf)
    assert typography.code == 0, typography.out
    assert _preflight_errors(pdf) == set()
    checked = run("check", pdf, "--brochure", folder, "--quiet")     # all, check-screen too
    assert checked.code == 0, checked.err
    with pikepdf.open(pdf) as document:
        assert len(document.pages) == 8
        x0, y0, x1, y1 = (float(v) for v in document.pages[0].obj.TrimBox)
        assert (round((x1 - x0) / MM), round((y1 - y0) / MM)) == trim
        assert str(document.Root.PamphletSpec.Binding) == "/" + binding


def test_a_right_bound_brochure_passes_with_a_vertical_title(tmp_path):
    folder, pdf = _new_and_build(tmp_path, "--side", "right")
    assert "vertical: true" in (folder / "pages" / "cover.yaml").read_text(encoding="utf-8")
    assert run("check-toc", pdf, "--brochure", folder).code == 0
    assert run("check-typography", pdf).code == 0
    assert _preflight_errors(pdf) == set()
    checked = run("check", pdf, "--brochure", folder, "--quiet")
    assert checked.code == 0, checked.err
    with pikepdf.open(pdf) as document:
        assert str(document.Root.PamphletSpec.Side) == "/right"


def test_a_size_that_is_no_trim_is_one_error(tmp_path):
    result = run("new", tmp_path / "x", "--size", "A9x")
    assert result.code == 1
    assert result.err.splitlines() == ["error: --size 'A9x' is not a trim",
                                       "hint: write A4, A5, B5, B6 or WIDTHxHEIGHTmm, e.g. --size 100x150mm"]
    assert not (tmp_path / "x").exists()


def test_a_trim_too_small_for_the_kit_is_an_error(tmp_path):
    result = run("new", tmp_path / "x", "--size", "50x80mm")
    assert result.code == 1 and "from 90 to 420 mm a side" in result.err


def test_it_never_writes_over_a_brochure(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "brochure.yaml").write_text("title: mine\n", encoding="utf-8")
    result = run("new", tmp_path / "mine")
    assert result.code == 1
    assert "already exists and is not an empty folder" in result.err and "Traceback" not in result.err
    assert "hint: name a new folder" in result.err
    assert (tmp_path / "mine" / "brochure.yaml").read_text(encoding="utf-8") == "title: mine\n"


def test_help_has_an_example():
    result = run("new", "--help")
    assert result.code == 0 and "example: pamphlet new" in result.out
