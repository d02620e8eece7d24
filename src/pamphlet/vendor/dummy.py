"""Decide how the sheets print on office paper, to fold by hand into a dummy (束見本の代わり).

Each sheet side becomes one landscape page of A3 (the guide's A4 spreads at
97 %) or A4 (a half-size dummy): the halves as on the proof, scaled to fit
inside the printer's margin, trimmed at the trim, a dashed line at the fold.
Printed on both sides, flipped on the short edge, each sheet folds with its
outer side out; nested in order (or gathered, for perfect binding) they give
the booklet, pages in reading order.
"""

from pathlib import Path

from ..marks import MM, text_path
from ..spec import SIZES
from .impose import halves, page_forms, saved, spread_trim
from .sheets import Imposition, Sheet

PRINTER_MARGIN = 6 * MM     # office printers leave 4-5 mm unprinted
NOTE_SIZE = 6.0


def dummy_pdf(source: Path, imposition: Imposition, font: Path, paper: str = "A3") -> bytes:
    """The folded dummy: every sheet's outer then inner side, on ``paper`` landscape."""
    import pikepdf

    height, width = SIZES[paper]
    size = (width * MM, height * MM)
    with pikepdf.open(source) as original:
        dummy = pikepdf.new()
        forms = page_forms(original, dummy, list(range(1, imposition.pages + 1)),
                           imposition.spec)
        for sheet in imposition.sheets:
            for face in ("outer", "inner"):
                dummy.pages.append(_dummy_side(dummy, sheet, face, imposition, forms, font,
                                               size))
        return saved(dummy)


def scale_to_fit(sheet: Sheet, imposition: Imposition, size: tuple[float, float]) -> float:
    """How much the spread shrinks to fit inside the printer's margin (never enlarged)."""
    spread = spread_trim(sheet, imposition.spec, (0, 0))
    room_w, room_h = size[0] - 2 * PRINTER_MARGIN, size[1] - 2 * PRINTER_MARGIN - 4 * MM
    return min(1.0, room_w / spread.right, room_h / spread.top)


def _dummy_side(pdf, sheet, face, imposition, forms, font, size):
    import pikepdf

    scale = min(scale_to_fit(s, imposition, size) for s in imposition.sheets)
    spread = spread_trim(sheet, imposition.spec, (0, 0))
    x0 = (size[0] - spread.right * scale) / 2
    y0 = (size[1] - spread.top * scale) / 2
    placed = halves(sheet, face, imposition.spec, (0, 0))
    names = {half.page: f"/P{half.page}" for half in placed}
    ops = [f"q {scale:.5f} 0 0 {scale:.5f} {x0:.4f} {y0:.4f} cm"]
    for half in placed:
        clip = _trim_side(half, spread)
        ops.append(f"q {clip[0]:.3f} 0 {clip[1] - clip[0]:.3f} {spread.top:.3f} re W n "
                   f"1 0 0 1 {half.trim.left:.4f} {half.trim.bottom:.4f} cm "
                   f"{names[half.page]} Do Q")
    ops += [_fold_lines(sheet, imposition, spread), "Q", _note(sheet, face, imposition, font, size)]
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, round(size[0], 4), round(size[1], 4)],
        Resources=pikepdf.Dictionary(
            XObject=pikepdf.Dictionary({names[h.page]: forms[h.page] for h in placed})),
        Contents=pdf.make_stream("\n".join(ops).encode("ascii")))
    return pikepdf.Page(pdf.make_indirect(page))


def _trim_side(half, spread) -> tuple[float, float]:
    """The half's clip, from its fold to the trim (no bleed on a dummy)."""
    left = max(half.clip.left, spread.left)
    right = min(half.clip.right, spread.right)
    return left, right


def _fold_lines(sheet: Sheet, imposition: Imposition, spread) -> str:
    folds = [imposition.spec.trim_pt[0]]
    if sheet.spine:
        folds.append(folds[0] + sheet.spine * MM)
    ops = ["q 0.5 G 0.5 w [3 3] 0 d"]   # office grey, not registration
    ops += [f"{x:.3f} 0 m {x:.3f} {spread.top:.3f} l S" for x in folds]
    ops.append(f"0 0 {spread.right:.3f} {spread.top:.3f} re S Q")
    return "\n".join(ops)


def _note(sheet: Sheet, face: str, imposition: Imposition, font: Path, size) -> str:
    total = len(imposition.sheets)
    words = (f"sheet {sheet.number}/{total} {face} ({sheet.group}): print both sides, flip "
             f"on the short edge; fold outer side out; pages {sheet.outer[0]}|{sheet.outer[1]} "
             f"outside, {sheet.inner[0]}|{sheet.inner[1]} inside")
    return ("q 0 g\n"
            + text_path(words, font, PRINTER_MARGIN, PRINTER_MARGIN - 2 * MM + 1, NOTE_SIZE)
            + "\nQ")
