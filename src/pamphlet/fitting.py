"""Plan the MISSION spread's columns before WeasyPrint lays them out (layouts/mission).

Text cannot flow from frame to frame, and WeasyPrint balances columns by a
rough search, so the mission layout sets its columns itself from this plan:

- every paragraph is broken into lines as the typography pass will set it
  (`line_starts`: fixed-pitch Japanese in a known measure can be predicted to
  the character);
- two columns of a trial height are filled greedily (`_fill`): a heading keeps
  three lines with it, a paragraph breaks at a line end leaving two lines at
  least on either side, the rest continues at the head of the next column;
- the least height that holds a page's part is found by bisection (`_least`);
- every line boundary is tried as the page break, with each share of the
  photos, and the plan that leaves the least unplanned white wins (a break
  inside a section or a paragraph costs a little; a photo on the opener must
  earn its place).

Each column is a frame of the planned height, so the build's overset check
guards every estimate. All measures are mm and follow layouts/mission.css.
(This was the template's own Jinja code; in Python it costs a tenth.)
"""

import math
from dataclasses import dataclass, field

# ---- measures (keep in step with layouts/mission.css) ---------------------------------
LINE = 5.526          # body 8.8 pt x 1.78
HEAD_LINE = LINE      # section heading 11.5 pt on the body's line
HEAD_CPL = 21
HEAD_FIXED = LINE     # the label's line: a heading takes whole body lines
SECTION_GAP = LINE    # one blank line between sections: the columns keep one line grid
CAPTION_LINE = 3.44   # 6.5 pt x 1.5
PHOTO_GAP = 7         # white between the text and a photo row
FPO_MIN = 38
FPO_MAX = {0: 0, 1: 96, 2: 110, 3: 130}
SAFETY = 1.5          # added to every planned column height
MESSAGE_GAP = 8
CATCH_AIR = 16        # white the catch may take on page 1
PHOTO1_COST = 8       # the opener is full enough: a photo there must earn its place
BAND = 108            # the head band's foot
CATCH_TOP = BAND + 8
CATCH_LINE = 10.6     # 21 pt x 1.42
FOOT = 277            # 297 - bottom margin
MEASURE = 27.70       # 86 mm / 8.8 pt, in body ems
MESSAGE_MEASURE = 33  # the closing panel's body: 9 pt Gothic (reversed type) on the body's leading

# ---- characters -------------------------------------------------------------------------
HALF = ' 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ()[]^*.,:;-/%&+=!?\'"'
ALNUM = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
FULLP = '。．、，「」『』（）［］｛｝〔〕〈〉《》【】・：；？！～…‥―—〜'
HBP = '「」『』（）［］｛｝〔〕〈〉《》【】。．、，'
BLANK_AFTER = '」』）］｝〕〉》】。．、，'
BLANK_BEFORE = '「『（［｛〔〈《【'
NO_START = ('」』）］｝〕〉》】〙〗〟’”｠。．、，‐〜゠–？！・：；ヽヾゝゞ々〻ーぁぃぅぇぉっゃゅょゎゕゖ'
            'ァィゥェォッャュョヮヵヶ)]},.:;!?%')
NO_END = '「『（［｛〔〈《【〘〖〝‘“｟([{'
DIGITS = '0123456789'
MULT = '十百千万億兆'
UNIT_CHARS = '人年月日時分秒歳名件回円個本枚台倍割位号階期週点社国才度代組科課局所'
UNIT_WORDS = ('時間', '年間', '年度', '日間', '週間', '分間', 'か月', 'カ月', 'ヶ月', 'ヵ月', 'か国',
              'カ国', 'ヶ国', 'か所', 'カ所', 'ヶ所', '年目', '人目', '回目', '日目')


def units(text) -> float:
    """Width in ems: full-width characters 1, half-width ones 0.5."""
    text = text or ""
    return len(text) - 0.5 * sum(1 for ch in text if ch in HALF)


def nlines(text, cpl: float, indent: float = 0) -> int:
    return int(math.ceil((units(text) + indent) / cpl))


def head_lines(text) -> int:
    return sum(nlines(part, HEAD_CPL) for part in (text or "").split(" "))


def caption_height(items, width: float = 86) -> float:
    """Room for the longest caption of ``items`` under a photo ``width`` mm wide."""
    per_line = math.floor(width / 2.293)
    longest = max([0] + [nlines(_get(item, "caption"), per_line) for item in items])
    return 1.7 + longest * CAPTION_LINE


def line_starts(raw: str, indent: float) -> list[int]:
    """Where a body paragraph's lines start (raw indexes), and the raw length last.

    As the typography pass sets them in an 86 mm column: 1 em for full-width
    characters, 0.5 for half-width ones, a quarter em between Japanese and Latin
    or digits (和欧間), half an em out between adjacent punctuation (約物の詰め); no
    line starts with a closing bracket, a stop or a small kana, none ends with an
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
            if width > MEASURE + 0.000001:
                over = True
                break
            if i < n - 1:
                x, y = chars[i], chars[i + 1]
                if not (i in no_break or y in NO_START or x in NO_END
                        or (x in HALF and y in HALF and x != ' ' and y != ' ')
                        or (sup[i + 1] and not sup[i])):
                    last = i
                width += spacing[i]
            resume = i + 1
        if not over:
            done = True
        else:
            start = last + 1 if last >= 0 else resume
            starts.append(start)
    return [raw_index[s] if s < n else len(raw) for s in starts] + [len(raw)]


def _glyphs(raw: str):
    chars, widths, raw_index, sup, in_sup = [], [], [], [], False
    for index, ch in enumerate(raw):
        if ch == '^' and raw[index + 1:index + 2] == '(':
            in_sup = True
            continue
        chars.append(ch)
        raw_index.append(index)
        sup.append(in_sup)
        widths.append((0.5 if ch in HALF else 1.0) * (0.69 if in_sup else 1.0))
        if in_sup and ch == ')':
            in_sup = False
    return chars, widths, raw_index, sup


def _spacing(x: str, y: str) -> float:
    """Space after ``x`` before ``y``: 和欧間 +0.25 em, 約物の詰め -0.5 em."""
    x_ideographic = x not in HALF and x not in FULLP
    y_ideographic = bool(y) and y not in HALF and y not in FULLP
    value = 0.25 if ((x_ideographic and y and y in ALNUM) or (x in ALNUM and y_ideographic)) \
        else 0
    if y and x in HBP and y in HBP and (x in BLANK_AFTER or y in BLANK_BEFORE):
        value -= 0.5
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
            if chars[p] in MULT:
                kept.add(p - 1)
                p += 1
                continue
            if chars[p] in UNIT_CHARS:
                kept.add(p - 1)
            break
    return kept


# ---- the flow: paragraphs (units) and their lines -------------------------------------

@dataclass
class Unit:
    """One paragraph of the interview: section ``s``, paragraph ``p``, ``n`` lines."""

    s: int
    p: int
    head: float
    n: int
    starts: list
    text: str


@dataclass
class Fill:
    """Lines start..stop set into two columns of height ``h``."""

    ok: bool
    segs: list                  # (column, unit, first line, end line)
    tail_col: int = 1
    hole: float = 0.0           # white left in the columns
    h: float = 0.0


@dataclass
class MissionPlan:
    units: list
    page1: Fill
    page2: Fill
    page_break: int             # the flat line number page 2 starts with
    lines: int
    photos1: int                # photos on the opener
    cost: float
    card: float
    notes_h: float
    catch_h: float
    catch_top: float
    text1_top: float
    text1_h: float
    text2_h: float
    region1: float
    region2: float
    message_h: float
    measures: dict = field(default_factory=lambda: {
        "PHOTO_GAP": PHOTO_GAP, "MESSAGE_GAP": MESSAGE_GAP, "LINE": LINE,
        "CAPTION_LINE": CAPTION_LINE})

    def caption_height(self, items, width: float = 86) -> float:
        return caption_height(items, width)

    def summary(self) -> str:
        """The plan in one line, for a comment in the HTML."""
        return (f"page break before line {self.page_break} of {self.lines}, {self.photos1} "
                f"photo(s) on page 1, cost {round(self.cost, 1)}; holes "
                f"{round(self.page1.hole, 1)} / {round(self.page2.hole, 1)}; card "
                f"{round(self.card, 1)}; columns {round(self.text1_h, 1)} / "
                f"{round(self.text2_h, 1)} of {round(self.region1, 1)} / "
                f"{round(self.region2, 1)}; message {round(self.message_h, 1)}")


class _Flow:
    def __init__(self, sections):
        self.units, self.unit_of, self.first = [], [], []
        for si, section in enumerate(sections):
            for p, text in enumerate(_get(section, "body") or []):
                starts = line_starts(text, 0 if p == 0 else 1)
                head = (HEAD_FIXED + head_lines(_get(section, "heading")) * HEAD_LINE) \
                    if p == 0 else 0
                ui, lines = len(self.units), len(starts) - 1
                self.first.append(len(self.unit_of))
                self.unit_of += [ui] * lines
                self.units.append(Unit(si, p, head, lines, starts, text))

    def fill(self, h: float, start: int, stop: int, card: float, tail: float) -> Fill:
        """Lines start..stop into two columns of height ``h``, as WeasyPrint would set them
        (the card first in column 1 when ``card``, ``tail`` after the last line)."""
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
            gap = SECTION_GAP if (opens and unit.p == 0 and used > 0 and not fresh) else 0
            room = int(math.floor((h - used - gap - head) / LINE + 0.001))
            if b - a <= room:
                segs.append((col, ui, a, b))
                used += gap + head + (b - a) * LINE
                pos = self.first[ui] + b
                fresh = False
                continue
            k = min(room, b - a - 2)
            if k >= (3 if head else 2):
                segs.append((col, ui, a, a + k))
                used += gap + head + k * LINE
                pos += k
            elif used == 0:
                ok = False
            if col == 1:
                used1 = used
            col, used, fresh = col + 1, 0, False
            if col > 2:
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
            if col > 2 or tail > h + 0.01:
                ok = False
        hole = (h - used) if col == 1 else (h - used1) + (h - used)
        return Fill(ok, segs, col, hole)

    def least(self, start: int, stop: int, card: float, tail: float) -> Fill:
        """The least column height that holds start..stop (bisection on the height)."""
        total = card + tail + (stop - start) * LINE
        for ui in range(self.unit_of[start], self.unit_of[stop - 1] + 1):
            if self.first[ui] >= start:
                total += self.units[ui].head + SECTION_GAP
        low, high = max(total / 2 - 3 * LINE, 0), total + 1
        for _ in range(10):
            middle = (low + high) / 2
            if self.fill(middle, start, stop, card, tail).ok:
                high = middle
            else:
                low = middle
        result = self.fill(high, start, stop, card, tail)
        result.h = high
        return result


def plan_mission(fields: dict) -> MissionPlan:
    """Where the interview breaks between columns and pages, and how tall each column is."""
    flow = _Flow(fields["sections"])
    figures = fields.get("figures") or []
    photos = len(figures)
    card = _card_height(fields["person"])
    notes_h = (5.5 + sum(nlines(t, 37) for t in fields["notes"]) * 3.67) \
        if fields.get("notes") else 0
    catch_h = len(fields["catch"].split("\n")) * CATCH_LINE
    text1_top0 = CATCH_TOP + catch_h + 8
    region1 = FOOT - text1_top0
    message = fields["message"]
    message_lines = sum(nlines(t, MESSAGE_MEASURE, 0 if i == 0 else 1)
                        for i, t in enumerate(_get(message, "body") or []))
    message_h = 14 + max(message_lines * LINE, 6 + head_lines(_get(message, "heading")) * 7.2)
    region2 = FOOT - 18 - message_h - MESSAGE_GAP
    lines = len(flow.unit_of)

    best = (99999, 1, 0)
    for j in range(1, lines):
        unit = flow.units[flow.unit_of[j]]
        at = j - flow.first[flow.unit_of[j]]
        if not (at == 0 or (at >= 2 and unit.n - at >= 2)):
            continue
        page1, page2 = flow.least(0, j, card, 0), flow.least(j, lines, 0, notes_h)
        left1, left2 = region1 - (page1.h + SAFETY), region2 - (page2.h + SAFETY)
        split_cost = 0 if (at == 0 and unit.p == 0) else (3 if at == 0 else 6)
        for photos1 in range(0, min(photos, 1) + 1):
            cost = split_cost + max(0, page1.hole - 2 * LINE) + max(0, page2.hole - 2 * LINE)
            ok = page1.ok and page2.ok and left1 >= 0 and left2 >= 0
            if photos1:
                room1 = left1 - PHOTO_GAP - caption_height(figures[:photos1], 178)
                ok = ok and room1 >= FPO_MIN
                cost += PHOTO1_COST + max(0, room1 - FPO_MAX[photos1])
            else:
                cost += 0.3 * min(left1, CATCH_AIR) + max(0, left1 - CATCH_AIR)
            if photos - photos1 > 0:
                rest = figures[photos1:]
                room2 = left2 - PHOTO_GAP - caption_height(rest, 178 if len(rest) == 1 else 86)
                ok = ok and room2 >= FPO_MIN
                cost += max(0, room2 - FPO_MAX[photos - photos1])
            else:
                cost += left2
            if ok and cost < best[0]:
                best = (cost, j, photos1)

    cost, page_break, photos1 = best
    page1, page2 = flow.least(0, page_break, card, 0), flow.least(page_break, lines, 0, notes_h)
    text1_h, text2_h = page1.h + SAFETY, page2.h + SAFETY
    # Page 1 without photos: the columns end on the foot; the catch takes the white,
    # half above it and half below.
    air = 0 if photos1 else region1 - text1_h
    if photos - photos1 == 0:
        text2_h = region2
    return MissionPlan(flow.units, page1, page2, page_break, lines, photos1, cost, card,
                       notes_h, catch_h, CATCH_TOP + air / 2, text1_top0 + air, text1_h,
                       text2_h, region1, region2, message_h)


def _card_height(person: dict) -> float:
    """The person card: padding, the portrait row, the career table (6.8 pt x 1.55,
    23.5 a line); it takes whole body lines (with its 6 mm below), keeping the grid."""
    career = _get(person, "career") or []
    rows = sum(nlines(_get(row, "post"), 25) for row in career)
    content = 10 + 30 + 4 + ((5.8 + rows * 3.72 + len(career) * 0.5) if career else 0)
    return math.ceil((content + 6) / LINE) * LINE


def _get(mapping, key):
    return mapping.get(key) if isinstance(mapping, dict) else None
