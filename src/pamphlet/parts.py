"""What a part is: one page definition's pages as a small PDF, made or reused.

The types both sides share: `build.make_part` makes a `Part`, `cache.py` keeps
it, merge.py joins `PartFile`s.
"""

from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import PamphletError

PRINT, SCREEN = "print", "screen"
PART_ID = b"pamphlet-part"     # a part's /ID; the merged PDF gets its own


@dataclass
class PartFile:
    """What merge needs of a part: its PDF and what draw.py recorded."""

    pdf: Path
    fonts: dict
    bookmarks: list
    heights: list


@dataclass
class Part:
    """A made (or reused) part: where its PDF is and what merge.py needs."""

    page_id: str
    key: str
    html: str                 # the definition's HTML, as in build/pamphlet.html
    fonts: dict
    bookmarks: list
    heights: list
    seconds: float            # what making it cost (orders the next cold build's work)
    edition: str = PRINT      # or SCREEN: RGB, tagged
    pictures: list = field(default_factory=list)   # warnings on its pictures (engine/pictures.py),
    pdf: Path | None = None                        # as dicts: said again when reused
    reused: bool = False
    timing: str = ""
    data: bytes | None = None     # the PDF's bytes until cache.save stores them

    def file(self) -> PartFile:
        return PartFile(self.pdf, self.fonts, self.bookmarks, self.heights)

    @property
    def name(self) -> str:
        return self.page_id if self.edition == PRINT else f"{self.page_id} ({self.edition})"


@dataclass
class Failed:
    """A part that could not be made: the problems, and its pages for inspection."""

    page_id: str
    problems: list
    inspection: bytes | None = None


@dataclass
class Made:
    """Each edition's parts in page order, and what the stylesheets' parsing noticed."""

    parts: dict               # edition -> [Part]
    warnings: list            # Diagnostics: declarations WeasyPrint ignored


class PartsFailed(PamphletError):
    """The problems of every part that failed, each said once (a broken layout
    fails every definition that uses it, with the same problem)."""

    def __init__(self, failed: list[Failed], warnings: list = ()):
        super().__init__(list(dict.fromkeys(problem for part in failed
                                            for problem in part.problems)) + list(warnings))
        self.failed = failed


def describe(parts: list[Part]) -> str:
    """"N of M page definitions laid out" (the others reused from the cache)."""
    made = [p for p in parts if not p.reused]
    return f"{len(made)} of {len(parts)} page definitions laid out"
