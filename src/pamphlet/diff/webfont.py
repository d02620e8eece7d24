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
    """The Gothic family's regular and bold files from the manifest, else none (read plainly:
    the build checks the fonts; the report only shows text in them)."""
    import yaml

    try:
        listed = yaml.safe_load((fonts / "manifest.yaml").read_text(encoding="utf-8"))["fonts"]
        found = [(str(f["family"]), int(f["weight"]), fonts / f["file"]) for f in listed]
    except (OSError, TypeError, KeyError, ValueError, yaml.YAMLError) as error:
        if fonts is not None:
            LOG.warning("report: no fonts from %s (%s)", fonts, error)
        return []
    regular = next((f for f in found if "Gothic" in f[0] and f[1] == 400),
                   next((f for f in found if f[1] == 400), None))
    if regular is None:
        return []
    chosen = {weight: path for family, weight, path in found
              if family == regular[0] and weight in (400, 700) and path.is_file()}
    return sorted(chosen.items())


class SubsetError(Exception):
    pass


def subset_text(data: bytes, text: str) -> bytes:
    """``data`` (a TrueType file) with only the characters of ``text``."""
    return _subset(data, frozenset(ord(c) for c in text if not c.isspace() or c == " "))


def _subset(data: bytes, codepoints: frozenset) -> bytes:
    import ctypes

    hb = _harfbuzz()
    blob = hb.hb_blob_create(data, len(data), READONLY, None, None)
    face = hb.hb_face_create(blob, 0)
    plan = hb.hb_subset_input_create_or_fail()
    try:
        if not plan:
            raise SubsetError("HarfBuzz could not make a subset plan")
        unicodes = hb.hb_subset_input_unicode_set(plan)
        for codepoint in sorted(codepoints):
            hb.hb_set_add(unicodes, codepoint)
        hb.hb_subset_input_set_flags(plan, NO_HINTING | DESUBROUTINIZE)
        result = hb.hb_subset_or_fail(face, plan)
        if not result:
            raise SubsetError("HarfBuzz could not subset the font")
        out = hb.hb_face_reference_blob(result)
        length = ctypes.c_uint()
        pointer = hb.hb_blob_get_data(out, ctypes.byref(length))
        subset = ctypes.string_at(pointer, length.value) if pointer and length.value else b""
        hb.hb_blob_destroy(out)
        hb.hb_face_destroy(result)
    finally:
        if plan:
            hb.hb_subset_input_destroy(plan)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)
    if not subset:
        raise SubsetError("HarfBuzz returned an empty font")
    return subset


@lru_cache(maxsize=1)
def _harfbuzz():
    """libharfbuzz-subset through ctypes: loaded in a millisecond (cffi parses declarations)."""
    import ctypes

    for name in ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib"):
        try:
            hb = ctypes.CDLL(name)
            break
        except OSError:
            continue
    else:
        raise SubsetError("libharfbuzz-subset is not installed (Debian: libharfbuzz-subset0)")
    pointer, uint = ctypes.c_void_p, ctypes.c_uint
    for function, result, arguments in (
            ("hb_blob_create", pointer, [ctypes.c_char_p, uint, ctypes.c_int, pointer, pointer]),
            ("hb_blob_destroy", None, [pointer]),
            ("hb_blob_get_data", pointer, [pointer, ctypes.POINTER(uint)]),
            ("hb_face_create", pointer, [pointer, uint]),
            ("hb_face_destroy", None, [pointer]),
            ("hb_face_reference_blob", pointer, [pointer]),
            ("hb_set_add", None, [pointer, ctypes.c_uint32]),
            ("hb_subset_input_create_or_fail", pointer, []),
            ("hb_subset_input_destroy", None, [pointer]),
            ("hb_subset_input_unicode_set", pointer, [pointer]),
            ("hb_subset_input_set_flags", None, [pointer, uint]),
            ("hb_subset_or_fail", pointer, [pointer, pointer])):
        getattr(hb, function).restype = result
        getattr(hb, function).argtypes = arguments
    return hb
