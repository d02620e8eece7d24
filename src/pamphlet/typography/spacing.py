"""Decide the spacing between two characters: 和欧間, 約物の詰め, and numbers kept with units.

The decisions are written into the text as zero-width characters (see chars.py):
a SPACER after a character carries a spacing that `install()` turns into
Pango letter-spacing, a JOINER forbids a line break. Neither draws anything nor
reaches the PDF's text.
"""

import re

from . import chars
from .runs import Run, runs

NUMBER = re.compile(r"[0-9](?:[0-9,.]*[0-9])?")


def add_spacing(root) -> None:
    """Insert SPACERs and JOINERs into every run of text under ``root``."""
    for run in runs(root):
        marks = marks_for(run.text)
        if marks:
            _insert(run, marks)


def marks_for(text: str) -> dict[int, str]:
    """Zero-width characters to insert after character ``i`` of ``text``, by ``i``."""
    marks: dict[int, str] = {}
    for index in range(len(text) - 1):
        before, after = text[index], text[index + 1]
        if chars.wants_autospace(before, after) or chars.punctuation_kerning(before, after):
            marks[index] = chars.SPACER
    for index in joins(text):
        marks[index] = marks.get(index, "") + chars.JOINER
    return marks


def joins(text: str) -> list[int]:
    """Indexes after which a break would split a number from its unit (6,499人, 1.2億人)."""
    found = []
    for match in NUMBER.finditer(text):
        position = match.end()
        while position < len(text):
            word = next((w for w in chars.UNIT_WORDS if text.startswith(w, position)), None)
            if word:
                found.extend(range(position - 1, position + len(word) - 1))
                break
            if text[position] in chars.MULTIPLIERS:
                found.append(position - 1)
                position += 1
                continue
            if text[position] in chars.UNITS:
                found.append(position - 1)
            break
    return found


def _insert(run: Run, marks: dict[int, str]) -> None:
    """Write the marks into the run's text nodes, each after its character."""
    offset = 0
    for node in run.nodes:
        text = node.text
        pieces = []
        for local, char in enumerate(text):
            pieces.append(char)
            mark = marks.get(offset + local)
            if mark:
                pieces.append(mark)
        node.text = "".join(pieces)
        offset += len(text)


def strip_marks(text: str) -> str:
    """The text as the reader sees it, without the pass's zero-width characters."""
    return text.replace(chars.SPACER, "").replace(chars.JOINER, "")

