"""Plan flowing text over fixed frames before WeasyPrint lays it out: lines, columns, pages.

Text cannot flow from frame to frame in WeasyPrint, and it balances columns by a
rough search, so a layout whose text runs over columns and pages (an article, an
interview over a spread) sets its columns itself from this plan:

- every paragraph is broken into lines as the typography pass will set it
  (`line_starts`: fixed-pitch Japanese in a known measure can be predicted to
  the character, with the pass's own character classes, typography/chars.py);
- the columns of a trial height are filled greedily (`Flow.fill`): a heading keeps
  three lines with it, a paragraph breaks at a line end leaving two lines at
  least on either side, the rest continues at the head of the next column;
- the least height that holds a page's part is found by bisection (`Flow.least`);
- for a spread (`plan_spread`), every line boundary is tried as the page break,
  with each share of the photos, and the plan that leaves the least unplanned
  white wins (a break inside a section or a paragraph costs a little; a photo on
  the first page must earn its place).

The layout gives every measure (`Measures`, `Region`, `Costs`, in mm and ems, as
its CSS sets them) and makes each column a frame of the planned height, so the
build's overset check guards every estimate.
"""

import math
import unicodedata
from dataclasses import dataclass, field

from .typography.chars import (DIGITS, MULTIPLIERS, NOT_AT_LINE_END, NOT_AT_LINE_START,
                               UNIT_WORDS, UNITS, is_half_blank_punctuation,
                               punctuation_kerning, wants_autospace)


@dataclass(frozen=True)
class Measures:
    """How a layout sets its flowing text (mm, and body ems for the measure)."""

    line: float                  # from one body line to the next
    measure: float               # a column's line, in body ems
    head_cpl: int = 21           # characters a section heading's line holds
    head_line: float = 0.0       # a heading line (default: the body's line)
    head_fixed: float = 0.0      # what a heading takes besides its lines (its label's line)
    section_gap: float = 0.0     # white between two sections in a column (default: a line)
    caption_line: float = 3.44   # a caption line under a photo
    caption_char: float = 2.293  # a caption character's advance
    columns: int = 2

    @classmethod
    def of(cls, values: dict) -> "Measures":
        measures = cls(**values)
        defaults = {"head_line": measures.line, "head_fixed": measures.line,
                    "section_gap": measures.line}
        return cls(**{**defaults, **values})


@dataclass(frozen=True)
class Region:
    """Where one page's columns go: ``height`` mm for the columns (and photos under them),
    ``card`` mm taken at the head of the first column, ``tail`` mm after the last line."""

    height: float
    card: float = 0.0
    tail: float = 0.0


@dataclass(frozen=True)
class Costs:
    """What the spread planner weighs, in mm of white."""

    safety: float = 1.5           # added to every planned column height
    photo_gap: float = 7.0        # between the columns and a photo row
    fpo_min: float = 38.0         # the least height a photo row may have
    fpo_max: dict = field(default_factory=lambda: {0: 0, 1: 96, 2: 110, 3: 130})
    first_photo: float = 8.0      # a photo on the first page must earn its place
    first_photos: int = 1         # at most this many photos there
    air: float = 16.0             # white the first page may give to its display copy
    wide: float = 178.0           # a full-width photo row (mm), its captions' measure
    narrow: float = 86.0          # a photo in a row of two


# ---- lines --------------------------------------------------------------------------

def is_half(char: str) -> bool:
    """Half-width in the fixed-pitch body fonts: ASCII and half-width forms."""
    return unicodedata.east_asian_width(char) in ("Na", "H")


def units(text) -> float:
    """Width in ems: full-width characters 1, half-width ones 0.5."""
    text = text or ""
    return len(text) - 0.5 * sum(1 for ch in text if is_half(ch))


def nlines(text, cpl: float, indent: float = 0) -> int:
    """Lines ``text`` takes at ``cpl`` ems a line (an estimate by width alone)."""
    return int(math.ceil((units(text) + indent) / cpl))


def head_lines(text, cpl: float) -> int:
    """Lines of a heading whose spaces are line breaks."""
    return sum(nlines(part, cpl) for part in (text or "").split(" "))


def caption_height(items, measures: Measures, width: float) -> float:
    """Room for the longest caption of ``items`` under a photo ``width`` mm wide."""
    per_line = math.floor(width / measures.caption_char)
    longest = max([0] + [nlines(_get(item, "caption"), per_line) for item in items])
    return 1.7 + longest * measures.caption_line


def line_starts(raw: str, indent: float, measure: float) -> list[int]:
    """Where a body paragraph's lines start (raw indexes), and the raw length last.

    As the typography pass sets them in a column ``measure`` ems wide: 1 em for
    full-width characters, 0.5 for half-width ones, a quarter em between Japanese
    and Latin or digits (和欧間), half an em out between adjacent punctuation (約物の詰め);
    no line starts with a closing bracket, a stop or a small kana, none ends with an
    opening bracket; numbers stay with their units; Latin words do not break; a
    superscript (^(注)) is set at 6 pt (0.69). Breaking is greedy, as Pango's.
    """
    chars, widths, raw_index, sup = _glyphs(raw)
    n = len(chars)
    spacing = [_spacing(chars[i], chars[i + 1] if i + 1 < n else "") for i in range(n)]
    no_break = _kept_with_units(chars)
    starts, start, done = [0], 0, n == 0
    for line in range(200):
        if done:
            break
        width, last, resume, over = (indent if line == 0 else 0), -1, start, False
        for i in range(start, n):
            width += widths[i]
            if width > measure + 0.000001:
                over = True
                break
            if i < n - 1 and _may_break(chars[i], chars[i + 1], i in no_break,
                                        sup[i + 1] and not sup[i]):
                last = i
            if i < n - 1:
                width += spacing[i]
            resume = i + 1
        if not over:
            done = True
        else:
            start = last + 1 if last >= 0 else resume
            starts.append(start)
    return [raw_index[s] if s < n else len(raw) for s in starts] + [len(raw)]


def _may_break(x: str, y: str, kept: bool, into_superscript: bool) -> bool:
    return not (kept or y in NOT_AT_LINE_START or x in NOT_AT_LINE_END or into_superscript
                or (is_half(x) and is_half(y) and x != " " and y != " "))


def _glyphs(raw: str):
    chars, widths, raw_index, sup, in_sup = [], [], [], [], False
    for index, ch in enumerate(raw):
        if ch == '^' and raw[index + 1:index + 2] == '(':
            in_sup = True
            continue
        chars.append(ch)
        raw_index.append(index)
        sup.append(in_sup)
        widths.append((0.5 if is_half(ch) else 1.0) * (0.69 if in_sup else 1.0))
        if in_sup and ch == ')':
            in_sup = False
    return chars, widths, raw_index, sup


def _spacing(x: str, y: str) -> float:
    """Space after ``x`` before ``y``: 和欧間 +0.25 em, 約物の詰め -0.5 em."""
    if not y:
        return 0.0
    value = 0.25 if wants_autospace(x, y) else 0.0
    if is_half_blank_punctuation(x) and is_half_blank_punctuation(y):
        value += punctuation_kerning(x, y)
    return value


def _kept_with_units(chars: list[str]) -> set[int]:
    """Indexes after which no line may break: a number keeps its unit (万人, 時間)."""
    n, kept = len(chars), set()
    for i in range(n):
        x, y = chars[i], chars[i + 1] if i + 1 < n else ''
        if not (x in DIGITS and y and y not in DIGITS and y not in ',.'):
            continue
        p = i + 1
        for _ in range(4):
            if p >= n:
                break
            two = chars[p] + (chars[p + 1] if p + 1 < n else '')
            if two in UNIT_WORDS:
                kept.update((p - 1, p))
                break
            if chars[p] in MULTIPLIERS:
                kept.add(p - 1)
                p += 1
                continue
            if chars[p] in UNITS:
                kept.add(p - 1)
            break
    return kept


# ---- the flow: paragraphs (units) and their lines -------------------------------------

@dataclass
class Unit:
    """One paragraph: section ``s``, paragraph ``p``, ``n`` lines starting at ``starts``."""

    s: int
    p: int
    head: float
    n: int
    starts: list
    text: str


@dataclass
class Fill:
    """Lines start..stop set into the columns at height ``h``."""

    ok: bool
    segs: list                  # (column, unit, first line, end line)
    tail_col: int = 1
    hole: float = 0.0           # white left in the columns
    h: float = 0.0


class Flow:
    """Sections ({heading, body: [paragraphs]}) as one run of lines."""

    def __init__(self, sections, measures: Measures):
        self.measures = measures
        self.units, self.unit_of, self.first = [], [], []
        for si, section in enumerate(sections):
            for p, text in enumerate(_get(section, "body") or []):
                starts = line_starts(text, 0 if p == 0 else 1, measures.measure)
                head = (measures.head_fixed + head_lines(_get(section, "heading"),
                                                         measures.head_cpl) * measures.head_line) \
                    if p == 0 else 0
                ui, lines = len(self.units), len(starts) - 1
                self.first.append(len(self.unit_of))
                self.unit_of += [ui] * lines
                self.units.append(Unit(si, p, head, lines, starts, text))

    @property
    def lines(self) -> int:
        return len(self.unit_of)

    def fill(self, h: float, start: int, stop: int, card: float, tail: float) -> Fill:
        """Lines start..stop into the columns at height ``h``, as WeasyPrint would set them
        (the card first in column 1 when ``card``, ``tail`` after the last line)."""
        line, columns = self.measures.line, self.measures.columns
        pos, col, used, fresh = start, 1, card, bool(card)
        ok, segs, used1 = (not card or card <= h), [], 0
        for _ in range(40):
            if not (ok and pos < stop):
                break
            ui = self.unit_of[pos]
            unit = self.units[ui]
            a, b = pos - self.first[ui], min(unit.n, stop - self.first[ui])
            opens = a == 0
            head = unit.head if opens else 0
            gap = self.measures.section_gap if (opens and unit.p == 0 and used > 0
                                                and not fresh) else 0
            room = int(math.floor((h - used - gap - head) / line + 0.001))
            if b - a <= room:
                segs.append((col, ui, a, b))
                used += gap + head + (b - a) * line
                pos = self.first[ui] + b
                fresh = False
                continue
            k = min(room, b - a - 2)
            if k >= (3 if head else 2):
                segs.append((col, ui, a, a + k))
                used += gap + head + k * line
                pos += k
            elif used == 0:
                ok = False
            if col == 1:
                used1 = used
            col, used, fresh = col + 1, 0, False
            if col > columns:
                ok = False
        if pos < stop:
            ok = False
        if ok and tail:
            if used + tail > h + 0.01:
                if col == 1:
                    used1 = used
                col, used = col + 1, tail
            else:
                used += tail
            if col > columns or tail > h + 0.01:
                ok = False
        hole = (h - used) if col == 1 else (h - used1) + (h - used)
        return Fill(ok, segs, col, hole)

    def least(self, start: int, stop: int, card: float, tail: float) -> Fill:
        """The least column height that holds start..stop (bisection on the height)."""
        line = self.measures.line
        total = card + tail + (stop - start) * line
        for ui in range(self.unit_of[start], self.unit_of[stop - 1] + 1):
            if self.first[ui] >= start:
                total += self.units[ui].head + self.measures.section_gap
        low, high = max(total / 2 - 3 * line, 0), total + 1
        for _ in range(10):
            middle = (low + high) / 2
            if self.fill(middle, start, stop, card, tail).ok:
                high = middle
            else:
                low = middle
        result = self.fill(high, start, stop, card, tail)
        result.h = high
        return result


# ---- a spread: where the text breaks between pages, and the photos ----------------------

NO_PLAN = 99999       # the cost of a spread no page break fits


@dataclass
class SpreadPlan:
    """Where a two-page text breaks between columns and pages, and how tall each is."""

    units: list
    page1: Fill
    page2: Fill
    page_break: int             # the flat line number page 2 starts with
    lines: int
    photos1: int                # photos on the first page
    cost: float
    text1_h: float              # the columns' heights, safety included
    text2_h: float
    air: float                  # white the first page has over (given to its display copy)
    measures: Measures
    costs: Costs

    def caption_height(self, items, width: float) -> float:
        return caption_height(items, self.measures, width)

    @property
    def fits(self) -> bool:
        """False when no page break fits the text (the layout's frames will be overset)."""
        return self.cost < NO_PLAN

    def summary(self) -> str:
        """The plan in one line, for a comment in the HTML."""
        return (f"page break before line {self.page_break} of {self.lines}, {self.photos1} "
                f"photo(s) on page 1, cost {round(self.cost, 1)}; holes "
                f"{round(self.page1.hole, 1)} / {round(self.page2.hole, 1)}; columns "
                f"{round(self.text1_h, 1)} / {round(self.text2_h, 1)}")


def plan_spread(sections, figures, first: Region, second: Region, measures: Measures,
                costs: Costs = Costs()) -> SpreadPlan:
    """Sections over the columns of two pages, ``figures`` as photo rows under them."""
    flow = Flow(sections, measures)
    best = (NO_PLAN, 1, 0)
    for j in _page_breaks(flow):
        page1 = flow.least(0, j, first.card, 0)
        page2 = flow.least(j, flow.lines, 0, second.tail)
        for photos1 in range(0, min(len(figures), costs.first_photos) + 1):
            cost = _cost(flow, j, page1, page2, photos1, figures, first, second, costs)
            if cost is not None and cost < best[0]:
                best = (cost, j, photos1)
    cost, page_break, photos1 = best
    page1 = flow.least(0, page_break, first.card, 0)
    page2 = flow.least(page_break, flow.lines, 0, second.tail)
    text1_h, text2_h = page1.h + costs.safety, page2.h + costs.safety
    # Without photos, the first page's columns end on the foot: its display copy takes
    # the white; the second page's columns take their whole region.
    air = 0 if photos1 else first.height - text1_h
    if len(figures) - photos1 == 0:
        text2_h = second.height
    return SpreadPlan(flow.units, page1, page2, page_break, flow.lines, photos1, cost,
                      text1_h, text2_h, air, measures, costs)


def _page_breaks(flow: Flow):
    """Line numbers a page may start with: a paragraph's first line, or one leaving two
    lines at least on either side."""
    for j in range(1, flow.lines):
        unit = flow.units[flow.unit_of[j]]
        at = j - flow.first[flow.unit_of[j]]
        if at == 0 or (at >= 2 and unit.n - at >= 2):
            yield j


def _cost(flow, j, page1, page2, photos1, figures, first, second, costs) -> float | None:
    """White left unplanned by breaking before line ``j`` with ``photos1`` photos first
    (None: the text or the photos do not fit)."""
    line = flow.measures.line
    unit = flow.units[flow.unit_of[j]]
    at = j - flow.first[flow.unit_of[j]]
    left1, left2 = first.height - (page1.h + costs.safety), second.height - (page2.h + costs.safety)
    cost = 0 if (at == 0 and unit.p == 0) else (3 if at == 0 else 6)
    cost += max(0, page1.hole - 2 * line) + max(0, page2.hole - 2 * line)
    ok = page1.ok and page2.ok and left1 >= 0 and left2 >= 0
    if photos1:
        room1 = left1 - costs.photo_gap - caption_height(figures[:photos1], flow.measures,
                                                         costs.wide)
        ok = ok and room1 >= costs.fpo_min
        cost += costs.first_photo + max(0, room1 - costs.fpo_max[photos1])
    else:
        cost += 0.3 * min(left1, costs.air) + max(0, left1 - costs.air)
    rest = figures[photos1:]
    if rest:
        width = costs.wide if len(rest) == 1 else costs.narrow
        room2 = left2 - costs.photo_gap - caption_height(rest, flow.measures, width)
        ok = ok and room2 >= costs.fpo_min
        cost += max(0, room2 - costs.fpo_max[len(rest)])
    else:
        cost += left2
    return cost if ok else None


def plan(sections, figures=(), *, first: dict, second: dict, measures: dict,
         costs: dict | None = None) -> SpreadPlan:
    """The template helper ``plan_spread(…)``: the same, with mappings for the measures."""
    return plan_spread(list(sections), list(figures or []), Region(**first), Region(**second),
                       Measures.of(measures), Costs(**(costs or {})))


def _get(mapping, key):
    return mapping.get(key) if isinstance(mapping, dict) else None
