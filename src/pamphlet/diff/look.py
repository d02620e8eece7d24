"""Look at a page as a reader does, inside its BleedBox: its picture and its characters."""

from dataclasses import dataclass, field
from pathlib import Path

from ..checks.pdftext import UnreadablePDF

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
    _signature: object = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars if not c.text.isspace())

    @property
    def signature(self):
        """A tiny grey picture of the page, to compare layouts quickly."""
        if self._signature is None:
            width, height = self.image.size
            size = (SIGNATURE_WIDTH, max(1, round(SIGNATURE_WIDTH * height / width)))
            self._signature = self.image.convert("L").resize(size, reducing_gap=2.0)
        return self._signature


class PageViewer:
    """Opens a PDF with pdfium and looks at its pages on demand, each page once."""

    def __init__(self, path: Path, dpi: float):
        import pypdfium2 as pdfium

        self.dpi = dpi
        try:
            self.document = pdfium.PdfDocument(str(path))
        except (pdfium.PdfiumError, OSError) as error:
            raise UnreadablePDF(f"cannot read {path}: {error}") from None
        self.looks: dict[int, PageLook] = {}

    def __getitem__(self, number: int) -> PageLook:
        if number not in self.looks:
            self.looks[number] = look_at_page(self.document, number, self.dpi)
        return self.looks[number]

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
    """Characters whose middle is inside the bleed, in content order; generated
    spaces and line ends kept as word separators."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    chars = []
    try:
        for index in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
            text = chr(code) if 0 < code < 0x110000 else ""
            if not text or pdfium_c.FPDFText_IsGenerated(textpage.raw, index) == 1 \
                    or text.isspace():
                chars.append(Char(" ", None))
                continue
            box = textpage.get_charbox(index)
            middle_x, middle_y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            if bleed[0] <= middle_x <= bleed[2] and bleed[1] <= middle_y <= bleed[3]:
                chars.append(Char(text, tuple(box)))
    finally:
        textpage.close()
    return chars


def _box(box) -> tuple:
    left, bottom, right, top = box
    return (min(left, right), min(bottom, top), max(left, right), max(bottom, top))
