"""fitting.py: the mission layout's line estimate and column plan."""

from pamphlet.fitting import FOOT, line_starts, plan_mission
from pamphlet.load import load_brochure
from pamphlet.options import command_line_options
from utils import ROOT


def test_full_width_text_breaks_every_27_characters():
    assert line_starts("あ" * 60, 0) == [0, 27, 54, 60]
    assert line_starts("あ" * 60, 1) == [0, 26, 53, 60]       # an indented first line


def test_no_line_starts_with_a_stop():
    assert line_starts("あ" * 27 + "。" + "い" * 10, 0) == [0, 26, 38]


def test_a_number_keeps_its_unit_and_latin_gets_a_quarter_em():
    # 26 + 和欧間 0.25 + "12" 1.0 + 0.25 + 人 would be 28.5 ems: 12人 goes down whole.
    assert line_starts("あ" * 26 + "12人です", 0) == [0, 26, 31]


def _guide_mission(name: str) -> dict:
    brochure = load_brochure(command_line_options(ROOT / "brochure"))
    return brochure.page(name).fields


def test_the_plan_places_every_line_once_in_order_within_the_page():
    for name in ("mission-1", "mission-4"):
        fields = _guide_mission(name)
        plan = plan_mission(fields)
        placed = []
        for fill in (plan.page1, plan.page2):
            assert fill.ok
            for column, unit, first, end in fill.segs:
                assert column in (1, 2) and 0 <= first < end <= plan.units[unit].n
                placed += [(unit, line) for line in range(first, end)]
        assert placed == [(u, line) for u, unit in enumerate(plan.units) for line in range(unit.n)]
        assert plan.text1_top + plan.text1_h <= FOOT + 0.01
        assert plan.text2_h <= plan.region2 + 0.01
        # A paragraph broken over the page keeps two lines at least on either side.
        unit, first = plan.page2.segs[0][1], plan.page2.segs[0][2]
        assert first == 0 or (first >= 2 and plan.units[unit].n - first >= 2)


def test_a_longer_interview_moves_the_page_break_later():
    fields = _guide_mission("mission-1")
    before = plan_mission(fields).page_break
    fields["sections"][0]["body"].insert(0, "追加の段落です。" * 20)
    after = plan_mission(fields)
    assert after.page_break > before
