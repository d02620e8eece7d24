"""The pictures' side of WeasyPrint: laid out by their size, converted once placed.

Before layout, `prime_pictures` gives WeasyPrint each press picture as a
`PendingPicture` (its upright size, read from the file's header: layout reads no
pixels). After layout, `place_images` measures each picture's effective resolution
at its placed size (WeasyPrint's object-fit), says at the YAML field when it is too
low, has images.py's `press_image` convert it, and puts it in the box as a
`PressImage`: WeasyPrint's raster image with its soft mask, no interpolation and its
source named (``/PamphletSource``) for preflight.
"""

import hashlib
import math
import re
from functools import lru_cache
from html import unescape
from pathlib import Path

from ..diagnostics import Diagnostic
from ..images import MASK, failure_reason, orientation, press_image
from ..options import ImageSettings

SOURCE_KEY = "PamphletSource"      # in each image XObject: the picture's path in brochure/
CSS_PX_PER_INCH = 96

# --- before layout ---------------------------------------------------------------

_PRESS_PICTURE = re.compile(r'src="([^"]*)" data-asset="([^"]*)"')


def prime_pictures(images: dict, html: str, base_url: str, brochure: Path) -> None:
    """Put each press picture of ``html`` (``data-asset``, see render.py) in WeasyPrint's
    image cache ``images`` as a `PendingPicture`, under the URL WeasyPrint resolves."""
    from weasyprint.urls import url_join

    for src, asset in _PRESS_PICTURE.findall(html):
        url = url_join(base_url, unescape(src), False, None)
        if url not in images:
            images[url] = PendingPicture(brochure / unescape(asset), unescape(asset))


class PendingPicture:
    """A picture as layout sees it before it is converted: its upright size alone."""

    def __init__(self, source: Path, asset: str):
        from PIL import Image

        try:
            with Image.open(source) as image:
                width, height = image.size
                if orientation(image) in (5, 6, 7, 8):
                    width, height = height, width
        except Exception:      # noqa: BLE001 - changed since it was checked: press_image says why
            width = height = 1
        self.source, self.asset, self.width, self.height = source, asset, width, height

    def get_intrinsic_size(self, resolution, font_size):
        return self.width / resolution, self.height / resolution, self.width / self.height

    def draw(self, stream, width, height, style):
        """Nothing: `place_images` replaces every pending picture before the part is
        drawn; only the overset inspection PDF may draw one whose conversion failed."""



# --- after layout ----------------------------------------------------------------

def place_images(document, definition, options) -> list[Diagnostic]:
    """Convert and check every pending picture of one laid-out definition.

    Returns Diagnostics: under ``min_ppi`` at its placed size an error (a warning
    with ``low_ppi: warning``), under ``good_ppi`` a warning, each at the YAML field
    that names the picture; a picture that cannot be converted, an error. Over
    ``downsample_above`` a picture is converted at ``downsample_to``. Each is then
    drawn as a `PressImage`.
    """
    settings, cache = options.images, options.build_dir / "cache" / "images"
    problems = []
    for box in _press_boxes(document):
        pending = box.replacement
        pixels = (pending.width, pending.height)
        ppi = effective_ppi(box)
        problems.extend(filter(None, [_resolution_note(ppi, pending.asset, pixels, box,
                                                       definition, settings)]))
        size = None
        if ppi > settings.downsample_above:
            scale = settings.downsample_to / ppi      # rounded up: never under downsample_to
            size = (math.ceil(pixels[0] * scale - 1e-9), math.ceil(pixels[1] * scale - 1e-9))
        try:
            printed = press_image(pending.source, options.output_profile, cache, settings, size)
        except Exception as error:       # noqa: BLE001 - Pillow's words, said once
            problems.append(_unreadable(error, pending.asset, box, definition))
            continue
        box.replacement = press_image_object(printed, pending.asset, pixels,
                                             _mask_of(printed, cache))
    return problems


def _unreadable(error: Exception, asset: str, box, definition) -> Diagnostic:
    line, field = _field_of(box)
    return Diagnostic(f"{field + ': ' if field else ''}picture '{asset}' cannot be converted "
                      f"({failure_reason(error)})", definition.source.path, line, None,
                      "export it again as PNG, JPEG or TIFF")


def _mask_of(path: Path, cache: Path) -> Path | None:
    """The soft mask saved beside a picture converted into ``cache`` (none for a source
    printed as it is: its folder is the designer's)."""
    mask = path.with_name(path.stem + MASK)
    return mask if path.parent.resolve() == cache.resolve() and mask.exists() else None


def _press_boxes(document):
    """The replaced boxes of pictures still pending (see `prime_pictures`)."""
    from weasyprint.formatting_structure.boxes import ReplacedBox

    for page in document.pages:
        for box in _descendants(page._page_box):
            box = getattr(box, "_box", box)        # an absolutely positioned box's placeholder
            if isinstance(box, ReplacedBox) and isinstance(box.replacement, PendingPicture):
                yield box


def _descendants(box):
    for child in getattr(box, "children", ()):
        yield child
        yield from _descendants(child)


def effective_ppi(box) -> float:
    """Pixels per inch of a replaced box's picture as it prints (object-fit applied)."""
    from weasyprint.layout.replaced import replacedbox_layout

    width, height, _, _ = replacedbox_layout(box)
    image = box.replacement
    if width <= 0 or height <= 0:
        return float("inf")
    return min(image.width / width, image.height / height) * CSS_PX_PER_INCH


def _resolution_note(ppi: float, asset: str, pixels: tuple, box, definition,
                     settings: ImageSettings) -> Diagnostic | None:
    if ppi >= settings.good_ppi:
        return None
    low = ppi < settings.min_ppi
    severity = settings.low_ppi if low else "warning"
    line, field = _field_of(box)
    width_mm = pixels[0] / ppi * 25.4
    where = f"{field}: " if field else ""
    message = (f"{where}picture '{asset}' prints at {math.floor(ppi)} ppi at its placed size "
               f"({pixels[0]} × {pixels[1]} px over {width_mm:.1f} mm wide), under "
               f"{settings.min_ppi if low else settings.good_ppi} ppi"
               + (": it will print visibly soft or jagged" if low else ": it may print soft"))
    hint = (f"use a larger original (at least {math.ceil(pixels[0] * settings.good_ppi / ppi)} px "
            f"wide for {settings.good_ppi} ppi here) or place it at most "
            f"{math.floor(pixels[0] / settings.good_ppi * 25.4)} mm wide"
            + (", or allow it with `images: {low_ppi: warning}` in brochure.yaml"
               if low and severity == "error" else ""))
    return Diagnostic(message, definition.source.path, line, None, hint, severity)


def _field_of(box) -> tuple[int | None, str]:
    """The YAML line and field ``at()`` put on the picture or its nearest ancestor."""
    element = box.element
    while element is not None:
        label = element.get("data-src")
        if label:
            where, _, field = label.partition(" ")
            line = where.rsplit(":", 1)[-1]
            return (int(line) if line.isdigit() else None), field
        element = element.getparent() if hasattr(element, "getparent") else None
    return None, ""


def press_image_object(path: Path, asset: str, intrinsic: tuple, mask: Path | None):
    """WeasyPrint's image of ``path`` as the press gets it (see `_press_image_class`)."""
    return _press_image_class()(path, asset, intrinsic, mask)


@lru_cache(maxsize=1)
def _press_image_class():
    """The class, made on first use: WeasyPrint is imported late (build.py)."""
    from weasyprint.images import RasterImage

    class PressImage(RasterImage):
        """A converted picture as WeasyPrint draws it, with what the press needs: its
        soft mask, no interpolation (the press's RIP resamples), and its source's path
        (``/PamphletSource``, for preflight). Its intrinsic size stays the original's,
        so a downsampled copy lays out and draws exactly where the original did.
        """

        def __init__(self, path: Path, asset: str, intrinsic: tuple, mask: Path | None):
            from PIL import Image

            with Image.open(path) as image:
                # b"" and the file name: WeasyPrint embeds the JPEG file's bytes as they are.
                super().__init__(image, hashlib.md5(str(path).encode()).hexdigest(), b"",
                                 str(path))
            self.asset, self.intrinsic, self.mask = asset, intrinsic, mask

        def get_intrinsic_size(self, resolution, font_size):
            width, height = self.intrinsic
            return width / resolution, height / resolution, width / height

        def get_x_object(self, interpolate, dpi_ratio):
            import pydyf

            x_object = super().get_x_object(False, 1)
            x_object.extra[SOURCE_KEY] = pydyf.String(self.asset)
            if self.mask is not None:
                x_object.extra["SMask"] = _soft_mask(self.mask)
            return x_object

    return PressImage


def _soft_mask(path: Path):
    """The /SMask image (DeviceGray, Flate with PNG predictors) of a mask file."""
    import pydyf
    from PIL import Image
    from weasyprint.images import RasterImage

    with Image.open(path) as alpha:
        width, height = alpha.size
        data = RasterImage._get_png_data(alpha.convert("L"))
    return pydyf.Stream([data], extra={
        "Type": "/XObject", "Subtype": "/Image", "Width": width, "Height": height,
        "ColorSpace": "/DeviceGray", "BitsPerComponent": 8, "Interpolate": "false",
        "Filter": "/FlateDecode",
        "DecodeParms": pydyf.Dictionary({"Predictor": 15, "Columns": width})})
