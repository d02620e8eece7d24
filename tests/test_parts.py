"""Parts: each page definition laid out on its own, reused from build/cache while unchanged."""

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from pamphlet.build import build
from pamphlet.options import command_line_options
from utils import edit, pdf_text, run, squeeze


def _made(out) -> list[str]:
    """The page definitions whose parts the last build made (not reused)."""
    return sorted(json.loads((out.parent / "cache" / "last-build.json").read_text())["made"])


def test_a_one_page_edit_makes_one_part_and_matches_a_cold_build(mini, tmp_path):
    options = command_line_options(mini, tmp_path / "pamphlet.pdf")
    build(options)
    assert len(_made(options.out)) == 7

    edit(mini / "pages/gamma.yaml", "最後の章です。", "書き直した最後の章です。")
    result = build(options)                              # a fresh build, same cache
    assert _made(options.out) == ["gamma"]
    assert "書き直した最後の章です。" in squeeze("".join(pdf_text(result.pdf)))
    edited = result.pdf.read_bytes()

    shutil.rmtree(tmp_path / "cache")                     # make clean
    cold = build(options)
    assert len(_made(options.out)) == 7
    assert hashlib.sha256(cold.pdf.read_bytes()).digest() == hashlib.sha256(edited).digest()


def test_a_warm_process_reuses_its_engine_and_matches_a_cold_build(mini, tmp_path):
    warm = {}
    options = command_line_options(mini, tmp_path / "pamphlet.pdf")
    build(options, warm)                                  # every part, in worker processes
    edit(mini / "pages/alpha.yaml", "二つ目の段落です。", "二つ目の文章です。")
    build(options, warm)                                  # one part, in this process
    engine = next(iter(warm.values()))
    edit(mini / "pages/alpha.yaml", "二つ目の文章です。", "二つ目の文です。")
    warm_bytes = build(options, warm).pdf.read_bytes()
    assert next(iter(warm.values())) is engine           # stylesheets not parsed again
    assert _made(options.out) == ["alpha"]

    shutil.rmtree(tmp_path / "cache")
    assert build(options).pdf.read_bytes() == warm_bytes


def test_a_warm_process_lays_out_with_a_stylesheet_saved_anew(mini, tmp_path):
    warm = {}
    options = command_line_options(mini, tmp_path / "pamphlet.pdf")
    build(options, warm)
    css = mini / "layouts" / "plain.css"
    css.write_text(css.read_text() + "\n.sheet .t-heading { font-size: 30pt; color: red; }\n")
    warm_bytes = build(options, warm).pdf.read_bytes()   # as `pamphlet watch` does

    shutil.rmtree(tmp_path / "cache")
    assert build(options).pdf.read_bytes() == warm_bytes


def test_a_style_change_makes_every_part_again(mini, tmp_path):
    options = command_line_options(mini, tmp_path / "pamphlet.pdf")
    build(options)
    css = mini / "layouts" / "plain.css"
    css.write_text(css.read_text() + "\n.sheet .t-heading { letter-spacing: 0.1em; }\n")
    build(options)
    assert len(_made(options.out)) == 7


def test_files_saved_unchanged_make_nothing_again(mini, tmp_path):
    import os
    options = command_line_options(mini, tmp_path / "pamphlet.pdf")
    before = build(options).pdf.read_bytes()
    later = 2_000_000_000
    for path in [mini / "layouts" / "plain.css", *(mini / "pages").glob("*.yaml")]:
        os.utime(path, (later, later))                 # an editor's save, a git checkout
    assert build(options).pdf.read_bytes() == before
    assert _made(options.out) == []


def test_a_part_made_in_a_worker_is_the_part_made_in_process(mini, tmp_path):
    one = build(command_line_options(mini, tmp_path / "a" / "pamphlet.pdf", jobs=1))
    two = build(command_line_options(mini, tmp_path / "b" / "pamphlet.pdf", jobs=2))
    assert one.pdf.read_bytes() == two.pdf.read_bytes()


def test_two_jobs_are_this_process_and_one_worker(mini, tmp_path, monkeypatch):
    import os

    from pamphlet import build as stages
    makers = tmp_path / "makers"
    real_make = stages.make_part

    def make(*args):                       # forked workers inherit the replacement
        with makers.open("a") as log:
            log.write(f"{os.getpid()}\n")
        time.sleep(0.3)                    # every process gets a share of the seven
        return real_make(*args)

    monkeypatch.setattr(stages, "make_part", make)
    build(command_line_options(mini, tmp_path / "pamphlet.pdf", jobs=2))
    pids = makers.read_text().split()
    assert len(pids) == 7
    assert str(os.getpid()) in pids and len(set(pids)) == 2


def test_the_guide_is_the_same_made_in_one_process_or_on_every_core(guide_pdf, tmp_path):
    # A worker's history (which parts it drew before) must not show in the bytes.
    # guide_pdf is made by at least two processes, even on one core (conftest.py).
    from utils import ROOT, run
    out = tmp_path / "pamphlet.pdf"
    assert run("build", "--brochure", ROOT / "brochure", "--out", out, "--jobs", "1",
               "--quiet").code == 0
    assert out.read_bytes() == guide_pdf.read_bytes()


def test_a_worker_that_crashes_is_one_error_and_the_pdf_stays(mini, tmp_path, monkeypatch):
    import os

    from pamphlet.engine import draw
    out = tmp_path / "pamphlet.pdf"
    out.write_bytes(b"%PDF-1.7 the last good build")
    # A crash in a C library: the worker ends on the spot (the workers are forked,
    # so they draw with this replacement). This process lays parts out too, slowly,
    # so that the worker surely takes one.
    real_draw, this_process = draw.draw, os.getpid()

    def crash_in_worker(*args, **kwargs):
        if os.getpid() != this_process:
            os._exit(11)
        time.sleep(1)
        return real_draw(*args, **kwargs)

    monkeypatch.setattr(draw, "draw", crash_in_worker)
    from utils import run
    result = run("build", "--brochure", mini, "--out", out, "--jobs", "2", "--quiet")
    assert result.code == 1
    assert result.err.splitlines() == [
        "error: a process laying out page definitions stopped without a word (it crashed)",
        "hint: build again with --jobs 1 to see where; the last good PDF is untouched"]
    assert out.read_bytes() == b"%PDF-1.7 the last good build"


def _truncate(path):
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _swap_parts(cache):
    """Give one part's PDF another part's (valid) bytes."""
    first, second = sorted((cache / "parts").glob("*.pdf"))[:2]
    first.write_bytes(second.read_bytes())


DAMAGE = {
    "random bytes in a font subset": lambda cache: [
        p.write_bytes(os.urandom(p.stat().st_size)) for p in (cache / "fonts").glob("subset-*")],
    "a part swapped for another": _swap_parts,
    "a truncated part": lambda cache: _truncate(sorted((cache / "parts").glob("*.pdf"))[0]),
    "an empty part": lambda cache: sorted((cache / "parts").glob("*.pdf"))[0].write_bytes(b""),
    "a part record of the wrong shape": lambda cache: [
        p.write_text('[1, 2, 3]') for p in (cache / "parts").glob("*.json")],
    "a truncated stored font": lambda cache: [
        _truncate(p) for p in (cache / "fonts").iterdir()
        if len(p.name) == 64 and p.stat().st_size > 100_000],
}


@pytest.mark.parametrize("case", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_cache_entry_is_made_again_never_used(mini, tmp_path, case):
    options = command_line_options(mini, tmp_path / "pamphlet.pdf")
    clean = build(options).pdf.read_bytes()
    DAMAGE[case](tmp_path / "cache")

    again = build(options).pdf.read_bytes()

    assert again == clean                   # the same PDF as from a sound cache


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGTERM"])
def test_workers_end_with_a_killed_build(tmp_path, signal_name):
    import signal
    import subprocess
    import sys

    from utils import ROOT

    out = tmp_path / "pamphlet.pdf"
    build = subprocess.Popen([sys.executable, "-m", "pamphlet", "build", "--brochure",
                              ROOT / "brochure", "--out", out, "--jobs", "2", "--quiet"])
    children = []
    for _ in range(600):                         # until the worker is at work
        time.sleep(0.05)
        try:
            children = (Path(f"/proc/{build.pid}/task/{build.pid}/children")
                        .read_text().split())
        except OSError:
            break
        if children:
            break
    assert children, "the build forked no worker"
    time.sleep(1.0)
    build.send_signal(getattr(signal, signal_name))
    build.wait(timeout=30)
    time.sleep(1.0)
    alive = [pid for pid in children if Path(f"/proc/{pid}").exists()
             and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()]
    assert not alive, f"workers still running after {signal_name}: {alive}"


def test_a_picture_anywhere_in_the_brochure_is_in_the_parts_key(mini, tmp_path):
    # a stylesheet may name a picture outside assets/ (its URL is relative to the
    # build folder, here tmp_path): changing it remakes the parts
    (mini / "images").mkdir()
    picture = mini / "images" / "band.svg"
    picture.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                       '<rect width="10" height="10" fill="device-cmyk(0 0 0 0.2)"/></svg>')
    css = mini / "layouts" / "plain.css"
    css.write_text(css.read_text(encoding="utf-8") +
                   "\n.t-heading { background-image: url(mini/images/band.svg); }\n")
    options = command_line_options(mini, tmp_path / "pamphlet.pdf")
    build(options)
    picture.write_text(picture.read_text().replace("0 0 0 0.2", "0 0 0 0.4"))
    build(options)
    assert "alpha" in _made(options.out)           # a definition on the plain layout


def test_a_link_out_of_the_brochure_is_never_opened(mini, tmp_path, monkeypatch):
    import pamphlet.cache

    outside = tmp_path / "elsewhere" / "secret.svg"
    outside.parent.mkdir()
    outside.write_text("<svg/>")
    (mini / "assets" / "unused.svg").symlink_to(outside)
    hashed = []
    real = pamphlet.cache.file_sha256
    monkeypatch.setattr(pamphlet.cache, "file_sha256",
                        lambda path: hashed.append(Path(path).resolve()) or real(path))
    build(command_line_options(mini, tmp_path / "out" / "pamphlet.pdf"))
    assert hashed and outside.resolve() not in hashed


def test_a_css_warning_saved_undone_and_saved_again_is_said_again(mini, tmp_path):
    """The third build reuses every part (the stylesheet is as it was in the first): its
    warning comes from the style record of that stylesheet, kept when it was undone."""
    css = mini / "layouts" / "plain.css"
    original = css.read_text(encoding="utf-8")
    out = tmp_path / "out.pdf"
    said = []
    for text in (original + ".t-heading { colr: red; }\n", original,
                 original + ".t-heading { colr: red; }\n"):
        css.write_text(text, encoding="utf-8")
        result = run("build", "--brochure", mini, "--out", out)
        assert result.code == 0, result.err
        said.append("Ignored 'colr: red'" in result.err)
    assert said == [True, False, True]
    assert "(0 of 7 page definitions laid out)" in result.err      # all reused, still said


def test_a_layout_saved_anew_is_compiled_anew(mini, tmp_path):
    options = command_line_options(mini, tmp_path / "pamphlet.pdf")
    build(options)
    compiled = sorted((tmp_path / "cache" / "templates").iterdir())
    assert compiled                                       # the layouts, compiled, kept
    layout = mini / "layouts" / "plain.html.j2"
    layout.write_text(layout.read_text(encoding="utf-8").replace(
        '<div class="frame main">', '<div class="frame main"><p>版を改めました</p>'),
        encoding="utf-8")
    result = build(options)                               # a new process would do the same
    assert "版を改めました" in squeeze("".join(pdf_text(result.pdf)))


def test_an_edit_with_the_screen_edition_matches_a_cold_build(mini, tmp_path, monkeypatch):
    from pamphlet import build as build_module

    made_first = []
    real = build_module._made_first
    monkeypatch.setattr(build_module, "_made_first", lambda *args: (
        made_first.append(real(*args)), made_first[-1])[1])
    options = command_line_options(mini, tmp_path / "pamphlet.pdf", screen=True, jobs=2)
    build(options)
    edit(mini / "pages/gamma.yaml", "最後の章です。", "書き直した最後の章です。")
    edited = build(options)                       # a new process: one part per edition
    assert _made(options.out) == ["gamma", "gamma (screen)"]
    assert made_first == [["print", "screen"], []]     # each engine: its own worker's
    editions = (edited.pdf.read_bytes(), options.screen_pdf.read_bytes())
    for record in (tmp_path / "cache" / "style").iterdir():   # the warnings not said yet:
        record.unlink()                                        # the print engine says them
    edit(mini / "pages/gamma.yaml", "書き直した最後の章です。", "もう一度書いた最後の章です。")
    assert build(options).style_warnings == [] and made_first[-1] == ["print"]
    edit(mini / "pages/gamma.yaml", "もう一度書いた最後の章です。", "書き直した最後の章です。")
    shutil.rmtree(tmp_path / "cache")
    build(options)
    assert (options.out.read_bytes(), options.screen_pdf.read_bytes()) == editions


@pytest.mark.parametrize("damage", ["garbage", "cut short"])
def test_a_damaged_compiled_layout_is_compiled_again(mini, tmp_path, damage):
    options = command_line_options(mini, tmp_path / "pamphlet.pdf")
    first = build(options).pdf.read_bytes()
    for entry in (tmp_path / "cache" / "templates").iterdir():
        data = entry.read_bytes()
        entry.write_bytes(b"\x00garbage" * 3 if damage == "garbage" else data[:len(data) // 2])
    shutil.rmtree(tmp_path / "cache" / "parts")          # every definition rendered again
    assert build(options).pdf.read_bytes() == first


def test_an_edit_in_a_new_process_says_the_css_warnings_it_parsed_beside(mini, tmp_path,
                                                                         monkeypatch):
    # One part to lay out per edition: each engine is parsed by the process that lays
    # its part out, side by side; the stylesheets' warnings, said by the first build's
    # engine, come from its record.
    from pamphlet import build as build_module

    css = mini / "layouts" / "plain.css"
    css.write_text(css.read_text(encoding="utf-8") + ".t-heading { colr: red; }\n",
                   encoding="utf-8")
    options = command_line_options(mini, tmp_path / "pamphlet.pdf", screen=True, jobs=2)
    first = build(options)
    made_first = []
    real = build_module._made_first
    monkeypatch.setattr(build_module, "_made_first", lambda *args: (
        made_first.append(real(*args)), made_first[-1])[1])
    edit(mini / "pages/gamma.yaml", "最後の章です。", "書き直した最後の章です。")
    edited = build(options)
    assert made_first == [[]] and _made(options.out) == ["gamma", "gamma (screen)"]
    said = [w.message for w in edited.style_warnings]
    assert said == [w.message for w in first.style_warnings]
    assert any("colr: red" in message for message in said)


def test_engines_lent_by_a_resident_are_used_where_they_fit_and_not_kept(mini, tmp_path,
                                                                         monkeypatch):
    # A resident's child (resident.py) builds with the engines the resident made: those
    # it holds are used; those it does not (its warm-up met a broken brochure) are made
    # as a new process makes them, each by its part's worker, not all first as by a
    # process that keeps them.
    from pamphlet import build as build_module
    from pamphlet.build import Lent, warm_up

    options = command_line_options(mini, tmp_path / "pamphlet.pdf", screen=True, jobs=2)
    build(options)
    made_first = []
    real = build_module._made_first
    monkeypatch.setattr(build_module, "_made_first", lambda *args: (
        made_first.append(real(*args)), made_first[-1])[1])
    warm = {}
    warm_up(options, warm)
    edit(mini / "pages/gamma.yaml", "最後の章です。", "書き直した最後の章です。")
    lent = build(options, Lent(warm))
    assert made_first == [[]] and _made(options.out) == ["gamma", "gamma (screen)"]
    assert len(warm) == 2                              # what was lent is as it was
    editions = (lent.pdf.read_bytes(), options.screen_pdf.read_bytes())

    edit(mini / "pages/gamma.yaml", "書き直した最後の章です。", "もう一度書いた最後の章です。")
    build(options, Lent())
    assert made_first[-1] == []                        # none lent: each worker its own
    edit(mini / "pages/gamma.yaml", "もう一度書いた最後の章です。", "三度書いた最後の章です。")
    build(options, {})
    assert made_first[-1] == ["print", "screen"]      # a keeping process: all, to keep
    edit(mini / "pages/gamma.yaml", "三度書いた最後の章です。", "書き直した最後の章です。")
    shutil.rmtree(tmp_path / "cache")
    build(options)
    assert (options.out.read_bytes(), options.screen_pdf.read_bytes()) == editions
