"""Changed pages' pictures past the first few wait on disk, not in memory: the report is
the same byte for byte, and the pictures held are a few pages' whatever the count."""

import hashlib

import pytest

from pamphlet.diff import keep
from diff.pdfs import nudge
from utils import run


@pytest.fixture()
def nudged(mini_pdf, tmp_path):
    """The mini PDF with pages 3, 4, 5 and 6 drawn 2 pt aside: four changed pages."""
    path = mini_pdf
    for number in (3, 4, 5, 6):
        path = nudge(path, number, 2, 0, tmp_path / f"nudged-{number}.pdf")
    return path


def _report(mini_pdf, nudged, folder) -> dict:
    result = run("diff", mini_pdf, nudged, "--report", folder, "--quiet")
    assert result.code == 1, result.err
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((folder / "img").iterdir())}


def test_pictures_on_disk_make_the_same_report(mini_pdf, nudged, tmp_path, monkeypatch):
    in_memory = _report(mini_pdf, nudged, tmp_path / "memory")
    monkeypatch.setattr(keep, "IN_MEMORY", 1)
    spilled = _report(mini_pdf, nudged, tmp_path / "disk")
    assert len(in_memory) >= 4 * 3 and spilled == in_memory


def test_past_the_first_pages_nothing_is_held_in_memory(monkeypatch):
    from PIL import Image

    monkeypatch.setattr(keep, "IN_MEMORY", 2)
    store = keep.Store()
    kept = [keep.Pictures({"new": Image.new("RGB", (50, 70), (i, 0, 0))}, store)
            for i in range(5)]
    assert [bool(p._memory) for p in kept] == [True, True, False, False, False]
    assert kept[4]["new"].getpixel((0, 0)) == (4, 0, 0) and kept[4]["new"].size == (50, 70)
    assert sorted(p.name for p in store.folder.iterdir()) == ["0.raw", "1.raw", "2.raw"]
