"""Tell identical pages apart without rasterising: a digest of what a page draws in its BleedBox.

Two pages with the same digest draw the same thing inside the BleedBox: the same
content streams using the same resources, compared by content: object numbers
and resource names may differ between the files (WeasyPrint names an image
after its URL, which differs between two checkouts), so each resource name in a
content stream is replaced by its resource's digest.  A different digest only
makes the page a candidate: the pixels decide.  Two things would make every
page differ for no visible reason, and are left out:

* the trim marks and slug line (file name, date, page number) that press.py draws
  after the artwork's bleed clip, outside the BleedBox;
* the parts of a subset font that depend on which glyphs the whole document uses
  (font file, widths, ToUnicode): a subset tag names the font, and WeasyPrint
  keeps glyph ids, so the same tag and the same content stream draw the same glyphs.
"""

import hashlib
import os
import re
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path

from ..checks.pdftext import UnreadablePDF

REFERENCE = re.compile(rb"(\d+) (\d+) R")
BLEED_CLIP = re.compile(rb"\s*q\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+re\s+W\s+n\s*")
SUBSET_TAG = re.compile(r"^/[A-Z]{6}\+")
CATEGORIES = ("/ExtGState", "/ColorSpace", "/Pattern", "/Shading", "/XObject", "/Font",
              "/Properties")
DELIMITER = rb"(?=[\s/\[\]()<>{}%]|$)"
DIGESTS = "pamphlet-page/2"    # how a digest is made: approvals keep it (review/); change
                               # it whenever the digest of the same page would change
PARALLEL_FROM = 8_000_000     # bytes of PDF from which the two are read side by side
SUBSET_KEYS = {"/FontFile", "/FontFile2", "/FontFile3", "/CIDSet", "/CharSet", "/W", "/W2",
               "/Widths", "/FirstChar", "/LastChar", "/CIDToGIDMap", "/ToUnicode"}


@dataclass(frozen=True)
class PageKey:
    """A page as the alignment sees it before looking: its digest and its boxes (pt)."""

    number: int         # 1-based
    digest: bytes
    bleed: tuple        # left, bottom, right, top
    trim: tuple


def fingerprint_pages(path: Path) -> list[PageKey]:
    """Digest every page of the PDF at ``path``; raises `UnreadablePDF`."""
    import pikepdf

    with _open(path) as pdf:
        digests = _Digests(pdf)
        try:
            return [_page_key(number, page, digests)
                    for number, page in enumerate(pdf.pages, start=1)]
        except (pikepdf.PdfError, AttributeError, KeyError, TypeError, ValueError) as error:
            raise _unreadable(path, f"damaged page structure ({_qpdf_message(error, path)})",
                              "was the build finished?") from None


def fingerprint_both(old: Path, new: Path) -> tuple[list[PageKey], list[PageKey]]:
    """`fingerprint_pages` of both PDFs; of large ones side by side, the old in a forked
    process (reading the objects is most of a large diff's time)."""
    if _size(old) + _size(new) < PARALLEL_FROM or not hasattr(os, "fork"):
        return fingerprint_pages(old), fingerprint_pages(new)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        olds = pool.submit(fingerprint_pages, old)
        news = fingerprint_pages(new)
        return olds.result(), news


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0


def _open(path: Path):
    """Open with pikepdf, or say plainly why not."""
    import pikepdf

    try:
        with open(path, "rb") as handle:
            head = handle.read(1024)
    except FileNotFoundError:
        raise _unreadable(path, "no such file", "check the path") from None
    except IsADirectoryError:
        raise _unreadable(path, "it is a folder", "name the PDF file inside it") from None
    except OSError as error:
        raise UnreadablePDF(f"cannot read {path}: {error.strerror}") from None
    if not head:
        raise _unreadable(path, "the file is empty", "was the build finished?")
    if b"%PDF-" not in head:
        raise _unreadable(path, "not a PDF (it does not start with %PDF-)",
                          "is it a PDF? was the build finished?")
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        raise _unreadable(path, "it is encrypted", "compare unencrypted PDFs") from None
    except pikepdf.PdfError as error:
        raise _unreadable(path, f"damaged PDF ({_qpdf_message(error, path)})",
                          "was the build finished?") from None
    warnings = [_qpdf_message(w, path) for w in pdf.get_warnings()]
    if any("damaged" in w for w in warnings):      # qpdf rebuilt it: pages may be missing
        pdf.close()
        raise _unreadable(path, f"damaged PDF ({'; '.join(warnings[:2])})",
                          "was the build finished?")
    return pdf


def _page_key(number: int, page, digests: "_Digests") -> PageKey:
    bleed, trim = _box(page.bleedbox), _box(page.trimbox)
    visible = _intersect(bleed, _box(page.cropbox))
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((visible, trim, int(page.obj.get("/Rotate", 0)))).encode())
    names = digests.names(page.obj.get("/Resources"))
    for stream in _drawn_streams(_contents(page), bleed):
        digest.update(digests.content(stream, names))
    return PageKey(number, digest.digest(), bleed, trim)


def _contents(page) -> list:
    import pikepdf

    contents = page.obj.get("/Contents")
    if contents is None:
        return []
    return list(contents) if isinstance(contents, pikepdf.Array) else [contents]


def _drawn_streams(streams: list, bleed: tuple) -> list:
    """The content streams that may paint inside the BleedBox.

    press.py clips the artwork with ``q <bleed> re W n`` in a first stream and
    draws the marks and the slug after closing that clip (``Q``) in a last one,
    outside the bleed: that last stream is left out.
    """
    if len(streams) >= 3 and _clips_to(streams[0], bleed) \
            and streams[-1].read_bytes().lstrip().startswith(b"Q"):
        return streams[:-1]
    return streams


def _clips_to(stream, bleed: tuple) -> bool:
    match = BLEED_CLIP.fullmatch(stream.read_bytes())
    if not match:
        return False
    try:
        x, y, width, height = (float(v) for v in match.groups())
    except ValueError:
        return False
    return all(abs(a - b) < 0.01 for a, b in zip((x, y, x + width, y + height), bleed))


class _Digests:
    """Content digests of a PDF's objects, each indirect object hashed once."""

    def __init__(self, pdf):
        self.pdf = pdf
        self.memo: dict[tuple, bytes] = {}
        self.tables: dict[tuple, "_Names"] = {}

    def names(self, resources) -> "_Names":
        """The resource names of a content stream, each to stand for its content's digest."""
        key = resources.objgen if resources is not None and resources.is_indirect else None
        if key in self.tables:
            return self.tables[key]
        table = _Names({})
        for category in CATEGORIES if resources is not None else ():
            entries = resources.get(category)
            for name, value in entries.items() if entries is not None else ():
                table.tokens[name.encode()] = b"/" + self.of(value).hex().encode()
        if key is not None:
            self.tables[key] = table
        return table

    def content(self, stream, names: "_Names") -> bytes:
        """A content stream's digest, its resource names replaced by their digests."""
        return self._hash(*names.digest_parts(stream.read_bytes()))

    def of(self, obj) -> bytes:
        """The digest of any object: indirect references replaced by their content's digest."""
        if obj is None or not hasattr(obj, "is_indirect"):     # null, or a plain value
            return self._hash(repr(obj).encode())
        if obj.is_indirect:
            return self._indirect(obj)
        return self._resolve(obj.unparse())

    def _indirect(self, obj) -> bytes:
        key = obj.objgen
        if key not in self.memo:
            self.memo[key] = b"(cycle)"
            self.memo[key] = self._content(obj)
        return self.memo[key]

    def _content(self, obj) -> bytes:
        import pikepdf

        if isinstance(obj, pikepdf.Stream):
            return self._stream(obj)
        if isinstance(obj, pikepdf.Dictionary) and _is_subset_font(obj):
            kept = pikepdf.Dictionary({k: v for k, v in obj.items() if k not in SUBSET_KEYS})
            return self._hash(self._resolve(kept.unparse()))
        return self._hash(self._resolve(obj.unparse(resolved=True)))

    def _stream(self, stream) -> bytes:
        """A form or a pattern like a page (names replaced), anything else by its bytes."""
        import pikepdf

        head = stream.stream_dict
        drawn = head.get("/Subtype") == "/Form" or head.get("/PatternType") == 1
        skip = {"/Length"} | ({"/Resources"} if drawn else set()) \
            | (SUBSET_KEYS if _is_subset_font(head) else set())
        kept = self._resolve(pikepdf.Dictionary(
            {k: v for k, v in head.items() if k not in skip}).unparse())
        if drawn:
            return self._hash(kept, self.content(stream, self.names(head.get("/Resources"))))
        return self._hash(kept, stream.read_raw_bytes())

    def _resolve(self, text: bytes) -> bytes:
        return REFERENCE.sub(lambda m: self._indirect(
            self.pdf.get_object(int(m[1]), int(m[2]))).hex().encode(), text)

    @staticmethod
    def _hash(*parts: bytes) -> bytes:
        digest = hashlib.blake2b(digest_size=16)
        for part in parts:
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
        return digest.digest()


class _Names:
    """Resource names (``/Name``) and the tokens that replace them in content streams."""

    def __init__(self, tokens: dict):
        self.tokens = tokens
        self._pattern = None

    def replace(self, data: bytes) -> bytes:
        if not self.tokens:
            return data
        if self._pattern is None:
            self._pattern = _name_pattern(tuple(sorted(self.tokens)))
        return self._pattern.sub(lambda m: self.tokens[m[0]], data)

    def digest_parts(self, data: bytes) -> tuple[bytes, bytes]:
        """What `replace` gives, as two parts made without a Python call per name: the
        stream with every name blanked, and the names' tokens in order (fast in C)."""
        if not self.tokens:
            return data, b""
        if self._pattern is None:
            self._pattern = _name_pattern(tuple(sorted(self.tokens)))
        found = self._pattern.findall(data)
        return self._pattern.sub(b"/", data), b"".join(map(self.tokens.__getitem__, found))


@lru_cache(maxsize=256)
def _name_pattern(names: tuple):
    """One pattern for a set of resource names (pages of a document share them)."""
    longest_first = sorted(names, key=len, reverse=True)
    return re.compile(b"/(?:" + b"|".join(re.escape(n[1:]) for n in longest_first) + b")"
                      + DELIMITER)


def _is_subset_font(obj) -> bool:
    kind = str(obj.get("/Type", ""))
    if kind == "/Font":
        return bool(SUBSET_TAG.match(str(obj.get("/BaseFont", ""))))
    if kind == "/FontDescriptor":
        return bool(SUBSET_TAG.match(str(obj.get("/FontName", ""))))
    return False


def _box(array) -> tuple:
    left, bottom, right, top = (float(v) for v in array)
    return (min(left, right), min(bottom, top), max(left, right), max(bottom, top))


def _intersect(a: tuple, b: tuple) -> tuple:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def _unreadable(path: Path, reason: str, hint: str) -> UnreadablePDF:
    error = UnreadablePDF(f"cannot read {path}: {reason}")
    error.hint = hint
    return error


def _qpdf_message(error, path: Path) -> str:
    """qpdf's first line, without the file name it starts with."""
    text = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return text.removeprefix(f"{path}: ").removeprefix(f"{path.name}: ")
