"""Break headlines and display copy only between phrases (文節), found by BudouX.

Each phrase of a headline becomes a ``<span class="phrase">`` that
typography.css keeps on one line; explicit <br> from the page definition stay.
"""

import functools
import re

from . import chars
from .runs import is_skipped, runs
from .tree import Element, Text, element, iter_elements

HEADLINE_TAGS = {"h1", "h2", "h3", "h4"}
CELL_TAGS = {"td", "th"}
CELLS_CLASS = "keep-phrases"   # on a table: its short cells break only between phrases
SHORT_CELL = 24         # characters: a cell this short (under CELLS_CLASS) keeps its phrases
DISPLAY_CLASS = re.compile(r"(?:^|-)(?:catch|lead|title|heading|headline|copy|statement)(?:-|$)")
PHRASE_CLASS = "phrase"


@functools.cache
def _parser():
    import budoux
    return budoux.load_default_japanese_parser()


def is_headline(node: Element) -> bool:
    """h1–h4, and elements whose class names display copy (catch, lead, title, heading…)."""
    return node.tag in HEADLINE_TAGS or any(DISPLAY_CLASS.search(c) for c in node.classes)


def is_short_cell(node: Element) -> bool:
    """A table cell of a few words (スタンプラリー must not break inside the word in a
    narrow column); asked only under an element of class keep-phrases."""
    return node.tag in CELL_TAGS and _length(node) <= SHORT_CELL


def _length(node) -> int:
    """The characters a reader sees under ``node`` (zero-width marks not counted)."""
    if isinstance(node, Text):
        return sum(1 for c in node.text if c not in chars.INVISIBLE)
    return sum(_length(child) for child in getattr(node, "children", ()))


def mark_phrases(root) -> None:
    """Wrap the phrases of every headline under ``root`` (outermost headlines only)."""
    for node in _outermost_headlines(root):
        parents = _parents(node)
        for run in runs(node):
            _wrap(run, phrase_ends(run.text), parents)


def phrase_ends(text: str) -> list[int]:
    """Indexes of ``text`` just past each phrase (zero-width marks stay with their phrase)."""
    visible = [i for i, c in enumerate(text) if c not in chars.INVISIBLE]
    plain = "".join(text[i] for i in visible)
    ends, position = [], 0
    for chunk in _chunks(plain):
        position += len(chunk)
        raw = visible[position - 1] + 1
        while raw < len(text) and text[raw] in chars.INVISIBLE:
            raw += 1
        ends.append(raw)
    return ends


def _chunks(plain: str) -> list[str]:
    """Phrases of ``plain``, with white space a break of its own."""
    chunks = []
    for piece in re.split(r"(\s+)", plain):
        if piece:
            chunks.extend([piece] if piece.isspace() else phrases(piece))
    return chunks


def phrases(text: str) -> list[str]:
    """BudouX's phrases, less two of its habits that cut words in a headline.

    BudouX cuts long kanji compounds (受|入れ, 不法残|留者) and compound particles
    (門番と|して, ないから|こそ): a phrase boundary between two kanji, or between
    hiragana and a hiragana chunk of one or two characters, is dropped.
    """
    merged: list[str] = []
    for chunk in _parser().parse(text):
        if merged and (_is_han(merged[-1][-1]) and _is_han(chunk[0])
                       or _is_hiragana(merged[-1][-1]) and len(chunk) <= 2
                       and all(_is_hiragana(c) for c in chunk)):
            merged[-1] += chunk
        else:
            merged.append(chunk)
    return merged


def acceptable_breaks(text: str) -> set[int]:
    """Where a headline may be broken by hand: BudouX's own phrase boundaries, white
    space, and between two kanji compounds of two or more characters each."""
    ends, position = set(), 0
    for chunk in _parser().parse(text):
        position += len(chunk)
        ends.add(position)
    for index in range(2, len(text) - 1):
        if all(_is_han(c) for c in text[index - 2:index + 2]):
            ends.add(index)
    ends.update(i for i, c in enumerate(text) if c.isspace())
    ends.update(i + 1 for i, c in enumerate(text) if c.isspace())
    return ends


def _is_han(char: str) -> bool:
    return chars.is_ideographic(char) and not _is_hiragana(char) and not _is_katakana(char)


def _is_hiragana(char: str) -> bool:
    return "\u3041" <= char <= "\u309f"


def _is_katakana(char: str) -> bool:
    return "\u30a0" <= char <= "\u30ff"


def _wrap(run, ends: list[int], parents: dict) -> None:
    """Replace each text node of ``run`` by phrase spans; a phrase cut by markup gets a JOINER."""
    boundaries = set(ends)
    offset = 0
    for node in run.nodes:
        length = len(node.text)
        inside = {end - offset for end in boundaries if offset < end < offset + length}
        cuts = sorted({0, length} | inside)
        pieces = [node.text[a:b] for a, b in zip(cuts, cuts[1:])]
        if offset + length not in boundaries and offset + length < len(run.text):
            pieces[-1] += chars.JOINER     # the phrase goes on in the next element
        _replace(node, [_phrase(p) for p in pieces], parents)
        offset += length


def _phrase(text: str):
    if not text.strip(chars.JOINER + chars.SPACER) or text.isspace():
        return Text(text)
    return element("span", PHRASE_CLASS, [Text(text)])


def _replace(node: Text, new: list, parents: dict) -> None:
    parent = parents[id(node)]
    index = next(i for i, child in enumerate(parent.children) if child is node)
    parent.children[index:index + 1] = new


def _outermost_headlines(root):
    inside, tables = set(), set()
    for node in iter_elements(root):
        if id(node) in inside:
            continue
        if CELLS_CLASS in node.classes:
            tables.update(id(n) for n in iter_elements(node))
        if is_skipped(node):
            inside.update(id(n) for n in iter_elements(node))
        elif is_headline(node) or id(node) in tables and is_short_cell(node):
            yield node
            inside.update(id(n) for n in iter_elements(node))


def _parents(root) -> dict:
    parents = {}
    stack = [root]
    while stack:
        node = stack.pop()
        for child in getattr(node, "children", ()):
            parents[id(child)] = node
            stack.append(child)
    return parents
