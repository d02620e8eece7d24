"""Make the photo fixture's pictures from scikit-image's sample photographs.

Not run by the tests: the pictures are committed. To make them again:

    pip download --no-deps scikit-image -d /tmp/skimage   # a wheel; nothing installed
    cd /tmp/skimage && unzip -q scikit_image-*.whl 'skimage/data/*'
    python tests/resources/photos/make_assets.py /tmp/skimage/skimage/data

Each file is one case the press conversion must get right (see assets/LICENSE.md
for where each photograph comes from and its licence).
"""

import io
import sys
from pathlib import Path

from PIL import Image, ImageCms, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "assets"
ROOT = HERE.parents[2]
OUTPUT_PROFILE = ROOT / "color" / "FOGRA39L-pamphlet.icc"
# Zlib-licensed (Debian's icc-profiles-free): a matrix/TRC profile with Adobe RGB's primaries.
ADOBE_RGB_LIKE = Path("/usr/share/color/icc/compatibleWithAdobeRGB1998.icc")


def main(data: Path) -> None:
    coffee = Image.open(data / "coffee.png").convert("RGB")            # 600 x 400
    chelsea = Image.open(data / "chelsea.png").convert("RGB")          # 451 x 300
    rocket = Image.open(data / "rocket.jpg").convert("RGB")            # 640 x 427
    camera = Image.open(data / "camera.png").convert("L")              # 512 x 512
    astronaut = Image.open(data / "astronaut.png").convert("RGB")      # 512 x 512
    hubble = Image.open(data / "hubble_deep_field.jpg").convert("RGB")  # 1000 x 872

    # RGB with an embedded profile (Adobe-RGB-like primaries: its colours must be honoured).
    coffee.save(ASSETS / "coffee-adobergb.jpg", quality=90,
                icc_profile=ADOBE_RGB_LIKE.read_bytes())
    # RGB without a profile (sRGB assumed).
    chelsea.save(ASSETS / "chelsea-untagged.jpg", quality=90)
    # A GIF (palette, no profile).
    coffee.resize((300, 200), Image.LANCZOS).quantize(128).save(ASSETS / "coffee.gif")
    # CMYK already in the output condition, its profile embedded: passes untouched.
    to_cmyk = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), str(OUTPUT_PROFILE),
                                      "RGB", "CMYK", ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                      flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
    to_cmyk.apply(rocket).save(ASSETS / "rocket-fogra39.jpg", quality=90,
                               icc_profile=OUTPUT_PROFILE.read_bytes())
    # Greyscale JPEG.
    camera.save(ASSETS / "camera-grey.jpg", quality=90)
    # 16-bit greyscale PNG (Pillow reads it as I;16: a plain convert("L") clips it white).
    grey = astronaut.convert("L").resize((400, 400), Image.LANCZOS)
    deep = Image.new("I", grey.size)
    deep.putdata([v * 257 for v in grey.get_flattened_data()])
    deep.convert("I;16").save(ASSETS / "astronaut-grey16.png")
    # RGBA: a round cut-out with a soft edge, the colour under it black (as exporters leave it).
    alpha = Image.new("L", astronaut.size, 0)
    ImageDraw.Draw(alpha).ellipse((56, 20, 456, 420), fill=255)
    alpha = alpha.filter(ImageFilter.GaussianBlur(6))
    cutout = Image.composite(astronaut, Image.new("RGB", astronaut.size, (0, 0, 0)), alpha)
    cutout.putalpha(alpha)
    cutout.save(ASSETS / "astronaut-cutout.png", optimize=True)
    # Palette PNG with tRNS: one palette entry transparent (a diamond cut out of the corner).
    small = coffee.resize((400, 267), Image.LANCZOS).quantize(255)
    palette = small.getpalette()[:255 * 3] + [0, 0, 0]
    small.putpalette(palette)
    ImageDraw.Draw(small).polygon([(0, 0), (180, 0), (0, 160)], fill=255)
    small.save(ASSETS / "coffee-palette.png", transparency=255, optimize=True)
    # EXIF orientation 6: the pixels stored turned a quarter left; upright, a portrait.
    upright = rocket.crop((178, 0, 462, 427))                                 # 284 x 427
    exif = Image.Exif()
    exif[0x0112] = 6
    upright.transpose(Image.Transpose.ROTATE_90).save(ASSETS / "rocket-exif6.jpg",
                                                      quality=90, exif=exif.tobytes())
    # Large for its place: downsampled by the build.
    hubble.save(ASSETS / "hubble.jpg", quality=90)
    for path in sorted(ASSETS.glob("*.*")):
        if path.suffix != ".md":
            with Image.open(path) as image:
                print(f"{path.name:26} {image.mode:6} {image.size} {path.stat().st_size:8} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
