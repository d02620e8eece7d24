"""pamphlet diff on real PDFs built from the mini brochure: what changed, and nothing else."""

import re

from diff.pdfs import differences, diff, nudge, splice, text_changes
from utils import run


def test_identical_pdfs_change_nothing_and_render_nothing(mini_pdf, again_pdf):
    # again.pdf is a second build: same pages, another file name in its slug line.
    result = run("diff", mini_pdf, again_pdf, "--quiet")
    assert (result.code, result.out, result.err) == (0, "0 of 8 pages changed\n", "")
    _, data = diff(mini_pdf, again_pdf)
    assert data["summary"] == {"same": 8, "changed": 0, "added": 0, "removed": 0}
    assert data["rendered"] == {"old": 0, "new": 0}
    assert [(p["old_page"], p["new_page"]) for p in data["pages"]] == [(n, n) for n in range(1, 9)]


def test_one_word_changed_is_that_page_with_that_word(mini_pdf, word):
    result, data = diff(mini_pdf, word[1])
    assert result.code == 1
    assert differences(data) == [("changed", 3, 3)]
    page = data["pages"][2]
    assert text_changes(page) == [("replace", "段落", "文章")]
    assert page["text"]["changes"][0]["before"].endswith("二つ目の")
    assert 0 < page["changed_fraction"] < 0.01
    assert data["rendered"] == {"old": 1, "new": 1}
    assert re.fullmatch(r"1 of 8 pages changed: 3 \((<0\.1|\d\.\d) %\)\n",
                        run("diff", mini_pdf, word[1], "--quiet").out)


def test_the_changed_word_is_inside_a_changed_region(mini_pdf, word):
    page = diff(mini_pdf, word[1])[1]["pages"][2]
    x, y, width, height = page["text"]["changes"][0]["box_mm"]
    assert any(rx - 1 <= x and x + width <= rx + rw + 1 and ry - 1 <= y and y + height <= ry + rh + 1
               for rx, ry, rw, rh in (r["box_mm"] for r in page["regions"]))


def test_a_colour_change_is_found_by_pixels_with_no_text_change(colour_pdfs):
    result, data = diff(*colour_pdfs)
    assert result.code == 1
    assert differences(data) == [("changed", 6, 6)]
    page = data["pages"][5]
    assert text_changes(page) == []
    [region] = page["regions"]
    assert abs(region["box_mm"][2] - 40) < 1 and abs(region["box_mm"][3] - 20) < 1   # box.svg


def test_anti_aliasing_alone_is_not_a_change(mini_pdf, tmp_path):
    # The same page drawn half a pixel away (at 96 dpi): every edge anti-aliased anew.
    nudged = nudge(mini_pdf, 3, 0.37, -0.29, tmp_path / "nudged.pdf")
    result, data = diff(mini_pdf, nudged)
    assert (result.code, differences(data)) == (0, [])
    assert data["rendered"] == {"old": 1, "new": 1}         # looked at, and found the same


def test_a_real_move_is_a_change(mini_pdf, tmp_path):
    moved = nudge(mini_pdf, 3, 3, 0, tmp_path / "moved.pdf")
    result, data = diff(mini_pdf, moved)
    assert (result.code, differences(data)) == (1, [("changed", 3, 3)])
    assert text_changes(data["pages"][2]) == []


def test_an_inserted_and_a_removed_page_leave_the_others_paired(mini_pdf, inserted_pdf, tmp_path):
    # Page 4 of inserted.pdf is new; old page 7 (delta) is left out; nothing else moves.
    pages = [(mini_pdf, 1), (mini_pdf, 2), (mini_pdf, 3), (inserted_pdf, 4), (mini_pdf, 4),
             (mini_pdf, 5), (mini_pdf, 6), (mini_pdf, 8)]
    spliced = splice(pages, tmp_path / "spliced.pdf")
    result, data = diff(mini_pdf, spliced)
    assert result.code == 1
    assert [(p["status"], p["old_page"], p["new_page"]) for p in data["pages"]] == [
        ("same", 1, 1), ("same", 2, 2), ("same", 3, 3), ("added", None, 4), ("same", 4, 5),
        ("same", 5, 6), ("same", 6, 7), ("removed", 7, None), ("same", 8, 8)]
    assert data["rendered"] == {"old": 1, "new": 1}
    assert data["pages"][3]["text"]["excerpt"].startswith("さしこみの章")
    assert run("diff", mini_pdf, spliced, "--quiet").out == \
        "2 of 8 pages changed: 4 (added), old 7 (removed)\n"


def test_after_an_insertion_pages_meet_their_true_counterparts(mini_pdf, inserted_pdf):
    # Built from the brochure: the pages after the new one are renumbered, so their
    # folios, the contents and alpha's references really changed, and a page that
    # turns from verso to recto takes the other margins; nothing else changed.
    result, data = diff(mini_pdf, inserted_pdf)
    assert result.code == 1
    assert differences(data) == [
        ("changed", 2, 2), ("changed", 3, 3), ("added", None, 4), ("changed", 4, 5),
        ("changed", 5, 6), ("changed", 6, 7), ("removed", 7, None)]
    pages = {p["new_page"]: p for p in data["pages"] if p["new_page"]}
    assert text_changes(pages[2]) == [("replace", "04", "05"), ("replace", "06", "07")]
    assert text_changes(pages[3]) == [("replace", "P06と(P05", "P07と(P06")]
    # The folio moves to the other side of the spread with the page number.
    for old, new in ((4, 5), (5, 6), (6, 7)):
        assert sorted(text_changes(pages[new])) == [
            ("delete", f"{old:02d}", ""), ("insert", "", f"{new:02d}")]


def test_ignore_boxes_mask_what_is_meant_to_change(mini_pdf, word):
    # The changed word's line, on every page (*) or on page 3; on page 4 it masks nothing.
    result, data = diff(mini_pdf, word[1], "--ignore", "*:15,38.5,120,6")
    assert (result.code, differences(data)) == (0, [])
    assert data["options"]["ignore"] == [
        {"page": None, "box_mm": [15.0, 38.5, 120.0, 6.0], "from": "--ignore *:15,38.5,120,6"}]
    assert diff(mini_pdf, word[1], "--ignore", "3:15,38.5,120,6")[0].code == 0
    assert differences(diff(mini_pdf, word[1], "--ignore", "4:15,38.5,120,6")[1]) == [
        ("changed", 3, 3)]


def test_ignore_boxes_declared_in_the_brochure(mini_pdf, word):
    brochure, pdf = word
    assert diff(mini_pdf, pdf)[0].code == 1
    result, data = diff(mini_pdf, pdf, "--brochure", brochure)
    assert (result.code, differences(data)) == (0, [])
    assert data["pages"][2]["ignored"] == [
        {"box_mm": [15.0, 38.5, 120.0, 6.0], "from": "alpha.yaml ignore[0]"}]


def test_the_report_is_written_for_the_changed_pages_only(mini_pdf, word, tmp_path):
    result = run("diff", mini_pdf, word[1], "--report", tmp_path / "report", "--quiet")
    assert result.code == 1
    files = sorted(p.relative_to(tmp_path / "report").as_posix()
                   for p in (tmp_path / "report").rglob("*") if p.is_file())
    assert files == ["img/n003-diff.png", "img/n003-new.jpg", "img/n003-old.jpg",
                     "img/n003-thumb.jpg", "index.html", "report.json"]
    html = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "<del>段落</del><ins>文章</ins>" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)     # offline
    (tmp_path / "report" / "img" / "mine.png").write_bytes(b"not the report's")
    assert run("diff", mini_pdf, mini_pdf, "--report", tmp_path / "report", "--quiet").code == 0
    assert sorted(p.name for p in (tmp_path / "report" / "img").iterdir()) == ["mine.png"]


def test_an_unreadable_pdf_is_exit_2_with_a_clear_message(mini_pdf, tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(mini_pdf.read_bytes()[:2000])
    result = run("diff", mini_pdf, broken, "--quiet")
    assert result.code == 2
    assert result.err.startswith(f"error: cannot read {broken}: damaged PDF (")
    assert result.err.endswith("hint: was the build finished?\n")
    text = tmp_path / "notes.pdf"
    text.write_text("hello", encoding="utf-8")
    assert run("diff", text, mini_pdf, "--quiet").err == (
        f"error: cannot read {text}: not a PDF (it does not start with %PDF-)\n"
        "hint: is it a PDF? was the build finished?\n")
    missing = run("diff", tmp_path / "missing.pdf", mini_pdf, "--quiet")
    assert (missing.code, missing.err) == (
        2, f"error: cannot read {tmp_path / 'missing.pdf'}: no such file\nhint: check the path\n")


def test_a_malformed_ignore_box_is_a_usage_error(mini_pdf):
    result = run("diff", mini_pdf, mini_pdf, "--ignore", "3:10,20,30")
    assert result.code == 2
    assert ("argument --ignore: '3:10,20,30' is not PAGE:x,y,w,h (mm from the trim's top "
            "left), e.g. 7:10,270,60,12") in result.err


def test_a_brochure_that_does_not_load_is_exit_2(mini_pdf, tmp_path):
    result = run("diff", mini_pdf, mini_pdf, "--brochure", tmp_path, "--quiet")
    assert (result.code, result.out) == (2, "")
    assert result.err == (f"error: {tmp_path / 'brochure.yaml'}: no brochure.yaml in {tmp_path}\n"
                          "hint: run from the project folder or pass --brochure DIR\n")
