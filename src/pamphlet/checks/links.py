"""Read the internal links of a PDF: where each is drawn and which page it goes to."""

from dataclasses import dataclass
from pathlib import Path

import pypdf


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
    reader = pypdf.PdfReader(str(path))
    pages = {page.indirect_reference.idnum: index + 1 for index, page in enumerate(reader.pages)}
    names = _named_destinations(reader)
    links = []
    for index, page in enumerate(reader.pages):
        annotations = [a.get_object() for a in page.get("/Annots") or []]
        facts = [f.get_object() for f in page.get(LINK_FACTS) or []]
        for annotation in [a for a in annotations if a.get("/Subtype") == "/Link"] + facts:
            name, target = _destination(annotation, names, pages)
            if name is None and target is None:
                continue
            rect = [float(v) for v in annotation["/Rect"]]
            rect = (min(rect[0], rect[2]), min(rect[1], rect[3]),
                    max(rect[0], rect[2]), max(rect[1], rect[3]))
            links.append(Link(index + 1, rect, name, target))
    return links


def _named_destinations(reader) -> dict:
    try:
        return dict(reader.named_destinations)
    except Exception:  # a damaged name tree: links then resolve to nothing
        return {}


def _destination(annotation, names: dict, pages: dict):
    destination = annotation.get("/Dest")
    if destination is None and annotation.get("/A"):
        action = annotation["/A"].get_object()
        destination = action.get("/D") if action.get("/S") == "/GoTo" else None
    if destination is None:
        return None, None
    destination = destination.get_object() if hasattr(destination, "get_object") else destination
    if isinstance(destination, str):
        resolved = names.get(destination)
        page = getattr(resolved, "page", None) if resolved is not None else None
        return str(destination), _page_number(page, pages)
    return None, _page_number(destination[0] if len(destination) else None, pages)


def _page_number(reference, pages: dict) -> int | None:
    idnum = getattr(reference, "idnum", None)
    if idnum is None and hasattr(reference, "indirect_reference"):
        idnum = getattr(reference.indirect_reference, "idnum", None)
    return pages.get(idnum)
