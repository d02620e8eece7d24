"""Read the rendered HTML into a small tree and write it back unchanged but for our edits.

Start tags are written back as they were read, so attributes keep their exact
spelling; text is unescaped for the passes and escaped again on output.
"""

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}
RAW_TEXT = {"script", "style"}   # what html.parser hands over unescaped


@dataclass
class Text:
    text: str


@dataclass
class Raw:
    """Markup written back verbatim: doctype, comments, the content of <style>."""
    source: str


@dataclass
class Element:
    tag: str
    attrs: dict = field(default_factory=dict)
    start: str | None = None          # the start tag as read; None for elements we made
    children: list = field(default_factory=list)
    closed: bool = False              # written as <tag/>: no end tag

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def start_tag(self) -> str:
        if self.start is not None:
            return self.start
        attrs = "".join(f' {k}="{html.escape(v)}"' for k, v in self.attrs.items())
        return f"<{self.tag}{attrs}>"


def element(tag: str, classes: str, children: list) -> Element:
    """A new element of our own, e.g. ``element("span", "phrase", [Text("日本の")])``."""
    return Element(tag, {"class": classes}, None, children)


def parse(source: str) -> Element:
    """The document as a tree under a root element with tag ``#document``."""
    builder = _Builder()
    builder.feed(source)
    builder.close()
    return builder.root


def serialize(node) -> str:
    out: list[str] = []
    _write(node, out, raw=False)
    return "".join(out)


def iter_elements(node):
    """Every element under ``node``, depth first, in document order."""
    for child in getattr(node, "children", ()):
        if isinstance(child, Element):
            yield child
            yield from iter_elements(child)


def text_of(node) -> str:
    if isinstance(node, Text):
        return node.text
    return "".join(text_of(child) for child in getattr(node, "children", ()))


def _write(node, out: list, raw: bool) -> None:
    if isinstance(node, Text):
        out.append(node.text if raw else html.escape(node.text, quote=False))
    elif isinstance(node, Raw):
        out.append(node.source)
    else:
        if node.tag != "#document":
            out.append(node.start_tag())
        for child in node.children:
            _write(child, out, raw or node.tag in RAW_TEXT)
        if node.tag != "#document" and node.tag not in VOID and not node.closed:
            out.append(f"</{node.tag}>")


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Element(tag, {k: v or "" for k, v in attrs}, self.get_starttag_text())
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        node = Element(tag, {k: v or "" for k, v in attrs}, self.get_starttag_text(),
                       closed=True)
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(Text(data))

    def handle_comment(self, data):
        self.stack[-1].children.append(Raw(f"<!--{data}-->"))

    def handle_decl(self, decl):
        self.stack[-1].children.append(Raw(f"<!{decl}>"))

    def handle_pi(self, data):
        self.stack[-1].children.append(Raw(f"<?{data}>"))
