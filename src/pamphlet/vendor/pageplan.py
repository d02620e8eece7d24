"""Decide what the 台割 (page plan) says of each page, and draw it on one sheet.

Every page in reading order, as spreads (right to left when bound on the
right), each a thumbnail of the print PDF's page with its number, page
definition, inks (4c, 1c K, ...) and what is still FPO, banded by the sheet
or signature it is printed on; under it, the sheets with their pages and
creep. The same facts as JSON for the vendor's systems (``plan_pages``).
"""

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..marks import MM, text_path
from .impose import saved
from .sheets import Imposition

PLAN_SIZE = (420 * MM, 297 * MM)            # A3 landscape
MARGIN = 12 * MM
CAPTION = 16 * MM                           # room under each thumbnail for its words
GAP = 4 * MM                                # between spreads
TITLE = 16 * MM
TABLE_COLUMNS = 6                           # sheets per line of the table
INK_NAMES = "CMYK"
INK_FLOOR = 0.0005                          # coverage under 0.05 % of the page: no ink
BANDS = [(0.25, 0, 0, 0), (0, 0.25, 0, 0), (0, 0, 0.35, 0), (0.2, 0, 0.25, 0),
         (0, 0.2, 0.3, 0), (0.15, 0.15, 0, 0)]     # sheet colours, light CMYK tints


@dataclass(frozen=True)
class PlannedPage:
    """What the 台割 says of one page."""

    page: int
    definition: str
    sheet: int
    group: str
    face: str                    # outer or inner side of its sheet
    half: str                    # left or right half of that side
    inks: dict                   # ink -> coverage (0-1), or {} when unknown
    fpo: int                     # FPO frames printed on the page (preflight's count)
    fpo_fields: tuple[str, ...]  # the definition's figures still waiting for a picture

    @property
    def colour(self) -> str:
        """``4c``, ``1c (K)``, ``2c (C+K)``, or ``?`` when the inks are unknown."""
        if not self.inks:
            return "?"
        used = [ink for ink in INK_NAMES if self.inks.get(ink, 0) > INK_FLOOR]
        return "4c" if len(used) == 4 else f"{len(used)}c ({'+'.join(used) or 'blank'})"

    def as_dict(self) -> dict:
        return {"page": self.page, "definition": self.definition, "sheet": self.sheet,
                "group": self.group, "face": self.face, "half": self.half,
                "colour": self.colour, "inks": {k: round(v, 4) for k, v in self.inks.items()},
                "fpo": self.fpo, "definition_fpo_fields": list(self.fpo_fields)}


def plan_pages(brochure, imposition: Imposition, inks: list[dict],
               fpo: dict[int, int]) -> list[PlannedPage]:
    """Each page's definition, sheet, inks and FPO frames (``fpo``: page -> count, as
    preflight finds them printed), in reading order."""
    owners = {n: page for page in brochure.pages for n in page.numbers}
    planned = []
    for number in range(1, imposition.pages + 1):
        definition = owners[number]
        sheet = imposition.sheet_of(number)
        face = "outer" if number in sheet.outer else "inner"
        half = "left" if getattr(sheet, face)[0] == number else "right"
        fields = tuple(d.message.split(":", 1)[0] for d in definition.placeholders)
        planned.append(PlannedPage(number, definition.id, sheet.number, sheet.group, face, half,
                                   inks[number - 1] if number <= len(inks) else {},
                                   fpo.get(number, 0), fields))
    return planned


def fpo_counts(preflight_report: dict) -> dict[int, int]:
    """page -> FPO frames printed, from preflight's report (as_dict)."""
    counts = {}
    for finding in preflight_report.get("findings", []):
        if finding["check"] == "fpo" and finding["page"]:
            found = [int(word) for word in finding["message"].split() if word.isdigit()]
            counts[finding["page"]] = found[0] if found else 1
    return counts


def page_inks(pdf: Path) -> list[dict]:
    """Each page's ink coverage inside its bleed, as Ghostscript's inkcov device measures
    it (the marks outside print on every plate); [] when Ghostscript is not installed."""
    gs = shutil.which("gs")
    if gs is None:
        return []
    output = subprocess.run([gs, "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-o", "-",
                             "-sDEVICE=inkcov", "-r20", "-dUseBleedBox", str(pdf)],
                            capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in output.splitlines() if line.strip().endswith("OK")]
    return [dict(zip(INK_NAMES, map(float, row[:4]))) for row in rows]


def spreads(pages: int, right_bound: bool) -> list[list[int]]:
    """Reading order as the open book shows it: 1 alone, 2|3, ..., the last alone;
    each spread left to right on the paper (3|2 when bound on the right)."""
    groups = [[1]] + [[n, n + 1] for n in range(2, pages, 2)] + ([[pages]] if pages % 2 == 0
                                                                    else [])
    return [group[::-1] if right_bound else group for group in groups]


def pageplan_pdf(pdf: Path, planned: list[PlannedPage], imposition: Imposition, font: Path,
                 title: str) -> bytes:
    """The 台割 as a one-page A3 PDF."""
    import pikepdf

    from .impose import page_forms

    with pikepdf.open(pdf) as original:
        plan = pikepdf.new()
        forms = page_forms(original, plan, [p.page for p in planned], imposition.spec)
        helvetica = plan.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica, Encoding=pikepdf.Name.WinAnsiEncoding))
        content = _plan_content(planned, imposition, font, title)
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, round(PLAN_SIZE[0], 4),
                                              round(PLAN_SIZE[1], 4)],
            Resources=pikepdf.Dictionary(
                XObject=pikepdf.Dictionary({f"/P{n}": form for n, form in forms.items()}),
                Font=pikepdf.Dictionary(F1=helvetica)),
            Contents=plan.make_stream(content.encode("latin-1")))
        plan.pages.append(pikepdf.Page(plan.make_indirect(page)))
        return saved(plan)


def thumbnail_scale(imposition: Imposition, per_row: int, rows: int) -> float:
    """How small a page is drawn so ``rows`` rows of ``per_row`` spreads fit the sheet."""
    width, height = imposition.spec.trim_pt
    room_w = PLAN_SIZE[0] - 2 * MARGIN - (per_row - 1) * GAP
    room_h = PLAN_SIZE[1] - 2 * MARGIN - TITLE - _table_height(imposition) \
        - rows * (CAPTION + GAP)
    return min(room_w / (per_row * 2 * width), room_h / (rows * height))


def _grid(imposition: Imposition, spreads_: int) -> tuple[int, int, float]:
    """(spreads per row, rows, scale): the grid that draws the pages largest."""
    best = None
    for per_row in range(1, spreads_ + 1):
        rows = -(-spreads_ // per_row)
        scale = thumbnail_scale(imposition, per_row, rows)
        if best is None or scale > best[2]:
            best = (per_row, rows, scale)
    return best


def _table_height(imposition: Imposition) -> float:
    return (8 + 3.6 * -(-len(imposition.sheets) // TABLE_COLUMNS)) * MM


def _plan_content(planned, imposition, font: Path, title: str) -> str:
    """Title, the spreads row by row, the sheets' table."""
    by_page = {p.page: p for p in planned}
    groups = spreads(imposition.pages, imposition.spec.right_bound)
    per_row, rows, scale = _grid(imposition, len(groups))
    width, height = (v * scale for v in imposition.spec.trim_pt)
    ops = ["q 0 0 0 1 k", text_path(f"台割 page plan — {title}", font, MARGIN,
                                    PLAN_SIZE[1] - MARGIN - 8 * MM, 14), "Q"]
    top = PLAN_SIZE[1] - MARGIN - TITLE
    for index, group in enumerate(groups):
        row, column = divmod(index, per_row)
        if imposition.spec.right_bound:
            column = per_row - 1 - column
        x = MARGIN + column * (2 * width + GAP) + (width if len(group) == 1 and
                                                    _alone_right(group, imposition) else 0)
        y = top - (row + 1) * height - row * (CAPTION + GAP)
        for offset, number in enumerate(group):
            ops.append(_thumbnail(by_page[number], x + offset * width, y, width, height, scale))
    ops.append(_sheet_table(imposition, MARGIN, MARGIN + _table_height(imposition) - 8 * MM))
    return "\n".join(ops)


def _alone_right(group: list[int], imposition: Imposition) -> bool:
    """Page 1 stands on the right of its empty spread (left binding), the last on the left."""
    first = group[0] == 1
    return first != imposition.spec.right_bound


def _thumbnail(page: PlannedPage, x: float, y: float, width: float, height: float,
               scale: float) -> str:
    band = BANDS[(page.sheet - 1) % len(BANDS)]
    ops = [f"q {' '.join(f'{v:g}' for v in band)} k {x:.2f} {y - CAPTION:.2f} {width:.2f} "
           f"{CAPTION - 1:.2f} re f Q",
           f"q {x:.2f} {y:.2f} {width:.2f} {height:.2f} re W n {scale:.5f} 0 0 {scale:.5f} "
           f"{x:.3f} {y:.3f} cm /P{page.page} Do Q",
           f"q 0 0 0 0.6 K 0.4 w {x:.2f} {y:.2f} {width:.2f} {height:.2f} re S Q"]
    lines = [f"P{page.page}  {page.colour}", page.definition,
             f"sheet {page.sheet} {page.face}" if page.group == "sheets" else
             f"{page.group} s{page.sheet}"]
    if page.fpo:
        lines.append(f"FPO x{page.fpo}")
        ops.append(f"q 0 1 1 0 K 1.2 w {x + 1:.2f} {y + 1:.2f} {width - 2:.2f} "
                   f"{height - 2:.2f} re S Q")
    ops += [_text(line, x + 2, y - 3.2 * MM - i * 3.2 * MM, 7) for i, line in enumerate(lines)]
    return "\n".join(ops)


def _sheet_table(imposition: Imposition, x: float, y: float) -> str:
    """One line per sheet: its sides and creep, and how the sheets nest."""
    head = (f"{len(imposition.sheets)} sheets, {imposition.spec.binding}, bound on the "
            f"{imposition.spec.side}; caliper {imposition.caliper:g} mm; creep = pages moved "
            "toward the spine")
    ops = [_text(head, x, y + 6 * MM, 8)]
    cells = [f"{s.number}: {s.outer[0]}|{s.outer[1]} / {s.inner[0]}|{s.inner[1]}  "
             f"{s.creep:.2f} mm" + (f" spine {s.spine:.2f}" if s.spine else "")
             for s in imposition.sheets]
    per_line = TABLE_COLUMNS
    for line in range(0, len(cells), per_line):
        ops.append(_text("      ".join(cells[line:line + per_line]), x,
                         y + 2 * MM - (line // per_line) * 3.6 * MM, 7))
    return "\n".join(ops)


def _text(words: str, x: float, y: float, size: float) -> str:
    escaped = words.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"BT 0 0 0 1 k /F1 {size:g} Tf {x:.2f} {y:.2f} Td ({escaped}) Tj ET"


def pageplan_png(plan_pdf: Path, target: Path, dpi: int = 100) -> None:
    """The 台割 as a PNG (pdfium renders it; the same PDF gives the same pixels)."""
    import io

    import pypdfium2 as pdfium

    from ..write import write_bytes

    document = pdfium.PdfDocument(str(plan_pdf))
    image = document[0].render(scale=dpi / 72).to_pil()
    document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    write_bytes(target, buffer.getvalue())
