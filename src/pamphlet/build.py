"""Run the stages in order: load -> render -> typeset -> write."""

import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from .fieldmap import write_field_map
from .fonts import load_fonts
from .load import load_brochure
from .options import Options
from .merge import merge
from .parts import PRINT, SCREEN, PartsFailed, cache_dir, describe, make_parts
from .press import reproducible_xmp
from .render import Renderer
from .diagnostics import Diagnostic, PamphletError
from .write import CacheDamaged, document_id, write_bytes, write_text

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
    laid_out: str = ""               # "N of M page definitions laid out" (the others reused)
    style_warnings: list = field(default_factory=list)   # what the layouts' CSS could not say


def build(options: Options, warm: dict | None = None) -> BuildResult:
    """Build the print PDF; the previous PDF stays in place if any stage fails.

    Each page definition is rendered, laid out and drawn as a part (parts.py),
    reused from build/cache when nothing it depends on changed, made on every
    core otherwise; the parts are merged (merge.py) and finished for the press.
    ``warm`` (a dict a watching process keeps) holds the layout engine between builds.
    """
    start = time.perf_counter()
    _return_big_blocks()
    _import_engine_early(options)
    _step(1, "loading", options.brochure)
    brochure = load_brochure(options)
    _step(2, "rendering and typesetting", f"{brochure.page_count} pages")
    renderer = Renderer(brochure)
    editions = (PRINT, SCREEN) if brochure.options.screen else (PRINT,)
    made = _make(brochure, renderer, warm, editions)
    html = renderer.document({part.page_id: part.html for part in made.parts[PRINT]})
    try:
        editions_pdf = _merge(brochure, made, html)
    except CacheDamaged as damage:
        LOG.warning("cache: %s was damaged; the parts are made again", damage)
        for folder in ("parts", "fonts"):           # fonts: what drawing the parts stores
            shutil.rmtree(cache_dir(brochure) / folder, ignore_errors=True)
        made = _make(brochure, renderer, warm, editions)
        editions_pdf = _merge(brochure, made, html)
    _step(4, "writing", brochure.options.out)
    write_bytes(brochure.options.out, editions_pdf[PRINT])
    write_field_map(brochure, made.parts[PRINT], editions_pdf[PRINT])   # for review tools
    if SCREEN in editions_pdf:
        write_bytes(brochure.options.screen_pdf, editions_pdf[SCREEN])
    write_text(brochure.options.html, html)
    return BuildResult(brochure.options.out, brochure.options.html, brochure.page_count,
                       time.perf_counter() - start, brochure.warnings + made.warnings, brochure,
                       describe(made.parts[PRINT]), made.warnings)


def _make(brochure, renderer, warm, editions):
    try:
        return make_parts(brochure, renderer, engine_holder=warm, editions=editions)
    except PartsFailed as error:
        raise _keep_for_inspection(error, brochure.options.out) from None


def _merge(brochure, made, html: str) -> dict:
    """Each edition's PDF bytes, merged from its parts (nothing written yet)."""
    fonts = cache_dir(brochure) / "fonts"
    _step(3, "merging", describe(made.parts[PRINT]))
    merged = {PRINT: merge([part.file() for part in made.parts[PRINT]], document_id(html), fonts,
                           finish=_press_finish(brochure))}
    if SCREEN in made.parts:
        merged[SCREEN] = merge([part.file() for part in made.parts[SCREEN]],
                               document_id(html, "screen"), fonts, finish=reproducible_xmp,
                               tagged=True)
    return merged


def _return_big_blocks() -> None:
    """Keep glibc handing blocks over 1 MB back to the system when they are freed.

    The merge reads font files (5 MB each) and parts, and frees them. glibc
    raises its mmap threshold after such a free, so later blocks come from the
    heap and its high-water mark stays: the guide's build peaks 16 MB higher
    without this (171 MB against 155 MB, measured).
    """
    import ctypes
    import sys

    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").mallopt(-3, 1 << 20)     # M_MMAP_THRESHOLD
        except (OSError, AttributeError):
            pass


def _import_engine_early(options: Options) -> None:
    """Import WeasyPrint in a thread while the brochure loads and renders.

    The import takes most of a second, partly waiting for subprocesses; the first
    use of WeasyPrint then waits for the import to finish.
    """
    import sys
    import threading

    if "weasyprint" in sys.modules:
        return
    from .typeset import import_engine, isolate_fonts
    isolate_fonts(options.build_dir)          # before fontconfig reads its configuration
    threading.Thread(target=import_engine, daemon=True).start()


def _press_finish(brochure):
    """Boxes, marks and slug for the print PDF (see press.py)."""
    from functools import partial

    from .press import finish

    options = brochure.options
    version = f"   v{brochure.job.version}" if brochure.job and brochure.job.version else ""
    slug = f"{options.out.name}   {brochure.meta['title']}   {brochure.meta['date']}{version}"
    font = next(f.path for f in load_fonts(options.fonts) if f.weight == 400)
    return partial(finish, spec=options.spec, marks=options.marks, slug=slug, font=font,
                   condition=brochure.condition)


def _keep_for_inspection(error: PartsFailed, out: Path) -> PamphletError:
    """Write the overflowing pages beside the PDF (never over it) and say where."""
    import io

    import pikepdf

    inspect = out.with_name(out.stem + ".overset.pdf")
    pages = [f.inspection for f in error.failed if f.inspection is not None]
    if not pages:
        return PamphletError(error.diagnostics)
    import warnings

    joined = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(data)) for data in pages]
    with warnings.catch_warnings():     # pages to look at: their links need not work
        warnings.filterwarnings("ignore", category=pikepdf.PageCopyWarning)
        for source in sources:
            joined.pages.extend(source.pages)
    buffer = io.BytesIO()
    joined.save(buffer)
    write_bytes(inspect, buffer.getvalue())
    note = Diagnostic(f"the pages as laid out are in {inspect} for inspection; "
                      f"{out} was not changed", severity="note")
    return PamphletError(error.diagnostics + [note])


def _step(number: int, verb: str, what) -> None:
    LOG.info("step %d/%d %s %s", number, STEPS, verb, what)
