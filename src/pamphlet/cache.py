"""Decide which parts a build may reuse: their keys, their checksummed entries, pruning.

A part is kept in build/cache/parts/ under a key that hashes everything its
pages depend on: the definition file's text, the document head (styles, fonts,
page size), the page plan and the contents, every file under the brochure's
assets/ and data/, the layouts and the fonts, and the code of pamphlet and
WeasyPrint. A record (KEY.json) vouches for its PDF (KEY.pdf) by sha256;
nothing it does not vouch for is used.
"""

import hashlib
import json
import logging
from dataclasses import asdict
from pathlib import Path

from .diagnostics import Diagnostic
from .fonts import file_sha256
from .load import Brochure
from .parts import PRINT, SCREEN, Part
from .write import write_atomically

LOG = logging.getLogger("pamphlet")


def cache_dir(brochure: Brochure) -> Path:
    return brochure.options.build_dir / "cache"


def part_keys(brochure: Brochure, head: str, editions, world: str) -> dict[tuple, str]:
    """The cache key of each page definition's part in each edition (``world``: the
    digest of every file a page may read, `world_digest`)."""
    common = hashlib.sha256(json.dumps([
        _code_digest(), world, head,
        [(p.id, p.numbers) for p in brochure.pages],
        [(e.group, e.entry, e.heading, e.page) for e in brochure.toc()],
        str(brochure.meta)], ensure_ascii=False, default=str).encode()).hexdigest()
    return {(page.id, edition): hashlib.sha256(
        f"{common}\0{edition}\0{page.id}\0{page.source.path.read_text(encoding='utf-8')}".encode()
    ).hexdigest() for page in brochure.pages for edition in editions}


def save(part: Part, cache: Path) -> Part:
    """The part's PDF, then its record with the PDF's sha256 (written last: the record
    vouches for the PDF, and `reuse` trusts nothing it does not vouch for)."""
    folder = cache / "parts"
    folder.mkdir(parents=True, exist_ok=True)
    pdf, part.data = part.data, None
    part.pdf = folder / f"{part.key}.pdf"
    _write(part.pdf, pdf)
    meta = {k: v for k, v in asdict(part).items() if k not in ("pdf", "reused", "timing", "data")}
    meta["sha256"] = hashlib.sha256(pdf).hexdigest()
    _write(folder / f"{part.key}.json", json.dumps(meta, ensure_ascii=False).encode())
    return part


def reuse(task: tuple, key: str, cache: Path) -> Part | None:
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


def record(cache: Path, parts: dict, made: list, keys: set) -> None:
    """Timings for the next build's order, what this build made, and an end to old parts."""
    _remember_costs(cache, parts)
    _write(cache / "last-build.json", json.dumps(
        {"made": [p.name for p in made], "reused": [p.name for p in parts.values() if p.reused]},
        ensure_ascii=False).encode())
    _prune(cache, keys)


def style_warnings(cache: Path, engine_key: str, engines: dict) -> list[Diagnostic]:
    """What WeasyPrint ignored in the stylesheets: said by the engine that parsed them,
    or, when this process made none, remembered from the last engine for the same files."""
    path = _style_record(cache, engine_key)
    engine = engines.get(PRINT) or engines.get(SCREEN)
    if engine is not None:
        _write(path, json.dumps([{**asdict(w), "file": str(w.file)} for w in engine.warnings],
                                ensure_ascii=False).encode())
        _keep_newest(path.parent, KEPT_STYLES)
        return list(engine.warnings)
    try:
        return [Diagnostic(**{**w, "file": Path(w["file"])}) for w in json.loads(path.read_text())]
    except (OSError, ValueError, TypeError):
        return []


def style_said(cache: Path, engine_key: str) -> bool:
    """Whether an engine for the same stylesheets and files has said its warnings."""
    return _style_record(cache, engine_key).exists()


def _style_record(cache: Path, engine_key: str) -> Path:
    return cache / "style" / f"{hashlib.sha256(engine_key.encode()).hexdigest()}.json"


KEPT_STYLES = 32      # style records of stylesheets as they were: a CSS saved, undone and
                      # saved again (its parts all reused) says its warning again


def _keep_newest(folder: Path, count: int) -> None:
    records = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in records[count:]:
        old.unlink(missing_ok=True)


def largest_first(todo: list[tuple], cache: Path, brochure: Brochure) -> list[tuple]:
    """The costliest parts first (last build's timings, else page counts): the
    workers then finish close together."""
    seconds = _costs(cache)
    return sorted(todo, key=lambda task: -seconds.get(
        _cost_key(task), float(len(brochure.page(task[0]).numbers))))


def _write(path: Path, data: bytes) -> None:
    write_atomically(path, lambda temporary: temporary.write_bytes(data))


def _cost_key(task: tuple) -> str:
    page_id, edition = task
    return page_id if edition == PRINT else f"{page_id}/{edition}"


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

    digest = hashlib.sha256()
    for package in ("weasyprint", "pydyf", "jinja2", "tinycss2", "cssselect2", "budoux",
                    "fonttools"):
        try:
            digest.update(f"{package}={version(package)}".encode())
        except Exception:       # not installed as a distribution: its files are not ours
            digest.update(package.encode())
    here = Path(__file__).parent
    for path in sorted(here.rglob("*.py")):
        digest.update(f"{path.relative_to(here)}:{file_sha256(path)}".encode())
    return digest.hexdigest()


def world_digest(brochure: Brochure) -> str:
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
