"""Check the screen edition for PDF/UA-1 as the Matterhorn Protocol tests it, reading
only the PDF: ``pamphlet check-screen PDF``.

1. facts     (`facts.py`)     the structure tree, role-mapped, with each element's
                              pages and MCIDs and the ParentTree (pikepdf); every
                              object the pages show with its marks, text, colour,
                              size and box (pdfium)
2. checks    a registry of small checks, each with a fixed message and hint and the
             Matterhorn failure conditions it tests (`COVERED`):
             `document.py` (metadata, title, language, marking, role map, fonts, …),
             `structure.py` (nesting, figures, headings, tables, IDs),
             `content.py`  (marked content, annotations and links, XObjects, the
                            language of spans, placeholders, reading order),
             `contrast.py` (WCAG 2.2 contrast on the rendered page)
3. report    (`model.py`)     findings as data; the CLI prints them

The machine-checkable conditions left out are in `NOT_COVERED`, with why.
"""

import json
from pathlib import Path

from . import content, contrast, document, structure  # noqa: F401  (they register checks)
from .facts import read_facts
from .model import REGISTRY, Finding, ScreenReport

# Machine-checkable (M) Matterhorn 1.1 conditions check-screen does not test, and why.
NOT_COVERED = {
    "10-001": "characters are mapped through ToUnicode (31-027), not glyph by glyph",
    "17-002": "no Formula elements in a pamphlet; not tested",
    "17-003": "see 10-001",
    "26-001": "encrypted PDFs are refused before any check",
    "26-002": "encrypted PDFs are refused before any check",
    "28-005": "no form fields in a pamphlet; not tested",
    "28-006": "annotation subtypes are not enumerated",
    "28-014": "no media clips in a pamphlet; not tested",
    "28-015": "no media clips in a pamphlet; not tested",
    "28-016": "no file attachment annotations; not tested",
    "28-018": "no PrinterMark appearance streams in the screen edition; not tested",
    **{f"31-{n:03d}": "font program internals (CMaps, CIDSet, widths, TrueType cmaps) are "
                      "WeasyPrint's; not read" for n in (1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14,
                                                        15, 16, 17, 18, 19, 20, 21, 22, 23,
                                                        24, 25, 26, 28, 29, 30)},
}


def covered() -> list[str]:
    """The Matterhorn conditions the registry tests, in order."""
    return sorted({c for entry in REGISTRY.values() for c in entry.matterhorn})


def check_screen(pdf: Path, memo=None) -> ScreenReport:
    """Run every check of the registry on the tagged PDF ``pdf``; ``memo`` (a
    `memo.PageMemo`) keeps what each page shows for the next check.

    Raises `UnreadablePDF` (checks.pdftext) when it is not a PDF we can open.
    """
    from ..pdftext import open_objects   # pdftext imports pdfium: not at the top

    pdf = Path(pdf)
    with open_objects(pdf) as opened:     # not `document`: the module of checks above
        facts = read_facts(opened, pdf, memo)
        report = ScreenReport(pdf, facts.pages)
        report.findings += [Finding("structure-tree", "error", page, detail,
                                    "the structure tree must be a tree")
                            for page, detail in facts.problems]
        for entry in REGISTRY.values():
            found = dict.fromkeys(_run(entry, facts))     # in order, each once
            report.findings += [Finding(entry.id, entry.severity, page, detail, entry.hint)
                                for page, detail in found]
    return report


def _run(entry, facts) -> list[tuple]:
    """The check's (page, detail) pairs; a check that fails on a damaged file says so."""
    try:
        return list(entry.find(facts))
    except Exception as error:  # a damaged PDF must not stop the other checks
        return [(None, f"could not check: {type(error).__name__}: {error}")]


def report_text(report: ScreenReport, shown: int = 5) -> str:
    """One line per failing check with its hint and a few findings; then a summary."""
    lines = []
    for id, found in report.by_check().items():
        entry = REGISTRY.get(id)
        message = entry.message if entry else found[0].message
        conditions = f" [{', '.join(entry.matterhorn)}]" if entry and entry.matterhorn else ""
        lines.append(f"{found[0].severity:<7}  {id:<20}  {message}{conditions}")
        lines.append(f"{'':<7}  {'':<20}  hint: {found[0].hint}")
        for finding in found[:shown]:
            where = f"page {finding.page:02d}: " if finding.page else ""
            lines.append(f"{'':<7}  {'':<20}  - {where}{finding.message}")
        if len(found) > shown:
            lines.append(f"{'':<7}  {'':<20}  - … and {len(found) - shown} more (--json)")
    lines.append(f"check-screen: {report.pdf}: {report.summary()}")
    return "\n".join(lines)


def report_json(report: ScreenReport) -> str:
    data = report.as_dict()
    data["matterhorn"] = {"covered": covered(), "not_covered": NOT_COVERED}
    return json.dumps(data, ensure_ascii=False, indent=2)
