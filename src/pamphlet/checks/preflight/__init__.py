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

from pathlib import Path

from ...spec import PrintSpec
from ..findings import Finding
from .facts import read_facts, shipped_font_names
from .report import PreflightReport, report_text
from .rules import REGISTRY, _run

__all__ = ["REGISTRY", "Finding", "PreflightReport", "preflight", "report_text"]


def preflight(pdf: Path, fonts: Path | None, spec: PrintSpec | None = None) -> PreflightReport:
    """Run every check of the registry on ``pdf``.

    ``fonts`` is the folder with manifest.yaml; None skips the "font not
    shipped" check. ``spec`` is the trim, bleed and binding to check against;
    None: the one the PDF carries. Raises `UnreadablePDF` when the file is not a
    PDF we can open, `PamphletError` when the fonts folder is unusable.
    """
    from ..pdftext import ensure_readable   # pdftext imports pdfium: not at the top

    pdf = Path(pdf)
    ensure_readable(pdf)                   # encrypted, a page-tree loop, a FIFO: said once
    shipped = shipped_font_names(Path(fonts)) if fonts is not None else None
    facts = read_facts(pdf, shipped, spec)
    report = PreflightReport(pdf, len(facts.pages), spec=facts.spec)
    for entry in REGISTRY.values():
        found = dict.fromkeys(_run(entry, facts))   # in order, each once
        report.findings += [Finding(entry.id, entry.severity, page, detail, entry.hint)
                            for page, detail in found]
    return report
