"""Draw the statistics and the organisation chart as vector graphics from data."""

from markupsafe import Markup, escape

# The palette, in CMYK (0..1): charts never carry an RGB colour.
NAVY = "device-cmyk(1 0.8 0.25 0.25)"
BLUE = "device-cmyk(0.85 0.45 0 0)"
SKY = "device-cmyk(0.35 0.05 0 0)"
ORANGE = "device-cmyk(0 0.55 0.85 0)"
INK = "device-cmyk(0 0 0 1)"
GREY = "device-cmyk(0 0 0 0.45)"
RULE = "device-cmyk(0 0 0 0.25)"

WIDTH, HEIGHT = 84.0, 46.0          # mm
PLOT_TOP, PLOT_BOTTOM = 9.0, 38.0   # mm: room for labels above and years below


def statistics_chart(data: dict, spec: dict) -> Markup:
    """A bar chart of one series (years -> values), the latest bar in the accent colour.

    ``spec['total']`` may name a second series drawn as a dashed outline where it
    has a value (e.g. the total including special landings over the entrants).
    """
    points = _points(data, spec["series"])
    totals = _points(data, spec["total"]) if spec.get("total") else {}
    top = max(list(points.values()) + list(totals.values())) * 1.08
    slot = WIDTH / len(points)
    bars = []
    for index, (year, (value, approx)) in enumerate(sorted(points.items())):
        x = index * slot + slot * 0.22
        bars.append(_bar(x, slot * 0.56, value, top, approx, spec["unit"],
                         last=index == len(points) - 1, total=totals.get(year)))
        bars.append(_text(x + slot * 0.28, PLOT_BOTTOM + 4.6, f"{year}年", 2.6, GREY))
    baseline = f'<line x1="0" y1="{PLOT_BOTTOM}" x2="{WIDTH}" y2="{PLOT_BOTTOM}" ' \
               f'stroke="{INK}" stroke-width="0.18"/>'
    svg = (f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
           f'width="{WIDTH}mm" height="{HEIGHT}mm">' + "".join(bars) + baseline + "</svg>")
    return Markup(svg)


def _points(data: dict, key: str) -> dict:
    points = data[key]["points"]
    return {int(year): (float(p["value"]), bool(p.get("approx"))) for year, p in points.items()}


def _bar(x, width, value, top, approx, unit, last, total=None) -> str:
    height = (PLOT_BOTTOM - PLOT_TOP) * value / top
    y = PLOT_BOTTOM - height
    colour = ORANGE if last else NAVY
    parts = [f'<rect x="{x:.2f}" y="{y:.2f}" width="{width:.2f}" height="{height:.2f}" '
             f'fill="{colour}"/>']
    label_y = y - 1.4
    if total:
        total_height = (PLOT_BOTTOM - PLOT_TOP) * total[0] / top
        ty = PLOT_BOTTOM - total_height
        parts.append(f'<rect x="{x:.2f}" y="{ty:.2f}" width="{width:.2f}" '
                     f'height="{total_height:.2f}" fill="none" stroke="{colour}" '
                     f'stroke-width="0.3" stroke-dasharray="0.8 0.6"/>')
        parts.append(_text(x + width / 2, ty - 1.4, "総数 " + format_value(total[0], unit, True),
                           2.5, colour, bold=True))
        label_y = y + 3.6
        colour = "device-cmyk(0 0 0 0)"
    parts.append(_text(x + width / 2, label_y, format_value(value, unit, approx), 2.5,
                       colour if total else (ORANGE if last else INK), bold=last))
    return "".join(parts)


def format_value(value: float, unit: str, approx: bool) -> str:
    """3677万9964 persons -> '3,678万' (万人) or '6,499' (人); approximate values get 約."""
    prefix = "約" if approx else ""
    if unit == "万人":
        return f"{prefix}{round(value / 10000):,}万"
    return f"{prefix}{round(value):,}"


def _text(x, y, text, size, colour, bold=False) -> str:
    weight = ' font-weight="700"' if bold else ""
    return (f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size}" text-anchor="middle" '
            f'font-family="BIZ UDGothic" fill="{colour}"{weight}>{escape(text)}</text>')


GROUPS = (  # data key, printed title, class modifier
    ("regional_bureaus", "地方出入国在留管理局", "bureaus"),
    ("district_offices", "支局", "offices"),
    ("detention_centres", "入国管理センター", "centres"),
)


def organisation_chart(data: dict) -> Markup:
    """The organisation as nested HTML boxes (styled by organisation.css).

    ``.org-chart`` holds the head, a row of the headquarters' units (``.org-units``)
    and a row of the local organs (``.org-groups``), each group a title and a list.
    """
    head = data["headquarters"]
    units = "".join(_unit(u) for u in head["units"])
    groups = "".join(_group(title, data[key], kind) for key, title, kind in GROUPS
                     if data.get(key))
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
