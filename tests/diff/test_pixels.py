"""Changed pixels: real changes are found, rendering noise is not."""

from PIL import Image, ImageDraw

from pamphlet.diff.pixels import compare_pixels

SIZE = (200, 120)
GROUND = (255, 255, 255)


def page(*boxes, shift: tuple = (0, 0), scale: int = 8):
    """A page with filled ``boxes`` — (x0, y0, x1, y1, colour) in pixels, fractions
    allowed — drawn at ``scale`` times the size and reduced, so anti-aliased like a
    renderer's output; ``shift`` moves everything by that many 1/scale pixels."""
    big = Image.new("RGB", (SIZE[0] * scale, SIZE[1] * scale), GROUND)
    canvas = ImageDraw.Draw(big)
    for *box, colour in boxes:
        x0, y0, x1, y1 = (round(v * scale) + shift[i % 2] for i, v in enumerate(box))
        canvas.rectangle((x0, y0, x1 - 1, y1 - 1), fill=colour)
    return big.reduce(scale)


INK = (20, 20, 20)
# A line of "glyphs" (strokes 1.3 px wide) and a 0.6 px rule in a dark blue.
TEXT = [(x, 30, x + 1.3, 40, INK) for x in range(20, 180, 9)] \
    + [(x, 30, x + 6, 31.3, INK) for x in range(20, 180, 9)] + [(10, 70, 190, 70.6, (30, 60, 120))]


def compare(old, new, **options):
    return compare_pixels(old, new, **({"tolerance": 24, "min_area": 6} | options))


def test_the_same_picture_has_no_change():
    drawn = page(*TEXT)
    result = compare(drawn, drawn.copy())
    assert (result.regions, result.changed, result.fraction) == ([], 0, 0.0)


def test_the_same_drawing_a_fraction_of_a_pixel_away_is_no_change():
    for shift in ((3, 0), (0, 4), (4, 3)):          # 3/8 to 1/2 pixel
        assert compare(page(*TEXT), page(*TEXT, shift=shift)).regions == []


def test_new_ink_is_one_region_at_its_place():
    result = compare(page(*TEXT), page(*TEXT, (140, 90, 150, 100, INK)))
    assert [r[:4] for r in result.regions] == [(140, 90, 10, 10)]
    assert result.changed == 100
    assert result.fraction == 100 / (200 * 120)
    assert result.mask.getpixel((145, 95)) == 255 and result.mask.getpixel((100, 35)) == 0


def test_a_new_colour_is_a_change_even_without_new_ink():
    red, blue = (140, 90, 170, 110, (200, 30, 30)), (140, 90, 170, 110, (30, 30, 200))
    assert [r[:4] for r in compare(page(*TEXT, red), page(*TEXT, blue)).regions] == [
        (140, 90, 30, 20)]


def test_a_colour_within_the_tolerance_is_no_change():
    def grey(level):
        return page((140, 90, 170, 110, (level,) * 3))
    assert compare(grey(100), grey(120)).regions == []
    assert compare(grey(100), grey(130)).regions != []
    assert compare(grey(100), grey(130), tolerance=40).regions == []


def test_specks_smaller_than_the_minimum_area_are_noise():
    speck = page((100, 100, 102, 102, INK))
    assert compare(page(), speck).regions == []
    assert [r[4] for r in compare(page(), speck, min_area=4).regions] == [4]


def test_changes_close_together_are_one_region_far_apart_two():
    three = page((20, 20, 30, 30, INK), (40, 20, 50, 30, INK), (150, 90, 160, 100, INK))
    assert [r[:4] for r in compare(page(), three).regions] == [
        (20, 20, 30, 10), (150, 90, 10, 10)]


def test_ignored_boxes_do_not_count():
    more = page((140, 90, 150, 100, INK))
    assert compare(page(), more, ignore=[(135, 85, 155, 105)]).regions == []
    assert compare(page(), more, ignore=[(0, 0, 20, 20)]).regions != []


def test_pictures_of_different_sizes_are_compared_on_the_larger():
    small = Image.new("RGB", (200, 100), GROUND)
    result = compare(small, page())
    assert result.mask.size == SIZE and result.regions == []


def test_thin_text_in_a_new_colour_is_a_change():
    red = [(*box, (170, 20, 20)) for *box, _ in TEXT]
    result = compare(page(*TEXT), page(*red))
    assert result.regions and result.regions[0][1] <= 30 and result.changed > 100
