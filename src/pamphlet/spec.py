"""The print spec: what the press is told about the pamphlet, in one object.

Trim, bleed, binding and binding side come from brochure.yaml (through
options.resolve); every stage that needs them takes a PrintSpec — the layouts
(as CSS and template values), the marks, preflight, check-toc, the job ticket,
imposition and diff. The print PDF carries it too (`/PamphletSpec` in the
catalog, beside the boxes it agrees with), so a checker given only the PDF
reads the same spec the build used.
"""

from dataclasses import dataclass

MM = 72 / 25.4                      # PostScript points per millimetre

BINDINGS = ("saddle-stitch", "perfect", "none")
SIDES = ("left", "right")           # the spine's side as the reader holds it: right = 右綴じ

# Named trims (mm, portrait): ISO A and JIS B, the sizes Japanese printers quote.
SIZES = {
    "A3": (297.0, 420.0), "A4": (210.0, 297.0), "A5": (148.0, 210.0), "A6": (105.0, 148.0),
    "B4": (257.0, 364.0), "B5": (182.0, 257.0), "B6": (128.0, 182.0),
}
SIGNATURE = {"saddle-stitch": 4, "perfect": 4, "none": 1}   # pages a count must divide by


@dataclass(frozen=True)
class PrintSpec:
    """Trim and bleed in millimetres, the binding and the side it is bound on."""

    width: float = 210.0
    height: float = 297.0
    bleed: float = 3.0
    binding: str = "saddle-stitch"
    side: str = "left"

    @property
    def trim_pt(self) -> tuple[float, float]:
        return self.width * MM, self.height * MM

    @property
    def bleed_pt(self) -> float:
        return self.bleed * MM

    @property
    def size_name(self) -> str:
        """``A4``, ``B5 landscape`` or ``100 × 150 mm``."""
        for name, (w, h) in SIZES.items():
            if _close(self.width, w) and _close(self.height, h):
                return name
            if _close(self.width, h) and _close(self.height, w):
                return name + " landscape"
        return f"{self.width:g} × {self.height:g} mm"

    @property
    def signature(self) -> int:
        """The page count must be a multiple of this (4 for folded sheets)."""
        return SIGNATURE.get(self.binding, 1)

    @property
    def right_bound(self) -> bool:
        return self.side == "right"

    def recto(self, page: int) -> bool:
        """Page 1 (the cover) is a recto; odd pages are rectos on either side."""
        return page % 2 == 1

    def outer_edge(self, page: int) -> str:
        """``left`` or ``right``: the trim edge away from the spine on ``page``."""
        spine_right = self.recto(page) == self.right_bound
        return "left" if spine_right else "right"

    def as_pdf_dict(self) -> dict:
        """The catalog's /PamphletSpec entries (names and numbers)."""
        return {"/Width": round(self.width, 3), "/Height": round(self.height, 3),
                "/Bleed": round(self.bleed, 3), "/Binding": "/" + self.binding,
                "/Side": "/" + self.side}

    def as_css(self) -> str:
        """Custom properties for the layouts: geometry comes from here, not from literals."""
        return (f":root {{ --trim-width: {self.width:g}mm; --trim-height: {self.height:g}mm; "
                f"--bleed: {self.bleed:g}mm; }}")


def _close(a: float, b: float) -> bool:
    return abs(a - b) < 0.6


def from_options(options) -> PrintSpec:
    """The spec a build's Options (options.resolve) settled."""
    width, height = (float(str(v).removesuffix("mm")) for v in options.trim)
    return PrintSpec(width=width, height=height, bleed=float(str(options.bleed).removesuffix("mm")),
                     binding=options.binding, side=getattr(options, "side", "left"))


def from_pdf(pdf) -> PrintSpec | None:
    """The spec a print PDF carries (a pikepdf.Pdf), or None when it carries none.

    Without /PamphletSpec, the first page's TrimBox and BleedBox still give the
    trim and bleed; binding and side are then unknown (None is returned only
    when the PDF has no TrimBox either).
    """
    root = pdf.Root
    stored = root.get("/PamphletSpec")
    page = pdf.pages[0].obj if len(pdf.pages) else None
    trim = _box(page.get("/TrimBox")) if page is not None else None
    if stored is None and trim is None:
        return None
    if stored is not None:
        return PrintSpec(width=float(stored.Width), height=float(stored.Height),
                         bleed=float(stored.Bleed), binding=str(stored.Binding)[1:],
                         side=str(stored.Side)[1:])
    bleed_box = _box(page.get("/BleedBox")) or trim
    return PrintSpec(width=(trim[2] - trim[0]) / MM, height=(trim[3] - trim[1]) / MM,
                     bleed=round((trim[0] - bleed_box[0]) / MM, 3), binding="none", side="left")


def _box(value) -> tuple | None:
    if value is None:
        return None
    return tuple(float(v) for v in value)


def store(pdf, spec: PrintSpec) -> None:
    """Write /PamphletSpec into the catalog of ``pdf`` (a pikepdf.Pdf).

    Not /ViewerPreferences /Direction /R2L for a right-bound pamphlet: pdfium then
    reads every horizontal line backwards ('06P' for 'P06'), in viewers and in the
    checkers alike; the binding side is in /PamphletSpec and the job ticket.
    """
    import pikepdf

    entries = {}
    for key, value in spec.as_pdf_dict().items():
        entries[key] = pikepdf.Name(value) if isinstance(value, str) else value
    pdf.Root.PamphletSpec = pikepdf.Dictionary(entries)
