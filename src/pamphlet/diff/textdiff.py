"""Say which characters of a page's text changed.

Japanese has no spaces between words, so text is compared character by
character; a run of Latin letters or digits stays whole ("2025", "GUIDE"), so a
changed year reads as one change.  White space never counts: line breaks move
with the layout.  Changes separated by one or two unchanged characters are read
as one ("はじまり" -> "おしまい", not three changes around "ま").
"""

import difflib
import re
from dataclasses import dataclass

WORD = re.compile(r"[A-Za-z0-9]")
CONTEXT = 12        # characters shown either side of a change
JOIN = 2            # unchanged tokens between two changes that still join them


@dataclass(frozen=True)
class Token:
    text: str
    box: tuple | None   # left, bottom, right, top in pt


@dataclass(frozen=True)
class TextChange:
    op: str             # "replace", "insert" or "delete"
    old: str
    new: str
    before: str         # unchanged text just before, for context
    after: str
    box: tuple | None   # where on the page (pt): on the new page, or the old for a deletion
    middle: tuple | None = None     # its middle character's box: which field it is in

    def as_dict(self) -> dict:
        return {"op": self.op, "old": self.old, "new": self.new,
                "before": self.before, "after": self.after}


def diff_text(old_chars: list, new_chars: list) -> list[TextChange]:
    """The changes from ``old_chars`` to ``new_chars`` (`look.Char` lists), in reading order."""
    old, new = tokenize(old_chars), tokenize(new_chars)
    matcher = difflib.SequenceMatcher(None, [t.text for t in old], [t.text for t in new],
                                      autojunk=False)
    return [_change(old, new, *span) for span in _joined(matcher.get_opcodes())]


def tokenize(chars: list) -> list[Token]:
    """Letters-and-digits runs as one token each, every other visible character alone."""
    tokens: list[Token] = []
    word, boxes = "", []
    for char in chars:
        if WORD.fullmatch(char.text):
            word += char.text
            boxes.append(char.box)
            continue
        if word:
            tokens.append(Token(word, _union(boxes)))
            word, boxes = "", []
        if not char.text.isspace():
            tokens.append(Token(char.text, char.box))
    if word:
        tokens.append(Token(word, _union(boxes)))
    return tokens


def _joined(opcodes: list) -> list[tuple]:
    """Spans (old_start, old_end, new_start, new_end) of change, with short
    unchanged runs between two changes absorbed."""
    spans: list[list] = []
    gap = None
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            gap = (i2 - i1)
            continue
        if spans and gap is not None and gap <= JOIN:
            spans[-1][1], spans[-1][3] = i2, j2
        else:
            spans.append([i1, i2, j1, j2])
        gap = None
    return [tuple(span) for span in spans]


def _change(old: list, new: list, i1: int, i2: int, j1: int, j2: int) -> TextChange:
    removed, added = "".join(t.text for t in old[i1:i2]), "".join(t.text for t in new[j1:j2])
    op = "replace" if removed and added else ("delete" if removed else "insert")
    before = _tail("".join(t.text for t in new[max(0, j1 - CONTEXT):j1]))
    after = "".join(t.text for t in new[j2:j2 + CONTEXT])[:CONTEXT]
    tokens = new[j1:j2] if added else old[i1:i2]
    box = _union([t.box for t in tokens])
    placed = [t.box for t in tokens if t.box is not None]
    middle = placed[len(placed) // 2] if placed else None      # where most of it is
    return TextChange(op, removed, added, before, after, box, middle)


def _tail(text: str) -> str:
    return text[-CONTEXT:]


def _union(boxes: list) -> tuple | None:
    boxes = [b for b in boxes if b is not None]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))
