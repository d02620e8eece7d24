"""Render, lay out and draw each page definition on its own: a *part*, cached on disk.

A part (draw.py) is one definition's pages as a small PDF. It is kept in
build/cache/parts/ under a key that hashes everything its pages depend on:
the definition file's text, the document head (styles, fonts, page size),
the page plan and the contents, every file under the brochure's assets/ and
data/, the layouts and the fonts, and the code of pamphlet and WeasyPrint.
A build makes only the parts whose key is new — every part after `make clean`,
one after a one-sentence edit — on every core at once, and merge.py joins them.
"""

import hashlib
import json
import logging
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic, PamphletError
from .fonts import file_sha256
from .load import Brochure
from .merge import PartFile
from .write import write_atomically

LOG = logging.getLogger("pamphlet")
PART_ID = b"pamphlet-part"     # a part's /ID; the merged PDF gets its own


PRINT, SCREEN = "print", "screen"


@dataclass
class Part:
    """A made (or reused) part: where its PDF is and what merge.py needs."""

    page_id: str
    key: str
    html: str                 # the definition's HTML, as in build/pamphlet.html
    fonts: dict
    bookmarks: list
    heights: list
    seconds: float            # what making it cost (orders the next cold build's work)
    edition: str = PRINT      # or SCREEN: RGB, tagged
    pictures: list = field(default_factory=list)   # warnings on its pictures (images.py),
    pdf: Path | None = None                        # as dicts: said again when reused
    reused: bool = False
    timing: str = ""

    def file(self) -> PartFile:
        return PartFile(self.pdf, self.fonts, self.bookmarks, self.heights)

    @property
    def name(self) -> str:
        return self.page_id if self.edition == PRINT else f"{self.page_id} ({self.edition})"


@dataclass
class Failed:
    """A part that could not be made: the problems, and its pages for inspection."""

    page_id: str
    problems: list
    inspection: bytes | None = None


@dataclass
class Job:
    """What every worker needs; set before the workers fork, so never pickled."""

    brochure: Brochure
    renderer: object
    cache: Path
    keys: dict                # (page id, edition) -> key
    engines: dict             # edition -> Engine, made on first use in each process
    seconds: dict = field(default_factory=dict)
    queue: object = None      # a `_Queue` while parts are made on several cores


_JOB: Job | None = None


def cache_dir(brochure: Brochure) -> Path:
    return brochure.options.build_dir / "cache"


def part_keys(brochure: Brochure, head: str, editions, world: str) -> dict[tuple, str]:
    """The cache key of each page definition's part in each edition (``world``: the
    digest of every file a page may read, `_world_digest`)."""
    common = hashlib.sha256(json.dumps([
        _code_digest(), world, head,
        [(p.id, p.numbers) for p in brochure.pages],
        [(e.group, e.entry, e.heading, e.page) for e in brochure.toc()],
        str(brochure.meta)], ensure_ascii=False, default=str).encode()).hexdigest()
    return {(page.id, edition): hashlib.sha256(
        f"{common}\0{edition}\0{page.id}\0{page.source.path.read_text(encoding='utf-8')}".encode()
    ).hexdigest() for page in brochure.pages for edition in editions}


@dataclass
class Made:
    """Each edition's parts in page order, and what the stylesheets' parsing noticed."""

    parts: dict               # edition -> [Part]
    warnings: list            # Diagnostics: declarations WeasyPrint ignored


def make_parts(brochure: Brochure, renderer, engine_holder: dict | None = None,
               editions=(PRINT,)) -> Made:
    """Every definition's part in each edition, reused from the cache or made in parallel.

    ``engine_holder`` keeps the layout engines between builds of a warm process.
    Raises `PartsFailed` with the problems of every part that failed.
    """
    global _JOB
    cache = cache_dir(brochure)
    world = _world_digest(brochure)
    keys = part_keys(brochure, renderer.head, editions, world)
    # A kept engine serves while the head and every file it read are the same:
    # a stylesheet, font or picture saved anew under `watch` makes a new engine.
    engine_key = f"{renderer.head}\0{world}"
    parts = {task: _reuse(task, key, cache) for task, key in keys.items()}
    todo = [task for task in keys if parts[task] is None]
    LOG.info("page definitions: %d parts reused from %s, %d to lay out",
             len(parts) - len(todo), cache / "parts", len(todo))
    _JOB = Job(brochure, renderer, cache, keys, _held(engine_holder, engine_key),
               _costs(cache))
    try:
        for edition in sorted({edition for _, edition in todo}):
            _engine(_JOB, edition)     # before the workers fork: they share its fonts and CSS
        style = _style_warnings(cache, engine_key, _JOB.engines)
        made = _run(_largest_first(todo, _JOB), brochure.options.jobs)
    finally:
        _hold(engine_holder, engine_key, _JOB.engines)
        _JOB = None
    failed = [result for result in made if isinstance(result, Failed)]
    if failed:
        raise PartsFailed(failed, style)
    parts.update({(part.page_id, part.edition): part for part in made})
    _record(cache, parts, made, set(keys.values()))
    return Made({edition: [parts[page.id, edition] for page in brochure.pages]
                 for edition in editions}, style + _picture_warnings(parts, brochure))


def _picture_warnings(parts: dict, brochure: Brochure) -> list[Diagnostic]:
    """What the parts' pictures gave as warnings (low resolution), in page order."""
    return [Diagnostic(**{**note, "file": Path(note["file"]) if note["file"] else None})
            for page in brochure.pages if (page.id, PRINT) in parts
            for note in parts[page.id, PRINT].pictures]


def _style_warnings(cache: Path, engine_key: str, engines: dict) -> list[Diagnostic]:
    """What WeasyPrint ignored in the stylesheets: said by the engine that parsed them,
    or, when every part is reused, remembered from the last engine for the same files."""
    path = cache / "style" / f"{hashlib.sha256(engine_key.encode()).hexdigest()}.json"
    engine = engines.get(PRINT) or engines.get(SCREEN)
    if engine is not None:
        for old in path.parent.glob("*.json") if path.parent.is_dir() else ():
            old.unlink(missing_ok=True)          # for files no longer there
        _write(path, json.dumps([{**asdict(w), "file": str(w.file)} for w in engine.warnings],
                                ensure_ascii=False).encode())
        return list(engine.warnings)
    try:
        return [Diagnostic(**{**w, "file": Path(w["file"])}) for w in json.loads(path.read_text())]
    except (OSError, ValueError, TypeError):
        return []


def _held(holder: dict | None, key: str) -> dict:
    """The engines a warm process kept for this document head and these files."""
    return {edition: engine for (edition, kept), engine in (holder or {}).items()
            if kept == key}


def _hold(holder: dict | None, key: str, engines: dict) -> None:
    if holder is not None and engines:
        holder.clear()
        holder.update({(edition, key): engine for edition, engine in engines.items()})


def _largest_first(todo: list[tuple], job: Job) -> list[tuple]:
    """The costliest parts first (last build's timings, else page counts): the
    workers then finish close together."""
    return sorted(todo, key=lambda task: -job.seconds.get(
        _cost_key(task), _pages(job.brochure, task[0])))


def _record(cache: Path, parts: dict, made: list, keys: set) -> None:
    """Timings for the next build's order, what this build made, and an end to old parts."""
    _remember_costs(cache, parts)
    _write(cache / "last-build.json", json.dumps(
        {"made": [p.name for p in made], "reused": [p.name for p in parts.values() if p.reused]},
        ensure_ascii=False).encode())
    _prune(cache, keys)


class PartsFailed(PamphletError):
    """The problems of every part that failed, each said once (a broken layout
    fails every definition that uses it, with the same problem)."""

    def __init__(self, failed: list[Failed], warnings: list = ()):
        super().__init__(list(dict.fromkeys(problem for part in failed
                                            for problem in part.problems)) + list(warnings))
        self.failed = failed


def _run(todo: list[tuple], jobs: int | None) -> list:
    """Make the parts ``todo``: in this process and ``jobs - 1`` forked workers.

    Every process takes the next part off one shared counter (the costliest
    first), so this process lays parts out too instead of waiting: one process
    fewer holding a layout engine.
    """
    jobs = min(jobs or os.cpu_count() or 1, len(todo))
    if jobs <= 1:
        return [_progress(_make(task), done, len(todo)) for done, task in
                enumerate(todo, start=1)]
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork")
    queue = _JOB.queue = _Queue(todo, context)       # the workers inherit it with _JOB
    gc.freeze()          # the workers' collector leaves the objects they inherit alone:
    try:                 # their pages stay shared instead of being copied
        # An executor, not a Pool: a worker that dies (a crash in a C library)
        # raises BrokenProcessPool here instead of leaving the build waiting forever.
        with ProcessPoolExecutor(jobs - 1, mp_context=context,
                                 initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
            workers = [pool.submit(_drain) for _ in range(jobs - 1)]
            try:
                made = _drain()
            finally:
                queue.close()       # a failure here: the workers take nothing more
            return made + [part for worker in workers for part in worker.result()]
    except BrokenProcessPool:
        raise PamphletError(Diagnostic(
            "a process laying out page definitions stopped without a word (it crashed)",
            hint="build again with --jobs 1 to see where; the last good PDF is untouched")) \
            from None
    finally:
        gc.unfreeze()


def _die_with_parent(parent: int) -> None:
    """A worker ends when the build does, even when the build is killed (kill -9 leaves
    no process laying out parts for nobody): Linux sends it SIGKILL then."""
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:          # the build died before the line above ran
        os._exit(1)


class _Queue:
    """The parts to make, and two counters every process shares: next and done."""

    def __init__(self, todo: list[tuple], context):
        self.todo = todo
        self.next = context.Value("i", 0)
        self.done = context.Value("i", 0)

    def take(self) -> tuple | None:
        with self.next.get_lock():
            index = self.next.value
            self.next.value += 1
        return self.todo[index] if index < len(self.todo) else None

    def finish(self, result):
        with self.done.get_lock():
            self.done.value += 1
            done = self.done.value
        return _progress(result, done, len(self.todo))

    def close(self) -> None:
        with self.next.get_lock():
            self.next.value = len(self.todo)


def _drain() -> list:
    """Make parts until none is left to take (in this process or a worker)."""
    queue = _JOB.queue
    made = []
    while (task := queue.take()) is not None:
        made.append(queue.finish(_make(task)))
    return made


def _progress(result, done: int, total: int):
    if isinstance(result, Part):
        LOG.info("[%d/%d] laid out %s in %.2f s (%s)", done, total, result.name,
                 result.seconds, result.timing)
    return result


def _cost_key(task: tuple) -> str:
    page_id, edition = task
    return page_id if edition == PRINT else f"{page_id}/{edition}"


def _pages(brochure: Brochure, page_id: str) -> float:
    """Without a previous build's timings, a definition costs about its page count."""
    return float(len(brochure.page(page_id).numbers))


def _at_definition(diagnostic: Diagnostic, page) -> Diagnostic:
    """A problem found nowhere more precise (a layout stopped by its time limit) is
    placed at the page definition's layout line."""
    if diagnostic.file is not None:
        return diagnostic
    located = page.source.diagnostic(("layout",), f"page definition '{page.id}': "
                                     + diagnostic.message, diagnostic.hint, diagnostic.severity)
    return located


def _make(task: tuple):
    """Render, lay out and draw one definition (in a worker, or in the main process)."""
    from .draw import draw
    from .fieldmap import record_fields
    from .images import place_images, prime_pictures
    from .typeset import overset

    page_id, edition = task
    job = _JOB
    page = job.brochure.page(page_id)
    pictures = []
    clock = [time.perf_counter()]

    def lap() -> float:
        clock.append(time.perf_counter())
        return clock[-1] - clock[-2]

    try:
        html = job.renderer.page(page)
        rendering = lap()
        engine = _engine(job, edition)
        if edition == SCREEN:
            from .screen import screen_html
            html = screen_html(html, job.brochure.options.output_profile)
        if edition == PRINT:       # pictures: laid out by their size, converted once placed
            prime_pictures(engine.images, html, engine.base_url, job.brochure.options.brochure)
        document = engine.layout(html)
        if edition == PRINT:
            record_fields(document, page, job.cache, job.keys[task])   # boxes -> fields
            pictures = place_images(document, page, job.brochure.options)
            wrong = [note for note in pictures if note.severity == "error"]
            problems = overset(document, job.brochure, page)
            if problems:
                return Failed(page_id, problems + wrong,
                              document.write_pdf(pdf_identifier=b"overset"))
            if wrong:
                return Failed(page_id, wrong)
        layout = lap()
        drawing = draw(document, job.cache / "fonts", PART_ID,
                       "pdf/x-4" if edition == PRINT else "pdf/ua-1",
                       overprint=edition == PRINT and job.brochure.options.overprint)
        engine.check_reads()                 # a picture inside an SVG is read as it is drawn
        drawn = lap()
    except PamphletError as error:
        return Failed(page_id, [_at_definition(d, page) for d in error.diagnostics])
    part = Part(page_id, job.keys[task], html, drawing.fonts, drawing.bookmarks,
                drawing.heights, round(clock[-1] - clock[0], 3), edition,
                [{**asdict(note), "file": str(note.file or "")} for note in pictures])
    part.timing = f"render {rendering:.2f}, layout {layout:.2f}, draw {drawn:.2f}"
    _save(part, drawing.pdf, job.cache)
    return part


def _engine(job: Job, edition: str):
    """This process's layout engine for ``edition`` (stylesheets parsed once)."""
    from .typeset import Engine, prepare

    if edition not in job.engines:
        options = job.brochure.options
        prepare(options.build_dir)
        if edition == SCREEN:
            from .screen import screen_engine
            job.engines[edition] = screen_engine(job.renderer.head, options.html.parent,
                                                 options.output_profile, readable(options))
        else:
            job.engines[edition] = Engine(job.renderer.head, options.html.parent,
                                          roots=readable(options))
    return job.engines[edition]


def readable(options) -> list[Path]:
    """The folders a layout, stylesheet or picture may read: the brochure, its layouts
    and fonts, the output profile's folder and the build's cache (converted pictures)."""
    folders = [options.brochure, *options.layouts, options.fonts, options.build_dir / "cache"]
    if options.output_profile is not None:
        folders.append(options.output_profile.parent)
    return folders


def _save(part: Part, pdf: bytes, cache: Path) -> None:
    """The part's PDF, then its record with the PDF's sha256 (written last: the record
    vouches for the PDF, and `_reuse` trusts nothing it does not vouch for)."""
    folder = cache / "parts"
    folder.mkdir(parents=True, exist_ok=True)
    part.pdf = folder / f"{part.key}.pdf"
    _write(part.pdf, pdf)
    meta = {k: v for k, v in asdict(part).items() if k not in ("pdf", "reused", "timing")}
    meta["sha256"] = hashlib.sha256(pdf).hexdigest()
    _write(folder / f"{part.key}.json", json.dumps(meta, ensure_ascii=False).encode())


def _reuse(task: tuple, key: str, cache: Path) -> Part | None:
    """The part kept for ``key``, if its record is whole, made for that key, and its PDF
    is the one the record vouches for; anything else is made again (with a note)."""
    folder = cache / "parts"
    pdf, meta = folder / f"{key}.pdf", folder / f"{key}.json"
    if not (pdf.is_file() and meta.is_file()):
        return None
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
        digest = data.pop("sha256")
        part = Part(**data, pdf=pdf, reused=True)
        whole = part.key == key and hashlib.sha256(pdf.read_bytes()).hexdigest() == digest
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        whole = False
    if not whole:
        LOG.warning("cache: the part kept for %s was damaged; made again", task[0])
        return None
    return part


def _write(path: Path, data: bytes) -> None:
    write_atomically(path, lambda temporary: temporary.write_bytes(data))


def _costs(cache: Path) -> dict:
    try:
        return json.loads((cache / "costs.json").read_text())
    except (OSError, ValueError):
        return {}


def _remember_costs(cache: Path, parts: dict) -> None:
    costs = {**_costs(cache), **{_cost_key(task): p.seconds for task, p in parts.items()
                                 if not p.reused}}
    _write(cache / "costs.json", json.dumps(costs, sort_keys=True).encode())


def _prune(cache: Path, keep: set, spare: int = 200) -> None:
    """Forget the oldest parts no build uses once more than ``spare`` pile up."""
    folder = cache / "parts"
    old = sorted((p for p in folder.glob("*.pdf") if p.stem not in keep),
                 key=lambda p: p.stat().st_mtime)
    for pdf in old[:max(0, len(old) - spare)]:
        pdf.unlink(missing_ok=True)
        pdf.with_suffix(".json").unlink(missing_ok=True)


def _code_digest() -> str:
    """pamphlet's own files and its engine's versions: new code, new parts."""
    from importlib.metadata import version

    import weasyprint
    digest = hashlib.sha256(weasyprint.__version__.encode())
    for package in ("pydyf", "jinja2", "tinycss2", "cssselect2", "budoux", "fonttools"):
        try:
            digest.update(f"{package}={version(package)}".encode())
        except Exception:       # not installed as a distribution: its files are not ours
            digest.update(package.encode())
    here = Path(__file__).parent
    for path in sorted(here.rglob("*.py")):
        digest.update(f"{path.relative_to(here)}:{file_sha256(path)}".encode())
    return digest.hexdigest()


def _world_digest(brochure: Brochure) -> str:
    """Every file a page may read — the brochure's own (pictures wherever they lie, data;
    not its page definitions, keyed one by one), the layouts, the fonts, the profile —
    by content, so that a file saved unchanged (or checked out again) remakes nothing.
    A link out of its folder is not followed (the build refuses to read it)."""
    root = brochure.options.brochure
    build = brochure.options.build_dir.resolve()
    skip = {(root / "pages").resolve(), build / "cache"}
    if build.is_relative_to(root.resolve()) and build != root.resolve():
        skip.add(build)                     # a build folder inside the brochure: its output
    digest = hashlib.sha256()
    for folder in (root, *brochure.options.layouts, brochure.options.fonts,
                   brochure.options.output_profile):
        if folder is None:
            continue
        folder = Path(folder)
        inside = folder.resolve()
        files = sorted(folder.rglob("*")) if folder.is_dir() else [folder]
        for path in files:
            real = path.resolve()
            if not real.is_relative_to(inside if folder.is_dir() else real) or \
                    any(real.is_relative_to(other) for other in skip) or not path.is_file():
                continue
            digest.update(f"{path.relative_to(folder)}:{file_sha256(path)}".encode())
    return digest.hexdigest()


def describe(parts: list[Part]) -> str:
    """"N of M page definitions laid out" (the others reused from the cache)."""
    made = [p for p in parts if not p.reused]
    return f"{len(made)} of {len(parts)} page definitions laid out"

