"""draw.py: a part leaves its fonts out — without WeasyPrint's copy of each font file."""

import tracemalloc

import pikepdf

from pamphlet.draw import draw
from pamphlet.typeset import Engine, prepare
from utils import ROOT

FONTS = ROOT / "fonts"
HEAD = f"""<!DOCTYPE html><html lang="ja"><head><style>
@font-face {{ font-family: G; src: url("{FONTS.as_uri()}/BIZUDGothic-Regular.ttf"); }}
@font-face {{ font-family: M; src: url("{FONTS.as_uri()}/BIZUDMincho-Regular.ttf"); }}
@page {{ size: A5; margin: 10mm; }} body {{ font-family: G; font-size: 9pt; }}
.m {{ font-family: M; }}
</style></head><body>"""
BODY = "<p>出入国在留管理庁の総合職。</p><p class='m'>共生社会の実現へ、Immigration 2025。</p>"


def test_a_part_is_drawn_without_copying_its_font_files(tmp_path):
    prepare(tmp_path)
    engine = Engine(HEAD, tmp_path)
    store = tmp_path / "fonts"
    draw(engine.layout(BODY), store, b"first")       # fonts opened and stored once
    smallest = min(path.stat().st_size for path in FONTS.glob("*.ttf"))
    tracemalloc.start()
    try:
        drawing = draw(engine.layout(BODY), store, b"part")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # WeasyPrint alone copies each font file (4.6 MB and more) into a bytes object.
    assert peak < smallest / 2, f"{peak / 2**20:.1f} MiB allocated while drawing"
    stored = {usage["file"] for usage in drawing.fonts.values()}
    assert len(stored) == 2 and all((store / name).stat().st_size >= smallest for name in stored)
    with pikepdf.open(_saved(tmp_path, drawing.pdf)) as pdf:
        files = [font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()
                 for font in pdf.pages[0].obj.Resources.Font.values()]
    assert len(files) == 2 and all(len(data) == 4 for data in files)   # the stubs


def _saved(folder, data: bytes):
    path = folder / "part.pdf"
    path.write_bytes(data)
    return path
