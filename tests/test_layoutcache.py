"""A warm process lays out only the edited definition, and writes the same PDF as a cold build."""

import hashlib

from pamphlet.build import build
from pamphlet.layoutcache import LayoutCache
from pamphlet.options import command_line_options
from utils import edit, pdf_text, squeeze


def test_a_one_page_edit_relays_one_definition_and_matches_a_cold_build(mini, tmp_path):
    cache = LayoutCache()
    warm = command_line_options(mini, tmp_path / "pamphlet.pdf")
    build(warm, cache)
    assert (cache.hits, cache.misses) == (0, 7)

    edit(mini / "pages/gamma.yaml", "最後の章です。", "書き直した最後の章です。")
    result = build(warm, cache)
    assert (cache.hits, cache.misses) == (6, 8)      # six reused, gamma laid out again
    assert "書き直した最後の章です。" in squeeze("".join(pdf_text(result.pdf)))

    warm_bytes = result.pdf.read_bytes()
    cold = build(command_line_options(mini, tmp_path / "pamphlet.pdf"))   # no cache
    assert hashlib.sha256(cold.pdf.read_bytes()).digest() == hashlib.sha256(warm_bytes).digest()


def test_a_style_change_lays_everything_out_again(mini, tmp_path):
    cache = LayoutCache()
    options = command_line_options(mini, tmp_path / "pamphlet.pdf")
    build(options, cache)
    css = mini / "layouts" / "plain.css"
    css.write_text(css.read_text() + "\n.sheet .t-heading { letter-spacing: 0.1em; }\n")
    build(options, cache)
    assert cache.hits == 0
