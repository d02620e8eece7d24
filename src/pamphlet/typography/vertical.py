"""Set display copy vertically (縦組) where a layout asks for it with class="tategaki".

WeasyPrint 70 has no writing-mode. Each character becomes a one-em cell of a
column, drawn with the font's vertical forms (`vert`: 「」、。ー and small
kana turn or move as vertical setting wants); a <br> starts a new column to
the left. After JLREQ, a number of one or two digits is set upright across
the column (縦中横) and other Latin letters and digits upright one per cell.
"""

import re

from . import chars
from .tree import Element, Text, element

CLASS = "tategaki"
UNIT = re.compile(r"(?<![0-9])[0-9]{1,2}(?![0-9])|.", re.S)


def set_vertical(root) -> None:
    """Rewrite the content of every element with class ``tategaki`` into columns of cells."""
    for node in _vertical_elements(root):
        node.children = [element("span", "tate-col", _cells(group))
                         for group in _columns(node.children)]


def units(text: str) -> list[str]:
    """The cells of ``text``: one character each, a short number in one cell."""
    return [u for u in UNIT.findall(text) if u.strip() and u not in chars.INVISIBLE]


def _columns(children: list) -> list[list]:
    groups = [[]]
    for child in children:
        if isinstance(child, Element) and child.tag == "br":
            groups.append([])
        else:
            groups[-1].append(child)
    return [g for g in groups if any(_has_text(c) for c in g)]


def _cells(nodes: list) -> list:
    cells = []
    for node in nodes:
        if isinstance(node, Text):
            cells.extend(_cell(u) for u in units(node.text))
        elif isinstance(node, Element):
            node.children = _cells(node.children)
            cells.append(node)
    return cells


def _cell(unit: str) -> Element:
    kind = "tate-u tcy" if unit.isdigit() and len(unit) == 2 else "tate-u"
    return element("span", kind, [Text(unit)])


def _has_text(node) -> bool:
    if isinstance(node, Text):
        return bool(node.text.strip())
    return any(_has_text(c) for c in getattr(node, "children", ()))


def _vertical_elements(root):
    for child in getattr(root, "children", ()):
        if isinstance(child, Element):
            if CLASS in child.classes:
                yield child
            else:
                yield from _vertical_elements(child)
