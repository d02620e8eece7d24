"""The photo fixture (tests/resources/photos) built, and its PDF read back with tools
that share no code with the build: poppler's pdfimages and pdftoppm, pikepdf, Pillow."""

import io
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import pytest
from PIL import Image, ImageChops, ImageCms, ImageMath, ImageOps

from utils import RESOURCES, ROOT, copy_brochure, edit, run

ASSETS = RESOURCES / "photos" / "assets"
GREY = {"assets/camera-grey.jpg", "assets/astronaut-grey16.png"}
MASKED = {"assets/astronaut-cutout.png", "assets/coffee-palette.png"}
MM = 72 / 25.4

pytestmark = pytest.mark.skipif(shutil.which("pdfimages") is None or
                                shutil.which("pdftoppm") is None, reason="poppler-utils")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> SimpleNamespace:
    folder = copy_brochure(tmp_path_factory.mktemp("photos"), "photos")
    pdf = folder.parent / "out" / "photos.pdf"
    result = run("build", "--brochure", folder, "--out", pdf)      # not --quiet: its warnings
    assert result.code == 0, result.err
    return SimpleNamespace(folder=folder, pdf=pdf, result=result)


def listing(pdf: Path) -> list[dict]:
    """``pdfimages -list``, one dict per image or soft mask."""
    lines = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    names = lines[0].split()
    return [dict(zip(names, line.split())) for line in lines[2:]]


def xobjects(pdf: Path) -> dict:
    """Each placed image XObject's source (/PamphletSource) -> [(page, object number, dict)]."""
    found = {}
    with pikepdf.open(pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            for image in page.obj.Resources.get("/XObject", {}).values():
                if image.get("/Subtype") == "/Image":
                    source = str(image.get("/PamphletSource", ""))
                    found.setdefault(source, []).append(
                        (number, image.objgen[0], {
                            "width": int(image.Width), "height": int(image.Height),
                            "colour": str(image.ColorSpace), "smask": "/SMask" in image,
                            "raw": image.read_raw_bytes()}))
    return found


def rows_of(built, asset: str) -> list[dict]:
    objects = {number for _, number, _ in xobjects(built.pdf)[asset]}
    return [row for row in listing(built.pdf)
            if row["type"] == "image" and int(row["object"]) in objects]


def tac(image) -> float:
    c, m, y, k = image.split()
    total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)
    return total.getextrema()[1] / 2.55


def test_no_image_is_rgb_every_one_cmyk_or_grey_in_8_bits(built):
    rows = listing(built.pdf)
    assert len(rows) == 13                                  # 11 pictures, 2 soft masks
    assert {row["color"] for row in rows} == {"cmyk", "gray"}
    assert {row["bpc"] for row in rows} == {"8"}
    for asset, placed in xobjects(built.pdf).items():
        for _, _, image in placed:
            assert image["colour"] == ("/DeviceGray" if asset in GREY else "/DeviceCMYK"), asset
            assert image["smask"] == (asset in MASKED), asset


def test_every_image_names_its_source_file(built):
    used = {f"assets/{path.name}" for path in ASSETS.iterdir() if path.suffix != ".md"}
    assert set(xobjects(built.pdf)) == used


def test_the_cmyk_jpeg_in_the_output_condition_is_embedded_byte_for_byte(built):
    [(_, _, image)] = xobjects(built.pdf)["assets/rocket-fogra39.jpg"]
    assert image["raw"] == (ASSETS / "rocket-fogra39.jpg").read_bytes()
    [(_, _, other)] = xobjects(built.pdf)["assets/coffee-adobergb.jpg"]
    assert other["raw"] != (ASSETS / "coffee-adobergb.jpg").read_bytes()     # converted


def _pixel(built, page: int, x_mm: float, y_mm: float, dpi: int = 50) -> tuple:
    """The rendered colour at (x, y) mm from page ``page``'s trim top left."""
    with pikepdf.open(built.pdf) as document:
        media = [float(v) for v in document.pages[page - 1].MediaBox]
        trim = [float(v) for v in document.pages[page - 1].TrimBox]
    prefix = built.pdf.parent / f"render-{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png",
                    "-singlefile", str(built.pdf), str(prefix)], check=True)
    with Image.open(f"{prefix}.png") as rendered:
        x = (trim[0] + x_mm * MM - media[0]) * dpi / 72
        y = (media[3] - trim[3] + y_mm * MM) * dpi / 72
        return rendered.convert("RGB").getpixel((round(x), round(y)))


def test_transparent_areas_print_the_tint_beneath_not_black(built):
    # The tint itself: the band a contained picture leaves in its tinted frame (page 4).
    tint = _pixel(built, 4, 160, 49)
    assert tint[2] - tint[0] > 40 and min(tint) > 100               # pale blue, not black
    for x, y in ((18 + 1.5, 48 + 1.5),      # the round cut-out's corner (RGBA)
                 (70 + 3, 48 + 3)):         # the palette picture's transparent corner (tRNS)
        seen = _pixel(built, 3, x, y)
        assert max(abs(a - b) for a, b in zip(seen, tint)) <= 8, (x, y, seen, tint)
    assert max(_pixel(built, 3, 18 + 21, 48 + 21)) < 250                # the photo is drawn


def test_exif_orientation_is_applied(built):
    [(_, _, image)] = xobjects(built.pdf)["assets/rocket-exif6.jpg"]
    with Image.open(ASSETS / "rocket-exif6.jpg") as stored:
        assert stored.size == (427, 284)
        upright = ImageOps.exif_transpose(stored).convert("L")
    assert (image["width"], image["height"]) == (284, 427)
    printed = ImageOps.invert(Image.open(_extracted(built, "assets/rocket-exif6.jpg")[0])
                              .getchannel("K"))              # K alone: roughly the lightness
    same = ImageChops.difference(printed, upright).resize((1, 1), Image.BOX).getpixel((0, 0))
    turned = ImageChops.difference(printed, upright.rotate(180)).resize(
        (1, 1), Image.BOX).getpixel((0, 0))
    assert same < turned


def _extracted(built, asset: str) -> list[Path]:
    """The asset's images as pdfimages writes them (JPEG data as it is in the PDF)."""
    folder = built.pdf.parent / "extracted"
    if not folder.exists():
        folder.mkdir()
        subprocess.run(["pdfimages", "-j", "-png", str(built.pdf), str(folder / "i")], check=True)
    numbers = [index for index, row in enumerate(listing(built.pdf))
               if row["type"] == "image" and int(row["object"]) in
               {number for _, number, _ in xobjects(built.pdf)[asset]}]
    return [next(folder.glob(f"i-{index:03d}.*")) for index in numbers]


def test_grey_pictures_are_one_channel_and_16_bits_are_not_white(built):
    for asset in GREY:
        [row] = rows_of(built, asset)
        assert (row["color"], row["comp"]) == ("gray", "1")
    with Image.open(_extracted(built, "assets/astronaut-grey16.png")[0]) as grey:
        assert grey.mode == "L"
        low, high = grey.getextrema()
        mean = grey.resize((1, 1), Image.BOX).getpixel((0, 0))
        assert low < 30 and high > 220 and 60 < mean < 200


def test_no_pixel_is_over_the_ink_limit(built):
    highest = {}
    for asset in xobjects(built.pdf):
        if asset not in GREY:
            for path in _extracted(built, asset):
                with Image.open(path) as image:
                    assert image.mode == "CMYK"
                    highest[asset] = max(highest.get(asset, 0), tac(image))
    assert max(highest.values()) <= 270, highest              # brochure.yaml's total_ink
    assert sum(value > 266 for value in highest.values()) >= 3  # (the limit was reached)


def test_the_embedded_profile_is_honoured(built):
    with Image.open(ASSETS / "coffee-adobergb.jpg") as source:
        tagged = ImageCms.ImageCmsProfile(io.BytesIO(source.info["icc_profile"]))
        rgb = source.convert("RGB")
    output = str(ROOT / "color" / "FOGRA39L-pamphlet.icc")

    def to_cmyk(profile):
        return ImageCms.profileToProfile(rgb, profile, output, outputMode="CMYK",
                                         renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                         flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)

    with Image.open(_extracted(built, "assets/coffee-adobergb.jpg")[0]) as printed:
        printed = printed.convert("CMYK")
        as_tagged = _mean_difference(printed, to_cmyk(tagged))
        as_srgb = _mean_difference(printed, to_cmyk(ImageCms.createProfile("sRGB")))
    assert as_tagged < 3 < as_srgb, (as_tagged, as_srgb)


def _mean_difference(one, other) -> float:
    bands = ImageChops.difference(one, other).resize((1, 1), Image.BOX).getpixel((0, 0))
    return sum(bands) / len(bands)


def test_effective_resolution_and_downsampling(built):
    for asset in xobjects(built.pdf):
        for row in rows_of(built, asset):
            ppi = int(row["x-ppi"])
            if asset == "assets/chelsea-untagged.jpg":
                assert ppi == 229
            else:
                assert 300 <= ppi <= 450, (asset, ppi)
    hubble = sorted((int(r["width"]), int(r["height"]), int(r["x-ppi"]))
                    for r in rows_of(built, "assets/hubble.jpg"))
    # 1000 x 872 px in a 40 mm frame is 635 ppi: downsampled to 300; 80 mm wide it is kept
    assert hubble == [(473, 412, 300), (1000, 872, 317)]


def _line(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text in line)


def test_a_picture_under_300_ppi_is_a_warning_at_its_field(built):
    page = built.folder / "pages" / "colour.yaml"
    line = _line(page, "chelsea-untagged.jpg")
    assert (f"warning: {page}:{line}: figures[1].image: picture 'assets/chelsea-untagged.jpg' "
            "prints at 228 ppi at its placed size (451 × 300 px over 50.1 mm wide), under 300 "
            "ppi: it may print soft\nhint: use a larger original (at least 592 px wide for 300 "
            "ppi here) or place it at most 38 mm wide\n") in built.result.err


def test_under_200_ppi_is_an_error_unless_the_brochure_allows_it(tmp_path):
    folder = copy_brochure(tmp_path, "photos")
    page = folder / "pages" / "colour.yaml"
    edit(page, "box: [74, 48, 50, 33.3]", "box: [74, 48, 80, 53.3]")
    pdf = tmp_path / "out" / "photos.pdf"
    result = run("build", "--brochure", folder, "--out", pdf)
    line = _line(page, "chelsea-untagged.jpg")
    assert result.code == 1 and not pdf.exists()
    assert (f"error: {page}:{line}: figures[1].image: picture 'assets/chelsea-untagged.jpg' "
            "prints at 142 ppi at its placed size (451 × 300 px over 80.1 mm wide), under 200 "
            "ppi: it will print visibly soft or jagged\nhint: use a larger original (at least "
            "947 px wide for 300 ppi here) or place it at most 38 mm wide, or allow it with "
            "`images: {low_ppi: warning}` in brochure.yaml\n") in result.err, result.err
    edit(folder / "brochure.yaml", "  black_point_compensation: true\n",
         "  black_point_compensation: true\n  low_ppi: warning\n")
    result = run("build", "--brochure", folder, "--out", pdf)
    assert result.code == 0 and pdf.exists()
    assert f"warning: {page}:{line}: figures[1].image: picture 'assets/chelsea-untagged.jpg' " \
        "prints at 142 ppi" in result.err


def test_a_truncated_picture_is_one_error_at_its_field(tmp_path):
    folder = copy_brochure(tmp_path, "photos")
    picture = folder / "assets" / "coffee-adobergb.jpg"
    picture.write_bytes(picture.read_bytes()[:30000])
    result = run("build", "--brochure", folder, "--out", tmp_path / "out" / "photos.pdf")
    page = folder / "pages" / "colour.yaml"
    assert result.code == 1
    errors = re.findall(r"^error: .*$", result.err, re.M)
    assert errors == [f"error: {page}:{_line(page, 'coffee-adobergb.jpg')}:12: "
                      "figures[0].image: 'assets/coffee-adobergb.jpg' is not a picture that "
                      "can be read (the file ends early: it is truncated)"], result.err


def test_converted_pictures_are_kept_by_content_and_warnings_said_again(tmp_path):
    folder = copy_brochure(tmp_path, "photos")
    pdf = tmp_path / "out" / "photos.pdf"
    assert run("build", "--brochure", folder, "--out", pdf, "--quiet").code == 0
    cache = tmp_path / "out" / "cache" / "images"
    converted = sorted(cache.glob("*.*"))
    # The same photograph under another name: nothing converted again.
    (folder / "assets" / "coffee-adobergb.jpg").rename(folder / "assets" / "espresso.jpg")
    edit(folder / "pages" / "colour.yaml", "assets/coffee-adobergb.jpg", "assets/espresso.jpg")
    assert run("build", "--brochure", folder, "--out", pdf, "--quiet").code == 0
    assert sorted(cache.glob("*.*")) == converted
    assert "assets/espresso.jpg" in xobjects(pdf)
    # Nothing changed: every part reused, and the low resolution still said.
    again = run("build", "--brochure", folder, "--out", pdf)
    assert "(0 of 4 page definitions laid out)" in again.err
    assert "picture 'assets/chelsea-untagged.jpg' prints at 228 ppi" in again.err


def test_a_fit_that_is_not_one_of_the_choices_is_an_error_at_its_line(tmp_path):
    folder = copy_brochure(tmp_path, "photos")
    page = folder / "pages" / "orientation.yaml"
    edit(page, "fit: contain", "fit: contian")
    result = run("build", "--brochure", folder, "--out", tmp_path / "out" / "photos.pdf")
    assert result.code == 1
    assert (f"error: {page}:{_line(page, 'fit: contian')}:10: figures[2].fit is 'contian', "
            "not one of the choices\nhint: did you mean 'contain'? write one of: cover, "
            "contain\n") in result.err, result.err
