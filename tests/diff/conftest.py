"""The PDFs the diff tests compare: the mini brochure and variants of it, each built once."""

import shutil

import pytest

from utils import RESOURCES, copy_brochure, edit, run

PARAGRAPH = "二つ目の段落です。"            # alpha (page 3), second paragraph
IGNORE_PARAGRAPH = "ignore:\n  - {page: 1, box: [15, 38.5, 120, 6]}\n"


def build(brochure, out):
    result = run("build", "--brochure", brochure, "--out", out, "--quiet")
    assert result.code == 0, result.err
    return out


@pytest.fixture(scope="session")
def again_pdf(tmp_path_factory, mini_pdf):
    """The mini brochure built a second time, under another name (so another slug line)."""
    folder = tmp_path_factory.mktemp("again")
    return build(copy_brochure(folder), folder / "again.pdf")


@pytest.fixture(scope="session")
def word(tmp_path_factory):
    """(brochure, PDF): one word changed on page 3 (段落 -> 文章); the brochure
    declares an ignore box over that paragraph."""
    folder = tmp_path_factory.mktemp("word")
    brochure = copy_brochure(folder)
    edit(brochure / "pages/alpha.yaml", PARAGRAPH, "二つ目の文章です。")
    (brochure / "pages/alpha.yaml").write_text(
        (brochure / "pages/alpha.yaml").read_text(encoding="utf-8") + IGNORE_PARAGRAPH,
        encoding="utf-8")
    return brochure, build(brochure, folder / "word.pdf")


@pytest.fixture(scope="session")
def colour_pdfs(tmp_path_factory):
    """(old, new): page 6 shows a box picture, blue in old and red in new."""
    pdfs = []
    for name, colour in (("blue", "0.85 0.45 0 0"), ("red", "0 0.9 0.8 0")):
        folder = tmp_path_factory.mktemp(name)
        brochure = copy_brochure(folder)
        edit(brochure / "pages/gamma.yaml", "body:", "image: assets/box.svg\nbody:")
        edit(brochure / "assets/box.svg", "device-cmyk(0.85 0.45 0 0)", f"device-cmyk({colour})")
        pdfs.append(build(brochure, folder / f"{name}.pdf"))
    return tuple(pdfs)


@pytest.fixture(scope="session")
def inserted_pdf(tmp_path_factory):
    """A page definition inserted after alpha (new page 4) and delta (old page 7) removed."""
    folder = tmp_path_factory.mktemp("inserted")
    brochure = copy_brochure(folder)
    shutil.copy(RESOURCES / "diff-extra.yaml", brochure / "pages/extra.yaml")
    edit(brochure / "brochure.yaml", "  - alpha\n", "  - alpha\n  - extra\n")
    edit(brochure / "brochure.yaml", "  - delta\n", "")
    return build(brochure, folder / "inserted.pdf")
