"""make bench: time plain WeasyPrint against pamphlet's builds, on this machine, now.

Prints min / median / max of several runs for
  plain      weasyprint build/pamphlet.html out.pdf   (the engine cost to beat)
  cold       make clean, then pamphlet build
  edit       one sentence changed in one page definition, then pamphlet build
  watch      the same edit under a running `pamphlet watch` (save -> new PDF)
with each ratio to plain WeasyPrint and the peak memory (RSS) of each process.
Not a test: nothing here passes or fails.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EDIT_FILE = "pages/mission-1.yaml"


def timed(command: list, cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one command, via GNU time."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *command], cwd=cwd,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{result.stderr[-2000:]}")
    return seconds, int(result.stderr.strip().splitlines()[-1])


def toggle_edit(project: Path, round_: int) -> None:
    """Change one character of one sentence (same length, so nothing reflows elsewhere)."""
    path = project / "brochure" / EDIT_FILE
    text = path.read_text(encoding="utf-8")
    old, new = ("水際を守り", "水際を護り") if "水際を守り" in text else ("水際を護り", "水際を守り")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def copy_project(target: Path) -> Path:
    for name in ("brochure", "layouts", "fonts", "color"):
        shutil.copytree(ROOT / name, target / name)
    return target


def bench_plain(project, runs):
    subprocess.run([BIN / "pamphlet", "build", "--quiet"], cwd=project, check=True)
    return [timed([BIN / "weasyprint", "build/pamphlet.html", "/tmp/bench-plain.pdf"], project)
            for _ in range(runs)]


def bench_cold(project, runs):
    results = []
    for _ in range(runs):
        shutil.rmtree(project / "build", ignore_errors=True)
        results.append(timed([BIN / "pamphlet", "build", "--quiet"], project))
    return results


def bench_edit(project, runs):
    results = []
    for round_ in range(runs):
        toggle_edit(project, round_)
        results.append(timed([BIN / "pamphlet", "build", "--quiet"], project))
    return results


def bench_watch(project, runs):
    log = open(project / "watch.log", "w")
    watcher = subprocess.Popen([BIN / "pamphlet", "watch", "--quiet"], cwd=project,
                               stderr=log, stdout=log)
    results = []
    try:
        _wait(lambda: "rebuilt" in (project / "watch.log").read_text(), 600)
        for round_ in range(runs):
            before = (project / "watch.log").read_text().count("rebuilt")
            start = time.perf_counter()
            toggle_edit(project, 100 + round_)
            _wait(lambda: (project / "watch.log").read_text().count("rebuilt") > before, 600)
            results.append((time.perf_counter() - start, 0))
    finally:
        watcher.terminate()
        watcher.wait()
    return results


def _wait(condition, seconds):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            sys.exit("bench: timed out waiting for pamphlet watch")
        time.sleep(0.02)


def line(name, results, plain_median):
    seconds = [s for s, _ in results]
    median = statistics.median(seconds)
    rss = max(r for _, r in results)
    ratio = f"{median / plain_median:5.2f} x plain" if plain_median else ""
    memory = f"peak RSS {rss / 1024:6.0f} MiB" if rss else "peak RSS (in the watcher)"
    return (f"{name:<7} min {min(seconds):6.2f} s  median {median:6.2f} s  "
            f"max {max(seconds):6.2f} s  {ratio}  {memory}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pamphlet-bench-") as folder:
        project = copy_project(Path(folder))
        plain = bench_plain(project, args.runs)
        plain_median = statistics.median(s for s, _ in plain)
        rows = [("plain", plain), ("cold", bench_cold(project, args.runs)),
                ("edit", bench_edit(project, args.runs)), ("watch", bench_watch(project, args.runs))]
        print(f"make bench: {args.runs} runs each, {subprocess.getoutput('nproc')} cores")
        for name, results in rows:
            print(line(name, results, plain_median if name != "plain" else 0))


if __name__ == "__main__":
    main()
