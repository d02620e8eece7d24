"""Subset a font file to a set of glyphs with HarfBuzz, keeping glyph IDs.

The same two passes and flags as WeasyPrint 70 (pdf/fonts.py), so a font
embedded once for all the parts is the font WeasyPrint would have embedded for
the whole document. Results are cached on disk by (font file, glyphs).
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from .write import read_checked, write_checked

CDEF = """
typedef ... hb_blob_t;
typedef ... hb_face_t;
typedef ... hb_subset_input_t;
typedef ... hb_set_t;
hb_blob_t *hb_blob_create (const char *data, unsigned int length, int mode,
                           void *user_data, void *destroy);
void hb_blob_destroy (hb_blob_t *blob);
const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
void hb_face_destroy (hb_face_t *face);
hb_blob_t *hb_face_reference_blob (hb_face_t *face);
unsigned int hb_tag_from_string (const char *str, int len);
void hb_set_add (hb_set_t *set, unsigned int codepoint);
hb_subset_input_t *hb_subset_input_create_or_fail (void);
void hb_subset_input_destroy (hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set (hb_subset_input_t *input);
hb_set_t *hb_subset_input_set (hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned int value);
hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
"""
NO_HINTING, RETAIN_GIDS, DESUBROUTINIZE = 0x1, 0x2, 0x4
PASSTHROUGH_UNRECOGNIZED = 0x20
READONLY, DROP_TABLE_TAG = 1, 3
DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF",
                  b"LTSH", b"PCLT", b"SVG ")


class SubsetError(Exception):
    pass


def subset(data: bytes, glyphs, cache: Path | None = None) -> bytes:
    """``data`` (a TrueType/OpenType file) with only ``glyphs`` (IDs unchanged)."""
    glyphs = sorted(set(glyphs))
    if not glyphs:
        return data
    key = hashlib.sha256(hashlib.sha256(data).digest() + repr(glyphs).encode()).hexdigest()
    cached = cache / f"subset-{key}" if cache is not None else None
    kept = read_checked(cached) if cached is not None else None
    if kept is not None:
        return kept
    result = _harfbuzz_subset(data, glyphs)
    if cached is not None:
        write_checked(cached, result)
    return result


def _harfbuzz_subset(data: bytes, glyphs: list[int]) -> bytes:
    ffi, hb = _harfbuzz()
    buffer = ffi.from_buffer(data)
    blob = ffi.gc(hb.hb_blob_create(buffer, len(data), READONLY, ffi.NULL, ffi.NULL),
                  hb.hb_blob_destroy)
    face = ffi.gc(hb.hb_face_create(blob, 0), hb.hb_face_destroy)
    # 1: the glyphs, IDs kept (the pages draw with the original IDs).
    face = _pass(ffi, hb, face, glyphs, RETAIN_GIDS | PASSTHROUGH_UNRECOGNIZED | DESUBROUTINIZE,
                 drop=True)
    # 2: the empty glyphs after the last one used go.
    face = _pass(ffi, hb, face, range(max(glyphs) + 1),
                 PASSTHROUGH_UNRECOGNIZED | DESUBROUTINIZE | NO_HINTING)
    result = ffi.gc(hb.hb_face_reference_blob(face), hb.hb_blob_destroy)
    length = ffi.new("unsigned int *")
    pointer = hb.hb_blob_get_data(result, length)
    if pointer == ffi.NULL or not length[0]:
        raise SubsetError("HarfBuzz returned an empty font")
    return bytes(ffi.buffer(pointer, length[0]))


def _pass(ffi, hb, face, glyphs, flags: int, drop: bool = False):
    plan = ffi.gc(hb.hb_subset_input_create_or_fail(), hb.hb_subset_input_destroy)
    if plan == ffi.NULL:
        raise SubsetError("HarfBuzz could not make a subset plan")
    glyph_set = hb.hb_subset_input_glyph_set(plan)
    for glyph in glyphs:
        hb.hb_set_add(glyph_set, glyph)
    hb.hb_subset_input_set_flags(plan, flags)
    if drop:
        tables = hb.hb_subset_input_set(plan, DROP_TABLE_TAG)
        for tag in DROPPED_TABLES:
            hb.hb_set_add(tables, hb.hb_tag_from_string(tag, -1))
    result = hb.hb_subset_or_fail(face, plan)
    if result == ffi.NULL:
        raise SubsetError("HarfBuzz could not subset the font")
    return ffi.gc(result, hb.hb_face_destroy)


@lru_cache(maxsize=1)
def _harfbuzz():
    import cffi
    ffi = cffi.FFI()
    ffi.cdef(CDEF)
    for name in ("libharfbuzz-subset.so.0", "harfbuzz-subset", "libharfbuzz-subset.0.dylib"):
        try:
            return ffi, ffi.dlopen(name)
        except OSError:
            continue
    raise SubsetError("libharfbuzz-subset is not installed (Debian: libharfbuzz-subset0)")
