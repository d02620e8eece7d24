"""Make WeasyPrint 70's layout cheaper without changing what it lays out.

The guide spends about half its layout time on min-content widths (the
narrowest a box can be), which flex containers ask for again and again:

1. Remembered widths. A box's min- and max-content widths depend only on the
   box (its style and its content), which layout does not change, so each is
   computed once per box and remembered until the document is laid out.
2. Short text for the narrowest line. To find the min-content width of a text,
   WeasyPrint breaks it at every opportunity, each time laying out *all* the
   rest of the text in a zero-wide line; for Japanese, where a break may come
   after nearly every character, that is quadratic. WeasyPrint already lays
   out only the first word and a letter when the text has spaces; here the
   first 32 characters stand in for a text without spaces, as long as the
   first line ends with 16 or more characters to spare (so the characters that
   decide where it ends are all there); otherwise the whole text is used.

Checked by tests/engine/test_speedups.py: the same PDF, byte for byte, with and
without, on flex, table, float and inline-block layouts with Japanese, Latin
and numbers; and on the guide (all 36 pages, see the issue note).
"""

from functools import wraps

from . import patches

WINDOW = 32          # characters laid out instead of the whole text ...
SPARE = 16           # ... if at least this many follow the first line
_memo: dict = {}
_wrappers: dict = {}


def install() -> None:
    """Put both speedups in place (the rows of group "speedups" in patches.py). Idempotent."""
    patches.install("speedups")


def uninstall() -> None:
    """Back to WeasyPrint's own functions (for tests that compare the two)."""
    patches.restore("speedups")


def make_remembering(function):
    """``function`` (min- or max-content width) remembered per box until the next layout;
    one wrapper for every module that holds ``function``."""
    if function not in _wrappers:
        _wrappers[function] = _remembering(function, function.__name__)
    return _wrappers[function]


def _remembering(function, name: str):
    @wraps(function)
    def remembered(context, box, outer=True):
        key = (name, id(box), outer)
        hit = _memo.get(key)
        if hit is not None and hit[0] is box:       # the box itself is kept: ids stay unique
            return hit[1]
        width = function(context, box, outer)
        _memo[key] = (box, width)
        return width
    return remembered


def make_forgetting(layout_document):
    """``layout_document`` forgetting the remembered widths before and after it.

    WeasyPrint's layout_document is a generator, laying pages out as they are asked
    for: the widths are forgotten once its last page is made, not when it is called.
    """
    @wraps(layout_document)
    def layout_and_forget(*args, **kwargs):
        _memo.clear()
        try:
            yield from layout_document(*args, **kwargs)
        finally:
            _memo.clear()
    return layout_and_forget


def make_short_first_line(split_first_line):
    @wraps(split_first_line)
    def short_first_line(text, style, context, max_width, justification_spacing,
                         is_line_start=True, minimum=False):
        if max_width == 0 and len(text) > WINDOW and \
                style["white_space"] in ("normal", "pre-wrap", "pre-line"):
            short = text[:WINDOW]
            result = split_first_line(short, style, context, max_width, justification_spacing,
                                      is_line_start, minimum)
            resume = result[2]
            if resume is not None and len(short.encode()[resume:].decode()) >= SPARE:
                return result
        return split_first_line(text, style, context, max_width, justification_spacing,
                                is_line_start, minimum)
    return short_first_line
