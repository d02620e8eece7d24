"""The checks keep what they read of each page under its digest: a rebuilt PDF is read
again only where its pages changed, and says what a check reading everything says."""

import shutil
from pathlib import Path

import pikepdf
import pytest

from pamphlet.checks import memo as memo_module
from pamphlet.checks.memo import PageMemo
from pamphlet.checks.preflight import preflight
from pamphlet.checks.screen import check_screen
from pamphlet.checks.toc import check_toc
from pamphlet.checks.typography import check_typography
from pamphlet.load import load_brochure
from pamphlet.options import command_line_options
from pamphlet.spec import PrintSpec
from utils import ROOT

FONTS = ROOT / "fonts"
RED_SQUARE = b"\n 1 0 0 rg 100 100 50 50 re f\n"


@pytest.fixture(scope="module")
def brochure():
    return load_brochure(command_line_options(ROOT / "brochure"))


def painted(source: Path, target: Path, page: int, drawn: bool = True) -> Path:
    """A copy of ``source`` whose page ``page`` ends with a red square, ``drawn`` or
    left as a comment: the two copies differ by one byte of that page's content."""
    square = RED_SQUARE if drawn else RED_SQUARE.replace(b" 1", b"%1", 1)
    with pikepdf.open(source) as pdf:
        contents = pdf.pages[page - 1].Contents
        data = b"".join(s.read_bytes() for s in contents) \
            if isinstance(contents, pikepdf.Array) else contents.read_bytes()
        pdf.pages[page - 1].Contents = pdf.make_stream(data + square)
        pdf.save(target, compress_streams=False)
    return target


def reports(pdf: Path, brochure, memo: PageMemo | None) -> dict:
    """Every check's report as data (screen's on the screen edition beside ``pdf``)."""
    return {
        "contents": check_toc(pdf, brochure, memo).as_dict(),
        "typography": check_typography(pdf, memo).as_dict(),
        "preflight": preflight(pdf, FONTS, None, memo).as_dict(),
    }


def test_a_page_changed_is_the_only_page_read_again(guide_pdf, brochure, tmp_path):
    memo = PageMemo()
    reports(painted(guide_pdf, tmp_path / "base.pdf", page=5, drawn=False), brochure, memo)
    assert memo.read == {"text": 36, "typography": 36, "preflight": 36}
    changed = painted(guide_pdf, tmp_path / "changed.pdf", page=5)
    reports(changed, brochure, memo)
    assert memo.read == {"text": 1, "typography": 1, "preflight": 1}
    reports(changed, brochure, memo)
    assert memo.read == {"text": 0, "typography": 0, "preflight": 0}


def test_what_is_remembered_says_what_reading_everything_says(guide_pdf, brochure, tmp_path):
    memo = PageMemo()
    reports(painted(guide_pdf, tmp_path / "base.pdf", page=5, drawn=False), brochure, memo)
    changed = painted(guide_pdf, tmp_path / "changed.pdf", page=5)
    remembered = reports(changed, brochure, memo)
    read = reports(changed, brochure, None)
    for report in (remembered, read):
        report["preflight"].pop("pdf"), report["typography"].pop("pdf", None)
    assert remembered == read
    assert [f["page"] for f in read["preflight"]["findings"] if f["check"] == "rgb-colour"] == [5]


def test_the_page_changed_is_checked_anew(guide_pdf, tmp_path):
    memo = PageMemo()
    assert preflight(painted(guide_pdf, tmp_path / "base.pdf", 7, drawn=False), FONTS, None,
                     memo).ok
    changed = painted(guide_pdf, tmp_path / "changed.pdf", page=7)
    report = preflight(changed, FONTS, None, memo)
    assert [(f.rule, f.page) for f in report.errors] == [("rgb-colour", 7)]


def test_the_screen_edition_is_measured_again_where_it_changed(guide_screen_pdf, tmp_path):
    memo = PageMemo()
    assert check_screen(guide_screen_pdf, memo).ok
    with pikepdf.open(guide_screen_pdf) as pdf:
        _pale_text(pdf, page=3)
        pdf.save(tmp_path / "changed.pdf")
    report = check_screen(tmp_path / "changed.pdf", memo)
    assert memo.read["screen"] == 1
    assert {f.page for f in report.findings if f.check == "contrast"} == {3}


def _pale_text(pdf, page: int) -> None:
    """The page's text set in Spans (their colour is set inside them) in pale grey."""
    ops, in_span = [], False
    for operands, operator in pikepdf.parse_content_stream(pdf.pages[page - 1]):
        if str(operator) in ("BDC", "EMC"):
            in_span = str(operator) == "BDC" and str(operands[0]) == "/Span"
        if in_span and str(operator) == "rg":
            operands = [0.85, 0.85, 0.85]
        ops.append((operands, operator))
    pdf.pages[page - 1].Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))


def test_a_saved_memo_serves_the_next_process_until_the_code_changes(guide_pdf, tmp_path,
                                                                     monkeypatch):
    folder = tmp_path / "checks"
    check_typography(guide_pdf, PageMemo(folder))
    assert (folder / "typography.pickle").exists()
    again = PageMemo(folder)
    check_typography(guide_pdf, again)
    assert again.read == {"typography": 0}
    monkeypatch.setattr(memo_module, "_CODE", "another version of pamphlet")
    newer = PageMemo(folder)
    check_typography(guide_pdf, newer)
    assert newer.read == {"typography": 36}


def test_a_damaged_memo_is_read_as_none(guide_pdf, tmp_path):
    folder = tmp_path / "checks"
    folder.mkdir()
    (folder / "typography.pickle").write_bytes(b"not a pickle")
    memo = PageMemo(folder)
    assert check_typography(guide_pdf, memo).ok
    assert memo.read == {"typography": 36}


def test_pages_checked_against_another_spec_are_read_again(guide_pdf, tmp_path):
    memo = PageMemo()
    assert preflight(guide_pdf, FONTS, None, memo).ok
    b5 = PrintSpec(width=182.0, height=257.0)
    report = preflight(guide_pdf, FONTS, b5, memo)
    assert memo.read["preflight"] == 36
    assert "trim-box" in {f.rule for f in report.errors}


def test_a_copy_of_the_same_pdf_elsewhere_is_remembered(guide_pdf, tmp_path):
    memo = PageMemo()
    check_typography(guide_pdf, memo)
    copy = shutil.copy(guide_pdf, tmp_path / "copy.pdf")
    check_typography(Path(copy), memo)
    assert memo.read == {"typography": 0}


def test_the_watch_saves_what_every_check_read_when_it_flushes(guide_pdf, guide_screen_pdf,
                                                                brochure, tmp_path):
    from pamphlet.checks.verdicts import check_everything

    folder = tmp_path / "checks"
    memo = PageMemo(folder, deferred=True)
    verdicts = check_everything(guide_pdf, brochure, guide_screen_pdf, memo)
    assert [v.ok for v in verdicts] == [True] * 4
    assert not folder.exists()                    # nothing saved before the flush
    memo.flush()
    assert sorted(p.name for p in folder.iterdir()) == [
        "preflight.pickle", "screen.pickle", "text.pickle", "typography.pickle"]
    again = PageMemo(folder)
    assert check_everything(guide_pdf, brochure, guide_screen_pdf, again) == verdicts
    assert again.read == {"text": 0, "typography": 0, "preflight": 0, "screen": 0}
    saved = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    memo.flush()                                  # nothing new read: nothing saved again
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == saved


def _forked(work):
    """``work()``'s result, worked out in a forked process (as the build's checks are)."""
    from pamphlet import workers

    with workers.beside(work, 2, "checking") as done:
        return done.result()


def test_a_forked_check_hands_back_only_the_pages_it_read(guide_screen_pdf, tmp_path):
    import pickle

    memo = PageMemo(tmp_path / "checks", deferred=True)
    check_screen(guide_screen_pdf, memo)                  # held here
    whole = len(pickle.dumps(memo.kept("screen")))
    changed = painted(guide_screen_pdf, tmp_path / "changed.pdf", page=5)
    kept = _forked(lambda: (check_screen(changed, memo), memo.kept("screen"))[1])
    assert kept[0] == "read" and len(kept[1][1]) == 1     # what one page holds
    assert len(pickle.dumps(kept)) < whole / 10
    memo.adopt("screen", kept)
    assert memo.unread(changed, "screen") == 0
    assert check_screen(changed, memo).as_dict() == check_screen(changed, PageMemo()).as_dict()
    assert memo.read == {"screen": 0}


def test_a_forked_check_that_loaded_the_memo_saves_it_and_hands_back_nothing(guide_pdf,
                                                                           tmp_path):
    folder = tmp_path / "checks"
    check_typography(guide_pdf, PageMemo(folder))         # saved by an earlier process
    memo = PageMemo(folder, deferred=True)                # holding nothing yet
    changed = painted(guide_pdf, tmp_path / "changed.pdf", page=5)
    kept = _forked(lambda: (check_typography(changed, memo), memo.kept("typography"))[1])
    assert kept[0] == "saved" and kept[1] is None
    memo.adopt("typography", kept)
    memo.flush()                                          # nothing of it left to save here
    again = PageMemo(folder)
    check_typography(changed, again)
    assert again.read == {"typography": 0}                # the forked process saved it
    memo.recall()                                         # the watch, while the designer looks
    other = painted(changed, tmp_path / "other.pdf", page=9)
    kept = _forked(lambda: (check_typography(other, memo), memo.kept("typography"))[1])
    assert kept[0] == "read" and len(kept[1][1]) == 1


def test_a_forked_check_that_cannot_save_the_memo_hands_back_all_of_it(guide_pdf, tmp_path):
    (tmp_path / "a file").write_text("not a folder")
    memo = PageMemo(tmp_path / "a file" / "checks", deferred=True)   # cannot be written
    kept = _forked(lambda: (check_typography(guide_pdf, memo), memo.kept("typography"))[1])
    assert kept[0] == "all" and len(kept[1]) == 36
    memo.adopt("typography", kept)
    assert memo.unread(guide_pdf, "typography") == 0


def test_an_unreadable_screen_edition_leaves_what_the_memo_holds(guide_screen_pdf, tmp_path):
    from pamphlet.checks.verdicts import _screen

    memo = PageMemo()
    check_screen(guide_screen_pdf, memo)
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.7 not really")
    verdict, kept = _screen(tmp_path / "bad.pdf", memo)
    memo.adopt("screen", kept)
    assert not verdict.ok and memo.unread(guide_screen_pdf, "screen") == 0


def test_a_memo_that_cannot_be_saved_is_said_once_and_the_checks_go_on(mini_pdf, tmp_path):
    import subprocess
    import sys

    from utils import copy_brochure

    mini = copy_brochure(tmp_path)                # the memo is kept in ./build/cache/checks
    pdf = tmp_path / "build" / "mini.pdf"
    pdf.parent.mkdir()
    shutil.copy(mini_pdf, pdf)
    (tmp_path / "build" / "cache").write_text("a file where the cache folder should be")
    # Its own process: the checks fork (every page is new), and each fork might say it.
    result = subprocess.run([sys.executable, "-m", "pamphlet", "check", pdf, "--brochure", mini],
                            capture_output=True, text=True, cwd=tmp_path)
    warned = [line for line in result.stderr.splitlines() if line.startswith("pamphlet: cache:")]
    assert len(warned) == 1 and "cannot write" in warned[0], result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert result.returncode == 0 and "all checks pass" in result.stderr.splitlines()[-1]
