"""Stage 3: lay the HTML out with WeasyPrint, and refuse text that overflows its page."""

import logging
import os
import warnings
from pathlib import Path

from .diagnostics import Diagnostic, PamphletError
from .load import Brochure

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
    a missing glyph shows as a missing glyph instead of a silent fallback.
    """
    if os.environ.get("PAMPHLET_FONTCONFIG_SET"):
        return
    build_dir.mkdir(parents=True, exist_ok=True)
    conf = build_dir / "fonts.conf"
    cache = (build_dir / "fontconfig-cache").resolve()
    text = FONTS_CONF.format(cache=cache)
    if not conf.exists() or conf.read_text() != text:
        conf.write_text(text)
    os.environ["FONTCONFIG_FILE"] = str(conf.resolve())
    os.environ["PAMPHLET_FONTCONFIG_SET"] = "1"


def typeset(html: str, base_url: Path, brochure: Brochure, cache=None):
    """Lay out ``html`` (links relative to ``base_url``) into a WeasyPrint Document.

    With a `LayoutCache` (a warm `pamphlet watch`), only page definitions whose
    HTML changed are laid out again. Raises `PamphletError` naming the page
    definition and the first element that does not fit ("overset text"), or when
    the page count differs from the plan.
    """
    isolate_fonts(brochure.options.build_dir)
    with warnings.catch_warnings():
        # fontconfig has no fonts on purpose: @font-face gives WeasyPrint fonts/.
        warnings.filterwarnings("ignore", message="No fonts configured in FontConfig")
        from . import typography
        typography.install()
        if cache is None:
            document = _layout(html, base_url)
        else:
            document = _layout_cached(html, base_url, brochure, cache)
    LOG.info("typeset %d pages", len(document.pages))
    problems = overset(document, brochure)
    if problems:
        raise OversetError(problems, document)
    return document


def _layout(html: str, base_url: Path, font_config=None):
    import weasyprint
    return weasyprint.HTML(string=html, base_url=str(base_url.resolve()) + "/",
                           url_fetcher=local_fetcher()()).render(font_config=font_config)


def _layout_cached(html: str, base_url: Path, brochure: Brochure, cache):
    """Reuse the pages of unchanged definitions; lay out the others one by one."""
    from weasyprint.text.fonts import FontConfiguration

    from .layoutcache import key, split, world_digest

    head, fragments, tail = split(html)
    root = brochure.options.brochure
    world = world_digest([root / "assets", root / "data", *brochure.options.layouts,
                          brochure.options.fonts])
    keys = [key(head, fragment, world) for _, fragment in fragments]
    if cache.font_config is None:
        cache.font_config = FontConfiguration()
    if not any(k in cache.entries for k in keys):
        document = _layout(html, base_url, cache.font_config)
        cache.entries.clear()
        _remember(document, fragments, keys, brochure, cache)
        cache.misses += len(keys)
        return document
    pages, first = [], None
    for stale in set(cache.entries) - set(keys):        # edited away: forget
        del cache.entries[stale]
    for (page_id, fragment), fragment_key in zip(fragments, keys):
        if fragment_key not in cache.entries:
            part = _layout(head + fragment + tail, base_url, cache.font_config)
            cache.entries[fragment_key] = part.pages
            first = first or part
            cache.misses += 1
        else:
            cache.hits += 1
        pages += cache.entries[fragment_key]
    first = first or _layout(head + tail, base_url, cache.font_config)
    return first.copy(pages)


def _remember(document, fragments, keys, brochure, cache) -> None:
    """File the pages of a whole-document layout under each definition's key."""
    counts = {page.id: page.schema.pages for page in brochure.pages}
    start = 0
    for (page_id, _), fragment_key in zip(fragments, keys):
        count = counts.get(page_id, 1)
        cache.entries[fragment_key] = document.pages[start:start + count]
        start += count


class OversetError(PamphletError):
    """Content does not fit; ``document`` holds the pages for inspection."""

    def __init__(self, diagnostics, document):
        super().__init__(diagnostics)
        self.document = document


def local_fetcher():
    """WeasyPrint's fetcher, limited to local files: the build never touches the network."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"file", "data"})

    return LocalFetcher


def overset(document, brochure: Brochure) -> list[Diagnostic]:
    """Every frame whose content runs past its bottom, and any unplanned page."""
    problems = []
    for number, page in enumerate(document.pages, start=1):
        for frame, box in _overflowing(page._page_box):
            problems.append(_overset_diagnostic(brochure, number, frame, box))
    if len(document.pages) != brochure.page_count and not problems:
        problems.append(Diagnostic(
            f"the layouts made {len(document.pages)} pages where the page definitions plan "
            f"{brochure.page_count}", hint="a sheet's content broke onto a new page: shorten it"))
    return problems


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
                                                     box.position_x > right)), None)
            if culprit is not None:
                yield frame, culprit


def _overset_diagnostic(brochure, number, frame, box) -> Diagnostic:
    source = _source_of(box) or _source_of(frame)
    definition = next(p for p in brochure.pages if number in p.numbers)
    where = f" ({source})" if source else ""
    file = definition.source.path
    line = int(source.split(" ")[0].rsplit(":", 1)[1]) if source else None
    return Diagnostic(
        f"overset text: page definition '{definition.id}' does not fit page {number:02d}; "
        f"the first element that does not fit is {_describe(box)}{where}",
        file, line, None, "shorten the text, or move part of it to another page definition")


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
