"""The security and fault audit of issue #13, replayed: each route by which a brochure
could read outside the project, said once at its file and line, the last PDF kept.

The other cases of the audit are tested beside the code that handles them:
hostile YAML in test_source.py; trim, bleed, pages:, folders, text and list sizes
in test_load.py; CSS @import/url() and SVG <image> by URL, overset sideways and
runaway layouts in engine/test_layout.py; damaged caches, stale keys, links in assets/
and workers outliving a killed build in test_parts.py; unwritable output in
test_write.py; encrypted, looping and FIFO PDFs and huge pages in
checks/test_pdftext.py; font manifests in test_fonts.py."""

import pytest

from utils import edit, run

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20" width="40mm" '
       'height="20mm">\n{inside}\n<rect width="40" height="20" fill="device-cmyk(0 0 0 1)"/></svg>')


def _picture(mini, inside: str) -> None:
    (mini / "assets" / "box.svg").write_text(SVG.format(inside=inside))
    edit(mini / "pages" / "delta.yaml", "image: assets/photo.png", "image: assets/box.svg")


def _outside(tmp_path, name: str, text: str = "x"):
    path = tmp_path / "elsewhere" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


READS = {
    "an SVG's @font-face by file URL": lambda mini, out: (
        _picture(mini, f"<style>@font-face {{ font-family: E; src: url(file://{out}); }}"
                       "</style><text font-family=\"E\">x</text>"), "assets/box.svg:2"),
    "an SVG's <image> climbing out": lambda mini, out: (
        _picture(mini, f'<image href="../../../../../../../..{out}" width="5" height="5"/>'),
        "assets/box.svg:2"),
    "a stylesheet's @font-face by file URL": lambda mini, out: (
        (mini / "layouts" / "plain.css").write_text(
            f"@font-face {{ font-family: E; src: url(file://{out}); }}\n"
            + (mini / "layouts" / "plain.css").read_text(encoding="utf-8")),
        "layouts/plain.css:1"),
}


@pytest.mark.parametrize("case", list(READS), ids=list(READS))
def test_a_read_outside_the_project_is_refused_at_its_line(mini, tmp_path, case):
    outside = _outside(tmp_path, "evil.ttf" if "font" in case else "evil.svg",
                       '<svg xmlns="http://www.w3.org/2000/svg" width="5" height="5"/>')
    _, where = READS[case](mini, outside)
    previous = tmp_path / "out.pdf"
    previous.write_bytes(b"%PDF-1.7 the last good build")

    result = run("build", "--brochure", mini, "--out", previous, "--quiet")

    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert f"{mini}/{where}: reads {outside.resolve()}, which is outside the project" \
        in result.err.splitlines()[0]
    assert previous.read_bytes() == b"%PDF-1.7 the last good build"


def test_a_pages_folder_linked_from_elsewhere_is_refused(mini, tmp_path):
    elsewhere = tmp_path / "elsewhere-pages"
    (mini / "pages").rename(elsewhere)
    (mini / "pages").symlink_to(elsewhere)
    result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf", "--quiet")
    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert result.err.splitlines()[0] == (
        f"error: {mini}/pages: pages/ links out of the brochure, to {elsewhere.resolve()}")


def test_a_layout_template_linked_from_elsewhere_is_refused(mini, tmp_path):
    template = mini / "layouts" / "plain.html.j2"
    outside = _outside(tmp_path, "plain.html.j2", template.read_text(encoding="utf-8"))
    template.unlink()
    template.symlink_to(outside)
    result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf", "--quiet")
    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert result.err.splitlines()[0] == (
        f"error: {template}: layout file plain.html.j2 links out of {mini}/layouts, to "
        f"{outside.resolve()}")


def test_an_html_file_named_svg_is_one_error_at_its_field(mini, tmp_path):
    (mini / "assets" / "page.svg").write_text("<html><body>not a drawing</body></html>")
    edit(mini / "pages" / "delta.yaml", "image: assets/photo.png", "image: assets/page.svg")
    result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf", "--quiet")
    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert "pages/delta.yaml:3:8: " in result.err.splitlines()[0]
    assert "it is XML but not SVG (its root is <html>)" in result.err
