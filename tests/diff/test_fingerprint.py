"""Digests tell identical pages apart without rasterising, across builds and file names."""

import pypdf
import pytest

from pamphlet.checks.pdftext import UnreadablePDF
from pamphlet.diff.fingerprint import fingerprint_pages


def digests(path) -> list[bytes]:
    return [key.digest for key in fingerprint_pages(path)]


def test_two_builds_of_the_same_brochure_have_the_same_digests(mini_pdf, again_pdf):
    # Not the same bytes: the slug line names the file, and images are named
    # after their URL, which is in another folder.
    assert mini_pdf.read_bytes() != again_pdf.read_bytes()
    assert digests(mini_pdf) == digests(again_pdf)


def test_one_changed_page_changes_one_digest(mini_pdf, word):
    # The new word also changes the fonts' subsets, which every page uses.
    old, new = digests(mini_pdf), digests(word[1])
    assert [n for n, (a, b) in enumerate(zip(old, new), start=1) if a != b] == [3]


def test_different_pages_have_different_digests(mini_pdf):
    assert len(set(digests(mini_pdf))) == 8


def test_the_boxes_are_read(mini_pdf):
    first = fingerprint_pages(mini_pdf)[0]
    assert first.number == 1
    assert first.trim == pytest.approx((0, 0, 595.2756, 841.8898), abs=0.01)
    assert first.bleed == pytest.approx((-8.5039, -8.5039, 603.7795, 850.3937), abs=0.01)


def test_a_pdf_without_marks_or_bleed_is_read_too(tmp_path):
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_blank_page(595, 842)
    plain = tmp_path / "plain.pdf"
    with open(plain, "wb") as handle:
        writer.write(handle)
    keys = fingerprint_pages(plain)
    assert [k.bleed for k in keys] == [(0, 0, 595, 842)] * 2
    assert keys[0].digest == keys[1].digest


def test_a_folder_is_not_a_pdf(tmp_path):
    with pytest.raises(UnreadablePDF, match=f"cannot read {tmp_path}: it is a folder"):
        fingerprint_pages(tmp_path)
