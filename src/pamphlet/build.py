"""Run the stages in order: load -> render -> typeset -> write.

`build()` is the whole pipeline; `make_part()` is one page definition's way
from YAML to PDF pages (render -> layout -> overset -> draw).
"""

import logging
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

from .fieldmap import write_field_map
from .fonts import load_fonts
from .load import Brochure, PageDef, load_brochure
from .options import Options
from . import cache, workers
from .cache import cache_dir
from .merge import merge
from .parts import PART_ID, PRINT, SCREEN, Failed, Made, Part, PartsFailed, describe
from .press import screen_finish
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
    screened: object = None          # what build()'s ``screened`` said of the screen edition


def build(options: Options, warm: dict | None = None, printed=None,
          screened=None) -> BuildResult:
    """Build the print PDF (and the screen edition); the previous PDFs stay in place if
    any stage before the writing fails.

    Each page definition is rendered, laid out and drawn as a part by `make_part`,
    reused from build/cache when nothing it depends on changed, made on every
    core otherwise; the parts are merged (merge.py) and finished for the press.
    The print PDF is written as soon as it is merged, while the screen edition is
    merged in a forked process: ``printed(BuildResult)``, when given, is called then
    (the checks of the print PDF run meanwhile). ``screened(path)``, when given, is
    called in the process that merged the screen edition, once it has written it (its
    check runs there, beside the print PDF's); what it returns is the result's
    ``screened``.
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
    printed = _once(printed)
    try:
        result = _write(brochure, made, html, start, printed, screened)
    except CacheDamaged as damage:
        LOG.warning("cache: %s was damaged; the parts are made again", damage)
        for folder in ("parts", "fonts"):           # fonts: what drawing the parts stores
            shutil.rmtree(cache_dir(brochure) / folder, ignore_errors=True)
        made = _make(brochure, renderer, warm, editions)
        result = _write(brochure, made, html, start, printed, screened)
    result.seconds = time.perf_counter() - start
    return result


def _write(brochure, made, html: str, start: float, printed, screened) -> BuildResult:
    """Merge and write each edition: the print PDF merged here, then written (and
    ``printed`` told) while the screen edition is merged, written and ``screened``
    beside it (workers.beside)."""
    options = brochure.options
    _step(3, "merging", describe(made.parts[PRINT]))
    screen = partial(_screen_edition, brochure, made, html, screened) \
        if SCREEN in made.parts else None
    with workers.beside(screen, options.jobs, "merging the screen edition") as screen_done:
        pdf = _merge_edition(brochure, made, html, PRINT)
        _step(4, "writing", options.out)
        write_bytes(options.out, pdf)
        write_field_map(brochure, made.parts[PRINT], pdf)      # for review tools
        write_text(options.html, html)
        result = BuildResult(options.out, options.html, brochure.page_count,
                             time.perf_counter() - start, brochure.warnings + made.warnings,
                             brochure, describe(made.parts[PRINT]), made.warnings)
        printed(result)
        result.screened = screen_done.result()
    return result


def _screen_edition(brochure, made, html: str, screened):
    """The screen edition merged and written, then ``screened`` (in the merging process)."""
    write_bytes(brochure.options.screen_pdf, _merge_edition(brochure, made, html, SCREEN))
    return screened(brochure.options.screen_pdf) if screened is not None else None


def _once(told):
    """``told``, called at most once (a build that merges again after a damaged cache
    writes the same print PDF again)."""
    calls = []

    def once(result):
        if told is not None and not calls:
            calls.append(result)
            told(result)
    return once


def _make(brochure, renderer, warm, editions):
    try:
        return make_parts(brochure, renderer, engine_holder=warm, editions=editions)
    except PartsFailed as error:
        raise _keep_for_inspection(error, brochure.options.out) from None


def make_parts(brochure: Brochure, renderer: Renderer, engine_holder: dict | None = None,
               editions=(PRINT,)) -> Made:
    """Every definition's part in each edition: reused from the cache, or made by
    `make_part` on every core.

    ``engine_holder`` keeps the layout engines between builds of a warm process.
    Raises `PartsFailed` with the problems of every part that failed.
    """
    folder = cache_dir(brochure)
    world = cache.world_digest(brochure)
    keys = cache.part_keys(brochure, renderer.head, editions, world)
    engine_key = _engine_key(renderer, world)
    parts = {task: cache.reuse(task, key, folder) for task, key in keys.items()}
    todo = [task for task in keys if parts[task] is None]
    LOG.info("page definitions: %d parts reused from %s, %d to lay out",
             len(parts) - len(todo), folder / "parts", len(todo))
    engines = Engines(brochure, renderer, _held(engine_holder, engine_key))
    if isinstance(engine_holder, Lent) and engines.made:
        LOG.info("layout engines: %s, made by the resident", ", ".join(sorted(engines.made)))
    try:
        said = cache.style_said(folder, engine_key)
        for edition in _made_first(todo, engine_holder, brochure.options.jobs, said):
            engines.get(edition)     # before the workers fork: they share its fonts and CSS
        style = cache.style_warnings(folder, engine_key, engines.made)
        work = partial(_make_and_keep, brochure, renderer, engines, keys, folder)
        made = workers.run(cache.largest_first(todo, folder, brochure), work,
                           brochure.options.jobs, _progress)
    finally:
        _hold(engine_holder, engine_key, engines.made)
    failed = [result for result in made if isinstance(result, Failed)]
    if failed:
        raise PartsFailed(failed, style)
    parts.update({(part.page_id, part.edition): part for part in made})
    cache.record(folder, parts, made, set(keys.values()))
    return Made({edition: [parts[page.id, edition] for page in brochure.pages]
                 for edition in editions}, style + _picture_warnings(parts, brochure))


def _engine_key(renderer: Renderer, world: str) -> str:
    """A kept engine serves while the head and every file it read are the same: a
    stylesheet, font or picture saved anew under `watch` makes a new engine."""
    return f"{renderer.head}\0{world}"


def warm_up(options: Options, warm: dict) -> None:
    """Make the layout engines (stylesheets parsed, fonts loaded) that the next build
    with ``warm`` lays out with: a watch whose first build reused every part does it
    while the designer looks, instead of in the first save's rebuild (0.8 s at 36
    pages). A brochure or layout that fails here (bad input, or a bug) is left for that
    rebuild to say: warming up never stops the watch."""
    try:
        brochure = load_brochure(options)
        renderer = Renderer(brochure)
        key = _engine_key(renderer, cache.world_digest(brochure))
        engines = Engines(brochure, renderer, _held(warm, key))
        for edition in (PRINT, SCREEN) if brochure.options.screen else (PRINT,):
            engines.get(edition)
    except Exception:       # the rebuild says what, with its file and line
        LOG.debug("warm-up stopped", exc_info=True)
        return
    _hold(warm, key, engines.made)


class Lent(dict):
    """Engines a resident process made (resident.py), lent to the build its child runs:
    used where they fit, not kept (the child ends with the build), so the engines they
    do not hold are made as a new process makes them."""


def _made_first(todo: list, engine_holder: dict | None, jobs: int | None,
                said: bool) -> list[str]:
    """The editions whose engines are made before the workers fork.

    All of them when the workers share them (many parts to make), or when a warm
    process keeps them (not a `Lent` holder). With a part or two per edition to make
    (an edit, in a new process), each engine is made by the process that takes its
    part, side by side (0.4 s of parsing each, for the guide) — but for the print
    engine when what the stylesheets' warnings are is not yet ``said`` (a stylesheet
    saved anew): it is made here first, to say them.
    """
    editions = sorted({edition for _, edition in todo})
    keeps = engine_holder is not None and not isinstance(engine_holder, Lent)
    if keeps or len(todo) > (jobs or os.cpu_count() or 1):
        return editions
    return [] if said else [edition for edition in editions if edition == PRINT]


def _make_and_keep(brochure, renderer, engines, keys, folder, task):
    """`make_part` for one (page id, edition), stored in the cache (in a worker or here)."""
    page_id, edition = task
    result = make_part(brochure.page(page_id), edition, keys[task], brochure, renderer,
                       engines.get(edition), folder)
    return cache.save(result, folder) if isinstance(result, Part) else result


def make_part(definition: PageDef, edition: str, key: str, brochure: Brochure,
              renderer: Renderer, engine, cache_folder: Path) -> Part | Failed:
    """One page definition as a part: render -> layout -> overset -> draw.

    ``engine`` lays out (engine.layout.Engine, or engine.tagging.screen_engine); the
    part's PDF is in ``Part.data`` (fonts left out, stored in ``cache_folder``/fonts; see engine/draw.py);
    where its fields lie goes to ``cache_folder``/fields (fieldmap.py).
    """
    from .engine.draw import draw
    from .fieldmap import record_fields
    from .engine.pictures import place_images, prime_pictures
    from .engine.layout import overset

    options = brochure.options
    clock = Clock()
    pictures = []
    try:
        html = renderer.page(definition)
        rendering = clock.lap()
        if edition == SCREEN:
            from .screen import screen_html
            html = screen_html(html, options.output_profile)
        if edition == PRINT:       # pictures: laid out by their size, converted once placed
            prime_pictures(engine.images, html, engine.base_url, options.brochure)
        document = engine.layout(html)
        if edition == PRINT:
            record_fields(document, definition, cache_folder, key)   # boxes -> fields
            pictures = place_images(document, definition, options)
            wrong = [note for note in pictures if note.severity == "error"]
            problems = overset(document, brochure, definition, html)
            if problems:
                return Failed(definition.id, problems + wrong,
                              document.write_pdf(pdf_identifier=b"overset"))
            if wrong:
                return Failed(definition.id, wrong)
        layout = clock.lap()
        drawing = draw(document, cache_folder / "fonts", PART_ID,
                       "pdf/x-4" if edition == PRINT else "pdf/ua-1",
                       overprint=edition == PRINT and options.overprint)
        engine.check_reads()                 # a picture inside an SVG is read as it is drawn
        drawn = clock.lap()
    except PamphletError as error:
        return Failed(definition.id, [_at_definition(d, definition) for d in error.diagnostics])
    return Part(definition.id, key, html, drawing.fonts, drawing.bookmarks, drawing.heights,
                round(clock.total(), 3), edition,
                [{**asdict(note), "file": str(note.file or "")} for note in pictures],
                timing=f"render {rendering:.2f}, layout {layout:.2f}, draw {drawn:.2f}",
                data=drawing.pdf)


def _at_definition(diagnostic: Diagnostic, page) -> Diagnostic:
    """A problem found nowhere more precise (a layout stopped by its time limit) is
    placed at the page definition's layout line."""
    if diagnostic.file is not None:
        return diagnostic
    located = page.source.diagnostic(("layout",), f"page definition '{page.id}': "
                                     + diagnostic.message, diagnostic.hint, diagnostic.severity)
    return located


class Clock:
    """Seconds per stage of one part."""

    def __init__(self):
        self.times = [time.perf_counter()]

    def lap(self) -> float:
        self.times.append(time.perf_counter())
        return self.times[-1] - self.times[-2]

    def total(self) -> float:
        return self.times[-1] - self.times[0]


class Engines:
    """This process's layout engine per edition, made on first use (stylesheets parsed
    once); made before the workers fork, so that they share it."""

    def __init__(self, brochure: Brochure, renderer: Renderer, kept: dict):
        self.brochure, self.renderer, self.made = brochure, renderer, kept

    def get(self, edition: str):
        from .engine.layout import Engine, prepare

        if edition not in self.made:
            options = self.brochure.options
            prepare(options.build_dir)
            if edition == SCREEN:
                from .engine.tagging import screen_engine
                from .screen import use_variants
                use_variants(self.brochure.theme.screen_variants())   # before workers fork
                self.made[edition] = screen_engine(self.renderer.head, options.html.parent,
                                                   options.output_profile, readable(options))
            else:
                self.made[edition] = Engine(self.renderer.head, options.html.parent,
                                            roots=readable(options))
        return self.made[edition]


def readable(options) -> list[Path]:
    """The folders a layout, stylesheet or picture may read: the brochure, its layouts
    and fonts, the output profile's folder and the build's cache (converted pictures)."""
    folders = [options.brochure, *options.layouts, options.fonts, options.build_dir / "cache"]
    if options.output_profile is not None:
        folders.append(options.output_profile.parent)
    return folders


def _progress(result, done: int, total: int):
    if isinstance(result, Part):
        LOG.info("[%d/%d] laid out %s in %.2f s (%s)", done, total, result.name,
                 result.seconds, result.timing)
    return result


def _picture_warnings(parts: dict, brochure: Brochure) -> list[Diagnostic]:
    """What the parts' pictures gave as warnings (low resolution), in page order."""
    return [Diagnostic(**{**note, "file": Path(note["file"]) if note["file"] else None})
            for page in brochure.pages if (page.id, PRINT) in parts
            for note in parts[page.id, PRINT].pictures]


def _held(holder: dict | None, key: str) -> dict:
    """The engines a warm process kept for this document head and these files."""
    return {edition: engine for (edition, kept), engine in (holder or {}).items()
            if kept == key}


def _hold(holder: dict | None, key: str, engines: dict) -> None:
    if holder is not None and engines:
        holder.clear()
        holder.update({(edition, key): engine for edition, engine in engines.items()})


def _merge_edition(brochure, made, html: str, edition: str) -> bytes:
    """One edition's PDF bytes, merged from its parts."""
    fonts = cache_dir(brochure) / "fonts"
    files = [part.file() for part in made.parts[edition]]
    if edition == PRINT:
        return merge(files, document_id(html), fonts, finish=_press_finish(brochure))
    return merge(files, document_id(html, "screen"), fonts, finish=screen_finish,
                 tagged=True)


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
    from .engine.layout import import_engine, isolate_fonts
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
