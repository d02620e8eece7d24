"""Find the runs of text a line is set from: text nodes of one block, across plain inline markup.

A run ends at a block boundary, a <br>, an image or any inline element that
may be styled apart (a classed <span>, <sup>, <ruby>): spacing between two
characters is decided only when both are in the same run.
"""

from dataclasses import dataclass

from .tree import Element, Text

# Inline elements that change the font but not the spacing: a run goes through them.
TRANSPARENT = {"a", "b", "em", "i", "q", "s", "small", "strong", "u", "mark", "time", "data"}
# Elements whose text the passes leave alone.
SKIPPED = {"head", "style", "script", "svg", "math", "pre", "code", "kbd", "samp", "ruby",
           "textarea", "title"}
SKIPPED_CLASSES = {"tategaki", "no-typography"}


@dataclass
class Run:
    """Text nodes set one after the other on a line, and their joined text."""
    nodes: list

    @property
    def text(self) -> str:
        return "".join(node.text for node in self.nodes)

    def locate(self, index: int) -> tuple[Text, int]:
        """The node holding character ``index`` of the joined text, and its offset there."""
        for node in self.nodes:
            if index < len(node.text):
                return node, index
            index -= len(node.text)
        raise IndexError(index)


def is_transparent(node: Element) -> bool:
    return node.tag in TRANSPARENT or (node.tag == "span" and not node.attrs.get("class"))


def is_skipped(node: Element) -> bool:
    return node.tag in SKIPPED or bool(SKIPPED_CLASSES & set(node.classes))


def runs(root) -> list[Run]:
    """Every run of text under ``root`` (skipped elements left out), in document order."""
    found: list[Run] = []
    current: list[Text] = []

    def close():
        if current:
            found.append(Run(list(current)))
            current.clear()

    def walk(node):
        for child in node.children:
            if isinstance(child, Text):
                if child.text:
                    current.append(child)
            elif isinstance(child, Element):
                if is_skipped(child):
                    close()
                elif is_transparent(child):
                    walk(child)
                else:
                    close()
                    walk(child)
                    close()

    walk(root)
    close()
    return [run for run in found if run.text.strip()]
