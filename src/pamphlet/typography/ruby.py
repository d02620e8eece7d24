"""Set ruby (ふりがな) above its base, centred, without touching the line's height.

WeasyPrint 70 has no ruby layout. The <ruby> element becomes an inline block
of the base text's size; typography.css lifts its <rt> above it, absolutely
positioned, so the line box never grows. A ruby longer than its base widens
the inline block on both sides, so that neighbours' ruby cannot collide.
"""

from .tree import Element, Text, iter_elements, text_of

RUBY_SIZE = 0.5    # em of the base; keep in step with `ruby > rt` in typography.css


def set_ruby(root) -> None:
    """Give every <ruby> the class and the side room typography.css sets it with."""
    for node in iter_elements(root):
        if node.tag == "ruby":
            _prepare(node)


def overhang(base: str, ruby: str) -> float:
    """How far (em of the base) ruby text set solid runs past each side of its base."""
    return max(0.0, (RUBY_SIZE * _width(ruby) - _width(base)) / 2)


def _prepare(node: Element) -> None:
    texts = [c for c in node.children if not (isinstance(c, Element) and c.tag in ("rt", "rp"))]
    rubies = [c for c in node.children if isinstance(c, Element) and c.tag == "rt"]
    base = "".join(text_of(c) if isinstance(c, Element) else c.text for c in texts
                   if isinstance(c, (Element, Text)))
    ruby = "".join(text_of(rt) for rt in rubies)
    node.attrs["class"] = " ".join([*node.classes, "ruby"])
    room = overhang(base.strip(), ruby.strip())
    if room:
        node.attrs["style"] = f"padding: 0 {room:.3f}em"
    node.start = None       # written again from the attributes


def _width(text: str) -> float:
    """Width in em, taking half-width characters as half an em."""
    import unicodedata
    return sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F", "A") else 0.5 for c in text)
