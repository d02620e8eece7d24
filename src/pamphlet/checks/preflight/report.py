"""Say what preflight found: the report, as data (JSON) or as text for a person."""

from dataclasses import dataclass, field
from pathlib import Path

from ...diagnostics import Diagnostic
from ...spec import PrintSpec
from ..findings import Finding, Judged, diagnostics
from .rules import REGISTRY, _count

DETAILS_SHOWN = 5   # per check, in the text report; --json has them all


@dataclass
class PreflightReport(Judged):
    pdf: Path
    pages: int
    findings: list[Finding] = field(default_factory=list)
    spec: PrintSpec | None = None     # what the geometry was checked against

    def by_check(self) -> dict[str, list[Finding]]:
        """Findings grouped by check, errors first, in registry order."""
        groups: dict[str, list[Finding]] = {}
        for entry in sorted(REGISTRY.values(), key=lambda c: c.severity != "error"):
            found = [f for f in self.findings if f.rule == entry.id]
            if found:
                groups[entry.id] = found
        return groups

    def as_dict(self) -> dict:
        return {
            "pdf": str(self.pdf), "pages": self.pages, "ok": self.ok,
            "errors": len(self.errors), "warnings": len(self.warnings),
            "checks": {id: {"severity": REGISTRY[id].severity, "message": REGISTRY[id].message,
                            "hint": REGISTRY[id].hint, "pages": _pages(found)}
                       for id, found in self.by_check().items()},
            "findings": [{"check": f.rule, "severity": f.severity, "page": f.page,
                          "message": f.message, "hint": f.hint} for f in self.findings],
        }

    def diagnostics(self) -> list[Diagnostic]:
        return diagnostics(self.findings, self.pdf)


def _pages(findings: list[Finding]) -> list[int]:
    return sorted({f.page for f in findings if f.page is not None})


def report_text(report: PreflightReport) -> str:
    """One line per failing check with its pages, its hint, a few details; a summary."""
    lines = []
    for id, found in report.by_check().items():
        entry = REGISTRY[id]
        pages = _page_list(_pages(found))
        lines.append(f"{entry.severity:<7}  {id:<20}  {pages + ': ' if pages else ''}"
                     f"{entry.message}")
        lines.append(f"{'':<7}  {'':<20}  hint: {entry.hint}")
        for finding in found[:DETAILS_SHOWN]:
            where = f"page {finding.page:02d}: " if finding.page else ""
            lines.append(f"{'':<7}  {'':<20}  - {where}{finding.message}")
        if len(found) > DETAILS_SHOWN:
            lines.append(f"{'':<7}  {'':<20}  - … and {len(found) - DETAILS_SHOWN} more "
                         "(--json lists them all)")
    lines.append(_summary(report))
    return "\n".join(lines)


def _page_list(pages: list[int]) -> str:
    """'pages 3, 7' or 'pages 1-4, 9': runs of pages collapsed."""
    if not pages:
        return ""
    runs, start = [], pages[0]
    for previous, current in zip(pages, pages[1:] + [None]):
        if current != previous + 1 if current is not None else True:
            runs.append(f"{start}" if start == previous else f"{start}-{previous}")
            start = current
    return ("page " if len(pages) == 1 else "pages ") + ", ".join(runs)


def _summary(report: PreflightReport) -> str:
    checks = report.by_check()
    parts = []
    for severity, found in (("error", report.errors), ("warning", report.warnings)):
        ids = [id for id in checks if REGISTRY[id].severity == severity]
        parts.append(_count(len(found), severity) + (f" ({', '.join(ids)})" if ids else ""))
    verdict = "press-ready" if report.ok else "NOT press-ready"
    return (f"preflight: {report.pdf}: {report.pages} pages, {len(REGISTRY)} checks: "
            f"{'; '.join(parts)}: {verdict}")
