"""Decide which pages share a printed sheet, on which side and half, and how far they creep.

A sheet is printed on two sides and folded once: its *outer* side faces out
after folding, its *inner* side faces the sheet nested inside it. Halves are
named as the printed side lies face up, spine (the fold) in the middle.

- Saddle stitch (中綴じ): every sheet nests in the one before. Sheet 1 of a
  36-page book carries 36|1 outside and 2|35 inside (left binding); the
  innermost carries the centre spread.
- Perfect binding (無線綴じ): pages 1, 2 and the last two make the cover, which
  wraps the spine; the pages between are gathered in signatures of 16, then
  8 and 4 for what is left, each signature's sheets nested.
- Right binding (右綴じ) mirrors each side: the pages read right to left.

Creep: a nested sheet's pages push out at the fore-edge by about the caliper
of every sheet wrapped around it, and would be trimmed by as much; so each
page is moved that far toward the spine (PRINT.md). The outer sheet of a
group does not move.
"""

from dataclasses import dataclass, replace

from ..spec import PrintSpec

SIGNATURES = (16, 8, 4)     # pages per perfect-bound signature, largest first


@dataclass(frozen=True)
class Sheet:
    """One folded sheet: pages (left, right) on each side, its creep and spine in mm."""

    number: int                 # 1-based, in the order the sheets are printed
    group: str                  # "sheets" (saddle stitch), "cover", "signature 2"
    outer: tuple[int, int]
    inner: tuple[int, int]
    creep: float = 0.0          # how far each of its pages moves toward the spine
    spine: float = 0.0          # the width between the halves (a perfect-bound cover)

    def pages(self) -> tuple[int, ...]:
        return self.outer + self.inner

    def as_dict(self) -> dict:
        return {"sheet": self.number, "group": self.group, "outer": list(self.outer),
                "inner": list(self.inner), "creep_mm": round(self.creep, 3),
                "spine_mm": round(self.spine, 3)}


@dataclass(frozen=True)
class Imposition:
    """Every sheet of a book, in printing order, and the numbers behind the creep."""

    spec: PrintSpec
    pages: int
    caliper: float              # body paper, mm
    cover_caliper: float
    sheets: tuple[Sheet, ...]

    def sheet_of(self, page: int) -> Sheet:
        return next(s for s in self.sheets if page in s.pages())

    def as_dict(self) -> dict:
        return {"pages": self.pages, "binding": self.spec.binding, "side": self.spec.side,
                "caliper_mm": self.caliper, "cover_caliper_mm": self.cover_caliper,
                "sheets": [s.as_dict() for s in self.sheets]}


def plan_sheets(pages: int, spec: PrintSpec, caliper: float,
                cover_caliper: float | None = None) -> Imposition:
    """The sheets of a ``pages``-page book bound as ``spec`` says (a multiple of 4 pages)."""
    if pages % 4 or pages < 4:
        raise ValueError(f"{pages} pages do not fold into sheets: use a multiple of 4")
    cover_caliper = caliper if cover_caliper is None else cover_caliper
    if spec.binding == "perfect" and pages > 4:
        sheets = _perfect(pages, caliper, cover_caliper)
    else:
        sheets = _nested(1, pages, "sheets", caliper, cover_caliper)
    if spec.right_bound:
        sheets = [_mirrored(sheet) for sheet in sheets]
    numbered = [replace(sheet, number=number) for number, sheet in enumerate(sheets, start=1)]
    return Imposition(spec, pages, caliper, cover_caliper, tuple(numbered))


def _nested(first: int, count: int, group: str, caliper: float, outer_caliper: float):
    """Sheets nested one in another, carrying pages first .. first + count - 1."""
    last = first + count - 1
    sheets = []
    for index in range(count // 4):
        creep = 0.0 if index == 0 else round(outer_caliper + (index - 1) * caliper, 4)
        sheets.append(Sheet(0, group, outer=(last - 2 * index, first + 2 * index),
                            inner=(first + 1 + 2 * index, last - 1 - 2 * index), creep=creep))
    return sheets


def _perfect(pages: int, caliper: float, cover_caliper: float) -> list[Sheet]:
    """The cover (1, 2, last two) around the body's spine, then the signatures."""
    body = pages - 4
    cover = Sheet(0, "cover", outer=(pages, 1), inner=(2, pages - 1),
                  spine=round(body / 2 * caliper, 4))
    sheets, first = [cover], 3
    for number, size in enumerate(signature_sizes(body), start=1):
        sheets += _nested(first, size, f"signature {number}", caliper, caliper)
        first += size
    return sheets


def signature_sizes(pages: int) -> list[int]:
    """16-page signatures, then one of 8 and one of 4 for what is left (36 -> 16, 16, 4)."""
    sizes = []
    for size in SIGNATURES:
        while pages >= size:
            sizes.append(size)
            pages -= size
    return sizes


def _mirrored(sheet: Sheet) -> Sheet:
    return replace(sheet, outer=sheet.outer[::-1], inner=sheet.inner[::-1])
