"""draw.py: a part leaves its fonts out — without WeasyPrint's copy of each font file — and
its colour profile, and draws decorations as artifacts."""

import tracemalloc

import pikepdf

from pamphlet.engine.draw import draw
from pamphlet.engine.layout import Engine, prepare
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


def test_a_part_refers_to_its_colour_profile_by_sha256(tmp_path):
    # merge.py puts the profile back once, for all the parts.
    import hashlib

    prepare(tmp_path)
    engine = Engine(HEAD.replace("<style>", f"<style>{CMYK}"), tmp_path)
    store = tmp_path / "fonts"
    drawing = draw(engine.layout(BODY), store, b"part")
    profile = PROFILE.read_bytes()
    digest = hashlib.sha256(profile).hexdigest()
    with pikepdf.open(_saved(tmp_path, drawing.pdf)) as pdf:
        assert _icc_streams(pdf) == [b"pamphlet-icc:" + digest.encode()]
    assert (store / digest).read_bytes() == profile


def test_every_part_an_engine_draws_refers_to_the_same_profile(tmp_path):
    # LittleCMS, asked for a profile's bytes again, writes them slightly differently:
    # each definition after the first would bring merge.py another profile.
    import hashlib

    prepare(tmp_path)
    engine = Engine(HEAD.replace("<style>", f"<style>{CMYK}"), tmp_path)
    reference = b"pamphlet-icc:" + hashlib.sha256(PROFILE.read_bytes()).hexdigest().encode()
    for number, body in enumerate(("<p>一つ目</p>", "<p>二つ目</p>", "<p>三つ目</p>")):
        drawing = draw(engine.layout(body), tmp_path / "fonts", b"part")
        with pikepdf.open(_saved(tmp_path, drawing.pdf)) as pdf:
            assert _icc_streams(pdf) == [reference], f"part {number + 1}"


PROFILE = ROOT / "color" / "FOGRA39L-pamphlet.icc"
CMYK = f"""@color-profile device-cmyk {{ src: url("{PROFILE.as_uri()}"); components: c m y k; }}
p {{ color: device-cmyk(0 0 0 1); }}"""


def _icc_streams(pdf) -> list[bytes]:
    """The data of the first page's ICC-based colour spaces."""
    spaces = pdf.pages[0].obj.Resources.ColorSpace.values()
    return [space[1].read_bytes() for space in spaces
            if isinstance(space, pikepdf.Array) and space[0] == "/ICCBased"]


def _saved(folder, data: bytes):
    path = folder / "part.pdf"
    path.write_bytes(data)
    return path


def test_a_tagged_part_draws_decorations_as_artifacts_and_pictures_as_figures(tmp_path):
    import logging

    (tmp_path / "ring.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="20" '
                                       'height="20"><circle cx="10" cy="10" r="9"/></svg>')
    prepare(tmp_path)
    engine = Engine(HEAD, tmp_path)
    document = engine.layout('<p><img src="ring.svg" alt="">出入国<img src="ring.svg" '
                             'alt="在留カードの見本"></p>')
    said = []
    listener = logging.Handler(logging.WARNING)
    listener.emit = lambda record: said.append(record.getMessage())
    logging.getLogger("weasyprint").addHandler(listener)
    try:
        drawing = draw(document, tmp_path / "fonts", b"part", "pdf/ua-1")
    finally:
        logging.getLogger("weasyprint").removeHandler(listener)
    assert not [message for message in said if "alt" in message]
    with pikepdf.open(_saved(tmp_path, drawing.pdf)) as pdf:
        figures = [node for node in _structure(pdf.Root.StructTreeRoot)
                   if node.get("/S") == "/Figure"]
        painted = _painted_in(pdf.pages[0])
    assert [str(figure.Alt) for figure in figures] == ["在留カードの見本"]
    # the rings, in the order drawn: the decoration's in an artifact, the picture's its Figure
    assert painted == [["/Artifact"], ["/Figure"]]


def _painted_in(page) -> list[list[str]]:
    """The marked content (innermost last) around each fill of ``page``'s content."""
    around, found = [], []
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) in ("BMC", "BDC"):
            around.append(str(operands[0]))
        elif str(operator) == "EMC":
            around.pop()
        elif str(operator) == "f":
            found.append(list(around))
    return found


def _structure(node):
    yield node
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary):
            yield from _structure(kid)
