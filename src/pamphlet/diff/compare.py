"""Run the diff's stages in order: fingerprint -> align -> look -> compare pixels and text
-> moved text -> sources (the field or file behind each change) -> approvals and comments."""

import logging
from pathlib import Path

from ..checks.pdftext import UnreadablePDF
from .align import align_pages, page_similarity
from .fingerprint import fingerprint_both
from .ignore import pixels_to_mm, points_to_mm, to_pixels, to_points
from .look import PageViewer
from .keep import Pictures, Store
from .model import MM, DiffOptions, DiffResult, PageResult, Region
from .moves import classify, find_moved_text
from .pixels import compare_pixels
from .textdiff import diff_text

LOG = logging.getLogger("pamphlet")
STEPS = 4
EXCERPT = 60        # characters of an added or removed page's text


def diff_pdfs(old: Path, new: Path, options: DiffOptions) -> DiffResult:
    """Compare the pages of two PDFs inside their BleedBoxes.

    Only pages whose digests differ are rendered.  Raises `UnreadablePDF`.
    """
    for path in (old, new):         # first: reading a FIFO would wait for ever
        if path.exists() and not path.is_file():
            raise UnreadablePDF(f"cannot read {path}: not a file")
    _STORE[0] = Store()             # changed pages' pictures, on disk past the first few
    _step(1, "fingerprinting", f"{old} and {new}")
    old_keys, new_keys = fingerprint_both(old, new)
    with PageViewer(old, options.dpi) as old_pages, PageViewer(new, options.dpi) as new_pages:
        _step(2, "aligning", f"{len(old_keys)} old and {len(new_keys)} new pages")
        steps = align_pages([k.digest for k in old_keys], [k.digest for k in new_keys],
                            lambda o, n: page_similarity(old_pages[o], new_pages[n]))
        _step(3, "comparing", f"{sum(not s.same for s in steps)} pages that may differ")
        pages = [_page_result(step, old_pages, new_pages, options) for step in steps]
        result = DiffResult(old, new, options, len(old_keys), len(new_keys), pages)
        _step(4, "tracing", "moved text, sources, approvals")
        result.text_moves = find_moved_text(pages)
        _trace(result, lambda number: new_pages[number].image)
        result.rendered = {"old": old_pages.rendered, "new": new_pages.rendered}
    return result


def _trace(result: DiffResult, look) -> None:
    """Sources from the builds' field maps (and git's changes); then the review's state."""
    from .sources import trace_sources

    trace_sources(result)
    if result.options.approvals is not None:
        from ..review import annotate

        annotate(result, look)


def _page_result(step, old_pages, new_pages, options: DiffOptions) -> PageResult:
    if step.same and not step.moved:
        return PageResult("same", step.old, step.new, text={"changes": []})
    if step.old is None:
        return _alone("added", new_pages[step.new])
    if step.new is None:
        return _alone("removed", old_pages[step.old])
    result = compare_pages(old_pages[step.old], new_pages[step.new], options, step.similarity)
    if step.moved:
        result.status, result.moved = "changed", True
        result.pictures = result.pictures or Pictures(
            _pictures(old_pages[step.old], new_pages[step.new]), _STORE[0])
    return result


_STORE = [Store()]


def _pictures(old, new) -> dict:
    from PIL import Image

    return {"old": old.image, "new": new.image, "mask": Image.new("L", new.image.size, 0)}


def _alone(status: str, look) -> PageResult:
    number = look.number
    result = PageResult(status, number if status == "removed" else None,
                        number if status == "added" else None, changed_fraction=1.0,
                        text={"excerpt": look.text[:EXCERPT]})
    result.pictures = Pictures({"old" if status == "removed" else "new": look.image}, _STORE[0])
    result.scale = _scale(look)
    return result


def compare_pages(old, new, options: DiffOptions, similarity: float | None = None) -> PageResult:
    """Compare two looked-at pages: pixels outside the ignored boxes, and text."""
    ignored = [box for box in options.ignore if box.applies_to(new.number)]
    pixels = compare_pixels(
        old.image, new.image, tolerance=options.tolerance, min_area=options.min_area,
        ignore=[to_pixels(i.box, new.trim, new.bleed, new.dpi) for i in ignored],
        block=max(4, round(options.dpi / 12)))
    changes = diff_text(_outside(old.chars, [to_points(i.box, old.trim) for i in ignored]),
                        _outside(new.chars, [to_points(i.box, new.trim) for i in ignored]))
    status = "changed" if pixels.regions or changes else "same"
    result = PageResult(status, old.number, new.number, pixels.fraction, ignored=ignored,
                        similarity=similarity)
    boxes = [c.box for c in changes]
    result.regions = [Region(r[:4], pixels_to_mm(r[:4], new.trim, new.bleed, new.dpi), r[4],
                             classify(_to_points(r[:4], new), old.chars, new.chars, boxes))
                      for r in pixels.regions]
    result.text = {"changes": [_text_change(c, old, new) for c in changes]}
    result.scale = _scale(new)
    if status == "changed":
        result.pictures = Pictures({"old": old.image, "new": new.image, "mask": pixels.mask},
                                   _STORE[0])
    return result


def _to_points(box: tuple, look) -> tuple:
    """(left, bottom, right, top) in PDF points of a pixel box (x, y, w, h) of the picture."""
    x, y, width, height = box
    scale = 72 / look.dpi
    left, top = look.bleed[0] + x * scale, look.bleed[3] - y * scale
    return (left, top - height * scale, left + width * scale, top)


def _scale(look) -> tuple:
    """Pixels per mm, and where the trim's top left is in the picture (mm)."""
    return (look.dpi / 25.4, ((look.trim[0] - look.bleed[0]) / MM,
                              (look.bleed[3] - look.trim[3]) / MM))


def _outside(chars: list, boxes: list) -> list:
    """The characters whose middle is in none of ``boxes`` (pt)."""
    def hidden(char) -> bool:
        if char.box is None:
            return False
        x, y = (char.box[0] + char.box[2]) / 2, (char.box[1] + char.box[3]) / 2
        return any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)
    return [c for c in chars if not hidden(c)] if boxes else chars


def _text_change(change, old, new) -> dict:
    data = change.as_dict()
    if change.box is not None:
        side = new if change.new else old
        data["on"] = "new" if change.new else "old"
        data["box_mm"] = list(points_to_mm(change.box, side.trim))
        data["at_mm"] = list(points_to_mm(change.middle, side.trim))
    return data


def _step(number: int, verb: str, what) -> None:
    LOG.info("diff step %d/%d %s %s", number, STEPS, verb, what)
