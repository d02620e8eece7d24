"""Typesetting: content that does not fit its page is refused, naming the page."""

import subprocess
import sys

import pytest

from utils import ROOT, edit, run


def test_overset_text_names_the_page_definition_and_field(mini, tmp_path):
    long_text = "長い文章が続きます。" * 400
    edit(mini / "pages/gamma.yaml", "最後の章です。", long_text)
    out = tmp_path / "out.pdf"
    out.write_bytes(b"%PDF-1.7 the last good build")

    result = run("build", "--brochure", mini, "--out", out, "--quiet")

    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[0].startswith(f"error: {mini}/pages/gamma.yaml:6: overset text: page definition "
                               "'gamma' does not fit page 06; the first element that does not "
                               "fit is the <p> \"")
    assert lines[0].endswith("…\" (gamma.yaml:6 body[0])")
    assert lines[1] == "hint: shorten the text, or move part of it to another page definition"
    assert lines[2] == (f"note: the pages as laid out are in {tmp_path}/out.overset.pdf for "
                        f"inspection; {out} was not changed")
    assert out.read_bytes() == b"%PDF-1.7 the last good build"
    assert (tmp_path / "out.overset.pdf").read_bytes().startswith(b"%PDF")


def _three_line_frame(mini, body: list[str]):
    """gamma's frame made exactly three 10 mm lines high, with ``body`` under its heading."""
    css = mini / "layouts" / "plain.css"
    css.write_text(css.read_text() + "\n[data-def=gamma] .frame.main { bottom: auto; "
                   "height: 30mm; }\n[data-def=gamma] .frame.main > * { margin: 0; padding: 0; "
                   "font-size: 10pt; line-height: 10mm; }\n")
    edit(mini / "pages/gamma.yaml", "  - 最後の章です。", "\n".join(f"  - {t}" for t in body))


def test_text_that_fits_is_not_overset(mini, tmp_path):
    # Heading and two paragraphs: three lines of 10 mm in a 30 mm frame, to the last line.
    _three_line_frame(mini, ["一行目です。", "最後の行です。"])
    out = tmp_path / "out.pdf"
    result = run("build", "--brochure", mini, "--out", out, "--quiet")
    assert result.code == 0 and "overset" not in result.err, result.err
    page = subprocess.run(["pdftotext", "-f", "6", "-l", "6", out, "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "最後の行です。" in page.replace(" ", "")


def test_one_line_more_than_the_frame_holds_is_overset(mini, tmp_path):
    _three_line_frame(mini, ["一行目です。", "二行目です。", "はみ出す行です。"])
    result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf", "--quiet")
    assert result.code == 1
    assert "overset text: page definition 'gamma' does not fit page 06; the first element " \
        "that does not fit is the <p> \"はみ出す行です。…\"" in result.err, result.err


def test_columns_that_overflow_their_frame_are_overset(mini, tmp_path):
    # WeasyPrint lets a fixed-height multi-column box run past its own height.
    css = mini / "layouts" / "plain.css"
    css.write_text(css.read_text() + "\n.sheet .frame.main { columns: 2; column-gap: 6mm;"
                   " column-fill: auto; height: 60mm; bottom: auto; }\n")
    edit(mini / "pages/gamma.yaml", "最後の章です。", "長い文章が続きます。" * 120)
    result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf", "--quiet")
    assert result.code == 1
    assert "overset text: page definition 'gamma' does not fit page 06" in result.err


def test_an_svg_picture_keeps_no_laid_out_definition_alive(tmp_path):
    """The engine's picture cache outlives each definition; an SVG it kept held its
    document's whole layout (every computed style) until the end of the build."""
    import gc

    from weasyprint.css import ComputedStyle
    from weasyprint.images import SVGImage

    from pamphlet.engine.layout import Engine, prepare

    prepare(tmp_path)
    (tmp_path / "art.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect width="10" height="10" fill="red"/></svg>')
    font = ROOT / "fonts" / "BIZUDGothic-Regular.ttf"
    engine = Engine("<!DOCTYPE html><html><head><style>@font-face { font-family: G; src: url("
                    f'"{font.as_uri()}"); }} body {{ font-family: G }}</style></head><body>',
                    tmp_path)
    engine.layout("<p>before</p>")
    gc.collect()
    alive = sum(isinstance(o, ComputedStyle) for o in gc.get_objects())
    document = engine.layout('<p><img src="art.svg"> a picture</p>' * 20)
    assert any(isinstance(box.replacement, SVGImage) for box in _replaced(document))
    document.write_pdf()
    del document
    gc.collect()
    assert sum(isinstance(o, ComputedStyle) for o in gc.get_objects()) <= alive
    assert not any(isinstance(image, SVGImage) for image in engine.images.values())


def _replaced(document):
    def walk(box):
        yield box
        for child in getattr(box, "children", ()):
            yield from walk(child)
    return [box for page in document.pages for box in walk(page._page_box)
            if hasattr(box, "replacement")]


def test_a_declaration_weasyprint_cannot_read_is_a_warning_at_its_line(mini, tmp_path):
    css = mini / "layouts" / "plain.css"
    lines = len(css.read_text().splitlines())
    css.write_text(css.read_text() + ".t-heading { colr: red; width: 10qq; }\n")
    expected = [
        f"warning: {css}:{lines + 1}:14: stylesheet: Ignored 'colr: red', unknown property",
        "hint: WeasyPrint skips what it cannot read: fix the property or its value",
        f"warning: {css}:{lines + 1}:25: stylesheet: Ignored 'width: 10qq', invalid value"]
    for _ in range(2):             # the second build reuses every part, and still says it
        result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf")
        assert result.code == 0
        said = [line for line in result.err.splitlines() if "stylesheet" in line or
                "WeasyPrint skips" in line]
        assert said == expected


OUTSIDE = {
    "css @import of a file URL": ("layouts/plain.css", "@import url(file://{outside});\n"),
    "css url() climbing out": ("layouts/plain.css",
                               ".sheet {{ background-image: url(../../../../../../../..{outside}); }}\n"),
    "svg image by file URL": ("assets/box.svg", None),
}


@pytest.mark.parametrize("case", list(OUTSIDE), ids=list(OUTSIDE))
def test_a_file_outside_the_project_is_refused_at_the_line_that_names_it(mini, tmp_path, case):
    outside = tmp_path / "elsewhere" / "evil.svg"
    outside.parent.mkdir()
    outside.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">'
                       '<rect width="9" height="9" fill="device-cmyk(0 0 0 1)"/></svg>')
    file, text = OUTSIDE[case]
    target = mini / file
    if text is None:                      # a picture the pages use, pulling in another
        target.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20" '
                          'width="40mm" height="20mm">\n<image href="file://'
                          f'{outside}" width="10" height="10"/></svg>')
        edit(mini / "pages" / "delta.yaml", "image: assets/photo.png", "image: assets/box.svg")
        line = 2
    else:                                 # the fixture's own layout stylesheet
        target.write_text(text.format(outside=outside) + target.read_text(encoding="utf-8"))
        line = 1
    previous = tmp_path / "out.pdf"
    previous.write_bytes(b"%PDF-1.7 the last good build")

    result = run("build", "--brochure", mini, "--out", previous, "--quiet")

    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert result.err.splitlines()[0] == (
        f"error: {target}:{line}: reads {outside.resolve()}, which is outside the project")
    assert previous.read_bytes() == b"%PDF-1.7 the last good build"


def test_a_word_too_long_for_its_line_is_overset_sideways(mini, tmp_path):
    word = "Internationalisation" * 6            # no break opportunity: runs off the right
    edit(mini / "pages" / "gamma.yaml", "body:\n  - 最後の章です。", f"body:\n  - {word}")
    result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf", "--quiet")
    assert result.code == 1, result.err
    assert "overset text: page definition 'gamma' does not fit page" in result.err
    assert "gamma.yaml:6" in result.err


def test_a_layout_that_runs_too_long_is_stopped_with_one_error(mini, tmp_path, monkeypatch):
    import pamphlet.engine.layout

    monkeypatch.setattr(pamphlet.engine.layout, "LAYOUT_SECONDS", 0.001)
    result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf", "--jobs", "1",
                 "--quiet")
    assert result.code == 1 and "Traceback" not in result.err, result.err
    definition = mini / "pages" / "alpha.yaml"
    assert f"error: {definition}:1:9: page definition 'alpha': laying out took more than " \
        "0.001 s and was stopped" in result.err, result.err
    assert not (tmp_path / "out.pdf").exists()


# In a fresh interpreter: what preparing the engine leaves of Python's warning filters.
QUIET = r"""
import os, sys, warnings
from pathlib import Path
from pamphlet.engine.layout import prepare

before = list(warnings.filters)
prepare(Path(sys.argv[1]))
print(warnings.filters == before, os.environ["FONTCONFIG_FILE"])
warnings.warn("No fonts configured in FontConfig (said after)")
"""


def test_fontconfig_without_fonts_goes_unsaid_and_no_filter_stays(tmp_path):
    # fontconfig has no fonts on purpose, WeasyPrint says so when it is imported; the
    # same words from anyone else afterwards are still said.
    result = subprocess.run([sys.executable, "-c", QUIET, tmp_path], capture_output=True,
                            text=True, check=True)
    assert result.stdout == f"True {tmp_path / 'fonts.conf'}\n"
    assert [line for line in result.stderr.splitlines() if "Warning" in line] == [
        "<string>:9: UserWarning: No fonts configured in FontConfig (said after)"]


def test_a_build_run_by_a_test_leaves_fontconfig_as_its_own_process_would(mini, tmp_path):
    # A browser opened after it (tests/diff, tests/preview) gets the system's fonts.
    import os

    names = ("FONTCONFIG_FILE", "PAMPHLET_FONTCONFIG_SET")
    before = {name: os.environ.get(name) for name in names}
    assert run("build", "--brochure", mini, "--out", tmp_path / "out.pdf", "--quiet").code == 0
    assert {name: os.environ.get(name) for name in names} == before


def test_weasyprint_finds_its_libraries_in_one_reading_of_the_linker_cache():
    # The "import" row of the inventory: while WeasyPrint is imported, find_library
    # answers from one `ldconfig -p` listing, and is ctypes' own again afterwards.
    import ctypes.util

    from pamphlet.engine import patches
    listing = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, check=True).stdout
    original = ctypes.util.find_library
    with patches.patched("import", listing=listing):
        assert ctypes.util.find_library is not original
        assert ctypes.util.find_library("pango-1.0").startswith("libpango-1.0.so")
        assert ctypes.util.find_library("no-such-library") is None
    assert ctypes.util.find_library is original
