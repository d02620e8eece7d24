"""Run every check on a build's PDFs: the one runner of `pamphlet check` (so of make pdf)
and of the watch.

contents (check-toc), preflight, typography and screen (check-screen on the screen
edition), each a `Verdict`: its name, whether it passed, a one-line summary, its
findings as diagnostics placed on their page, and the check's own report (the job
ticket reads it). Each check keeps what it read of every page in a `memo.PageMemo`,
so that after an edit only the pages that changed are read again. Preflight and
check-screen, the slowest on a cold build, run in forked processes beside the other
two when they have many pages to read (`FORK_FROM`), and hand back what they kept;
after an edit all four run here, one after the other. `Checking` begins the checks
of the print PDF as soon as a build has written it (build.py's ``printed``).
"""

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic
from .memo import PageMemo
from .pdftext import UnreadablePDF, ensure_readable

CHECKS = ("contents", "preflight", "typography", "screen")
COMMANDS = {"contents": "check-toc", "preflight": "preflight", "typography": "check-typography",
            "screen": "check-screen"}


@dataclass(frozen=True)
class Verdict:
    name: str
    ok: bool
    summary: str
    findings: list = field(default_factory=list)       # Diagnostic, with page when known
    report: object = field(default=None, compare=False, repr=False)   # None: unreadable


def check_everything(pdf: Path, brochure, screen_pdf: Path | None = None,
                     memo: PageMemo | None = None) -> list[Verdict]:
    """The four verdicts, in CHECKS order; screen's says "not checked" when there is no
    ``screen_pdf``. Raises `UnreadablePDF` when ``pdf`` cannot be read."""
    with Checking(memo) as checking:
        checking.print_written(pdf, brochure)
        checking.screen_written(screen_pdf)
        return checking.verdicts()


class Checking:
    """The checks of one build, begun as its PDFs are written: contents, preflight and
    typography once the print PDF is (`print_written`), screen once the screen edition
    is (`screen_written`, or `check_screen_here` in the process that wrote it);
    `verdicts` waits for them all. A build can so check its print PDF while it merges
    the screen edition.

    Preflight and check-screen run in a forked process when they have many pages to
    read (`FORK_FROM`), and hand back what they kept; the memo is saved once, at the end
    (unless it is the watch's, which saves it while the designer looks). When the build
    is ``merging`` the screen edition in a process of its own, a preflight that forks
    waits for `screen_written`: three processes at once (build, merge, preflight) held
    180 MB more at 144 pages on a cold make pdf, for no time gained on two cores.
    """

    def __init__(self, memo: PageMemo | None = None, merging: bool = False):
        self.memo = memo if memo is not None else PageMemo()
        self.merging = merging
        self.pool = None                # forked processes, made when first needed
        self.done = {}                  # check name -> Verdict, or a Future of (Verdict, kept)
        self.pdf = None

    def __enter__(self):
        self.deferred, self.memo.deferred = self.memo.deferred, True
        return self

    def __exit__(self, *exception) -> None:
        if self.pool is not None:
            self.pool.shutdown()
        self.memo.deferred = self.deferred

    def print_written(self, pdf: Path, brochure) -> None:
        """Check the print PDF: preflight (forked when it reads many pages) beside the
        contents and typography here. Raises `UnreadablePDF` when it cannot be read."""
        ensure_readable(pdf)
        self.pdf, self.options = pdf, brochure.options
        runner = self._runner(pdf, "preflight")
        if not (self.merging and runner is self.pool):
            self._preflight(runner)
        self.done["contents"] = _contents(pdf, brochure, self.memo)
        self.done["typography"] = _typography(pdf, self.memo)

    def check_screen_here(self, screen_pdf: Path):
        """The screen check, run by the process that has just written ``screen_pdf``
        (build.py's ``screened``) when it has few pages to read: its (Verdict, kept), for
        `screen_written`; None when it has many (then it forks as the others do)."""
        if self.memo.unread(screen_pdf, "screen") >= FORK_FROM:
            return None
        return _screen(screen_pdf, self.memo)

    def screen_written(self, screen_pdf: Path | None, checked=None) -> None:
        """Check the screen edition, if there is one (``checked``: what
        `check_screen_here` found where it was written)."""
        if "preflight" not in self.done:
            self._preflight(self.pool)
        if checked is not None:
            self.done["screen"] = _adopted(checked, self.memo, "screen")
        elif screen_pdf is not None and screen_pdf.exists():
            self.done["screen"] = self._runner(screen_pdf, "screen").submit(
                _screen, screen_pdf, self.memo)
        else:
            self.done["screen"] = Verdict("screen", True, _not_built(self.pdf, screen_pdf))

    def _preflight(self, runner) -> None:
        self.done["preflight"] = runner.submit(_preflight, self.pdf, self.options, self.memo)

    def verdicts(self) -> list[Verdict]:
        """The four verdicts, in CHECKS order, once every check has ended."""
        verdicts = [self._verdict(name) for name in CHECKS]
        if not self.deferred:
            self.memo.flush()
        return verdicts

    def _verdict(self, name: str) -> Verdict:
        done = self.done[name]
        if isinstance(done, Verdict):
            return done
        self.done[name] = _adopted(done.result(), self.memo, name)
        return self.done[name]

    def _runner(self, pdf: Path, check: str):
        """Where ``check`` runs: a forked process when it has many pages to read."""
        if self.memo.unread(pdf, check) < FORK_FROM:
            return _Here()
        if self.pool is None:
            _give_back_memory()
            self.pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"))
        return self.pool


# Forked processes pay for themselves when the checks read many pages (a cold check
# reads them all); after an edit, with a page or two to read, forking a process that
# holds the layout engines costs more than it saves (the guide at 144 pages under the
# watch: 3.6 s forked, 2.2 s here).
FORK_FROM = 8


def _give_back_memory() -> None:
    """Hand the heap that a build in this process left free back to the system before
    forking (the guide: 165 MB resident after its build, 123 MB after this), so that
    the checks' processes start from less. A full collection takes a tenth of a
    second: done only before forking, never in the watch's quick round."""
    import ctypes
    import gc
    import sys

    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass


class _Here:
    """An executor that runs each task in this process, when it is submitted."""

    def __enter__(self):
        return self

    def __exit__(self, *exception) -> None:
        return None

    def submit(self, work, *args) -> Future:
        done = Future()
        done.set_result(work(*args))
        return done


def _adopted(done: tuple, memo: PageMemo, check: str) -> Verdict:
    verdict, kept = done
    memo.adopt(check, kept)
    return verdict


def _contents(pdf: Path, brochure, memo: PageMemo) -> Verdict:
    from .toc import check_toc

    report = check_toc(pdf, brochure, memo)
    summary = "contents and references agree" if report.ok else \
        f"{len(report.diagnostics())} problem(s)"
    return Verdict("contents", report.ok, summary, report.diagnostics(), report)


def _preflight(pdf: Path, options, memo: PageMemo) -> tuple[Verdict, tuple]:
    from .preflight import preflight

    report = preflight(pdf, options.fonts, options.spec, memo)
    summary = f"{_count(report.errors, 'error')}, {_count(report.warnings, 'warning')}"
    return Verdict("preflight", report.ok, summary, report.diagnostics(), report), \
        memo.kept("preflight")


def _typography(pdf: Path, memo: PageMemo) -> Verdict:
    from .typography import check_typography

    report = check_typography(pdf, memo)
    summary = "all rules kept" if report.ok else \
        _count(report.violations, "rule broken", "rules broken")
    return Verdict("typography", report.ok, summary, report.diagnostics(), report)


def _screen(pdf: Path, memo: PageMemo) -> tuple[Verdict, tuple]:
    from .screen import check_screen

    try:
        report = check_screen(pdf, memo)
    except UnreadablePDF as error:
        unreadable = Verdict("screen", False, "unreadable", [Diagnostic(
            str(error), pdf, hint="rebuild it: pamphlet build --screen")])
        return unreadable, ("none", None, False, None)       # the memo as it was
    return Verdict("screen", report.ok, report.summary(), report.diagnostics(), report), \
        memo.kept("screen")


def _not_built(pdf: Path, screen_pdf: Path | None) -> str:
    name = (screen_pdf or pdf.with_name(pdf.stem + "-screen.pdf")).name
    return f"not checked: no {name} (pamphlet build --screen)"


def _count(items: list, one: str, many: str | None = None) -> str:
    return f"{len(items)} {one if len(items) == 1 else many or one + 's'}"
