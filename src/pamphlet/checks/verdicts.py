"""Run every check on a build's PDFs and say each one's verdict, for the watch loop.

contents (check-toc), preflight, typography and screen (check-screen on the screen
edition), each a `Verdict`: its name, whether it passed, a one-line summary and
its findings as diagnostics placed on their page. Preflight and check-screen, the
slowest, run in forked processes beside the other two (the warm watch process has
every module loaded already, so the forks start at once).
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..diagnostics import Diagnostic
from .pdftext import UnreadablePDF

CHECKS = ("contents", "preflight", "typography", "screen")


@dataclass(frozen=True)
class Verdict:
    name: str
    ok: bool
    summary: str
    findings: list = field(default_factory=list)       # Diagnostic, with page when known


def check_everything(pdf: Path, brochure, screen_pdf: Path | None = None) -> list[Verdict]:
    """The four verdicts, in CHECKS order (screen only when ``screen_pdf`` exists)."""
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        press = pool.submit(_preflight, pdf, brochure.options.fonts)
        screen = pool.submit(_screen, screen_pdf) if screen_pdf and screen_pdf.exists() else None
        verdicts = [_contents(pdf, brochure), _typography(pdf)]
        verdicts.insert(1, press.result())
        if screen is not None:
            verdicts.append(screen.result())
    return verdicts


def _contents(pdf: Path, brochure) -> Verdict:
    from .toc import check_toc

    report = check_toc(pdf, brochure)
    summary = "contents and references agree" if report.ok else \
        f"{len(report.diagnostics())} problem(s)"
    return Verdict("contents", report.ok, summary, report.diagnostics())


def _preflight(pdf: Path, fonts: Path) -> Verdict:
    from .preflight import preflight

    try:
        report = preflight(pdf, fonts)
    except UnreadablePDF as error:
        return Verdict("preflight", False, "unreadable", [Diagnostic(str(error), pdf)])
    found = [Diagnostic(f.message, pdf, hint=f.hint, severity=f.severity, page=f.page)
             for f in report.findings]
    return Verdict("preflight", report.ok, f"{_count(report.errors, 'error')}, "
                   f"{_count(report.warnings, 'warning')}", found)


def _typography(pdf: Path) -> Verdict:
    from .typography import check_typography

    report = check_typography(pdf)
    found = [replace(d, page=v.page) for d, v in zip(report.diagnostics(), report.violations)]
    summary = "all rules kept" if report.ok else f"{_count(report.violations, 'rule broken', 'rules broken')}"
    return Verdict("typography", report.ok, summary, found)


def _screen(pdf: Path) -> Verdict:
    from .screen import check_screen

    try:
        report = check_screen(pdf)
    except UnreadablePDF as error:
        return Verdict("screen", False, "unreadable", [Diagnostic(str(error), pdf)])
    found = [replace(d, page=f.page) for d, f in zip(report.diagnostics(), report.findings)]
    return Verdict("screen", report.ok, report.summary(), found)


def _count(items: list, one: str, many: str | None = None) -> str:
    return f"{len(items)} {one if len(items) == 1 else many or one + 's'}"
