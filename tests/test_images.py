"""images.py: pictures converted to the press's CMYK once, even by processes side by side."""

import multiprocessing

from PIL import Image

from pamphlet.images import press_image
from utils import ROOT

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
