"""Look at a page as a reader does, inside its BleedBox: its picture and its characters."""

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..checks.pdftext import UnreadablePDF, ensure_readable

KEPT_LOOKS = 24              # rendered pages held at once: memory follows the page size,
                             # not the page count (a 2000-page diff took 7.8 GB)
MAX_SIDE = 5000 * 72 / 25.4  # pt: 5 m, far past any press sheet

SIGNATURE_WIDTH = 24    # px: enough to tell a page's layout from another's


@dataclass(frozen=True)
class Char:
    text: str
    box: tuple          # left, bottom, right, top in pt; None for a generated space


@dataclass
class PageLook:
    """One page rendered inside its BleedBox at ``dpi``, with its characters in content order."""

    number: int                 # 1-based
    image: object               # PIL RGB image of the BleedBox
    chars: list[Char]
    bleed: tuple                # left, bottom, right, top in pt
    trim: tuple
    dpi: float

    @cached_property
    def text(self) -> str:
        """The visible characters in content order, without white space."""
        return "".join(c.text for c in self.chars if not c.text.isspace())

    @cached_property
    def bigrams(self) -> frozenset:
        """The pairs of consecutive characters, to compare texts quickly."""
        from .align import bigrams

        return bigrams(self.text)

    @cached_property
    def signature(self):
        """A tiny grey picture of the page, to compare layouts quickly."""
        width, height = self.image.size
        size = (SIGNATURE_WIDTH, max(1, round(SIGNATURE_WIDTH * height / width)))
        return self.image.convert("L").resize(size, reducing_gap=2.0)


class PageViewer:
    """Opens a PDF with pdfium and looks at its pages on demand, each page once."""

    def __init__(self, path: Path, dpi: float):
        import pypdfium2 as pdfium

        self.dpi = dpi
        self.path = path
        ensure_readable(path)
        try:
            self.document = pdfium.PdfDocument(str(path))
        except (pdfium.PdfiumError, OSError) as error:
            raise UnreadablePDF(f"cannot read {path}: {error}") from None
        self.looks: dict[int, PageLook] = {}     # the latest KEPT_LOOKS, oldest first
        self.rendered = 0

    def __getitem__(self, number: int) -> PageLook:
        if number in self.looks:
            self.looks[number] = self.looks.pop(number)          # now the latest
        else:
            self._check_size(number)
            self.looks[number] = look_at_page(self.document, number, self.dpi)
            self.rendered += 1
            if len(self.looks) > KEPT_LOOKS:
                del self.looks[next(iter(self.looks))]
        return self.looks[number]

    def _check_size(self, number: int) -> None:
        width, height = self.document[number - 1].get_size()
        if max(width, height) > MAX_SIDE:
            raise UnreadablePDF(f"cannot read {self.path}: page {number} is "
                                f"{width * 25.4 / 72 / 1000:.0f} × {height * 25.4 / 72 / 1000:.0f} "
                                "m, larger than any press sheet")

    def __enter__(self) -> "PageViewer":
        return self

    def __exit__(self, *exc) -> None:
        self.document.close()


def look_at_page(document, number: int, dpi: float) -> PageLook:
    """Render page ``number`` (1-based) cropped to its BleedBox and read its characters."""
    page = document[number - 1]
    try:
        bleed, trim = _box(page.get_bleedbox()), _box(page.get_trimbox())
        visible = _box(page.get_cropbox())
        bleed = (max(bleed[0], visible[0]), max(bleed[1], visible[1]),
                 min(bleed[2], visible[2]), min(bleed[3], visible[3]))
        crop = (bleed[0] - visible[0], bleed[1] - visible[1],
                visible[2] - bleed[2], visible[3] - bleed[3])
        bitmap = page.render(scale=dpi / 72, crop=crop, draw_annots=False, rev_byteorder=True)
        image = bitmap.to_pil().convert("RGB")
        chars = _chars(page, bleed)
    finally:
        page.close()
    return PageLook(number, image, chars, bleed, trim, dpi)


def _chars(page, bleed: tuple) -> list[Char]:
    """Characters whose middle is inside the bleed, in content order; white space
    (typed or generated at line ends) kept as a word separator."""
    from ..checks.pdftext import characters

    textpage = page.get_textpage()
    chars = []
    try:
        for read in characters(textpage):
            if read.char.isspace() or not read.char.isprintable():
                chars.append(Char(" ", None))
                continue
            box = read.box
            middle_x, middle_y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            if bleed[0] <= middle_x <= bleed[2] and bleed[1] <= middle_y <= bleed[3]:
                chars.append(Char(read.char, box))
    finally:
        textpage.close()
    return chars


def _box(box) -> tuple:
    left, bottom, right, top = box
    return (min(left, right), min(bottom, top), max(left, right), max(bottom, top))
