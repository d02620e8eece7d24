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


def typeset(html: str, base_url: Path, brochure: Brochure):
    """Lay out ``html`` (links relative to ``base_url``) into a WeasyPrint Document.

    Raises `PamphletError` naming the page definition and the first element that
    does not fit ("overset text"), or when the page count differs from the plan.
    """
    isolate_fonts(brochure.options.build_dir)
    with warnings.catch_warnings():
        # fontconfig has no fonts on purpose: @font-face gives WeasyPrint fonts/.
        warnings.filterwarnings("ignore", message="No fonts configured in FontConfig")
        import weasyprint

        from . import typography
        typography.install()
        document = weasyprint.HTML(string=html, base_url=str(base_url.resolve()) + "/",
                                   url_fetcher=local_fetcher()()).render()
    LOG.info("typeset %d pages", len(document.pages))
    problems = overset(document, brochure)
    if problems:
        raise OversetError(problems, document)
    return document


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
    """Yield (frame, first box past the frame's bottom) for each overflowing frame."""
    for frame in _descendants(page_box):
        if _has_class(frame, "frame"):
            limit = frame.content_box_y() + frame.height + TOLERANCE
            culprit = next((box for box in _descendants(frame)
                            if _is_content(box) and _bottom(box) > limit), None)
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
    return box.position_y + box.margin_height() if kind_has_margin(box) else box.position_y + box.height


def kind_has_margin(box) -> bool:
    return hasattr(box, "margin_height") and box.margin_top is not None


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
