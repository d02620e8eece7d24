"""vertical.py: class="tategaki" becomes columns of one-em cells."""

from pamphlet.typography import process
from pamphlet.typography.vertical import units


def test_one_character_per_cell_and_short_numbers_upright_in_one():
    assert units("水際を守る。24時") == ["水", "際", "を", "守", "る", "。", "24", "時"]
    assert units("2025年") == ["2", "0", "2", "5", "年"]


def test_a_line_break_starts_a_new_column():
    out = process('<html><body><h2 class="tategaki">日本<br>水際24</h2></body></html>')
    assert ('<h2 class="tategaki"><span class="tate-col"><span class="tate-u">日</span>'
            '<span class="tate-u">本</span></span><span class="tate-col"><span class="tate-u">水'
            '</span><span class="tate-u">際</span><span class="tate-u tcy">24</span></span></h2>'
            ) in out
