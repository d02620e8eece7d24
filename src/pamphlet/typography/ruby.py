"""Set ruby (ふりがな) above its base, centred, without touching the line's height.

WeasyPrint 70 has no ruby layout. Each <ruby> gets class "ruby" and its base
text an <rb>; typography.css makes the ruby an inline block whose <rt>,
drawn after the base, is lifted above it. The block is as wide as the longer
of base and ruby, both centred, so a long ruby never runs into a neighbour.
"""

from .tree import Element, iter_elements


def set_ruby(root) -> None:
    """Give every <ruby> the class and the <rb> that typography.css sets it with."""
    for node in list(iter_elements(root)):
        if node.tag == "ruby" and "ruby" not in node.classes:
            _prepare(node)


def _prepare(node: Element) -> None:
    def annotation(child) -> bool:
        return isinstance(child, Element) and child.tag in ("rt", "rp", "rb")

    base = [c for c in node.children if not annotation(c)]
    annotations = [c for c in node.children if annotation(c)]
    if base:
        annotations.insert(0, Element("rb", {}, None, base))
    node.children = annotations
    node.attrs["class"] = " ".join([*node.classes, "ruby"])
    node.start = None       # written again from the attributes
