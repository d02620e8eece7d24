"""Run the stages in order: load -> render -> typeset -> write."""

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from .fonts import load_fonts
from .load import load_brochure
from .options import Options
from .render import render_html
from .screen import typeset_screen
from .diagnostics import Diagnostic, PamphletError
from .typeset import OversetError, typeset
from .write import document_id, write_pdf, write_text

LOG = logging.getLogger("pamphlet")
STEPS = 4


@dataclass
class BuildResult:
    pdf: Path
    html: Path
    pages: int
    seconds: float
    warnings: list = field(default_factory=list)
    brochure: object = None          # the loaded brochure, for the checks that follow


def build(options: Options, cache=None) -> BuildResult:
    """Build the print PDF; the previous PDF stays in place if any stage fails.

    ``cache`` (a `LayoutCache`) lets a warm process lay out only what changed.
    """
    start = time.perf_counter()
    _step(1, "loading", options.brochure)
    brochure = load_brochure(options)
    _step(2, "rendering HTML for", f"{brochure.page_count} pages")
    html = render_html(brochure, cache.html if cache is not None else None)
    write_text(brochure.options.html, html)
    _step(3, "typesetting", f"{brochure.page_count} pages")
    try:
        document = typeset(html, brochure.options.html.parent, brochure, cache)
    except OversetError as error:
        raise _keep_for_inspection(error, brochure.options.out) from None
    _step(4, "writing", brochure.options.out)
    write_pdf(document, brochure.options.out, document_id(html), pdf_variant="pdf/x-4",
              finish=_press_finish(brochure))
    if brochure.options.screen:
        _step(4, "writing the screen edition", brochure.options.screen_pdf)
        screen = typeset_screen(html, brochure.options.html.parent, brochure.options.output_profile)
        write_pdf(screen, brochure.options.screen_pdf, document_id(html, "screen"),
                  pdf_variant="pdf/ua-1")
    return BuildResult(brochure.options.out, brochure.options.html, len(document.pages),
                       time.perf_counter() - start, brochure.warnings, brochure)


def _press_finish(brochure):
    """Boxes, marks and slug for the print PDF (see press.py)."""
    from functools import partial

    from .press import finish

    options = brochure.options
    slug = f"{options.out.name}   {brochure.meta['title']}   {brochure.meta['date']}"
    bleed = float(options.bleed.removesuffix("mm"))
    font = next(f.path for f in load_fonts(options.fonts) if f.weight == 400)
    return partial(finish, bleed_mm=bleed, marks=options.marks, slug=slug, font=font)


def _keep_for_inspection(error: OversetError, out: Path) -> PamphletError:
    """Write the overflowing pages beside the PDF (never over it) and say where."""
    inspect = out.with_name(out.stem + ".overset.pdf")
    write_pdf(error.document, inspect, b"overset")
    note = Diagnostic(f"the pages as laid out are in {inspect} for inspection; "
                      f"{out} was not changed", severity="note")
    return PamphletError(error.diagnostics + [note])


def _step(number: int, verb: str, what) -> None:
    LOG.info("step %d/%d %s %s", number, STEPS, verb, what)
