"""Bad input: one clear error at the file, line and field, exit 1, nothing lost."""

import pytest

from utils import ROOT, copy_brochure, edit, run

# (file, text to replace, replacement, the exact error lines after the brochure folder)
BAD_INPUTS = {
    "yaml syntax": (
        "pages/alpha.yaml", "\nheading: はじまりの章", "\nheading: [はじまりの章",
        "pages/alpha.yaml:4:10: YAML syntax error: unclosed flow sequence: expected ',' or ']', "
        "but got ':' at line 5, column 5",
        "check indentation and quoting on this line; quote text that starts with 「 [ { * or "
        "contains ': '"),
    "unknown layout": (
        "pages/alpha.yaml", "layout: plain", "layout: plian",
        "pages/alpha.yaml:1:9: unknown layout 'plian'", "did you mean 'plain'?"),
    "missing required field": (
        "pages/gamma.yaml", "\nheading: おわりの章\n", "\n",
        "pages/gamma.yaml:1:1: missing required field 'heading'", "add `heading:` (text)"),
    "wrong type": (
        "pages/gamma.yaml", "body:\n  - 最後の章です。", "body: {a: 1}",
        "pages/gamma.yaml:5:7: body must be a list, not a mapping",
        "write each item on its own line starting with `- `"),
    "not a number": (
        "pages/gamma.yaml", "\nheading: おわりの章", "\nheading: おわりの章\ncount: many",
        "pages/gamma.yaml:5:8: count must be a whole number, not the text 'many'",
        "write digits only, e.g. `3`"),
    "trim not a length": (
        "brochure.yaml", "trim: {width: 210mm,", "trim: {width: abc,",
        "brochure.yaml:6:15: trim.width 'abc' is not a length",
        "write a number and a unit, e.g. 210mm, 14.8cm or 3mm"),
    "css in the trim": (
        "brochure.yaml", "trim: {width: 210mm,",
        'trim: {width: "210mm; } @font-face { src: url(file:///tmp/f.ttf) } @page { size: 210mm",',
        "brochure.yaml:6:15: trim.width '210mm; } @font-face { src: url(file:///tmp/f.ttf) } "
        "@page { size: 210mm' is not a length",
        "write a number and a unit, e.g. 210mm, 14.8cm or 3mm"),
    "negative bleed": (
        "brochure.yaml", "bleed: 3mm", "bleed: -3mm",
        "brochure.yaml:7:8: bleed '-3mm' is not a length",
        "write a number and a unit, e.g. 210mm, 14.8cm or 3mm"),
    "bleed too wide": (
        "brochure.yaml", "bleed: 3mm", "bleed: 3cm",
        "brochure.yaml:7:8: bleed 3cm is outside 0–20 mm",
        "A5 is 148 × 210 mm, B5 182 × 257 mm; bleed is usually 3mm"),
    "a page definition out of the folder": (
        "brochure.yaml", "  - back", "  - ../../../../tmp/evil-cover",
        "brochure.yaml:18:5: page definition '../../../../tmp/evil-cover' is not a file in pages/",
        "name a file under brochure/pages/ without .yaml (no folders, no links out)"),
    "layout as a list": (
        "pages/alpha.yaml", "layout: plain", "layout: [plain, twopage]",
        "pages/alpha.yaml:1:9: layout must be the name of one layout, not a list or mapping",
        "write `layout: NAME` with the name of one layout in layouts/"),
    "no pages": (
        "brochure.yaml", "pages:\n  - front\n  - contents\n  - alpha\n  - beta\n  - gamma\n"
        "  - delta\n  - back\n", "pages: []\n",
        "brochure.yaml:11:8: pages lists no page definition",
        "list the files under pages/, in order, e.g. `- cover`"),
    "a text longer than any page": (
        "pages/gamma.yaml", "body:\n  - 最後の章です。", "body:\n  - " + "a" * 1_000_000,
        "pages/gamma.yaml:6:5: body[0] is 1,000,000 characters, more than any page holds "
        "(10,000)", "split it over page definitions"),
    "a list longer than any layout": (
        "pages/gamma.yaml", "body:\n  - 最後の章です。", "body: [" + ", ".join(["x"] * 5000) + "]",
        "pages/gamma.yaml:5:7: body lists 5,000 items, more than any layout sets (1,000)",
        "split it over page definitions"),
    "overprint not true or false": (
        "brochure.yaml", "bleed: 3mm", "bleed: 3mm\noverprint: yes please",
        "brochure.yaml:8:12: overprint must be true or false, not the text 'yes please'",
        "write `true` or `false`"),
    "unknown key": (
        "pages/gamma.yaml", "\nheading: おわりの章", "\nheading: おわりの章\nheadnig: x",
        "pages/gamma.yaml:5:1: unknown field 'headnig'", "did you mean 'heading'?"),
    "missing image": (
        "pages/gamma.yaml", "\nheading: おわりの章", "\nheading: おわりの章\nimage: assets/bx.svg",
        "pages/gamma.yaml:5:8: image: file 'assets/bx.svg' not found",
        "did you mean 'assets/box.svg'?"),
    "path out of the project": (
        "pages/gamma.yaml", "\nheading: おわりの章", "\nheading: おわりの章\nimage: ../../etc/passwd",
        "pages/gamma.yaml:5:8: image: '../../etc/passwd' leaves the project",
        "assets live under brochure/; write a path relative to brochure/, e.g. "
        "assets/art/cover.svg"),
    "absolute path": (
        "pages/gamma.yaml", "\nheading: おわりの章", "\nheading: おわりの章\nimage: /etc/passwd",
        "pages/gamma.yaml:5:8: image: '/etc/passwd' leaves the project",
        "assets live under brochure/; write a path relative to brochure/, e.g. "
        "assets/art/cover.svg"),
    "file url": (
        "pages/gamma.yaml", "\nheading: おわりの章", "\nheading: おわりの章\nimage: file:///etc/passwd",
        "pages/gamma.yaml:5:8: image: 'file:///etc/passwd' is a URL; the build never reads the "
        "network or absolute locations",
        "copy the file into brochure/assets/ and write its path relative to brochure/"),
    "http url": (
        "pages/gamma.yaml", "\nheading: おわりの章",
        "\nheading: おわりの章\nimage: http://example.com/a.png",
        "pages/gamma.yaml:5:8: image: 'http://example.com/a.png' is a URL; the build never reads "
        "the network or absolute locations",
        "copy the file into brochure/assets/ and write its path relative to brochure/"),
    "duplicate page id": (
        "pages/gamma.yaml", "layout: plain", "layout: plain\nid: alpha",
        "pages/gamma.yaml:2:5: duplicate page id 'alpha' (also in alpha.yaml)",
        "give every page definition its own id"),
    "missing glyph": (
        "pages/gamma.yaml", "最後の章です。", "最後の章です𓀀。",
        "pages/gamma.yaml:6:5: body[0]: character '𓀀' (U+13000) is in no font of fonts/",
        "use another character, or add a font that has it to fonts/manifest.yaml"),
    "missing glyphs": (
        "pages/gamma.yaml", "最後の章です。", "最後の章です𓀁𓀀𓀁。",
        "pages/gamma.yaml:6:5: body[0]: characters '𓀀', '𓀁' (U+13000, U+13001) are in no font "
        "of fonts/",
        "use another character, or add a font that has it to fonts/manifest.yaml"),
    "layout syntax error": (
        "layouts/plain.html.j2", "{{ at(page, ('heading',)) }}", "{{ (at(page, ('heading',)) }}",
        "layouts/plain.html.j2:4: layout error: unexpected '}', expected ')'",
        "fix the template in layouts/ (or your override of it)"),
    "unknown page reference": (
        "pages/gamma.yaml", "最後の章です。", "最後の章です▶[[p:gama]]。",
        "pages/gamma.yaml:6:5: body[0]: page reference to unknown page 'gama'",
        "did you mean 'gamma'?"),
    "page count not a multiple of 4": (
        "brochure.yaml", "  - delta\n", "",
        "brochure.yaml:12:3: saddle stitch needs a multiple of 4 pages; these definitions make 7",
        "add or remove pages to reach 8 (a blank page counts)"),
    "missing page file": (
        "brochure.yaml", "  - delta\n", "  - detla\n",
        "brochure.yaml:17:5: page definition 'detla' not found: pages/detla.yaml",
        "did you mean 'delta'?"),
    # brochure.yaml itself: its fields, their values and their choices
    "brochure.yaml: unknown binding": (
        "brochure.yaml", "binding: saddle-stitch", "binding: stapled",
        "brochure.yaml:8:10: unknown binding 'stapled'", "use one of: saddle-stitch, perfect, none"),
    "brochure.yaml: unknown side": (
        "brochure.yaml", "binding: saddle-stitch", "binding: saddle-stitch\nside: top",
        "brochure.yaml:9:7: unknown binding side 'top'",
        "use left (horizontal text) or right (右綴じ, vertical text)"),
    "brochure.yaml: key twice": (
        "brochure.yaml", "language: ja", "language: ja\nlanguage: en",
        "brochure.yaml:5:1: duplicate key 'language'", "each key may appear once in a mapping"),
    "brochure.yaml: not a date": (
        "brochure.yaml", "date: 2025-03-01", "date: someday",
        "brochure.yaml:5:7: date must be a date, not the text 'someday'",
        "write it as YYYY-MM-DD, e.g. 2025-03-01"),
    "brochure.yaml: trim as a word": (
        "brochure.yaml", "trim: {width: 210mm, height: 297mm}", "trim: A9",
        "brochure.yaml:6:7: trim must be a mapping of fields, not the text 'A9'",
        "write `key: value` lines indented under it"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_bad_input_is_one_clear_error_and_keeps_the_last_pdf(mini, case):
    file, old, new, error, hint = BAD_INPUTS[case]
    edit(mini / file, old, new)
    previous = mini.parent / "out.pdf"
    previous.write_bytes(b"%PDF-1.7 the last good build")

    result = run("build", "--brochure", mini, "--out", previous, "--quiet")

    assert result.code == 1
    assert result.err.splitlines() == [f"error: {mini}/{error}", f"hint: {hint}"]
    assert "Traceback" not in result.err
    assert previous.read_bytes() == b"%PDF-1.7 the last good build"


def test_a_misspelt_brochure_yaml_field_is_named_with_a_suggestion(mini, tmp_path):
    edit(mini / "brochure.yaml", "title: テスト冊子", "titel: テスト冊子")
    result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf", "--quiet")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.splitlines() == [
        f"error: {mini}/brochure.yaml:2:1: unknown field 'titel'", "hint: did you mean 'title'?",
        f"error: {mini}/brochure.yaml:2:1: missing required field 'title'",
        "hint: add `title:` (the document title)"]


def test_a_manifest_without_fonts_is_one_error(mini, tmp_path):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "manifest.yaml").write_text("fonts: []\n")
    edit(mini / "brochure.yaml", f"fonts: {ROOT / 'fonts'}", f"fonts: {fonts}")
    result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf", "--quiet")
    assert result.code == 1
    assert result.err.splitlines() == [
        f"error: {fonts}/manifest.yaml:1:8: fonts/manifest.yaml lists no fonts",
        "hint: list each font: family, weight, file, sha256"]


def test_every_problem_in_a_file_is_reported_at_once(mini):
    edit(mini / "pages/gamma.yaml", "\nheading: おわりの章", "\nheadnig: おわりの章\ncount: x")
    result = run("build", "--brochure", mini, "--out", mini.parent / "out.pdf", "--quiet")
    errors = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert [e.split(": ", 2)[2] for e in errors] == [
        "unknown field 'headnig'",
        "missing required field 'heading'",
        "count must be a whole number, not the text 'x'",
    ]


def test_debug_shows_the_traceback(mini):
    edit(mini / "pages/alpha.yaml", "layout: plain", "layout: plian")
    with pytest.raises(Exception, match="unknown layout 'plian'"):
        from pamphlet.cli import main
        main(["build", "--brochure", str(mini), "--out", str(mini.parent / "o.pdf"), "--debug"])


def test_pages_are_numbered_in_order_with_spreads(mini):
    from pamphlet.load import load_brochure
    from pamphlet.options import command_line_options

    brochure = load_brochure(command_line_options(mini))
    assert [(p.id, p.numbers) for p in brochure.pages] == [
        ("front", [1]), ("contents", [2]), ("alpha", [3]), ("beta", [4, 5]),
        ("gamma", [6]), ("delta", [7]), ("back", [8])]
    assert [(e.entry, e.page) for e in brochure.toc()] == [
        ("第一章 はじまり", 3), ("第二章 なかほど", 4), ("第三章 おわり", 6)]


def test_a_picture_not_yet_supplied_is_a_warning_not_an_error(mini, tmp_path):
    result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf")
    assert result.code == 0
    warnings = [line for line in result.err.splitlines() if line.startswith("warning:")]
    assert warnings == [f"warning: {mini}/pages/delta.yaml:6:10: picture: FPO placeholder "
                        "('地図'): no picture yet"]


@pytest.mark.parametrize("name, content, reason", [
    ("broken.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect', "unclosed token"),
    ("broken.png", b"\x89PNG not really", "cannot identify image file")])
def test_a_picture_that_cannot_be_read_is_one_error_at_its_field(mini, tmp_path, name, content,
                                                                 reason):
    (mini / "assets" / name).write_bytes(content)
    edit(mini / "pages/delta.yaml", "image: assets/photo.png", f"image: assets/{name}")
    result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf", "--quiet")
    assert result.code == 1
    error, hint = result.err.splitlines()
    assert error.startswith(f"error: {mini}/pages/delta.yaml:3:8: image: 'assets/{name}' is not "
                            "a picture that can be read (") and reason in error
    assert hint == "hint: export it again as SVG, PNG, JPEG or TIFF; WeasyPrint would leave its " \
                   "frame empty"


def test_a_profile_of_no_registered_condition_is_one_error_at_its_line(mini):
    from PIL import ImageCms

    (mini / "own.icc").write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    meta = mini / "brochure.yaml"
    lines = [("output_profile: own.icc" if line.startswith("output_profile:") else line)
             for line in meta.read_text(encoding="utf-8").splitlines()]
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = lines.index("output_profile: own.icc") + 1

    result = run("build", "--brochure", mini, "--out", mini.parent / "out.pdf", "--quiet")

    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.splitlines()[0] == (
        f"error: {mini}/brochure.yaml:{line}:17: cannot tell which registered printing "
        "condition own.icc characterises (PDF/X names it for the RIP)")
    assert "output_condition: {identifier: NAME}" in result.err


@pytest.mark.parametrize("key, value", [("layouts", "/tmp"), ("fonts", "/tmp"),
                                        ("output_profile", "/etc/passwd")])
def test_folders_outside_the_project_are_refused_at_their_line(mini, tmp_path, key, value):
    meta = mini / "brochure.yaml"
    lines = [f"{key}: {value}" if line.startswith(f"{key}:") else line
             for line in meta.read_text(encoding="utf-8").splitlines()]
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = lines.index(f"{key}: {value}") + 1

    result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf", "--quiet")

    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert result.err.splitlines()[0] == (
        f"error: {mini}/brochure.yaml:{line}:{len(key) + 3}: {key} {value} is outside the "
        f"project ({mini.resolve().parent})")


def test_a_page_definition_linked_from_outside_is_refused(mini, tmp_path):
    outside = tmp_path / "evil.yaml"
    outside.write_text((mini / "pages" / "back.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (mini / "pages" / "back.yaml").unlink()
    (mini / "pages" / "back.yaml").symlink_to(outside)

    result = run("build", "--brochure", mini, "--out", tmp_path / "out.pdf", "--quiet")

    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.splitlines()[0] == (
        f"error: {mini}/brochure.yaml:18:5: page definition 'back' is not a file in pages/")


def test_a_brochure_layout_sees_the_kits_types_and_an_unknown_type_is_an_error(tmp_path):
    """The kit's named types (paragraphs …) serve a brochure's own layouts; a type nobody
    defines is one error at the schema's line, not a traceback."""
    mini = copy_brochure(tmp_path)
    schema = mini / "layouts" / "plain.schema.yaml"
    text = schema.read_text(encoding="utf-8")
    schema.write_text(text + "  extra: {type: paragraphs}\n", encoding="utf-8")
    assert run("build", "--brochure", mini, "--out", tmp_path / "a.pdf").code == 0
    schema.write_text(text + "  extra: {type: paragrafs}\n", encoding="utf-8")
    result = run("build", "--brochure", mini, "--out", tmp_path / "b.pdf")
    line = len(text.splitlines()) + 1
    assert result.code == 1 and "Traceback" not in result.err
    assert (f"error: {schema}:{line}:17: unknown field type 'paragrafs' at fields.extra\n"
            "hint: did you mean 'paragraphs'?\n") in result.err, result.err


def test_a_schema_default_fills_a_missing_field_in_maps_and_lists(tmp_path):
    mini = copy_brochure(tmp_path)
    schema = mini / "layouts" / "plain.schema.yaml"
    schema.write_text(schema.read_text(encoding="utf-8") +
                      "  label: {type: plain, default: お知らせ}\n"
                      "  rows: {type: list, items: {type: map, fields: "
                      "{unit: {type: plain, default: 円}, price: {type: int}}}}\n",
                      encoding="utf-8")
    page = mini / "pages" / "alpha.yaml"
    page.write_text(page.read_text(encoding="utf-8") +
                    "rows:\n  - {price: 100}\n  - {price: 200, unit: ドル}\n", encoding="utf-8")
    from pamphlet.load import load_brochure
    from pamphlet.options import command_line_options
    fields = load_brochure(command_line_options(mini, tmp_path / "o.pdf")).page("alpha").fields
    assert fields["label"] == "お知らせ"
    assert fields["rows"] == [{"price": 100, "unit": "円"}, {"price": 200, "unit": "ドル"}]
