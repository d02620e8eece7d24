"""Rendering: inline markup is escaped HTML; links and assets are relative."""

import re

import pytest

from pamphlet.markup import format_pages, to_html
from utils import run


def pages(page_id, offset):
    numbers = {"career-path": [19, 20], "realvoice": [29, 30], "pillars": [5, 6]}[page_id]
    return [numbers[offset - 1]] if offset else numbers


def test_markup_is_escaped_and_converted():
    html = to_html("<b>太字</b>は**強調**、{漢字|かんじ}、iAPI^(注)\n次の行", pages)
    assert html == ("&lt;b&gt;太字&lt;/b&gt;は<strong>強調</strong>、"
                    "<ruby>漢字<rt>かんじ</rt></ruby>、iAPI<sup>(注)</sup><br>次の行")


def test_page_references_print_the_guides_way():
    assert to_html("▶[[p:realvoice]]", pages) == \
        '▶<a class="page-ref" href="#def:realvoice:1">P29・30</a>'
    assert to_html("([[p:pillars/1]]参照)", pages) == \
        '(<a class="page-ref" href="#def:pillars:1">P05</a>参照)'
    assert to_html("▶[[p:career-path/2]]", pages) == \
        '▶<a class="page-ref" href="#def:career-path:2">P20</a>'
    assert format_pages([5]) == "P05"


def test_the_html_links_are_relative(mini, tmp_path):
    out = tmp_path / "build" / "mini.pdf"
    assert run("build", "--brochure", mini, "--out", out, "--quiet").code == 0
    html = (tmp_path / "build" / "mini.html").read_text(encoding="utf-8")
    assert 'href="../mini/layouts/plain.css"' in html      # the brochure's own layout first
    urls = re.findall(r'src: url\("([^"]+)"\)', html)
    assert len([u for u in urls if u.endswith(".ttf")]) == 4
    assert [u for u in urls if u.endswith(".icc")]                      # the output intent
    assert all(u.startswith("../") and ":" not in u for u in urls)
    assert "file://" not in html and "http" not in html.replace("http://www.w3.org", "")
    assert '<html lang="ja">' in html


def test_a_picture_a_layout_names_that_cannot_be_read_is_one_error(mini):
    # Layouts may name pictures of their own (a monogram's ring); the page
    # definitions' pictures are checked when they load (test_load.py).
    from pamphlet.diagnostics import PamphletError
    from pamphlet.load import load_brochure
    from pamphlet.options import command_line_options
    from pamphlet.render import _asset_url

    (mini / "assets" / "ring.png").write_bytes(b"\x89PNG not really")
    brochure = load_brochure(command_line_options(mini, mini.parent / "out.pdf"))
    with pytest.raises(PamphletError) as raised:
        _asset_url(brochure, "assets/ring.png", mini.parent)
    (problem,) = raised.value.diagnostics
    assert problem.message.startswith("picture 'assets/ring.png' cannot be read (")
    assert problem.file == mini / "assets" / "ring.png"


@pytest.mark.parametrize("old, new, message, hint", [
    ("series: foreign_entrants\n", "series: foreign_entrantz\n",
     "charts[0].series: no series 'foreign_entrantz' with points in data/isa-statistics.yaml",
     "did you mean 'foreign_entrants'?"),
    ("total: foreign_entrants_total", "total: visitors",
     "charts[0].total: no series 'visitors' with points in data/isa-statistics.yaml", None)])
def test_a_chart_naming_a_series_its_data_lacks_is_one_error_at_the_field(tmp_path, old, new,
                                                                          message, hint):
    from pamphlet.diagnostics import PamphletError
    from pamphlet.render import _chart_data
    from utils import edit

    guide = _guide_copy(tmp_path)
    edit(guide / "pages" / "pillars.yaml", old, new)
    brochure = _load(guide)
    page = brochure.page("pillars")
    with pytest.raises(PamphletError) as raised:
        _chart_data(brochure, page, page.fields["charts"][0])
    (problem,) = raised.value.diagnostics
    assert (problem.file, problem.message) == (guide / "pages" / "pillars.yaml", message)
    assert problem.line is not None
    if hint:
        assert problem.hint == hint


def _guide_copy(tmp_path):
    """A writable copy of the guide's brochure/, reading the project's layouts and fonts."""
    import shutil

    from utils import ROOT
    guide = tmp_path / "brochure"
    shutil.copytree(ROOT / "brochure", guide)
    meta = guide / "brochure.yaml"
    meta.write_text(meta.read_text() + f"layouts: {ROOT / 'layouts'}\nfonts: {ROOT / 'fonts'}\n")
    return guide


def _load(guide):
    from pamphlet.load import load_brochure
    from pamphlet.options import command_line_options
    return load_brochure(command_line_options(guide, guide.parent / "out.pdf"))


@pytest.mark.parametrize("old, new, where", [
    ("  name: 出入国在留管理庁", "  nam: 出入国在留管理庁", ("head", 6)),
    ("    - 総務課 ", "    - {nme: 総務課} ", ("head.units[0]", 8)),
    ("    names:\n      - 成田空港支局", "    names: 7\n    x:\n      - 成田空港支局",
     ("groups[1]", 26))])
def test_organisation_data_the_chart_cannot_read_is_one_error_at_its_line(tmp_path, old, new,
                                                                          where):
    from pamphlet.diagnostics import PamphletError
    from pamphlet.render import _organisation_data
    from utils import edit

    guide = _guide_copy(tmp_path)
    edit(guide / "data" / "organization.yaml", old, new)
    brochure = _load(guide)
    with pytest.raises(PamphletError) as raised:
        _organisation_data(brochure, brochure.page("organisation"))
    (problem,) = raised.value.diagnostics
    assert problem.message == f"{where[0]}: not what the organisation chart reads"
    assert (problem.file, problem.line) == (guide / "data" / "organization.yaml", where[1])


def test_a_single_chart_field_is_named_at_its_own_line(mini, tmp_path):
    """A layout with one `chart:` (not a list of them): its error names chart.series at
    the series' line, not charts[0] at line 1."""
    layouts = mini / "layouts"
    (layouts / "stat.schema.yaml").write_text(
        "pages: 1\nfields:\n  chart: {type: chart, required: true}\n"
        "  data: {type: data, required: true}\n", encoding="utf-8")
    (layouts / "stat.html.j2").write_text(
        '{% import "_macros.html.j2" as m with context %}\n{% call m.sheet(page, 1) %}\n'
        "{{ chart(page, page.fields.chart) }}\n{% endcall %}\n", encoding="utf-8")
    (mini / "data").mkdir()
    (mini / "data" / "visits.yaml").write_text(
        "visitors:\n  points: {2023: {value: 10}, 2024: {value: 12}}\n", encoding="utf-8")
    page = mini / "pages" / "delta.yaml"
    page.write_text("layout: stat\ndata: data/visits.yaml\nchart:\n  title: 来場者\n"
                    "  series: visitorz\n  unit: 人\n", encoding="utf-8")
    result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf")
    assert result.code == 1 and "Traceback" not in result.err
    assert (f"error: {page}:5:11: chart.series: no series 'visitorz' with points in "
            "data/visits.yaml\nhint: did you mean 'visitors'?\n") in result.err, result.err


def test_a_template_that_fails_on_the_data_is_one_error_at_its_line(mini, tmp_path):
    template = mini / "layouts" / "plain.html.j2"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("{% call m.sheet(page, 1) %}\n",
                                     "{% call m.sheet(page, 1) %}\n{{ page.fields.heading + 1 }}\n"),
                        encoding="utf-8")
    result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf")
    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert f"error: {template}:3: layout error on page definition 'alpha': TypeError: " \
        in result.err, result.err
