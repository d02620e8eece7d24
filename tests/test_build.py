"""build(): the print PDF is written, and told, while the screen edition is merged (and
checked) in a process beside it."""

import os
from pathlib import Path

from pamphlet.build import build
from pamphlet.options import command_line_options
from utils import edit, pdf_text, squeeze


def _children() -> set[int]:
    """This process's live child processes (Linux)."""
    return {int(pid) for task in Path("/proc/self/task").iterdir()
            for pid in (task / "children").read_text().split()}


def _told(options):
    """A ``printed`` callback that notes what it is told and the child processes that were
    not there before; a ``screened`` one that notes where it runs and what it reads."""
    seen, before = {}, _children()

    def printed(result):
        seen["print"] = squeeze("".join(pdf_text(result.pdf)))
        seen["children"] = _children() - before

    def screened(path):
        return os.getpid(), squeeze("".join(pdf_text(path)))
    return seen, printed, screened


def test_the_print_pdf_is_told_while_the_screen_edition_is_merged_beside(mini, tmp_path):
    options = command_line_options(mini, tmp_path / "pamphlet.pdf", screen=True, jobs=2)
    edit(mini / "pages/gamma.yaml", "最後の章です。", "書き直した最後の章です。")
    seen, printed, screened = _told(options)
    result = build(options, printed=printed, screened=screened)
    assert "書き直した最後の章です。" in seen["print"]     # told of the new print PDF
    assert seen["children"]                             # the screen edition: merged beside
    where, read = result.screened                        # ... and screened there, once written
    assert where in seen["children"] and where != os.getpid()
    assert "書き直した最後の章です。" in read
    assert not (_children() & seen["children"])          # the merging process has ended


def test_with_one_job_nothing_is_forked(mini, tmp_path):
    options = command_line_options(mini, tmp_path / "pamphlet.pdf", screen=True, jobs=1)
    seen, printed, screened = _told(options)
    result = build(options, printed=printed, screened=screened)
    assert seen["children"] == set() and result.screened[0] == os.getpid()
    assert options.screen_pdf.exists()


def test_a_screen_merge_that_crashes_is_one_error(mini, tmp_path, monkeypatch):
    # A crash in a C library while the screen edition is merged beside the build: one
    # error naming it, no traceback; the print PDF, written beside it, stays.
    from pamphlet import build as build_module
    from utils import run

    real, this_process = build_module._merge_edition, os.getpid()

    def crash_beside(brochure, made, html, edition):
        if os.getpid() != this_process:
            os._exit(1)
        return real(brochure, made, html, edition)

    monkeypatch.setattr(build_module, "_merge_edition", crash_beside)
    out = tmp_path / "pamphlet.pdf"
    result = run("build", "--brochure", mini, "--out", out, "--screen", "--jobs", "2",
                 "--quiet")
    assert result.code == 1
    assert result.err.splitlines() == [
        "error: a process merging the screen edition stopped without a word (it crashed)",
        "hint: build again with --jobs 1 to see where; what was written beside it stays"]
    assert out.exists() and not out.with_name("pamphlet-screen.pdf").exists()
