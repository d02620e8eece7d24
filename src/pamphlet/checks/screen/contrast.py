"""WCAG 2.2 contrast (1.4.3) of each text against what lies under it on the rendered page.

Each page is rendered by pdfium with its text made invisible: what is left under a
text object's box is its background. The text's own colour is its fill colour (with
its opacity over the background). A text passes when nine tenths of the pixels under
it give at least 4.5:1, or 3:1 for large text (18 pt, or 14 pt bold).
"""

import ctypes
from dataclasses import dataclass

from .model import check

SCALE = 1.5               # 108 dpi: a 6.5 pt glyph is 10 px high
COVERAGE = 0.9            # the share of the background a text must stand out from
NORMAL, LARGE = 4.5, 3.0
LARGE_SIZE, LARGE_BOLD_SIZE = 18.0, 14.0


@dataclass(frozen=True)
class Contrast:
    page: int
    text: str
    colour: tuple             # the text's r, g, b
    background: tuple         # the most common r, g, b under it
    ratio: float              # at the COVERAGE share of the background
    needed: float
    artifact: bool

    @property
    def ok(self) -> bool:
        return self.ratio >= self.needed - 0.005      # said to two decimals


@check("contrast", "error", (),
       "text with too little contrast against what lies under it (WCAG 2.2 1.4.3: 4.5:1, "
       "large text 3:1)",
       "use the palette's screen variants (base.css, :root[data-edition=screen]) or a "
       "darker/lighter colour for this text")
def _contrast(facts):
    for measured in measure(facts):
        if not measured.ok:
            yield measured.page, (f"“{measured.text.strip()[:24]}” {_hex(measured.colour)} on "
                                  f"{_hex(measured.background)}: {measured.ratio:.2f}:1, "
                                  f"needs {measured.needed:g}:1")


def measure(facts) -> list[Contrast]:
    """The contrast of every visible text of the PDF (artifacts too: a folio is seen),
    as read with the page (`measure_page`)."""
    return facts.contrast


def measure_page(page, shown: list) -> list[Contrast]:
    """The contrast of every visible text ``shown`` on the pdfium ``page`` (whose
    text this makes invisible)."""
    texts = [s for s in shown if s.kind == "text" and s.text.strip()]
    if not texts:
        return []
    background, height = _background(page)
    return [r for r in (_measure(s, background, height) for s in texts) if r is not None]


def _background(page):
    """The page rendered without its text, and its height in pt."""
    import pypdfium2.raw as raw

    for obj in _all_objects(page):
        if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_TEXT:
            raw.FPDFTextObj_SetTextRenderMode(obj, raw.FPDF_TEXTRENDERMODE_INVISIBLE)
    image = page.render(scale=SCALE).to_pil().convert("RGB")
    return image, page.get_height()


def _all_objects(page):
    import pypdfium2.raw as raw

    def inside(obj, depth):
        yield obj
        if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_FORM and depth < 64:
            for index in range(raw.FPDFFormObj_CountObjects(obj)):
                yield from inside(raw.FPDFFormObj_GetObject(obj, index), depth + 1)

    for index in range(raw.FPDFPage_CountObjects(page)):
        yield from inside(raw.FPDFPage_GetObject(page, index), 0)


def _measure(shown, background, height: float) -> Contrast | None:
    left, bottom, right, top = shown.box
    box = (int(left * SCALE), int((height - top) * SCALE),
           int(right * SCALE + 0.999), int((height - bottom) * SCALE + 0.999))
    box = (max(box[0], 0), max(box[1], 0), min(box[2], background.width),
           min(box[3], background.height))
    if box[2] <= box[0] or box[3] <= box[1] or shown.colour[3:] == (0,):
        return None                                   # off the page, or not painted
    area = background.crop(box)
    colours = area.getcolors(maxcolors=area.width * area.height)
    text = shown.colour[:3]
    alpha = shown.colour[3] / 255 if len(shown.colour) > 3 else 1.0
    pairs = sorted((ratio(_over(text, colour, alpha), colour), count)
                   for count, colour in colours)
    total, seen, at = sum(count for _, count in pairs), 0, pairs[-1][0]
    for value, count in pairs:
        seen += count
        if seen >= (1 - COVERAGE) * total:
            at = value
            break
    large = shown.size >= LARGE_SIZE or shown.bold and shown.size >= LARGE_BOLD_SIZE
    common = max(colours)[1]
    return Contrast(shown.page, shown.text, text, common, at, LARGE if large else NORMAL,
                    shown.artifact)


def _over(text: tuple, background: tuple, alpha: float) -> tuple:
    return tuple(round(alpha * t + (1 - alpha) * b) for t, b in zip(text, background))


def luminance(rgb: tuple) -> float:
    """WCAG 2.2 relative luminance of an sRGB colour (0-255 channels)."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(first: tuple, second: tuple) -> float:
    """WCAG contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _hex(rgb: tuple) -> str:
    return "#" + "".join(f"{c:02x}" for c in rgb[:3])


def palette(facts) -> dict:
    """Per text colour: (the lowest ratio, its background, needed, how many texts)."""
    table = {}
    for measured in measure(facts):
        key = _hex(measured.colour)
        worst = table.get(key)
        if worst is None or measured.ratio < worst[0]:
            table[key] = (measured.ratio, _hex(measured.background), measured.needed,
                          (worst[3] if worst else 0) + 1)
        else:
            table[key] = (*worst[:3], worst[3] + 1)
    return table


_ = ctypes    # pdfium's raw calls take ctypes values
