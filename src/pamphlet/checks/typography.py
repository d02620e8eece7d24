"""Check Japanese typesetting (JLREQ) from the PDF alone: kinsoku, justified edges, 和欧間,
lonely last lines (泣き別れ) and headlines broken inside a phrase.

The PDF's characters are read with their advance boxes (pdfium's loose boxes),
put into lines (one baseline, one size, left to right) and lines into blocks
(one size, one pitch, one left edge). Text in pictures (SVG) and transformed
text are left out; a block of one- or two-character lines is vertical setting.
"""

from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..typography import chars, phrases
from .findings import NOTHING_READ, Finding, diagnostics, errors

PX = 0.75              # WeasyPrint draws HTML text in CSS px: 0.75 pt each
EDGE = 0.5             # pt: a justified line ends this close to the column edge
AUTOSPACE = 0.2        # em: least 和欧間 accepted (a quarter em, less rounding)
DISPLAY = 11.0         # pt: text this large is a headline or display copy
WRAP = 1.5             # em: a line this short of the edge may be a wrapped one


@dataclass(frozen=True)
class Rule:
    name: str
    title: str
    hint: str


RULES = {rule.name: rule for rule in (
    Rule("kinsoku", "kinsoku (禁則)",
         "a line may not begin with 、。」）ー or a small kana, nor end with 「（; "
         "is the text in a box that does not break lines the Japanese way?"),
    Rule("number", "number split from its unit",
         "keep numbers with their separators and units (6,499人, 1.2億人) on one line"),
    Rule("justify", "justified line off the column edge",
         "the line could not be justified between characters: look for an unbreakable "
         "run (a long Latin word, a nowrap span) or an inline box in it"),
    Rule("autospace", "missing 和欧間",
         "Japanese next to Latin letters or digits takes a quarter em (text-autospace): "
         "is the text outside the typography pass (SVG, a skipped element)?"),
    Rule("last-line", "lonely last line (泣き別れ)",
         "a paragraph's last line has one or two characters: shorten or lengthen the "
         "paragraph, or let the layout give it another width"),
    Rule("phrase", "headline broken inside a phrase",
         "headlines break between phrases (文節): check the line break in the page "
         "definition, or give the headline room"),
)}


@dataclass
class Glyph:
    char: str
    left: float
    right: float
    baseline: float
    size: float


@dataclass
class Line:
    page: int
    number: int = 0
    glyphs: list = field(default_factory=list)

    @property
    def visible(self) -> list:
        return [g for g in self.glyphs if not g.char.isspace()]

    @property
    def text(self) -> str:
        return "".join(g.char for g in self.glyphs).strip()

    @property
    def left(self) -> float:
        return self.visible[0].left

    @property
    def right(self) -> float:
        return self.visible[-1].right

    @property
    def baseline(self) -> float:
        return self.glyphs[0].baseline

    @property
    def size(self) -> float:
        return self.glyphs[0].size


@dataclass
class Block:
    """Lines of one size and pitch under one another; ``starts`` marks paragraph starts."""
    lines: list
    starts: list = field(default_factory=list)
    aligned: str = "left"          # left, centre, right: how its lines line up

    @property
    def left(self) -> float:
        return min(line.left for line in self.lines)

    @property
    def edge(self) -> float:
        return max(line.right for line in self.lines)

    @property
    def size(self) -> float:
        return self.lines[0].size

    @property
    def vertical(self) -> bool:
        return len(self.lines) >= 3 and all(len(line.visible) <= 2 for line in self.lines)

    def continues(self, index: int) -> bool:
        """Line ``index`` is followed by a line of the same paragraph."""
        return index + 1 < len(self.lines) and not self.starts[index + 1]


@dataclass
class Violation:
    rule: str
    page: int
    line: int
    text: str
    message: str


@dataclass
class Report:
    pdf: str
    pages: int
    violations: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    unread: list = field(default_factory=list)     # Findings: text the check could not read

    @property
    def ok(self) -> bool:
        return not self.violations and not errors(self.unread)

    @property
    def findings(self) -> list[Finding]:
        """What could not be read, then one finding per violation: its line, text and rule."""
        return self.unread + [Finding(v.rule, "error", v.page,
                                      f"line {v.line} 「{v.text}」: {RULES[v.rule].title}: "
                                      f"{v.message}", RULES[v.rule].hint)
                              for v in self.violations]

    def as_dict(self) -> dict:
        return {"pdf": self.pdf, "pages": self.pages, "ok": self.ok, "figures": self.figures,
                "violations": [asdict(v) for v in self.violations],
                "unread": [asdict(f) for f in self.unread]}

    def diagnostics(self) -> list:
        return diagnostics(self.findings, Path(self.pdf))

    def summary(self) -> str:
        """The figures and the count per rule, one line each, for a person."""
        f = self.figures
        lines = [
            "justified lines at the column edge: "
            + _share(f["justified_at_edge"], f["justified_lines"]),
            "wrapped lines at the column edge: " + _share(f["wrapped_at_edge"], f["wrapped_lines"]),
            "Japanese/Latin pairs spaced (和欧間): "
            + _share(f["autospace_spaced"], f["autospace_pairs"]),
        ]
        if f.get("vertical", {}).get("vertical_columns"):
            from .vertical import summary
            lines.append(summary(f["vertical"]))
        lines += [f"{RULES[name].title}: {count}" for name, count in f["violations"].items()]
        verdict = "all rules kept" if self.ok else f"{len(self.violations)} violations"
        lines.append(f"{self.pages} pages: {verdict}")
        return "\n".join(lines)


# Reading

def read_lines(path: Path, vertical: list | None = None) -> tuple[int, list[list[Line]]]:
    """The lines of each page, in the order the PDF draws them; with ``vertical`` (a
    list), vertical text is checked apart (checks/vertical.py), its results appended."""
    from .pdftext import open_pdf

    with open_pdf(path) as document:
        count = len(document)
    read = _read_pages(path, list(range(1, count + 1)), vertical)
    return count, [lines for lines, _ in read.values()]


def _read_pages(path: Path, numbers: list[int], vertical: list | None) -> dict:
    """{number: (its lines, how many characters print)} of the pages ``numbers`` names."""
    from .pdftext import characters, open_pdf, text_pages

    read = {}
    with open_pdf(path) as document:
        for number, _, textpage in text_pages(document, numbers):
            read_here = characters(textpage)
            glyphs, count = _glyphs(read_here)
            if vertical is not None:
                glyphs = _horizontal(number, read_here, glyphs, vertical)
            read[number] = (_lines(number, glyphs), count)
    return read


def _horizontal(page: int, read: list, glyphs: list, found: list) -> list:
    """The glyphs that are not vertical text; vertical text's findings go to ``found``."""
    from . import vertical
    violations, figures, keys = vertical.check_page(page, read)
    found.append((violations, figures))
    return [g for g in glyphs if vertical.glyph_key(g.char, g.left, g.right, g.size) not in keys]


def _glyphs(read: list) -> tuple[list[Glyph], int]:
    """The glyphs WeasyPrint set (CSS px, upright), and how many characters print at all,
    of a page's characters (`pdftext.characters`)."""
    found, printed = [], 0
    for char in read:
        if char.generated or char.char in "\r\n\x00" or char.char in chars.INVISIBLE:
            continue
        printed += not char.char.isspace()
        if char.matrix is None or abs(char.scale - PX) > 0.01 or char.matrix[1] \
                or char.matrix[2]:
            continue          # text in a picture, or rotated: not set by the line layout
        found.append(Glyph(char.char, char.loose[0], char.loose[2], char.origin[1],
                           round(char.font_size * char.scale, 2)))
    return found, printed


def _lines(page: int, glyphs: list[Glyph]) -> list[Line]:
    """Join glyphs into lines; a line interrupted by smaller text (a superscript, ruby) goes on."""
    lines: list[Line] = []
    for glyph in glyphs:
        line = _line_for(lines, glyph)
        if line is None:
            line = Line(page)
            lines.append(line)
        line.glyphs.append(glyph)
    lines = [line for line in lines if line.visible]
    for number, line in enumerate(lines, start=1):
        line.number = number
    return lines


def _line_for(lines: list[Line], glyph: Glyph):
    """The line ``glyph`` continues: the last one, or one interrupted by smaller text
    (a superscript, ruby) that stands over the line."""
    if lines and _continues(lines[-1], glyph, 1.5):
        return lines[-1]
    for back in range(2, min(6, len(lines)) + 1):
        line, between = lines[-back], lines[-back + 1:]
        if _continues(line, glyph, 4.0) and all(
                other.size < 0.9 * glyph.size and line.left - glyph.size <= g.left
                and g.right <= glyph.left + glyph.size
                for other in between for g in other.glyphs):
            return line
    return None


def _continues(line: Line, glyph: Glyph, gap: float) -> bool:
    last = line.glyphs[-1]
    size = glyph.size
    return (abs(last.size - size) <= 0.05 * size
            and abs(last.baseline - glyph.baseline) <= 0.15 * size
            and glyph.left >= last.right - 0.55 * size and glyph.left - last.right <= gap * size)


# Blocks

def blocks(lines: list[Line]) -> list[Block]:
    """Group a page's lines into blocks of running text (or stacked display lines)."""
    found: list[Block] = []
    for line in lines:
        block = _block_for(found, line)
        if block is not None:
            block.lines.append(line)
            block.starts.append(_indented(block, line))
        else:
            found.append(Block([line], [True], "left"))
    for block in found:
        block.aligned = _alignment(block)
    return found


def _block_for(found: list[Block], line: Line):
    """The block ``line`` goes on: the last one, or one interrupted only by smaller
    lines (the ruby over its last line)."""
    for back in range(1, min(5, len(found)) + 1):
        block = found[-back]
        if _joins(block, line):
            return block
        if block.size >= 0.9 * line.size:
            return None
    return None


def _joins(block: Block, line: Line) -> bool:
    last, size = block.lines[-1], block.size
    pitch = last.baseline - line.baseline
    if abs(line.size - size) > 0.05 * size or not 0.95 * size <= pitch <= 2.6 * size:
        return False
    if len(block.lines) > 1:
        first_pitch = block.lines[0].baseline - block.lines[1].baseline
        if abs(pitch - first_pitch) > 0.15 * size:
            return False
    overlap = min(block.edge, line.right) - max(block.left, line.left)
    if overlap <= 0:
        return False
    offset = line.left - block.left
    centred = abs((line.left + line.right) - (last.left + last.right)) <= 2
    return abs(offset) <= EDGE or 0.5 * size <= abs(offset) <= 1.6 * size or centred \
        or abs(line.right - last.right) <= EDGE


def _indented(block: Block, line: Line) -> bool:
    return line.left - block.lines[0].left >= 0.5 * block.size or \
        line.left - min(l.left for l in block.lines) >= 0.5 * block.size


def _alignment(block: Block) -> str:
    lefts = {round(line.left, 0) for line in block.lines}
    if len(block.lines) == 1 or len(lefts) <= 2:
        return "left"
    if all(abs(line.right - block.lines[0].right) <= EDGE for line in block.lines):
        return "right"
    return "centre"


# Rules

def check_typography(path: Path, memo=None) -> Report:
    """Read ``path`` and check every rule on every page; ``memo`` (a `memo.PageMemo`)
    keeps each page's findings, so that the next check reads only the pages changed.

    Only text WeasyPrint set (CSS px, upright) is read; a PDF with printed
    characters but none of those is an error, not a pass.
    """
    from . import vertical
    from .memo import PageMemo
    from .pdftext import ensure_readable

    ensure_readable(Path(path))

    RULES.update({name: Rule(name, *words) for name, words in vertical.RULES.items()})
    pages = (memo or PageMemo()).pages(path, "typography", lambda numbers: _check_pages(path, numbers))
    report = Report(str(path), len(pages))
    printed = sum(page.printed for page in pages)
    if printed and not any(page.read for page in pages):
        report.unread.append(Finding(
            NOTHING_READ, "error", None,
            f"none of the {printed} characters printed is text the check can read",
            "check-typography reads text laid out by pamphlet's build (WeasyPrint, CSS px, "
            "upright); text drawn otherwise (another program, scaled, rotated, in pictures) "
            "is not checked: check this PDF's typesetting by eye"))
    tally = Tally()
    for page in pages:
        report.violations += page.violations
        tally.add(page.tally)
    report.violations.sort(key=lambda v: (v.page, v.line, v.rule))
    report.figures = tally.figures(report.violations)
    columns = [page.vertical for page in pages]
    report.figures["vertical"] = {key: sum(f[key] for f in columns)
                                  for key in (columns[0] if columns else {})}
    return report


@dataclass
class PageChecked:
    """What check-typography keeps of one page."""

    violations: list          # Violation, horizontal and vertical
    tally: "Tally"
    vertical: dict            # checks/vertical.py's figures
    printed: int              # characters that print at all
    read: bool                # whether any of them is text the check can read


def _check_pages(path: Path, numbers: list[int]) -> dict[int, PageChecked]:
    columns: list = []
    read = _read_pages(path, numbers, columns)
    checked = {}
    for (number, (lines, printed)), (vertical, figures) in zip(read.items(), columns):
        tally, found = Tally(), [Violation(*v) for v in vertical]
        for block in blocks(lines):
            if not block.vertical:
                found.extend(check_block(block, tally))
        for line in lines:
            found.extend(_check_autospace(line, tally))
        checked[number] = PageChecked(found, tally, figures, printed,
                                      bool(lines) or bool(figures.get("vertical_columns")))
    return checked


@dataclass
class Tally:
    justified: int = 0
    justified_at_edge: int = 0
    wrapped: int = 0
    wrapped_at_edge: int = 0
    pairs: int = 0
    spaced: int = 0

    def add(self, other: "Tally") -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self, violations) -> dict:
        counts = {name: sum(v.rule == name for v in violations) for name in RULES}
        return {"justified_lines": self.justified, "justified_at_edge": self.justified_at_edge,
                "wrapped_lines": self.wrapped, "wrapped_at_edge": self.wrapped_at_edge,
                "autospace_pairs": self.pairs, "autospace_spaced": self.spaced,
                "violations": counts}


def check_block(block: Block, tally: "Tally | None" = None) -> list[Violation]:
    """Every rule that looks at a block's line breaks; ``tally`` counts the figures."""
    tally = tally or Tally()
    found = []
    found += _check_kinsoku(block)
    found += _check_justification(block, tally)
    found += _check_last_lines(block)
    found += _check_phrases(block)
    return found


def _violation(rule: str, line: Line, message: str) -> Violation:
    return Violation(rule, line.page, line.number, line.text[:40], message)


def _check_kinsoku(block: Block) -> list[Violation]:
    found = []
    for line, after in zip(block.lines, block.lines[1:]):
        end, start = line.visible[-1].char, after.visible[0].char
        if start in chars.NOT_AT_LINE_START:
            found.append(_violation("kinsoku", after, f"line begins with 「{start}」"))
        if end in chars.NOT_AT_LINE_END:
            found.append(_violation("kinsoku", line, f"line ends with 「{end}」"))
        if chars.splits_number(line.text, after.text):
            found.append(_violation("number", line,
                                    f"「{line.text[-6:]}｜{after.text[:4]}」 splits a number"))
    return found


def _check_justification(block: Block, tally: Tally) -> list[Violation]:
    """Lines that wrap inside a justified paragraph end at the block's edge."""
    if block.aligned != "left" or len(block.lines) < 2 or block.size >= DISPLAY:
        return []
    edge, em = block.edge, block.size
    wrapped = [line for i, line in enumerate(block.lines)
               if block.continues(i) and edge - line.right <= WRAP * em]
    tally.wrapped += len(wrapped)
    tally.wrapped_at_edge += sum(edge - line.right <= EDGE for line in wrapped)
    if not _is_justified(block):
        return []
    candidates = [line for i, line in enumerate(block.lines) if block.continues(i)]
    measure = edge - block.left
    found = []
    for line in candidates:
        short = edge - line.right
        if short > 0.25 * measure:
            continue          # a line broken on purpose (<br>), not a wrapped one
        tally.justified += 1
        if short <= EDGE:
            tally.justified_at_edge += 1
        else:
            found.append(_violation("justify", line, f"ends {short:.1f} pt short of the edge"))
    return found


def _is_justified(block: Block) -> bool:
    """Some wrapped line reaches the edge with more space between characters than
    the paragraph ends have: only justification spreads a line."""
    natural = [_spacing(line) for i, line in enumerate(block.lines) if not block.continues(i)]
    natural = max([s for s in natural if s is not None] or [0.0])
    for index, line in enumerate(block.lines):
        spacing = _spacing(line)
        if block.continues(index) and block.edge - line.right <= EDGE and spacing is not None \
                and spacing > natural + 0.005 * block.size:
            return True
    return False


def _spacing(line: Line) -> float | None:
    """The median gap between two full-width characters of the line (table cells apart)."""
    gaps = sorted(gap for a, b in zip(line.glyphs, line.glyphs[1:])
                  if _full_width(a.char) and _full_width(b.char)
                  and (gap := b.left - a.right) <= a.size)
    return gaps[(len(gaps) - 1) // 2] if gaps else None


def _full_width(char: str) -> bool:
    return chars.is_ideographic(char)


def _check_last_lines(block: Block) -> list[Violation]:
    found = []
    at_edge = sum(block.edge - line.right <= EDGE for line in block.lines)
    if at_edge < 2:
        return []             # no column edge to wrap at: lines end where the text says
    for index, line in enumerate(block.lines):
        if index == 0 or block.starts[index] or block.continues(index):
            continue
        previous = block.lines[index - 1]
        if block.edge - previous.right > WRAP * block.size:
            continue          # the paragraph did not wrap here: a line of its own
        count = len(line.visible)
        if count <= 2:
            found.append(_violation("last-line", line,
                                    f"last line of a paragraph is only 「{line.text}」"))
    return found


def _check_phrases(block: Block) -> list[Violation]:
    """A headline's lines end where its phrases end (BudouX, as the typography pass),
    or between two Latin words (the space is gone with the line break)."""
    if block.size < DISPLAY or len(block.lines) < 2:
        return []
    texts = [line.text.replace(" ", "") for line in block.lines]
    ends = phrases.acceptable_breaks("".join(texts))
    found, position = [], 0
    for line, text, after in zip(block.lines, texts, texts[1:]):
        position += len(text)
        between_words = chars.is_alphanumeric(text[-1]) and chars.is_alphanumeric(after[0])
        if position not in ends and not between_words:
            found.append(_violation("phrase", line, f"「{text[-6:]}｜{after[:6]}」"))
    return found


def _check_autospace(line: Line, tally: Tally) -> list[Violation]:
    found = []
    spacing = max(_spacing(line) or 0.0, 0.0)
    for a, b in zip(line.glyphs, line.glyphs[1:]):
        if a.size != b.size or not chars.wants_autospace(a.char, b.char):
            continue
        tally.pairs += 1
        gap = (b.left - a.right - spacing / 2) / a.size
        if gap >= AUTOSPACE:
            tally.spaced += 1
        else:
            found.append(_violation("autospace", line,
                                    f"「{a.char}{b.char}」 set {gap:.2f} em apart"))
    return found


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f} %)" if whole else "0/0"
