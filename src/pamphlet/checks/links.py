"""Read the internal links of a PDF: where each is drawn and which page it goes to."""

from dataclasses import dataclass
from pathlib import Path

import pikepdf


@dataclass
class Link:
    page: int             # 1-based page the link is drawn on
    rect: tuple           # (left, bottom, right, top)
    name: str | None      # named destination, e.g. def:interview:1
    target: int | None    # 1-based page it resolves to, None if it goes nowhere


LINK_FACTS = "/PamphletLinks"   # a print master's links, kept out of its annotations (press.py)


def read_links(path: Path) -> list[Link]:
    """Every link with an internal destination: link annotations (the screen edition)
    and the print master's /PamphletLinks, which say the same without annotating."""
    from .pdftext import open_objects   # pdftext imports pdfium: not at the top

    with open_objects(path) as document:
        pages = {page.obj.objgen: number for number, page in enumerate(document.pages, 1)}
        names = _named_destinations(document)
        links = []
        for number, page in enumerate(document.pages, 1):
            annotations = [a for a in page.obj.get("/Annots") or [] if a.get("/Subtype") == "/Link"]
            for annotation in annotations + list(page.obj.get(LINK_FACTS) or []):
                name, target = _destination(annotation, names, pages)
                if name is None and target is None:
                    continue
                rect = [float(v) for v in annotation.Rect]
                rect = (min(rect[0], rect[2]), min(rect[1], rect[3]),
                        max(rect[0], rect[2]), max(rect[1], rect[3]))
                links.append(Link(number, rect, name, target))
    return links


def _named_destinations(document) -> dict:
    """Each named destination's page object (its number and generation)."""
    try:
        tree = pikepdf.NameTree(document.Root.Names.Dests)
        return {str(name): _page_of(destination) for name, destination in tree.items()}
    except (AttributeError, KeyError, TypeError, ValueError, pikepdf.PdfError):
        return {}             # none, or a damaged name tree: links then resolve to nothing


def _page_of(destination):
    if isinstance(destination, pikepdf.Dictionary):       # {/D [page /XYZ ...]}
        destination = destination.get("/D")
    if isinstance(destination, pikepdf.Array) and len(destination) \
            and isinstance(destination[0], pikepdf.Dictionary):
        return destination[0].objgen
    return None


def _destination(annotation, names: dict, pages: dict):
    destination = annotation.get("/Dest")
    action = annotation.get("/A")
    if destination is None and action is not None and action.get("/S") == "/GoTo":
        destination = action.get("/D")
    if destination is None:
        return None, None
    if isinstance(destination, (pikepdf.String, pikepdf.Name)):
        name = str(destination)
        return name, pages.get(names.get(name))
    return None, pages.get(_page_of(destination))
