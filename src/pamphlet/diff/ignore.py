"""Regions meant to change, from ``--ignore`` and from the page definitions' ``ignore:``.

A box is x, y, width, height in mm from the trim's top left of a page of the
new PDF, the way designers measure; it masks the pixels and the text there.
"""

import argparse
import re
from pathlib import Path

from .model import MM, IgnoreBox

IGNORE = re.compile(r"^\s*(\*|\d+)\s*:\s*([-\d.]+)\s*,\s*([-\d.]+)\s*,\s*([\d.]+)\s*,"
                    r"\s*([\d.]+)\s*$")


def parse_ignore(text: str) -> IgnoreBox:
    """``PAGE:x,y,w,h`` (mm; PAGE a page number of the new PDF, or * for every page)."""
    match = IGNORE.match(text)
    if not match:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not PAGE:x,y,w,h (mm from the trim's top left), e.g. 7:10,270,60,12")
    page, *numbers = match.groups()
    try:
        box = tuple(float(n) for n in numbers)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}': x, y, w, h must be numbers (mm)") from None
    if page != "*" and int(page) < 1:
        raise argparse.ArgumentTypeError(f"'{text}': pages are numbered from 1")
    return IgnoreBox(None if page == "*" else int(page), box, f"--ignore {text.strip()}")


def brochure_ignores(folder: Path) -> list[IgnoreBox]:
    """The ``ignore:`` entries of the brochure's page definitions, on new-PDF page numbers.

    Raises `PamphletError` if the brochure does not load or an entry is not a box.
    """
    from ..diagnostics import Collector
    from ..load import load_brochure
    from ..options import command_line_options

    brochure = load_brochure(command_line_options(folder))
    boxes, collector = [], Collector()
    for page in brochure.pages:
        for index, item in enumerate(page.source.data.get("ignore") or []):
            box = _page_box(page, index, item, collector)
            if box is not None:
                boxes.append(box)
    collector.raise_errors()
    return boxes


def _page_box(page, index: int, item: dict, collector) -> IgnoreBox | None:
    offset = int(item.get("page", 1))
    if not 1 <= offset <= len(page.numbers):
        collector.add(page.source.diagnostic(
            ("ignore", index, "page"), f"ignore[{index}].page {offset} is outside this "
            f"definition's {len(page.numbers)} page(s)", "use 1, or 2 for a spread"))
        return None
    try:
        box = tuple(float(v) for v in item["box"])
    except (TypeError, ValueError):
        box = ()
    if len(box) != 4 or box[2] <= 0 or box[3] <= 0:
        collector.add(page.source.diagnostic(
            ("ignore", index, "box"), f"ignore[{index}].box is {item['box']!r}, not a box",
            "write [x, y, width, height] in mm from the trim's top left, e.g. [10, 270, 60, 12]"))
        return None
    return IgnoreBox(page.numbers[offset - 1], box, f"{page.source.path.name} ignore[{index}]")


def to_pixels(box: tuple, trim: tuple, bleed: tuple, dpi: float) -> tuple:
    """(x0, y0, x1, y1) in the pixels of a BleedBox picture, for an mm box on the trim."""
    x, y, width, height = box
    scale = dpi / 72
    left = (trim[0] - bleed[0] + x * MM) * scale
    top = (bleed[3] - trim[3] + y * MM) * scale
    return (round(left), round(top), round(left + width * MM * scale) - 1,
            round(top + height * MM * scale) - 1)


def to_points(box: tuple, trim: tuple) -> tuple:
    """(left, bottom, right, top) in PDF points, for an mm box on the trim."""
    x, y, width, height = box
    left, top = trim[0] + x * MM, trim[3] - y * MM
    return (left, top - height * MM, left + width * MM, top)


def pixels_to_mm(box: tuple, trim: tuple, bleed: tuple, dpi: float) -> tuple:
    """x, y, width, height in mm from the trim's top left, for a pixel box (x, y, w, h)."""
    x, y, width, height = box
    per_mm = dpi / 25.4
    offset_x = (trim[0] - bleed[0]) / MM
    offset_y = (bleed[3] - trim[3]) / MM
    return (round(x / per_mm - offset_x, 1), round(y / per_mm - offset_y, 1),
            round(width / per_mm, 1), round(height / per_mm, 1))


def points_to_mm(box: tuple, trim: tuple) -> tuple:
    """x, y, width, height in mm from the trim's top left, for a PDF box (l, b, r, t)."""
    left, bottom, right, top = box
    return (round((left - trim[0]) / MM, 1), round((trim[3] - top) / MM, 1),
            round((right - left) / MM, 1), round((top - bottom) / MM, 1))
