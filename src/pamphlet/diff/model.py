"""What a diff finds, as data: the report, report.json and the terminal line are views of it."""

from dataclasses import dataclass, field
from pathlib import Path

from ..spec import MM   # PDF points per millimetre

STATUSES = ("same", "changed", "added", "removed")


@dataclass(frozen=True)
class DiffOptions:
    """How closely to look. Defaults here; the command line overrides them."""

    dpi: float = 96             # good for screens: 7 pt text is 9 px high
    tolerance: int = 24         # per channel, of 255: less is rendering noise
    min_area: int = 6           # changed pixels a region needs (at dpi) to count
    ignore: tuple = ()          # IgnoreBox, masking what is meant to change
    changes: Path | None = None     # make diff's git changes (JSON): each field's git diff
    approvals: Path | None = None   # review/approvals.yaml: stale approvals first, comments
    fonts: Path | None = None       # the report's fonts (default: the kit's fonts/)


@dataclass(frozen=True)
class IgnoreBox:
    """A region of the new PDF's pages that may change: ``box`` is x, y, width,
    height in mm from the trim's top left; ``page`` None means every page."""

    page: int | None
    box: tuple
    source: str = "--ignore"

    def applies_to(self, page: int | None) -> bool:
        return page is not None and self.page in (None, page)


@dataclass(frozen=True)
class Region:
    """One changed area: where in the report's images, where on the page, how many pixels."""

    box_px: tuple       # x, y, width, height in the page images (BleedBox at dpi)
    box_mm: tuple       # x, y, width, height from the trim's top left
    pixels: int
    kind: str = "picture"       # text, moved, reflowed, appearance (same text, same place), picture
    source: dict | None = None  # what made it (sources.py): field, file, line, or the files

    def as_dict(self) -> dict:
        data = {"box_mm": list(self.box_mm), "box_px": list(self.box_px), "pixels": self.pixels,
                "kind": self.kind}
        if self.source is not None:
            data["source"] = self.source
        return data


@dataclass
class PageResult:
    """One step of the alignment: a page kept (same or changed), added or removed."""

    status: str
    old_page: int | None            # 1-based, None for an added page
    new_page: int | None            # 1-based, None for a removed page
    changed_fraction: float = 0.0   # share of the BleedBox's pixels that changed
    regions: list = field(default_factory=list)
    text: dict = field(default_factory=dict)
    ignored: list = field(default_factory=list)     # IgnoreBox applied to this page
    similarity: float | None = None                 # how alike the pair looked when aligned
    pictures: dict = field(default_factory=dict)    # PIL images for the report, not JSON
    images: dict = field(default_factory=dict)      # file names the report wrote
    scale: tuple = (1.0, (0.0, 0.0))                # px per mm, trim's top left in mm
    moved: bool = False                             # out of the old order (align.py)
    source: dict | None = None                      # a moved, added or removed page's cause
    approval: dict | None = None                    # approved before: by, at, stale or not
    comments: list = field(default_factory=list)    # reviewers' pins shown on this page

    def as_dict(self) -> dict:
        data = {"status": self.status, "old_page": self.old_page, "new_page": self.new_page,
                "changed_fraction": round(self.changed_fraction, 6),
                "regions": [r.as_dict() for r in self.regions], "text": self.text}
        for name in ("moved", "source", "approval"):
            if getattr(self, name):
                data[name] = getattr(self, name)
        if self.comments:
            data["comments"] = self.comments
        if self.ignored:
            data["ignored"] = [{"box_mm": list(i.box), "from": i.source} for i in self.ignored]
        if self.similarity is not None:
            data["similarity"] = round(self.similarity, 3)
        if self.images:
            data["images"] = self.images
        return data


@dataclass
class DiffResult:
    old: Path
    new: Path
    options: DiffOptions
    old_count: int
    new_count: int
    pages: list[PageResult]
    rendered: dict = field(default_factory=dict)    # pages rasterised, per side
    causes: dict = field(default_factory=dict)      # input files and theme fields changed
    review: dict = field(default_factory=dict)      # approvals: stale first; comments' homes
    notes: list = field(default_factory=list)       # what the diff could not use, and why
    text_moves: list = field(default_factory=list)  # text that left one page for another

    @property
    def counts(self) -> dict:
        return {status: sum(p.status == status for p in self.pages) for status in STATUSES}

    @property
    def differs(self) -> bool:
        return any(p.status != "same" for p in self.pages)

    def summary(self) -> str:
        """One line for the terminal: ``3 of 36 pages changed: 7 (2.1 %), 21 (added)``."""
        listed = [_label(p) for p in self.pages if p.status != "same"]
        head = f"{len(listed)} of {self.new_count} pages changed"
        stale = self.review.get("stale") or []
        first = f"{len(stale)} approved page{'s' if len(stale) != 1 else ''} changed since " \
            f"approval: {', '.join(str(s['page']) for s in stale)}; " if stale else ""
        return first + head + (": " + ", ".join(listed) if listed else "")

    def as_dict(self) -> dict:
        return {"old": str(self.old), "new": str(self.new),
                "old_pages": self.old_count, "new_pages": self.new_count,
                "summary": self.counts, "options": _options(self.options),
                "rendered": self.rendered, "causes": self.causes, "review": self.review,
                "moved_text": self.text_moves,
                "notes": self.notes, "pages": [p.as_dict() for p in self.pages]}


def _label(page: PageResult) -> str:
    if page.status == "removed":
        return f"old {page.old_page} (removed)"
    if page.status == "added":
        return f"{page.new_page} (added)"
    share = page.changed_fraction * 100
    moved = f"moved from {page.old_page}, " if page.moved else ""
    if share >= 0.05:
        return f"{page.new_page} ({moved}{share:.1f} %)"
    return f"{page.new_page} ({moved}{'<0.1 %' if share else 'text only'})"


def _options(options: DiffOptions) -> dict:
    return {"dpi": options.dpi, "tolerance": options.tolerance, "min_area": options.min_area,
            "ignore": [{"page": i.page, "box_mm": list(i.box), "from": i.source}
                       for i in options.ignore]}
