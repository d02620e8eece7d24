"""Decide what the preview shows: each page's picture, which pages changed, the findings."""

import io
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

DPI = 60                      # an A4 page is 496 × 702 px: a spread fits a laptop screen


@dataclass(frozen=True)
class Mark:
    """A finding as the preview draws it (from a Diagnostic): ``box`` in mm from the
    trim's top left (x, y, width, height), or None for the page as a whole."""

    check: str                # contents, preflight, typography, screen, build
    severity: str             # error or warning
    message: str
    page: int | None = None
    box: tuple | None = None
    file: str | None = None
    line: int | None = None
    hint: str | None = None


@dataclass
class Page:
    number: int
    digest: str
    png: bytes
    width_mm: float
    height_mm: float


@dataclass
class PreviewState:
    """The preview's data, shared by the watch loop (writer) and the server (readers)."""

    version: int = 0
    pages: dict = field(default_factory=dict)          # number -> Page
    changed: list = field(default_factory=list)        # page numbers the last rebuild changed
    findings: list = field(default_factory=list)
    checks: dict = field(default_factory=dict)         # check name -> {ok, summary}
    side: str = "left"
    status: str = "starting"
    _condition: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def update(self, pdf: Path | None, findings: list, checks: dict | None = None,
               side: str = "left", status: str = "") -> None:
        """Read ``pdf`` (None: keep the pages — the build failed, or these are the checks
        of the pages shown), render the pages whose content changed, and wake every
        waiting page."""
        pages, changed = (self._read(pdf) if pdf is not None else (self.pages, self.changed))
        with self._condition:
            self.pages, self.changed, self.findings = pages, changed, list(findings)
            self.checks = dict(checks or {})
            self.side, self.status = side, status
            self.version += 1
            self._condition.notify_all()

    def wait(self, after: int, timeout: float) -> int:
        """Block until the version passes ``after`` (or ``timeout`` s); the version."""
        with self._condition:
            self._condition.wait_for(lambda: self.version > after, timeout)
            return self.version

    def as_dict(self) -> dict:
        with self._condition:
            return {"version": self.version, "side": self.side, "status": self.status,
                    "changed": list(self.changed), "checks": dict(self.checks),
                    "pages": [{"number": p.number, "digest": p.digest[:16],
                               "width": p.width_mm, "height": p.height_mm}
                              for p in sorted(self.pages.values(), key=lambda p: p.number)],
                    "findings": [asdict(f) for f in self.findings]}

    def png(self, number: int) -> bytes | None:
        with self._condition:
            page = self.pages.get(number)
            return page.png if page is not None else None

    def _read(self, pdf: Path) -> tuple[dict, list]:
        import pikepdf

        from ..checks.memo import page_digest

        pages, changed = {}, []
        with pikepdf.open(pdf) as document:
            digests = [page_digest(page.obj) for page in document.pages]
            boxes = [_trim_mm(page.obj) for page in document.pages]
        fresh = [n for n, digest in enumerate(digests, start=1)
                 if n not in self.pages or self.pages[n].digest != digest]
        pictures = render_pages(pdf, {n: boxes[n - 1] for n in fresh})
        for number, digest in enumerate(digests, start=1):
            if number in pictures:
                pages[number] = Page(number, digest, pictures[number], *boxes[number - 1][2:])
            else:
                pages[number] = self.pages[number]
        changed = fresh if self.pages else []
        return pages, changed


def _trim_mm(page) -> tuple:
    """(left, top offset of the trim in the media box, width, height), in mm."""
    from ..spec import MM as mm
    media = [float(v) for v in page.MediaBox]
    trim = [float(v) for v in page.get("/TrimBox", page.MediaBox)]
    return ((trim[0] - media[0]) / mm, (media[3] - trim[3]) / mm,
            round((trim[2] - trim[0]) / mm, 2), round((trim[3] - trim[1]) / mm, 2))


def render_pages(pdf: Path, trims: dict) -> dict:
    """{page number: PNG} of the pages ``trims`` names, each cut to its trim (pdfium,
    not the engine that wrote them)."""
    import pypdfium2

    if not trims:
        return {}
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return {number: _png(document[number - 1], trim) for number, trim in trims.items()}
    finally:
        document.close()


def _png(page, trim: tuple) -> bytes:
    image = page.render(scale=DPI / 72).to_pil()
    px = DPI / 25.4
    left, top, width, height = trim
    image = image.crop((round(left * px), round(top * px), round((left + width) * px),
                        round((top + height) * px)))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PNG", optimize=False)
    return buffer.getvalue()
