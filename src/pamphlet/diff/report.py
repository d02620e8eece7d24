"""Write the report: DIR/index.html (one offline page), DIR/report.json, DIR/img/.

Only pages that are not the same (or carry a comment or a stale approval) get
pictures: a JPEG of each side (fast to encode; identical 8 x 8 blocks decode
identically, so the overlay shows no false change), a transparent PNG of the
changed pixels, and a small thumbnail.  The page's text is set in the project's
own Gothic, subset into the page (webfont.py).
"""

import json
import logging
from pathlib import Path

from .model import DiffResult, PageResult

LOG = logging.getLogger("pamphlet")
IMAGES = "img"
THUMB_WIDTH = 90        # px
ZOOMS = 6               # changed regions shown enlarged, per page
ZOOM_BOX = 260          # px: the most an enlarged region takes either way
ZOOM_MARGIN = 10        # px of the page picture around a region
HIGHLIGHT = (230, 0, 60)


KIT_FONTS = Path(__file__).resolve().parents[3] / "fonts"
DEFAULT_APPROVALS = "review/approvals.yaml"


def write_report(result: DiffResult, folder: Path) -> Path:
    """Write the report into ``folder`` (replacing a previous report there); return index.html."""
    images = folder / IMAGES
    images.mkdir(parents=True, exist_ok=True)
    for old in images.glob("[no][0-9][0-9][0-9]-*.*"):     # a previous report's pictures
        old.unlink()
    for page in result.pages:
        page.images = _write_pictures(page, images)
    (folder / "report.json").write_text(
        json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    index = folder / "index.html"
    index.write_text(render_report(result), encoding="utf-8")
    LOG.info("report: %s", index)
    return index


def render_report(result: DiffResult) -> str:
    """The report page as HTML: pictures are referenced under img/."""
    from jinja2 import Environment

    from .template import TEMPLATE

    from .webfont import font_faces

    environment = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    environment.filters["percent"] = _percent
    views = [_view(p) for p in result.pages]
    html = environment.from_string(TEMPLATE).render(
        result=result, counts=result.counts, pages=views, ignore=result.options.ignore,
        review=result.review, causes=result.causes, new_pdf=str(result.new),
        approvals_file=str(result.options.approvals or DEFAULT_APPROVALS),
        shown_count=sum(v["shown"] for v in views))
    return html.replace("/*FONTS*/", font_faces(html, result.options.fonts or KIT_FONTS), 1)


def _write_pictures(page: PageResult, folder: Path) -> dict:
    if not page.pictures:
        return {}
    name = f"n{page.new_page:03d}" if page.new_page else f"o{page.old_page:03d}"
    written = {}
    for side in ("old", "new"):
        if side in page.pictures:
            written[side] = _save_jpeg(page.pictures[side], folder / f"{name}-{side}.jpg")
    if "mask" in page.pictures:
        written["diff"] = _save_mask(page.pictures["mask"], folder / f"{name}-diff.png")
    written["thumb"] = _save_thumbnail(_picture(page), folder / f"{name}-thumb.jpg")
    return {key: f"{IMAGES}/{value}" for key, value in written.items()}


def _save_jpeg(image, path: Path) -> str:
    image.save(path, "JPEG", quality=90, subsampling=0)
    return path.name


def _save_mask(mask, path: Path) -> str:
    """The changed pixels, widened by one pixel to be seen, red on transparent."""
    from PIL import Image, ImageFilter

    shown = Image.new("L", mask.size, 0)
    found = mask.getbbox()
    if found is not None:
        left, top, right, bottom = found
        box = (max(0, left - 1), max(0, top - 1), right + 1, bottom + 1)
        shown.paste(mask.crop(box).filter(ImageFilter.MaxFilter(3)), box[:2])
    shown = shown.point(lambda v: 1 if v else 0).convert("P")
    shown.putpalette([255, 255, 255, *HIGHLIGHT])
    shown.save(path, "PNG", transparency=0)
    return path.name


def _save_thumbnail(image, path: Path) -> str:
    height = max(1, round(image.height * THUMB_WIDTH / image.width))
    image.resize((THUMB_WIDTH, height), reducing_gap=2.0).save(path, "JPEG", quality=80)
    return path.name


def _view(page: PageResult) -> dict:
    """What the template needs of one page, boxes as percentages of its picture."""
    view = {"page": page, "anchor": _anchor(page), "title": _title(page), "regions": [],
            "ignored": [], "zooms": [], "texts": page.text.get("changes", []), "text_boxes": [],
            "pins": [], "sources": _sources(page), "mm": [],
            "shown": page.status != "same" or bool(page.pictures)}
    picture = _picture(page)
    if picture is None:
        return view
    size = picture.size
    per_mm, offset = page.scale
    view["mm"] = [round(size[0] / per_mm, 3), round(size[1] / per_mm, 3),
                  round(offset[0], 3), round(offset[1], 3)]
    view["pins"] = [{**_mm_to_percent(c["box_mm"], page, size), "id": c["id"], "text": c["text"]}
                    for c in page.comments]
    view["regions"] = [_percent_box(r.box_px, size) for r in page.regions]
    view["zooms"] = [_zoom(r.box_px, size) for r in page.regions[:ZOOMS]]
    view["ignored"] = [_mm_to_percent(i.box, page, size) for i in page.ignored]
    view["text_boxes"] = [_mm_to_percent(c["box_mm"], page, size) for c in view["texts"]
                          if c.get("on") == "new"]
    return view


def _sources(page: PageResult) -> list[dict]:
    """What made each changed region, once each."""
    seen, listed = set(), []
    for region in page.regions:
        source = region.source or {}
        key = (region.kind, source.get("says"))
        if source.get("says") and key not in seen:
            seen.add(key)
            listed.append({"kind": region.kind, "says": source["says"],
                           "git_diff": source.get("git_diff", "")})
    return listed


def _zoom(box: tuple, size: tuple) -> dict:
    """A region with a margin, enlarged up to 3 times to fit ZOOM_BOX: CSS background numbers."""
    x, y, width, height = box
    left, top = max(0, x - ZOOM_MARGIN), max(0, y - ZOOM_MARGIN)
    right, bottom = min(size[0], x + width + ZOOM_MARGIN), min(size[1], y + height + ZOOM_MARGIN)
    scale = min(3.0, ZOOM_BOX / (right - left), ZOOM_BOX / (bottom - top))
    return {"x": round(left * scale), "y": round(top * scale),
            "width": round((right - left) * scale), "height": round((bottom - top) * scale),
            "size": (round(size[0] * scale), round(size[1] * scale))}


def _picture(page: PageResult):
    """The picture the page's boxes are drawn on: the new side, or the old for a removed page."""
    return page.pictures.get("new", page.pictures.get("old"))


def _percent_box(box: tuple, size: tuple) -> dict:
    x, y, width, height = box
    return {"left": 100 * x / size[0], "top": 100 * y / size[1],
            "width": 100 * max(width, 1) / size[0], "height": 100 * max(height, 1) / size[1]}


def _mm_to_percent(box_mm, page: PageResult, size: tuple) -> dict:
    """An mm box on the trim (x, y, width, height) as percentages of the BleedBox picture."""
    per_mm, offset = page.scale
    x, y, width, height = box_mm
    return _percent_box(((x + offset[0]) * per_mm, (y + offset[1]) * per_mm,
                         width * per_mm, height * per_mm), size)


def _anchor(page: PageResult) -> str:
    return f"page-{page.new_page}" if page.new_page else f"old-page-{page.old_page}"


def _title(page: PageResult) -> str:
    if page.status == "removed":
        return f"Old page {page.old_page}"
    if page.old_page == page.new_page or page.old_page is None:
        return f"Page {page.new_page}"
    return f"Page {page.new_page} (old {page.old_page})"


def _percent(value: float) -> str:
    share = value * 100
    return f"{share:.1f} %" if share >= 0.05 or not share else "<0.1 %"
