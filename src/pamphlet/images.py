"""Make pictures what the press prints: CMYK (greys on K alone) in the output profile,
within the ink limit, sharp enough and no larger than their placed size needs.

A picture is converted once its placed size is known, so a 24-megapixel photograph
printed 10 cm wide is decoded, converted and embedded at the size it prints:

- before layout, `prime_pictures` gives WeasyPrint each picture as a `PendingPicture`
  (its size, read from the file's header): layout reads no pixels;
- after layout, `place_images` measures each picture's effective resolution at its
  placed size, says at the YAML field when it is too low, and has `press_image`
  convert it with LittleCMS (Pillow's ImageCms) with the intent and black point
  compensation of `ImageSettings` (brochure.yaml's ``images:``) — upright (EXIF
  orientation), 16 bits reduced, transparency kept apart as a soft mask, downsampled
  when far above need, a CMYK JPEG already in the output condition left as it is —
  cached in build/cache/images by content, settings and size; each is then drawn as
  a `PressImage`: its soft mask attached and its source named in the image XObject
  (``/PamphletSource``) for preflight.
"""

import dataclasses
import hashlib
import io
import math
import re
from contextlib import contextmanager
from functools import lru_cache
from html import unescape
from pathlib import Path

from .diagnostics import Diagnostic
from .options import ImageSettings
from .write import write_atomically

RASTER = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".gif")
INTENTS = ("perceptual", "relative-colorimetric", "saturation", "absolute-colorimetric")
SOURCE_KEY = "PamphletSource"      # in each image XObject: the picture's path in brochure/
MASK = ".mask.png"                 # beside a converted picture: its alpha, the soft mask
CSS_PX_PER_INCH = 96


def is_raster(path: Path) -> bool:
    return path.suffix.lower() in RASTER


# Reading

def picture_problem(path: Path, checked: Path | None = None) -> str | None:
    """Why a raster file cannot be printed as it is meant (unreadable, truncated), or None.

    Every byte is decoded (a JPEG at an eighth of its size, which still reads all
    its data): a file cut short would otherwise print with a grey block. A file
    found readable is remembered in ``checked`` by its content (once a build made
    the cache): a warm build reads no photograph again.
    """
    from PIL import Image

    from .fonts import file_sha256         # memoized, and shared with the parts' keys

    mark = checked / file_sha256(path) if checked is not None else None
    if mark is not None and mark.exists():
        return None
    try:
        with _strict(), Image.open(path) as image:
            if image.format == "JPEG":
                image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except Exception as error:        # noqa: BLE001 - whatever the reader says, said once
        return _reason(error)
    if mark is not None and mark.parent.parent.parent.is_dir():      # build/cache is there
        _save(mark, lambda file: file.write_bytes(b""))
    return None


def _reason(error: Exception) -> str:
    text = str(error).split("\n")[0] or type(error).__name__
    truncated = text.lower().startswith(("image file is truncated", "truncated file read"))
    return "the file ends early: it is truncated" if truncated else text


@contextmanager
def _strict():
    """Pillow refusing truncated files while we read (WeasyPrint allows them globally)."""
    from PIL import ImageFile

    allowed = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = allowed


WORDS = {"intent": INTENTS, "low_ppi": ("error", "warning")}
NUMBERS = {     # brochure.yaml's images: key -> (lowest, highest, hint)
    "total_ink": (100, 400, "300 % for coated paper, 260 % uncoated, 240 % newsprint"),
    "min_ppi": (50, 2400, "200 is the default"),
    "good_ppi": (50, 2400, "300 is the default (PRINT.md: 300-350 ppi for photographs)"),
    "downsample_above": (50, 4800, "450 is the default"),
    "downsample_to": (50, 2400, "300 is the default"),
    "jpeg_quality": (50, 100, "92 is the default"),
}


def settings_problems(source) -> list[Diagnostic]:
    """brochure.yaml's ``images:`` values that cannot work, each at its line."""
    from .diagnostics import suggest as _suggest

    given = source.data.get("images") if isinstance(source.data, dict) else None
    if not isinstance(given, dict):
        return []

    def at(key, message, hint):
        return source.diagnostic(("images", key), f"images.{key}: {message}", hint)

    problems = [at(key, f"'{given[key]}' is not one of: {', '.join(allowed)}",
                   _suggest(str(given[key]), allowed) or f"write e.g. `{key}: {allowed[0]}`")
                for key, allowed in WORDS.items() if key in given and given[key] not in allowed]
    problems += [at(key, f"{given[key]} is outside {low}-{high}", hint)
                 for key, (low, high, hint) in NUMBERS.items()
                 if isinstance(given.get(key), int) and not low <= given[key] <= high]
    settings = ImageSettings(**{k: v for k, v in given.items()
                                if k in {f.name for f in dataclasses.fields(ImageSettings)}})
    order = ("min_ppi", "good_ppi", "downsample_to", "downsample_above")
    if not problems and [getattr(settings, key) for key in order] != \
            sorted(getattr(settings, key) for key in order):
        problems.append(at(next((key for key in order if key in given), "downsample_to"),
                           "needs min_ppi <= good_ppi <= downsample_to <= "
                           f"downsample_above (here {settings.min_ppi}, {settings.good_ppi}, "
                           f"{settings.downsample_to}, {settings.downsample_above})",
                           "e.g. 200, 300, 300, 450 (the defaults)"))
    return problems


# Before layout

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
                if _orientation(image) in (5, 6, 7, 8):
                    width, height = height, width
        except Exception:      # noqa: BLE001 - changed since it was checked: press_image says why
            width = height = 1
        self.source, self.asset, self.width, self.height = source, asset, width, height

    def get_intrinsic_size(self, resolution, font_size):
        return self.width / resolution, self.height / resolution, self.width / self.height

    def draw(self, stream, width, height, style):
        """Nothing: `place_images` replaces every pending picture before the part is
        drawn; only the overset inspection PDF may draw one whose conversion failed."""


def _orientation(image) -> int:
    """The EXIF orientation (1: upright) as the file's header gives it, pixels unread."""
    from PIL import Image

    exif = image.getexif() if image.format == "TIFF" else Image.Exif()
    if "exif" in image.info:
        exif.load(image.info["exif"])
    return exif.get(0x0112, 1)


# Converting (after layout, at the placed size)

def press_image(source: Path, profile: Path, cache: Path,
                settings: ImageSettings = ImageSettings(), size: tuple | None = None) -> Path:
    """The picture to print for ``source``, upright, at ``size`` pixels (None: its own):
    a JPEG in the output profile's CMYK (DeviceGray for a grey picture), with its alpha
    beside it as ``KEY.mask.png`` — or ``source`` itself when it is a CMYK JPEG already
    in the output condition, upright, printed at its own size.

    Cached by the picture's bytes, the profile's, the settings, the size and this
    module's code. Raises what Pillow raises for a file it cannot read.
    """
    from PIL import Image

    target = cache / f"{_key(source.read_bytes(), profile, settings, size)}.jpg"
    if target.exists():
        return target
    with _strict(), Image.open(source) as image:
        if size is None and _untouched(image, profile):
            return source
        if size is not None and image.format == "JPEG":     # decoded at 1/2, 1/4 or 1/8
            turned = _orientation(image) in (5, 6, 7, 8)
            image.draft(image.mode, size[::-1] if turned else size)
        colour, alpha = _separate(image)
        colour.load()                       # while the file is open (it may be the same image)
        embedded = image.info.get("icc_profile")
    if size is not None and colour.size != size:
        colour = colour.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        alpha = alpha.resize(size, Image.Resampling.LANCZOS) if alpha is not None else None
    printed = _to_press(colour, embedded, profile, settings)
    if alpha is not None:
        _save(target.with_name(target.stem + MASK), lambda file: alpha.save(file, "PNG"))
    _save_within_ink(printed, target, settings)         # last: its existence says all is there
    return target


def _key(data: bytes, profile: Path | None, settings: ImageSettings, *more) -> str:
    """The cache name of a picture made from ``data``: its bytes, the profile, the
    settings a conversion depends on and this module's code."""
    digest = hashlib.sha256(data)
    digest.update(_file_digest(profile) if profile is not None else b"")
    digest.update(repr((settings.intent, settings.black_point_compensation,
                        settings.total_ink, settings.jpeg_quality, *more)).encode())
    digest.update(_file_digest(Path(__file__)))
    return digest.hexdigest()[:24]


@lru_cache(maxsize=16)
def _file_digest(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def _untouched(image, profile: Path) -> bool:
    """A CMYK JPEG in the output condition (its profile the output profile, or none: an
    untagged CMYK file is taken to be made for the press) and upright: printed as it is."""
    embedded = image.info.get("icc_profile")
    return image.format == "JPEG" and image.mode == "CMYK" and _orientation(image) == 1 \
        and (not embedded or _same_profile(embedded, profile.read_bytes()))


def _same_profile(one: bytes, other: bytes) -> bool:
    """The same bytes, or the same (non-zero) profile ID of the ICC header."""
    return one == other or (len(one) > 100 and one[84:100] == other[84:100]
                            and one[84:100] != bytes(16))


def _upright(image):
    """The pixels as the EXIF orientation says they are seen."""
    from PIL import Image

    turn = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
            4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
            6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_90}.get(_orientation(image))
    if turn is None:
        return image
    info = image.info
    image = image.transpose(turn)
    image.info = dict(info)        # the profile and tRNS stay with the pixels
    return image


def _separate(image):
    """(the colour upright in L, RGB, CMYK or LAB; its alpha or None)."""
    image = _upright(image)
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16 bits: 0..65535 onto 0..255 (Pillow's convert("L") would clip at 255: white).
        image = image.convert("I").point(lambda value: value / 257 + 0.5).convert("L")
    elif mode in ("1", "F"):
        image = image.convert("L")
    elif mode in ("P", "PA"):
        image = image.convert("RGBA" if "transparency" in image.info or mode == "PA" else "RGB")
    elif mode in ("RGB", "L") and "transparency" in image.info:   # a tRNS colour key
        image = image.convert(mode + "A")
    elif mode in ("La", "RGBa", "RGBX", "YCbCr", "LA", "RGBA"):
        image = image.convert({"La": "LA", "RGBa": "RGBA", "RGBX": "RGB",
                               "YCbCr": "RGB"}.get(mode, mode))
    alpha = None
    if image.mode in ("LA", "RGBA"):
        alpha = image.getchannel("A")
        image = image.convert(image.mode[:-1])
        if alpha.getextrema() == (255, 255):
            alpha = None
        else:
            image = _fill_under_transparency(image, alpha)
    if image.mode == "RGB" and _neutral(image):
        image = image.convert("L")
    return image, alpha


def _neutral(image) -> bool:
    """Every pixel grey (R = G = B): a black-and-white photo saved as RGB."""
    from PIL import ImageChops

    red, green, blue = image.split()
    return ImageChops.difference(red, green).getbbox() is None and \
        ImageChops.difference(green, blue).getbbox() is None


def _fill_under_transparency(image, alpha):
    """The colour under transparent pixels: spread from the visible ones nearby, and
    their average further away.

    Exporters often leave black there; compressed as JPEG it would bleed into the
    soft edge as a dark fringe. Where alpha is 0 the colour never shows.
    """
    from PIL import Image, ImageFilter, ImageMath, ImageStat

    if alpha.getbbox() is None:             # nothing visible at all
        return image
    blur = ImageFilter.GaussianBlur(max(4, min(image.size) // 32))
    spread_alpha = alpha.filter(blur)
    bands = []
    for band in image.split():
        weighted = ImageMath.lambda_eval(
            lambda a: a["convert"](a["c"] * a["w"] / 255, "L"), c=band, w=alpha).filter(blur)
        bands.append(ImageMath.lambda_eval(
            lambda a: a["convert"](a["min"](a["p"] * 255 / a["max"](a["s"], 1), 255), "L"),
            p=weighted, s=spread_alpha))
    average = tuple(round(v) for v in ImageStat.Stat(image, alpha).mean)
    filled = Image.composite(Image.merge(image.mode, bands), Image.new(image.mode, image.size,
                             average), spread_alpha.point(lambda v: min(255, v * 4)))
    return Image.composite(image, filled, alpha.point(lambda v: 255 if v else 0))


def _to_press(image, embedded: bytes | None, profile: Path, settings: ImageSettings):
    """CMYK in the output profile, or for a grey picture DeviceGray on K alone."""
    if image.mode == "L":
        return image.point(_grey_to_k(embedded, str(profile),
                                      settings.black_point_compensation))
    if image.mode == "CMYK" and (not embedded or _same_profile(embedded, profile.read_bytes())):
        return image
    return _transform(embedded, image.mode, str(profile), settings.intent,
                      settings.black_point_compensation).apply(image)


@lru_cache(maxsize=16)
def _transform(embedded: bytes | None, mode: str, profile: str, intent: str, bpc: bool):
    from PIL import ImageCms

    return ImageCms.buildTransform(
        _source_profile(embedded, mode), _output_profile(profile), mode, "CMYK",
        renderingIntent=_intent(intent),
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION if bpc else ImageCms.Flags.NONE)


def _output_profile(path: str):
    """The output profile read into memory: opened by its path, LittleCMS keeps reading
    the file as it needs tags, and processes forked with it open share the file's
    offset ("Could not determine profile size", seen with four processes at once)."""
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(io.BytesIO(Path(path).read_bytes()))


def _source_profile(embedded: bytes | None, mode: str):
    """The picture's own profile, else sRGB for RGB and grey, Lab (D50) for Lab."""
    from PIL import ImageCms

    if embedded:
        return ImageCms.ImageCmsProfile(io.BytesIO(embedded))
    return ImageCms.createProfile("LAB" if mode == "LAB" else "sRGB")


def _intent(name: str):
    from PIL import ImageCms

    return getattr(ImageCms.Intent, name.upper().replace("-", "_"))


@lru_cache(maxsize=16)
def _grey_to_k(embedded: bytes | None, profile: str, bpc: bool) -> tuple:
    """The DeviceGray value (255 - K) printing each grey level at its lightness on K alone.

    A grey picture stays one channel: converted like a colour picture it would print
    in four inks (a rich grey that shifts colour on press). Each level's lightness
    comes from its profile (sRGB's tone curve without one) and is matched, in
    luminance, on the output profile's K ramp; with black point compensation the
    picture's black becomes K100's, else lightness below K100's is clipped there.
    A one-ink ramp has no gamut to map: the intent setting does not apply to it.
    """
    from PIL import Image, ImageCms

    lab = ImageCms.createProfile("LAB")
    relative = ImageCms.Intent.RELATIVE_COLORIMETRIC
    if embedded and ImageCms.ImageCmsProfile(io.BytesIO(embedded)).profile.xcolor_space.strip() \
            == "GRAY":
        levels = Image.new("L", (256, 1))
        levels.putdata(list(range(256)))
        source = ImageCms.buildTransform(_source_profile(embedded, "L"), lab, "L", "LAB",
                                         relative).apply(levels)
    else:
        levels = Image.new("RGB", (256, 1))
        levels.putdata([(v, v, v) for v in range(256)])
        source = ImageCms.buildTransform(_source_profile(embedded, "RGB"), lab, "RGB", "LAB",
                                         relative).apply(levels)
    ramp = Image.new("CMYK", (256, 1))
    ramp.putdata([(0, 0, 0, k) for k in range(256)])
    printed = ImageCms.buildTransform(_output_profile(profile), lab, "CMYK", "LAB",
                                      relative).apply(ramp)
    wanted = [_luminance(source.getpixel((v, 0))[0]) for v in range(256)]
    ink = [_luminance(printed.getpixel((k, 0))[0]) for k in range(256)]
    if bpc:
        low, high = wanted[0], wanted[255]
        wanted = [ink[255] + (y - low) * (ink[0] - ink[255]) / max(high - low, 1e-6)
                  for y in wanted]
    return tuple(255 - _k_for(y, ink) for y in wanted)


def _luminance(lightness: int) -> float:
    """Y (0..1) of Pillow's L* (0..255)."""
    value = lightness * 100 / 255
    return ((value + 16) / 116) ** 3 if value > 8 else value / 903.3


def _k_for(luminance: float, ink: list) -> int:
    """The K (0..255) whose print has ``luminance`` (the ramp falls as K rises)."""
    for k in range(1, 256):
        if ink[k] <= luminance:
            span = ink[k - 1] - ink[k]
            return k if span <= 0 else round(k - (luminance - ink[k]) / span)
    return 255


def _save_within_ink(image, target: Path, settings: ImageSettings) -> None:
    """Save as JPEG with every pixel's C+M+Y+K within the ink limit, as decoded.

    JPEG's rounding lifts a shadow at the limit over it (by up to 5 % in fine, dark
    detail): the limit is then applied lower by what it went over, and saved again.
    """
    from PIL import Image

    limit = settings.total_ink * 255 / 100
    aim = limit
    for _ in range(8):
        data = _jpeg(_limit_ink(image, aim) if image.mode == "CMYK" else image,
                     settings.jpeg_quality)
        over = total_ink(Image.open(io.BytesIO(data))) - limit if image.mode == "CMYK" else 0
        if over <= 0:
            break
        aim -= max(over, 2)
    _save(target, lambda file: file.write_bytes(data))


def _jpeg(image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, subsampling=0)
    return buffer.getvalue()


def total_ink(image) -> int:
    """The highest C+M+Y+K of a CMYK picture, 0..1020 (1020 = 400 %)."""
    from PIL import ImageMath

    cyan, magenta, yellow, black = image.split()
    total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"],
                                  c=cyan, m=magenta, y=yellow, k=black)
    return total.getextrema()[1]


def _limit_ink(image, limit: float):
    """CMYK with C, M and Y scaled down where C+M+Y+K is over ``limit`` (K kept)."""
    from PIL import Image, ImageMath

    if total_ink(image) <= limit:
        return image
    cyan, magenta, yellow, black = image.split()
    scale = ImageMath.lambda_eval(
        lambda a: a["min"]((limit - a["k"]) / a["max"](a["float"](a["c"] + a["m"] + a["y"]),
                                                       1.0), 1.0),
        c=cyan, m=magenta, y=yellow, k=black)
    scaled = [ImageMath.lambda_eval(lambda a: a["convert"](a["v"] * a["s"], "L"), v=band, s=scale)
              for band in (cyan, magenta, yellow)]
    return Image.merge("CMYK", (*scaled, black))


def _save(target: Path, write) -> None:
    # Parts made side by side may convert the same picture at the same time:
    # each writes its own temporary file; the last rename wins, with the same bytes.
    write_atomically(target, write)


# Placing (after layout)

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
                      f"({_reason(error)})", definition.source.path, line, None,
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
