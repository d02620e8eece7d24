"""Draw Japanese trim marks (トンボ) and the slug line as PDF path operators."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTFont

from .fonts import read_cmap
from .spec import MM

MARK_LENGTH = 10 * MM      # how far the marks reach out from the bleed
MARK_GAP = 1 * MM          # space between the bleed box and the marks
STROKE = 0.3               # pt (0.106 mm): at least 0.1 mm, at least 0.25 pt
SLUG_SIZE = 6.0            # pt
REGISTRATION = "/PamphletAll"   # a /Separation /All colour space: every plate


@dataclass(frozen=True)
class Box:
    left: float
    bottom: float
    right: float
    top: float

    def grow(self, by: float) -> "Box":
        return Box(self.left - by, self.bottom - by, self.right + by, self.top + by)


def marks_stream(trim: Box, bleed: Box, slug: str, font: Path) -> bytes:
    """Content operators for corner and centre marks and the slug, all outside ``bleed``."""
    lines = _corner_marks(trim, bleed) + _centre_marks(trim, bleed)
    ops = [f"q {REGISTRATION} CS 1 SCN {STROKE} w 0 J"]
    ops += [f"{x1:.3f} {y1:.3f} m {x2:.3f} {y2:.3f} l S" for x1, y1, x2, y2 in lines]
    ops.append(f"{REGISTRATION} cs 1 scn")
    ops.append(text_path(slug, font, trim.left + 20 * MM, bleed.bottom - MARK_GAP - 6 * MM,
                         SLUG_SIZE))
    ops.append("Q")
    return "\n".join(ops).encode("ascii")


def _corner_marks(trim: Box, bleed: Box) -> list[tuple]:
    """Double marks at each corner: one line on the trim, one on the bleed, both outside."""
    lines = []
    for x_trim, x_bleed, x_sign in ((trim.left, bleed.left, -1), (trim.right, bleed.right, 1)):
        for y_trim, y_bleed, y_sign in ((trim.bottom, bleed.bottom, -1), (trim.top, bleed.top, 1)):
            start_x, end_x = x_bleed + x_sign * MARK_GAP, x_bleed + x_sign * MARK_LENGTH
            start_y, end_y = y_bleed + y_sign * MARK_GAP, y_bleed + y_sign * MARK_LENGTH
            lines += [(start_x, y_trim, end_x, y_trim), (start_x, y_bleed, end_x, y_bleed),
                      (x_trim, start_y, x_trim, end_y), (x_bleed, start_y, x_bleed, end_y)]
    return lines


def _centre_marks(trim: Box, bleed: Box) -> list[tuple]:
    """A cross at the middle of each side, outside the bleed."""
    middle_x, middle_y = (trim.left + trim.right) / 2, (trim.bottom + trim.top) / 2
    half = 5 * MM
    lines = []
    for y_bleed, sign in ((bleed.bottom, -1), (bleed.top, 1)):
        near, far = y_bleed + sign * MARK_GAP, y_bleed + sign * MARK_LENGTH
        cross = y_bleed + sign * (MARK_GAP + MARK_LENGTH) / 2
        lines += [(middle_x, near, middle_x, far), (middle_x - half, cross, middle_x + half, cross)]
    for x_bleed, sign in ((bleed.left, -1), (bleed.right, 1)):
        near, far = x_bleed + sign * MARK_GAP, x_bleed + sign * MARK_LENGTH
        cross = x_bleed + sign * (MARK_GAP + MARK_LENGTH) / 2
        lines += [(near, middle_y, far, middle_y), (cross, middle_y - half, cross, middle_y + half)]
    return lines


def text_path(text: str, font: Path, x: float, y: float, size: float) -> str:
    """``text`` as filled outlines from a shipped font: no font resource, nothing to embed."""
    glyphs, metrics, scale, _ = _font(font)
    ops = []
    for char in text:
        glyph = glyphs.get(ord(char))
        if glyph is None:
            continue
        name = _name(glyph)
        outline = _outline(font, name)
        if outline:
            ops.append(f"q {size * scale:.5f} 0 0 {size * scale:.5f} {x:.3f} {y:.3f} cm "
                       f"{outline} f Q")
        x += metrics[name][0] * scale * size
    return "\n".join(ops)


@lru_cache(maxsize=4)
def _font(path: Path):
    """cmap, advance widths, scale and glyph set, with plain glyph names (fast)."""
    font = TTFont(path, lazy=True)
    font.setGlyphOrder([_name(i) for i in range(font["maxp"].numGlyphs)])
    return read_cmap(path), font["hmtx"].metrics, 1 / font["head"].unitsPerEm, font.getGlyphSet()


def _name(glyph: int) -> str:
    return f"g{glyph}"


@lru_cache(maxsize=512)
def _outline(path: Path, name: str) -> str:
    glyph_set = _font(path)[3]
    pen = _PDFPen(glyph_set)
    glyph_set[name].draw(pen)
    return " ".join(pen.ops)


class _PDFPen(BasePen):
    """Record a glyph outline as PDF path operators (quadratics become cubics)."""

    def __init__(self, glyph_set):
        super().__init__(glyph_set)
        self.ops = []

    def _moveTo(self, point):
        self.ops.append(f"{point[0]:.1f} {point[1]:.1f} m")

    def _lineTo(self, point):
        self.ops.append(f"{point[0]:.1f} {point[1]:.1f} l")

    def _curveToOne(self, p1, p2, p3):
        self.ops.append(" ".join(f"{v:.1f}" for v in (*p1, *p2, *p3)) + " c")

    def _closePath(self):
        self.ops.append("h")
