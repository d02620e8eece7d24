"""Read vertical text (縦組み) back from the PDF and check it to JLREQ: kinsoku at column
ends, justified columns at the frame's foot, punctuation in its vertical position and form,
numbers of two or three digits upright across the column (縦中横).

Vertical text is found by its geometry alone, as any reader sees it: cells of one size
stacked down a common centre line, with no character beside them on the same row (a
縦中横 pair or a turned word counts as one cell). Columns of one size and pitch side by
side make a block; a column that starts lower than the block's head begins a paragraph.
"""

import math
from dataclasses import dataclass, field

from ..typography import chars

PX = 0.75            # WeasyPrint draws in CSS px
EDGE = 0.5           # pt: a justified column ends this close to the foot
WRAP = 2.0           # em: a column this short of the foot is a wrapped one (else a <br>)
BRACKETS = chars.OPENING | chars.CLOSING


@dataclass
class Cell:
    """One place down a column: a glyph, a 縦中横 group or a turned word."""
    text: str
    left: float
    right: float
    bottom: float
    top: float
    size: float
    ink: tuple = ()          # tight box (left, right, bottom, top) of a single glyph
    kind: str = "char"       # char, tcy, turned
    keys: tuple = ()         # its glyphs, as the horizontal checker names them

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


@dataclass
class Column:
    cells: list = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.cells)

    @property
    def top(self) -> float:
        return self.cells[0].top

    @property
    def bottom(self) -> float:
        return self.cells[-1].bottom

    @property
    def centre(self) -> float:
        return self.cells[0].centre

    @property
    def size(self) -> float:
        return self.cells[0].size


@dataclass
class Block:
    columns: list
    page: int

    @property
    def head(self) -> float:
        return max(c.top for c in self.columns)

    @property
    def foot(self) -> float:
        """The columns' common foot: where most full columns end."""
        ends = [round(c.bottom * 2) / 2 for c in self.columns
                if not chars.blank_after(c.cells[-1].text[-1])]
        ends = ends or [round(c.bottom * 2) / 2 for c in self.columns]
        return max(sorted(set(ends)), key=lambda e: (ends.count(e), -e))

    @property
    def size(self) -> float:
        return self.columns[0].size

    def starts(self, index: int) -> bool:
        """Column ``index`` begins a paragraph (it is indented from the head)."""
        return self.head - self.columns[index].top >= 0.5 * self.size


# Reading

def read_glyphs(read: list) -> list[Cell]:
    """Every glyph drawn at WeasyPrint's scale, upright or turned, as a one-glyph cell,
    of a page's characters (`pdftext.characters`)."""
    found = []
    for glyph in read:
        char = glyph.char
        if glyph.generated or char.isspace() or char in chars.INVISIBLE or char == "\x00" \
                or glyph.matrix is None:
            continue
        _, b, c, d = glyph.matrix
        scale = math.hypot(c, d)      # the glyphs' height: 縦中横 is squeezed across
        if abs(scale - PX) > 0.01:
            continue
        size = round(glyph.font_size * scale, 2)
        left, bottom, right, top = glyph.loose
        ink_left, ink_bottom, ink_right, ink_top = glyph.box
        found.append(Cell(char, left, right, bottom, top, size,
                          (ink_left, ink_right, ink_bottom, ink_top),
                          "turned" if abs(b) > 0.01 or abs(c) > 0.01 else "char",
                          (glyph_key(char, left, right, size),)))
    return found


PAIRS = dict(zip("「『（［｛〔〈《【〘〖〝‘“｟", "」』）］｝〕〉》】〙〗〟’”｠"))
MIRROR = {**PAIRS, **{closing: opening for opening, closing in PAIRS.items()}}


def _unmirrored(cell: Cell) -> Cell:
    """A PDF that says /Direction /R2L has pdfium read columns as right-to-left text and
    mirror brackets (「 for 」, even in the text object); a bracket's vertical form says
    which it is: an opening one inks the lower half of its cell, a closing one the upper."""
    if cell.text not in MIRROR or not cell.ink:
        return cell
    left, right, bottom, top = cell.ink
    if right - left < top - bottom:
        return cell                       # not a vertical form: nothing to tell by
    opening = (bottom + top) / 2 < (cell.top + cell.bottom) / 2
    if opening != (cell.text in PAIRS):
        cell.text = MIRROR[cell.text]
    return cell


def read_columns(glyphs: list[Cell]) -> list[Column]:
    """The vertical columns among a page's glyphs, each read top to bottom."""
    cells = [_unmirrored(c) for c in _stand_alone(_joined(glyphs))]
    groups: dict = {}
    for cell in cells:
        key = (cell.size, round(cell.centre / (0.2 * cell.size)))
        groups.setdefault(key, []).append(cell)
    columns = []
    for members in groups.values():
        members.sort(key=lambda c: -c.top)
        current = Column([members[0]])
        for cell in members[1:]:
            if current.cells[-1].bottom - cell.top <= 0.9 * cell.size:   # 段間 is wider
                current.cells.append(cell)
            else:
                columns.append(current)
                current = Column([cell])
        columns.append(current)
    return [c for c in columns if len(c.cells) >= 2 or c.cells[0].kind != "char"]


def _joined(glyphs: list[Cell]) -> list[Cell]:
    """The glyphs of one turned word, and half-width glyphs side by side in one em
    (縦中横), as single cells; found by position (pdfium's order is its own)."""
    turned = [g for g in glyphs if g.kind == "turned"]
    narrow = [g for g in glyphs if g.kind == "char" and _narrow(g)]
    rest = [g for g in glyphs if g.kind == "char" and not _narrow(g)]
    words = _merge(turned, lambda g: (g.size, round(g.centre / (0.2 * g.size))),
                   lambda g: -g.top, lambda a, b: a.bottom - b.top <= 0.1 * b.size, "turned")
    pairs = _merge(narrow, lambda g: (g.size, round(g.bottom, 1)), lambda g: g.left,
                   lambda a, b: abs(b.left - a.right) < 0.05 * b.size and
                   b.right - a.left <= 1.05 * b.size, "tcy")
    return rest + words + pairs


def _merge(glyphs: list[Cell], bucket, order, touches, kind: str) -> list[Cell]:
    groups: dict = {}
    for glyph in glyphs:
        groups.setdefault(bucket(glyph), []).append(glyph)
    out = []
    for members in groups.values():
        members.sort(key=order)
        current = members[0]
        for glyph in members[1:]:
            if touches(current, glyph):
                current = _union(current, glyph, kind)
            else:
                out.append(current)
                current = glyph
        out.append(current)
    return out


def _narrow(cell: Cell) -> bool:
    return cell.right - cell.left <= 0.75 * cell.size


def _union(a: Cell, b: Cell, kind: str) -> Cell:
    return Cell(a.text + b.text, min(a.left, b.left), max(a.right, b.right),
                min(a.bottom, b.bottom), max(a.top, b.top), a.size, (), kind, a.keys + b.keys)


def glyph_key(char: str, left: float, right: float, size: float) -> tuple:
    """What names a glyph in both checkers' readings of a page."""
    return char, round(left, 1), round(right, 1), size


def _stand_alone(cells: list[Cell]) -> list[Cell]:
    """Cells with no cell of their size beside them on their row: not horizontal text."""
    rows: dict = {}
    for cell in cells:
        rows.setdefault((cell.size, round(cell.bottom, 1)), []).append(cell)
    alone = []
    for row in rows.values():
        row.sort(key=lambda c: c.left)
        for index, cell in enumerate(row):
            neighbours = row[max(index - 1, 0):index] + row[index + 1:index + 2]
            if all(abs(n.left - cell.right) > 0.35 * cell.size and
                   abs(cell.left - n.right) > 0.35 * cell.size for n in neighbours):
                alone.append(cell)
    return alone


def read_blocks(columns: list[Column], page: int) -> list[Block]:
    """Columns of one size side by side, right to left, in one band: blocks of text."""
    blocks: list[Block] = []
    for column in sorted(columns, key=lambda c: -c.centre):
        block = next((b for b in blocks if _joins(b, column)), None)
        if block is None:
            blocks.append(Block([column], page))
        else:
            block.columns.append(column)
    for block in blocks:
        block.columns.sort(key=lambda c: -c.centre)
    return [b for b in blocks if len(b.columns) >= 2 and max(len(c.cells) for c in b.columns) >= 4]


def _joins(block: Block, column: Column) -> bool:
    size = block.size
    if abs(column.size - size) > 0.05 * size:
        return False
    if abs(column.top - block.head) > 3 * size:
        return False
    nearest = min(abs(c.centre - column.centre) for c in block.columns)
    return 1.0 * size <= nearest <= 3.0 * size


# Rules

def check_page(page: int, read: list) -> tuple[list, dict, set]:
    """Violations (rule, page, column number, text, message), figures, and the glyphs'
    indexes of vertical text, for the horizontal checker to leave alone, of a page's
    characters (`pdftext.characters`)."""
    glyphs = read_glyphs(read)
    columns = read_columns(glyphs)
    blocks = read_blocks(columns, page)
    found, figures = [], {"vertical_columns": 0, "vertical_justified": 0,
                          "vertical_at_foot": 0, "tcy": 0}
    for block in blocks:
        found += check_block(block, figures)
    stacked = [c for b in blocks for c in b.columns] + [c for c in columns if _solid(c)]
    vertical = {key for c in stacked for cell in c.cells for key in cell.keys}
    return found, figures, vertical


def _solid(column: Column) -> bool:
    """Cells set solid, one under the other (ruby, display copy): never horizontal lines."""
    return len(column.cells) >= 2 and all(
        a.bottom - b.top <= 0.35 * a.size for a, b in zip(column.cells, column.cells[1:]))


def check_block(block: Block, figures: dict) -> list:
    found = []
    figures["vertical_columns"] += len(block.columns)
    # Display copy broken by hand (.tategaki) has no common foot: only where two columns
    # or more end together is the block justified.
    justified = sum(abs(c.bottom - block.foot) <= EDGE for c in block.columns) >= 2
    for index, column in enumerate(block.columns):
        follows = index + 1 < len(block.columns) and not block.starts(index + 1) and \
            block.columns[index + 1].top >= block.head - 0.5 * block.size
        found += _kinsoku(block, index, follows)
        if follows and justified:
            found += _justified(block, column, index, figures)
        found += _punctuation(block, column, index)
        found += _tcy(block, column, index, figures)
    return found


def _where(block: Block, index: int) -> tuple:
    return block.page, index + 1, block.columns[index].text[:40]


def _kinsoku(block: Block, index: int, follows: bool) -> list:
    column, found = block.columns[index], []
    if follows:
        after = block.columns[index + 1].cells[0].text[0]
        if after in chars.NOT_AT_LINE_START:
            found.append(("kinsoku", *_where(block, index + 1), f"column begins with 「{after}」"))
        end = column.cells[-1].text[-1]
        if end in chars.NOT_AT_LINE_END:
            found.append(("kinsoku", *_where(block, index), f"column ends with 「{end}」"))
        following = block.columns[index + 1].text     # the horizontal rule, to the letter
        if chars.splits_number(column.text, following):
            found.append(("number", *_where(block, index),
                          f"「{column.text[-6:]}｜{following[:4]}」 splits a number"))
    return found


def _justified(block: Block, column: Column, index: int, figures: dict) -> list:
    size, last = block.size, column.cells[-1]
    ends = [last.bottom]
    if chars.blank_after(last.text[-1]):
        ends.append(last.top - 0.5 * size)          # its blank half taken (追い込み)
    if last.text[-1] in "、。，．":
        ends.append(last.top)                       # hanging below the foot (ぶら下げ)
    short = min(abs(e - block.foot) for e in ends)
    if column.bottom - block.foot > WRAP * size:
        return []                                  # ended by a line break
    figures["vertical_justified"] += 1
    if short <= EDGE:
        figures["vertical_at_foot"] += 1
        return []
    return [("vertical-justify", *_where(block, index),
             f"ends {short:.1f} pt off the foot of the column")]


def _punctuation(block: Block, column: Column, index: int) -> list:
    """、。 in the top right quarter of their cell; brackets turned (wider than tall),
    ー and 〜 turned (taller than wide): the vertical forms."""
    found = []
    for cell in column.cells:
        if cell.kind != "char" or not cell.ink:
            continue
        left, right, bottom, top = cell.ink
        middle_x, middle_y = cell.centre, (cell.top + cell.bottom) / 2
        char = cell.text
        if char in "、。，．" and not ((left + right) / 2 > middle_x and (bottom + top) / 2 > middle_y):
            found.append(("vertical-form", *_where(block, index),
                          f"「{char}」 is not in the top right of its cell"))
        elif char in BRACKETS and right - left < top - bottom:
            found.append(("vertical-form", *_where(block, index), f"「{char}」 is not turned"))
        elif char in "ー〜" and right - left > top - bottom:
            found.append(("vertical-form", *_where(block, index), f"「{char}」 is not turned"))
    return found


def _tcy(block: Block, column: Column, index: int, figures: dict) -> list:
    """A number of two or three digits stands upright across the column (縦中横)."""
    found, run = [], []
    for cell in column.cells + [None]:
        if cell is not None and cell.kind == "char" and cell.text.isdigit():
            run.append(cell)
            continue
        if 2 <= len(run) <= 3:
            found.append(("tcy", *_where(block, index),
                          f"「{''.join(c.text for c in run)}」 stacked digit by digit, not 縦中横"))
        run = []
        if cell is not None and cell.kind == "turned" and cell.text.isdigit() and \
                2 <= len(cell.text) <= 3:
            found.append(("tcy", *_where(block, index), f"「{cell.text}」 turned, not 縦中横"))
        if cell is not None and cell.kind == "tcy":
            figures["tcy"] += 1
    return found


# For checks/typography.py: the rules' titles and hints, and the figures' line

RULES = {
    "vertical-justify": ("vertical column off the foot (縦組み)",
                         "a column that wraps ends at the frame's foot: was the text set by "
                         "tate() (typography/tate.py)?"),
    "vertical-form": ("punctuation not in its vertical form (縦組み)",
                      "、。 sit at the top right of their cell, brackets and ー turn: the font's "
                      "vert feature (typography.css .tate) was not applied"),
    "tcy": ("number not upright across the column (縦中横)",
            "numbers of two or three digits stand across the column: mark one [[tcy:…]]"),
}


def summary(figures: dict) -> str:
    return (f"vertical columns at the foot (縦組み): {figures.get('vertical_at_foot', 0)}/"
            f"{figures.get('vertical_justified', 0)} of {figures.get('vertical_columns', 0)} "
            f"columns; 縦中横: {figures.get('tcy', 0)}")


# For the screen checker's reading order (checks/screen/content.py): boxes (left, bottom,
# right, top) of a block's text objects in structure order

def stacked(boxes: list) -> bool:
    """The boxes run down columns (vertical text): each about a character's size, most
    following the one before on its centre line, below it."""
    pairs = list(zip(boxes, boxes[1:]))
    widths = sorted(b[2] - b[0] for b in boxes)
    heights = sorted(b[3] - b[1] for b in boxes)
    if not pairs or widths[len(widths) // 2] > 1.6 * heights[len(heights) // 2]:
        return False                      # lines of horizontal text: each far wider than tall
    down = sum(abs((a[0] + a[2]) - (b[0] + b[2])) / 2 < 0.3 * (a[3] - a[1]) and b[3] <= a[3]
               for a, b in pairs)
    return bool(pairs) and down >= 0.5 * len(pairs)


def goes_back(before: tuple, after: tuple, slack: float = 0.5) -> bool:
    """In vertical text, ``after`` stands in a column right of ``before``'s, not below
    it (the next 段 stands below and to the right). Boxes may be ink boxes: centres."""
    size = max(before[2] - before[0], before[3] - before[1], 1.0)
    right = (after[0] + after[2]) / 2 - (before[0] + before[2]) / 2 > slack * size
    return right and (after[1] + after[3]) / 2 > before[1]
