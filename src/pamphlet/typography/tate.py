"""Compose vertical body text (縦組み) into columns of cells, to JLREQ.

WeasyPrint has no writing-mode, so the columns are decided here, in Python, and
written as HTML that WeasyPrint only has to place: a frame of a fixed size,
each column an absolutely positioned one-em-wide block, right to left, each
character a cell at its own offset down the column (typography.css, `.tate`).

The steps, one function each: `units` (what a paragraph's markup draws, one
cell, one 縦中横 group or one turned Latin word at a time), `items` (what is
never broken: a unit, or a ruby group), `columns` (line breaking with kinsoku:
追い込み, ぶら下げ, else 追い出し; justification to the column length) and
`frame_html` (the cells). Character classes come from chars.py, shared with the
horizontal pass; checks/vertical.py reads the result back from the PDF.
"""

import html
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import chars
from .tree import Element, Text, parse

EPSILON = 1e-6
AUTOSPACE = 0.25           # em: 和欧間 between Japanese and a turned Latin word
AUTOSPACE_MIN = 0.125      # em: what 追い込み may take it down to
RUBY = 0.5                 # ruby size, of the body's
UPRIGHT_ACRONYM = 4        # capitals up to this many stand upright one per cell (NHK, JLREQ)
TCY_DIGITS = 3             # numbers up to this many digits stand across the column (縦中横)
STOP_MARKS = set("、。，．")  # what may hang below the column (ぶら下げ)
TURNED = set("—–")        # dashes the fonts have no vertical form of: drawn turned 90°


class TateError(ValueError):
    """Text the composer cannot set (the render stage turns it into a diagnostic)."""


@dataclass(frozen=True)
class Frame:
    """A vertical text frame in ems of its font size: 字詰め × 行数 per 段, 段 stacked."""
    chars: int                 # 字詰め: cells in a column (per 段)
    lines: int                 # 行数: columns per 段
    tiers: int = 1             # 段数
    gap: float = 2.0           # 段間 (em)
    pitch: float = 1.75        # 行送り: from one column's right edge to the next's
    indent: float = 1.0        # 字下げ of a paragraph's first column
    hang: bool = False         # ぶら下げ: 、。 may hang one cell below the column
    grid: bool = False         # every character on the grid: no 約物詰め, no 和欧間

    @property
    def ruby_room(self) -> float:
        """Room right of the first column for its ruby."""
        return RUBY

    @property
    def width(self) -> float:
        return self.ruby_room + (self.lines - 1) * self.pitch + 1.0

    @property
    def height(self) -> float:
        return self.tiers * self.chars + (self.tiers - 1) * self.gap + (1.0 if self.hang else 0.0)

    @property
    def capacity(self) -> int:
        return self.lines * self.tiers

    def place(self, index: int) -> tuple[float, float]:
        """(right, top) of column ``index`` in the frame; past capacity, below the frame."""
        tier, column = divmod(index, self.lines)
        return (self.ruby_room + column * self.pitch, tier * (self.chars + self.gap))


@dataclass
class Unit:
    """What one cell (or one turned word) draws."""
    text: str
    kind: str = "char"         # char, tcy (縦中横), rot (a Latin word turned 90°), turn (a dash)
    length: float = 1.0        # em down the column
    strong: bool = False
    dots: bool = False
    stretch: float = 1.0       # a turned dash drawn this much longer, to fill its cell
    href: str = ""             # a page reference's target: the cell is the link

    @property
    def first(self) -> str:
        return self.text[0]

    @property
    def last(self) -> str:
        return self.text[-1]

    @property
    def latin(self) -> bool:
        return self.kind == "rot"


@dataclass
class Item:
    """Units never broken apart: one unit, or a ruby group (base and ruby)."""
    units: list
    ruby: str = ""

    @property
    def length(self) -> float:
        return max(sum(u.length for u in self.units), RUBY * len(self.ruby))

    @property
    def first(self) -> str:
        return self.units[0].first

    @property
    def last(self) -> str:
        return self.units[-1].last


@dataclass
class Column:
    """One composed column: its items, each at its offset (em) from the column top."""
    items: list
    offsets: list
    paragraph: int
    hanging: bool = False
    end: float = 0.0           # where the last item ends
    full: bool = False         # justified to the column length


@dataclass
class Paragraph:
    segments: list             # lists of items, each starting a new column
    source: str = ""           # data-src of the paragraph


# Units: what the markup draws

def units(node, strong=False, dots=False, metrics=None) -> list:
    """The units of a parsed paragraph, in reading order; a <br> gives None (new column)."""
    found = []
    for child in getattr(node, "children", ()):
        if isinstance(child, Text):
            found += text_units(child.text, strong, dots, metrics)
        elif isinstance(child, Element):
            found += _element_units(child, strong, dots, metrics)
    return found


def _element_units(node: Element, strong: bool, dots: bool, metrics) -> list:
    if node.tag == "br":
        return [None]
    if node.tag == "ruby":
        base = [c for c in node.children if not (isinstance(c, Element) and c.tag in ("rt", "rp"))]
        ruby = "".join(_text(c) for c in node.children if isinstance(c, Element) and c.tag == "rt")
        holder = Element("span", {}, None, base)
        return [Item(units(holder, strong, dots, metrics), ruby.strip())]
    if node.tag == "a" and node.attrs.get("href"):
        # A page reference (P05, P29・30) is one turned word, and one link: WeasyPrint
        # would give each cell of a longer link an annotation of its own.
        text = _text(node).strip()
        return [Unit(text, "rot", _latin_length(text, metrics), strong, dots,
                     href=node.attrs["href"])]
    classes = node.classes
    strong = strong or node.tag in ("strong", "b")
    dots = dots or "bouten" in classes
    if "tcy" in classes:
        return [Unit(_text(node).strip(), "tcy", 1.0, strong, dots)]
    if "rot" in classes:
        text = _text(node).strip()
        return [Unit(text, "rot", _latin_length(text, metrics), strong, dots)]
    return units(node, strong, dots, metrics)


def _text(node) -> str:
    if isinstance(node, Text):
        return node.text
    return "".join(_text(c) for c in getattr(node, "children", ()))


def text_units(text: str, strong=False, dots=False, metrics=None) -> list:
    """Plain text as units: Japanese one per cell, Latin words and numbers by JLREQ's
    choice — 縦中横 for numbers of up to three digits and two capitals, upright cells
    for short acronyms, turned 90° for the rest."""
    found, index = [], 0
    text = "".join(c for c in text if c not in chars.INVISIBLE and c not in "\n\r\t")
    while index < len(text):
        end = _latin_end(text, index)
        if end > index:
            found += _latin_units(text[index:end], strong, dots, metrics)
            index = end
            continue
        char = text[index]
        if char in TURNED:           # ―― unbroken: the dash stretched to its cell
            found.append(Unit(char, "turn", 1.0, strong, dots,
                              1 / max(_latin_length(char, metrics), 0.1)))
        elif char != " ":
            found.append(Unit(char, "char", 1.0, strong, dots))
        index += 1
    return found


def _is_latin(char: str) -> bool:
    return char not in chars.INVISIBLE and not char.isspace() and \
        unicodedata.east_asian_width(char) in ("Na", "N") and not chars.is_ideographic(char)


def _latin_end(text: str, start: int) -> int:
    """End of the Latin run at ``start`` (words joined by single spaces), or ``start``."""
    end = start
    while end < len(text):
        if _is_latin(text[end]):
            end += 1
        elif text[end] == " " and end > start and end + 1 < len(text) and _is_latin(text[end + 1]):
            end += 1
        else:
            break
    return end


def _latin_units(run: str, strong: bool, dots: bool, metrics) -> list:
    if run.isdigit() and len(run) == 1:
        return [Unit(run, "char", 1.0, strong, dots)]
    if run.isdigit() and len(run) <= TCY_DIGITS:
        return [Unit(run, "tcy", 1.0, strong, dots)]
    if run.isascii() and run.isalpha() and run.isupper():
        if len(run) == 2:
            return [Unit(run, "tcy", 1.0, strong, dots)]
        if len(run) <= UPRIGHT_ACRONYM:
            return [Unit(c, "char", 1.0, strong, dots) for c in run]
    return [Unit(run, "rot", _latin_length(run, metrics), strong, dots)]


def _latin_length(text: str, metrics) -> float:
    return metrics.length(text) if metrics is not None else 0.5 * len(text)


class Metrics:
    """Advance widths (em) of a font's glyphs, for the length of a turned Latin word."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def length(self, text: str) -> float:
        advances = _advances(str(self.path))
        return sum(advances.get(ord(c), 0.5) for c in text)


@lru_cache(maxsize=8)
def _advances(path: str) -> dict:
    from fontTools.ttLib import TTFont
    font = TTFont(path, lazy=True)
    em = font["head"].unitsPerEm
    metrics = font["hmtx"]
    return {code: metrics[name][0] / em for code, name in font.getBestCmap().items()}


# Items: what is never broken

def items(found: list) -> list:
    """Units (and ruby groups) as items; None stays a column break."""
    return [u if (u is None or isinstance(u, Item)) else Item([u]) for u in found]


def segments(found: list) -> list:
    """Split items at column breaks (<br>, a newline in the YAML)."""
    out = [[]]
    for item in found:
        if item is None:
            out.append([])
        else:
            out[-1].append(item)
    return [s for s in out if s] or [[]]


# Spacing between two items on a column

def glue(before: Item, after: Item, frame: Frame) -> float:
    """Natural space (em) between two items: 約物詰め (−½ em) or 和欧間 (+¼ em)."""
    if frame.grid:
        return 0.0
    kerning = chars.punctuation_kerning(before.last, after.first)
    if kerning:
        return kerning
    return AUTOSPACE if _autospace(before.units[-1], after.units[0]) else 0.0


def _autospace(before: Unit, after: Unit) -> bool:
    """和欧間 between a turned Latin word and Japanese (not punctuation, whose blank serves)."""
    if before.latin == after.latin:
        return False
    other = after if before.latin else before
    return other.kind == "tcy" or chars.is_ideographic(other.first)


def shrink(before: Item, after: Item | None, frame: Frame) -> float:
    """How much 追い込み may take after ``before``: the blank half of 、。」 not
    already taken, and 和欧間 down to its least."""
    if frame.grid:
        return 0.0
    if after is not None:
        space = glue(before, after, frame)
        if space < 0:
            return 0.0
        if space == AUTOSPACE:
            return AUTOSPACE - AUTOSPACE_MIN
    return 0.5 if chars.blank_after(before.last) else 0.0


def stretchable(before: Item, after: Item) -> bool:
    """Justification may open this gap (not inside —— or ……)."""
    return not (before.last in chars.INSEPARABLE and after.first in chars.INSEPARABLE)


# Line breaking

def may_break(before: Item, after: Item) -> bool:
    """JLREQ's line-breaking rules between two items (kinsoku, numbers with units)."""
    if after.first in chars.NOT_AT_LINE_START or before.last in chars.NOT_AT_LINE_END:
        return False
    if before.last in chars.INSEPARABLE and after.first in chars.INSEPARABLE:
        return False
    return not _number_and_unit(before, after)


def _number_and_unit(before: Item, after: Item) -> bool:
    """12人, 3万, 3万人: a number and its counter or unit stay on one column."""
    if before.last in chars.MULTIPLIERS:
        return after.first in chars.UNITS
    if not before.last.isdigit():
        return False
    return after.first in chars.UNITS or after.first in chars.MULTIPLIERS


def natural(row: list, frame: Frame) -> float:
    """Length of ``row`` set at its natural spacing."""
    if not row:
        return 0.0
    return sum(i.length for i in row) + sum(glue(a, b, frame) for a, b in zip(row, row[1:]))


def compressible(row: list, frame: Frame) -> float:
    """What 追い込み may take out of a row, the blank half of a 、。」 at its foot too."""
    return sum(shrink(a, b, frame) for a, b in zip(row, row[1:] + [None]))


def break_columns(segment: list, frame: Frame, first_indent: float) -> list:
    """The rows (lists of items) a segment's columns hold, each with how it ends:
    ``(row, kind)``, kind one of last, justified, squeezed (追い込み), hanging."""
    rows, start, indent = [], 0, first_indent
    while start < len(segment):
        end, kind = _next_break(segment, start, frame.chars - indent, frame)
        rows.append((segment[start:end], kind, indent))
        start, indent = end, 0.0
    return rows


def _next_break(segment: list, start: int, length: float, frame: Frame) -> tuple[int, str]:
    end = start + 1
    if natural(segment[start:end], frame) > length + EPSILON:
        raise TateError(f"「{''.join(u.text for u in segment[start].units)}」 is longer than "
                        f"a column of {frame.chars} characters")
    while end < len(segment) and natural(segment[start:end + 1], frame) <= length + EPSILON:
        end += 1
    if end == len(segment):
        return end, "last"
    if may_break(segment[end - 1], segment[end]):
        return end, "justified"
    return _kinsoku(segment, start, end, length, frame)


def _kinsoku(segment: list, start: int, end: int, length: float,
             frame: Frame) -> tuple[int, str]:
    """A break falls where kinsoku forbids it: hang (ぶら下げ) the stop, push the next
    characters in (追い込み) if the column can be squeezed enough, else push out (追い出し)."""
    after = next((k for k in range(end + 1, len(segment) + 1)
                  if k == len(segment) or may_break(segment[k - 1], segment[k])), len(segment))
    if frame.hang and after == end + 1 and segment[end].first in STOP_MARKS:
        return after, "hanging"
    row = segment[start:after]
    if natural(row, frame) - compressible(row, frame) <= length + EPSILON:
        return after, "squeezed"
    before = next((k for k in range(end - 1, start, -1)
                   if may_break(segment[k - 1], segment[k])), None)
    if before is None:
        return end, "justified"       # no break allowed anywhere: break where it must
    return before, "justified"


# Justification: each item's offset down its column

def offsets(row: list, kind: str, length: float, frame: Frame) -> tuple[list, float]:
    """Where each item of a row starts (em from the row's start), and where it ends."""
    gaps = [glue(a, b, frame) for a, b in zip(row, row[1:])]
    total = natural(row, frame)
    if kind == "squeezed" or (kind == "last" and total > length + EPSILON):
        gaps, total = _squeeze(row, gaps, total - length, frame)
    elif kind == "justified" and len(row) > 1:
        gaps = _spread(row, gaps, length - total)
        total = length
    elif kind == "hanging":
        hung = natural(row[:-1], frame)
        if len(row) > 2:
            gaps = _spread(row[:-1], gaps[:-1], length - hung) + [gaps[-1]]
    out, position = [], 0.0
    for item, gap in zip(row, gaps + [0.0]):
        out.append(position)
        position += item.length + gap
    return out, position


def _spread(row: list, gaps: list, extra: float) -> list:
    if extra <= EPSILON:
        return gaps
    open_ = [stretchable(a, b) for a, b in zip(row, row[1:])]
    count = sum(open_) or len(gaps)
    return [g + (extra / count if (o or not any(open_)) else 0.0) for g, o in zip(gaps, open_)]


def _squeeze(row: list, gaps: list, excess: float, frame: Frame) -> tuple[list, float]:
    """Take ``excess`` out of the row: all of the blank half of a 、。」 at its foot first
    (its ink then ends at the foot; what that takes too much is spread again), then
    the rest from the row's inner compressible space, in proportion."""
    room = [shrink(a, b, frame) for a, b in zip(row, row[1:])]
    excess -= shrink(row[-1], None, frame)
    if excess < -EPSILON:
        return _spread(row, gaps, -excess), natural(row, frame)
    ratio = min(1.0, excess / sum(room)) if sum(room) else 0.0
    return [g - r * ratio for g, r in zip(gaps, room)], natural(row, frame)


def compose(paragraphs: list, frame: Frame) -> list:
    """Every column of the paragraphs, in reading order."""
    out = []
    for number, paragraph in enumerate(paragraphs):
        for index, segment in enumerate(paragraph.segments):
            indent = frame.indent if index == 0 else 0.0
            for row, kind, lead in break_columns(segment, frame, indent):
                spots, end = offsets(row, kind, frame.chars - lead, frame)
                out.append(Column(row, [lead + s for s in spots], number, kind == "hanging",
                                  lead + end, kind in ("justified", "squeezed", "hanging")))
            if not segment:
                out.append(Column([], [], number))
    return out


# HTML

def frame_html(paragraphs: list, frame: Frame, classes: str = "", attrs: str = "") -> str:
    """The frame with every paragraph composed: what a layout puts on its page."""
    columns = compose(paragraphs, frame)
    body, index = [], 0
    for number, paragraph in enumerate(paragraphs):
        mine = [c for c in columns if c.paragraph == number]
        cells = "".join(_column_html(c, index + k, frame, paragraph.source)
                        for k, c in enumerate(mine))
        index += len(mine)
        source = f' data-src="{html.escape(paragraph.source)}"' if paragraph.source else ""
        body.append(f'<p class="tate-p"{source}>{cells}</p>')
    style = f"width:{_em(frame.width)};height:{_em(frame.height)}"
    grid = (f' data-tate="{frame.chars}x{frame.lines}x{frame.tiers} pitch {frame.pitch:g}'
            f' gap {frame.gap:g}"')
    return (f'<div class="frame tate no-typography {html.escape(classes)}" style="{style}"'
            f'{grid}{attrs}>{"".join(body)}</div>')


def _column_html(column: Column, index: int, frame: Frame, source: str = "") -> str:
    right, top = frame.place(index)
    # Columns past the frame's capacity stand below it, where the overset check finds
    # them: each of their cells names the paragraph (the check reads a cell's own element).
    named = f' data-src="{html.escape(source)}"' if source and index >= frame.capacity else ""
    cells = "".join(_item_html(item, offset) for item, offset in zip(column.items, column.offsets))
    if named:
        cells = cells.replace('<span class="', f'<span{named} class="').replace(
            '<a href=', f'<a{named} href=')
    return f'<span class="tate-col" style="right:{_em(right)};top:{_em(top)}">{cells}</span>'


def _item_html(item: Item, offset: float) -> str:
    base = sum(u.length for u in item.units)
    spare = item.length - base
    step = spare / len(item.units) if spare > EPSILON else 0.0
    out, position = [], offset + step / 2
    for unit in item.units:
        out.append(_unit_html(unit, position))
        position += unit.length + step
    if item.ruby:
        top = offset + (item.length - RUBY * len(item.ruby)) / 2
        kana = "".join(f"<span class=\"rk\">{html.escape(c)}</span>" for c in item.ruby)
        out.append(f'<span class="tr" style="top:{_em(top)}">{kana}</span>')
    return "".join(out)


def _unit_html(unit: Unit, top: float) -> str:
    classes = "tc" + (" b" if unit.strong else "")
    text = html.escape(unit.text)
    dots = f'<span class="td" style="top:{_em(top + 0.5)}"></span>' if unit.dots else ""
    if unit.kind == "tcy":
        if len(unit.text) <= 2:
            return f'<span class="{classes} tcy" style="top:{_em(top)}">{text}</span>{dots}'
        wide = 0.5 * len(unit.text)          # half-width figures, squeezed into one em
        return (f'<span class="{classes} tcy" style="top:{_em(top)};left:{_em(0.5 - wide / 2)};'
                f'width:{_em(wide)};transform:scale({1 / wide:.3f},1)">{text}</span>{dots}')
    if unit.kind == "rot":
        # Laid out as a line running left from the column's right edge, at the item's
        # top, and turned into the column about a point half its length in: its box
        # before the turn stays inside the frame, which the overset check measures.
        length, half = unit.length, _em(unit.length / 2)
        tag, link = ("a", f' href="{html.escape(unit.href)}"') if unit.href else ("span", "")
        return (f'<{tag}{link} class="{classes} rot" style="top:{_em(top)};left:{_em(1 - length)};'
                f'width:{_em(length)};transform-origin:{half} {half}">{text}</{tag}>{dots}')
    if unit.kind == "turn":
        stretch = f" scale({unit.stretch:.3f},1)" if unit.stretch != 1 else ""
        return (f'<span class="{classes} turn" style="top:{_em(top)};transform:rotate(90deg)'
                f'{stretch}">{text}</span>{dots}')
    if chars.blank_after(unit.text):
        # Drawn from a line of no height at the cell's middle: the glyph's blank lower
        # half may then stand past the column's foot (追い込み) without its box doing so.
        return f'<span class="{classes} half" style="top:{_em(top + 0.5)}">{text}</span>{dots}'
    return f'<span class="{classes}" style="top:{_em(top)}">{text}</span>{dots}'


def _em(value: float) -> str:
    return f"{round(value, 4):g}em"


# From a page definition's field

def paragraphs_of(texts: list, to_html, sources: list, metrics=None) -> list:
    """Paragraphs from the field's texts: ``to_html`` turns the inline markup into HTML."""
    out = []
    for text, source in zip(texts, sources):
        found = items(units(parse(str(to_html(text))), metrics=metrics))
        out.append(Paragraph(segments(found), source))
    return out


# The layouts' helper: tate(page, path, chars=…, lines=…)

OPTIONS = {"chars": int, "lines": int, "tiers": int, "gap": float, "pitch": float,
           "indent": float, "hang": bool, "grid": bool}


def make_frame(options: dict) -> Frame:
    """A Frame from a layout's keyword options, or TateError naming the bad one."""
    unknown = sorted(set(options) - set(OPTIONS) - {"class"})
    if unknown:
        raise TateError(f"tate(): unknown option '{unknown[0]}' (options: "
                        f"{', '.join(OPTIONS)}, class)")
    missing = [name for name in ("chars", "lines") if name not in options]
    if missing:
        raise TateError(f"tate(): give {' and '.join(missing)} (字詰め and 行数 of the frame)")
    values = {}
    for name, kind in OPTIONS.items():
        if name in options:
            value = options[name]
            if kind is bool and not isinstance(value, bool) or kind is not bool and (
                    isinstance(value, bool) or not isinstance(value, (int, float))):
                raise TateError(f"tate(): {name} must be {kind.__name__}, not {value!r}")
            values[name] = kind(value)
    frame = Frame(**values)
    if frame.chars < 2 or frame.lines < 1 or frame.tiers < 1 or frame.pitch < 1:
        raise TateError("tate(): chars ≥ 2, lines ≥ 1, tiers ≥ 1 and pitch ≥ 1 em")
    return frame


def field_html(page, path: tuple, to_html, metrics, **options) -> str:
    """A page definition's text field (a text, or a list of paragraphs) set vertically
    in a frame: each paragraph names its YAML line (data-src) for the overset check."""
    from ..diagnostics import PamphletError
    from ..source import field_name

    classes = options.pop("class", "")
    try:
        frame = make_frame(options)
    except TateError as error:
        raise PamphletError(page.source.diagnostic(
            path, str(error), "fix the tate() call in the layout")) from None
    value = _field(page.fields, path)
    texts = value if isinstance(value, list) else [value] if value else []
    paths = [path + (i,) for i in range(len(texts))] if isinstance(value, list) else [path]
    sources = [f"{page.source.path.name}:{page.source.where(p)[0]} {field_name(p)}"
               for p in paths]
    paragraphs = []
    for text, where, source in zip(texts, paths, sources):
        try:
            found = items(units(parse(str(to_html(text))), metrics=metrics))
            compose([Paragraph(segments(found))], frame)
        except TateError as error:
            raise PamphletError(page.source.diagnostic(
                where, f"{field_name(where)}: {error}", "break the word with a space, or "
                "mark it [[tcy:…]] to stand across the column")) from None
        paragraphs.append(Paragraph(segments(found), source))
    return frame_html(paragraphs, frame, classes)


def _field(fields, path: tuple):
    value = fields
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return None
    return value
