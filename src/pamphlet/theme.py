"""Decide a brochure's look from its theme: palette (CMYK), type, spacing and rules.

The kit's ``layouts/theme.yaml`` gives every value a default; a brochure's
``theme.yaml`` overrides what it names. The theme reaches the layouts as CSS
custom properties (``--navy``, ``--gothic``, ``--body-size``, ``--top`` …, set
before any stylesheet) and the charts and drawings as a palette object, so no
template or stylesheet writes a colour of its own. Colours are CMYK in percent
and are checked at load: four inks of 0–100 % whose sum stays under the ink
limit.
"""

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic, PamphletError
from .source import Source, field_name, read_yaml

SECTIONS = {
    "palette": "colours by name, each [C, M, Y, K] in percent",
    "type": "font families (as fonts/manifest.yaml names them) and sizes",
    "spacing": "margins and gaps, as CSS lengths",
    "rules": "line widths, as CSS lengths (0.3pt at least: PRINT.md's 0.1 mm)",
    "charts": "which palette colour each part of a chart takes",
    "screen": "the screen edition's own look of a palette colour, as #rrggbb: a colour "
              "that prints well but reads too light on screen (WCAG 2.2: 4.5:1 for text)",
}
KIT_THEME = Path(__file__).resolve().parents[2] / "layouts" / "theme.yaml"


@dataclass(frozen=True)
class Theme:
    """The merged theme: each section a mapping of name -> value."""

    palette: dict = field(default_factory=dict)      # name -> (c, m, y, k) in 0..1
    type: dict = field(default_factory=dict)         # name -> CSS value
    spacing: dict = field(default_factory=dict)
    rules: dict = field(default_factory=dict)
    charts: dict = field(default_factory=dict)       # chart part -> palette name
    screen: dict = field(default_factory=dict)       # palette name -> "#rrggbb"

    def screen_variants(self) -> dict:
        """{CMYK as the screen edition reads it from device-cmyk(): (r, g, b)}."""
        variants = {}
        for name, hex_colour in self.screen.items():
            key = tuple(float(_n(v)) for v in self.palette[name])
            variants[key] = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
        return variants

    def colour(self, name: str) -> str:
        """``device-cmyk(…)`` of a palette colour (or of the colour a chart part takes)."""
        name = self.charts.get(name, name)
        c, m, y, k = self.palette[name]
        return f"device-cmyk({_n(c)} {_n(m)} {_n(y)} {_n(k)})"

    def font(self, name: str) -> str:
        """The first family of a type entry, e.g. ``BIZ UDGothic``."""
        value = self.type[name]
        return value[0] if isinstance(value, list) else str(value)

    def as_css(self) -> str:
        """``:root { … }`` with every value as a custom property."""
        lines = [f"  --{name}: {self.colour(name)};" for name in self.palette]
        for name, value in self.type.items():
            lines.append(f"  --{name}: {_css_type(value)};")
        for section in (self.spacing, self.rules):
            lines.extend(f"  --{name}: {value};" for name, value in section.items())
        return ":root {\n" + "\n".join(lines) + "\n}"


def _n(value: float) -> str:
    return f"{round(value, 4):g}"


def _css_type(value) -> str:
    if isinstance(value, list):
        return ", ".join(f'"{v}"' for v in value)
    text = str(value)
    return text if text[:1].isdigit() or text.startswith(".") else f'"{text}"'


def load_theme(brochure_root: Path, families: set[str], ink_limit: float,
               kit: Path = KIT_THEME) -> Theme:
    """The kit's theme with the brochure's ``theme.yaml`` over it, every value checked."""
    sources = [read_yaml(kit)]
    own = brochure_root / "theme.yaml"
    if own.is_file():
        sources.append(read_yaml(own))
    merged: dict = {name: {} for name in SECTIONS}
    where: dict = {}
    problems: list[Diagnostic] = []
    for source in sources:
        problems.extend(_merge(source, merged, where))
    if not problems:
        problems.extend(_check(merged, where, families, ink_limit))
    if problems:
        raise PamphletError(problems)
    palette = {name: tuple(v / 100 for v in _resolve(merged["palette"], name))
               for name in merged["palette"]}
    return Theme(palette=palette, type=merged["type"], spacing=merged["spacing"],
                 rules=merged["rules"], charts=merged["charts"], screen=merged["screen"])


def _merge(source: Source, merged: dict, where: dict) -> list[Diagnostic]:
    data = source.data if source.data is not None else {}
    if not isinstance(data, dict):
        return [source.diagnostic((), "a theme is a mapping of sections",
                                  "sections: " + ", ".join(SECTIONS))]
    problems = []
    for section, values in data.items():
        if section not in SECTIONS:
            problems.append(_unknown(source, (section,), section, SECTIONS))
        elif not isinstance(values, dict):
            problems.append(source.diagnostic((section,), f"{section} must be a mapping",
                                              f"{section}: {SECTIONS[section]}"))
        else:
            for name, value in values.items():
                merged[section][str(name)] = value
                where[(section, str(name))] = (source, (section, name))
    return problems


def _check(merged: dict, where: dict, families: set[str], ink_limit: float) -> list[Diagnostic]:
    problems = []
    for name, value in merged["palette"].items():
        if isinstance(value, str):       # another colour's name: the same inks
            if _resolve(merged["palette"], name) is None:
                problems.append(_at(where, ("palette", name), f"palette.{name}: '{value}' is "
                                    "no colour of the palette", _suggestion(value, merged["palette"])))
            continue
        problem = _colour_problem(value, ink_limit)
        if problem:
            problems.append(_at(where, ("palette", name), f"palette.{name}: {problem[0]}",
                                problem[1]))
    for name, value in merged["type"].items():
        for family in value if isinstance(value, list) else [value]:
            if _is_family(name, family) and family not in families:
                problems.append(_at(where, ("type", name), f"type.{name}: no font '{family}' in "
                                    "fonts/manifest.yaml", _suggestion(family, families)))
    for name, value in merged["screen"].items():
        if name not in merged["palette"]:
            problems.append(_at(where, ("screen", name), f"screen.{name}: no colour '{name}' in "
                                "the palette", _suggestion(name, merged["palette"])))
        elif not (isinstance(value, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", value)):
            problems.append(_at(where, ("screen", name), f"screen.{name}: not an sRGB colour",
                                "write it as #rrggbb, e.g. '#b84c00' (in quotes: # starts a "
                                "YAML comment)"))
    seen: dict = {}
    for section in ("palette", "type", "spacing", "rules"):
        for name in merged[section]:
            if name in seen:
                problems.append(_at(where, (section, name), f"{section}.{name}: the name of "
                                    f"{seen[name]}.{name} too (both would be --{name})",
                                    "give it another name"))
            seen.setdefault(name, section)
    for part, name in merged["charts"].items():
        if name not in merged["palette"]:
            problems.append(_at(where, ("charts", part), f"charts.{part}: no colour '{name}' in "
                                "the palette", _suggestion(name, merged["palette"])))
    return problems


def _resolve(palette: dict, name: str, depth: int = 0):
    """The inks of ``name``, following names of other colours (None: a name leads nowhere)."""
    value = palette.get(name)
    if isinstance(value, str):
        return _resolve(palette, value, depth + 1) if depth < 8 else None
    return value


def _is_family(name: str, value) -> bool:
    """Type entries are families unless they hold a size or a ratio."""
    return not (isinstance(value, (int, float)) or str(value)[:1].isdigit())


def _colour_problem(value, ink_limit: float) -> tuple[str, str] | None:
    hint = "write the four inks in percent: [C, M, Y, K], e.g. [100, 80, 0, 0]"
    if not isinstance(value, list) or len(value) != 4 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return "not a CMYK colour", hint
    if any(v < 0 or v > 100 for v in value):
        return "an ink outside 0–100 %", hint
    if sum(value) > ink_limit:
        return (f"{sum(value):g} % of ink, over the limit of {ink_limit:g} %",
                "take ink out of the darkest channels (rich black: [60, 40, 40, 100])")
    return None


def _at(where: dict, key: tuple, message: str, hint: str) -> Diagnostic:
    source, path = where[key]
    return source.diagnostic(path, message, hint)


def _unknown(source: Source, path: tuple, name, known) -> Diagnostic:
    line, column = source.where(path + ("__key__",))
    return Diagnostic(f"unknown theme section '{field_name(path)}'", source.path, line, column,
                      _suggestion(str(name), known))


def _suggestion(name: str, known) -> str:
    close = difflib.get_close_matches(str(name), [str(k) for k in known], n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else "known: " + ", ".join(sorted(map(str, known)))
