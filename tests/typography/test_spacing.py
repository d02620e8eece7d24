"""spacing.py: where the pass puts 和欧間, 約物の詰め and number-unit joins into the text."""

from pamphlet.typography import chars, process
from pamphlet.typography.spacing import joins, marks_for, strip_marks

S, J = chars.SPACER, chars.JOINER


def marked(text: str) -> str:
    marks = marks_for(text)
    return "".join(c + marks.get(i, "") for i, c in enumerate(text))


def body(html: str) -> str:
    out = process(f"<html><head><title>t</title></head><body>{html}</body></html>")
    return out[out.index("<body>") + 6:out.index("</body>")]


def test_a_quarter_em_between_japanese_and_latin_letters_or_digits():
    assert marked("iAPIなど") == f"iAPI{S}など"
    assert marked("は2024年に") == f"は{S}2024{S}{J}年に"


def test_no_space_next_to_punctuation_or_inside_words():
    assert marked("、2024。") == "、2024。"
    assert marked("（API）") == "（API）"
    assert marked("RECRUIT GUIDE") == "RECRUIT GUIDE"


def test_adjacent_punctuation_is_kerned_but_empty_brackets_are_not():
    assert marked("」「") == f"」{S}「"
    assert marked("。」") == f"。{S}」"
    assert marked("）、") == f"）{S}、"
    assert marked("「」") == "「」"


def test_numbers_stay_with_their_units_and_multipliers():
    assert joins("6,499人") == [4]
    assert joins("1.2億人") == [2, 3]
    assert joins("24時間") == [1, 2]
    assert joins("P05参照") == []


def test_pairs_across_inline_markup_get_their_mark_in_the_first_text():
    assert body("<p>あ<strong>API</strong>など</p>") == f"<p>あ{S}<strong>API{S}</strong>など</p>"
    assert body('<p>(<a class="page-ref" href="#x">P05</a>参照)</p>') == \
        f'<p>(<a class="page-ref" href="#x">P05{S}</a>参照)</p>'


def test_pairs_across_a_styled_element_are_left_alone():
    html = '<p><span class="label">Mission</span>安全</p>'
    assert body(html) == html


def test_skipped_elements_are_untouched():
    html = ('<svg><text>2024年</text></svg><p class="no-typography">2024年</p>'
            '<style>p::after { content: "2024年" }</style>')
    assert body(html) == html


def test_markup_without_japanese_round_trips_exactly():
    html = ('<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8"><style>a > b { x: "&" }'
            '</style></head><body><p class="x" data-src="a.yaml:3 body[0]">A &amp; B &lt;C&gt;'
            '<br><img src="a.png" alt=""></p><!-- note --></body></html>')
    assert process(html) == html


def test_the_reader_sees_the_text_without_marks():
    assert strip_marks(marked("は2024年に「はい」「いいえ」")) == "は2024年に「はい」「いいえ」"
