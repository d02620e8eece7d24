"""Remember what each check read from each page, under the page's digest, so that
checking a rebuilt PDF reads again only the pages whose drawing changed.

A check hands `PageMemo.pages` the PDF, its own name and a reader that reads the
pages it is given; it gets back what it keeps of every page, in page order, read
for the pages that changed and remembered for the others. What it keeps must
depend on nothing but the page's digest (`page_digest`): its content streams, the
forms and pictures it draws, its boxes, the names of its fonts (their subsets
change with any page's text; a glyph's code does not). The document-wide
conclusions (the contents, the page count, each font once) are drawn by the check
from what is kept, every time.

``PageMemo()`` lives in memory (the watch keeps one for its life); ``PageMemo(folder)``
is also saved in ``folder`` (`pamphlet check`, so `make pdf` after an edit). Saved
entries carry the digest of pamphlet's code and of its PDF readers' versions: new
code reads every page again.
"""

import hashlib
import logging
import os
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

LOG = logging.getLogger("pamphlet")
SUBSET = re.compile(r"^[A-Z]{6}\+")        # ABCDEF+BIZUDMincho: a subset's tag
SKIPPED = ("/Parent", "/Annots", "/PamphletLinks", "/Font", "/StructParents")
DIGEST = 64                                # a page digest's hex digits; the salt follows


@dataclass
class PageMemo:
    folder: Path | None = None
    deferred: bool = False      # saved by `flush` (the watch: after the verdicts are shown)
    read: dict = field(default_factory=dict)      # check -> pages it read the last time
    _kept: dict = field(default_factory=dict)     # check -> {(number, digest): value}
    _digests: dict = field(default_factory=dict)  # (path, size, mtime) -> [digest]
    _unsaved: set = field(default_factory=set)    # checks whose pages `flush` saves
    _fresh: dict = field(default_factory=dict)    # check -> (every key, the values read)
    _held_by: dict = field(default_factory=dict)  # check -> the pid that loaded its pages
    _pid: int = field(default_factory=os.getpid)  # the process the memo was made in
    _handed: set = field(default_factory=set)     # checks a forked process saved

    @classmethod
    def of_build(cls, options, deferred: bool = False) -> "PageMemo":
        """The memo a brochure's builds keep, in build/cache/checks/."""
        return cls(options.build_dir / "cache" / "checks", deferred)

    def kept(self, check: str) -> tuple:
        """What ``check`` keeps, to hand from a forked process to its parent (`adopt`).

        - "read": the pages it read, and every page's key in order, when the process
          the memo was made in (the parent) had loaded the rest before forking;
        - "saved": nothing, when this forked process loaded them itself: it saves them
          here (a file written), while the parent goes on with its own checks — the
          screen check's 0.8 MB at 36 pages took the guide's build 0.16 s to hand
          over and unpickle;
        - "all": every page, for a memo that is not saved (or could not be), and in the
          process the memo was made in.
        """
        read = self.read.get(check)
        if os.getpid() != self._pid and check in self._fresh:
            if self._held_by.get(check) == self._pid:
                return "read", self._fresh[check], check in self._unsaved, read
            if self.folder is not None and check in self._unsaved:
                self._save(check, self._kept[check])
            if self.folder is not None:
                return "saved", None, False, read
        return "all", self._kept.get(check, {}), check in self._unsaved, read

    def adopt(self, check: str, kept: tuple) -> None:
        """Take what ``check`` kept in another process (`kept`): "saved" drops what this
        process held of it (loaded from the saved memo when next needed); "none" (the
        check read nothing: its PDF was unreadable) leaves it as it was."""
        how, pages, unsaved, read = kept
        if how == "none":
            return
        if how == "read":           # every page's key, and what was read of some
            (order, fresh), held = pages, self._kept[check]
            self._kept[check] = {key: fresh[key] if key in fresh else held[key]
                                 for key in order}
        elif how == "saved":
            self._kept.pop(check, None)
            self._unsaved.discard(check)
            self._handed.add(check)
        else:
            self._kept[check] = pages
            self._held_by[check] = os.getpid()
        if unsaved:
            self._unsaved.add(check)
        if read is not None:
            self.read[check] = read

    def recall(self) -> None:
        """Load again what checks in forked processes saved (`kept`), so that the next
        ones hand back only the pages they read: the watch does it while the designer
        looks."""
        for check in sorted(self._handed):
            self._held(check)
        self._handed.clear()

    def flush(self) -> None:
        """Save what the checks read since the last flush (a deferred memo's saving)."""
        for check in sorted(self._unsaved):
            self._save(check, self._kept[check])
        self._unsaved.clear()

    def pages(self, pdf: Path, check: str, read: Callable[[list[int]], dict],
              given: str = "") -> list:
        """What ``check`` keeps of each page of ``pdf``, in page order: remembered
        where the page is unchanged, else ``read(numbers)`` -> {number: value}.
        ``given`` says what else the check's findings depend on (the print spec it
        checks against): a page checked given something else is read again."""
        salt = hashlib.sha256(given.encode()).hexdigest()[:16]
        keys = [(number, digest + salt) for number, digest in
                enumerate(self.digests(pdf), start=1)]
        kept = self._held(check)
        missing = [number for number, key in keys if (number, key) not in kept]
        fresh = read(missing) if missing else {}
        now = {(number, key): fresh[number] if number in fresh else kept[(number, key)]
               for number, key in keys}
        self._kept[check] = now
        self._fresh[check] = list(now), {(number, key): fresh[number]
                                         for number, key in keys if number in fresh}
        self.read[check] = len(missing)
        if missing:
            self._changed(check)
        return [now[(number, key)] for number, key in keys]

    def digests(self, pdf: Path) -> list[str]:
        """Each page's `page_digest`, worked out once per version of the file (one
        that `pdftext.ensure_readable` let through)."""
        stat = Path(pdf).stat()
        mark = (str(Path(pdf).resolve()), stat.st_size, stat.st_mtime_ns)
        if mark not in self._digests:
            import pikepdf
            with pikepdf.open(pdf) as document:
                digests = [page_digest(page.obj) for page in document.pages]
            kept = {k: v for k, v in self._digests.items() if k[0] != mark[0]}   # other PDFs
            self._digests = {**kept, mark: digests}
        return self._digests[mark]

    def unread(self, pdf: Path, check: str) -> int:
        """How many pages of ``pdf`` ``check`` has not read as they are now, whatever it
        read them given (`pages`' ``given``: a new print spec is rare)."""
        seen = {(number, key[:DIGEST]) for number, key in self._held(check)}
        return sum((number, digest) not in seen
                   for number, digest in enumerate(self.digests(pdf), start=1))

    def _held(self, check: str) -> dict:
        """What ``check`` kept, loaded from the saved memo the first time."""
        if check not in self._kept:
            self._kept[check] = self._load(check)
            self._held_by[check] = os.getpid()
        return self._kept[check]

    def _changed(self, check: str) -> None:
        self._unsaved.add(check)
        if not self.deferred:
            self.flush()

    def _load(self, check: str) -> dict:
        if self.folder is None:
            return {}
        try:
            saved = pickle.loads((self.folder / f"{check}.pickle").read_bytes())
        except Exception:       # none yet, or damaged: every page is read again
            return {}
        return saved["pages"] if saved.get("code") == code_digest() else {}

    def _save(self, check: str, kept: dict) -> None:
        """Keep ``check``'s pages for the next process; a memo that cannot be written is
        said once and kept in memory only: the checks do not fail for want of a cache."""
        if self.folder is None:
            return
        from ..diagnostics import PamphletError
        from ..write import write_atomically

        data = pickle.dumps({"code": code_digest(), "pages": kept})
        try:
            write_atomically(self.folder / f"{check}.pickle", lambda path: path.write_bytes(data))
        except PamphletError as error:
            LOG.warning("cache: %s; the checks will read every page next time",
                        error.diagnostics[0].message)
            self.folder = None


def page_digest(page) -> str:
    """A digest of what a page draws: its content streams, its boxes and, depth first,
    the streams of the forms and pictures its resources hold, and its fonts' names
    without their subset tags (a subset changes with any page's text; a page's glyph
    codes are in its content)."""
    digest, seen = hashlib.sha256(), set()
    _feed(page, digest, seen)
    return digest.hexdigest()


def _feed(obj, digest, seen: set) -> None:
    import pikepdf

    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        if obj.objgen in seen:
            return
        seen.add(obj.objgen)
    if isinstance(obj, pikepdf.Stream):
        digest.update(obj.read_raw_bytes())
        items = obj.stream_dict.items()
    elif isinstance(obj, pikepdf.Dictionary):
        items = obj.items()
    elif isinstance(obj, pikepdf.Array):
        items = enumerate(obj)
    else:
        digest.update(repr(obj).encode())
        return
    for key, value in items:
        if key == "/Font":
            _feed_font_names(value, digest)
        if key in SKIPPED:
            continue
        digest.update(str(key).encode())
        _feed(value, digest, seen)


def _feed_font_names(fonts, digest) -> None:
    for name, font in fonts.items():
        base = str(font.get("/BaseFont", ""))
        digest.update(f"{name}={SUBSET.sub('', base.lstrip('/'))};".encode())


def code_digest() -> str:
    """pamphlet's own files and the versions of the libraries that read PDFs."""
    global _CODE
    if _CODE is None:
        from importlib.metadata import version

        from ..fonts import file_sha256
        digest = hashlib.sha256()
        for package in ("pypdfium2", "pikepdf", "pillow"):
            digest.update(f"{package}={version(package)}".encode())
        here = Path(__file__).parents[1]
        for path in sorted(here.rglob("*.py")):
            digest.update(f"{path.relative_to(here)}:{file_sha256(path)}".encode())
        _CODE = digest.hexdigest()
    return _CODE


_CODE = None
