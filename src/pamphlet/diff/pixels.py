"""Decide which pixels changed, forgiving the noise of drawing the same thing twice.

A pixel has changed when

1. it differs from the same pixel of the other picture by more than
   ``tolerance`` in a channel, and
2. both pictures softened by a half-pixel blur, it lies outside the range of
   the 3 x 3 pixels around it in the other picture (per channel, with the same
   tolerance): an anti-aliased edge drawn a fraction of a pixel away stays in
   that range, ink where there was none does not; and
3. it is not a shade of the ink within one pixel in the other picture: a
   hairline or a thin stroke drawn at another sub-pixel position comes out
   lighter or darker, but in the same colour over the same ground.  A new
   colour, or ink where the other picture is flat, is a change.

Checked both ways (old against new, new against old).  Changed pixels are
grouped into regions; regions of fewer than ``min_area`` pixels are noise.
The price of 3: a thin stroke that only turns lighter or darker in the same
hue is not seen (a thicker one is).
"""

from dataclasses import dataclass

REGION_GAP = 2      # blocks: changes this close belong to one region
SOFTEN = 0.5        # px: the blur under which a sub-pixel shift of an edge leaves no trace
SHADE = 0.97        # cosine above which two colours are one ink at two strengths
STRUCTURE = 6       # luma levels: a neighbourhood flatter than this has no ink to shade
LUMA = (0.299, 0.587, 0.114)


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
    import numpy as np

    old, new = _same_size(old, new)
    raw = _differing(old, new, tolerance)
    for x0, y0, x1, y1 in ignore:
        raw[max(0, y0):max(0, y1 + 1), max(0, x0):max(0, x1 + 1)] = False
    changed = np.zeros(raw.shape, dtype=bool)
    if raw.any():
        ys, xs = np.nonzero(raw)
        top, left = max(0, ys.min() - 2), max(0, xs.min() - 2)
        box = (left, top, xs.max() + 3, ys.max() + 3)
        soft_a, soft_b = _soften(old.crop(box)), _soften(new.crop(box))
        ys, xs = ys - top, xs - left
        real = _unexplained(soft_a, soft_b, ys, xs, tolerance) \
            | _unexplained(soft_b, soft_a, ys, xs, tolerance)
        changed[ys[real] + top, xs[real] + left] = True
    return _regions(changed, min_area, block)


def _differing(old, new, tolerance: int):
    """True where a channel differs by more than ``tolerance``."""
    import numpy as np
    from PIL import ImageChops

    red, green, blue = ImageChops.difference(old, new).split()
    most = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    return np.asarray(most) > tolerance


def _soften(image):
    """A Gaussian blur of SOFTEN px (3 taps each way), edges padded by one pixel."""
    import math

    import numpy as np

    side = math.exp(-1 / (2 * SOFTEN ** 2))
    weights = np.asarray([side, 1, side], dtype=np.float32) / (1 + 2 * side)
    pixels = np.pad(np.asarray(image, dtype=np.float32), ((2, 2), (2, 2), (0, 0)), mode="edge")
    pixels = weights[0] * (pixels[:-2] + pixels[2:]) + weights[1] * pixels[1:-1]
    return weights[0] * (pixels[:, :-2] + pixels[:, 2:]) + weights[1] * pixels[:, 1:-1]


def _unexplained(image, other, ys, xs, tolerance: int):
    """For the pixels (ys, xs) of ``image`` (both pictures padded by one pixel):
    True where nothing within one pixel in ``other`` explains them, neither its
    range nor a shade of its ink."""
    import numpy as np

    around = _neighbours(other, ys, xs)                 # (9, n, 3)
    value = image[ys + 1, xs + 1]                       # (n, 3)
    outside = ((value < around.min(axis=0) - tolerance)
               | (value > around.max(axis=0) + tolerance)).any(axis=1)
    suspects = np.nonzero(outside)[0]
    outside[suspects] = ~_shade(value[suspects], around[:, suspects])
    return outside


def _neighbours(padded, ys, xs):
    """The 3 x 3 pixels around each (ys, xs) of a picture padded by one pixel."""
    import numpy as np

    width = padded.shape[1]
    flat = padded.reshape(-1, padded.shape[2])
    centres = (ys + 1) * width + (xs + 1)
    offsets = np.asarray([dy * width + dx for dy in (-1, 0, 1) for dx in (-1, 0, 1)])
    return flat[centres[None, :] + offsets[:, None]]


def _shade(value, around):
    """True where ``value`` is the ink next to it at another strength: on the line
    through the lightest and the darkest neighbour, beyond one of them (dark ink
    on a light ground, or light on dark)."""
    import numpy as np

    luma = around @ np.asarray(LUMA, dtype=np.float32)             # (9, n)
    columns = np.arange(value.shape[0])
    light = around[luma.argmax(axis=0), columns]
    dark = around[luma.argmin(axis=0), columns]
    structure = (luma.max(axis=0) - luma.min(axis=0)) > STRUCTURE
    return structure & ((_cosine(value - light, dark - light) > SHADE)
                        | (_cosine(value - dark, light - dark) > SHADE))


def _cosine(a, b):
    import numpy as np

    lengths = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return (a * b).sum(axis=1) / np.maximum(lengths, 1e-6)


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


def _regions(changed, min_area: int, block: int) -> PixelDiff:
    """Group the changed pixels into regions on a grid of ``block`` pixels;
    erase the regions with fewer than ``min_area`` pixels."""
    import numpy as np
    from PIL import Image

    regions = []
    for cells in _clusters(_grid(changed, block)):
        x0 = min(c[0] for c in cells) * block
        y0 = min(c[1] for c in cells) * block
        x1 = (max(c[0] for c in cells) + 1) * block
        y1 = (max(c[1] for c in cells) + 1) * block
        inside = np.zeros_like(changed[y0:y1, x0:x1])
        for x, y in cells:
            inside[(y * block - y0):(y + 1) * block - y0, (x * block - x0):(x + 1) * block - x0] \
                = changed[y * block:(y + 1) * block, x * block:(x + 1) * block]
        pixels = int(inside.sum())
        if pixels < min_area:
            for x, y in cells:
                changed[y * block:(y + 1) * block, x * block:(x + 1) * block] = False
            continue
        rows, cols = np.nonzero(inside)
        regions.append((int(x0 + cols.min()), int(y0 + rows.min()),
                        int(cols.max() - cols.min() + 1), int(rows.max() - rows.min() + 1),
                        pixels))
    regions.sort(key=lambda r: (r[1], r[0]))
    mask = Image.fromarray(changed.astype(np.uint8) * 255, "L")
    return PixelDiff(mask, regions, sum(r[4] for r in regions))


def _grid(changed, block: int) -> set:
    """The (column, row) grid cells holding at least one changed pixel."""
    import numpy as np

    ys, xs = np.nonzero(changed)
    return set(zip((xs // block).tolist(), (ys // block).tolist()))


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
