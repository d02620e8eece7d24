"""phrases.py: headlines and display copy break only between phrases."""

from pamphlet.typography import chars, process
from pamphlet.typography.phrases import acceptable_breaks, is_headline, phrases
from pamphlet.typography.tree import Element


def body(html: str) -> str:
    out = process(f"<html><body>{html}</body></html>")
    return out[out.index("<body>") + 6:out.index("</body>")].replace(chars.SPACER, "")


def test_the_issue_s_example_splits_after_toshite():
    assert phrases("日本の門番として水際を守る") == ["日本の", "門番として", "水際を", "守る"]


def test_kanji_compounds_and_particles_are_not_cut():
    assert phrases("受入れ環境整備") == ["受入れ環境整備"]
    assert phrases("答えがないからこそ面白い") == ["答えが", "ないからこそ", "面白い"]
    assert phrases("変える。その選択") == ["変える。", "その", "選択"]


def test_headlines_get_one_nowrap_span_per_phrase_and_keep_their_breaks():
    assert body("<h1>日本の門番として<br>水際を守る</h1>") == (
        '<h1><span class="phrase">日本の</span><span class="phrase">門番として</span><br>'
        '<span class="phrase">水際を</span><span class="phrase">守る</span></h1>')


def test_a_phrase_cut_by_markup_is_joined_across_it():
    out = body("<h2>重要<strong>な</strong>仕事</h2>")
    assert f"重要{chars.JOINER}</span><strong>" in out


def test_body_paragraphs_are_not_headlines():
    assert body("<p>日本の門番として</p>") == "<p>日本の門番として</p>"
    assert is_headline(Element("p", {"class": "m-catch"}))
    assert is_headline(Element("div", {"class": "cover-title frame"}))
    assert not is_headline(Element("div", {"class": "frame"}))


def test_a_hand_made_break_between_compounds_is_acceptable():
    breaks = acceptable_breaks("出入国在留管理行政を支える")
    assert 7 in breaks and 12 not in breaks
