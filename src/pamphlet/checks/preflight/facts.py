"""Read once what preflight's rules look at: boxes, the print spec, each page's content
(pdfcontent.py), its characters and the fonts shipped with the pamphlet."""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ...spec import PrintSpec, from_pdf
from ..pdfcontent import Cache, read_page_content

SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


@dataclass
class PageFacts:
    number: int
    boxes: dict               # "/TrimBox" -> (left, bottom, right, top), as the page says
    media: tuple
    content: object           # pdfcontent.PageContent
    chars: list = field(default_factory=list)    # (char, (left, bottom, right, top))
    text: str = ""
    page: object = None       # the page's dictionary (pikepdf): its /Group, /Annots, resources

    @property
    def trim(self):
        return self.boxes.get("/TrimBox")

    @property
    def bleed(self):
        return self.boxes.get("/BleedBox")


@dataclass
class PressFacts:
    pdf: Path
    document: object          # the pikepdf.Pdf, open while the checks run
    pages: list[PageFacts]    # the pages read (`read_pages`), in order
    shipped: dict | None      # normalised font name -> PostScript name
    spec: PrintSpec = PrintSpec()   # the trim, bleed and binding to check against
    image_ink: dict = field(default_factory=dict)   # image object key -> max ink
    cache: object = None      # pdfcontent.Cache: colour spaces resolved once
    count: int = 0            # the document's pages


def read_facts(document, pdf: Path, shipped: dict | None, spec: PrintSpec | None = None,
               numbers: list[int] | None = None) -> PressFacts:
    """The structure of ``document`` (``pdf`` opened by `pdftext.open_objects`); the
    content (pdfcontent) and the text (pdfium) of the pages ``numbers`` names (None:
    all), as `read_pages` does.

    ``spec`` is what the pages are checked against; None: the spec the PDF carries
    (`spec.from_pdf`: its /PamphletSpec, else its first TrimBox and BleedBox; the
    default one, A4, 3 mm, saddle stitch, when it carries neither).
    """
    facts = PressFacts(pdf, document, [], shipped, spec or from_pdf(document) or PrintSpec(),
                       cache=Cache(), count=len(document.pages))
    read_pages(facts, numbers if numbers is not None else range(1, facts.count + 1))
    return facts


def read_pages(facts: PressFacts, numbers) -> None:
    """Read the pages ``numbers`` names into ``facts.pages`` (in place of those there)."""
    pages = facts.document.pages
    facts.pages = []
    for number in numbers:
        page = pages[number - 1]
        boxes = {key: _rect(page.obj[key]) for key in ("/TrimBox", "/BleedBox")
                 if page.obj.get(key) is not None}
        facts.pages.append(PageFacts(number, boxes, _rect(page.mediabox),
                                     read_page_content(page.obj, facts.cache), page=page.obj))
    _read_text(facts.pdf, facts.pages)


def _rect(value) -> tuple:
    left, bottom, right, top = (float(v) for v in value)
    return min(left, right), min(bottom, top), max(left, right), max(bottom, top)


def _read_text(pdf: Path, pages: list[PageFacts]) -> None:
    """Each character with its tight box, as pdfium places it."""
    from ..pdftext import characters, open_pdf, text_pages

    with open_pdf(pdf) as document:
        numbers = [facts.number for facts in pages]
        for facts, (_, _, textpage) in zip(pages, text_pages(document, numbers)):
            read = characters(textpage)
            facts.text = "".join(char.char for char in read)
            facts.chars = [(char.char, char.box) for char in read if not char.char.isspace()]


@lru_cache(maxsize=8)
def shipped_font_names(folder: Path) -> dict[str, str]:
    """The fonts of fonts/manifest.yaml: normalised name -> PostScript name (nameID 6).

    The full name (nameID 4) counts too: WeasyPrint names a font after its
    family and style ("BIZ-UDGothic-Bold"), not after its PostScript name.
    """
    from fontTools.ttLib import TTFont

    from ...fonts import load_fonts

    names = {}
    for font in load_fonts(Path(folder)):
        with TTFont(font.path, lazy=True) as program:
            postscript = program["name"].getDebugName(6) or font.path.stem
            full = program["name"].getDebugName(4) or postscript
        names[font_key(postscript)] = postscript
        names[font_key(full)] = postscript
    return names


def font_key(name: str) -> str:
    """Compare font names without subset prefix, punctuation, case or "Regular"."""
    name = re.sub(r"[^0-9a-z]", "", SUBSET_PREFIX.sub("", str(name).lstrip("/")).lower())
    return name.removesuffix("regular")
