"""The report's own fonts: the project's Gothic, cut to the report's characters, inside the page.

A report opened on a machine without Japanese fonts showed boxes (□).  The
project's fonts (fonts/manifest.yaml) go into the page as ``@font-face`` with
``data:`` URLs — a browser refuses fonts from other file:// URLs — each subset
with HarfBuzz to the characters the page shows (a few hundred: some 100 KB
instead of 5 MB), the same bytes for the same characters.
"""

import base64
import logging
from functools import lru_cache
from pathlib import Path

LOG = logging.getLogger("pamphlet")
FAMILY = "pamphlet report"
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
void hb_set_add (hb_set_t *set, unsigned int codepoint);
hb_subset_input_t *hb_subset_input_create_or_fail (void);
void hb_subset_input_destroy (hb_subset_input_t *input);
hb_set_t *hb_subset_input_unicode_set (hb_subset_input_t *input);
void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned int value);
hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
"""
NO_HINTING, DESUBROUTINIZE = 0x1, 0x4
READONLY = 1


def font_faces(text: str, fonts: Path | None) -> str:
    """CSS ``@font-face`` rules for the Gothic of ``fonts`` (regular and bold), holding
    the characters of ``text``; "" when the fonts cannot be read (a note says so)."""
    faces = []
    for weight, path in _gothic(fonts):
        try:
            data = subset_text(path.read_bytes(), text)
        except (OSError, SubsetError) as error:
            LOG.warning("report: the font %s could not be used (%s)", path.name, error)
            continue
        faces.append(f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; '
                     f'src: url("data:font/ttf;base64,{base64.b64encode(data).decode()}") '
                     'format("truetype"); }')
    return "\n".join(faces)


def _gothic(fonts: Path | None) -> list[tuple[int, Path]]:
    """The Gothic family's regular and bold files from the manifest, else none."""
    from ..fonts import load_fonts

    if fonts is None or not (fonts / "manifest.yaml").is_file():
        return []
    try:
        found = load_fonts(fonts)
    except Exception as error:           # a broken manifest: the build says it better
        LOG.warning("report: no fonts from %s (%s)", fonts, error)
        return []
    regular = next((f for f in found if "Gothic" in f.family and f.weight == 400),
                   next((f for f in found if f.weight == 400), None))
    if regular is None:
        return []
    chosen = {f.weight: f.path for f in found if f.family == regular.family
              and f.weight in (400, 700)}
    return sorted(chosen.items())


class SubsetError(Exception):
    pass


def subset_text(data: bytes, text: str) -> bytes:
    """``data`` (a TrueType file) with only the characters of ``text``."""
    return _subset(data, frozenset(ord(c) for c in text if not c.isspace() or c == " "))


def _subset(data: bytes, codepoints: frozenset) -> bytes:
    ffi, hb = _harfbuzz()
    buffer = ffi.from_buffer(data)
    blob = ffi.gc(hb.hb_blob_create(buffer, len(data), READONLY, ffi.NULL, ffi.NULL),
                  hb.hb_blob_destroy)
    face = ffi.gc(hb.hb_face_create(blob, 0), hb.hb_face_destroy)
    plan = ffi.gc(hb.hb_subset_input_create_or_fail(), hb.hb_subset_input_destroy)
    if plan == ffi.NULL:
        raise SubsetError("HarfBuzz could not make a subset plan")
    unicodes = hb.hb_subset_input_unicode_set(plan)
    for codepoint in sorted(codepoints):
        hb.hb_set_add(unicodes, codepoint)
    hb.hb_subset_input_set_flags(plan, NO_HINTING | DESUBROUTINIZE)
    result = hb.hb_subset_or_fail(face, plan)
    if result == ffi.NULL:
        raise SubsetError("HarfBuzz could not subset the font")
    result = ffi.gc(result, hb.hb_face_destroy)
    out = ffi.gc(hb.hb_face_reference_blob(result), hb.hb_blob_destroy)
    length = ffi.new("unsigned int *")
    pointer = hb.hb_blob_get_data(out, length)
    if pointer == ffi.NULL or not length[0]:
        raise SubsetError("HarfBuzz returned an empty font")
    return bytes(ffi.buffer(pointer, length[0]))


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
