"""Decide which font files the pamphlet may use, and prove every character has one."""

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

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
    fonts, problems = [], []
    for index, item in enumerate(source.data.get("fonts", [])):
        path = folder / item["file"]
        font = Font(item["family"], int(item.get("weight", 400)), item.get("style", "normal"),
                    path, str(item["sha256"]))
        if not path.is_file():
            problems.append(source.diagnostic(("fonts", index, "file"),
                                              f"font file '{item['file']}' not found",
                                              "fonts/ must hold every font the manifest lists"))
        elif file_sha256(path) != font.sha256:
            problems.append(source.diagnostic(("fonts", index, "sha256"),
                                              f"font file '{item['file']}' does not match its sha256",
                                              "restore the file, or update the manifest on purpose"))
        fonts.append(font)
    if problems:
        raise PamphletError(problems)
    return fonts


@lru_cache(maxsize=32)
def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@lru_cache(maxsize=32)
def _cmap(path: Path, sha256: str) -> frozenset:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


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
