"""merge.py: the parts become one PDF — fonts once, links and bookmarks whole, one structure tree."""

import pikepdf
import pytest

from utils import run


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """The mini fixture built with its screen edition (parts made in worker processes)."""
    from utils import copy_brochure
    folder = tmp_path_factory.mktemp("merge")
    mini = copy_brochure(folder)
    out = folder / "mini.pdf"
    assert run("build", "--brochure", mini, "--out", out, "--screen", "--quiet").code == 0
    return pikepdf.open(out), pikepdf.open(folder / "mini-screen.pdf")


def _fonts(pdf) -> dict:
    """Font objects by name, over every page (a font used on several pages counts once)."""
    found = {}
    for page in pdf.pages:
        for font in page.obj.Resources.Font.values():
            found.setdefault(str(font.BaseFont), set()).add(font.objgen)
    return found


@pytest.mark.parametrize("edition", [0, 1])
def test_each_font_is_embedded_once_for_all_parts(editions, edition):
    pdf = editions[edition]
    fonts = _fonts(pdf)
    assert fonts and all(len(objects) == 1 for objects in fonts.values())
    files = {pdf.get_object(f).DescendantFonts[0].FontDescriptor.FontFile2.objgen
             for objects in fonts.values() for f in objects}
    assert len(files) <= len(fonts)
    for objects in fonts.values():
        font = pdf.get_object(next(iter(objects)))
        data = font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()
        assert len(data) > 1000                      # the subset, not draw.py's stub


@pytest.mark.parametrize("edition, key", [(0, "/PamphletLinks"), (1, "/Annots")])
def test_links_between_parts_point_at_named_destinations(editions, edition, key):
    # The print master keeps its links as facts, not annotations (press.py).
    pdf = editions[edition]
    names = dict(zip(*[iter(list(pdf.Root.Names.Dests.Names))] * 2))
    links = [a for page in pdf.pages for a in page.obj.get(key) or []
             if key == "/PamphletLinks" or a.get("/Subtype") == "/Link"]
    internal = [a for a in links if "/Dest" in a]
    assert internal, "the mini fixture links its contents to its chapters"
    assert not [a for a in links if str(a.get("/A", {}).get("/URI", "")).startswith("pamphlet")]
    page_of = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    assert not [a for page in editions[0].pages for a in page.obj.get("/Annots") or []]
    for link in internal:
        target = names[str(link.Dest)]
        assert target[0].objgen in page_of


def test_the_screen_structure_tree_is_one_tree_over_all_pages(editions):
    pdf = editions[1]
    root = pdf.Root.StructTreeRoot
    document = root.K[0]
    assert document.S == "/Document" and len(root.K) == 1
    assert all(child.P.objgen == document.objgen for child in document.K)
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    nums = list(root.ParentTree.Nums)
    tree = dict(zip([int(k) for k in nums[::2]], nums[1::2]))
    assert sorted(tree) == [int(k) for k in nums[::2]]          # a number tree is sorted
    for number, page in enumerate(pdf.pages):
        assert int(page.obj.StructParents) == number
        for element in tree[number]:                            # each MCID's element ...
            assert pages[element.Pg.objgen] == number           # ... is on that page
    annotations = [a for page in pdf.pages for a in page.obj.get("/Annots") or []
                   if "/StructParent" in a]
    assert annotations
    assert sorted(int(a.StructParent) for a in annotations) == \
        list(range(len(pdf.pages), int(root.ParentTreeNextKey)))
    for annotation in annotations:
        element = tree[int(annotation.StructParent)]
        assert any(k.get("/Obj") is not None and k.Obj.objgen == annotation.objgen
                   for k in element.K if isinstance(k, pikepdf.Dictionary))


def test_every_figure_of_the_screen_edition_has_its_alternative_text(editions):
    pdf = editions[1]
    stack, figures = [pdf.Root.StructTreeRoot], []
    while stack:
        node = stack.pop()
        if node.get("/S") == "/Figure":
            figures.append(node)
        kids = node.get("/K")
        stack += [kid for kid in (kids if isinstance(kids, pikepdf.Array) else [kids])
                  if isinstance(kid, pikepdf.Dictionary)]
    assert figures, "the mini fixture has a picture"
    assert all(str(figure.get("/Alt", "")) for figure in figures)


def test_the_screen_edition_is_the_same_under_any_hash_seed(tmp_path):
    # The tagged edition is saved once, with object streams filled in the order the
    # merge made its objects: an order that followed Python's hash seed (pikepdf's
    # keys() is a set) would change the bytes from one process to the next.
    import os
    import subprocess
    import sys

    from utils import copy_brochure
    mini = copy_brochure(tmp_path)
    made = []
    for seed, jobs in (("1", "1"), ("2", "1"), ("3", "2")):
        out = tmp_path / seed / "mini.pdf"
        subprocess.run([sys.executable, "-m", "pamphlet", "build", "--brochure", mini,
                        "--out", out, "--screen", "--quiet", "--jobs", jobs], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        made.append((out.read_bytes(), out.with_name("mini-screen.pdf").read_bytes()))
    assert made[0] == made[1] == made[2]


def test_the_merge_beside_the_build_leaves_its_documents_for_its_process_to_end(tmp_path):
    # qpdf frees a merged document's objects one by one (0.1 s of the tagged edition's
    # merge at 144 pages): the screen edition's merge, in a process that ends once it
    # is done (workers.beside), leaves them to the end; the same bytes either way.
    from pamphlet import build, merge, workers
    from pamphlet.load import load_brochure
    from pamphlet.options import command_line_options
    from pamphlet.render import Renderer
    from utils import copy_brochure

    options = command_line_options(copy_brochure(tmp_path), tmp_path / "mini.pdf", screen=True)
    brochure = load_brochure(options)
    renderer = Renderer(brochure)
    made = build.make_parts(brochure, renderer, editions=("print", "screen"))
    html = renderer.document({part.page_id: part.html for part in made.parts["print"]})

    def merged():
        return build._merge_edition(brochure, made, html, "screen"), len(merge._LEFT)

    with workers.beside(merged, 2, "merging the screen edition") as done:
        beside, left = done.result()
    here, left_here = merged()
    assert left == 1 and left_here == 0
    assert beside == here
