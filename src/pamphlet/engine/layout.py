"""Stage 3: lay a page definition's HTML out with WeasyPrint, and refuse overset text.

`Engine` lays out one definition at a time (build.make_part runs it per definition and
per process); `overset` finds content that does not fit its frame or its pages.
"""

from html import unescape
import logging
import os
import re
import warnings
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

from ..diagnostics import Diagnostic, PamphletError
from ..load import Brochure
from ..write import write_atomically
from . import patches

LOG = logging.getLogger("pamphlet")
TOLERANCE = 0.5  # CSS px: rounding, not overflow

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<!-- No system fonts: the pamphlet draws with fonts/ only (loaded by @font-face). -->
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""


def isolate_fonts(build_dir: Path) -> None:
    """Point fontconfig at an empty configuration before WeasyPrint loads.

    Two machines with different system fonts then render the same pamphlet, and
    a missing glyph shows as a missing glyph instead of a silent fallback. A build
    folder that cannot be written is a `PamphletError` (write.py's).
    """
    if os.environ.get("PAMPHLET_FONTCONFIG_SET"):
        return
    conf = build_dir / "fonts.conf"
    cache = (build_dir / "fontconfig-cache").resolve()
    text = FONTS_CONF.format(cache=cache)
    if not conf.is_file() or conf.read_text() != text:
        write_atomically(conf, lambda temporary: temporary.write_text(text))
    os.environ["FONTCONFIG_FILE"] = str(conf.resolve())
    os.environ["PAMPHLET_FONTCONFIG_SET"] = "1"


def import_engine() -> None:
    """Import WeasyPrint, finding its libraries with one reading of the linker cache.

    WeasyPrint tries several names for each library, and ctypes answers each
    through ``ldconfig -p`` and then a compiler run for the names it does not
    know: a fifth of a second per process. Here ``ldconfig -p`` runs once; a name
    it does not list is not there (WeasyPrint then opens the library by its
    file name, which the dynamic loader still finds wherever it is).
    """
    import importlib
    import subprocess
    import sys

    with _no_fonts_unsaid():
        listing = b""
        if "weasyprint" not in sys.modules and sys.platform.startswith("linux"):
            try:
                listing = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True,
                                         timeout=10, check=True).stdout
            except (OSError, subprocess.SubprocessError):
                pass
        if not listing:
            importlib.import_module("weasyprint")
            return
        with patches.patched("import", listing=listing):
            importlib.import_module("weasyprint")


@contextmanager
def _no_fonts_unsaid():
    """WeasyPrint's warning that fontconfig has no fonts, ignored for the block.

    fontconfig has none on purpose (`isolate_fonts`; @font-face gives WeasyPrint
    fonts/), and WeasyPrint says so once, when it is imported. Not
    ``warnings.catch_warnings``: the import may run in a thread (build.py), and
    catch_warnings would put back, at its end, filters changed meanwhile elsewhere;
    here only this block's own filter is taken out.
    """
    warnings.filterwarnings("ignore", message="No fonts configured in FontConfig",
                            module="weasyprint")
    own = warnings.filters[0]
    try:
        yield
    finally:
        if own in warnings.filters:       # not when its filters were put back already
            warnings.filters.remove(own)


def make_find_library(original, listing: bytes):
    """ctypes' find_library answered from one ``ldconfig -p`` listing (patches.py)."""
    abi = "libc6,x86-64" if os.uname().machine == "x86_64" else "libc6"

    def find_library(name: str):
        found = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}".encode(), listing)
        return found.group(1).decode() if found else None
    return find_library


def prepare(build_dir: Path) -> None:
    """Fonts isolated, WeasyPrint imported and extended (patches.py), before any layout."""
    isolate_fonts(build_dir)
    import_engine()
    install()


def install() -> None:
    """WeasyPrint checked to be the pinned version, then extended: the JLREQ line
    layout, the speedups, stable colour profiles. Safe to call more than once."""
    patches.check_version()
    for group in ("typography", "speedups", "output"):
        patches.install(group)


def make_stable_content(content):
    """A colour profile gives the same bytes every time it is embedded.

    WeasyPrint embeds ``@color-profile`` files as LittleCMS writes them back,
    and LittleCMS writes a profile it has already written slightly differently:
    the second document laid out with the same stylesheets would embed other bytes.
    """
    def stable(profile):
        if getattr(profile, "_pamphlet_bytes", None) is None:
            profile._pamphlet_bytes = profile._profile.tobytes()
        return profile._pamphlet_bytes
    return property(stable)


class Engine:
    """Lays out one page definition at a time against one document head.

    The head's stylesheets and fonts are parsed once, not once per definition:
    a definition's own HTML is then all that WeasyPrint reads.
    """

    def __init__(self, head: str, base_url: Path, fetcher=None, extra_css: str = "",
                 roots=None):
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        self.head = head
        self.base_url = base_url.resolve().as_uri() + "/"
        self.roots = roots            # the folders it may read from (None: any local file)
        self.fetcher = fetcher or local_fetcher()(roots)
        self.font_config = FontConfiguration()
        self.color_profiles = {}
        self.images = {}
        options = dict(base_url=self.base_url, url_fetcher=self.fetcher,
                       font_config=self.font_config, color_profiles=self.color_profiles)
        self.warnings = []        # what WeasyPrint ignored in the stylesheets, as Diagnostics
        self.stylesheets = [weasyprint.CSS(string=css, **options) for css in _STYLE.findall(head)]
        for href in _LINK.findall(head):
            with _ignored_css(base_url / href, self.warnings):
                self.stylesheets.append(weasyprint.CSS(url=urljoin(self.base_url, href), **options))
        if extra_css:
            self.stylesheets.append(weasyprint.CSS(string=extra_css, **options))
        self.bare_head = _LINK.sub("", _STYLE_ELEMENT.sub("", head))
        self.check_reads()

    def check_reads(self) -> None:
        """Raise the files outside the project that WeasyPrint was refused (it goes on
        without them, as a browser would): after parsing, laying out and drawing."""
        problems = refused_reads(self.fetcher, self.roots or [])
        if problems:
            raise PamphletError(problems)

    def layout(self, fragment: str):
        """A WeasyPrint Document of one definition's HTML."""
        import weasyprint
        html = weasyprint.HTML(string=f"{self.bare_head}{fragment}</body></html>",
                               base_url=self.base_url, url_fetcher=self.fetcher)
        with time_limit(LAYOUT_SECONDS):
            document = html.render(stylesheets=self.stylesheets, font_config=self.font_config,
                                   color_profiles=self.color_profiles, cache=self.images)
        self._forget_drawings()
        self.check_reads()
        return document

    def _forget_drawings(self) -> None:
        """Keep decoded pictures for the next definition, but not SVG drawings.

        WeasyPrint's SVG image holds the layout of the document that loaded it
        (every element's computed style): kept in the cache, each drawing would
        keep a whole definition's layout alive for the rest of the build. The
        document just laid out holds its own drawings until it is drawn.
        """
        from weasyprint.images import SVGImage

        for url in [url for url, image in self.images.items() if isinstance(image, SVGImage)]:
            del self.images[url]


LAYOUT_SECONDS = 60      # one definition's layout: the guide's costliest takes about 3 s


@contextmanager
def time_limit(seconds: float):
    """Stop a layout that runs past ``seconds`` with one error instead of for ever.

    WeasyPrint can take hours over a layout that cannot fit its page (a fixed
    A4 geometry on a 100 × 150 mm trim); a timer signal breaks into its Python
    loops. Only where signals can be had: the main thread of a process.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def expired(signum, frame):
        raise PamphletError(Diagnostic(
            f"laying out took more than {seconds:g} s and was stopped",
            hint="a layout that cannot fit its page makes WeasyPrint try for ever: check "
                 "the trim size against the layouts, or shorten the page definition"))

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _ignored_css(file: Path, found: list):
    """WeasyPrint's words on what it ignores in a stylesheet, as warnings at the line.

    A browser, and WeasyPrint, skip a declaration they cannot read (``colr: red``,
    ``width: 10qq``) without a word; a designer wants to know.
    """
    weasyprint_log = logging.getLogger("weasyprint")
    listener = _CssListener(file.resolve(), found)
    weasyprint_log.addHandler(listener)
    try:
        yield
    finally:
        weasyprint_log.removeHandler(listener)


class _CssListener(logging.Handler):
    def __init__(self, file: Path, found: list):
        super().__init__(logging.WARNING)
        self.file, self.found = file, found

    def emit(self, record) -> None:
        text = record.getMessage()
        where = re.search(r" at (\d+):(\d+)", text)
        line, column = (int(where[1]), int(where[2])) if where else (None, None)
        message = re.sub(r" at \d+:\d+", "", text).rstrip(".").replace("`", "'")
        self.found.append(Diagnostic(f"stylesheet: {message}", self.file, line, column,
                                     "WeasyPrint skips what it cannot read: fix the property "
                                     "or its value", severity="warning"))


_STYLE_ELEMENT = re.compile(r"<style>.*?</style>\s*", re.S)
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">\s*')


def local_fetcher():
    """WeasyPrint's fetcher, limited to local files inside ``roots`` (all local files when
    None): the build never touches the network, nor a file outside the project."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def __init__(self, roots=None):
            super().__init__(allowed_protocols={"file", "data"})
            self.roots = None if roots is None else [Path(r).resolve() for r in roots]
            self.refused: list[Path] = []

        def fetch(self, url, headers=None):
            outside = self._outside(url)
            if outside is not None:
                self.refused.append(outside)
                raise ValueError(f"{outside} is outside the project")
            return super().fetch(url, headers)

        def _outside(self, url: str) -> Path | None:
            if self.roots is None or not url.startswith("file:"):
                return None
            from urllib.parse import unquote, urlsplit
            path = Path(unquote(urlsplit(url).path)).resolve()       # symlinks followed
            return None if any(path.is_relative_to(root) for root in self.roots) else path

    return LocalFetcher


def refused_reads(fetcher, roots) -> list[Diagnostic]:
    """One error per file outside the project that a stylesheet or picture asked for,
    at the line of the layout or asset that names it (when one does)."""
    problems = []
    for path in dict.fromkeys(getattr(fetcher, "refused", [])):
        file, line = _naming(path, roots)
        problems.append(Diagnostic(
            f"reads {path}, which is outside the project", file, line,
            hint="keep what layouts and pictures use under brochure/, layouts/ or fonts/ "
                 "and name it by a relative path"))
    if hasattr(fetcher, "refused"):
        fetcher.refused.clear()
    return problems


def _naming(path: Path, roots) -> tuple:
    """The first layout, stylesheet or SVG line that mentions ``path``'s file name."""
    for root in roots:
        root = Path(root)
        if not root.is_dir():
            continue
        for candidate in sorted(root.rglob("*")):
            if candidate.suffix not in (".css", ".svg", ".j2", ".html") or not candidate.is_file():
                continue
            for number, line in enumerate(candidate.read_text(errors="replace").splitlines(), 1):
                if path.name in line:
                    return candidate, number
    return None, None


def overset(document, brochure: Brochure, definition=None, html: str | None = None
            ) -> list[Diagnostic]:
    """Every frame whose content runs past its bottom, any field the layout left out,
    and any unplanned page.

    ``document`` is the whole pamphlet, or only ``definition``'s pages; ``html``, the
    HTML it was laid out from: an element that shows a field there (``data-src``) but
    has no box in the pages was pushed out of its frame (an unbreakable block taller
    than the room left), which no box past the frame's edge shows.
    """
    first = definition.numbers[0] if definition is not None else 1
    planned = len(definition.numbers) if definition is not None else brochure.page_count
    problems = []
    for number, page in enumerate(document.pages, start=first):
        for frame, box in _overflowing(page._page_box):
            problems.append(_overset_diagnostic(brochure, number, frame, box, definition))
    if not problems and html is not None:
        problems.extend(_not_laid_out(document, html, definition))
    if len(document.pages) != planned and not problems:
        what = f"page definition '{definition.id}'" if definition is not None else "the layouts"
        problems.append(Diagnostic(
            f"{what} made {len(document.pages)} pages where the page definitions plan "
            f"{planned}", definition.source.path if definition is not None else None,
            hint="a sheet's content broke onto a new page: shorten it"))
    return problems


def _not_laid_out(document, html: str, definition) -> list[Diagnostic]:
    laid_out = {_source(box) for page in document.pages for box in _descendants(page._page_box)}
    for source in dict.fromkeys(re.findall(r'data-src="([^"]+)"', html)):
        source = unescape(source)
        if source not in laid_out:
            line = int(source.split(" ")[0].rsplit(":", 1)[1])
            where = definition.source.path if definition is not None else None
            return [Diagnostic(
                f"overset text: page definition '{definition.id}' does not fit: {source} is "
                "not on its page (pushed out of its frame whole)", where, line, None,
                "shorten the text, or move part of it to another page definition",
                page=definition.numbers[0] if definition is not None else None)]
    return []


def _source(box) -> str | None:
    element = getattr(box, "element", None)
    return element.get("data-src") if element is not None else None


def _overflowing(page_box):
    """Yield (frame, first box past the frame's bottom or right) for each overflowing frame.

    A fixed-height box with CSS columns overflows sideways, into columns past its
    right edge, instead of downwards.
    """
    for frame in _descendants(page_box):
        if _has_class(frame, "frame"):
            limit = frame.content_box_y() + frame.height + TOLERANCE
            right = frame.content_box_x() + frame.width + TOLERANCE
            culprit = next((box for box in _descendants(frame)
                            if _is_content(box) and (_bottom(box) > limit or
                                                     box.position_x > right or
                                                     _right(box) > right)), None)
            if culprit is not None:
                yield frame, culprit


def _overset_diagnostic(brochure, number, frame, box, definition=None) -> Diagnostic:
    source = _source_of(box) or _source_of(frame)
    if definition is None or number not in definition.numbers:
        definition = next(p for p in brochure.pages if number in p.numbers)
    where = f" ({source})" if source else ""
    file = definition.source.path
    line = int(source.split(" ")[0].rsplit(":", 1)[1]) if source else None
    return Diagnostic(
        f"overset text: page definition '{definition.id}' does not fit page {number:02d}; "
        f"the first element that does not fit is {_describe(box)}{where}",
        file, line, None, "shorten the text, or move part of it to another page definition",
        page=number, box=_box_mm(frame))


def _box_mm(box) -> tuple:
    """A box's border box in mm from the trim's top left (WeasyPrint's px are 1/96 in)."""
    mm = 25.4 / 96
    return tuple(round(v * mm, 1) for v in (box.position_x, box.position_y,
                                            box.margin_width() - box.margin_left - box.margin_right,
                                            box.margin_height() - box.margin_top - box.margin_bottom))


def _descendants(box):
    for child in getattr(box, "children", ()):
        yield child
        yield from _descendants(child)


def _has_class(box, name: str) -> bool:
    element = getattr(box, "element", None)
    return element is not None and name in (element.get("class") or "").split() \
        and getattr(box, "element_tag", None) is not None and box.style is not None \
        and not type(box).__name__.startswith(("Line", "Text", "Inline"))


def _is_content(box) -> bool:
    kind = type(box).__name__
    return kind in ("LineBox",) or kind.endswith("ReplacedBox")


def _right(box) -> float:
    """Where a line's text (or a picture) ends on the right: a word too long for its
    line runs past the line box, which keeps the width of the column."""
    if type(box).__name__ != "LineBox":
        return box.position_x + box.width
    ends = [text.position_x + text.width for text in _descendants(box)
            if type(text).__name__ == "TextBox" and text.text.strip()]
    return max(ends, default=box.position_x)


def _bottom(box) -> float:
    if getattr(box, "margin_top", None) is not None:
        return box.position_y + box.margin_height()
    return box.position_y + box.height


def _source_of(box) -> str | None:
    element = getattr(box, "element", None)
    while element is not None:
        if element.get("data-src"):
            return element.get("data-src")
        element = element.getparent() if hasattr(element, "getparent") else None
    return None


def _describe(box) -> str:
    text = "".join(b.text for b in _descendants(box) if hasattr(b, "text"))[:24]
    tag = getattr(box, "element_tag", "") or ""
    return f"the <{tag}> \"{text}…\"" if text else f"a <{tag}>"
