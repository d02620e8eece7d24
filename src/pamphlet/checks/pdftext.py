"""Read what a reader sees on each PDF page: text lines with their size and place."""

import ctypes
import math
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..diagnostics import UnreadablePDF


@dataclass
class Line:
    """A run of characters on one baseline in one font size."""

    text: str
    size: float          # font size in pt
    left: float
    bottom: float
    right: float
    top: float
    boxes: list = field(default_factory=list)   # one (left, bottom, right, top) per char


@dataclass
class PageText:
    index: int                          # 1-based place in the document
    trim: tuple                         # (left, bottom, right, top) of the TrimBox
    lines: list[Line] = field(default_factory=list)
    links: list = field(default_factory=list)   # (rect, destination name)

    @property
    def text(self) -> str:
        return normalize("".join(line.text for line in self.lines))

    def text_in(self, rect) -> str:
        left, bottom, right, top = rect
        return "".join(char for line in self.lines for char, box in zip(line.text, line.boxes)
                       if left - 1 <= (box[0] + box[2]) / 2 <= right + 1
                       and bottom - 1 <= (box[1] + box[3]) / 2 <= top + 1)


@lru_cache(maxsize=1 << 16)        # the contents check asks for every line, every check
def normalize(text: str) -> str:
    """Compare texts as a reader would: NFKC, no white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def ensure_readable(path: Path) -> None:
    """Raise `UnreadablePDF` unless ``path`` is a regular file that qpdf and pdfium open
    as a PDF, unencrypted, with a page tree that ends (every checker starts here)."""
    import pikepdf

    if not path.is_file():              # a FIFO would block every reader for ever
        raise UnreadablePDF(f"cannot read {path}: not a file")
    stat = path.stat()
    mark = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if mark in _READABLE:               # `pamphlet check` asks once per checker
        return
    encrypted = UnreadablePDF(f"cannot read {path}: it is encrypted (a PDF for the press "
                              "or the screen opens without a password or restrictions)")
    try:
        with pikepdf.open(path) as pdf:
            if pdf.is_encrypted:
                raise encrypted
            len(pdf.pages)                 # qpdf walks the page tree: a loop is an error
    except pikepdf.PasswordError:
        raise encrypted from None
    except pikepdf.PdfError as error:
        said = str(error).removeprefix(f"{path}: ").removeprefix(f"{path} ")
        raise UnreadablePDF(f"cannot read {path}: damaged PDF ({said})") from None
    try:
        pdfium.PdfDocument(str(path)).close()
    except (pdfium.PdfiumError, FileNotFoundError, OSError) as error:
        raise UnreadablePDF(f"cannot read {path}: {error}") from None
    _READABLE.add(mark)


_READABLE: set = set()


@contextmanager
def open_pdf(path: Path):
    """``with open_pdf(path) as document``: the one way a checker opens a PDF (pdfium),
    once `ensure_readable` said it can; closed after. Raises `UnreadablePDF`."""
    ensure_readable(path)
    try:
        document = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, FileNotFoundError, OSError) as error:
        raise UnreadablePDF(f"cannot read {path}: {error}") from None
    try:
        yield document
    finally:
        document.close()


@contextmanager
def open_objects(path: Path):
    """``with open_objects(path) as pdf``: the one way a checker reads a PDF's objects
    (pikepdf: catalog, pages, resources, streams), once `ensure_readable` said it can;
    closed after. Raises `UnreadablePDF`."""
    import pikepdf

    ensure_readable(path)
    try:
        document = pikepdf.open(path)
    except (pikepdf.PdfError, OSError) as error:   # replaced since ensure_readable read it
        raise UnreadablePDF(f"cannot read {path}: {error}") from None
    try:
        yield document
    finally:
        document.close()


def text_pages(document, numbers=None):
    """Each page's (1-based number, pdfium page, its text page), closed as the next comes;
    only the pages ``numbers`` names, when given."""
    for number in numbers if numbers is not None else range(1, len(document) + 1):
        page = document[number - 1]
        textpage = page.get_textpage()
        try:
            yield number, page, textpage
        finally:
            textpage.close()
            page.close()


class Char(NamedTuple):
    """One character as pdfium reads it: what it is, whether pdfium made it up (a line
    end's \\r\\n, a space between words), its font size and text matrix (a, b, c, d;
    None when pdfium has none), its tight box and its loose (advance) box, both (left,
    bottom, right, top) in pt, and its origin (x, y)."""

    char: str
    generated: bool
    font_size: float
    matrix: tuple | None
    box: tuple
    loose: tuple
    origin: tuple

    @property
    def scale(self) -> float:
        """How much the text matrix enlarges the font (its area's square root)."""
        if self.matrix is None:
            return 1.0
        a, b, c, d = self.matrix
        return math.sqrt(abs(a * d - b * c))


def characters(textpage) -> list[Char]:
    """Every character of a pdfium text page, in content order: the one reading of
    characters every checker (contents, typography, vertical text, preflight) and the
    diff's look share."""
    raw, handle = pdfium_c, textpage.raw
    matrix, loose = raw.FS_MATRIX(), raw.FS_RECTF()
    left, right, bottom, top, x, y = (ctypes.c_double() for _ in range(6))
    to_matrix, to_loose = ctypes.byref(matrix), ctypes.byref(loose)
    to_box = [ctypes.byref(v) for v in (left, right, bottom, top)]
    to_origin = ctypes.byref(x), ctypes.byref(y)
    unicode, generated, size = raw.FPDFText_GetUnicode, raw.FPDFText_IsGenerated, \
        raw.FPDFText_GetFontSize
    get_matrix, get_box, get_loose, get_origin = raw.FPDFText_GetMatrix, \
        raw.FPDFText_GetCharBox, raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetCharOrigin
    found = []
    for index in range(raw.FPDFText_CountChars(handle)):
        has_matrix = get_matrix(handle, index, to_matrix)
        get_box(handle, index, *to_box)
        get_loose(handle, index, to_loose)
        get_origin(handle, index, *to_origin)
        found.append(Char(
            chr(unicode(handle, index)), generated(handle, index) == 1, size(handle, index),
            (matrix.a, matrix.b, matrix.c, matrix.d) if has_matrix else None,
            (left.value, bottom.value, right.value, top.value),
            (loose.left, loose.bottom, loose.right, loose.top), (x.value, y.value)))
    return found


def read_pages(path: Path, memo=None) -> list[PageText]:
    """Each page's lines; with ``memo`` (a `memo.PageMemo`), read again only the pages
    that changed since it last read them."""
    from .memo import PageMemo

    ensure_readable(path)
    return (memo or PageMemo()).pages(path, "text", lambda numbers: _read_pages(path, numbers))


def _read_pages(path: Path, numbers: list[int]) -> dict[int, PageText]:
    with open_pdf(path) as document:
        return {number: PageText(number, tuple(page.get_trimbox()),
                                 _lines(characters(textpage)))
                for number, page, textpage in text_pages(document, numbers)}


def _lines(chars: list[Char]) -> list[Line]:
    """Group characters, in content order, into lines: a new line where the
    baseline jumps, the size changes, or the text goes back to the left."""
    lines, current = [], None
    for found in chars:
        char = found.char
        if char in "\r\n":
            current = None
            continue
        size = round(found.font_size * found.scale, 1)     # the size a reader sees
        left, bottom, right, top = found.box
        if char == " " and current is not None:
            current.text += char
            current.boxes.append((left, bottom, right, top))
            continue
        if current is None or _breaks(current, size, left, bottom, top):
            current = Line(char, size, left, bottom, right, top, [(left, bottom, right, top)])
            lines.append(current)
        else:
            current.text += char
            current.boxes.append((left, bottom, right, top))
            current.right = max(current.right, right)
            current.top, current.bottom = max(current.top, top), min(current.bottom, bottom)
    return lines


def _breaks(line: Line, size: float, left: float, bottom: float, top: float) -> bool:
    if abs(size - line.size) > 0.2:
        return True
    middle = (bottom + top) / 2
    if not line.bottom - size * 0.3 <= middle <= line.top + size * 0.3:
        return True
    return left < line.left - 1
