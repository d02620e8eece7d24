"""screen.py: the guide's screen edition, read back with pypdf (structure) and pdfium
(what the pages show), has the structure a screen reader needs; the print PDF is not
touched by it."""

import hashlib
import re
from pathlib import Path

import pikepdf
import pypdf
import pytest
from pypdf.generic import ArrayObject, DictionaryObject

from pamphlet.checks.screen.contrast import ratio
from pamphlet.checks.screen.facts import read_shown
from pamphlet.screen import finish_tags, is_latin_words
from utils import ROOT, run

HEADING = re.compile(r"/H([1-6])$")


class Tree:
    """The structure tree as pypdf reads it: elements in order, with their parents."""

    def __init__(self, path: Path):
        self.reader = pypdf.PdfReader(str(path))
        self.root = self.reader.trailer["/Root"]["/StructTreeRoot"].get_object()
        self.elements = []             # (element, [ancestors' /S])
        self._walk(self.root, [])

    def _walk(self, node, ancestors):
        kids = node.get("/K")
        kids = kids.get_object() if kids is not None else []
        for kid in (kids if isinstance(kids, ArrayObject) else [kids]):
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, DictionaryObject) and "/S" in kid:
                self.elements.append((kid, ancestors))
                self._walk(kid, ancestors + [kid["/S"]])

    def of(self, kind):
        return [element for element, _ in self.elements if element["/S"] == kind]

    def ids(self) -> dict:
        names = self.root["/IDTree"].get_object()["/Names"]
        return {str(names[i]): names[i + 1].get_object() for i in range(0, len(names), 2)}

    def owners(self) -> dict:
        """(page, mcid) -> element, from the ParentTree."""
        nums = self.root["/ParentTree"].get_object()["/Nums"]
        entries = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}
        owners = {}
        for number, page in enumerate(self.reader.pages, start=1):
            for mcid, owner in enumerate(entries.get(int(page.get("/StructParents", -1)), [])):
                owners[(number, mcid)] = owner.get_object()
        return owners


@pytest.fixture(scope="module")
def tree(guide_screen_pdf) -> Tree:
    return Tree(guide_screen_pdf)


@pytest.fixture(scope="module")
def shown(guide_screen_pdf) -> list:
    return read_shown(guide_screen_pdf)


def test_headings_go_down_one_level_at_a_time_and_none_is_in_another(tree):
    levels = [int(HEADING.match(e["/S"])[1]) for e, _ in tree.elements if HEADING.match(e["/S"])]
    assert levels[0] == 1 and len(levels) == 97
    assert [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1] == []
    assert [e for e, up in tree.elements if HEADING.match(e["/S"])
            and any(HEADING.match(s) for s in up)] == []
    # a career profile (page 7): its sections under its H1 are H2, as they read
    page7 = [e for e in tree.of("/H1") + tree.of("/H2") if e.get("/T") == "係長級"]
    assert page7, "the career profile's H1"


def test_every_table_cell_knows_its_headers(tree):
    ths, tds, ids = tree.of("/TH"), tree.of("/TD"), tree.ids()
    assert len(ths) == 108 and len(tds) == 113
    assert {str(th["/A"]["/Scope"]) for th in ths} == {"/Row", "/Column"}
    assert len({str(th["/ID"]) for th in ths}) == len(ths)
    for td in tds:
        headers = [str(h) for h in td["/A"]["/Headers"]]
        assert headers, td
        assert all(ids[h]["/S"] == "/TH" for h in headers)
    assert all(ids[str(th["/ID"])] == th for th in ths)


def test_a_career_row_is_headed_by_its_date(tree, shown):
    """The row header of 「法務省入国管理局総務課総括補佐官」 is its date, 「平成 28 年 4 月」."""
    owned = {}
    for (page, mcid), owner in tree.owners().items():
        owned.setdefault(owner.indirect_reference.idnum, []).append((page, mcid))
    texts = {(item.page, item.mcid): item.text for item in shown if item.kind == "text"}
    td = next(td for td in tree.of("/TD") if "総括補佐官" in _text_under(td, owned, texts))
    header = tree.ids()[str(td["/A"]["/Headers"][0])]
    assert _text_under(header, owned, texts).strip() == "平成 28 年 4 月"


def _text_under(element, owned: dict, texts: dict) -> str:
    said = "".join(texts.get(key, "") for key in owned.get(
        getattr(element.indirect_reference, "idnum", None), []))
    kids = element.get("/K")
    kids = kids.get_object() if kids is not None else []
    for kid in (kids if isinstance(kids, ArrayObject) else [kids]):
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, DictionaryObject) and "/S" in kid:
            said += _text_under(kid, owned, texts)
    return said


def test_links_are_described_by_their_text_and_where_they_lead(tree):
    contents = sorted({str(a.get_object()["/Contents"]) for page in tree.reader.pages
                       for a in page.get("/Annots") or []})
    assert "P21 係長級" in contents and "P27・28 CROSS TALK" in contents
    assert len(contents) == 11
    assert all(re.match(r"P\d\d(・\d\d)? \S", c) for c in contents), contents


def test_english_words_are_english(tree, shown):
    owners = tree.owners()
    english, japanese = set(), set()
    for item in shown:
        owner = owners.get((item.page, item.mcid))
        if owner is None or item.kind != "text":
            continue
        (english if owner.get("/Lang") == "en" else japanese).add(item.text.strip())
    assert {"Connect the World. Create the Future.", "Immigration Services Agency", "CROSS",
            "TALK", "R E C R U I T"} <= english
    assert [text for text in japanese if is_latin_words(text)] == []
    assert "係長級" in japanese and "P21" not in english


def test_fpo_frames_folios_and_running_heads_are_artifacts(shown):
    texts = [item for item in shown if item.kind == "text"]
    fpo = [item for item in texts if "".join(item.text.split()) == "FPO"]
    assert len(fpo) == 18 and all(item.artifact for item in fpo)
    feet = [item for item in texts if item.box[3] < 40]               # the folios' band
    assert len({item.page for item in feet}) == 34 and all(item.artifact for item in feet)
    heads = [item for item in texts if "".join(item.text.split()) == "CAREERPATH"
             and item.box[1] > 800]                                  # the running heads
    assert len(heads) == 7 and all(item.artifact for item in heads)


def _guide_variants() -> dict:
    from pamphlet.theme import load_theme
    from utils import ROOT
    return load_theme(ROOT / "brochure", {"BIZ UDGothic", "BIZ UDPGothic", "BIZ UDMincho"},
                      300).screen_variants()


SCREEN_VARIANTS = _guide_variants()


def test_the_screen_palette_reads_on_white_and_on_pale():
    white, pale = (255, 255, 255), (0xEE, 0xF5, 0xFC)
    assert len(SCREEN_VARIANTS) == 4
    for cmyk, rgb in SCREEN_VARIANTS.items():
        assert ratio(rgb, white) >= 4.5 and ratio(rgb, pale) >= 4.5, cmyk
    assert ratio(white, SCREEN_VARIANTS[(0, 0.55, 0.85, 0)]) >= 4.5   # white type on orange


def test_text_is_drawn_in_the_screen_palette_and_the_art_keeps_its_colours(shown):
    colours = {item.colour[:3] for item in shown if item.kind == "text"}
    print_looks = {(0xF2, 0x8B, 0x3B), (0x8A, 0x89, 0x89), (0xA9, 0xA9, 0xA9), (0x15, 0x7B, 0xBF)}
    assert not colours & print_looks
    assert set(SCREEN_VARIANTS.values()) <= colours


def test_finish_tags_levels_headings_and_lists_ids(guide_screen_pdf, tmp_path):
    """On a copy whose second heading is H4 and whose table IDs are all the same again."""
    target = tmp_path / "again.pdf"
    with pikepdf.open(guide_screen_pdf) as pdf:
        from pamphlet.screen import structure_elements
        elements = list(structure_elements(pdf.Root.StructTreeRoot))
        headings = [e for e in elements if HEADING.match(str(e.S))]
        headings[1].S = pikepdf.Name.H4
        for th in (e for e in elements if str(e.S) == "/TH"):
            th.ID = pikepdf.String("1-" + str(th.ID).split("-", 2)[2])
        del pdf.Root.StructTreeRoot["/IDTree"]
        finish_tags(pdf)
        pdf.save(target)
    tree = Tree(target)
    levels = [int(HEADING.match(e["/S"])[1]) for e, _ in tree.elements if HEADING.match(e["/S"])]
    assert levels[1] == 2
    assert len(tree.ids()) == len({str(e["/ID"]) for e, _ in tree.elements if "/ID" in e})


def test_the_print_pdf_is_the_same_with_or_without_the_screen_edition(mini, tmp_path):
    alone, beside = tmp_path / "alone" / "mini.pdf", tmp_path / "beside" / "mini.pdf"
    assert run("build", "--brochure", mini, "--out", alone, "--quiet").code == 0
    assert run("build", "--brochure", mini, "--out", beside, "--screen", "--quiet").code == 0
    assert hashlib.sha256(alone.read_bytes()).digest() == \
        hashlib.sha256(beside.read_bytes()).digest()


@pytest.mark.parametrize("text, latin", [
    ("CROSS TALK", True), ("Connect the World.", True), ("No.1", True),
    ("P21", False), ("Q1", False), ("2025", False), ("総合職 RECRUIT", False), ("", False)])
def test_latin_words(text, latin):
    assert is_latin_words(text) is latin


@pytest.mark.parametrize("example", ["event-leaflet", "product-catalogue"])
def test_a_kit_brochure_gets_its_structure_for_free(tmp_path, example):
    """The examples (the kit's layouts, none of their own): every structure check passes;
    a drawn map is described by its words, a memo page's rules (a drawing of lines alone)
    are an artifact. Their themes' colours are their own (contrast)."""
    from pamphlet.checks.screen import check_screen

    out = tmp_path / "example.pdf"
    assert run("build", "--brochure", ROOT / "examples" / example, "--out", out,
               "--screen", "--quiet").code == 0
    screen = out.with_name("example-screen.pdf")
    assert {f.check for f in check_screen(screen).findings} <= {"contrast"}
    alts = [str(e["/Alt"]) for e in Tree(screen).of("/Figure")]
    assert all(alt.strip() for alt in alts)
    if example == "event-leaflet":
        assert "中央本線 本町通り 桜小路 本町駅 商店会館（案内所） 市役所 市営駐車場" in alts
