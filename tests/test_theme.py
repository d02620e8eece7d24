"""The theme: the kit's defaults under a brochure's theme.yaml, checked at load, and the
colours it sets read back from the PDF's content streams (pikepdf, not WeasyPrint)."""

import pikepdf
import pytest

from utils import run
from pamphlet.charts import statistics_chart
from pamphlet.theme import KIT_THEME, load_theme

FAMILIES = {"BIZ UDGothic", "BIZ UDPGothic", "BIZ UDMincho"}


def _fills(pdf) -> set[tuple]:
    """Every CMYK fill colour set on the first page, in its forms too."""
    with pikepdf.open(pdf) as document:
        return _colours(document.pages[0].obj, set())


def _colours(holder, seen: set) -> set[tuple]:
    found = set()
    for operands, operator in pikepdf.parse_content_stream(holder):
        if str(operator) in ("k", "sc", "scn") and len(operands) == 4:
            found.add(tuple(round(float(v), 3) for v in operands))
    for xobject in (holder.get("/Resources", {}).get("/XObject", {}) or {}).values():
        if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            found |= _colours(xobject, seen)
    return found


def test_a_brochure_theme_recolours_the_text(mini, tmp_path):
    (mini / "theme.yaml").write_text("palette:\n  ink: [0, 0, 0, 90]\n", encoding="utf-8")
    pdf = tmp_path / "out.pdf"
    assert run("build", "--brochure", mini, "--out", pdf, "--no-marks").code == 0
    fills = _fills(pdf)
    assert (0, 0, 0, 0.9) in fills and (0, 0, 0, 1) not in fills, fills


@pytest.mark.parametrize("theme, line, message, hint", [
    ("palette:\n  primary: [100, 100, 100, 100]\n", 2,
     "palette.primary: 400 % of ink, over the limit of 300 %", "take ink out"),
    ("palette:\n  primary: [100, 80, 0]\n", 2, "palette.primary: not a CMYK colour",
     "write the four inks in percent"),
    ("palette:\n  primary: [100, 80, 0, 120]\n", 2, "palette.primary: an ink outside 0–100 %",
     "write the four inks"),
    ("palette:\n  primary: navvy\n", 2, "palette.primary: 'navvy' is no colour of the palette",
     "known:"),
    ("pallete:\n  primary: [1, 2, 3, 4]\n", 1, "unknown theme section 'pallete'",
     "did you mean 'palette'?"),
    ("type:\n  gothic: Comic Sans\n", 2, "type.gothic: no font 'Comic Sans' in "
     "fonts/manifest.yaml", "known:"),
    ("charts:\n  bar: navy\n", 2, "charts.bar: no colour 'navy' in the palette", "known:"),
    ("spacing:\n  ink: 3mm\n", 2, "spacing.ink: the name of palette.ink too", "give it another name"),
])
def test_a_bad_theme_is_one_error_at_its_line(mini, tmp_path, theme, line, message, hint):
    theme_file = mini / "theme.yaml"
    theme_file.write_text(theme, encoding="utf-8")
    pdf = tmp_path / "out.pdf"
    result = run("build", "--brochure", mini, "--out", pdf)
    assert result.code == 1 and "Traceback" not in result.err and not pdf.exists()
    assert f"error: {theme_file}:{line}:" in result.err, result.err
    assert message in result.err and f"hint: {hint}" in result.err, result.err


def test_names_of_other_colours_take_their_inks(tmp_path):
    (tmp_path / "theme.yaml").write_text(
        "palette:\n  navy: [100, 80, 25, 25]\n  primary: navy\n", encoding="utf-8")
    theme = load_theme(tmp_path, FAMILIES, 300)
    assert theme.colour("primary") == "device-cmyk(1 0.8 0.25 0.25)"
    assert "--primary: device-cmyk(1 0.8 0.25 0.25);" in theme.as_css()
    assert '--display: "BIZ UDPGothic", "BIZ UDGothic";' in theme.as_css()


def test_charts_take_their_colours_from_the_theme_and_their_words_from_the_spec(tmp_path):
    (tmp_path / "theme.yaml").write_text(
        "palette:\n  green: [80, 0, 100, 0]\ncharts:\n  bar: green\n", encoding="utf-8")
    theme = load_theme(tmp_path, FAMILIES, 300)
    data = {"a": {"points": {2023: {"value": 10}, 2024: {"value": 12}}},
            "b": {"points": {2023: {"value": 20}, 2024: {"value": 24}}}}
    spec = {"series": "a", "total": "b", "unit": "人",
            "legend": {"series": "来場者", "total": "定員"}, "year_suffix": "年度"}
    svg = str(statistics_chart(data, spec, theme))
    assert 'fill="device-cmyk(0.8 0 1 0)"' in svg             # the earlier bar: the theme's bar
    assert 'fill="device-cmyk(0 0.55 0.85 0)"' in svg         # the latest: the kit's accent
    assert "来場者" in svg and "定員" in svg and "2024年度" in svg
    assert "入国者数" not in svg and "総数" not in svg


def test_the_kit_theme_defines_every_colour_its_charts_name():
    theme = load_theme(KIT_THEME.parent / "no-brochure-here", FAMILIES, 300)
    for part in theme.charts:
        assert theme.colour(part).startswith("device-cmyk(")
