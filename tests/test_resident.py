"""`pamphlet build --resident` (make pdf): the second command runs in the build folder's
resident process, warm, and the designer sees what a new process would have shown."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from utils import edit

from pamphlet import resident

pytestmark = pytest.mark.skipif(not resident.supported(), reason="the resident is Linux's")

MAKE_PDF = ("build", "--brochure", "mini", "--out", "build/p.pdf", "--screen", "--check",
            "--resident")
BY_RESIDENT = "by the resident process"


def make_pdf(folder: Path, *extra, env=None, args=MAKE_PDF) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pamphlet", *args, *extra], cwd=folder,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def residents(build: Path) -> list[int]:
    """The pids of the resident processes serving ``build`` (not the children they
    forked, which bear the same command line)."""
    found = serving(build)
    return [pid for pid in found if _parent(pid) not in found]


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError):
        return None


def serving(build: Path) -> list[int]:
    """Every process with a resident's command line for ``build``: the residents and the
    children (and their workers) they forked."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            words = (proc / "cmdline").read_bytes().split(b"\0")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        served = served_by(words)              # python -m pamphlet resident BUILD -- ...
        if served and state != "Z" and (proc / "cwd").resolve() / served == build.resolve():
            found.append(int(proc.name))
    return found


def served_by(words: list[bytes]) -> str | None:
    """The build folder a `pamphlet resident` command line serves."""
    for at in range(1, len(words) - 1):
        if words[at - 1] == b"pamphlet" and words[at] == b"resident":
            return words[at + 1].decode()
    return None


def wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture()
def folder(mini, tmp_path):
    """A project folder holding the mini brochure; its residents stopped after the test."""
    yield tmp_path
    for pid in residents(tmp_path / "build"):
        os.kill(pid, signal.SIGTERM)
    assert wait_for(lambda: not residents(tmp_path / "build"), 20)


def started(folder: Path) -> None:
    """The first command has started the resident and it listens."""
    assert wait_for(lambda: resident.socket_path(folder / "build").exists()), \
        (folder / "build/cache/resident.log").read_text()


def test_the_second_make_pdf_runs_in_the_resident_and_writes_what_a_new_process_would(
        folder):
    first = make_pdf(folder)
    assert first.returncode == 0, first.stderr
    assert BY_RESIDENT not in first.stderr
    started(folder)
    epoch = {"SOURCE_DATE_EPOCH": "1700000000"}      # the caller's, not the resident's
    assert BY_RESIDENT in make_pdf(folder, env=epoch).stderr

    edit(folder / "mini/pages/gamma.yaml", "最後の章です。", "書き直した最後の章です。")
    second = make_pdf(folder, env=epoch)
    assert second.returncode == 0, second.stderr
    assert BY_RESIDENT in second.stderr and "(1 of 7 page definitions laid out)" in second.stderr
    assert "layout engines: print, screen, made by the resident" in second.stderr
    assert "all checks pass; job ticket: build/p-jobticket.txt" in second.stderr

    shutil.copytree(folder / "mini", folder / "here" / "mini")     # the same, in a new process
    here = make_pdf(folder / "here", env=epoch, args=MAKE_PDF[:-1])
    assert here.returncode == 0, here.stderr
    for name in ("p.pdf", "p-screen.pdf", "p-jobticket.txt"):
        assert (folder / "build" / name).read_bytes() == \
            (folder / "here/build" / name).read_bytes(), name
    said = [line for line in second.stderr.splitlines() if not line.startswith("pamphlet:")]
    assert said and said == [line for line in here.stderr.splitlines()
                             if not line.startswith("pamphlet:")]     # the same warnings


def test_bad_input_in_the_resident_is_one_error_at_its_line_and_the_pdf_stays(folder):
    assert make_pdf(folder).returncode == 0
    started(folder)
    good = (folder / "build/p.pdf").read_bytes()
    edit(folder / "mini/pages/gamma.yaml", "layout: plain", "layout: plian")

    broken = make_pdf(folder)

    assert broken.returncode == 1
    assert "pages/gamma.yaml:" in broken.stderr and "unknown layout 'plian'" in broken.stderr
    assert "hint: did you mean 'plain'?" in broken.stderr
    assert "Traceback" not in broken.stderr
    assert (folder / "build/p.pdf").read_bytes() == good
    assert len(residents(folder / "build")) == 1            # it serves the next one


def test_the_resident_stops_when_its_build_folder_is_removed(folder):
    assert make_pdf(folder).returncode == 0
    started(folder)
    assert wait_for(lambda: residents(folder / "build"))

    shutil.rmtree(folder / "build")                         # make clean

    assert wait_for(lambda: not residents(folder / "build"), 10)


def test_a_resident_killed_leaves_a_socket_the_next_command_builds_past(folder):
    assert make_pdf(folder).returncode == 0
    started(folder)
    assert wait_for(lambda: residents(folder / "build"))
    for pid in residents(folder / "build"):
        os.kill(pid, signal.SIGKILL)
    assert wait_for(lambda: not residents(folder / "build"), 10)
    assert resident.socket_path(folder / "build").exists()  # nobody listens on it

    again = make_pdf(folder)

    assert again.returncode == 0, again.stderr
    assert BY_RESIDENT not in again.stderr                  # built in its own process
    assert wait_for(lambda: len(residents(folder / "build")) == 1)
    assert BY_RESIDENT in make_pdf(folder).stderr           # and a new resident took over


def test_a_caller_that_goes_away_has_its_command_stopped(folder):
    assert make_pdf(folder).returncode == 0
    started(folder)
    shutil.rmtree(folder / "build/cache/parts")             # every part to make again
    written = (folder / "build/p.pdf").stat().st_mtime_ns
    caller = subprocess.Popen([sys.executable, "-m", "pamphlet", *MAKE_PDF], cwd=folder,
                              stderr=subprocess.PIPE, text=True, preexec_fn=_as_in_a_terminal)
    assert "step 2/4" in _line_with(caller, "step 2/4")    # the resident's child builds
    caller.send_signal(signal.SIGINT)                       # Ctrl-C
    assert caller.wait(timeout=30) == 130
    assert wait_for(lambda: _children(residents(folder / "build")) == [], 20)
    assert (folder / "build/p.pdf").stat().st_mtime_ns == written     # stopped before it
    assert len(residents(folder / "build")) == 1            # the resident goes on


def _as_in_a_terminal() -> None:
    """Ctrl-C as a terminal's command gets it: a test run started in the background by
    a shell without job control (`make test &`) has SIGINT ignored, and so would the
    caller (Python leaves an ignored SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _line_with(process, text: str) -> str:
    for line in process.stderr:
        if text in line:
            return line
    return ""


def _children(pids: list[int]) -> list[int]:
    return [int(child) for pid in pids
            for task in Path(f"/proc/{pid}/task").glob("*/children")
            for child in task.read_text().split()]


def test_a_user_keeps_few_residents_the_least_recently_used_stops(folder, tmp_path):
    # A script that builds many brochures must not leave a resident for each. Two kept:
    # the first started, then used again after the second, is kept when a third starts;
    # the second, used least recently (not the oldest), is asked to stop.
    projects = [folder, tmp_path / "second", tmp_path / "third"]
    for project in projects[1:]:
        shutil.copytree(folder / "mini", project / "mini")
    two = {"PAMPHLET_RESIDENTS": "2", "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    (tmp_path / "run").mkdir()
    try:
        for project in projects[:2]:
            assert make_pdf(project, env=two).returncode == 0
            started(project)
            assert wait_for(lambda: len(residents(project / "build")) == 1)
        time.sleep(0.05)                                   # a later time of use
        assert BY_RESIDENT in make_pdf(folder, env=two).stderr     # the first, used again

        def used(project):           # the resident notes a use once its caller has exited
            pid, = residents(project / "build")
            return next((tmp_path / "run").glob(f"*/{pid}.json")).stat().st_mtime_ns
        assert wait_for(lambda: used(folder) > used(projects[1]), 10)

        assert make_pdf(projects[2], env=two).returncode == 0
        started(projects[2])
        assert wait_for(lambda: len(residents(projects[2] / "build")) == 1)
        assert wait_for(lambda: not residents(projects[1] / "build"), 20)   # asked to stop
        assert len(residents(folder / "build")) == 1                       # kept
        kept = residents(folder / "build") + residents(projects[2] / "build")
        assert sorted(entry.name for entry in (tmp_path / "run").glob("*/*.json")) == \
            sorted(f"{pid}.json" for pid in kept)
    finally:
        for project in projects[1:]:
            for pid in residents(project / "build"):
                os.kill(pid, signal.SIGTERM)


def test_a_resident_stopped_by_kill_takes_its_socket_and_entry_along(folder, tmp_path):
    run = {"XDG_RUNTIME_DIR": str(tmp_path / "run")}
    (tmp_path / "run").mkdir()
    assert make_pdf(folder, env=run).returncode == 0
    started(folder)
    assert wait_for(lambda: list((tmp_path / "run").glob("*/*.json")))
    for pid in residents(folder / "build"):
        os.kill(pid, signal.SIGTERM)
    assert wait_for(lambda: not residents(folder / "build"), 10)
    assert not resident.socket_path(folder / "build").exists()
    assert not list((tmp_path / "run").glob("*/*.json"))


def test_a_resident_killed_during_a_command_takes_the_command_along(folder):
    assert make_pdf(folder).returncode == 0
    started(folder)
    written = (folder / "build/p.pdf").stat().st_mtime_ns
    shutil.rmtree(folder / "build/cache/parts")             # every part to make again
    caller = subprocess.Popen([sys.executable, "-m", "pamphlet", *MAKE_PDF], cwd=folder,
                              stderr=subprocess.PIPE, text=True)
    assert "step 2/4" in _line_with(caller, "step 2/4")    # the resident's child builds
    for pid in residents(folder / "build"):
        os.kill(pid, signal.SIGKILL)

    said = caller.stderr.read()
    assert caller.wait(timeout=30) == 1
    assert "the resident build process stopped while it ran the command" in said
    assert wait_for(lambda: not serving(folder / "build"), 10)    # no child left building
    assert (folder / "build/p.pdf").stat().st_mtime_ns == written
