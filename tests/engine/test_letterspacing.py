"""letterspacing.py: the letter-spacing that gives each gap exactly its width."""

from pamphlet.typography import chars
from pamphlet.engine.letterspacing import spacer_amount, spacings

S = chars.SPACER


def test_a_spacer_after_a_letter_or_kanji_is_a_quarter_em_and_after_punctuation_minus_half():
    assert spacer_amount(f"4{S}年", 1) == 0.25
    assert spacer_amount(f"」{S}「", 1) == -0.5


def test_pango_drops_half_of_a_trailing_spacer_so_it_gets_twice_unless_the_line_ends():
    assert spacings(f"年{S}年", 10) == [0, 2.5, 0]
    assert spacings(f"年{S}", 10) == [0, 5.0]
    assert spacings(f"年{S}", 10, line_end=True) == [0, 0]


def test_justification_spaces_full_width_characters_and_spaces_but_not_words():
    assert spacings("あいAB c", 10, justification=2.0) == [2.0, 2.0, 0, 0, 2.0, 0]


def test_tracking_is_in_ems_of_the_font_size():
    assert spacings("あい", 10, tracking=-0.02) == [-0.2, -0.2]
