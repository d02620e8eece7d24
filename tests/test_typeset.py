"""Typesetting: content that does not fit its page is refused, naming the page."""

from utils import edit, run


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


def test_text_that_fits_is_not_overset(mini_pdf):
    assert mini_pdf.stat().st_size > 1000


def test_columns_that_overflow_their_frame_are_overset(mini, tmp_path):
    # WeasyPrint lets a fixed-height multi-column box run past its own height.
    css = mini / "layouts" / "plain.css"
    css.write_text(css.read_text() + "\n.sheet .frame.main { columns: 2; column-gap: 6mm;"
                   " column-fill: auto; height: 60mm; bottom: auto; }\n")
    edit(mini / "pages/gamma.yaml", "最後の章です。", "長い文章が続きます。" * 120)
    result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf", "--quiet")
    assert result.code == 1
    assert "overset text: page definition 'gamma' does not fit page 06" in result.err
