"""Decide where each page lands on a printed sheet side, and write the sheets as a PDF.

Each page of the print PDF becomes a form XObject (its artwork to the bleed,
without its own marks) placed once, unscaled and upright, in its half of a
sheet side: trim at the fold, moved toward the spine by its sheet's creep,
clipped at the fold and at the outer bleed. The imposition proof adds the
trim, centre and fold marks and says the creep on the sheet; the folded dummy
(dummy.py) places the same halves scaled onto office paper.
"""

import io
from dataclasses import dataclass
from pathlib import Path

from ..marks import MM, STROKE, Box, marks_stream, text_path
from ..press import MARKS_MARGIN
from ..spec import PrintSpec
from .sheets import Imposition, Sheet

REGISTRATION = "/PamphletAll"
LABEL_SIZE = 7.0            # pt: the proof's words, outside the bleed


@dataclass(frozen=True)
class Half:
    """One page placed on a sheet side: its trim box on the side and where it is clipped."""

    page: int
    trim: Box                   # where the page's trim lies after the creep shift
    clip: Box                   # fold to outer bleed

    @property
    def matrix(self) -> tuple:
        return (1, 0, 0, 1, self.trim.left, self.trim.bottom)


def halves(sheet: Sheet, face: str, spec: PrintSpec, origin: tuple[float, float]) -> list[Half]:
    """The two pages of ``face`` ("outer"/"inner") with the spread's trim at ``origin`` (pt)."""
    width, height = spec.trim_pt
    bleed, creep, spine = spec.bleed_pt, sheet.creep * MM, sheet.spine * MM
    x, y = origin
    left_page, right_page = getattr(sheet, face)
    fold_left, fold_right = x + width, x + width + spine
    return [
        Half(left_page, Box(x + creep, y, fold_left + creep, y + height),
             Box(x - bleed, y - bleed, fold_left, y + height + bleed)),
        Half(right_page, Box(fold_right - creep, y, fold_right + width - creep, y + height),
             Box(fold_right, y - bleed, fold_right + width + bleed, y + height + bleed)),
    ]


def spread_trim(sheet: Sheet, spec: PrintSpec, origin: tuple[float, float]) -> Box:
    """The trim of the whole sheet side: both pages and the spine between."""
    width, height = spec.trim_pt
    x, y = origin
    return Box(x, y, x + 2 * width + sheet.spine * MM, y + height)


def page_forms(source, target, pages: list[int], spec: PrintSpec) -> dict[int, object]:
    """Each needed page of ``source`` as a form XObject in ``target`` (pikepdf.Pdf), to its bleed."""
    import pikepdf

    forms = {}
    for number in pages:
        form = source.pages[number - 1].as_form_xobject()
        bleed = spec.bleed_pt
        width, height = spec.trim_pt
        form.BBox = pikepdf.Array([-bleed, -bleed, width + bleed, height + bleed])
        forms[number] = target.copy_foreign(form)
    return forms


def place(halves_: list[Half], names: dict[int, str]) -> str:
    """Content operators drawing each half: clip, move, draw the page's form."""
    ops = []
    for half in halves_:
        clip = half.clip
        a, b, c, d, e, f = half.matrix
        ops.append(f"q {clip.left:.3f} {clip.bottom:.3f} {clip.right - clip.left:.3f} "
                   f"{clip.top - clip.bottom:.3f} re W n {a} {b} {c} {d} {e:.4f} {f:.4f} cm "
                   f"{names[half.page]} Do Q")
    return "\n".join(ops)


def registration_space(pdf):
    """The Separation /All colour space marks print in (on every plate)."""
    import pikepdf

    function = pdf.make_indirect(pikepdf.Dictionary(
        FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1))
    return pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name("/All"),
                          pikepdf.Name.DeviceCMYK, function])


def impose_pdf(source: Path, imposition: Imposition, font: Path, title: str) -> bytes:
    """The imposition proof: every sheet's outer then inner side, 2-up with marks."""
    import pikepdf

    spec = imposition.spec
    with pikepdf.open(source) as original:
        proof = pikepdf.new()
        forms = page_forms(original, proof, list(range(1, imposition.pages + 1)), spec)
        space = registration_space(proof)
        for sheet in imposition.sheets:
            for face in ("outer", "inner"):
                proof.pages.append(_proof_side(proof, sheet, face, imposition, forms, space,
                                               font, title))
        return saved(proof)


def _proof_side(pdf, sheet, face, imposition, forms, space, font, title):
    """One printed side of a sheet, its media around the bleed and the marks."""
    import pikepdf

    spec = imposition.spec
    margin = spec.bleed_pt + MARKS_MARGIN
    trim = spread_trim(sheet, spec, (margin, margin))
    bleed = trim.grow(spec.bleed_pt)
    media = bleed.grow(MARKS_MARGIN)
    placed = halves(sheet, face, spec, (margin, margin))
    names = {half.page: f"/P{half.page}" for half in placed}
    content = "\n".join([place(placed, names), _fold_marks(sheet, spec, trim, bleed),
                         marks_stream(trim, bleed, _slug(sheet, face, imposition, title),
                                      font).decode("ascii"),
                         _half_labels(placed, sheet, bleed, font)])
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=_array(media), BleedBox=_array(bleed), TrimBox=_array(trim),
        Resources=pikepdf.Dictionary(
            XObject=pikepdf.Dictionary({names[h.page]: forms[h.page] for h in placed}),
            ColorSpace=pikepdf.Dictionary({REGISTRATION: space})),
        Contents=pdf.make_stream(content.encode("ascii")))
    return pikepdf.Page(pdf.make_indirect(page))


def _fold_marks(sheet: Sheet, spec: PrintSpec, trim: Box, bleed: Box) -> str:
    """折りトンボ: a dashed line at each fold, outside the bleed, top and bottom."""
    folds = [trim.left + spec.trim_pt[0]]
    if sheet.spine:
        folds.append(folds[0] + sheet.spine * MM)
    reach = 10 * MM
    ops = [f"q {REGISTRATION} CS 1 SCN {STROKE} w [2 2] 0 d"]
    for x in folds:
        ops += [f"{x:.3f} {bleed.top + MM:.3f} m {x:.3f} {bleed.top + reach:.3f} l S",
                f"{x:.3f} {bleed.bottom - MM:.3f} m {x:.3f} {bleed.bottom - reach:.3f} l S"]
    ops.append("Q")
    return "\n".join(ops)


def _slug(sheet: Sheet, face: str, imposition: Imposition, title: str) -> str:
    total = len(imposition.sheets)
    return (f"{title}   sheet {sheet.number}/{total} ({sheet.group}) {face}   "
            f"creep {sheet.creep:.2f} mm toward the spine (caliper {imposition.caliper:g} mm)"
            + (f"   spine {sheet.spine:.2f} mm" if sheet.spine else ""))


def _half_labels(placed: list[Half], sheet: Sheet, bleed: Box, font: Path) -> str:
    """Above each page: its number and how far it moved toward the spine."""
    ops = [f"q {REGISTRATION} cs 1 scn"]
    for index, half in enumerate(placed):
        arrow = "→" if index == 0 else "←"
        words = f"P{half.page}   creep {sheet.creep:.2f} mm {arrow} spine"
        x = half.trim.left + (half.trim.right - half.trim.left) / 2 - 20 * MM
        ops.append(text_path(words, font, x, bleed.top + 4 * MM, LABEL_SIZE))
    ops.append("Q")
    return "\n".join(ops)


def _array(box: Box):
    import pikepdf

    return pikepdf.Array([round(v, 4) for v in (box.left, box.bottom, box.right, box.top)])


def saved(pdf) -> bytes:
    """The PDF's bytes, the same for the same input (no dates, an ID from the content)."""
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True, compress_streams=True)
    return buffer.getvalue()
