"""The text diff reads Japanese by character and Latin words whole."""

from pamphlet.diff.look import Char
from pamphlet.diff.textdiff import diff_text, tokenize


def chars(text: str) -> list[Char]:
    """Characters on one line, 10 pt apart, as look.py reads them."""
    return [Char(" ", None) if c == " " else Char(c, (10 * i, 0, 10 * i + 9, 10))
            for i, c in enumerate(text)]


def changes(old: str, new: str) -> list[tuple]:
    return [(c.op, c.old, c.new) for c in diff_text(chars(old), chars(new))]


def test_japanese_is_compared_by_character():
    assert changes("二つ目の段落です。", "二つ目の文章です。") == [("replace", "段落", "文章")]
    assert changes("ご覧ください。", "ご覧ください！") == [("replace", "。", "！")]


def test_latin_words_and_numbers_stay_whole():
    # A word's box spans its letters: RECRUIT is characters 0-6, 10 pt apart, 9 pt wide.
    assert [(t.text, t.box) for t in tokenize(chars("RECRUIT GUIDE 2025年"))] == [
        ("RECRUIT", (0, 0, 69, 10)), ("GUIDE", (80, 0, 129, 10)),
        ("2025", (140, 0, 179, 10)), ("年", (180, 0, 189, 10))]
    assert [t.text for t in tokenize(chars("RECRUIT GUIDE 2025年"))] == [
        "RECRUIT", "GUIDE", "2025", "年"]
    assert changes("RECRUIT GUIDE 2025", "RECRUIT GUIDE 2026") == [("replace", "2025", "2026")]


def test_white_space_and_line_breaks_do_not_count():
    assert changes("二つ目の 段落です。", "二つ目の段落 です。") == []


def test_changes_a_character_or_two_apart_read_as_one():
    assert changes("はじまりの章", "おしまいの章") == [("replace", "はじまり", "おしまい")]
    assert changes("第一章はじめ。第二章おわり", "第三章はじめ。第四章おわり") == [
        ("replace", "一", "三"), ("replace", "二", "四")]


def test_insertions_and_deletions_with_their_context():
    [change] = diff_text(chars("最後の章です。"), chars("最後の大切な章です。"))
    assert (change.op, change.old, change.new, change.before, change.after) == (
        "insert", "", "大切な", "最後の", "章です。")
    assert change.box == (30, 0, 59, 10)
    [change] = diff_text(chars("最後の大切な章です。"), chars("最後の章です。"))
    assert (change.op, change.old, change.box) == ("delete", "大切な", (30, 0, 59, 10))


def test_identical_text_has_no_change():
    assert changes("表紙です。", "表紙です。") == []
