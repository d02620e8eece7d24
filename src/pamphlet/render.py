"""Stage 2: turn a `Brochure` into one HTML document with Jinja2 layouts."""

import logging
import os
import re
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from . import charts, fitting, markup, qr, typography
from .cache import cache_dir
from .diagnostics import Collector, Diagnostic, PamphletError
from .images import is_raster, picture_problem
from .fonts import coverage, font_face_css, load_fonts, missing_characters
from .load import Brochure, PageDef, _strings, _suggest
from .source import field_name, read_yaml

LOG = logging.getLogger("pamphlet")


class Renderer:
    """The render stage: the document shell (head, the order of the pages) and each
    definition's HTML (`page`), joined by `document`.

    Links (CSS, fonts, images) are relative to the HTML file's folder, so plain
    ``weasyprint build/pamphlet.html out.pdf`` renders the same pages.

    A definition renders on its own (see build.make_part), so a build renders only the
    definitions that changed, and on several cores.
    """

    def __init__(self, brochure: Brochure):
        fonts = load_fonts(brochure.options.fonts)
        _check_glyphs(brochure, coverage(fonts))
        base = brochure.options.html.parent
        self.brochure = brochure
        self.environment = _environment(brochure, base)
        self.context = {
            "brochure": brochure,
            "meta": brochure.meta,
            "pages": brochure.pages,
            "font_faces": Markup(font_face_css(fonts, base)),
            "stylesheets": _stylesheets(brochure, base),
            "created": _created(brochure),
            "output_profile": _output_profile(brochure, base),
            "theme": brochure.theme,
            "spec": brochure.options.spec,
            "theme_css": Markup(brochure.options.spec.as_css() + "\n" + brochure.theme.as_css()),
        }
        self.environment.globals["render_page"] = lambda page: Markup("")
        self.shell = self._render("document.html.j2", self.context)
        self.head, _, self.tail = split(self.shell)

    def page(self, page: PageDef) -> str:
        """One definition's HTML, typography applied, as it sits in the document."""
        raw = self._render(f"{page.schema.name}.html.j2", {**self.context, "page": page})
        alone = f"{self.head}{BEGIN.format(page.id)}\n{raw}\n{END.format(page.id)}{self.tail}"
        return split(typography.process(alone))[1][0][1]

    def document(self, fragments: dict[str, str]) -> str:
        """The whole HTML with each definition's (rendered) HTML in its place."""
        html = FRAGMENT.sub(lambda m: f"{BEGIN.format(m['id'])}{fragments[m['id']]}"
                                      f"{END.format(m['id'])}", self.shell)
        LOG.info("rendered %d pages of HTML", self.brochure.page_count)
        return html

    def _render(self, name: str, context: dict) -> str:
        template = _template(self.environment, name, self.brochure)
        try:
            return template.render(context)
        except jinja2.TemplateError as error:
            raise PamphletError(_template_diagnostic(error)) from error
        except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as error:
            # The template's own code failed on this definition's data (None + 1, a
            # string where a number was meant): the layout line, not a traceback.
            page = context.get("page")
            where = f" on page definition '{page.id}'" if page is not None else ""
            diagnostic = _template_diagnostic(error)
            raise PamphletError(Diagnostic(
                f"layout error{where}: {type(error).__name__}: {error}", diagnostic.file,
                diagnostic.line, None, "a field may be missing or of another kind than the "
                "layout expects: check the definition against the layout's schema, or fix "
                "the template")) from error


BEGIN, END = "<!--pamphlet:begin {}-->", "<!--pamphlet:end {}-->"
FRAGMENT = re.compile(r"<!--pamphlet:begin (?P<id>[^ ]+)-->(?P<html>.*?)<!--pamphlet:end (?P=id)-->",
                      re.S)


def split(html: str) -> tuple[str, list[tuple[str, str]], str]:
    """(head up to <body>, [(page id, its HTML)], tail) of a rendered document."""
    head, body = html.split("<body>", 1)
    fragments = [(m["id"], m["html"]) for m in FRAGMENT.finditer(body)]
    tail = body[body.rfind("<!--pamphlet:end"):].split("-->", 1)[1]
    return head + "<body>", fragments, tail


def _environment(brochure: Brochure, base: Path) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in brochure.options.layouts]),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.ChainableUndefined, keep_trailing_newline=True,
        bytecode_cache=_compiled_templates(brochure))

    def pages_of(page_id: str, offset: int | None = None) -> list[int]:
        numbers = brochure.page(page_id).numbers
        return [numbers[offset - 1]] if offset else numbers

    environment.filters["md"] = lambda text: markup.to_html(text, pages_of)
    environment.filters["folio"] = lambda number: f"{number:02d}"
    environment.globals.update(
        asset=lambda path: _asset_url(brochure, path, base),
        at=_source_attribute,
        toc=lambda: _toc(brochure),
        chart=lambda page, spec: charts.statistics_chart(_chart_data(brochure, page, spec), spec,
                                                         brochure.theme),
        org_chart=lambda page: charts.organisation_chart(_organisation_data(brochure, page)),
        plot=lambda page, spec, width, height: charts.kit_chart(
            _kit_series(brochure, page, spec), spec, brochure.theme, float(width), float(height)),
        qr=lambda url, size=22, colour="ink": qr.qr_svg(url, brochure.theme, size, colour),
        format_pages=markup.format_pages,
        plan_spread=fitting.plan,
        text_lines=fitting.nlines,
        heading_lines=fitting.head_lines,
        anchor=markup.anchor,
        pages_of=pages_of,
        tate=lambda page, path, **options: Markup(typography.tate.field_html(
            page, tuple(path), lambda text: markup.to_html(text, pages_of),
            _body_metrics(brochure), **options)),
    )
    return environment


def _compiled_templates(brochure: Brochure) -> jinja2.BytecodeCache | None:
    """The layouts compiled, kept in build/cache/templates/ under each template's name,
    path and source (compiling them was a fifth of a rebuild after a one-page edit);
    none when the build folder cannot be written (writing the PDF says so)."""
    folder = cache_dir(brochure) / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    # Jinja compiles again what it cannot read back (a damaged entry: tested); what it
    # cannot write would stop the build, so a folder not ours to write is not used.
    return jinja2.FileSystemBytecodeCache(str(folder)) if os.access(folder, os.W_OK) else None


def _body_metrics(brochure: Brochure):
    """The body face's advance widths (BIZ UDMincho), for vertical text's turned words."""
    font = next((f for f in load_fonts(brochure.options.fonts) if "Mincho" in f.family), None)
    return typography.tate.Metrics(font.path) if font is not None else None


def _template(environment, name: str, brochure: Brochure):
    try:
        return environment.get_template(name)
    except jinja2.TemplateNotFound:
        searched = ", ".join(str(p) for p in brochure.options.layouts)
        raise PamphletError(Diagnostic(f"template '{name}' not found", hint=f"searched: {searched}"))
    except jinja2.TemplateSyntaxError as error:
        raise PamphletError(_template_diagnostic(error)) from None


def _template_diagnostic(error: jinja2.TemplateError) -> Diagnostic:
    """Point at the layout line that broke (Jinja keeps it in the traceback)."""
    import traceback
    file, line = getattr(error, "filename", None), getattr(error, "lineno", None)
    if file is None:
        frames = [f for f in traceback.extract_tb(error.__traceback__)
                  if f.filename.endswith(".j2")]
        if frames:
            file, line = frames[-1].filename, frames[-1].lineno
    message = getattr(error, "message", None) or error
    return Diagnostic(f"layout error: {message}", Path(file) if file else None,
                      line, None, "fix the template in layouts/ (or your override of it)")


def _stylesheets(brochure: Brochure, base: Path) -> list[str]:
    """base.css, then each used layout's CSS, each from the first folder that has it."""
    names = ["base.css", "typography.css"] + sorted({f"{p.schema.name}.css" for p in brochure.pages})
    found = []
    for name in names:
        for folder in brochure.options.layouts:
            if (folder / name).is_file():
                found.append(_relative(folder / name, base))
                break
    return found


def _asset_url(brochure: Brochure, path: str, base: Path) -> Markup:
    """The URL of an asset; a raster picture is marked ``data-asset`` for the print
    edition, which converts it to the press's CMYK once it is placed (images.py)."""
    source = brochure.options.brochure / path
    profile = brochure.options.output_profile
    if is_raster(source) and profile is not None and profile.is_file():
        # A layout's own picture was not checked at load (a definition's was: remembered).
        problem = picture_problem(source, brochure.options.build_dir / "cache" / "images" /
                                  "checked")
        if problem:
            raise PamphletError(Diagnostic(f"picture '{path}' cannot be read ({problem})",
                                           source, hint="export it again as PNG, JPEG or TIFF"))
        return Markup('%s" data-asset="%s') % (_relative(source, base), path)
    return Markup(escape(_relative(source, base)))


def _relative(path: Path, base: Path) -> str:
    return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()


def _source_attribute(page: PageDef, *parts) -> Markup:
    """``data-src`` naming the YAML file, line and field an element comes from.

    Parts may be keys, indexes or tuples of them: ``at(page, path, 0)``.
    """
    path = tuple(p for part in parts for p in (part if isinstance(part, (tuple, list)) else (part,)))
    line, _ = page.source.where(path)
    label = f"{page.source.path.name}:{line} {field_name(path)}"
    return Markup(' data-src="%s"') % label


def _toc(brochure: Brochure) -> list[dict]:
    groups = []
    for page in brochure.pages:
        for group in page.fields.get("groups") or []:
            entries = [e for e in brochure.toc() if e.group == group["id"]]
            groups.append({"title": group["title"], "entries": entries})
    return groups


def _organisation_data(brochure: Brochure, page: PageDef) -> dict:
    """The organisation chart's data file, its shape checked: one error at the line."""
    source = read_yaml(brochure.options.brochure / page.fields["data"])
    data = source.data if isinstance(source.data, dict) else {}
    where = _organisation_problem(data)
    if where:
        raise PamphletError(source.diagnostic(
            where if where[0] in data else (), f"{field_name(where)}: not what the organisation "
            "chart reads", "head: {name, units: [a name, or {name, units: [names]}]}, and "
            "groups: [{title, kind, names: [names]}]"))
    return data


def _organisation_problem(data: dict) -> tuple | None:
    """Where the first thing the organisation chart cannot read is, or None."""
    def names(value) -> bool:
        return isinstance(value, list) and all(isinstance(name, str) for name in value)

    head = data.get("head")
    if not isinstance(head, dict) or not isinstance(head.get("name"), str):
        return ("head",)
    if not isinstance(head.get("units", []), list):
        return ("head", "units")
    for index, unit in enumerate(head.get("units", [])):
        if not isinstance(unit, str) and not (isinstance(unit, dict) and isinstance(
                unit.get("name"), str) and names(unit.get("units", []))):
            return ("head", "units", index)
    groups = data.get("groups", [])
    if not isinstance(groups, list):
        return ("groups",)
    for index, group in enumerate(groups):
        if not (isinstance(group, dict) and isinstance(group.get("title"), str)
                and names(group.get("names"))):
            return ("groups", index)
    return None


def _chart_data(brochure: Brochure, page: PageDef, spec: dict) -> dict:
    """The data file of a chart (its own ``data:`` or the page's), its series there and
    every point a number; a problem is one error at the chart's own field and line."""
    path = _path_of(page.fields, spec) or ()
    name = field_name(path)
    file = spec.get("data") or page.fields.get("data")
    if not file:
        raise PamphletError(page.source.diagnostic(
            path, f"{name}: no data file for the chart", "add `data: data/FILE.yaml` to the "
            "chart (or to the page)"))
    if spec.get("total") and not spec.get("legend"):
        raise PamphletError(page.source.diagnostic(
            path + ("total",), f"{name}: a chart with a total needs a legend",
            "add `legend: {series: WORD, total: WORD}` (what the bars and the outline count)"))
    data = read_yaml(brochure.options.brochure / file).data
    for key in ("series", "total"):
        problem = _series_problem(data, spec.get(key), file)
        if problem:
            raise PamphletError(page.source.diagnostic(path + (key,), f"{name}.{key}: "
                                                       + problem[0], problem[1]))
    return data


def _series_problem(data, series: str | None, file: str) -> tuple[str, str] | None:
    """What is wrong with ``series`` in a chart's data file (None: nothing, or no series)."""
    if not series:
        return None
    found = data.get(series) if isinstance(data, dict) else None
    points = found.get("points") if isinstance(found, dict) else None
    if not isinstance(points, dict) or not points:
        known = [k for k, v in data.items() if isinstance(v, dict)] if isinstance(data, dict) else []
        return (f"no series '{series}' with points in {file}",
                _suggest(series, known) or f"the series there: {', '.join(known) or 'none'}")
    for year, point in points.items():
        value = point.get("value") if isinstance(point, dict) else None
        if not str(year).isdigit() or isinstance(value, bool) or \
                not isinstance(value, (int, float)):
            return (f"in {file}, {series}'s point {year!r} is not a year with a number value",
                    "write each point as YEAR: {value: NUMBER}")
    return None


def _path_of(value, target, path: tuple = ()) -> tuple | None:
    """Where ``target`` (that very object) sits in a definition's fields."""
    if value is target:
        return path
    items = value.items() if isinstance(value, dict) else \
        enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _path_of(item, target, path + (key,))
        if found is not None:
            return found
    return None


def _kit_series(brochure: Brochure, page: PageDef, spec: dict) -> list:
    """The series a kit chart names, from its data file (its own ``data:`` or the page's):
    NAME: {label, points: {KEY: NUMBER or {value: NUMBER, approx: true}}}; a problem is
    one error at the chart's field, or at the data file's line."""
    path = _path_of(page.fields, spec) or ()
    file = spec.get("data") or page.fields.get("data")
    if not file:
        raise PamphletError(page.source.diagnostic(
            path, f"{field_name(path)}: no data file for the chart",
            "add `data: data/FILE.yaml` to the chart (or to the page)"))
    source = read_yaml(brochure.options.brochure / file)
    data = source.data if isinstance(source.data, dict) else {}
    found = []
    for name in spec["series"]:
        series = data.get(name)
        if not isinstance(series, dict) or not isinstance(series.get("points"), dict) \
                or not series["points"]:
            known = [k for k, v in data.items() if isinstance(v, dict)]
            raise PamphletError(page.source.diagnostic(
                path + ("series",), f"{field_name(path + ('series',))}: no series '{name}' "
                f"with points in {file}",
                _suggest(name, known) or f"the series there: {', '.join(known) or 'none'}"))
        found.append(charts.Series(str(series.get("label", name)),
                                   tuple(_kit_points(source, name, series["points"]))))
    return found


def _kit_points(source, name: str, points: dict) -> list:
    """(key, value, approx) of each point; a point that is no number is an error at its line."""
    found = []
    for key, point in points.items():
        value = point.get("value") if isinstance(point, dict) else point
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PamphletError(source.diagnostic(
                (name, "points", key), f"{name}.points.{key}: {value!r} is not a number",
                "write each point as KEY: NUMBER, or KEY: {value: NUMBER, approx: true}"))
        found.append((key, float(value), isinstance(point, dict) and bool(point.get("approx"))))
    return found


def _output_profile(brochure: Brochure, base: Path) -> str | None:
    profile = brochure.options.output_profile
    if profile is None:
        return None
    if not profile.is_file():
        raise PamphletError(brochure.source.diagnostic(
            ("output_profile",), f"output profile '{profile}' not found",
            "name a CMYK ICC profile file (relative to brochure.yaml) in `output_profile:`"))
    return _relative(profile, base)


def _created(brochure: Brochure) -> str:
    epoch = brochure.options.source_date_epoch
    if epoch is not None:
        import datetime
        moment = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    return f"{brochure.meta['date'].isoformat()}T00:00:00+00:00"


def _check_glyphs(brochure: Brochure, covered: frozenset) -> None:
    """A character no shipped font draws would fall back to a system font: refuse it."""
    collector = Collector()
    for page in brochure.pages:
        for path, text in _strings(page.fields, ()):
            missing = missing_characters(markup.plain_text(text), covered)
            if missing:
                collector.add(page.source.diagnostic(
                    path, f"{field_name(path)}: {_characters(missing)} in no font of fonts/",
                    "use another character, or add a font that has it to fonts/manifest.yaml"))
    collector.raise_errors()


def _characters(missing: list[str]) -> str:
    """"character 'X' (U+0058) is", or "characters 'X', 'Y' (U+0058, U+0059) are"."""
    if len(missing) == 1:
        return f"character '{missing[0]}' (U+{ord(missing[0]):04X}) is"
    shown = missing[:12]
    more = f" and {len(missing) - len(shown)} more" if len(missing) > len(shown) else ""
    return (f"characters {', '.join(repr(ch) for ch in shown)}{more} "
            f"({', '.join(f'U+{ord(ch):04X}' for ch in shown)}) are")
