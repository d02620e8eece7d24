"""images.py: pictures converted to the press's CMYK (greys to K), once, even by
processes side by side; transparency, orientation, depth, profiles, ink limit."""

import multiprocessing
import re
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageMath

from pamphlet.images import picture_problem, press_image
from pamphlet.options import ImageSettings
from utils import RESOURCES, ROOT, copy_brochure, edit, run

PROFILE = ROOT / "color" / "FOGRA39L-pamphlet.icc"
_BARRIER = None          # inherited by the forked processes


def _convert(source, cache, queue):
    _BARRIER.wait()                      # all at once: the same picture, the same cache
    try:
        queue.put(press_image(source, PROFILE, cache).read_bytes())
    except Exception as error:           # noqa: BLE001 - reported to the test
        queue.put(repr(error))


def test_processes_converting_the_same_picture_at_once_all_get_it(tmp_path):
    global _BARRIER
    source = tmp_path / "photo.png"
    Image.new("RGB", (1200, 900), (200, 40, 40)).save(source)
    context = multiprocessing.get_context("fork")
    for round_ in range(3):
        cache = tmp_path / f"cache-{round_}"
        _BARRIER, queue = context.Barrier(4), context.Queue()
        processes = [context.Process(target=_convert, args=(source, cache, queue))
                     for _ in range(4)]
        for process in processes:
            process.start()
        results = [queue.get(timeout=60) for _ in processes]
        for process in processes:
            process.join(timeout=60)
        assert all(isinstance(r, bytes) for r in results), results
        assert len(set(results)) == 1 and results[0][:2] == b"\xff\xd8"   # one JPEG
        assert [p.suffix for p in cache.iterdir()] == [".jpg"]            # no leftovers
        with Image.open(next(cache.iterdir())) as converted:
            assert converted.mode == "CMYK"


# What the press gets of each kind of picture (press_image alone, no layout)

ASSETS = RESOURCES / "photos" / "assets"
ADOBE_RGB_LIKE = Path("/usr/share/color/icc/compatibleWithAdobeRGB1998.icc")


def tac(image) -> float:
    """The highest C+M+Y+K of a CMYK picture, in %."""
    c, m, y, k = image.split()
    total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)
    return total.getextrema()[1] / 2.55


def convert(tmp_path, image_or_path, name="picture.png", settings=ImageSettings(), **save):
    source = image_or_path if isinstance(image_or_path, Path) else tmp_path / name
    if not isinstance(image_or_path, Path):
        image_or_path.save(source, **save)
    return press_image(source, PROFILE, tmp_path / "cache", settings)


def mask_of(converted: Path) -> Path:
    return converted.with_name(converted.stem + ".mask.png")


def test_rgba_keeps_its_transparency_as_a_soft_mask_and_nothing_black_under_it(tmp_path):
    picture = Image.new("RGBA", (200, 100), (0, 0, 0, 0))          # black under transparency
    picture.paste((230, 80, 20, 255), (0, 0, 100, 100))             # an opaque orange half
    converted = convert(tmp_path, picture)
    with Image.open(converted) as colour, Image.open(mask_of(converted)) as mask:
        assert colour.mode == "CMYK" and mask.mode == "L" and mask.size == colour.size
        assert mask.getpixel((50, 50)) == 255 and mask.getpixel((150, 50)) == 0
        # the transparent half's colour is spread from the visible one, not black
        assert colour.getpixel((150, 50))[3] < 40


@pytest.mark.parametrize("mode", ["P", "LA"])
def test_palette_with_trns_and_grey_with_alpha_keep_their_transparency(tmp_path, mode):
    if mode == "P":
        picture = Image.new("P", (64, 64), 1)
        picture.putpalette([0, 0, 0, 20, 120, 200])
        picture.paste(0, (0, 0, 32, 64))                    # index 0: transparent (tRNS)
        options = {"transparency": 0}
    else:
        picture = Image.new("LA", (64, 64), (90, 255))
        picture.paste((0, 0), (0, 0, 32, 64))
        options = {}
    converted = convert(tmp_path, picture, **options)
    with Image.open(mask_of(converted)) as mask:
        assert mask.getpixel((10, 10)) == 0 and mask.getpixel((50, 10)) == 255
    with Image.open(converted) as colour:
        assert colour.mode == ("CMYK" if mode == "P" else "L")


def test_an_opaque_alpha_channel_makes_no_mask(tmp_path):
    converted = convert(tmp_path, Image.new("RGBA", (32, 32), (10, 200, 30, 255)))
    assert not mask_of(converted).exists()


def test_exif_orientation_is_applied(tmp_path):
    stored = Image.new("RGB", (300, 200), (250, 250, 250))
    stored.paste((200, 0, 0), (0, 0, 30, 30))                 # red in the stored top left
    exif = Image.Exif()
    exif[0x0112] = 6                                          # shown turned a quarter right
    converted = convert(tmp_path, stored, "turned.jpg", exif=exif.tobytes(), quality=95)
    with Image.open(converted) as upright:
        assert upright.size == (200, 300)
        assert upright.getpixel((190, 10))[1] > 100           # the red corner: top right now
        assert upright.getpixel((10, 10))[1] < 20
        assert upright.getexif().get(0x0112, 1) == 1


def test_sixteen_bit_grey_is_reduced_not_clipped(tmp_path):
    deep = Image.new("I;16", (256, 1))
    deep.putdata([v * 257 for v in range(256)])
    converted = convert(tmp_path, deep)
    with Image.open(converted) as grey:
        assert grey.mode == "L"
        values = list(grey.get_flattened_data())
    assert values[0] == 0 and values[-1] == 255                # black is K100, white no ink
    assert 60 < values[128] < 150                              # mid grey, not white
    assert values == sorted(values)


def _png16(width, height, pixel) -> bytes:
    """A 16-bit RGB PNG (Pillow cannot write one)."""
    row = b"\0" + struct.pack(">HHH", *pixel) * width

    def chunk(kind, data):
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)      # 16 bits, RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def test_sixteen_bit_rgb_converts_like_its_eight_bit_self(tmp_path):
    deep, flat = tmp_path / "deep.png", tmp_path / "flat.png"
    deep.write_bytes(_png16(16, 16, (200 * 257, 60 * 257, 30 * 257)))
    Image.new("RGB", (16, 16), (200, 60, 30)).save(flat)
    with Image.open(convert(tmp_path, deep)) as one, Image.open(convert(tmp_path, flat)) as two:
        assert one.mode == "CMYK"
        assert max(abs(a - b) for a, b in zip(one.getpixel((8, 8)), two.getpixel((8, 8)))) <= 2


def test_grey_pictures_stay_one_channel(tmp_path):
    with Image.open(ASSETS / "camera-grey.jpg") as grey:
        grey.save(tmp_path / "grey.jpg")
    neutral = Image.merge("RGB", [Image.linear_gradient("L")] * 3)      # grey saved as RGB
    for converted in (convert(tmp_path, tmp_path / "grey.jpg"), convert(tmp_path, neutral)):
        with Image.open(converted) as printed:
            assert printed.mode == "L"


def test_the_embedded_profile_is_honoured(tmp_path):
    if not ADOBE_RGB_LIKE.is_file():
        pytest.skip("icc-profiles-free is not installed")
    colour = Image.new("RGB", (8, 8), (30, 160, 60))
    tagged = convert(tmp_path, colour, "tagged.jpg", quality=100, subsampling=0,
                     icc_profile=ADOBE_RGB_LIKE.read_bytes())
    untagged = convert(tmp_path, colour, "untagged.jpg", quality=100, subsampling=0)
    expected = ImageCms.profileToProfile(
        Image.open(tmp_path / "tagged.jpg").convert("RGB"), str(ADOBE_RGB_LIKE), str(PROFILE),
        outputMode="CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION).getpixel((4, 4))
    with Image.open(tagged) as one, Image.open(untagged) as two:
        assert max(abs(a - b) for a, b in zip(one.getpixel((4, 4)), expected)) <= 3
        assert max(abs(a - b) for a, b in zip(one.getpixel((4, 4)), two.getpixel((4, 4)))) > 10


def test_a_cmyk_jpeg_in_the_output_condition_is_used_as_it_is(tmp_path):
    source = ASSETS / "rocket-fogra39.jpg"
    assert press_image(source, PROFILE, tmp_path / "cache") == source
    untagged = Image.open(source)
    untagged.save(tmp_path / "untagged.jpg")                   # CMYK with no profile
    assert press_image(tmp_path / "untagged.jpg", PROFILE, tmp_path / "cache") \
        == tmp_path / "untagged.jpg"
    assert not (tmp_path / "cache").exists()


def test_a_cmyk_jpeg_in_another_condition_is_converted(tmp_path):
    other = Path("/usr/share/color/icc/ISOcoated_v2_300_eci.icc")
    if not other.is_file():
        pytest.skip("no second CMYK profile on this machine")
    with Image.open(ASSETS / "rocket-fogra39.jpg") as cmyk:
        cmyk.save(tmp_path / "other.jpg", icc_profile=other.read_bytes())
    converted = press_image(tmp_path / "other.jpg", PROFILE, tmp_path / "cache")
    assert converted.parent == tmp_path / "cache"


def test_a_gif_becomes_cmyk(tmp_path):
    with Image.open(convert(tmp_path, ASSETS / "coffee.gif")) as printed:
        assert printed.mode == "CMYK"


def _deep_shadows() -> Image.Image:
    bands = [Image.effect_noise((400, 300), 90).point(lambda v: v // 4) for _ in range(3)]
    picture = Image.merge("RGB", bands)
    picture.paste((0, 0, 0), (0, 0, 200, 300))
    picture.paste((40, 0, 60), (0, 0, 100, 150))
    return picture


@pytest.mark.parametrize("settings, limit", [
    (ImageSettings(black_point_compensation=False), 300),
    (ImageSettings(total_ink=260), 260),
    (ImageSettings(intent="perceptual"), 300),
])
def test_every_pixel_is_within_the_ink_limit_as_decoded(tmp_path, settings, limit):
    converted = convert(tmp_path, _deep_shadows(), settings=settings)
    with Image.open(converted) as printed:
        assert limit - 8 < tac(printed) <= limit


def test_intent_and_black_point_compensation_come_from_the_settings(tmp_path):
    shadows = Image.new("RGB", (8, 8), (12, 10, 8))
    with_bpc = convert(tmp_path, shadows)
    without = convert(tmp_path, shadows, settings=ImageSettings(black_point_compensation=False))
    assert with_bpc != without                                 # cached apart
    with Image.open(with_bpc) as one, Image.open(without) as two:
        assert sum(one.getpixel((4, 4))) < sum(two.getpixel((4, 4)))


def test_a_truncated_or_broken_picture_is_named_unreadable(tmp_path):
    whole = (ASSETS / "hubble.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(whole[:len(whole) // 2])
    (tmp_path / "cut.png").write_bytes((ASSETS / "astronaut-cutout.png").read_bytes()[:50000])
    (tmp_path / "not.png").write_bytes(b"not a picture")
    assert picture_problem(tmp_path / "cut.jpg") == "the file ends early: it is truncated"
    assert picture_problem(tmp_path / "cut.png") == "the file ends early: it is truncated"
    assert picture_problem(tmp_path / "not.png").startswith("cannot identify image file")
    assert picture_problem(ASSETS / "hubble.jpg") is None
    with pytest.raises(OSError):
        press_image(tmp_path / "cut.jpg", PROFILE, tmp_path / "cache")


def test_at_a_smaller_size_the_mask_and_the_ink_limit_follow(tmp_path):
    cutout = ASSETS / "astronaut-cutout.png"
    small = press_image(cutout, PROFILE, tmp_path / "cache", size=(128, 128))
    with Image.open(small) as colour, Image.open(mask_of(small)) as mask:
        assert colour.size == mask.size == (128, 128)
        assert tac(colour) <= 300 and mask.getpixel((2, 2)) == 0 and mask.getpixel((64, 64)) == 255
    assert press_image(cutout, PROFILE, tmp_path / "cache", size=(128, 128)) == small
    assert press_image(cutout, PROFILE, tmp_path / "cache") != small


def test_a_turned_jpeg_is_decoded_small_and_comes_out_upright_at_the_size_asked(tmp_path):
    small = press_image(ASSETS / "rocket-exif6.jpg", PROFILE, tmp_path / "cache", size=(71, 107))
    with Image.open(small) as printed:
        assert printed.size == (71, 107)


def test_a_cmyk_jpeg_in_the_output_condition_is_converted_only_to_be_made_smaller(tmp_path):
    source = ASSETS / "rocket-fogra39.jpg"
    small = press_image(source, PROFILE, tmp_path / "cache", size=(320, 214))
    assert small != source
    with Image.open(small) as printed:
        assert printed.mode == "CMYK" and printed.size == (320, 214)


INTENT = "  intent: relative-colorimetric\n"
INK = "  total_ink: 270 "                    # the fixture's own limit (brochure.yaml line 16)


@pytest.mark.parametrize("old, setting, line, message", [
    (INTENT, "intent: relative", 14, "images.intent: 'relative' is not one of: perceptual, "
     "relative-colorimetric, saturation, absolute-colorimetric"),
    (INTENT, "low_ppi: ignore", 14, "images.low_ppi: 'ignore' is not one of: error, warning"),
    (INK, "total_ink: 450 ", 16, "images.total_ink: 450 is outside 100-400"),
    (INTENT, "good_ppi: 150", 14, "images.good_ppi: needs min_ppi <= good_ppi <= "
     "downsample_to <= downsample_above (here 200, 150, 300, 450)"),
    (INTENT, "colour_space: cmyk", 14, "unknown field 'images.colour_space'"),
])
def test_image_settings_that_cannot_work_are_errors_at_their_line(tmp_path, old, setting, line,
                                                                   message):
    folder = copy_brochure(tmp_path, "photos")
    edit(folder / "brochure.yaml", old, f"  {setting}" + ("\n" if old.endswith("\n") else ""))
    result = run("build", "--brochure", folder, "--out", tmp_path / "out" / "p.pdf")
    assert result.code == 1
    assert re.search(rf"brochure.yaml:{line}:\d+: {re.escape(message)}\n", result.err), \
        result.err
