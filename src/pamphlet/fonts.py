"""Decide which font files the pamphlet may use, and prove every character has one."""

import hashlib
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .diagnostics import Diagnostic, PamphletError
from .source import read_yaml


@dataclass(frozen=True)
class Font:
    family: str
    weight: int
    style: str
    path: Path
    sha256: str


def load_fonts(folder: Path) -> list[Font]:
    """Read ``fonts/manifest.yaml`` and check every file against its sha256."""
    manifest = folder / "manifest.yaml"
    if not manifest.exists():
        raise PamphletError(Diagnostic("no fonts/manifest.yaml", manifest,
                                       hint="list each font: family, weight, file, sha256"))
    source = read_yaml(manifest)
    items = source.data.get("fonts") if isinstance(source.data, dict) else None
    if not items or not isinstance(items, list):
        raise PamphletError(source.diagnostic(("fonts",), "fonts/manifest.yaml lists no fonts",
                                              "list each font: family, weight, file, sha256"))
    fonts, problems = [], []
    for index, item in enumerate(items):
        font, problem = _manifest_font(source, folder, index, item)
        fonts.append(font)
        problems += [problem] if problem else []
    if problems:
        raise PamphletError(problems)
    return fonts


def _manifest_font(source, folder: Path, index: int, item) -> tuple[Font | None, object]:
    """One manifest entry as a Font, or the problem with it (a Diagnostic)."""
    where = ("fonts", index)
    missing = [key for key in ("family", "file", "sha256")
               if not isinstance(item, dict) or key not in item]
    if missing:
        return None, source.diagnostic(where, f"font entry {index + 1} lacks {', '.join(missing)}",
                                       "list each font: family, weight, file, sha256")
    if not str(item.get("weight", 400)).isdigit():
        return None, source.diagnostic(where + ("weight",), f"weight must be a number such as "
                                       f"400 or 700, not '{item['weight']}'", "400 is regular")
    path = folder / str(item["file"])
    font = Font(str(item["family"]), int(item.get("weight", 400)),
                str(item.get("style", "normal")), path, str(item["sha256"]))
    if not path.resolve().is_relative_to(folder.resolve()):
        return font, source.diagnostic(where + ("file",), f"font file '{item['file']}' is "
                                       "outside fonts/", "keep the font files in fonts/, "
                                       "named without folders (no links out)")
    if not path.is_file():
        return font, source.diagnostic(where + ("file",), f"font file '{item['file']}' not found",
                                       "fonts/ must hold every font the manifest lists")
    if file_sha256(path) != font.sha256:
        return font, source.diagnostic(where + ("sha256",),
                                       f"font file '{item['file']}' does not match its sha256",
                                       "restore the file, or update the manifest on purpose")
    try:
        _cmap(path, font.sha256)
    except (struct.error, KeyError, IndexError):
        return font, source.diagnostic(where + ("file",),
                                       f"font file '{item['file']}' is not a font pamphlet can "
                                       "read (no Unicode character map)",
                                       "fonts/ takes TrueType or OpenType files (.ttf, .otf)")
    return font, None


def file_sha256(path: Path) -> str:
    """The file's sha256, hashed again only when the file changed (warm processes)."""
    stat = path.stat()
    return _sha256(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1024)
def _sha256(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@lru_cache(maxsize=32)
def _cmap(path: Path, sha256: str) -> frozenset:
    return frozenset(read_cmap(path))


def read_cmap(path: Path) -> dict[int, int]:
    """Code point -> glyph id, read straight from the 'cmap' table.

    fontTools' getBestCmap names every glyph first, which takes a second per
    CJK font; the Unicode subtable itself reads in milliseconds.
    """
    data = path.read_bytes()
    tables = {data[12 + 16 * i:16 + 16 * i]: struct.unpack(">II", data[20 + 16 * i:28 + 16 * i])
              for i in range(struct.unpack(">H", data[4:6])[0])}
    offset = tables[b"cmap"][0]
    subtables = {}
    for i in range(struct.unpack(">H", data[offset + 2:offset + 4])[0]):
        platform, encoding, sub = struct.unpack(">HHI", data[offset + 4 + 8 * i:offset + 12 + 8 * i])
        subtables[(platform, encoding)] = offset + sub
    for key in ((3, 10), (0, 4), (3, 1), (0, 3)):
        if key in subtables:
            return _read_subtable(data, subtables[key])
    return {}


def _read_subtable(data: bytes, at: int) -> dict[int, int]:
    kind = struct.unpack(">H", data[at:at + 2])[0]
    if kind == 12:
        count = struct.unpack(">I", data[at + 12:at + 16])[0]
        mapping = {}
        for start, end, glyph in struct.iter_unpack(">III", data[at + 16:at + 16 + 12 * count]):
            mapping.update(zip(range(start, end + 1), range(glyph, glyph + end - start + 1)))
        return mapping
    if kind == 4:
        return _read_format4(data, at)
    return {}


def _read_format4(data: bytes, at: int) -> dict[int, int]:
    segments = struct.unpack(">H", data[at + 6:at + 8])[0] // 2
    ends = struct.unpack(f">{segments}H", data[at + 14:at + 14 + 2 * segments])
    base = at + 16 + 2 * segments
    starts = struct.unpack(f">{segments}H", data[base:base + 2 * segments])
    deltas = struct.unpack(f">{segments}h", data[base + 2 * segments:base + 4 * segments])
    range_at = base + 4 * segments
    offsets = struct.unpack(f">{segments}H", data[range_at:range_at + 2 * segments])
    mapping = {}
    for i, (start, end, delta, offset) in enumerate(zip(starts, ends, deltas, offsets)):
        for code in range(start, end + 1):
            if code == 0xFFFF:
                continue
            if offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                where = range_at + 2 * i + offset + 2 * (code - start)
                glyph = struct.unpack(">H", data[where:where + 2])[0]
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                mapping[code] = glyph
    return mapping


def coverage(fonts: list[Font]) -> frozenset:
    """Every code point that at least one shipped font draws."""
    covered = set()
    for font in fonts:
        covered |= _cmap(font.path, font.sha256)
    return frozenset(covered)


def missing_characters(text: str, covered: frozenset) -> list[str]:
    """Characters of ``text`` that no shipped font has (spaces aside)."""
    return sorted({ch for ch in text if ord(ch) not in covered and not ch.isspace()})


def font_face_css(fonts: list[Font], relative_to: Path) -> str:
    """@font-face rules pointing at fonts/ by relative URLs."""
    import os
    rules = []
    for font in fonts:
        url = os.path.relpath(font.path.resolve(), relative_to.resolve())
        rules.append(f'@font-face {{ font-family: "{font.family}"; font-weight: {font.weight}; '
                     f'font-style: {font.style}; src: url("{Path(url).as_posix()}"); }}')
    return "\n".join(rules)
