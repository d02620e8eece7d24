"""The kit's layouts: complete, documented with fresh thumbnails, built in the kit gallery
and read back (poppler, pikepdf); its charts and QR code; its errors at the YAML line."""

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
import segno

from pamphlet.qr import QUIET, qr_svg
from utils import ROOT, run, squeeze

GALLERY = ROOT / "docs" / "kit" / "gallery"
SAMPLE_PICTURES = {"resolution-under-200"}   # the gallery's pictures are small samples

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")


def _script():
    spec = importlib.util.spec_from_file_location("kit_thumbnails", ROOT / "scripts" / "kit_thumbnails.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


THUMBNAILS = _script()


def test_every_layout_has_its_three_files_and_a_gallery_page():
    layouts = THUMBNAILS.kit_layouts()
    assert len(layouts) >= 14
    for name in layouts:
        for suffix in (".html.j2", ".css"):
            assert (ROOT / "layouts" / f"{name}{suffix}").is_file(), name + suffix
    assert {layout for layout, _, _ in THUMBNAILS.gallery_pages()} == set(layouts)


def test_thumbnails_are_fresh():
    """Fails when a layout or the gallery changed since `make thumbnails`."""
    record = json.loads((ROOT / "docs" / "kit" / "thumbnails.json").read_text(encoding="utf-8"))
    assert record["sources"] == THUMBNAILS.sources_hash(), "stale thumbnails: run make thumbnails"
    assert set(record["layouts"]) == set(THUMBNAILS.kit_layouts())
    for name, entry in record["layouts"].items():
        assert (ROOT / "docs" / entry["png"]).is_file()


def test_docs_fields_are_the_schemas():
    """docs/kit.md's layouts section is what the schemas and the gallery say."""
    doc = (ROOT / "docs" / "kit.md").read_text(encoding="utf-8")
    assert THUMBNAILS.with_reference(doc) == doc, "docs/kit.md is stale: run make thumbnails"
    for name in THUMBNAILS.kit_layouts():
        assert f"![{name}](kit/{name}.png)" in doc


@pytest.fixture(scope="module")
def gallery(tmp_path_factory) -> Path:
    pdf = tmp_path_factory.mktemp("gallery") / "gallery.pdf"
    result = run("build", "--brochure", GALLERY, "--out", pdf, "--quiet")
    assert result.code == 0, result.err
    return pdf


def _text(pdf: Path, first: int, last: int | None = None) -> str:
    return squeeze(subprocess.run(["pdftotext", "-f", str(first), "-l", str(last or first), str(pdf), "-"],
                                  capture_output=True, text=True, check=True).stdout)


def test_gallery_passes_the_checks(gallery):
    assert run("check-toc", gallery, "--brochure", GALLERY).code == 0
    typography = run("check-typography", gallery)
    assert typography.code == 0, typography.out
    report = json.loads(run("preflight", gallery, "--json").out)
    errors = {f.get("check") or f.get("rule") for f in report["findings"] if f["severity"] == "error"}
    assert errors <= SAMPLE_PICTURES | {"page-count"}, errors


def test_each_layout_prints_its_fields(gallery):
    """A word of each definition is on its page, and the layout's default words too."""
    pages = {}
    for layout, first, _ in THUMBNAILS.gallery_pages():
        pages.setdefault(layout, first)
    assert "もくじ" in _text(gallery, pages["contents"])          # a schema default
    assert f"ごあいさつ{pages['text-page']:02d}" in _text(gallery, pages["contents"])  # entry, page
    assert "MEMO" in _text(gallery, pages["notes"])
    assert "スタンプラリー" in _text(gallery, pages["table-page"])
    assert "運営部会" in _text(gallery, pages["org-chart"])
    assert "本町駅" in _text(gallery, pages["access"])             # the drawn map's words
    assert "Q入場料はかかりますか" in _text(gallery, pages["qa"])


def test_statistics_draw_every_kind(gallery):
    page = next(first for layout, first, _ in THUMBNAILS.gallery_pages() if layout == "statistics")
    text = _text(gallery, page)
    assert "23,600" in text            # the bar's latest figure, and the stacked total
    assert "63" in text and "参加店舗（2025年）" in text   # the big number, its series and key
    assert "91" in text and "（%）" in text   # the line's last figure and its unit note
    with pikepdf.open(gallery) as document:          # drawn as vectors: no picture on the page
        assert not list(document.pages[page - 1].get_images())


def test_qr_code_paths_are_the_code():
    """The SVG's runs of modules read back as segno's matrix of the URL."""
    url = "https://example.jp/bunkasai/"
    svg = str(qr_svg(url, _Theme()))
    matrix = [list(row) for row in segno.make(url, error="m").matrix_iter(border=0)]
    drawn = [[0] * len(matrix) for _ in matrix]
    for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)v1", svg):
        for dx in range(int(w)):
            drawn[int(y) - QUIET][int(x) - QUIET + dx] = 1
    assert drawn == [[int(bool(v)) for v in row] for row in matrix]
    assert 'fill="device-cmyk(0 0 0 1)"' in svg


def test_back_cover_prints_the_url_and_a_vector_code(gallery):
    page = next(first for layout, first, _ in THUMBNAILS.gallery_pages() if layout == "back-cover")
    assert "https://example.jp/bunkasai/" in _text(gallery, page)
    with pikepdf.open(gallery) as document:
        assert not list(document.pages[page - 1].get_images())


class _Theme:
    def colour(self, name):
        return "device-cmyk(0 0 0 1)"


def _one_page(tmp_path: Path, definition: str, data: str | None = None) -> Path:
    folder = tmp_path / "b"
    (folder / "pages").mkdir(parents=True)
    (folder / "brochure.yaml").write_text(
        "title: テスト\npublisher: テスト\nlanguage: ja\ndate: 2026-04-01\n"
        "trim: {width: 148mm, height: 210mm}\nbleed: 3mm\nbinding: none\n"
        f"layouts: {ROOT / 'layouts'}\nfonts: {ROOT / 'fonts'}\n"
        f"output_profile: {ROOT / 'color' / 'FOGRA39L-pamphlet.icc'}\npages: [one]\n", encoding="utf-8")
    (folder / "pages" / "one.yaml").write_text(definition, encoding="utf-8")
    if data is not None:
        (folder / "data").mkdir()
        (folder / "data" / "d.yaml").write_text(data, encoding="utf-8")
    return folder


def test_short_table_cells_keep_their_phrases(tmp_path):
    """スタンプラリー in a column too narrow for 駅前広場でスタンプラリー breaks before the
    word, not inside it (it broke スタンプラ|リー)."""
    folder = _one_page(tmp_path, "layout: table-page\ntitle: 表\ntables:\n"
                       "  - columns: [内容, 会場]\n    widths: [26, 74]\n"
                       "    rows:\n      - [駅前広場でスタンプラリー, 駅前広場の案内所で台紙を受け取り、商店街の二十のお店を巡って、スタンプを集めてください。]\n")
    pdf = tmp_path / "t.pdf"
    assert run("build", "--brochure", folder, "--out", pdf, "--quiet").code == 0
    lines = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split()
    assert "スタンプラリー" in lines, lines


def test_a_chart_without_its_series_is_one_error_at_its_line(tmp_path):
    folder = _one_page(tmp_path, "layout: statistics\ntitle: 数字\ndata: data/d.yaml\ncharts:\n"
                       "  - title: 来場者\n    series: [vistors]\n", "visitors: {points: {2025: 3}}\n")
    result = run("build", "--brochure", folder, "--out", tmp_path / "t.pdf")
    assert result.code == 1
    assert "one.yaml:6:13: charts[0].series: no series 'vistors' with points in data/d.yaml" in result.err
    assert "hint: did you mean 'visitors'?" in result.err and "Traceback" not in result.err


def test_a_point_that_is_no_number_is_one_error_in_the_data_file(tmp_path):
    folder = _one_page(tmp_path, "layout: statistics\ntitle: 数字\ndata: data/d.yaml\ncharts:\n"
                       "  - {title: 来場者, series: [visitors]}\n",
                       "visitors:\n  points:\n    2024: 3\n    2025: たくさん\n")
    result = run("build", "--brochure", folder, "--out", tmp_path / "t.pdf")
    assert result.code == 1
    assert "d.yaml:4:11: visitors.points.2025: 'たくさん' is not a number" in result.err
