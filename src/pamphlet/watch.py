"""Rebuild on every save: watch brochure/, layouts/ and fonts/, keep the last good PDF."""

import logging
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic, PamphletError
from .options import Options

LOG = logging.getLogger("pamphlet")


@dataclass
class Rebuild:
    """What one rebuild did: the build's result, or the problems that stopped it."""

    seconds: float
    pages: int | None = None
    verdict: str = ""
    problems: list | None = None
    laid_out: str = ""
    pdf: Path | None = None
    checks: dict = field(default_factory=dict)      # check name -> {ok, summary}
    found: list = field(default_factory=list)       # (check name, Diagnostic)
    side: str = "left"                              # the binding side (spreads read so)
    verdicts: list = field(default_factory=list)    # checks.verdicts.Verdict, one per check
    checked: float | None = None                    # s from the save to the last verdict


def snapshot(folders) -> dict:
    """Modification time and size of every file under the folders."""
    state = {}
    for folder in folders:
        for path in Path(folder).rglob("*") if Path(folder).is_dir() else ():
            if path.is_file() and not path.name.startswith((".", "#")):
                stat = path.stat()
                state[path] = (stat.st_mtime_ns, stat.st_size)
    return state


def watched_folders(options: Options) -> list[Path]:
    from .options import resolve
    from .source import read_yaml
    try:
        meta = read_yaml(options.brochure / "brochure.yaml").data
        resolved = resolve(options, meta if isinstance(meta, dict) else {})
    except PamphletError:
        resolved = resolve(options, {})
    return [options.brochure, *resolved.layouts, resolved.fonts]


def rebuild(options: Options, warm: dict | None = None, built=None, memo=None) -> Rebuild:
    """Build, then run every check; never raises for bad input.

    ``warm`` keeps the layout engine (parsed stylesheets, loaded fonts) between
    rebuilds; the parts of unchanged page definitions come from build/cache.
    ``built(Rebuild)``, when given, is told as soon as the print PDF is written, before
    the checks run (the designer sees the page first); the print PDF is checked while
    the screen edition is merged. ``memo`` (a checks.memo.PageMemo)
    keeps what the checks read of each page, so that they read only the pages changed.
    """
    from .build import build
    from .checks.verdicts import Checking

    start = time.perf_counter()
    shown = []

    def printed(result) -> None:         # the print PDF is written: show it, check it
        shown.append(_built(start, result))
        if built is not None:
            built(shown[0])
        checking.print_written(result.pdf, result.brochure)

    with Checking(memo, merging=options.screen) as checking:
        try:
            result = build(options, warm, printed, checking.check_screen_here)
            screen = result.brochure.options.screen_pdf if options.screen else None
            checking.screen_written(screen, result.screened)
            verdicts = checking.verdicts()
        except PamphletError as error:
            return _failed(start, error.diagnostics)
        except Exception as error:      # a bug, or a layout that recurses for ever: watch on
            if options.debug:
                raise
            return _failed(start, [Diagnostic(
                f"internal error: {type(error).__name__}: {str(error)[:300]}",
                hint="fix what the save changed, or run `pamphlet build --debug` for the "
                     "traceback")])
    rebuilt = shown[0]
    rebuilt.verdicts = verdicts
    rebuilt.checked = time.perf_counter() - start
    rebuilt.verdict = next(v.summary for v in verdicts if v.name == "contents")
    # A save is most often a layout's CSS: what WeasyPrint could not read in it
    # is shown with every rebuild (the pictures still to come are not).
    failed = [d for v in verdicts if not v.ok for d in v.findings if d.severity == "error"]
    rebuilt.problems = (result.style_warnings + failed) or None
    rebuilt.found = ([("style", d) for d in result.style_warnings] + rebuilt.found
                     + [(v.name, d) for v in verdicts for d in v.findings])
    rebuilt.checks.update({v.name: {"ok": v.ok, "summary": v.summary} for v in verdicts})
    return rebuilt


def _built(start: float, result) -> Rebuild:
    """What the designer is shown once the print PDF is written, before the checks."""
    return Rebuild(time.perf_counter() - start, result.pages, "", None, result.laid_out,
                   result.pdf, {"build": {"ok": True, "summary": f"{result.pages} pages"}},
                   [("build", d) for d in result.brochure.warnings],
                   result.brochure.options.side)


def _failed(start: float, diagnostics: list) -> Rebuild:
    return Rebuild(time.perf_counter() - start, problems=diagnostics,
                   checks={"build": {"ok": False, "summary": "failed"}},
                   found=[("build", d) for d in diagnostics])


def watch(options: Options, report, poll: float = 0.05, rounds: int | None = None,
          preview=None) -> None:
    """Build now, then again after every change; ``report(Rebuild)`` shows each one, and
    ``preview`` (a preview.PreviewState) gets its pages and findings.

    ``rounds`` limits the number of rebuilds (for tests); None watches forever.
    """
    from .build import warm_up
    from .checks.memo import PageMemo

    warm, memo = {}, PageMemo.of_build(options, deferred=True)
    with Changes() as changes:
        changes.follow(watched_folders(options))   # a save from now on wakes the first wait
        state = snapshot(watched_folders(options))

        def show(rebuilt: Rebuild) -> None:
            report(rebuilt)
            if preview is not None:
                show_in_preview(preview, rebuilt)

        show(rebuild(options, warm, built=show, memo=memo))
        memo.flush()
        memo.recall()
        warm_up(options, warm)                     # while the designer looks
        done = 0
        while rounds is None or done < rounds:
            changes.wait(watched_folders(options), poll)
            current = snapshot(watched_folders(options))
            if current == state:
                continue
            state = settled(options, current, poll, changes)
            with collected_after():
                show(rebuild(options, warm, built=show, memo=memo))
            memo.flush()                           # while the designer looks
            memo.recall()
            done += 1


@contextmanager
def collected_after():
    """No garbage collection while a rebuild runs; one once it is shown.

    The watch holds its engines (stylesheets, fonts, laid-out boxes) and the checks'
    memo: each full collection Python starts in a rebuild walks all of it, 0.4-0.8 s
    of a rebuild of 144 pages. The rebuild's garbage cycles wait for the collection
    after, while the designer looks (0.1 s at 36 pages, 0.4 s at 144). A process forked
    meanwhile (the parts' and merges' workers, the checks') collects its own garbage;
    the workers inherit the watch's heap frozen, so their collections leave it alone
    (workers.py)."""
    import gc

    global _CHILDREN_COLLECT
    if not _CHILDREN_COLLECT:
        os.register_at_fork(after_in_child=gc.enable)
        _CHILDREN_COLLECT = True
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
            gc.collect()


_CHILDREN_COLLECT = False      # os.register_at_fork done (once a process)


def settled(options: Options, current: dict, poll: float, changes=None) -> dict:
    """The files once nothing has been written to them for ``poll`` s (two looks ``poll``
    apart agree): an editor has finished writing."""
    while True:
        if changes is not None and changes.live:
            changes.quiet(poll)
        else:
            time.sleep(poll)
        again = snapshot(watched_folders(options))
        if again == current:
            return again
        current = again


class Changes:
    """Wakes the watch when a file under its folders is written: at once, told by
    Linux (inotify), or after ``poll`` s where that cannot be had (the files' snapshot
    decides what changed, either way). Idle, it costs nothing: no look every ``poll``."""

    MASK = 0x2 | 0x4 | 0x8 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800
    # IN_MODIFY ATTRIB CLOSE_WRITE MOVED_FROM MOVED_TO CREATE DELETE DELETE_SELF MOVE_SELF

    def __init__(self):
        import ctypes

        self.watched, self.fd = {}, -1
        try:
            self.libc = ctypes.CDLL("libc.so.6", use_errno=True)
            self.fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        except (OSError, AttributeError):
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exception) -> None:
        self.close()

    def close(self) -> None:
        """Let go of the inotify instance (a user has 128)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    @property
    def live(self) -> bool:
        return self.fd >= 0

    def wait(self, folders, poll: float, longest: float = 1.0) -> bool:
        """Until something under ``folders`` is written (True), or for ``longest`` s (a
        folder made meanwhile is watched from the next wait); ``poll`` s without inotify."""
        if not self.live:
            time.sleep(poll)
            return True
        self.follow(folders)
        return self._events(longest)

    def quiet(self, seconds: float) -> None:
        """Until nothing has been written for ``seconds``."""
        while self._events(seconds):
            pass

    def _events(self, timeout: float) -> bool:
        import select

        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            while data := os.read(self.fd, 65536):
                self._forget_removed(data)
        except BlockingIOError:
            pass
        return True

    def _forget_removed(self, events: bytes) -> None:
        """A folder deleted (or moved away) is watched again if it comes back."""
        import struct

        offset, gone = 0, set()
        while offset + 16 <= len(events):
            watch, mask, _, length = struct.unpack_from("iIII", events, offset)
            if mask & 0x8000:                      # IN_IGNORED: the watch is gone
                gone.add(watch)
            offset += 16 + length
        if gone:
            self.watched = {path: w for path, w in self.watched.items() if w not in gone}

    def follow(self, folders) -> None:
        """Be told of writes under ``folders`` (every folder in them) from now on."""
        if not self.live:
            return
        for folder in folders:
            folder = Path(folder)
            for path in [folder, *folder.rglob("*")] if folder.is_dir() else ():
                if path.is_dir() and path not in self.watched:
                    watch = self.libc.inotify_add_watch(self.fd, os.fsencode(path), self.MASK)
                    if watch >= 0:
                        self.watched[path] = watch


def show_in_preview(preview, rebuilt: Rebuild) -> None:
    """Hand one rebuild's pages, verdicts and findings to the preview."""
    from .preview import Mark

    findings = [Mark(check, d.severity, d.message, getattr(d, "page", None),
                        getattr(d, "box", None), str(d.file) if d.file else None, d.line, d.hint)
                for check, d in rebuilt.found]
    status = (f"rebuilt in {rebuilt.seconds:.1f} s: {rebuilt.pages} pages"
              if rebuilt.pages is not None else
              f"build failed after {rebuilt.seconds:.1f} s: showing the last good PDF")
    if rebuilt.verdicts:
        status += f"; checked in {rebuilt.checked:.1f} s"
    pdf = rebuilt.pdf if not rebuilt.verdicts else None      # the checks: the same pages
    preview.update(pdf, findings, rebuilt.checks, rebuilt.side, status)
