"""The typography pass, read back from real PDFs, and check-typography on good and bad ones.

typo-good sets each JLREQ rule to work in a 15-em column of 10 pt (see its pages/);
a copy with a page of deliberate faults shows that the checker names each one.
"""

import json

import pytest

from pamphlet.checks.typography import read_lines
from pamphlet.checks.pdftext import normalize, read_pages
from pamphlet.markup import plain_text
from utils import ROOT, copy_brochure, run

MM = 72 / 25.4
COLUMN = (20 * MM, 20 * MM + 150)      # typo.css: .t-body, left 20 mm, 150 pt wide
EM = 10.0


def build(folder, out):
    result = run("build", "--brochure", folder, "--out", out, "--quiet", "--no-marks")
    assert result.code == 0, result.err
    return out


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    folder = copy_brochure(tmp_path_factory.mktemp("typo-good"), "typo-good")
    return build(folder, folder.parent / "good.pdf")


@pytest.fixture(scope="module")
def lines(good):
    _, pages = read_lines(good)
    return pages


def paragraphs(page_lines):
    """The body's paragraphs, as lists of lines (paragraphs are 5 mm apart)."""
    body = [line for line in page_lines if line.size == EM and COLUMN[0] - 1 <= line.left]
    found = [[body[0]]]
    for line in body[1:]:
        if found[-1][-1].baseline - line.baseline > 1.9 * EM:
            found.append([])
        found[-1].append(line)
    return found


def texts(paragraph):
    return [line.text for line in paragraph]


def glyph(line, char, nth=0):
    return [g for g in line.glyphs if g.char == char][nth]


# The pass, read back

def test_every_line_but_the_last_ends_at_the_column_edge(lines):
    for paragraph in paragraphs(lines[0]):
        for line in paragraph[:-1]:
            assert abs(line.right - COLUMN[1]) <= 0.5, line.text
        assert paragraph[-1].right < COLUMN[1] - 0.5


def test_kinsoku_pushes_a_character_down_and_the_line_is_still_justified(lines):
    first, second, third = paragraphs(lines[0])[:3]
    assert texts(first) == ["あいうえおかきくけこさしすせ", "そ、たちつてと。"]
    assert texts(second) == ["あいうえおかきくけこさしすせ", "そーたちつてと。"]
    assert texts(third) == ["あいうえおかきくけこさしすせ", "キャリアです。"]
    gaps = [b.left - a.right for a, b in zip(first[0].glyphs, first[0].glyphs[1:])]
    assert max(gaps) - min(gaps) < 0.05 and min(gaps) == pytest.approx(EM / 13, abs=0.05)


def test_a_number_stays_with_its_unit(lines):
    assert texts(paragraphs(lines[0])[3]) == ["あいうえおかきくけこさは", "6,499人と1.2億人です。"]


def test_japanese_and_latin_are_a_quarter_em_apart_in_one_run_and_across_markup(lines):
    line = paragraphs(lines[0])[4][0]
    assert line.text.startswith("2024年にiAPIなどをAPIと連携")
    spacing = glyph(line, "な").left - glyph(line, "I").right - 0.25 * EM   # J/2 plus 1/4 em
    for a, b, nth in (("4", "年", 0), ("に", "i", 0), ("I", "な", 0), ("を", "A", 0),
                      ("I", "と", 1)):
        left = glyph(line, a, nth)
        right = line.glyphs[line.glyphs.index(left) + 1]
        assert right.char == b
        assert right.left - left.right == pytest.approx(0.25 * EM + spacing, abs=0.05), a + b


def test_a_page_reference_is_spaced_too(lines):
    second = paragraphs(lines[0])[4][1]
    assert "P02参照" in second.text
    two, ref = glyph(second, "2"), glyph(second, "参")
    assert ref.left - two.right >= 0.25 * EM


def test_two_punctuation_marks_take_one_and_a_half_em_not_two(lines):
    paragraph = paragraphs(lines[0])[4]
    line = next(l for l in paragraph if "」「" in l.text)
    close = glyph(line, "」")
    spacing = line.glyphs[1].left - line.glyphs[0].right
    assert glyph(line, "「", 1).left - close.left == pytest.approx(0.5 * EM + spacing, abs=0.05)
    last = paragraph[-1]
    assert last.text.startswith("え」。（注）、")
    stop, paren = glyph(last, "。"), glyph(last, "（")
    assert glyph(last, "」").right - stop.left == pytest.approx(0.5 * EM, abs=0.05)    # 。」 solid
    assert paren.left - stop.left == pytest.approx(0.5 * EM, abs=0.05)                 # 。（ 1.5 em


def test_a_paragraph_does_not_end_on_two_characters(lines):
    paragraph = paragraphs(lines[0])[5]
    assert len(paragraph[-1].visible) >= 3
    assert "".join(texts(paragraph)) == "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほ" \
        "まみむめもやゆよらりるれろわをす。"


def test_ruby_sits_above_its_base_centred_at_half_size_without_moving_the_lines(lines):
    paragraph = paragraphs(lines[0])[6]
    assert texts(paragraph)[:2] == ["本文に出入国と在留の管理が", "あり、ふりがなは行送りを変えま"]
    ruby = [l for l in lines[0] if l.size == EM / 2]
    assert [r.text for r in ruby] == ["しゅつにゅうこく", "ざいりゅう", "かんり"]
    base = paragraph[0]
    for reading, word in zip(ruby, ("出入国", "在留", "管理")):
        first, last = glyph(base, word[0]), glyph(base, word[-1])
        assert reading.baseline - base.baseline == pytest.approx(0.94 * EM, abs=0.1)
        assert (reading.left + reading.right) / 2 == pytest.approx((first.left + last.right) / 2,
                                                                   abs=0.1)
    assert base.baseline - paragraph[1].baseline == pytest.approx(1.8 * EM, abs=0.01)


def test_a_line_may_end_where_japanese_meets_the_latin_of_the_next_element(lines):
    # The run before <strong> ends with the 和欧間's SPACER: breaking looks past it (せ|J)
    assert texts(paragraphs(lines[0])[7]) == ["あいうえおかきくけこさしすせ", "Japanです。"]


def test_headlines_break_between_phrases(lines):
    head = [l.text for l in lines[1] if l.size == 20]
    catch = [l.text for l in lines[1] if l.size == 12]
    assert head == ["日本の門番として", "水際を守る"]
    assert catch == ["明確な答えが", "ないからこそ", "面白い"]


def test_vertical_copy_stacks_cells_top_down_in_columns_right_to_left(good):
    import pypdfium2 as pdfium

    _, pages = read_lines(good)
    cells = [l for l in pages[1] if l.size == 16]
    assert "".join(c.text for c in cells) == "日本の門番（ゲート）、水際を守る。24時ー"
    first, second = cells[:11], cells[11:]
    assert len({round(c.left) for c in first}) == 1 and all(
        a.baseline - b.baseline == pytest.approx(16, abs=0.01) for a, b in zip(first, first[1:]))
    assert second[0].left < first[0].left - 16
    # the vertical form of 、 sits in the cell's upper right, the horizontal one lower left
    document = pdfium.PdfDocument(str(good))
    textpage = document[1].get_textpage()
    index = next(i for i in range(textpage.count_chars()) if textpage.get_text_range(i, 1) == "、"
                 and _height(textpage.get_charbox(i, loose=True)) > 15)
    left, bottom, right, top = textpage.get_charbox(index)
    cell = textpage.get_charbox(index, loose=True)
    assert (left + right) / 2 > (cell[0] + cell[2]) / 2
    assert (bottom + top) / 2 > (cell[1] + cell[3]) / 2


def _height(box) -> float:
    return box[3] - box[1]


def test_the_reader_copies_exactly_the_page_definitions_text(good):
    pages = read_pages(good)
    folder = ROOT / "tests" / "resources" / "typo-good" / "pages"
    import yaml
    body = yaml.safe_load((folder / "lines.yaml").read_text(encoding="utf-8"))["body"]
    expected = "".join(plain_text(p.replace("[[p:display]]", "P02")) for p in body)
    assert normalize(pages[0].text).startswith(normalize(expected))


# The checker

def test_the_good_fixture_keeps_every_rule(good):
    result = run("check-typography", good)
    assert result.code == 0, result.out + result.err
    assert "justified lines at the column edge: 12/12 (100.0 %)" in result.out
    assert "2 pages: all rules kept" in result.out


BAD_PAGE = """layout: typo
heading: "日本の門番として水際を守\\nる"
body:
  - "あいうえおかきくけこさしすせそ\\n、たちつてと。"
  - "あいうえおかきくけこさは6,499\\n人です。"
  - "abcdefghijklmnopqrstuvwxyzab cdef あいうえおかきくけこさしすせそたちつてとなにぬねの。"
  - "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほ\\nす。"
untouched: 2024年にiAPIを使う。
"""


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    folder = copy_brochure(tmp_path_factory.mktemp("typo-bad"), "typo-good")
    (folder / "pages" / "bad.yaml").write_text(BAD_PAGE, encoding="utf-8")
    meta = folder / "brochure.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text.replace("  - display\n", "  - display\n  - bad\n"), encoding="utf-8")
    return build(folder, folder.parent / "bad.pdf")


def test_each_fault_is_named_with_its_rule_page_and_line(bad):
    result = run("check-typography", bad, "--json")
    assert result.code == 1
    data = json.loads(result.out)
    found = [(v["rule"], v["page"], v["text"][:8], v["message"]) for v in data["violations"]]
    assert found == [
        ("phrase", 3, "水際を守", "「水際を守｜る」"),
        ("kinsoku", 3, "、たちつてと。", "line begins with 「、」"),
        ("number", 3, "あいうえおかきく", "「は6,499｜人です。」 splits a number"),
        ("justify", 3, "abcdefgh", "ends 9.9 pt short of the edge"),
        ("last-line", 3, "す。", "last line of a paragraph is only 「す。」"),
        ("autospace", 3, "2024年にiA", "「4年」 set 0.00 em apart"),
        ("autospace", 3, "2024年にiA", "「にi」 set 0.00 em apart"),
        ("autospace", 3, "2024年にiA", "「Iを」 set 0.00 em apart"),
    ]
    assert [v["line"] for v in data["violations"]][:3] == [2, 5, 6]
    assert all(v[1] == 3 for v in found)
    assert data["figures"]["violations"]["kinsoku"] == 1


def test_the_text_report_gives_figures_then_one_error_per_fault_with_a_hint(bad):
    result = run("check-typography", bad)
    assert result.code == 1
    assert "missing 和欧間: 3" in result.out
    assert "error: " in result.err and "page 03: line" in result.err
    assert "hint: headlines break between phrases" in result.err


def test_a_file_that_is_not_a_pdf_exits_2(tmp_path):
    fake = tmp_path / "fake.pdf"
    fake.write_text("not a pdf")
    result = run("check-typography", fake)
    assert result.code == 2
    assert "cannot read" in result.err


# The guide

def test_the_guide_keeps_every_rule(guide_pdf):
    result = run("check-typography", guide_pdf, "--json")
    data = json.loads(result.out)
    assert data["violations"] == []
    figures = data["figures"]
    assert figures["justified_at_edge"] == figures["justified_lines"] > 500
    assert figures["autospace_spaced"] == figures["autospace_pairs"] > 300


# Rules on lines made by hand

def headline(*texts, size=20.0):
    from pamphlet.checks.typography import Block, Glyph, Line
    lines = []
    for number, text in enumerate(texts, start=1):
        glyphs = [Glyph(c, i * size, (i + 1) * size, 700 - number * 1.4 * size, size)
                  for i, c in enumerate(text)]
        lines.append(Line(1, number, glyphs))
    return Block(lines, [True] + [False] * (len(lines) - 1))


def test_a_headline_may_break_between_latin_words_or_phrases_but_not_inside_one():
    from pamphlet.checks.typography import check_block
    assert check_block(headline("CROSS", "TALK")) == []
    assert check_block(headline("日本の門番として", "水際を守る")) == []
    assert check_block(headline("出入国在留管理", "行政を支える")) == []     # between compounds
    assert [v.message for v in check_block(headline("日本の門番とし", "て水際を守る"))] == \
        ["「本の門番とし｜て水際を守る」"]


def test_a_pdf_whose_text_the_check_cannot_read_is_not_passed(mini_pdf, tmp_path):
    # The same pages drawn at 1.5 times (as another program might scale them): no glyph is
    # at CSS px scale, so nothing is checked, and the check says so instead of passing.
    import subprocess

    import pikepdf
    scaled = tmp_path / "scaled.pdf"
    with pikepdf.open(mini_pdf) as pdf:
        for page in pdf.pages:
            page.contents_add(pikepdf.Stream(pdf, b"q 1.5 0 0 1.5 0 0 cm"), prepend=True)
            page.contents_add(pikepdf.Stream(pdf, b"Q"))
        pdf.save(scaled)
    printed = subprocess.run(["pdftotext", scaled, "-"], capture_output=True, text=True,
                             check=True).stdout
    assert "テスト冊子" in printed.replace(" ", "")        # the text is there for a reader
    result = run("check-typography", scaled)
    assert result.code == 1, result.err
    assert "error: " in result.err and "characters printed is text the check can read" \
        in result.err and "hint: check-typography reads text laid out by" in result.err
    assert run("check-typography", mini_pdf).code in (0, 1)
    assert "characters printed is text" not in run("check-typography", mini_pdf).err
