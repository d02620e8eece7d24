"""Decide which pixels changed, forgiving the noise of drawing the same thing twice.

A pixel has changed when, in some channel and by more than ``tolerance``:

1. it differs from the same pixel of the other picture;
2. both pictures softened by a half-pixel blur, it lies outside the range of
   the 3 x 3 pixels around it in the other picture, one way or the other: an
   anti-aliased edge drawn a fraction of a pixel away stays inside that range;
   ink where there was none, or a new colour over a surface, does not;
3. the average of those 3 x 3 pixels differs too: a thin stroke drawn a
   fraction of a pixel away comes out lighter and wider, but its ink only
   moved to a neighbour.

Changed pixels are grouped into regions; regions of fewer than ``min_area``
pixels are noise.  Known limit: a hairline thinner than a pixel, drawn at
another sub-pixel position, may come out a pixel wide at another strength
(pdfium's thin-line rule) and show as a one-pixel-high region.
"""

import math
from dataclasses import dataclass

REGION_GAP = 2      # blocks: changes this close belong to one region
SOFTEN = 0.5        # px: the Gaussian blur under which a sub-pixel shift leaves no trace


@dataclass
class PixelDiff:
    mask: object            # PIL "L" image: 255 where a counted change is
    regions: list           # (x, y, width, height, pixels), px
    changed: int            # pixels in the regions

    @property
    def fraction(self) -> float:
        width, height = self.mask.size
        return self.changed / (width * height)


def compare_pixels(old, new, *, tolerance: int, min_area: int, ignore: list = (),
                   block: int = 8) -> PixelDiff:
    """Compare two RGB pictures of the same page; ``ignore`` lists (x0, y0, x1, y1)
    pixel boxes (inclusive) that do not count; ``block`` is the grid (px) regions
    are grouped on."""
    from PIL import Image, ImageDraw

    old, new = _same_size(old, new)
    mask = _beyond(_channel_max(_difference(old, new)), tolerance)
    draw = ImageDraw.Draw(mask)
    for box in ignore:
        draw.rectangle(box, fill=0)
    found = mask.getbbox()
    if found is not None:
        left, top, right, bottom = found
        window = (max(0, left - 2), max(0, top - 2), min(old.width, right + 2),
                  min(old.height, bottom + 2))
        soft_old, soft_new = _soften(old.crop(window)), _soften(new.crop(window))
        real = _darker(_lighter(_outside_range(soft_old, soft_new, tolerance),
                                _outside_range(soft_new, soft_old, tolerance)),
                       _ink_moved(soft_old, soft_new, tolerance))
        kept = Image.new("L", old.size, 0)
        kept.paste(_darker(mask.crop(window), real), window[:2])
        mask = kept
    return _regions(mask, min_area, block)


def _difference(a, b):
    from PIL import ImageChops

    return ImageChops.difference(a, b)


def _channel_max(image):
    """The largest of the channels, as one grey picture."""
    red, green, blue = image.split()
    return _lighter(_lighter(red, green), blue)


def _beyond(image, tolerance: int):
    """255 where the grey value exceeds ``tolerance``, else 0."""
    return image.point([255 if v > tolerance else 0 for v in range(256)])


def _soften(image):
    """A Gaussian blur of SOFTEN px as a 3 x 3 kernel (fast, and exact enough)."""
    from PIL import ImageFilter

    side = math.exp(-1 / (2 * SOFTEN ** 2))
    taps = [side, 1, side]
    weights = [a * b for a in taps for b in taps]
    return image.filter(ImageFilter.Kernel((3, 3), weights, scale=sum(weights)))


def _outside_range(image, other, tolerance: int):
    """255 where a pixel of ``image`` is outside the range of the 3 x 3 pixels around
    it in ``other``, in any channel, by more than ``tolerance``."""
    from PIL import ImageChops, ImageFilter

    low, high = other.filter(ImageFilter.MinFilter(3)), other.filter(ImageFilter.MaxFilter(3))
    below, above = ImageChops.subtract(low, image), ImageChops.subtract(image, high)
    return _beyond(_channel_max(_lighter(below, above)), tolerance)


def _ink_moved(old, new, tolerance: int):
    """255 where the 3 x 3 averages of the two pictures differ by more than ``tolerance``."""
    from PIL import ImageFilter

    mean = ImageFilter.BoxBlur(1)
    return _beyond(_channel_max(_difference(old.filter(mean), new.filter(mean))), tolerance)


def _lighter(a, b):
    from PIL import ImageChops

    return ImageChops.lighter(a, b)


def _darker(a, b):
    from PIL import ImageChops

    return ImageChops.darker(a, b)


def _same_size(old, new):
    """Pad the smaller picture with white so both have the larger size."""
    from PIL import Image

    if old.size == new.size:
        return old, new
    size = (max(old.width, new.width), max(old.height, new.height))
    padded = []
    for image in (old, new):
        canvas = Image.new("RGB", size, "white")
        canvas.paste(image, (0, 0))
        padded.append(canvas)
    return padded[0], padded[1]


def _regions(mask, min_area: int, block: int) -> PixelDiff:
    """Group the changed pixels into regions on a grid of ``block`` pixels;
    erase the regions with fewer than ``min_area`` pixels."""
    from PIL import Image, ImageDraw

    regions, erase = [], []
    for cells in _clusters(_grid(mask, block)):
        left = min(x for x, _ in cells) * block
        top = min(y for _, y in cells) * block
        area = Image.new("L", ((max(x for x, _ in cells) + 1) * block - left,
                               (max(y for _, y in cells) + 1) * block - top), 0)
        for x, y in cells:      # only this region's cells: another may share the box
            cell = (x * block, y * block, (x + 1) * block, (y + 1) * block)
            area.paste(mask.crop(cell), (cell[0] - left, cell[1] - top))
        tight = area.getbbox()
        pixels = area.histogram()[255]
        if pixels < min_area or tight is None:
            erase += cells
            continue
        regions.append((left + tight[0], top + tight[1], tight[2] - tight[0],
                        tight[3] - tight[1], pixels))
    draw = ImageDraw.Draw(mask)
    for x, y in erase:
        draw.rectangle((x * block, y * block, (x + 1) * block - 1, (y + 1) * block - 1), fill=0)
    regions.sort(key=lambda r: (r[1], r[0]))
    return PixelDiff(mask, regions, sum(r[4] for r in regions))


def _grid(mask, block: int) -> set:
    """The (column, row) grid cells holding at least one changed pixel."""
    found = mask.getbbox()
    if found is None:
        return set()
    left, top = found[0] // block, found[1] // block
    small = mask.crop((left * block, top * block, found[2], found[3])).reduce(block)
    width = small.width
    return {(left + i % width, top + i // width) for i, v in enumerate(small.tobytes()) if v}


def _clusters(cells: set) -> list[list]:
    """Cells within REGION_GAP of each other, as connected groups."""
    left, clusters = set(cells), []
    reach = range(-REGION_GAP, REGION_GAP + 1)
    while left:
        seed = left.pop()
        group, todo = [seed], [seed]
        while todo:
            x, y = todo.pop()
            for dx in reach:
                for dy in reach:
                    neighbour = (x + dx, y + dy)
                    if neighbour in left:
                        left.remove(neighbour)
                        group.append(neighbour)
                        todo.append(neighbour)
        clusters.append(group)
    return clusters
