"""pamphlet approve and comment: what they write, what a later PDF makes stale, and bad input."""

import shutil

import pytest
import yaml

from pamphlet.review import stale_approvals
from utils import run

WHO = ("--by", "山田", "--at", "2025-02-20T10:00:00+09:00")


def test_approving_writes_who_when_which_pdf_and_each_pages_digest(mini_pdf, tmp_path):
    approvals = tmp_path / "review" / "approvals.yaml"
    result = run("approve", mini_pdf, "--pages", "3,5-6", "--file", approvals, *WHO)
    assert result.code == 0, result.err
    assert result.out.startswith("approved pages 3,5-6 of ")
    [entry] = yaml.safe_load(approvals.read_text(encoding="utf-8"))["approvals"]
    assert (entry["by"], entry["at"], entry["whole"]) == ("山田", "2025-02-20T10:00:00+09:00",
                                                          False)
    assert [(p["page"], p["definition"], p["offset"]) for p in entry["pages"]] == [
        (3, "alpha", 1), (5, "beta", 2), (6, "gamma", 1)]
    assert len(entry["sha256"]) == 64 and all(len(p["digest"]) == 32 for p in entry["pages"])
    assert stale_approvals(mini_pdf, approvals) == []


def test_a_rebuild_keeps_approvals_and_an_edit_makes_them_stale(mini_pdf, again_pdf, word,
                                                                tmp_path):
    approvals = tmp_path / "approvals.yaml"
    assert run("approve", mini_pdf, "--file", approvals, *WHO, "--quiet").code == 0
    assert stale_approvals(again_pdf, approvals) == []            # built again: same pages
    [stale] = stale_approvals(word[1], approvals)
    assert (stale["page"], stale["definition"], stale["why"], stale["by"]) == (
        3, "alpha", "changed since approval", "山田")
    # A later approval of the page is the one that counts.
    assert run("approve", word[1], "--pages", "3", "--file", approvals, *WHO, "--quiet").code == 0
    assert stale_approvals(word[1], approvals) == []


def test_a_comment_is_pinned_on_the_field_under_it(mini_pdf, tmp_path):
    approvals = tmp_path / "approvals.yaml"
    result = run("comment", mini_pdf, "--page", "3", "--box", "15,38,40,6", "--text", "語尾を統一",
                 "--file", approvals, *WHO)
    assert result.code == 0, result.err
    assert result.out == f"comment 1 on page 3 on body[1]: {tmp_path / 'comments.yaml'}\n"
    [entry] = yaml.safe_load((tmp_path / "comments.yaml").read_text(encoding="utf-8"))["comments"]
    assert (entry["definition"], entry["field"], entry["box"]) == ("alpha", "body[1]",
                                                                   [15.0, 38.0, 40.0, 6.0])


def test_a_page_not_in_the_pdf_is_one_error(mini_pdf, tmp_path):
    result = run("approve", mini_pdf, "--pages", "9", "--file", tmp_path / "a.yaml", *WHO)
    assert result.code == 1 and result.out == ""
    assert result.err.splitlines() == [
        f"error: {mini_pdf}: page 9 is not in mini.pdf (8 pages)",
        "hint: name pages 1 to 8, e.g. --pages 3,5-7"]
    assert not (tmp_path / "a.yaml").exists()


def test_a_broken_approvals_file_is_one_error_at_its_line(mini_pdf, inserted_pdf, tmp_path):
    approvals = tmp_path / "approvals.yaml"
    assert run("approve", mini_pdf, "--pages", "3", "--file", approvals, *WHO, "--quiet").code == 0
    text = approvals.read_text(encoding="utf-8")
    approvals.write_text(text.replace("- by: 山田\n", "- by: 山田\n  approver: 田中\n"),
                         encoding="utf-8")
    line = approvals.read_text(encoding="utf-8").splitlines().index("  approver: 田中") + 1
    result = run("approve", mini_pdf, "--file", approvals, *WHO)
    assert result.code == 1
    assert result.err.splitlines() == [
        f"error: {approvals}:{line}:3: approvals[0] has an unknown key 'approver'",
        "hint: the keys are at, by, digests, pages, pdf, sha256, whole"]
    # pamphlet diff says the same, with its own exit code for errors, and no report.
    result = run("diff", mini_pdf, inserted_pdf, "--approvals", approvals, "--report",
                 tmp_path / "report")
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines()[0] == (f"error: {approvals}:{line}:3: approvals[0] has an "
                                          "unknown key 'approver'")
    assert "Traceback" not in result.err and not (tmp_path / "report").exists()


def test_a_comment_box_that_is_not_a_box_is_one_error(mini_pdf, tmp_path):
    comments = tmp_path / "comments.yaml"
    comments.write_text("comments:\n  - {id: 1, by: a, at: b, text: c, page: 3,\n"
                        "     box: [1, 2, 3]}\n", encoding="utf-8")
    result = run("diff", mini_pdf, mini_pdf, "--approvals", tmp_path / "approvals.yaml")
    assert result.code == 2
    assert result.err.splitlines() == [
        f"error: {comments}:3:11: comments[0].box is [1, 2, 3], not a box",
        "hint: write [x, y, width, height] in mm from the trim's top left, e.g. [20, 40, 60, 15]"]


def test_the_summary_of_a_copy_of_the_approvals_is_reproducible(mini_pdf, inserted_pdf, tmp_path):
    approvals = tmp_path / "approvals.yaml"
    assert run("approve", mini_pdf, "--pages", "3", "--file", approvals, *WHO, "--quiet").code == 0
    reports = []
    for name in ("one", "two"):
        run("diff", mini_pdf, inserted_pdf, "--approvals", approvals, "--report", tmp_path / name,
            "--quiet")
        reports.append({p.relative_to(tmp_path / name): p.read_bytes()
                        for p in sorted((tmp_path / name).rglob("*")) if p.is_file()})
    assert reports[0] == reports[1]
    shutil.rmtree(tmp_path / "one")


def test_an_approval_made_with_other_page_digests_cannot_be_trusted(mini_pdf, tmp_path):
    approvals = tmp_path / "approvals.yaml"
    assert run("approve", mini_pdf, "--pages", "3", "--file", approvals, *WHO, "--quiet").code == 0
    text = approvals.read_text(encoding="utf-8")
    approvals.write_text(text.replace("digests: pamphlet-page/", "digests: pamphlet-page/old-"),
                         encoding="utf-8")
    [stale] = stale_approvals(mini_pdf, approvals)
    assert stale["why"] == ("approved with another pamphlet's page digests: cannot tell, "
                            "approve it again")


@pytest.mark.parametrize("bad", ["missing", "text", "box-nan", "file-is-a-folder",
                                 "folder-is-a-file"])
def test_bad_input_to_approve_and_comment_is_one_error(mini_pdf, tmp_path, bad):
    pdf, approvals, box = mini_pdf, tmp_path / "approvals.yaml", "15,38,40,6"
    if bad == "missing":
        pdf = tmp_path / "missing.pdf"
    elif bad == "text":
        pdf = tmp_path / "text.pdf"
        pdf.write_text("not a PDF", encoding="utf-8")
    elif bad == "box-nan":
        box = "15,38,nan,6"
    elif bad == "file-is-a-folder":
        approvals.mkdir()
        (tmp_path / "comments.yaml").mkdir()
    else:
        (tmp_path / "review").write_text("a file", encoding="utf-8")
        approvals = tmp_path / "review" / "approvals.yaml"
    for command in (["approve", pdf, "--file", approvals, *WHO],
                    ["comment", pdf, "--page", "3", "--box", box, "--text", "x",
                     "--file", approvals, *WHO]):
        if bad == "box-nan" and command[0] == "approve":
            continue
        result = run(*command)
        lines = result.err.splitlines()
        assert result.code != 0 and result.out == "", (command, result.err)
        assert "Traceback" not in result.err and "internal error" not in result.err, result.err
        if bad == "box-nan":
            assert result.code == 2 and "'15,38,nan,6' is not x,y,w,h in mm" in result.err
            continue
        assert result.code == 1 and len(lines) == 2, result.err
        assert lines[0].startswith("error: ") and lines[1].startswith("hint: ")
        assert {"missing": "no such file", "text": "not a pdf",
                "file-is-a-folder": "is a directory",
                "folder-is-a-file": "cannot write"}[bad] in lines[0].lower()
    if bad not in ("file-is-a-folder", "folder-is-a-file"):
        assert not approvals.exists() and not (tmp_path / "comments.yaml").exists()
