"""Decide which pixels changed, forgiving the noise of rendering the same thing twice.

A pixel has changed when it differs from the same pixel of the other picture by
more than ``tolerance`` in a channel AND, both pictures softened by a half-pixel
blur, lies outside the range of the 3 x 3 pixels around it in the other picture
(per channel, with the same tolerance), either way.  Anti-aliased edges of the
same shape drawn a fraction of a pixel apart stay inside that range, thin
strokes too once softened; ink where there was none, or a new colour over a
surface, does not.  Changed pixels are then grouped into regions, and regions
of fewer than ``min_area`` pixels are dropped as noise.
"""

from dataclasses import dataclass

REGION_GAP = 2      # blocks: changes this close belong to one region
SOFTEN = 0.5        # px: the blur under which a sub-pixel shift leaves no trace


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
    pixel boxes that do not count; ``block`` is the grid (px) regions are grouped on."""
    from PIL import Image, ImageDraw

    old, new = _same_size(old, new)
    mask = _beyond(_channel_max(_difference(old, new)), tolerance)
    draw = ImageDraw.Draw(mask)
    for box in ignore:
        draw.rectangle(box, fill=0)
    found = mask.getbbox()
    if found is None:
        return PixelDiff(Image.new("L", old.size, 0), [], 0)
    left, top, right, bottom = _grow(found, 1, old.size)
    window = (left, top, right, bottom)
    real = _outside_neighbours(old.crop(window), new.crop(window), tolerance)
    kept = Image.new("L", old.size, 0)
    kept.paste(_and(mask.crop(window), real), (left, top))
    return _regions(kept, min_area, block)


def _difference(a, b):
    from PIL import ImageChops

    return ImageChops.difference(a, b)


def _channel_max(image):
    from PIL import ImageChops

    bands = image.split()
    result = bands[0]
    for band in bands[1:]:
        result = ImageChops.lighter(result, band)
    return result


def _beyond(image, tolerance: int):
    """255 where the grey value exceeds ``tolerance``, else 0."""
    return image.point([255 if v > tolerance else 0 for v in range(256)])


def _outside_neighbours(old, new, tolerance: int):
    """255 where a softened pixel is outside the 3 x 3 range of the other softened
    picture, either way."""
    from PIL import ImageChops, ImageFilter

    old, new = old.filter(ImageFilter.GaussianBlur(SOFTEN)), new.filter(
        ImageFilter.GaussianBlur(SOFTEN))
    return ImageChops.lighter(_outside_range(old, new, tolerance),
                              _outside_range(new, old, tolerance))


def _outside_range(image, other, tolerance: int):
    from PIL import ImageChops, ImageFilter

    low, high = other.filter(ImageFilter.MinFilter(3)), other.filter(ImageFilter.MaxFilter(3))
    below, above = ImageChops.subtract(low, image), ImageChops.subtract(image, high)
    return _beyond(_channel_max(ImageChops.lighter(below, above)), tolerance)


def _and(a, b):
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


def _grow(box: tuple, by: int, size: tuple) -> tuple:
    left, top, right, bottom = box
    return (max(0, left - by), max(0, top - by), min(size[0], right + by),
            min(size[1], bottom + by))


def _regions(mask, min_area: int, block: int) -> PixelDiff:
    """Group the changed pixels into regions on a grid of ``block`` pixels;
    erase the regions with fewer than ``min_area`` pixels."""
    from PIL import ImageDraw

    grid = _grid(mask, block)
    regions, erase = [], []
    for cells in _clusters(grid):
        x0 = min(c[0] for c in cells) * block
        y0 = min(c[1] for c in cells) * block
        x1 = min(mask.width, (max(c[0] for c in cells) + 1) * block)
        y1 = min(mask.height, (max(c[1] for c in cells) + 1) * block)
        area = mask.crop((x0, y0, x1, y1))
        pixels = area.histogram()[255]
        tight = area.getbbox()
        if pixels < min_area or tight is None:
            erase += [(x * block, y * block, (x + 1) * block - 1, (y + 1) * block - 1)
                      for x, y in cells]
            continue
        regions.append((x0 + tight[0], y0 + tight[1], tight[2] - tight[0],
                        tight[3] - tight[1], pixels))
    draw = ImageDraw.Draw(mask)
    for box in erase:
        draw.rectangle(box, fill=0)
    regions.sort(key=lambda r: (r[1], r[0]))
    return PixelDiff(mask, regions, sum(r[4] for r in regions))


def _grid(mask, block: int) -> set:
    """The grid cells holding at least one changed pixel."""
    small = mask.reduce(block) if block > 1 else mask
    width = small.width
    data = small.getdata()
    return {(i % width, i // width) for i, v in enumerate(data) if v}


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
