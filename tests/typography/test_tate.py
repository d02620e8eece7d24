"""The vertical composer (typography/tate.py) on its own: line breaking, spacing, units.

Columns are read as (text, kind, where each item starts); tests/test_vertical.py builds
the fixture brochure and reads the same rules back from the PDF.
"""

import pytest

from pamphlet import markup
from pamphlet.typography import chars, tate


def compose(text, **frame):
    options = {"chars": 10, "lines": 20, "indent": 0.0, **frame}
    paragraphs = tate.paragraphs_of([text], lambda t: markup.to_html(t, lambda i, o: [5]), [""])
    return tate.compose(paragraphs, tate.Frame(**options))


def texts(columns):
    return ["".join(u.text for item in c.items for u in item.units) for c in columns]


def ends(column):
    return column.offsets[-1] + column.items[-1].length


def test_a_stop_that_would_start_a_column_is_pushed_in_when_the_column_can_give_room():
    # 。 falls on the 11th place; 、 and 。 give half an em each: 追い込み.
    columns = compose("あいう、えおかきくけ。こさし")
    assert texts(columns)[0] == "あいう、えおかきくけ。"
    assert columns[0].full and ends(columns[0]) == pytest.approx(10.5)   # 。's blank in the foot
    assert columns[0].offsets[-1] == pytest.approx(9.5)


def test_without_room_the_character_before_goes_out_and_the_column_is_spread():
    # 、 falls on the 11th place and nothing can be squeezed: 追い出し.
    columns = compose("あいうえおかきくけこ、さしす")
    assert texts(columns)[:2] == ["あいうえおかきくけ", "こ、さしす"]
    assert ends(columns[0]) == pytest.approx(10.0)     # spread to the column's length
    assert columns[0].full and not columns[1].full


def test_hanging_lets_the_stop_stand_below_the_column():
    columns = compose("あいうえおかきくけこ、さしす", hang=True)
    assert texts(columns)[0] == "あいうえおかきくけこ、"
    assert columns[0].hanging and columns[0].offsets[-1] == pytest.approx(10.0)
    assert tate.Frame(chars=10, lines=2, hang=True).height == 11


@pytest.mark.parametrize("text", [
    "あいうえおかきくけこーさし", "あいうえおかきくけこっさし", "あいうえおかきくけこ」さし",
    "あいうえおかきくけ「こさし", "あいうえおかきくけ12人です", "あいうえおかきくけこ……さし",
    "あいうえおかきく3万人です",
])
def test_no_column_starts_or_ends_where_kinsoku_forbids(text):
    columns = compose(text + "あいうえおかきくけこ")
    for before, after in zip(columns, columns[1:]):
        assert after.items[0].first not in chars.NOT_AT_LINE_START, texts(columns)
        assert before.items[-1].last not in chars.NOT_AT_LINE_END, texts(columns)
        assert not (before.items[-1].last.isdigit() and after.items[0].first in chars.UNITS)
        assert not (before.items[-1].last in chars.MULTIPLIERS and after.items[0].first in chars.UNITS)
        assert ends(before) == pytest.approx(10.0, abs=0.51)


def test_punctuation_in_a_row_takes_half_an_em_less():
    offsets = compose("あ。」「い")[0].offsets
    assert [b - a for a, b in zip(offsets, offsets[1:])] == pytest.approx([1.0, 0.5, 0.5, 1.0])


def test_on_the_grid_every_character_keeps_its_cell():
    offsets = compose("あ。」「い", grid=True)[0].offsets
    assert offsets == pytest.approx([0, 1, 2, 3, 4])


def test_numbers_acronyms_and_latin_words_are_set_by_their_length():
    units = tate.text_units("5月12日に123人、2025年、AIとNHKでTokyo Bayを")
    kinds = {u.text: u.kind for u in units}
    assert kinds["5"] == "char" and kinds["12"] == "tcy" and kinds["123"] == "tcy"
    assert kinds["2025"] == "rot" and kinds["AI"] == "tcy" and kinds["N"] == "char"
    assert kinds["Tokyo Bay"] == "rot"


def test_markup_forces_either_and_gives_emphasis_dots():
    paragraph = tate.paragraphs_of(["[[tcy:!?]]と[[rot:12]]と[[dot:大切]]"],
                                   lambda t: markup.to_html(t, None), [""])[0]
    units = [u for item in paragraph.segments[0] for u in item.units]
    assert (units[0].text, units[0].kind) == ("!?", "tcy")
    assert (units[2].text, units[2].kind) == ("12", "rot")
    assert [u.dots for u in units[-2:]] == [True, True] and not units[0].dots


def test_a_turned_word_takes_its_width_and_a_quarter_em_either_side():
    metrics = tate.Metrics(chars_font())
    column = compose("あTokyoい", **{})[0]
    assert column.items[1].length == pytest.approx(2.5)          # five half-width letters
    assert column.offsets == pytest.approx([0.0, 1.25, 4.0])
    assert metrics.length("Tokyo") == pytest.approx(2.5)


def test_ruby_longer_than_its_base_widens_the_group():
    column = compose("{港|みなと}町")[0]
    assert column.items[0].ruby == "みなと" and column.items[0].length == pytest.approx(1.5)
    assert column.offsets[1] == pytest.approx(1.5)


def test_a_newline_starts_a_new_column_and_a_paragraph_is_indented():
    columns = compose("あいう\nえお", indent=1.0)
    assert texts(columns) == ["あいう", "えお"]
    assert columns[0].offsets[0] == 1.0 and columns[1].offsets[0] == 0.0


def test_columns_run_right_to_left_then_down_the_tiers_and_overset_below_the_frame():
    frame = tate.Frame(chars=10, lines=3, tiers=2, gap=2, pitch=1.75)
    assert [frame.place(i) for i in range(7)] == [
        (0.5, 0), (2.25, 0), (4.0, 0), (0.5, 12), (2.25, 12), (4.0, 12), (0.5, 24)]
    assert frame.place(6)[1] >= frame.height


def test_a_word_longer_than_the_column_is_refused():
    with pytest.raises(tate.TateError, match="longer than a column of 10"):
        compose("[[rot:Internationalisations]]")


@pytest.mark.parametrize("options, message", [
    ({"chars": 10}, "give lines"), ({"chars": 10, "lines": 3, "colour": 1}, "unknown option 'colour'"),
    ({"chars": "ten", "lines": 3}, "chars must be int"), ({"chars": 1, "lines": 3}, "chars ≥ 2"),
])
def test_bad_frame_options_are_named(options, message):
    with pytest.raises(tate.TateError, match=message):
        tate.make_frame(options)


def test_the_html_places_each_cell_and_keeps_the_source():
    paragraphs = tate.paragraphs_of(["あ、い"], lambda t: markup.to_html(t, None), ["m.yaml:3 body[0]"])
    html = tate.frame_html(paragraphs, tate.Frame(chars=5, lines=2), "vm-body")
    assert 'class="frame tate no-typography vm-body"' in html
    assert 'data-src="m.yaml:3 body[0]"' in html
    assert '<span class="tc" style="top:1em">あ</span>' in html
    assert '<span class="tc half" style="top:2.5em">、</span>' in html   # drawn from its middle


def chars_font():
    from utils import ROOT
    return ROOT / "fonts" / "BIZUDMincho-Regular.ttf"
