"""Booklet PDFs for the vendor tests, and reading imposed sheets back with other tools.

The booklets are made with pikepdf content streams (a few milliseconds each):
every page carries its number ``P07`` at a known place, a ``TOP`` mark near its
head, the boxes and the /PamphletSpec a print PDF carries. The imposed sheets
are read back with pypdfium2 (each placed page's matrix) and poppler's
pdftotext (the words and where they lie), never with the code that wrote them.
"""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pikepdf

MM = 72 / 25.4
NUMBER_AT = (30.0, 200.0)       # pt from the trim's bottom left: where P07 starts
NUMBER_SIZE = 24
TOP_AT = (30.0, 560.0)          # the head mark, above the number on an upright page


def booklet(path: Path, pages: int, binding="saddle-stitch", side="left",
            trim=(148.0, 210.0), bleed=3.0) -> Path:
    """A ``pages``-page print PDF, A5 unless ``trim`` says otherwise."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    width, height, out = trim[0] * MM, trim[1] * MM, bleed * MM
    for number in range(1, pages + 1):
        content = (f"0 0 0 0.1 k {-out} {-out} {width + 2 * out} {height + 2 * out} re f "
                   f"0 0 0 1 k BT /F1 {NUMBER_SIZE} Tf 1 0 0 1 {NUMBER_AT[0]} {NUMBER_AT[1]} Tm "
                   f"(P{number:02d}) Tj ET BT /F1 10 Tf 1 0 0 1 {TOP_AT[0]} {TOP_AT[1]} Tm "
                   f"(TOP) Tj ET")
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[-out, -out, width + out, height + out],
            BleedBox=[-out, -out, width + out, height + out], TrimBox=[0, 0, width, height],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_stream(content.encode()))
        pdf.pages.append(pikepdf.Page(pdf.make_indirect(page)))
    pdf.Root.PamphletSpec = pikepdf.Dictionary(
        Width=trim[0], Height=trim[1], Bleed=bleed, Binding=pikepdf.Name("/" + binding),
        Side=pikepdf.Name("/" + side))
    pdf.save(path)
    return path


@dataclass
class Placed:
    """One page found on an imposed sheet side."""

    page: int
    half: str               # "left" or "right" of the fold
    creep: float            # mm toward the spine, from the placed page's matrix
    text_creep: float       # mm toward the spine, from where poppler finds its number
    upright: bool


def words(pdf: Path) -> list[list[tuple]]:
    """Per page, (word, xMin, yMin) in pt from the top left, as pdftotext -bbox reads them."""
    xhtml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    pages = []
    for page in xhtml.split("<page ")[1:]:
        pages.append([(m[3], float(m[1]), float(m[2])) for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>',
            page)])
    return pages


def forms(pdf: Path) -> list[list[tuple]]:
    """Per page, each placed form XObject's matrix (a, b, c, d, e, f), as pdfium reads it,
    with the page's TrimBox and height."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument(str(pdf))
    found = []
    for page in document:
        matrices = [obj.get_matrix().get() for obj in
                    page.get_objects(filter=(raw.FPDF_PAGEOBJ_FORM,), max_depth=0)]
        found.append((matrices, page.get_trimbox(), page.get_mediabox()))
    document.close()
    return found


def read_sides(pdf: Path, trim_width_mm: float, identify=None,
               spine_of=lambda side: 0.0) -> list[list[Placed]]:
    """Each sheet side of an imposed PDF: the pages placed on it, left to right.

    A placed page is a form XObject (pdfium gives its matrix); which page it is
    comes from the words poppler finds inside its trim (``identify(words)`` ->
    (page, x of the page's origin by its text, or None); default: the P07
    number). The fold lies one page width right of the side's TrimBox left
    edge (a perfect-bound cover: a second fold ``spine_of(side)`` mm further).
    """
    identify = identify or _by_number
    width = trim_width_mm * MM
    sides = []
    for index, (page_words, (matrices, trim, media)) in enumerate(zip(words(pdf), forms(pdf))):
        fold_left = trim[0] + width
        fold_right = fold_left + spine_of(index) * MM
        placed = []
        for matrix in sorted(matrices, key=lambda m: m[4]):
            origin = matrix[4]
            inside = [w for w in page_words if origin - 0.5 <= w[1] < origin + width - 0.5]
            number, text_origin = identify(inside)
            text_origin = origin if text_origin is None else text_origin
            if origin + width / 2 < fold_left:
                half, creep, text_creep = ("left", origin + width - fold_left,
                                           text_origin + width - fold_left)
            else:
                half, creep, text_creep = "right", fold_right - origin, fold_right - text_origin
            placed.append(Placed(number, half, creep / MM, text_creep / MM,
                                 _upright(matrix, inside)))
        sides.append(placed)
    return sides


def _by_number(inside: list[tuple]) -> tuple[int, float]:
    """The booklet's P07 word: its number, and the page origin its position gives."""
    (word, x, y), = [w for w in inside if re.fullmatch(r"P\d+", w[0])]
    return int(word[1:]), x - NUMBER_AT[0]


def _upright(matrix: tuple, inside: list[tuple]) -> bool:
    """Unrotated, unmirrored, unscaled; and a booklet's TOP mark above its number."""
    if tuple(round(v, 6) for v in matrix[:4]) != (1.0, 0.0, 0.0, 1.0):
        return False
    tops = [y for w, x, y in inside if w == "TOP"]
    numbers = [y for w, x, y in inside if re.fullmatch(r"P\d+", w)]
    return not numbers or (len(tops) == 1 and tops[0] < numbers[0])


def fold_back(sides: list[list[Placed]], groups: list[list[int]], side: str) -> list[int]:
    """Fold the printed sheets by hand, in software: the page numbers in reading order.

    ``sides`` come two per sheet (outer, inner), as printed. ``groups`` nests
    them: [[0, 1, 2]] is three sheets nested (saddle stitch); a perfect-bound
    book is [[0], [1, 2], [3]]: the cover (sheet 0) wraps signatures gathered
    in order. Folded outer side out, with the spine on the ``side`` edge, a
    sheet's first leaf is the outer side's half away from the spine... seen
    from the front: its recto is the outer half on the fore-edge side, its
    verso the inner half behind it (turned over, left and right swap).
    """
    fore, spine = ("right", "left") if side == "left" else ("left", "right")

    def half(sheet: int, face: int, name: str) -> int:
        return next(p.page for p in sides[2 * sheet + face] if p.half == name)

    def leaves_first(sheet):     # recto: outer fore half; verso: inner half behind it
        return [half(sheet, 0, fore), half(sheet, 1, spine)]

    def leaves_last(sheet):      # recto: inner fore half; verso: outer spine half
        return [half(sheet, 1, fore), half(sheet, 0, spine)]

    def nested(sheets):
        return ([p for s in sheets for p in leaves_first(s)]
                + [p for s in reversed(sheets) for p in leaves_last(s)])

    if len(groups) == 1:
        return nested(groups[0])
    cover, *signatures = groups
    inside = [p for group in signatures for p in nested(group)]
    return leaves_first(cover[0]) + inside + leaves_last(cover[0])


def by_text(source: Path):
    """``identify`` for a real print PDF: the page of ``source`` whose words the half shows
    (the words of its trim; where they lie gives the page's origin on the sheet)."""
    with pikepdf.open(source) as pdf:
        first = pdf.pages[0]
        trim_left = float(first.TrimBox[0]) - float(first.MediaBox[0])
    pages = [{w: x - trim_left for w, x, y in page} for page in words(source)]

    def identify(inside: list[tuple]) -> tuple[int, float]:
        shown = {w: x for w, x, y in inside}
        score = [len(shown.keys() & page.keys()) / max(1, len(shown.keys() | page.keys()))
                 for page in pages]
        best = max(range(len(pages)), key=score.__getitem__)
        assert score[best] > 0.8 and sorted(score)[-2] < 0.5, (best + 1, sorted(score)[-2:])
        offsets = sorted(shown[w] - pages[best][w] for w in shown.keys() & pages[best].keys())
        return best + 1, offsets[len(offsets) // 2]

    return identify


def expected_groups(pages: int, binding: str) -> list[list[int]]:
    """How the sheets nest, by the binding's rule (PRINT.md): saddle stitch nests them
    all; perfect binding wraps a cover around signatures of 16, then 8 and 4."""
    if binding == "saddle-stitch":
        return [list(range(pages // 4))]
    groups, sheet, body = [[0]], 1, pages - 4
    for size in (16, 8, 4):
        while body >= size:
            groups.append(list(range(sheet, sheet + size // 4)))
            sheet, body = sheet + size // 4, body - size
    return groups
