"""Convert raster images to the press's CMYK with LittleCMS, once, into a cache."""

import hashlib
from pathlib import Path

from .write import write_atomically

RASTER = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp")


def is_raster(path: Path) -> bool:
    return path.suffix.lower() in RASTER


def press_image(source: Path, profile: Path, cache: Path) -> Path:
    """A CMYK JPEG of ``source`` in the output profile's colours (cached by content).

    RGB and greyscale pictures go through ImageCms (relative colorimetric, black
    point compensation); CMYK ones are kept as they are.
    """
    from PIL import Image, ImageCms

    key = hashlib.sha256(source.read_bytes() + profile.read_bytes()).hexdigest()[:24]
    target = cache / f"{key}.jpg"
    if target.exists():
        return target
    with Image.open(source) as image:
        dpi = image.info.get("dpi")
        if image.mode != "CMYK":
            embedded = image.info.get("icc_profile")
            rgb = image.convert("RGB")
            source_profile = (ImageCms.ImageCmsProfile(__import__("io").BytesIO(embedded))
                              if embedded else ImageCms.createProfile("sRGB"))
            image = ImageCms.profileToProfile(
                rgb, source_profile, str(profile), outputMode="CMYK",
                renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
        # Parts made side by side may convert the same picture at the same time:
        # each writes its own temporary file; the last rename wins, with the same bytes.
        write_atomically(target, lambda temporary: image.save(
            temporary, "JPEG", quality=92, subsampling=0, **({"dpi": dpi} if dpi else {})))
    return target
