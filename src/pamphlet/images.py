"""Make pictures what the press prints: CMYK (greys on K alone) in the output profile,
within the ink limit, sharp enough and no larger than their placed size needs.

A picture is converted once its placed size is known (engine/pictures.py lays it out
by its size and measures where it is placed), so a 24-megapixel photograph printed
10 cm wide is decoded, converted and embedded at the size it prints: `press_image`
converts it with LittleCMS (Pillow's ImageCms) with the intent and black point
compensation of `ImageSettings` (brochure.yaml's ``images:``) — upright (EXIF
orientation), 16 bits reduced, transparency kept apart as a soft mask, downsampled
when far above need, a CMYK JPEG already in the output condition left as it is —
cached in build/cache/images by content, settings and size.
"""

import dataclasses
import hashlib
import io
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from .diagnostics import Diagnostic
from .options import ImageSettings
from .write import write_atomically

RASTER = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".gif")
INTENTS = ("perceptual", "relative-colorimetric", "saturation", "absolute-colorimetric")
MASK = ".mask.png"                 # beside a converted picture: its alpha, the soft mask


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
        return failure_reason(error)
    if mark is not None and mark.parent.parent.parent.is_dir():      # build/cache is there
        _save(mark, lambda file: file.write_bytes(b""))
    return None


def failure_reason(error: Exception) -> str:
    """Why Pillow cannot read a picture, in its words (the first line; a cut file said so)."""
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


def orientation(image) -> int:
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
            turned = orientation(image) in (5, 6, 7, 8)
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
    return image.format == "JPEG" and image.mode == "CMYK" and orientation(image) == 1 \
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
            8: Image.Transpose.ROTATE_90}.get(orientation(image))
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
