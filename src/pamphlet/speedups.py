"""Make WeasyPrint 70's layout cheaper without changing what it lays out.

Flex containers ask for the min- and max-content widths of the same boxes
again and again (to size each item, then each line, then the container, and
once more for every enclosing flex or shrink-to-fit box). For Japanese text
each answer costs a line break at every character: the guide spends a fifth
of its layout there. A box's preferred widths depend only on the box (its
style and its content), which layout does not change, so each is computed
once per box and remembered until the document is laid out.

Checked by tests/test_speedups.py: the same PDF, byte for byte, with and
without, on flex, table, float and inline-block layouts.
"""

from functools import wraps

_MODULES = ("preferred", "flex", "grid", "page")
_FUNCTIONS = ("min_content_width", "max_content_width")
_memo: dict = {}


def install() -> None:
    """Remember preferred widths per box; forget them when a layout ends. Idempotent."""
    import importlib

    from weasyprint import document
    from weasyprint.layout import preferred

    if getattr(preferred, "_pamphlet_memo", False):
        return
    for name in _FUNCTIONS:
        original = getattr(preferred, name)
        remembered = _remembering(original, name)
        for module_name in _MODULES:
            module = importlib.import_module(f"weasyprint.layout.{module_name}")
            if getattr(module, name, None) is original:
                setattr(module, name, remembered)
    document.layout_document = _forgetting(document.layout_document)
    preferred._pamphlet_memo = True


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


def _forgetting(layout_document):
    @wraps(layout_document)
    def layout_and_forget(*args, **kwargs):
        _memo.clear()
        try:
            return layout_document(*args, **kwargs)
        finally:
            _memo.clear()
    return layout_and_forget


def uninstall() -> None:
    """Back to WeasyPrint's own functions (for tests that compare the two)."""
    import importlib

    from weasyprint import document
    from weasyprint.layout import preferred

    if not getattr(preferred, "_pamphlet_memo", False):
        return
    for name in _FUNCTIONS:
        original = getattr(preferred, name).__wrapped__
        for module_name in _MODULES:
            module = importlib.import_module(f"weasyprint.layout.{module_name}")
            if getattr(getattr(module, name, None), "__wrapped__", None) is original:
                setattr(module, name, original)
    document.layout_document = document.layout_document.__wrapped__
    preferred._pamphlet_memo = False
