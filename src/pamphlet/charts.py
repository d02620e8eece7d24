"""Draw statistics and organisation charts as vector graphics from data files.

Colours come from the theme (theme.Theme: its ``charts`` section names the palette
colour of each part, so a chart never carries a colour of its own, nor RGB); the
words a reader sees (legend, unit note, year suffix) come from the chart's fields.
"""

from contextvars import ContextVar
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 84.0, 46.0          # mm (the SVG's user unit is the millimetre)
PLOT_TOP, PLOT_BOTTOM = 10.5, 39.0  # mm: room for the unit/legend and labels above, years below
LABEL, SMALL = 2.6, 2.2             # mm type sizes: 7.4 pt and 6.2 pt
MIN_SIZE = 2.15                     # mm: 6.1 pt, the least any text may be
MAX_BAR = 11.0                      # mm: a bar never gets fatter than this
GOTHIC, DISPLAY = "BIZ UDGothic", "BIZ UDPGothic"


@dataclass(frozen=True)
class Colours:
    """The colour of each part of a chart, as ``device-cmyk(…)``."""

    bar: str
    latest: str
    total: str
    figure: str
    figure_total: str
    label: str
    axis: str
    paper: str
    single_figure: str
    single_unit: str
    single_rule: str
    single_panel: str

    @classmethod
    def of(cls, theme) -> "Colours":
        return cls(**{name: theme.colour(name.replace("_", "-"))
                      for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Words:
    """What a chart prints besides its figures (each a field of the chart, with a default)."""

    series: str = ""            # the legend's word for the bars (with a total: required)
    total: str = ""             # and for the dashed outline of the total
    year: str = "年"            # after each year on the axis


_COLOURS: ContextVar[Colours] = ContextVar("chart_colours")
_WORDS: ContextVar[Words] = ContextVar("chart_words", default=Words())


def statistics_chart(data: dict, spec: dict, theme) -> Markup:
    """See `_statistics_chart`; the theme gives the colours, the spec the words."""
    legend = spec.get("legend") or {}
    words = Words(**{k: str(v) for k, v in legend.items() if k in Words.__dataclass_fields__})
    if spec.get("year_suffix") is not None:
        words = Words(words.series, words.total, str(spec["year_suffix"]))
    colour_token, word_token = _COLOURS.set(Colours.of(theme)), _WORDS.set(words)
    try:
        return _statistics_chart(data, spec)
    finally:
        _COLOURS.reset(colour_token)
        _WORDS.reset(word_token)


def _c() -> Colours:
    return _COLOURS.get()


def _statistics_chart(data: dict, spec: dict) -> Markup:
    """A bar chart of one series (years -> values), the latest bar in the accent colour.

    Only the data file's points are drawn: years without a value get no bar, and a
    break mark on the baseline shows where years are skipped. Approximate values
    carry 約. ``spec['total']`` may name a second series drawn as a dashed outline
    over the bar of the same year, labelled and explained by a small legend.
    A series with a single point is drawn as a big figure instead of a lone bar.
    """
    points = _points(data, spec["series"])
    totals = _points(data, spec["total"]) if spec.get("total") else {}
    unit = spec["unit"]
    if len(points) == 1 and not totals:
        body = _single(points, unit)
    else:
        body = _bars(points, totals, unit)
    svg = (f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
           f'width="{WIDTH}mm" height="{HEIGHT}mm"><title>{escape(describe(spec, points, totals))}'
           f'</title>{body}</svg>')
    return Markup(svg)


def describe(spec: dict, points: dict, totals: dict) -> str:
    """The chart in words, for readers who do not see it (the screen PDF's alternative
    text), with the figures as the bars print them: '外国人入国者等の総数の推移: 2019年
    約3,119万人、…、2024年 3,678万人'."""
    title = str(spec.get("title") or spec["series"]).lstrip("◆ ").strip()

    def said(series: dict) -> str:
        unit = "万人" if spec["unit"] == "万人" else "人"
        return "、".join(f"{year}{_WORDS.get().year} {_number(value, spec['unit'], approx)}{unit}"
                        for year, (value, approx) in sorted(series.items()))

    total = f"（{_WORDS.get().total} {said(totals)}）" if totals else ""
    return f"{title}: {said(points)}{total}"


def _points(data: dict, key: str) -> dict:
    points = data[key]["points"]
    return {int(year): (float(p["value"]), bool(p.get("approx"))) for year, p in points.items()}


def _bars(points: dict, totals: dict, unit: str) -> str:
    years = sorted(points)
    top = _nice_top(max([v for v, _ in points.values()] + [v for v, _ in totals.values()]))
    left, right = 1.0, WIDTH - 1.0
    slot = (right - left) / len(years)
    width = min(slot * 0.58, MAX_BAR)
    dense = slot < 12
    parts = [_text(left, 3.4, _unit_note(unit), SMALL, _c().label, anchor="start")]
    if totals:
        parts.append(_legend(right))
    for index, year in enumerate(years):
        value, approx = points[year]
        centre = left + slot * (index + 0.5)
        last = index == len(years) - 1
        parts.append(_bar(centre, width, value, approx, top, unit, last, totals.get(year), dense))
        parts.append(_text(centre, PLOT_BOTTOM + 4.2, f"{year}{_WORDS.get().year}", SMALL if dense else LABEL - 0.2,
                           _c().axis if last else _c().label, bold=last))
    parts.append(f'<line fill="none" x1="0" y1="{PLOT_BOTTOM}" x2="{WIDTH}" y2="{PLOT_BOTTOM}" '
                 f'stroke="{_c().axis}" stroke-width="0.2"/>')
    for index in range(len(years) - 1):
        if years[index + 1] - years[index] > 1:
            parts.append(_break_mark(left + slot * (index + 1)))
    return "".join(parts)


def _bar(centre, width, value, approx, top, unit, last, total, dense) -> str:
    x = centre - width / 2
    height = (PLOT_BOTTOM - PLOT_TOP) * value / top
    y = PLOT_BOTTOM - height
    colour = _c().latest if last else _c().bar
    size = (SMALL if dense else LABEL)
    parts = [f'<rect x="{x:.2f}" y="{y:.2f}" width="{width:.2f}" height="{height:.2f}" fill="{colour}"/>']
    label = _number(value, unit, approx)
    if total:
        t_value, t_approx = total
        t_height = (PLOT_BOTTOM - PLOT_TOP) * t_value / top
        ty = PLOT_BOTTOM - t_height
        pad = 0.7
        parts.append(f'<rect x="{x - pad:.2f}" y="{ty:.2f}" width="{width + 2 * pad:.2f}" '
                     f'height="{t_height:.2f}" fill="none" stroke="{_c().total}" stroke-width="0.25" '
                     f'stroke-dasharray="0.9 0.6"/>')
        parts.append(_figure(centre, ty - 1.3, _number(t_value, unit, t_approx), LABEL, _c().figure_total))
        # the entrants' own figure inside its bar, reversed out
        parts.append(_figure(centre, y + 3.6, label, SMALL + 0.1, _c().paper))
        return "".join(parts)
    parts.append(_figure(centre, y - 1.3, label, size, _c().latest if last else _c().figure))
    return "".join(parts)


def _legend(right: float) -> str:
    """The series (a solid swatch) and the total (a dashed outline), at the top right."""
    y, words, colours = 1.6, _WORDS.get(), _c()
    x2 = right - _width(words.total, SMALL)
    x1 = x2 - 3.2 - 4.0 - _width(words.series, SMALL)
    return "".join([
        # the solid bars: earlier years in blue, the latest in orange
        f'<rect x="{x1 - 1.4:.2f}" y="{y:.2f}" width="1.3" height="2.2" fill="{colours.bar}"/>',
        f'<rect x="{x1:.2f}" y="{y:.2f}" width="1.3" height="2.2" fill="{colours.latest}"/>',
        _text(x1 + 2.1, y + 1.9, words.series, SMALL, colours.axis, anchor="start"),
        f'<rect x="{x2 - 3.0:.2f}" y="{y:.2f}" width="2.2" height="2.2" fill="none" '
        f'stroke="{colours.total}" stroke-width="0.25" stroke-dasharray="0.6 0.4"/>',
        _text(x2, y + 1.9, words.total, SMALL, colours.axis, anchor="start"),
    ])


def _break_mark(x: float) -> str:
    """Two slanted strokes across the baseline: years are skipped here."""
    y = PLOT_BOTTOM
    cut = f'<rect x="{x - 0.9:.2f}" y="{y - 0.6:.2f}" width="1.8" height="1.2" fill="{_c().paper}"/>'
    strokes = "".join(f'<line fill="none" x1="{x + dx - 0.5:.2f}" y1="{y + 1.0:.2f}" x2="{x + dx + 0.5:.2f}" '
                      f'y2="{y - 1.0:.2f}" stroke="{_c().axis}" stroke-width="0.2"/>' for dx in (-0.55, 0.55))
    return cut + strokes


def _single(points: dict, unit: str) -> str:
    """One value only: the figure set large over its year, no lonely bar."""
    (year, (value, approx)), = points.items()
    number = _number(value, unit, approx)
    suffix = "万人" if unit == "万人" else "人"
    cx = WIDTH / 2
    return "".join([
        f'<rect x="0" y="4" width="{WIDTH}" height="{PLOT_BOTTOM - 4:.2f}" fill="{_c().single_panel}"/>',
        f'<text x="{cx:.2f}" y="27.5" text-anchor="middle" font-family="{DISPLAY}" font-weight="700" '
        f'fill="{_c().single_figure}"><tspan font-size="15">{escape(number)}</tspan>'
        f'<tspan font-size="6" dx="0.8" fill="{_c().single_unit}">{suffix}</tspan></text>',
        f'<rect x="{cx - 10:.2f}" y="31" width="20" height="0.5" fill="{_c().single_rule}"/>',
        f'<line fill="none" x1="0" y1="{PLOT_BOTTOM}" x2="{WIDTH}" y2="{PLOT_BOTTOM}" stroke="{_c().axis}" stroke-width="0.2"/>',
        _text(cx, PLOT_BOTTOM + 4.2, f"{year}{_WORDS.get().year}", LABEL - 0.2, _c().axis, bold=True),
    ])


def _nice_top(peak: float) -> float:
    """The value at the top of the plot: a little over the peak (labels sit above)."""
    return peak * 1.06


def _unit_note(unit: str) -> str:
    return "（万人）" if unit == "万人" else "（人）"


def _number(value: float, unit: str, approx: bool) -> str:
    """The printed figure, in the chart's unit (see the unit note): 3,678 / 約130 / 7.5 / 6,499.

    Under 10万 a figure in 万人 keeps one decimal (74,863 -> 7.5), so that no bar reads
    as a round number it is not.
    """
    prefix = "約" if approx else ""
    if unit == "万人":
        tenthousands = value / 10000
        if tenthousands < 10 and not approx:
            return f"{prefix}{tenthousands:.1f}"
        return f"{prefix}{round(tenthousands):,}"
    return f"{prefix}{round(value):,}"


def format_value(value: float, unit: str, approx: bool) -> str:
    """3677万9964 persons -> '3,678万' (万人) or '6,499' (人); approximate values get 約."""
    prefix = "約" if approx else ""
    if unit == "万人":
        return f"{prefix}{round(value / 10000):,}万"
    return f"{prefix}{round(value):,}"


def _width(text: str, size: float) -> float:
    """Advance width in mm of ``text`` in BIZ UDGothic (fixed pitch: ASCII half, others full)."""
    return sum(size * (0.5 if ord(ch) < 0x2000 else 1.0) for ch in text)


def _text(x, y, text, size, colour, bold=False, anchor="middle", family=GOTHIC) -> str:
    weight = ' font-weight="700"' if bold else ""
    return (f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-family="{family}" fill="{colour}"{weight}>{escape(text)}</text>')


def _figure(x, y, text, size, colour) -> str:
    """A bar's figure: proportional bold digits; a leading 約 a size smaller."""
    if text.startswith("約"):
        return (f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size}" text-anchor="middle" '
                f'font-family="{DISPLAY}" font-weight="700" fill="{colour}">'
                f'<tspan font-size="{max(size * 0.8, MIN_SIZE):.2f}">約</tspan>{escape(text[1:])}</text>')
    return _text(x, y, text, size, colour, bold=True, family=DISPLAY)


def organisation_chart(data: dict) -> Markup:
    """An organisation as nested HTML boxes (styled by the layout's CSS).

    ``data`` is ``{head: {name, units: [a name, or {name, units: [names]}]}, groups:
    [{title, kind, names}]}``: ``.org-chart`` holds the head, a row of its units
    (``.org-units``) and a row of groups (``.org-groups``), each a title with its count
    and a list; ``kind`` becomes the class ``org-KIND``.
    """
    head = data["head"]
    units = "".join(_unit(u) for u in head.get("units") or [])
    groups = "".join(_group(group["title"], group["names"], group.get("kind", ""))
                     for group in data.get("groups") or [] if group.get("names"))
    html = [f'<div class="org-chart"><div class="org-head">{escape(head["name"])}</div>',
            f'<div class="org-units">{units}</div>',
            f'<div class="org-groups">{groups}</div>',
            "</div>"]
    return Markup("".join(html))


def _unit(unit) -> str:
    if isinstance(unit, str):
        return f'<div class="org-unit"><div class="org-name">{escape(unit)}</div></div>'
    children = "".join(f"<li>{escape(child)}</li>" for child in unit.get("units", []))
    return (f'<div class="org-unit"><div class="org-name">{escape(unit["name"])}</div>'
            f'<ul class="org-children">{children}</ul></div>')


def _group(title: str, names: list, kind: str = "") -> str:
    items = "".join(f"<li>{escape(name)}</li>" for name in names)
    return (f'<div class="org-group org-{kind}"><div class="org-group-title">{escape(title)}'
            f'<span class="org-count">{len(names)}</span></div><ul>{items}</ul></div>')


# The kit's charts: bar, line, stacked bar and big number, drawn at the size the layout
# gives them (mm), from series a data file holds: NAME: {label, points: {KEY: VALUE}}.
# No word of their own: the title, unit and key suffix are the chart's fields, the
# series' labels the data file's. Colours from the theme's charts roles.

@dataclass(frozen=True)
class Series:
    """One series of a kit chart: its legend label and its (key, value, approx) points."""

    label: str
    points: tuple


KIT_ROLES = ("series-1", "series-2", "series-3", "series-4")
KIT_TEXT = 2.47                     # mm: 7 pt, the labels
KIT_SMALL = 2.2                     # mm: 6.2 pt, the legend and unit note


def kit_chart(series: list[Series], spec: dict, theme, width: float, height: float) -> Markup:
    """The chart ``spec['kind']`` names (bar, line, stacked, number) as an ``<svg>`` of
    ``width`` × ``height`` mm, its title as alternative text."""
    kind = spec.get("kind") or "bar"
    draw = {"bar": _kit_bars, "line": _kit_lines, "stacked": _kit_stacks,
            "number": _kit_number}[kind]
    body = draw(series, spec, theme, width, height)
    title = escape(_kit_description(series, spec))
    return Markup(f'<svg class="chart kit-chart kit-{kind}" xmlns="http://www.w3.org/2000/svg" '
                  f'viewBox="0 0 {width:g} {height:g}" width="{width:g}mm" height="{height:g}mm">'
                  f'<title>{title}</title>{body}</svg>')


def _kit_description(series: list[Series], spec: dict) -> str:
    unit, suffix = spec.get("unit") or "", spec.get("suffix") or ""
    said = "; ".join(f"{s.label}: " + "、".join(f"{k}{suffix} {_kit_figure(v, a)}{unit}"
                                               for k, v, a in s.points) for s in series)
    return f"{spec.get('title', '')}: {said}"


def _kit_figure(value: float, approx: bool = False) -> str:
    """3678 -> '3,678'; 7.5 stays '7.5'; approximate values get 約."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return ("約" if approx else "") + text


def _kit_font(theme) -> str:
    return escape(theme.font("gothic"))


def _kit_text(theme, x, y, text, size, colour, anchor="middle", bold=False) -> str:
    weight = ' font-weight="700"' if bold else ""
    return (f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size:.2f}" text-anchor="{anchor}" '
            f'font-family="{_kit_font(theme)}" fill="{theme.colour(colour)}"{weight}>'
            f'{escape(text)}</text>')


def _kit_keys(series: list[Series]) -> list:
    keys = []
    for s in series:
        keys += [k for k, _, _ in s.points if k not in keys]
    return keys


def _kit_frame(theme, spec, series, width, height, legend: bool):
    """The plot's box (left, top, right, bottom) and its furniture: unit note, legend,
    baseline, the key labels under each slot."""
    parts, top = [], KIT_SMALL + 4.0
    if spec.get("unit"):
        parts.append(_kit_text(theme, 0, KIT_SMALL, f"（{spec['unit']}）", KIT_SMALL, "label",
                               anchor="start"))
    if legend:
        parts.append(_kit_legend(theme, series, width))
    bottom = height - KIT_TEXT - 2.0
    parts.append(f'<line x1="0" y1="{bottom:.2f}" x2="{width:.2f}" y2="{bottom:.2f}" '
                 f'stroke="{theme.colour("axis")}" stroke-width="0.2" fill="none"/>')
    keys = _kit_keys(series)
    slot = width / max(len(keys), 1)
    for index, key in enumerate(keys):
        parts.append(_kit_text(theme, slot * (index + 0.5), height - 0.6,
                               f"{key}{spec.get('suffix') or ''}", KIT_TEXT, "label"))
    return (0.0, top, width, bottom), keys, slot, parts


def _kit_legend(theme, series: list[Series], width: float) -> str:
    """Swatch and label of each series, right-aligned on the top line."""
    parts, x = [], width
    for index in reversed(range(len(series))):
        label = series[index].label
        x -= _width(label, KIT_SMALL)
        parts.append(_kit_text(theme, x, KIT_SMALL, label, KIT_SMALL, "label", anchor="start"))
        x -= 3.0
        parts.append(f'<rect x="{x:.2f}" y="0" width="2.2" height="2.2" '
                     f'fill="{theme.colour(KIT_ROLES[index % 4])}"/>')
        x -= 3.0
    return "".join(parts)


def _kit_top(values: list[float]) -> float:
    return max([v for v in values if v > 0] or [1.0]) * 1.12


def _kit_bars(series, spec, theme, width, height) -> str:
    """One series as bars, the last one in the latest colour, each with its figure."""
    (left, top, right, bottom), keys, slot, parts = _kit_frame(theme, spec, series[:1], width,
                                                               height, legend=False)
    points = series[0].points
    peak = _kit_top([v for _, v, _ in points])
    bar = min(slot * 0.56, 14.0)
    for index, (key, value, approx) in enumerate(points):
        last = index == len(points) - 1
        h = (bottom - top) * max(value, 0) / peak
        x = slot * (index + 0.5)
        colour = "latest" if last else "bar"
        parts.append(f'<rect x="{x - bar / 2:.2f}" y="{bottom - h:.2f}" width="{bar:.2f}" '
                     f'height="{h:.2f}" fill="{theme.colour(colour)}"/>')
        parts.append(_kit_text(theme, x, bottom - h - 1.2, _kit_figure(value, approx), KIT_TEXT,
                               "figure-total" if last else "figure", bold=True))
    return "".join(parts)


def _kit_lines(series, spec, theme, width, height) -> str:
    """Each series a line with a dot per point; the last figure of each at its end."""
    (left, top, right, bottom), keys, slot, parts = _kit_frame(theme, spec, series, width,
                                                               height, legend=len(series) > 1)
    peak = _kit_top([v for s in series for _, v, _ in s.points])
    for step in (0.25, 0.5, 0.75, 1.0):
        y = bottom - (bottom - top) * step / 1.12
        parts.append(f'<line x1="0" y1="{y:.2f}" x2="{width:.2f}" y2="{y:.2f}" '
                     f'stroke="{theme.colour("grid")}" stroke-width="0.12" fill="none"/>')
    for index, s in enumerate(series):
        colour = theme.colour(KIT_ROLES[index % 4])
        xy = [(slot * (keys.index(k) + 0.5), bottom - (bottom - top) * v / peak)
              for k, v, _ in s.points]
        path = " ".join(f"{x:.2f},{y:.2f}" for x, y in xy)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                     f'stroke-width="0.6" stroke-linejoin="round"/>')
        parts += [f'<circle cx="{x:.2f}" cy="{y:.2f}" r="0.9" fill="{colour}"/>' for x, y in xy]
        key, value, approx = s.points[-1]
        parts.append(_kit_text(theme, xy[-1][0], xy[-1][1] - 2.0, _kit_figure(value, approx),
                               KIT_TEXT, "figure", bold=True))
    return "".join(parts)


def _kit_stacks(series, spec, theme, width, height) -> str:
    """Each key a column of the series' values stacked, its total over it."""
    (left, top, right, bottom), keys, slot, parts = _kit_frame(theme, spec, series, width,
                                                               height, legend=True)
    values = [{k: (v, a) for k, v, a in s.points} for s in series]
    totals = [sum(v.get(k, (0, False))[0] for v in values) for k in keys]
    peak = _kit_top(totals)
    bar = min(slot * 0.56, 14.0)
    for index, key in enumerate(keys):
        x, y = slot * (index + 0.5) - bar / 2, bottom
        for layer, points in enumerate(values):
            h = (bottom - top) * max(points.get(key, (0, False))[0], 0) / peak
            y -= h
            parts.append(f'<rect x="{x:.2f}" y="{y:.2f}" width="{bar:.2f}" height="{h:.2f}" '
                         f'fill="{theme.colour(KIT_ROLES[layer % 4])}"/>')
        parts.append(_kit_text(theme, x + bar / 2, y - 1.2, _kit_figure(totals[index]), KIT_TEXT,
                               "figure", bold=True))
    return "".join(parts)


def _kit_number(series, spec, theme, width, height) -> str:
    """The last point of the first series set large, its unit beside it, its key under it."""
    key, value, approx = series[0].points[-1]
    size = min(height * 0.55, width / max(len(_kit_figure(value, approx)), 2) * 1.5)
    unit = spec.get("unit") or ""
    figure = (f'<text x="{width / 2:.2f}" y="{height * 0.62:.2f}" text-anchor="middle" '
              f'font-family="{escape(theme.font("display"))}" font-weight="700" '
              f'fill="{theme.colour("single-figure")}"><tspan font-size="{size:.2f}">'
              f'{escape(_kit_figure(value, approx))}</tspan><tspan font-size="{max(size * 0.3, 3.2):.2f}" '
              f'dx="0.8" fill="{theme.colour("single-unit")}">{escape(unit)}</tspan></text>')
    rule = (f'<rect x="{width / 2 - 8:.2f}" y="{height * 0.72:.2f}" width="16" height="0.5" '
            f'fill="{theme.colour("single-rule")}"/>')
    label = _kit_text(theme, width / 2, height - 1.0, f"{series[0].label}（{key}{spec.get('suffix') or ''}）",
                      KIT_TEXT, "label")
    return figure + rule + label
