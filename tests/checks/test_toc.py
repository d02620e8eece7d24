"""check-toc reads only the PDF: correct PDFs pass, altered ones name the entries."""

import json

import pypdf

from utils import edit, run


def check(pdf, brochure, *extra):
    return run("check-toc", pdf, "--brochure", brochure, "--quiet", *extra)


def report(pdf, brochure) -> dict:
    result = check(pdf, brochure, "--json")
    return json.loads(result.out) | {"exit": result.code}


def problems(data: dict) -> list[str]:
    found = [f"{e['entry']}: {p}" for e in data["entries"] for p in e["problems"]]
    found += [f"{r['printed']} on {r['page']:02d}: {p}" for r in data["references"]
              for p in r["problems"]]
    return found + data["problems"]


def rewrite(source, target, order):
    """Write the pages of ``source`` in ``order`` (1-based) to ``target`` with pypdf."""
    reader = pypdf.PdfReader(str(source))
    writer = pypdf.PdfWriter(clone_from=reader)
    pages = [writer.pages[i - 1] for i in order]
    for index in reversed(range(len(writer.pages))):
        writer.remove_page(index, clean=False)
    for page in pages:
        writer.add_page(page)
    with open(target, "wb") as handle:
        writer.write(handle)
    return target


def build(brochure, out):
    result = run("build", "--brochure", brochure, "--out", out, "--quiet")
    assert result.code == 0, result.err
    return out


def test_a_correct_pdf_passes(mini_pdf, mini):
    result = check(mini_pdf, mini)
    assert result.code == 0, result.out + result.err
    assert "3 contents entries and 3 page references on 8 pages: all agree" in result.out
    data = report(mini_pdf, mini)
    assert [(e["entry"], e["contents_says"], e["heading_pages"], e["folio"])
            for e in data["entries"]] == [
        ("第一章 はじまり", "03", [3], "03"), ("第二章 なかほど", "04", [4], "04"),
        ("第三章 おわり", "06", [6], "06")]
    assert [(r["page"], r["printed"], r["target"]) for r in data["references"]] == [
        (3, "P06", "gamma"), (3, "P05", "beta (page 2)"), (4, "P03", "alpha")]




def test_swapped_pages_name_every_affected_entry(mini_pdf, mini, tmp_path):
    swapped = rewrite(mini_pdf, tmp_path / "swapped.pdf", [1, 2, 6, 4, 5, 3, 7, 8])
    data = report(swapped, mini)
    assert problems(data) == [
        "第一章 はじまり: contents says 03, heading is on page 06 (folio 03)",
        "第三章 おわり: contents says 06, heading is on page 03 (folio 06)",
        "P03 on 04: says P03, alpha is on page 06 (folio 03)",
        "P06 on 06: says P06, gamma is on page 03 (folio 06)",
    ]


def test_each_wrong_entry_and_reference_comes_with_a_hint(mini_pdf, mini, tmp_path):
    swapped = rewrite(mini_pdf, tmp_path / "swapped.pdf", [1, 2, 6, 4, 5, 3, 7, 8])
    lines = check(swapped, mini).err.splitlines()
    assert lines[:2] == [
        f"error: {swapped}: 第一章 はじまり: contents says 03, heading is on page 06 (folio 03)",
        "hint: the contents and the folios come from the build: rebuild from this brochure; "
        "if it persists, the entry's heading: must match the heading printed on its page"]
    assert f"error: {swapped}: P03 on page 04: says P03, alpha is on page 06 (folio 03)" \
        in lines
    assert "hint: page references come from [[p:ID]]: rebuild from this brochure, and check " \
        "that the ID names the page definition meant" in lines


def test_a_dropped_page_is_caught(mini_pdf, mini, tmp_path):
    dropped = rewrite(mini_pdf, tmp_path / "dropped.pdf", [1, 2, 3, 4, 6, 7, 8])
    data = report(dropped, mini)
    assert data["exit"] == 1
    assert problems(data) == [
        "第三章 おわり: contents says 06, heading is on page 05 (folio 06)",
        "P06 on 03: says P06, gamma is on page 05 (folio 06)",
        "P05 on 03: points to beta (page 2), which is not in this document",
    ]


def test_a_wrong_contents_number_in_the_source_is_caught(mini, tmp_path):
    # The definition says its heading is on its second page; the layout prints it on the first.
    edit(mini / "pages/beta.yaml", "heading: なかほどの章}", "heading: なかほどの章, page: 2}")
    pdf = build(mini, tmp_path / "wrong.pdf")
    assert problems(report(pdf, mini)) == [
        "第二章 なかほど: contents says 05, heading is on page 04 (folio 04)"]


def test_a_heading_printed_twice_is_caught(mini, tmp_path):
    edit(mini / "pages/delta.yaml", "heading: 付録", "heading: おわりの章")
    pdf = build(mini, tmp_path / "twice.pdf")
    assert problems(report(pdf, mini)) == ["第三章 おわり: its heading appears on pages 06, 07"]


def test_a_reference_to_a_page_that_does_not_exist_is_caught(mini, tmp_path):
    edit(mini / "pages/delta.yaml", "付録のページです。", "付録は▶P12にあります。")
    pdf = build(mini, tmp_path / "past.pdf")
    data = report(pdf, mini)
    assert data["exit"] == 1
    assert problems(data) == ["P12 on page 07 points past the end of this 8-page document"]


def test_a_typed_reference_is_not_trusted(mini, tmp_path):
    edit(mini / "pages/delta.yaml", "付録のページです。", "付録は▶P03を見てください。")
    pdf = build(mini, tmp_path / "typed.pdf")
    assert problems(report(pdf, mini)) == [
        "P03 on page 07 is not generated from the page definitions (typed by hand?), "
        "so nothing proves it"]


def test_a_pdf_not_made_by_this_pipeline_is_a_clear_error(mini, tmp_path):
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    foreign = tmp_path / "foreign.pdf"
    with open(foreign, "wb") as handle:
        writer.write(handle)
    result = check(foreign, mini)
    assert result.code == 1
    assert "no contents page: none of the brochure's 3 entries is printed with a page number" \
        in result.err
    assert "Traceback" not in result.err


def test_a_file_that_is_not_a_pdf_exits_2(mini, tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"this is not a PDF")
    result = check(broken, mini)
    assert result.code == 2
    assert result.err.startswith(f"error: cannot read {broken}")
    assert "hint: is it a PDF? was the build finished?" in result.err
