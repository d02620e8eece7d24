"""Turn the page definitions' small inline markup into escaped HTML."""

import re
from typing import Callable

from markupsafe import Markup, escape

# **strong**, {base|ruby}, ^(note) superscript, [[p:id]] / [[p:id/2]] page reference;
# for vertical text (typography/tate.py) [[tcy:12]] upright across the column (縦中横),
# [[rot:ABC]] turned 90°, [[dot:大切]] emphasis dots (傍点).
TOKEN = re.compile(
    r"\*\*(?P<strong>.+?)\*\*"
    r"|\[\[(?P<mark>tcy|rot|dot):(?P<marked>[^\[\]\n]+)\]\]"
    r"|\{(?P<base>[^{}|\n]+)\|(?P<ruby>[^{}|\n]+)\}"
    r"|\^\((?P<sup>[^()\n]*)\)"
    r"|\[\[p:(?P<ref>[^\]/]+)(?:/(?P<offset>\d+))?\]\]"
    r"|(?P<newline>\n)"
)

# The class each vertical-text mark gives its span (horizontal text shows the words plain).
MARKS = {"tcy": "tcy", "rot": "rot", "dot": "bouten"}

PageLookup = Callable[[str, int | None], list[int]]


def format_pages(numbers: list[int]) -> str:
    """Print page numbers the guide's way: P05, P29・30."""
    return "P" + "・".join(f"{n:02d}" for n in numbers)


def anchor(page_id: str, index: int) -> str:
    """The HTML id (and PDF destination name) of a definition's INDEXth page."""
    return f"def:{page_id}:{index}"


def to_html(text, pages: PageLookup) -> Markup:
    """Escape ``text`` and convert its markup; ``pages(id, offset)`` resolves references."""
    text = "" if text is None else str(text)
    out, position = [], 0
    for match in TOKEN.finditer(text):
        out.append(escape(text[position:match.start()]))
        out.append(_token(match, pages))
        position = match.end()
    out.append(escape(text[position:]))
    return Markup("".join(out))


def _token(match: re.Match, pages: PageLookup) -> str:
    if match.group("strong") is not None:
        return Markup("<strong>%s</strong>") % to_html(match.group("strong"), pages)
    if match.group("mark") is not None:
        return Markup('<span class="%s">%s</span>') % (MARKS[match.group("mark")],
                                                       to_html(match.group("marked"), pages))
    if match.group("base") is not None:
        return Markup("<ruby>%s<rt>%s</rt></ruby>") % (match.group("base"), match.group("ruby"))
    if match.group("sup") is not None:
        return Markup("<sup>(%s)</sup>") % match.group("sup")
    if match.group("ref") is not None:
        offset = int(match.group("offset")) if match.group("offset") else None
        numbers = pages(match.group("ref"), offset)
        return Markup('<a class="page-ref" href="#%s">%s</a>') % (
            anchor(match.group("ref"), offset or 1), format_pages(numbers))
    return Markup("<br>")


def plain_text(text) -> str:
    """The characters a reader will see, markup removed (for coverage checks)."""
    text = "" if text is None else str(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"\[\[(?:tcy|rot|dot):([^\[\]\n]+)\]\]", r"\1", text)
    text = re.sub(r"\{([^{}|\n]+)\|([^{}|\n]+)\}", r"\1\2", text)
    text = re.sub(r"\[\[p:[^\]]+\]\]", "P0123456789・", text)
    return text.replace("\n", "")
