"""Ignore boxes: from the command line and from the page definitions, in mm on the trim."""

import argparse

import pytest

from pamphlet.diagnostics import PamphletError
from pamphlet.diff.ignore import brochure_ignores, parse_ignore, pixels_to_mm, to_pixels
from pamphlet.diff.model import IgnoreBox
from utils import edit

TRIM = (0, 0, 595.2756, 841.8898)
BLEED = (-8.5039, -8.5039, 603.7795, 850.3937)


def test_a_box_on_one_page_or_on_every_page():
    assert parse_ignore("7:10,270,60,12") == IgnoreBox(7, (10, 270, 60, 12), "--ignore 7:10,270,60,12")
    assert parse_ignore(" * : 0, 280.5, 210, 17 ").page is None


@pytest.mark.parametrize("text, message", [
    ("7:10,270,60", "'7:10,270,60' is not PAGE:x,y,w,h (mm from the trim's top left), "
                    "e.g. 7:10,270,60,12"),
    ("p7:10,270,60,12", "'p7:10,270,60,12' is not PAGE:x,y,w,h (mm from the trim's top "
                        "left), e.g. 7:10,270,60,12"),
    ("0:10,270,60,12", "'0:10,270,60,12': pages are numbered from 1"),
])
def test_a_malformed_box_says_what_is_expected(text, message):
    with pytest.raises(argparse.ArgumentTypeError) as error:
        parse_ignore(text)
    assert str(error.value) == message


def test_mm_on_the_trim_are_pixels_in_the_bleed_picture():
    # 3 mm of bleed: the trim's top left is 11.3 px into a 96 dpi picture.
    assert to_pixels((0, 0, 10, 10), TRIM, BLEED, 96) == (11, 11, 48, 48)   # inclusive
    assert pixels_to_mm((11, 11, 38, 38), TRIM, BLEED, 96) == (-0.1, -0.1, 10.1, 10.1)


def test_brochure_boxes_land_on_the_pages_of_their_definition(mini):
    edit(mini / "pages/beta.yaml", "layout: twopage", "layout: twopage\nignore:\n"
         "  - {box: [0, 0, 210, 20]}\n  - {page: 2, box: [10, 270, 60, 12]}")
    assert [(b.page, b.box, b.source) for b in brochure_ignores(mini)] == [
        (4, (0, 0, 210, 20), "beta.yaml ignore[0]"),
        (5, (10, 270, 60, 12), "beta.yaml ignore[1]")]


def test_a_brochure_box_that_is_not_a_box_is_an_error_at_its_line(mini):
    edit(mini / "pages/gamma.yaml", "layout: plain", "layout: plain\nignore:\n"
         "  - {page: 2, box: [0, 0, 10, 10]}\n  - {box: [0, 0, 10]}")
    with pytest.raises(PamphletError) as error:
        brochure_ignores(mini)
    assert [(d.file.name, d.line, d.message) for d in error.value.diagnostics] == [
        ("gamma.yaml", 3, "ignore[0].page 2 is outside this definition's 1 page(s)"),
        ("gamma.yaml", 4, "ignore[1].box is [0, 0, 10], not a box")]
