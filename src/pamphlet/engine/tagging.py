"""The screen edition's side of WeasyPrint: its engine, and the tags it writes.

`screen_engine` lays out a definition's screen HTML (screen.py turned its CMYK into
RGB) with a fetcher that does the same to stylesheets and SVG files, and draws it
tagged (`tagging`): what is ``aria-hidden`` (or an FPO frame, a folio, a running head)
an artifact, ``<th>`` cells with a scope, a heading's anonymous boxes no heading of
their own, English spans in a Japanese document ``/Lang en``, links described by
their text, HTML ids on their elements. What needs the whole document is screen.py's
`finish_tags`, once merge.py has joined the parts.
"""

from contextlib import contextmanager
from functools import partial
from pathlib import Path

from ..screen import HEADINGS, SVG, language_of, screen_html, to_rgb

SCREEN_CSS = """
@page { bleed: 0 !important; marks: none !important; }
"""
# What the kit's layouts draw that a reader should not hear: an FPO frame (the picture
# to come: its caption is read), the folio and the running head (pagination).
ARTIFACT_CLASSES = {"fpo", "folio", "runhead"}


def rgb_url_fetcher(profile: Path | None, roots=None):
    """A fetcher that turns the CMYK colours of stylesheets (screen variants) and SVG
    files (pictures: as printed) into RGB."""
    from weasyprint.urls import URLFetcherResponse

    from .layout import local_fetcher

    class RGBFetcher(local_fetcher()):
        def fetch(self, url, headers=None):
            response = super().fetch(url, headers)
            if not url.endswith((".css", ".svg")):
                return response
            text = response.read().decode("utf-8")
            response.close()
            rgb = to_rgb(text, profile, variants=url.endswith(".css"))
            return URLFetcherResponse(url, rgb.encode("utf-8"),
                                      response.headers, response.status)

    return RGBFetcher(roots)


def screen_engine(head: str, base_url: Path, profile: Path | None, roots=None):
    """The layout engine for the screen edition's parts (see engine.layout.Engine)."""
    from .layout import Engine

    class ScreenEngine(Engine):
        def layout(self, fragment: str):
            document = super().layout(fragment)
            document.write_pdf = partial(_write_tagged, document, document.write_pdf)
            return document

    return ScreenEngine(screen_html(head, profile), base_url,
                        fetcher=rgb_url_fetcher(profile, roots), extra_css=SCREEN_CSS,
                        roots=roots)


def _write_tagged(document, write_pdf, *args, **kwargs) -> bytes:
    with tagging(_parents(document)):
        return write_pdf(*args, **kwargs)


def _parents(document) -> dict:
    """Each HTML element's parent (WeasyPrint's ElementTree elements do not know it)."""
    for page in document.pages:
        for box in page._page_box.children:
            if getattr(box, "element_tag", None) == "html":
                return {child: parent for parent in box.element.iter() for child in parent}
    return {}



@contextmanager
def tagging(parents: dict):
    """While WeasyPrint writes a tagged PDF: what is ``aria-hidden`` (an FPO frame, a
    folio) is drawn as an artifact, and each structure element gets what its HTML
    says (`_annotate`). The rows of group "screen" in patches.py; they compose
    with draw.py's decorations, which patch the same."""
    from . import patches

    with patches.patched("screen", parents=parents, named=set()):
        yield


def make_marking(marked, parents: dict, **_):
    """Stream.marked: a hidden box is an artifact."""
    def marking(self, box, tag):
        return self.artifact() if _hidden(box, parents) else marked(self, box, tag)
    return marking


def make_building(build_tree, parents: dict, named: set, **_):
    """tags._build_box_tree: hidden boxes left out, the others' elements annotated."""
    def building(box, parent, pdf, page_number, nums, annotations, marks):
        box = getattr(box, "_box", box)          # an absolutely positioned box's placeholder
        if _hidden(box, parents):
            return
        if _passed_through(box):
            yield from build_tree(box, parent, pdf, page_number, nums, annotations, marks)
            return
        _prepare(box)
        texts = _texts(box, marks, parents)
        for element in build_tree(box, parent, pdf, page_number, nums, annotations, marks):
            _annotate(element, box, parent, pdf, nums, texts)
            _name(element, box, named)
            yield element
    return building


def _hidden(box, parents: dict) -> bool:
    """Inside an element that is ``aria-hidden="true"`` or of an `ARTIFACT_CLASSES` class,
    or a drawing that says nothing (`_words`)."""
    element = getattr(getattr(box, "_box", box), "element", None)
    if element is not None and element.tag == SVG + "svg" and not _words(element):
        return True
    while element is not None:
        if element.get("aria-hidden") == "true" or \
                ARTIFACT_CLASSES.intersection(element.get("class", "").split()):
            return True
        element = parents.get(element)
    return False


def _words(svg) -> str:
    """What an inline SVG says: its <title> or aria-label, else the words it draws (an
    access map's station and street names); "" for a drawing of lines alone."""
    title = svg.find(SVG + "title")
    said = svg.get("aria-label") or (title.text if title is not None else "") or \
        " ".join("".join(text.itertext()).strip() for text in svg.iter(SVG + "text"))
    return " ".join(said.split())


def _passed_through(box) -> bool:
    """The page, html and body boxes, which WeasyPrint makes no element of."""
    from weasyprint.formatting_structure import boxes
    return isinstance(box, (boxes.PageBox, boxes.MarginBox)) or \
        getattr(box, "element_tag", None) in ("html", "body")


def _prepare(box) -> None:
    """Before WeasyPrint tags ``box``: a table's header cells get the scope WeasyPrint
    maps /Headers by; a link's annotation is described by its text."""
    if getattr(box, "element_tag", None) == "table" and box.element is not None:
        for row in box.element.iter("tr"):
            cells = [cell for cell in row if cell.tag in ("th", "td")]
            for cell in cells:
                if cell.tag == "th" and not cell.get("scope"):
                    cell.set("scope", "row" if any(c.tag == "td" for c in cells) else "col")
    annotation = getattr(box, "link_annotation", None)
    if annotation is not None:
        import pydyf
        annotation["Contents"] = pydyf.String(_text_of(box) or annotation.get("Contents", ""))


def _texts(box, marks, parents: dict) -> dict:
    """The text of ``box``'s own lines, by marked-content id (for /Lang)."""
    from weasyprint.formatting_structure import boxes

    texts = {}
    for child in getattr(box, "children", ()):
        for kid in (child.children if isinstance(child, boxes.LineBox) else [child]):
            if isinstance(kid, boxes.TextBox) and kid in marks:
                texts[marks[kid]["mcid"]] = language_of(kid.text, kid.element, parents)
    return texts


def _annotate(element, box, parent, pdf, nums, texts) -> None:
    """What the HTML says that WeasyPrint's tags do not."""
    import pydyf

    kind = str(element["S"])
    if kind in HEADINGS:
        if str(parent["S"]) in HEADINGS:         # an anonymous block inside the heading
            element["S"] = "/NonStruct"
        else:
            element["T"] = pydyf.String(_text_of(box))
    if kind == "/Figure" and "Alt" not in element and box.element is not None \
            and box.element.tag == SVG + "svg":
        element["Alt"] = pydyf.String(_words(box.element))
    if kind == "/TH" and box.element is not None:
        scope = box.element.get("scope", "col")
        element["A"]["Scope"] = "/Row" if scope in ("row", "rowgroup") else "/Column"
    for mcid, language in texts.items():
        reference = nums.get(mcid)
        if language and reference is not None:
            pdf.objects[int(reference.split()[0])]["Lang"] = pydyf.String(language)


def _name(element, box, named: set) -> None:
    """An HTML id (a page's anchor) goes to the element of its element's first box."""
    import pydyf

    html = getattr(box, "element", None)
    if html is None or not html.get("id") or "ID" in element or html.get("id") in named:
        return
    named.add(html.get("id"))
    element["ID"] = pydyf.String(html.get("id"))


def _text_of(box) -> str:
    from weasyprint.formatting_structure import boxes
    from ..typography.spacing import strip_marks

    boxes_ = box.descendants() if hasattr(box, "descendants") else [box]
    text = "".join(b.text for b in boxes_ if isinstance(b, boxes.TextBox))
    return " ".join(strip_marks(text).split())
