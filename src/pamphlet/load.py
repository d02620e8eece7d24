"""Stage 1: read brochure/ into a validated `Brochure` with its pages numbered."""

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .diagnostics import Collector, Diagnostic, PamphletError
from .diagnostics import suggest as _suggest
from .images import is_raster, picture_problem, settings_problems
from .options import BINDINGS, BROCHURE_FIELDS, SIDES, Options, resolve
from .schema import Schema, Validator, load_schema, load_types, with_defaults
from .source import Source, field_name, read_yaml

LOG = logging.getLogger("pamphlet")

COMMON_FIELDS = ("layout", "id", "toc", "ignore")
TOC_FIELDS = {
    "group": {"type": "plain", "required": True},
    "entry": {"type": "text", "required": True, "doc": "the line the contents prints"},
    "heading": {"type": "text", "required": True, "doc": "the heading the page prints"},
    "page": {"type": "int", "doc": "which page of a spread the heading is on (default 1)"},
}
IGNORE_FIELDS = {
    "page": {"type": "int", "doc": "page of this definition, 1 or 2"},
    "box": {"type": "list", "required": True, "items": {"type": "plain"},
            "doc": "x, y, width, height in mm from the trim's top left"},
}
PAGE_REF = re.compile(r"\[\[p:([^\]/]+)(?:/(\d+))?\]\]")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class TocEntry:
    group: str
    entry: str
    heading: str
    page: int  # absolute page number in the pamphlet


@dataclass
class PageDef:
    """One page definition: a single page or a spread of consecutive pages."""

    id: str
    schema: Schema
    fields: dict
    source: Source
    first: int = 0
    toc: list = field(default_factory=list)
    placeholders: list = field(default_factory=list)   # Diagnostic warnings (FPO)

    @property
    def numbers(self) -> list[int]:
        return list(range(self.first, self.first + self.schema.pages))


@dataclass
class Brochure:
    """The validated source of one pamphlet."""

    options: Options
    meta: dict
    source: Source
    pages: list[PageDef]
    condition: object = None     # conditions.Condition: the output intent's printing condition
    theme: object = None         # theme.Theme: palette, type, spacing, rules
    job: object = None           # vendor.job.Job: paper, quantity, version, sign-off

    @property
    def warnings(self) -> list[Diagnostic]:
        return [w for page in self.pages for w in page.placeholders]

    @property
    def page_count(self) -> int:
        return sum(p.schema.pages for p in self.pages)

    def page(self, page_id: str) -> PageDef:
        return next(p for p in self.pages if p.id == page_id)

    def toc(self) -> list[TocEntry]:
        return [entry for page in self.pages for entry in page.toc]


def load_brochure(options: Options) -> Brochure:
    """Read and validate everything under ``options.brochure``.

    Raises `PamphletError` with every problem found, each at its file and line.
    """
    meta_source = _read_meta(options.brochure)
    options = resolve(options, meta_source.data)
    _check_folders(options, meta_source)
    schemas = load_layouts(options)
    collector = Collector()
    pages = [page for page in _read_pages(options, meta_source, schemas, collector) if page]
    collector.raise_errors()
    _number_pages(pages)
    for page in pages:
        page.toc = _toc_entries(page, collector)
    brochure = Brochure(options, meta_source.data, meta_source, pages)
    brochure.condition = _printing_condition(options, meta_source, collector)
    brochure.theme = _theme(options, collector)
    brochure.job = _job(meta_source, collector)
    collector.extend(_check_page_refs(brochure))
    collector.extend(_check_binding(brochure))
    collector.raise_errors()
    LOG.info("loaded %d page definitions, %d pages", len(pages), brochure.page_count)
    return brochure


def _job(source: Source, collector: Collector):
    """brochure.yaml's paper: and job:, each bad value an error at its line."""
    from .vendor.job import read_job

    try:
        return read_job(source.data, source)
    except PamphletError as error:
        collector.extend(error.diagnostics)
        return None


def _theme(options: Options, collector: Collector):
    """The kit's theme under the brochure's theme.yaml, its colours within the ink limit."""
    from .fonts import load_fonts
    from .theme import load_theme

    try:
        families = {font.family for font in load_fonts(options.fonts)}
        return load_theme(options.brochure, families, options.images.total_ink)
    except PamphletError as error:
        collector.extend(error.diagnostics)
        return None


def _read_meta(root: Path) -> Source:
    path = root / "brochure.yaml"
    if not path.exists():
        raise PamphletError(Diagnostic(f"no brochure.yaml in {root}", path,
                                       hint="run from the project folder or pass --brochure DIR"))
    source = read_yaml(path)
    validator = Validator(source, {}, lambda value, path: None)
    validator.fields(source.data, BROCHURE_FIELDS, ())
    validator.diagnostics += _check_lengths(source)
    if isinstance(source.data, dict) and source.data.get("pages") == []:
        validator.diagnostics.append(source.diagnostic(
            ("pages",), "pages lists no page definition", "list the files under pages/, "
            "in order, e.g. `- cover`"))
    binding = source.data.get("binding") if isinstance(source.data, dict) else None
    if binding is not None and binding not in BINDINGS:
        validator.diagnostics.append(source.diagnostic(
            ("binding",), f"unknown binding '{binding}'", "use one of: " + ", ".join(BINDINGS)))
    side = source.data.get("side") if isinstance(source.data, dict) else None
    if side is not None and side not in SIDES:
        validator.diagnostics.append(source.diagnostic(
            ("side",), f"unknown binding side '{side}'",
            "use left (horizontal text) or right (右綴じ, vertical text)"))
    if not validator.diagnostics:
        validator.diagnostics.extend(settings_problems(source))     # brochure.yaml's images:
    if validator.diagnostics:
        raise PamphletError(validator.diagnostics)
    return source


def load_layouts(options: Options) -> dict[str, Schema]:
    """Every layout with a schema, the designer's own folder winning."""
    schemas: dict[str, Schema] = {}
    types: dict = {}
    for folder in reversed(options.layouts):
        types = load_types(folder / "_types.schema.yaml", types)
        for path in sorted(folder.glob("*.schema.yaml")) if folder.is_dir() else ():
            if not path.name.startswith("_"):
                schemas[path.name.removesuffix(".schema.yaml")] = load_schema(path, types)
    return schemas


def _read_pages(options, meta_source, schemas, collector):
    seen: dict[str, PageDef] = {}
    folder = (options.brochure / "pages").resolve()
    for index, name in enumerate(meta_source.data["pages"]):
        path = options.brochure / "pages" / f"{name}.yaml"
        if not re.fullmatch(r"[^/\\.][^/\\]*", str(name)) or \
                (path.exists() and not path.resolve().is_relative_to(folder)):
            collector.add(meta_source.diagnostic(
                ("pages", index), f"page definition '{name}' is not a file in pages/",
                "name a file under brochure/pages/ without .yaml (no folders, no links out)"))
            continue
        if not path.is_file():
            collector.add(meta_source.diagnostic(
                ("pages", index), f"page definition '{name}' not found: pages/{name}.yaml",
                _suggest(name, [p.stem for p in (options.brochure / "pages").glob("*.yaml")])))
            continue
        page = _read_page(path, options, schemas, collector)
        if page is None:
            continue
        if page.id in seen:
            collector.add(page.source.diagnostic(
                ("id",), f"duplicate page id '{page.id}' (also in {seen[page.id].source.path.name})",
                "give every page definition its own id"))
            continue
        seen[page.id] = page
        yield page


def _read_page(path: Path, options: Options, schemas, collector) -> PageDef | None:
    try:
        source = read_yaml(path)
    except PamphletError as error:
        collector.extend(error.diagnostics)
        return None
    data = source.data
    if not isinstance(data, dict):
        collector.add(source.diagnostic((), "a page definition must be a mapping of fields",
                                        "start with `layout: NAME`"))
        return None
    layout = data.get("layout")
    if not isinstance(layout, str) or layout not in schemas:
        message = ("missing required field 'layout'" if layout is None
                   else f"unknown layout '{layout}'" if isinstance(layout, (str, int, float))
                   else "layout must be the name of one layout, not a list or mapping")
        hint = _suggest(str(layout), schemas) if isinstance(layout, str) else \
            "write `layout: NAME` with the name of one layout in layouts/"
        collector.add(source.diagnostic(("layout",), message, hint))
        return None
    page_id = str(data.get("id", path.stem))
    if not ID_PATTERN.match(page_id):
        collector.add(source.diagnostic(("id",), f"page id '{page_id}' is not a plain name",
                                        "use lower-case letters, digits and '-', e.g. interview-1"))
    schema = schemas[layout]
    validator = Validator(source, schema.types, _asset_checker(
        options.brochure, source, options.build_dir / "cache" / "images" / "checked"))
    validator.fields(data, schema.fields, (), skip=COMMON_FIELDS)
    validator.value(data.get("toc", []), {"type": "list", "items":
                                          {"type": "map", "fields": TOC_FIELDS}}, ("toc",))
    validator.value(data.get("ignore", []), {"type": "list", "items":
                                             {"type": "map", "fields": IGNORE_FIELDS}}, ("ignore",))
    collector.extend(validator.diagnostics)
    fields = with_defaults({k: v for k, v in data.items() if k not in COMMON_FIELDS},
                           schema.fields, schema.types)
    placeholders = [source.diagnostic(
        path, f"{field_name(path)}: FPO placeholder ('{_caption(data, path)}'): no picture yet",
        "add `image:` with the picture's path when it exists", severity="warning")
        for path in validator.placeholders]
    return PageDef(page_id, schema, fields, source, placeholders=placeholders)


def _caption(data, path) -> str:
    for part in path:
        data = data[part]
    return str(data.get("caption") or data.get("brief") or "")[:30]


def _asset_checker(root: Path, source: Source, checked: Path | None = None):
    """Return a check that an asset path is relative, inside brochure/, and exists
    (``checked``: where the pictures found readable are remembered, by content)."""
    root = root.resolve()

    def check(value: str, path: tuple) -> Diagnostic | None:
        name = field_name(path)
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
            return source.diagnostic(path, f"{name}: '{value}' is a URL; the build never reads "
                                     "the network or absolute locations",
                                     "copy the file into brochure/assets/ and write its path "
                                     "relative to brochure/")
        if value.startswith(("/", "\\")) or ".." in Path(value).parts:
            return source.diagnostic(path, f"{name}: '{value}' leaves the project",
                                     "assets live under brochure/; write a path relative to "
                                     "brochure/, e.g. assets/art/cover.svg")
        target = (root / value).resolve()
        if not target.is_relative_to(root):
            return source.diagnostic(path, f"{name}: '{value}' leaves the project",
                                     "assets live under brochure/; no links out of it")
        if not target.is_file():
            siblings = [str(p.relative_to(root)) for p in target.parent.glob("*")] \
                if target.parent.is_dir() else []
            return source.diagnostic(path, f"{name}: file '{value}' not found",
                                     _suggest(value, siblings) or
                                     "the path is relative to brochure/")
        reason = _unreadable_picture(target, checked)
        if reason:
            return source.diagnostic(path, f"{name}: '{value}' is not a picture that can be "
                                     f"read ({reason})", "export it again as SVG, PNG, JPEG or "
                                     "TIFF; WeasyPrint would leave its frame empty")
        return None

    return check


def _unreadable_picture(path: Path, checked: Path | None = None) -> str | None:
    """Why a picture file cannot be drawn, or None (files of other kinds: None).

    Read again only when the file changed: a photograph is read whole.
    """
    stat = path.stat()
    return _picture_problem(path, stat.st_mtime_ns, stat.st_size, checked)


@lru_cache(maxsize=1024)
def _picture_problem(path: Path, mtime_ns: int, size: int, checked: Path | None) -> str | None:
    suffix = path.suffix.lower()
    try:
        if suffix == ".svg":
            from xml.etree import ElementTree
            root = ElementTree.parse(path).getroot()
            if root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
                return f"it is XML but not SVG (its root is <{root.tag.split('}')[-1]}>)"
        elif is_raster(path):
            return picture_problem(path, checked)     # every byte read: a truncated file too
    except Exception as error:        # noqa: BLE001 - whatever the reader says, said once
        return str(error).split("\n")[0] or type(error).__name__
    return None


def _number_pages(pages: list[PageDef]) -> None:
    number = 1
    for page in pages:
        page.first = number
        number += page.schema.pages


def _toc_entries(page: PageDef, collector: Collector) -> list[TocEntry]:
    entries = []
    for index, item in enumerate(page.source.data.get("toc") or []):
        offset = int(item.get("page", 1))
        if not 1 <= offset <= page.schema.pages:
            collector.add(page.source.diagnostic(
                ("toc", index, "page"), f"toc[{index}].page {offset} is outside this "
                f"definition's {page.schema.pages} page(s)", "use 1 or 2 for a spread"))
            continue
        entries.append(TocEntry(str(item["group"]), str(item["entry"]), str(item["heading"]),
                                page.first + offset - 1))
    return entries


KIT = Path(__file__).resolve().parents[2]      # the layouts, fonts and profile pamphlet ships


def _check_folders(options: Options, meta: Source) -> None:
    """What brochure.yaml names as layouts, fonts and profile lies (links followed) in
    the project — the brochure's parent folder — or in the kit pamphlet ships."""
    project = options.brochure.resolve().parent
    named = {"layouts": options.layouts[-1], "fonts": options.fonts,
             "output_profile": options.output_profile}
    problems = []
    for key, path in named.items():
        if key not in (meta.data or {}) or path is None:
            continue
        real = Path(path).resolve()
        if not (real.is_relative_to(project) or real.is_relative_to(KIT)):
            problems.append(meta.diagnostic(
                (key,), f"{key} {meta.data[key]} is outside the project ({project})",
                "keep layouts, fonts and the profile in the project folder, beside brochure/, "
                "or use the ones pamphlet ships"))
    problems += _links_out(options)
    if problems:
        raise PamphletError(problems)


def _links_out(options: Options) -> list[Diagnostic]:
    """A brochure's pages/ and layouts/ folders, and every layout file, are what they say:
    no link leads out of them (a template or stylesheet is read as it is, not fetched)."""
    root = options.brochure.resolve()
    problems = []
    for folder in (options.brochure / "pages", options.brochure / "layouts"):
        if folder.exists() and not folder.resolve().is_relative_to(root):
            problems.append(Diagnostic(f"{folder.name}/ links out of the brochure, to "
                                       f"{folder.resolve()}", folder,
                                       hint="keep the folder itself in the brochure"))
    for folder in options.layouts:
        inside = folder.resolve()
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            if not path.resolve().is_relative_to(inside):
                problems.append(Diagnostic(f"layout file {path.name} links out of {folder}, to "
                                           f"{path.resolve()}", path,
                                           hint="copy the file into the folder instead"))
    return problems


def _check_lengths(source: Source) -> list[Diagnostic]:
    """Trim and bleed are a number and a unit (mm, cm, in, pt) a press can print: they
    reach the layouts' CSS, so nothing else may pass."""
    from .options import LIMITS_MM, length_mm

    data = source.data if isinstance(source.data, dict) else {}
    trim = data.get("trim") if isinstance(data.get("trim"), dict) else {}
    found = [(("trim", side), trim[side], "trim") for side in ("width", "height") if side in trim]
    found += [(("bleed",), data["bleed"], "bleed")] if "bleed" in data else []
    problems = []
    for path, value, kind in found:
        low, high = LIMITS_MM[kind]
        size = length_mm(value)
        if size is None:
            problems.append(source.diagnostic(
                path, f"{field_name(path)} '{value}' is not a length",
                "write a number and a unit, e.g. 210mm, 14.8cm or 3mm"))
        elif not low <= size <= high:
            problems.append(source.diagnostic(
                path, f"{field_name(path)} {value} is outside {low:g}–{high:g} mm",
                "A5 is 148 × 210 mm, B5 182 × 257 mm; bleed is usually 3mm"))
    return problems


def _printing_condition(options: Options, meta: Source, collector):
    """The registered condition the output profile is for: as brochure.yaml names it, or
    as the profile says of itself (conditions.py)."""
    from . import conditions

    named = options.output_condition
    if named:
        return conditions.from_identifier(str(named["identifier"]), named.get("name"),
                                          named.get("registry"))
    profile = options.output_profile
    if profile is None or not profile.is_file():
        return None
    try:
        found = conditions.from_profile(profile.read_bytes())
    except (OSError, ValueError) as error:
        collector.add(meta.diagnostic(("output_profile",), f"output_profile {profile} "
                                          f"is not an ICC profile ({error})",
                                          "name the CMYK .icc file of the printing condition"))
        return None
    if found is None:
        collector.add(meta.diagnostic(
            ("output_profile",), f"cannot tell which registered printing condition "
            f"{profile.name} characterises (PDF/X names it for the RIP)",
            "add `output_condition: {identifier: NAME}` to brochure.yaml with the ICC "
            "registry's name your printer gives, e.g. FOGRA39 or JC200103"))
    return found


def _check_page_refs(brochure: Brochure) -> list[Diagnostic]:
    """Every [[p:ID]] names a page definition, and /N one of its pages."""
    ids = {p.id: p for p in brochure.pages}
    problems = []
    for page in brochure.pages:
        for path, text in _strings(page.fields, ()):
            for match in PAGE_REF.finditer(text):
                target, offset = match.group(1), match.group(2)
                if target not in ids:
                    problems.append(page.source.diagnostic(
                        path, f"{field_name(path)}: page reference to unknown page '{target}'",
                        _suggest(target, ids) or "name a page definition's id"))
                elif offset and not 1 <= int(offset) <= ids[target].schema.pages:
                    problems.append(page.source.diagnostic(
                        path, f"{field_name(path)}: '{target}' has no page {offset}",
                        f"'{target}' has {ids[target].schema.pages} page(s)"))
    return problems


def _check_binding(brochure: Brochure) -> list[Diagnostic]:
    count = brochure.page_count
    if brochure.options.binding == "saddle-stitch" and count % 4:
        return [brochure.source.diagnostic(
            ("pages",), f"saddle stitch needs a multiple of 4 pages; these definitions make {count}",
            f"add or remove pages to reach {count + (-count) % 4} (a blank page counts)")]
    return []


def _strings(value, path):
    """Yield (path, text) for every string inside a page's fields."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))
