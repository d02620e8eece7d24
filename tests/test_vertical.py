"""Vertical body text (縦組み) built for real and read back from the PDF.

The tate fixture (tests/resources/tate: B5, bound on the right) sets a message in two
段 of columns right to left, a page on a fixed grid and notes in three 段. Positions
are read with pypdfium2 (character boxes, ink boxes, text matrices), the reading order
with poppler's pdftotext, the binding with pikepdf; check-typography must pass it, and
fail a copy whose vertical forms or line breaks are broken.
"""

import ctypes
import json
import re
import subprocess

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import yaml

from pamphlet.checks import vertical
from pamphlet.checks.pdftext import characters
from pamphlet.markup import plain_text
from pamphlet.typography import chars
from utils import RESOURCES, copy_brochure, edit, run

MESSAGE = 2          # the message's page


def build(folder, out, *extra):
    result = run("build", "--brochure", folder, "--out", out, "--quiet", "--no-marks", *extra)
    assert result.code == 0, result.err
    return out


@pytest.fixture(scope="module")
def tate_pdf(tmp_path_factory):
    folder = copy_brochure(tmp_path_factory.mktemp("tate"), "tate")
    return build(folder, folder.parent / "tate.pdf")


@pytest.fixture(scope="module")
def pages(tate_pdf):
    """Each page's vertical blocks, as checks/vertical.py reads them."""
    document = pdfium.PdfDocument(str(tate_pdf))
    found = []
    for index in range(len(document)):
        glyphs = vertical.read_glyphs(characters(document[index].get_textpage()))
        found.append(vertical.read_blocks(vertical.read_columns(glyphs), index + 1))
    return found


def body(pages):
    """The message's body: the blocks of 9 pt columns on its page (its two 段)."""
    blocks = [b for b in pages[MESSAGE - 1] if b.size == 9.0]
    assert len(blocks) == 2, [len(b.columns) for b in blocks]
    return sorted(blocks, key=lambda b: -b.head)


def test_the_message_fills_two_tiers_of_columns_right_to_left(pages):
    upper, lower = body(pages)
    assert len(upper.columns) == 20 and len(lower.columns) >= 3
    centres = [c.centre for c in upper.columns]
    assert centres == sorted(centres, reverse=True)
    pitches = {round(a - b, 2) for a, b in zip(centres, centres[1:])}
    assert pitches == {round(1.75 * 9, 2)}                       # 行送り 1.75 em
    assert upper.head - lower.head == pytest.approx((33 + 2) * 9, abs=0.1)   # 33 字 + 段間


def test_every_wrapped_column_ends_at_the_foot_and_none_breaks_kinsoku(pages):
    checked = 0
    for block in body(pages):
        for index, column in enumerate(block.columns[:-1]):
            after = block.columns[index + 1]
            if block.starts(index + 1):
                continue
            assert after.cells[0].text[0] not in chars.NOT_AT_LINE_START, after.text
            assert column.cells[-1].text[-1] not in chars.NOT_AT_LINE_END, column.text
            last = column.cells[-1]
            ends = [last.bottom] + ([last.top - 4.5] if chars.blank_after(last.text) else [])
            assert min(abs(e - block.foot) for e in ends) <= 0.5, column.text
            checked += 1
    assert checked >= 15


def test_commas_and_stops_sit_in_the_top_right_quarter_of_their_cell(pages):
    stops = [cell for block in body(pages) for column in block.columns for cell in column.cells
             if cell.text in "、。"]
    assert len(stops) > 30
    for cell in stops:
        left, right, bottom, top = cell.ink
        assert left >= cell.centre - 0.05 and bottom >= (cell.top + cell.bottom) / 2 - 0.05, cell


def test_brackets_and_the_long_vowel_mark_are_turned(tate_pdf):
    document = pdfium.PdfDocument(str(tate_pdf))
    glyphs = vertical.read_glyphs(characters(document[MESSAGE - 1].get_textpage()))
    brackets = [g for g in glyphs if g.text in "「」" and g.size == 9.0]
    assert len(brackets) >= 6
    for glyph in brackets:
        left, right, bottom, top = glyph.ink
        assert right - left > top - bottom, glyph                # ﹁﹂: wider than tall


def test_short_numbers_stand_across_the_column_and_long_ones_are_turned(pages):
    cells = [cell for block in body(pages) for column in block.columns for cell in column.cells]
    kinds = {cell.text: cell.kind for cell in cells if cell.text[0].isdigit() or cell.text.isascii()}
    assert kinds["50"] == "tcy" and kinds["20"] == "tcy"         # 縦中横: side by side
    assert kinds["1975"] == kinds["2011"] == kinds["12,400"] == "turned"
    assert kinds["Instagram"] == "turned"
    assert [kinds[c] for c in "SNS"] == ["char"] * 3              # an acronym upright
    fifty = next(c for c in cells if c.text == "50")
    assert fifty.right - fifty.left <= 9.0 + 0.1                 # within one em


def test_ruby_stands_right_of_its_base(tate_pdf):
    document = pdfium.PdfDocument(str(tate_pdf))
    glyphs = vertical.read_glyphs(characters(document[MESSAGE - 1].get_textpage()))
    base = [g for g in glyphs if g.text in "港川" and g.size == 9.0][:2]
    ruby = [g for g in glyphs if g.size == 4.5 and g.text in "みなとがわ"]
    near = [g for g in ruby if abs(g.top - base[0].top) < 12]
    assert near and all(g.left >= base[0].right - 0.01 for g in near)


def test_text_reads_in_vertical_order(tate_pdf):
    """pdftotext -raw keeps the content stream's order: column by column, right to left."""
    raw = subprocess.run(["pdftotext", "-raw", "-f", str(MESSAGE), "-l", str(MESSAGE),
                          str(tate_pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = raw.replace("\n", "")
    message = yaml.safe_load((RESOURCES / "tate" / "pages" / "message.yaml").read_text())
    positions = []
    for paragraph in message["body"]:
        wanted = re.sub(r"\s", "", plain_text(paragraph))
        assert wanted in text, wanted[:20]
        positions.append(text.index(wanted))
    assert positions == sorted(positions)


def test_check_typography_passes_the_fixture_with_figures(tate_pdf):
    result = run("check-typography", tate_pdf, "--json")
    report = json.loads(result.out)
    assert result.code == 0, result.out
    figures = report["figures"]["vertical"]
    assert figures["vertical_justified"] == figures["vertical_at_foot"] >= 25
    assert figures["tcy"] >= 5


def test_the_pdf_is_bound_on_the_right_and_its_folios_sit_outside(tate_pdf):
    with pikepdf.open(tate_pdf) as pdf:
        assert pdf.Root.PamphletSpec.Side == "/right"
    document = pdfium.PdfDocument(str(tate_pdf))
    for number in (2, 3):                    # 右綴じ: page 2 is a right-hand page
        page = document[number - 1]
        text = page.get_textpage()
        folio = text.search(f"{number:02d}").get_next()
        left, *_ = text.get_charbox(folio[0])
        outer_right = number % 2 == 0
        assert (left > page.get_width() / 2) == outer_right, number


def test_check_typography_names_what_a_broken_setting_gets_wrong(tmp_path):
    """Vertical forms switched off, and display copy broken by hand before a 、 and
    between 3 and 人: the checker names each (so the rules above can fail)."""
    folder = copy_brochure(tmp_path, "tate")
    (folder / "layouts" / "tate-cover.css").write_text(
        (folder / "layouts" / "tate-cover.css").read_text()
        + ".tate { font-feature-settings: normal !important; }\n")
    edit(folder / "pages" / "back.yaml", 'title: "また\\nお会いしましょう"',
         'title: "またお会いしま3\\n人しょうまた\\n、お会いしましょう"')
    pdf = build(folder, tmp_path / "broken.pdf")
    result = run("check-typography", pdf, "--json")
    rules = {v["rule"] for v in json.loads(result.out)["violations"]}
    assert result.code == 1
    assert {"kinsoku", "vertical-form", "number"} <= rules, rules


def test_overset_vertical_text_is_an_error_at_its_paragraph(tmp_path):
    folder = copy_brochure(tmp_path, "tate")
    page = folder / "pages" / "message.yaml"
    text = page.read_text(encoding="utf-8")
    long = re.search(r"^  - (この冊子では.*)$", text, re.M)[1]
    page.write_text(text.replace(long, long * 6), encoding="utf-8")
    result = run("build", "--brochure", folder, "--out", tmp_path / "o.pdf", "--quiet")
    assert result.code == 1
    assert "overset text: page definition 'message' does not fit page 02" in result.err
    assert re.search(r"message\.yaml:\d+: .*\(message\.yaml:\d+ body\[3\]\)", result.err), result.err
    assert "Traceback" not in result.err


def test_a_word_too_long_for_the_column_is_one_error_at_its_line(tmp_path):
    folder = copy_brochure(tmp_path, "tate")
    edit(folder / "pages" / "history.yaml", "有志23人", "[[rot:Incomprehensibilities and more and more and more again]]")
    result = run("build", "--brochure", folder, "--out", tmp_path / "o.pdf", "--quiet")
    assert result.code == 1 and "Traceback" not in result.err
    text = (folder / "pages" / "history.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, content in enumerate(text, 1) if "Incompre" in content)
    assert re.search(rf"history\.yaml:{line}:\d+: body\[0\]: .*longer than a column of 24",
                     result.err)
    assert "hint:" in result.err


def test_a_bad_tate_option_in_a_layout_is_named(tmp_path):
    folder = copy_brochure(tmp_path, "tate")
    edit(folder / "layouts" / "tate-grid.html.j2", "grid=true,", "grid=true, colums=3,")
    result = run("build", "--brochure", folder, "--out", tmp_path / "o.pdf", "--quiet")
    assert result.code == 1 and "Traceback" not in result.err
    assert "tate(): unknown option 'colums'" in result.err


def test_hanging_stops_stand_below_the_foot_and_pass_the_checker(tmp_path):
    """ぶら下げ: with hang on, a 、。 that would begin a column hangs one cell below it."""
    folder = copy_brochure(tmp_path, "tate")
    edit(folder / "pages" / "message.yaml", "hang: false", "hang: true")
    pdf = build(folder, tmp_path / "hang.pdf")
    document = pdfium.PdfDocument(str(pdf))
    glyphs = vertical.read_glyphs(characters(document[MESSAGE - 1].get_textpage()))
    blocks = [b for b in vertical.read_blocks(vertical.read_columns(glyphs), MESSAGE)
              if b.size == 9.0]
    hung = [c.cells[-1] for b in blocks for c in b.columns
            if c.cells[-1].text in "、。" and abs(c.cells[-1].top - b.foot) <= 0.5]
    assert hung, [c.text[-3:] for b in blocks for c in b.columns]
    result = run("check-typography", pdf)
    assert result.code == 0, result.out


def test_the_screen_edition_tags_each_paragraph_in_reading_order(tmp_path):
    """Each paragraph of the message is one P in the structure tree, its marked content
    in reading order (what a screen reader reads)."""
    folder = copy_brochure(tmp_path, "tate")
    build(folder, tmp_path / "t.pdf", "--screen")
    tagged = [re.sub(r"\s", "", p) for p in tagged_paragraphs(tmp_path / "t-screen.pdf", MESSAGE)]
    message = yaml.safe_load((RESOURCES / "tate" / "pages" / "message.yaml").read_text())
    wanted = [re.sub(r"\s", "", plain_text(p)) for p in message["body"]]
    assert tagged[:len(wanted)] == wanted
    result = run("check-screen", tmp_path / "t-screen.pdf")
    assert result.code == 0, result.out + result.err


def test_the_screen_checker_reads_columns_right_to_left_then_down_the_tiers():
    cell = lambda x, y: (x, y, x + 9, y + 9)          # (left, bottom, right, top), 9 pt
    column = [cell(300, 600), cell(300, 591), cell(300, 582)]
    assert vertical.stacked(column + [cell(284, 600)])
    assert not vertical.stacked([cell(100, 600), cell(109, 600), cell(118, 600)])
    assert not vertical.goes_back(column[-1], cell(284, 600))      # the next column, left
    assert not vertical.goes_back(cell(100, 300), cell(300, 250))  # the next 段, below
    assert vertical.goes_back(column[-1], cell(316, 600))          # back to the right


def tagged_paragraphs(path, number):
    """The text of each P element on page ``number``, from its marked content (pdfium)."""
    document = pdfium.PdfDocument(str(path))
    page = document[number - 1]
    textpage = page.get_textpage()
    texts = {}
    for item in page.get_objects(max_depth=8):
        mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(item.raw)
        if item.type == pdfium_c.FPDF_PAGEOBJ_TEXT and mcid >= 0:
            size = pdfium_c.FPDFTextObj_GetText(item.raw, textpage.raw, None, 0)
            buffer = ctypes.create_string_buffer(size)
            pdfium_c.FPDFTextObj_GetText(item.raw, textpage.raw, ctypes.cast(
                buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)), size)
            texts[mcid] = texts.get(mcid, "") + buffer.raw[:size].decode("utf-16-le").rstrip("\x00")
    found = []

    def ids(element):
        own = [pdfium_c.FPDF_StructElement_GetMarkedContentIdAtIndex(element, i)
               for i in range(pdfium_c.FPDF_StructElement_GetMarkedContentIdCount(element))]
        return own + [m for child in children(element) for m in ids(child)]

    def children(element):
        return [c for i in range(pdfium_c.FPDF_StructElement_CountChildren(element))
                if (c := pdfium_c.FPDF_StructElement_GetChildAtIndex(element, i))]

    def walk(element):
        size = pdfium_c.FPDF_StructElement_GetType(element, None, 0)
        buffer = ctypes.create_string_buffer(size)
        pdfium_c.FPDF_StructElement_GetType(element, buffer, size)
        if buffer.raw[:size].decode("utf-16-le").rstrip("\x00") == "P":
            found.append("".join(texts.get(m, "") for m in ids(element)))
        else:
            for child in children(element):
                walk(child)

    tree = pdfium_c.FPDF_StructTree_GetForPage(page.raw)
    for index in range(pdfium_c.FPDF_StructTree_CountChildren(tree)):
        walk(pdfium_c.FPDF_StructTree_GetChildAtIndex(tree, index))
    return found


def test_check_toc_finds_the_contents_and_the_page_reference_in_vertical_text(tate_pdf):
    """The contents on the cover and P02 turned in a column of page 3 (one link, its
    area the turned word's) agree with the right-bound pages' folios."""
    folder = tate_pdf.parent / "tate"
    result = run("check-toc", tate_pdf, "--brochure", folder, "--json")
    report = json.loads(result.out)
    assert result.code == 0, result.out
    assert [(e["entry"], e["contents_says"]) for e in report["entries"]] == [
        ("理事長あいさつ", "02"), ("協会のあゆみ", "03")]
    assert [(r["page"], r["printed"], r["target_page"]) for r in report["references"]] == [
        (3, "P02", 2)]


@pytest.mark.parametrize("trim, tiers", [("{width: 182mm, height: 257mm}", 2),
                                         ("{width: 210mm, height: 297mm}", 2),
                                         ("{width: 210mm, height: 297mm}", 1)])
def test_the_kit_layout_vertical_text_fills_its_trim_and_keeps_every_rule(tmp_path, trim, tiers):
    """layouts/vertical-text on B5 and A4, in two 段 and one: its frame follows the trim
    (inside the margins), and check-typography passes the page (and the message page,
    whose frame vertical-message computes from the trim too)."""
    folder = copy_brochure(tmp_path, "tate")
    edit(folder / "brochure.yaml", "trim: {width: 182mm, height: 257mm}", f"trim: {trim}")
    page = folder / "pages" / "history.yaml"
    text = page.read_text(encoding="utf-8")
    text = text.replace("layout: tate-grid", "layout: vertical-text")
    text = re.sub(r"^(chars|lines): .*\n", "", text, flags=re.M)
    text = re.sub(r"^notes:\n(  - .*\n)+", "", text, flags=re.M)
    page.write_text(text + "tiers: %d\n" % tiers, encoding="utf-8")
    pdf = build(folder, tmp_path / "kit.pdf")
    document = pdfium.PdfDocument(str(pdf))
    glyphs = vertical.read_glyphs(characters(document[2].get_textpage()))
    blocks = [b for b in vertical.read_blocks(vertical.read_columns(glyphs), 3) if b.size == 9.0]
    width, height = document[2].get_size()
    assert blocks and all(c.cells[-1].bottom >= 20 * 72 / 25.4 - 0.5 for b in blocks
                          for c in b.columns)                    # above the foot margin
    assert all(c.cells[0].top <= height - 18 * 72 / 25.4 + 0.5 for b in blocks
               for c in b.columns)                               # below the head margin
    result = run("check-typography", pdf)
    assert result.code == 0, result.out


def test_a_pdf_marked_right_to_left_reads_the_same(tate_pdf, tmp_path):
    """With /Direction /R2L pdfium mirrors some brackets (「 for 」): the checker tells
    them by their ink, so it finds no kinsoku fault that is not there."""
    marked = tmp_path / "r2l.pdf"
    with pikepdf.open(tate_pdf) as pdf:
        pdf.Root.ViewerPreferences = pikepdf.Dictionary(Direction=pikepdf.Name("/R2L"))
        pdf.save(marked)
    document = pdfium.PdfDocument(str(marked))
    glyphs = [g for i in range(len(document))
              for g in vertical.read_glyphs(characters(document[i].get_textpage())) if g.text in vertical.MIRROR]
    read = [g.text for g in glyphs]
    told = [vertical._unmirrored(g).text for g in glyphs]
    assert len(glyphs) >= 10 and read != told            # pdfium did mirror some
    result = run("check-typography", marked)
    assert result.code == 0, result.out
