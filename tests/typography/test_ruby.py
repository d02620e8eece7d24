"""ruby.py: <ruby> gets the base <rb> and class that typography.css sets above the line."""

from pamphlet.typography import process


def body(html: str) -> str:
    out = process(f"<html><body>{html}</body></html>")
    return out[out.index("<body>") + 6:out.index("</body>")]


def test_ruby_gets_a_base_element_and_its_class():
    assert body("<p><ruby>漢字<rt>かんじ</rt></ruby></p>") == \
        '<p><ruby class="ruby"><rb>漢字</rb><rt>かんじ</rt></ruby></p>'


def test_ruby_gets_no_spacing_marks():
    assert body("<p><ruby>第2<rt>だいに</rt></ruby></p>") == \
        '<p><ruby class="ruby"><rb>第2</rb><rt>だいに</rt></ruby></p>'
