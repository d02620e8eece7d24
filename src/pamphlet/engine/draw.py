"""Draw one laid-out page definition as a *part*: a small PDF for merge.py.

A part is what WeasyPrint writes for the definition's pages, with two changes
that let parts drawn apart (in other processes, in other builds) become one PDF:

- fonts are left out: each font's file stream holds a stub, and the part says
  which glyphs it draws, their widths and their text. merge.py embeds each
  font once, subset to the glyphs of all the parts (WeasyPrint keeps glyph IDs,
  so the pages' text needs no change);
- colour profiles are left out too: their stream holds ``pamphlet-icc:SHA256``
  and merge.py puts the profile (stored under that name) back, once;
- a link to another definition's page becomes a URI ``pamphlet-dest:NAME``;
  merge.py turns it back into the named destination NAME;
- its bookmarks are kept with each page's height, for merge.py to nest across
  parts as WeasyPrint would (`bookmark_tree`).
"""

import hashlib
from contextlib import contextmanager
from functools import partial
from dataclasses import dataclass
from pathlib import Path

from ..overprint import overprint_part
from ..write import write_atomically
from . import patches

DEST = "pamphlet-dest:"
PROFILE = b"pamphlet-icc:"


@dataclass
class Drawing:
    """A part's PDF bytes and what merge.py needs to know about them."""

    pdf: bytes
    fonts: dict        # PDF font name -> {"file", "widths", "text"} (see `_font_usage`)
    bookmarks: list    # per page: [(level, label, [x, y], state)]
    heights: list      # per page: CSS height, for the bookmarks' coordinates


def draw(document, font_store: Path, identifier: bytes, variant: str = "pdf/x-4",
         overprint: bool = False) -> Drawing:
    """Write ``document`` (one definition's pages) as a part; fonts go to ``font_store``.

    With ``overprint``, K100 text and thin K100 rules overprint (overprint.py).
    """
    _links_between_parts(document)
    files, blobs = {}, []
    try:
        with patches.patched("part", store=font_store, files=files, blobs=blobs), \
                _decorations_as_artifacts(tagged=variant.startswith("pdf/ua")):
            pdf = document.write_pdf(pdf_identifier=identifier, pdf_variant=variant)
    finally:
        _release(blobs)
    if overprint:
        pdf = overprint_part(pdf)
    return Drawing(pdf, _font_usage(document, files),
                   [[(level, label, list(point), state) for level, label, point, state
                     in page.bookmarks] for page in document.pages],
                   [page.height for page in document.pages])


def bookmark_tree(pages: list) -> list:
    """The bookmarks of ``pages`` (each page's (bookmarks, height), as `Drawing` keeps
    them), nested across pages and parts the way WeasyPrint nests them in one document:
    a list of (title, (page index, x, y), children, state)."""
    from types import SimpleNamespace

    from weasyprint.anchors import make_page_bookmark_tree
    from weasyprint.matrix import Matrix

    root, skipped, previous = [], [], 0
    last_by_depth = [root]
    for number, (marks, height) in enumerate(pages):
        page = SimpleNamespace(bookmarks=[(level, label, tuple(point), state)
                                          for level, label, point, state in marks],
                               height=height)
        matrix = Matrix(a=0.75, d=-0.75, f=height * 0.75)
        previous = make_page_bookmark_tree(page, skipped, last_by_depth, previous, number,
                                           matrix)
    return root


def _links_between_parts(document) -> None:
    """Links to anchors on no page of this part point at ``pamphlet-dest:`` URIs."""
    anchors = {name for page in document.pages for name in page.anchors}
    for page in document.pages:
        page.links = [("external", DEST + target, rectangle, box)
                      if kind == "internal" and target not in anchors
                      else (kind, target, rectangle, box)
                      for kind, target, rectangle, box in page.links]


def make_clean(original_clean, store: Path, files: dict, **_):
    """While WeasyPrint writes, store each font file once and embed a 4-byte stub.

    ``files`` maps WeasyPrint's font hash to the stored file's sha256. Fonts we
    cannot stub (variable, colour or bitmap fonts) are embedded as usual, and
    merge.py leaves them alone. WeasyPrint copies each font file into memory
    for each document it writes (four 5 MB copies a part, for the guide's
    fonts); here the font's bytes are read where HarfBuzz has them, uncopied
    (`make_face_data`).
    """
    def clean(font, to_unicode, hinting):
        if font.bitmap or font.png or font.svg or font.colr or "fvar" in font.tables:
            files[font.hash] = None
            font.file_content = bytes(font.file_content)
            return original_clean(font, to_unicode, hinting)
        known = (font.hash, len(font.file_content), bytes(font.file_content[:4096]))
        if known not in _STORED or not (store / _STORED[known]).exists():
            _STORED[known] = _store(store, font.file_content)   # hashing 5 MB, once
        files[font.hash] = _STORED[known]
        font.file_content = bytes(font.file_content[:4])   # the TrueType/OpenType signature
    return clean


def make_face_data(original_data, blobs: list, **_):
    return partial(_face_data, original_data, blobs)


def _face_data(original, blobs: list, hb_object, ot_color=None, glyph=None):
    """A font face's bytes as a read-only view of HarfBuzz's blob (WeasyPrint copies them)."""
    from weasyprint.text.ffi import ffi, harfbuzz

    if ot_color is not None:
        return original(hb_object, ot_color, glyph)
    blob = harfbuzz.hb_face_reference_blob(hb_object)
    blobs.append(blob)                     # alive until the part is written
    length = ffi.new("unsigned int *")
    data = harfbuzz.hb_blob_get_data(blob, length)
    if data == ffi.NULL:
        return None
    return memoryview(ffi.buffer(data, length[0])).toreadonly()


def _release(blobs: list) -> None:
    from weasyprint.text.ffi import harfbuzz

    for blob in blobs:
        harfbuzz.hb_blob_destroy(blob)
    blobs.clear()


@contextmanager
def _decorations_as_artifacts(tagged: bool):
    """In a tagged PDF, an ``<img alt="">`` (a decoration: the art, a monogram's
    ring) is drawn as an artifact, outside the structure tree.

    WeasyPrint makes every image a Figure, and a Figure with no alternative
    text breaks PDF/UA; an image that says nothing belongs to no structure.
    """
    if not tagged:
        yield
        return
    with patches.patched("tagged"):
        yield


def make_marked(marked, **_):
    def marking(self, box, tag):
        return self.artifact() if _is_decoration(box) else marked(self, box, tag)
    return marking


def make_box_tree(build_tree, **_):
    def building(box, *args):
        if not _is_decoration(box):
            yield from build_tree(box, *args)
    return building


def _is_decoration(box) -> bool:
    box = getattr(box, "_box", box)          # an absolutely positioned box's placeholder
    element = getattr(box, "element", None)
    return getattr(box, "element_tag", None) == "img" and element is not None \
        and element.get("alt") == "" and hasattr(box, "replacement")


def make_profile_reference(original, store: Path, **_):
    """While WeasyPrint writes, a colour profile's stream is a reference to the stored profile.

    A part would otherwise compress the whole profile (about 0.1 s) to be thrown
    away when merged with the others.
    """
    return property(lambda profile: PROFILE + _store(store, original.fget(profile)).encode())


_STORED: dict = {}      # (font hash, size, head) -> stored file, per process


def _store(store: Path, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    path = store / digest
    if not path.exists():
        write_atomically(path, lambda temporary: temporary.write_bytes(data))
    return digest


def _font_usage(document, files: dict) -> dict:
    """Per PDF font name: the stored file, and the widths and text of its glyphs."""
    usage = {}
    for font in document.fonts.values():
        usage[font.name.decode()[1:]] = {
            "file": files.get(font.hash),
            "widths": {str(glyph): width for glyph, width in sorted(font.widths.items())},
            "text": {str(glyph): text for glyph, text in sorted(font.to_unicode.items())},
        }
    return usage
