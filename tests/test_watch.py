"""`pamphlet watch`: a save rebuilds the PDF; a broken save keeps the last good one."""

import os
import subprocess
import sys
import time
from pathlib import Path

from utils import edit, pdf_text, squeeze


def wait_for(condition, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_watch_rebuilds_after_an_edit_and_keeps_the_last_good_pdf(mini, tmp_path):
    out = tmp_path / "watched.pdf"
    log = open(tmp_path / "watch.log", "w+")
    process = subprocess.Popen([sys.executable, "-m", "pamphlet", "watch", "--brochure",
                                str(mini), "--out", str(out)], stderr=log, stdout=log)
    try:
        assert wait_for(out.exists), (tmp_path / "watch.log").read_text()
        first = out.stat().st_mtime_ns
        assert "おわりの章" in squeeze("".join(pdf_text(out)))

        edit(mini / "pages/gamma.yaml", "最後の章です。", "書き直した最後の章です。")
        assert wait_for(lambda: out.stat().st_mtime_ns != first), \
            (tmp_path / "watch.log").read_text()
        assert wait_for(lambda: "書き直した最後の章です。" in squeeze("".join(pdf_text(out))))
        assert wait_for(lambda: "(1 of 7 page definitions laid out)" in
                        (tmp_path / "watch.log").read_text())       # only the edited one
        good = out.read_bytes()

        edit(mini / "pages/gamma.yaml", "layout: plain", "layout: plian")
        assert wait_for(lambda: "build failed" in (tmp_path / "watch.log").read_text())
        text = (tmp_path / "watch.log").read_text()
        assert "unknown layout 'plian'" in text and "hint: did you mean 'plain'?" in text
        assert out.read_bytes() == good
        assert "rebuilt" in text and "contents and references agree" in text
        # every check's verdict, one line each, after the PDF is written
        for check in ("contents", "preflight", "typography", "screen"):
            assert f"pamphlet: {check}: ok: " in text, text
        assert text.index("rebuilt") < text.index("pamphlet: preflight: ok") < \
            text.index("checked in")

        edit(mini / "pages/gamma.yaml", "layout: plian", "layout: plain")
        css = mini / "layouts" / "plain.css"
        css.write_text(css.read_text() + ".t-heading { colr: red; }\n")
        assert wait_for(lambda: "stylesheet: Ignored 'colr: red', unknown property" in
                        (tmp_path / "watch.log").read_text()), (tmp_path / "watch.log").read_text()
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_a_save_pamphlet_has_no_words_for_is_one_error_and_the_watch_goes_on(mini, tmp_path):
    from pamphlet.options import command_line_options
    from pamphlet.watch import rebuild

    layout = mini / "layouts" / "plain.html.j2"
    layout.write_text("{% macro again() %}{{ again() }}{% endmacro %}{{ again() }}\n"
                      + layout.read_text(encoding="utf-8"), encoding="utf-8")
    rebuilt = rebuild(command_line_options(mini, tmp_path / "out.pdf", jobs=1))
    assert rebuilt.pages is None and rebuilt.checks["build"]["ok"] is False
    assert [d.message[:60] for d in rebuilt.problems] == \
        ["internal error: RecursionError: maximum recursion depth exceeded"[:60]]
    assert "--debug" in rebuilt.problems[0].hint


def test_the_watch_builds_once_an_editor_has_finished_writing(mini, tmp_path):
    import threading

    from pamphlet.options import command_line_options
    from pamphlet.watch import settled, snapshot, watched_folders

    options = command_line_options(mini, tmp_path / "out.pdf")
    page = mini / "pages" / "gamma.yaml"
    text = page.read_text(encoding="utf-8")

    def write_in_steps():                     # an editor saving a large file in pieces
        for step in range(1, 11):
            page.write_text(text + "#" * step + "\n", encoding="utf-8")
            time.sleep(0.03)

    writer = threading.Thread(target=write_in_steps)
    writer.start()
    time.sleep(0.01)
    state = settled(options, snapshot(watched_folders(options)), poll=0.2)
    done_writing = not writer.is_alive()
    writer.join()
    assert done_writing                        # it waited for the last piece
    assert state == snapshot(watched_folders(options))
    assert page.read_text(encoding="utf-8").endswith("#" * 10 + "\n")


def test_a_rebuild_runs_without_the_collector_and_collects_once_shown(mini, tmp_path):
    # The watch's rebuild is not paused by full collections of its large heap: the
    # collector is off from the save to the last verdict, on again (and run) after;
    # a process forked meanwhile collects its own garbage.
    import gc
    import os
    import threading

    from pamphlet.options import command_line_options
    from pamphlet.watch import watch

    def child_collects() -> bool:
        pid = os.fork()
        if pid == 0:
            os._exit(0 if gc.isenabled() else 1)
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0

    seen = []

    def report(rebuilt):
        if rebuilt.verdicts:
            seen.append((gc.isenabled(), child_collects()))

    def save_once_built():
        assert wait_for(lambda: seen, 300)
        edit(mini / "pages/gamma.yaml", "最後の章です。", "書き直した最後の章です。")

    options = command_line_options(mini, tmp_path / "out.pdf", screen=True)
    saver = threading.Thread(target=save_once_built)
    saver.start()
    assert gc.isenabled()
    watch(options, report, rounds=1)
    saver.join()
    assert seen == [(True, True), (False, True)]    # the first build, then the edit's
    assert gc.isenabled()
    assert gc.get_count()[0] < 200                  # collected after it was shown


def _write_soon(path: Path, text: str, after: float = 0.1):
    import threading

    writer = threading.Timer(after, lambda: path.write_text(text, encoding="utf-8"))
    writer.start()
    return writer


def test_a_save_in_a_nested_folder_wakes_the_watch_at_once(mini):
    from pamphlet.watch import Changes

    with Changes() as changes:
        assert changes.live                          # Linux: told by inotify, no polling
        assert changes.wait([mini], poll=0.05, longest=0.2) is False   # nothing written
        writer = _write_soon(mini / "pages" / "gamma.yaml", "id: gamma\n")
        assert changes.wait([mini], poll=0.05, longest=10) is True     # woken, not timed out
        writer.join()


def test_a_folder_deleted_and_made_again_is_watched_again(mini):
    import shutil

    from pamphlet.watch import Changes

    extra = mini / "extra"
    extra.mkdir()
    changes = Changes()
    _opened.append(changes)
    changes.wait([mini], poll=0.05, longest=0.1)
    shutil.rmtree(extra)
    assert changes.wait([mini], poll=0.05, longest=10) is True
    extra.mkdir()
    assert changes.wait([mini], poll=0.05, longest=10) is True
    changes.quiet(0.1)
    writer = _write_soon(extra / "note.yaml", "a: 1\n")
    assert changes.wait([mini], poll=0.05, longest=10) is True
    writer.join()


def test_told_by_inotify_the_watch_still_waits_for_the_last_piece(mini, tmp_path):
    import threading

    from pamphlet.options import command_line_options
    from pamphlet.watch import Changes, settled, snapshot, watched_folders

    options = command_line_options(mini, tmp_path / "out.pdf")
    changes = Changes()
    _opened.append(changes)
    changes.wait(watched_folders(options), poll=0.05, longest=0.1)
    page = mini / "pages" / "gamma.yaml"
    text = page.read_text(encoding="utf-8")

    def write_in_steps():
        for step in range(1, 11):
            page.write_text(text + "#" * step + "\n", encoding="utf-8")
            time.sleep(0.03)

    writer = threading.Thread(target=write_in_steps)
    writer.start()
    assert changes.wait(watched_folders(options), poll=0.05, longest=10)
    state = settled(options, snapshot(watched_folders(options)), 0.2, changes)
    done_writing = not writer.is_alive()
    writer.join()
    assert done_writing
    assert state == snapshot(watched_folders(options))


def test_a_watch_that_reused_every_part_makes_its_engines_before_the_first_save(
        mini, tmp_path, monkeypatch):
    # The first build of a watch often lays nothing out (the parts are cached): the
    # engines (stylesheets parsed) are made while the designer looks, not in the
    # first save's rebuild.
    import threading

    from pamphlet import build as build_module
    from pamphlet.engine import layout
    from pamphlet.options import command_line_options
    from pamphlet.watch import watch

    options = command_line_options(mini, tmp_path / "out.pdf", screen=True)
    build_module.build(options)                       # every part in the cache
    events = []
    real_build, real_engine = build_module.build, layout.Engine.__init__
    monkeypatch.setattr(build_module, "build",
                        lambda *args, **kwargs: (events.append("build"),
                                                 real_build(*args, **kwargs))[1])
    monkeypatch.setattr(layout.Engine, "__init__",
                        lambda self, *args, **kwargs: (events.append("engine"),
                                                       real_engine(self, *args, **kwargs))[1])
    shown = []

    def save_once_built():
        assert wait_for(lambda: shown, 300)
        edit(mini / "pages/gamma.yaml", "最後の章です。", "書き直した最後の章です。")

    saver = threading.Thread(target=save_once_built)
    saver.start()
    watch(options, lambda rebuilt: rebuilt.verdicts and shown.append(rebuilt), rounds=1)
    saver.join()
    assert len(shown) == 2 and "書き直した" in squeeze("".join(pdf_text(shown[1].pdf)))
    assert events == ["build", "engine", "engine", "build"]    # print and screen, between


def test_a_save_during_the_first_build_wakes_the_watch_without_waiting(mini, tmp_path,
                                                                       monkeypatch):
    # The folders are followed from the start: a save while the first build runs (or
    # while its engines are made) is told at the first wait, not found a second later.
    from pamphlet.options import command_line_options
    from pamphlet.watch import Changes, watch

    woken = []
    real = Changes._events
    monkeypatch.setattr(Changes, "_events",
                        lambda self, timeout: (woken.append(real(self, timeout)), woken[-1])[1])
    shown = []

    def report(rebuilt):
        if rebuilt.verdicts and not shown:          # the first build: save at once
            edit(mini / "pages/gamma.yaml", "最後の章です。", "書き直した最後の章です。")
        if rebuilt.verdicts:
            shown.append(rebuilt)

    watch(command_line_options(mini, tmp_path / "out.pdf"), report, rounds=1)
    assert len(shown) == 2 and "書き直した" in squeeze("".join(pdf_text(shown[1].pdf)))
    assert woken[0] is True                          # told, not timed out


_opened = []       # Changes the tests above made without a with block


def teardown_module():
    for changes in _opened:
        changes.close()


def _inotify_instances() -> int:
    fds = Path("/proc/self/fd")
    return sum(1 for fd in fds.iterdir() if _link(fd) == "anon_inode:inotify")


def _link(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""


def test_a_watch_lets_go_of_its_inotify_instance(mini, tmp_path):
    # A user has 128 inotify instances: a watch that ends (tests run many) closes its own.
    from pamphlet.options import command_line_options
    from pamphlet.watch import watch

    before = _inotify_instances()

    def report(rebuilt):
        if rebuilt.verdicts and "書き直した" not in (mini / "pages/gamma.yaml").read_text():
            edit(mini / "pages/gamma.yaml", "最後の章です。", "書き直した最後の章です。")

    watch(command_line_options(mini, tmp_path / "out.pdf"), report, rounds=1)
    assert _inotify_instances() == before


def test_warming_up_never_stops_the_watch(mini, tmp_path, monkeypatch):
    # Whatever fails while the engines are made ahead is left for the rebuild to say.
    from pamphlet import build as build_module
    from pamphlet.options import command_line_options

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in a layout")
    monkeypatch.setattr(build_module, "Renderer", broken)
    warm = {}
    build_module.warm_up(command_line_options(mini, tmp_path / "out.pdf"), warm)
    assert warm == {}
