"""Decide whether a PDF is press-ready, reading only the PDF: a registry of small checks.

facts.py reads once what the checks look at (`PressFacts`): page boxes, the
print spec, the document catalog, and what each page paints, as
`pdfcontent.py` interprets it. rules.py is the registry: each check has an
id, a severity, a fixed message and a hint, and finds (page, detail) pairs in
the facts. report.py says what they found. The geometry is the print spec's
(the PDF's /PamphletSpec, or the one `preflight` is given): trim, bleed, the
binding's page count. The other numbers are the print vendor's (PRINT.md):
PDF/X-4 with a registered printing condition, CMYK, 300 % total ink, K100 text
overprinting and no white that does, text under 9 pt and reversed text on few
inks, 200/300 ppi, lines of 0.1 mm at least and thin rules in one ink, no
annotations in the trim, fonts from fonts/ only.
"""

from dataclasses import replace
from pathlib import Path

from ...spec import PrintSpec
from ..findings import Finding
from .facts import PressFacts, read_facts, read_pages, shipped_font_names
from .report import PreflightReport, report_text
from .rules import DOCUMENT, FONT, REGISTRY, _run

__all__ = ["REGISTRY", "Finding", "PreflightReport", "preflight", "report_text"]


def preflight(pdf: Path, fonts: Path | None, spec: PrintSpec | None = None,
              memo=None) -> PreflightReport:
    """Run every check of the registry on ``pdf``.

    ``fonts`` is the folder with manifest.yaml; None skips the "font not
    shipped" check. ``spec`` is the trim, bleed and binding to check against;
    None: the one the PDF carries. ``memo`` (a `memo.PageMemo`) keeps each page's
    findings, so that the next preflight reads only the pages changed. Raises
    `UnreadablePDF` when the file is not a PDF we can open, `PamphletError` when the
    fonts folder is unusable.
    """
    from ..memo import PageMemo
    from ..pdftext import open_objects   # pdftext imports pdfium: not at the top

    pdf = Path(pdf)
    with open_objects(pdf) as document:  # encrypted, a page-tree loop, a FIFO: said once
        shipped = shipped_font_names(Path(fonts)) if fonts is not None else None
        facts = read_facts(document, pdf, shipped, spec, numbers=[])   # no page read yet
        given = repr((facts.spec, sorted(shipped.items()) if shipped is not None else None))
        pages = (memo or PageMemo()).pages(pdf, "preflight",
                                           lambda numbers: _check_pages(facts, numbers), given)
        report = PreflightReport(pdf, facts.count, spec=facts.spec)
        for entry in REGISTRY.values():
            found = dict.fromkeys(_found(entry, facts, pages))     # in order, each once
            report.findings += [Finding(entry.id, entry.severity, page, detail, entry.hint)
                                for page, detail in found]
    return report


def _check_pages(facts: PressFacts, numbers: list[int]) -> dict[int, dict]:
    """{number: {check id: what it found on the page}} of the pages ``numbers`` names:
    (page, detail) pairs, or for a font check (page, detail, whether text is drawn
    with the font) of each font the page offers."""
    read_pages(facts, numbers)
    checked = {}
    for page in facts.pages:
        alone = replace(facts, pages=[page])
        checked[page.number] = {
            entry.id: _fonts_found(entry, alone, page) if entry.scope == FONT else _run(entry, alone)
            for entry in REGISTRY.values() if entry.scope != DOCUMENT}
    return checked


def _fonts_found(entry, facts: PressFacts, page) -> list[tuple]:
    try:
        found = [(entry.find(facts, use), bool(use.shown)) for use in page.content.fonts.values()]
    except Exception as error:  # a damaged PDF must not stop the other checks
        return [(None, f"could not check: {type(error).__name__}: {error}", False)]
    return [(page.number, detail, shown) for detail, shown in found if detail is not None]


def _found(entry, facts: PressFacts, pages: list[dict]) -> list[tuple]:
    """The check's (page, detail) pairs over the document; a font's once, on the first
    page that draws text with it (or, never drawn, the first that offers it)."""
    if entry.scope == DOCUMENT:
        return _run(entry, facts)
    if entry.scope != FONT:
        return [pair for page in pages for pair in page[entry.id]]
    first: dict = {}
    for page in pages:
        for number, detail, shown in page[entry.id]:
            if detail not in first or shown and not first[detail][1]:
                first[detail] = (number, shown)
    return sorted(((number, detail) for detail, (number, _) in first.items()),
                  key=lambda pair: pair[0] or 0)
