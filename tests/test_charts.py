"""charts.py: a chart says in words what its bars say (the screen PDF's alternative text)."""

import re

from pamphlet.charts import statistics_chart
from pamphlet.theme import KIT_THEME, load_theme

THEME = load_theme(KIT_THEME.parent / "none", {"BIZ UDGothic", "BIZ UDPGothic", "BIZ UDMincho"},
                   300)

DATA = {
    "overstayers": {"points": {1993: {"value": 298646, "approx": True},
                               2025: {"value": 74863}}},
    "entrants": {"points": {2019: {"value": 31190000, "approx": True},
                            2024: {"value": 36779964}}},
    "entrants_total": {"points": {2024: {"value": 40340000, "approx": True}}},
}


def _title(svg: str) -> str:
    return re.search(r"<title>(.*?)</title>", svg).group(1)


def test_the_title_gives_the_figures_as_the_bars_print_them():
    svg = str(statistics_chart(DATA, {"title": "◆ 外国人不法残留者数の推移",
                                      "series": "overstayers", "unit": "万人"}, THEME))
    assert _title(svg) == "外国人不法残留者数の推移: 1993年 約30万人、2025年 7.5万人"
    assert ">7.5<" in svg                       # the bar's own label


def test_a_second_series_is_said_after_the_first():
    svg = str(statistics_chart(DATA, {"title": "◆ 外国人入国者等の総数の推移", "series": "entrants",
                                      "total": "entrants_total", "unit": "万人",
                                      "legend": {"series": "入国者数", "total": "総数"}}, THEME))
    assert _title(svg) == ("外国人入国者等の総数の推移: 2019年 約3,119万人、2024年 3,678万人"
                           "（総数 2024年 約4,034万人）")
