"""make bench: time plain WeasyPrint against pamphlet's builds, on this machine, now.

Prints min / median / max of several runs, for the guide (36 pages) and for a
144-page brochure generated from it (its definitions four times, headings of
the copies marked so the contents stay unambiguous; never committed), of
  plain      weasyprint build/pamphlet.html out.pdf   (the engine cost to beat)
  cold       make clean, then pamphlet build
  edit       one sentence changed in one page definition, then pamphlet build
  pdf-cold   make clean, then what `make pdf` runs: build --screen --check --resident
             (print and screen editions, every check, the job ticket; no resident yet:
             it runs in its own process, then starts the build folder's resident)
  pdf-edit   the one-sentence edit, then what `make pdf` runs, once the resident is idle
             (a designer saves some seconds after the last make pdf): run by the
             resident; its memory: the caller's tree and the resident's
  pdf-new    the same after an edit, in a new process (--resident left out)
  watch      the same edit under a running `pamphlet watch` (save -> new PDF and
             every check's verdict printed); its memory: the watcher's tree, sampled
             through all its rebuilds
and once, of
  diff       pamphlet diff of two 200-page versions with 5 pages changed, report included
             (the guide's pages over and over, each copy its own, with field maps)
with each ratio to plain WeasyPrint and the peak memory: the largest process's
peak RSS (GNU time), and the whole process tree's peak PSS, sampled every 50 ms
in one extra run of each kind (pamphlet lays out on every core in forked
workers, which share pages; PSS counts a shared page once; sampling costs CPU,
so the timed runs do not sample). The runs go in rounds — cold, edit, plain —
so that the machine's drift from minute to minute shows in all three alike.
Every command runs as on a designer's machine: Python keeps the modules it
compiled (PYTHONDONTWRITEBYTECODE, set in some sandboxes, is left out).
Not a test: nothing here passes or fails.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EDIT_FILE = "pages/mission-1.yaml"
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list, cwd: Path, sample: bool = False, ok=(0,),
          also=()) -> tuple[float, int, int]:
    """Wall seconds, peak RSS of the largest process (KiB, GNU time) and, when ``sample``,
    peak PSS of the process tree and of the trees of the pids ``also`` (KiB; the
    sampling costs CPU, so timed runs skip it)."""
    start = time.perf_counter()
    process = subprocess.Popen(["/usr/bin/time", "-f", "%M", *command], cwd=cwd, env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    sampler = threading.Thread(target=_sample_pss, args=(process, peak, also), daemon=True)
    if sample:
        sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    if sample:
        sampler.join()
    if process.returncode not in ok:
        sys.exit(f"bench: {' '.join(map(str, command))} failed:\n{err[-2000:]}")
    return seconds, int(err.strip().splitlines()[-1]), peak[0]


def _sample_pss(process, peak, also=()) -> None:
    """Every 50 ms, the PSS of the process and its descendants, and of the processes
    ``also`` and theirs (cheap: no /proc scan)."""
    while process.poll() is None:
        pids = {pid for root in (process.pid, *also) for pid in _tree(root)}
        peak[0] = max(peak[0], sum(_pss(pid) for pid in pids))
        time.sleep(0.05)


def _tree(root: int) -> list[int]:
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        try:
            tasks = list(Path(f"/proc/{pid}/task").glob("*/children"))
        except OSError:                       # the process has just ended
            continue
        for task in tasks:
            try:
                stack += [int(child) for child in task.read_text().split()]
            except OSError:
                pass
    return found


def _pss(pid: int) -> int:
    try:
        for row in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if row.startswith("Pss:"):
                return int(row.split()[1])
    except OSError:
        pass
    return 0


EDIT_CHARS = "護衛保固堅備防抑警監守衡援助導支検査審理証港湾空陸海域境界線"   # new each time


def toggle_edit(project: Path, round_: int) -> None:
    """Change one character of one sentence (same length, so nothing reflows elsewhere)."""
    import re
    path = project / "brochure" / EDIT_FILE
    text = path.read_text(encoding="utf-8")
    edited = re.sub("水際を.り", f"水際を{EDIT_CHARS[round_ % len(EDIT_CHARS)]}り", text, count=1)
    if edited == text:
        sys.exit(f"bench: the sentence to edit is not in {path} (or the edit repeats)")
    path.write_text(edited, encoding="utf-8")


def copy_project(target: Path, copies: int = 1) -> Path:
    for name in ("brochure", "layouts", "fonts", "color"):
        shutil.copytree(ROOT / name, target / name)
    if copies > 1:
        repeat_definitions(target / "brochure", copies)
    return target


def repeat_definitions(root: Path, copies: int) -> None:
    """The brochure's page definitions ``copies`` times: the copies without contents
    entries, their headings marked (one character changed), the contents page's copies
    replaced by copies of another one-page definition (one contents page is enough)."""
    import re

    import yaml

    meta_path = root / "brochure.yaml"
    text = meta_path.read_text(encoding="utf-8")
    pages = yaml.safe_load(text)["pages"]
    headings = set()
    for name in pages:
        data = yaml.safe_load((root / "pages" / f"{name}.yaml").read_text(encoding="utf-8"))
        headings |= {entry["heading"] for entry in data.get("toc") or []}
    contents = next(n for n in pages if "groups:" in (root / "pages" / f"{n}.yaml").read_text(
        encoding="utf-8"))
    stand_in = next(n for n in pages[1:] if n != contents and "layout: statement" in (
        root / "pages" / f"{n}.yaml").read_text(encoding="utf-8"))
    names = list(pages)
    for copy in range(2, copies + 1):
        for name in pages:
            source = stand_in if name == contents else name
            definition = (root / "pages" / f"{source}.yaml").read_text(encoding="utf-8")
            definition = re.sub(r"^id: .*\n", "", definition, flags=re.M)
            definition = re.sub(r"^toc:\n(?:[- ] .*\n)+", "", definition, flags=re.M)
            for heading in sorted(headings, key=len, reverse=True):
                definition = definition.replace(heading, heading[:-1] + "＊")
            (root / "pages" / f"{name}-x{copy}.yaml").write_text(definition, encoding="utf-8")
            names.append(f"{name}-x{copy}")
    block = "pages:\n" + "".join(f"  - {name}\n" for name in names)
    meta_path.write_text(re.sub(r"^pages:\n(?:  - .*\n)+", block, text, flags=re.M),
                         encoding="utf-8")


# ``runs`` rounds of cold build, one-page edit and plain WeasyPrint, side by side
# (so that the machine's drift from minute to minute shows in all three alike),
# then one more round that samples the memory.

MAKE_PDF = [BIN / "pamphlet", "build", "--screen", "--check", "--quiet", "--resident"]


def bench_rounds(project, runs):
    results = {name: [] for name in ("plain", "cold", "edit", "pdf-cold", "pdf-edit",
                                     "pdf-new")}
    made = {}
    for round_ in range(runs + 1):
        sample = round_ == runs
        shutil.rmtree(project / "build", ignore_errors=True)
        results["cold"].append(timed([BIN / "pamphlet", "build", "--quiet"], project, sample))
        made["cold"] = laid_out(project)
        toggle_edit(project, 2 * round_)
        results["edit"].append(timed([BIN / "pamphlet", "build", "--quiet"], project, sample))
        made["edit"] = laid_out(project)
        results["plain"].append(timed([BIN / "weasyprint", "build/pamphlet.html",
                                       "/tmp/bench-plain.pdf"], project, sample))
        shutil.rmtree(project / "build", ignore_errors=True)
        results["pdf-cold"].append(timed(MAKE_PDF, project, sample))
        resident = _resident_idle(project)
        toggle_edit(project, 2 * round_ + 1)
        seconds, _, pss = timed(MAKE_PDF, project, sample, also=resident)
        results["pdf-edit"].append((seconds, 0, pss))       # GNU time: the caller alone
        _resident_idle(project)
        toggle_edit(project, 3 * runs + 4 + round_)
        results["pdf-new"].append(timed(MAKE_PDF[:-1], project, sample))
    return results, made


def _resident_idle(project: Path) -> list[int]:
    """The pid of the project's resident process, once it listens and is idle."""
    def residents():
        found = []
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                words = (proc / "cmdline").read_bytes().split(b"\0")
                if b"resident" in words and b"pamphlet" in words and \
                        (proc / "cwd").resolve() == project.resolve():
                    found.append(int(proc.name))
            except OSError:
                pass
        return found
    _wait(lambda: residents() and list((project / "build/cache").glob("resident-*.sock")),
          120, "the resident")
    for pid in residents():
        _idle(pid)
    return residents()


def bench_watch(project, runs):
    """Save to the last verdict under a running watch, ``runs`` times, each save once the
    watch is idle (a designer saves some seconds after the last one); then one more save
    with the process tree's memory sampled (the sampling reads every page table: it
    costs the watch CPU and its forks time, so the timed saves skip it)."""
    log = open(project / "watch.log", "w")
    watcher = subprocess.Popen([BIN / "pamphlet", "watch", "--quiet", "--no-preview"], cwd=project,
                               stderr=log, stdout=log, env=ENV)
    results, peak = [], [0]
    try:
        _wait(lambda: "checked in" in (project / "watch.log").read_text(), 600)
        for round_ in range(runs + 1):
            _idle(watcher.pid)
            if round_ == runs:
                threading.Thread(target=_sample_pss, args=(watcher, peak), daemon=True).start()
            before = (project / "watch.log").read_text().count("checked in")
            start = time.perf_counter()
            toggle_edit(project, 2 * runs + 2 + round_)
            _wait(lambda: (project / "watch.log").read_text().count("checked in") > before, 600)
            if round_ < runs:
                results.append((time.perf_counter() - start, 0, 0))
    finally:
        watcher.terminate()
        watcher.wait()
    return results + [(0, 0, peak[0])]


def _idle(pid: int, quiet: float = 0.3) -> None:
    """Until the process tree of ``pid`` has used no CPU for ``quiet`` s."""
    def used():
        total = 0
        for member in _tree(pid):
            try:
                fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])      # utime, stime
            except (OSError, IndexError, ValueError):
                pass
        return total
    last = used()
    while True:
        time.sleep(quiet)
        now = used()
        if now == last:
            return
        last = now


def _wait(condition, seconds, what="pamphlet watch"):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            sys.exit(f"bench: timed out waiting for {what}")
        time.sleep(0.02)


def line(name, results, plain_median, note="(all its rebuilds)"):
    timing, memory_run = results[:-1], results[-1]
    seconds = [s for s, _, _ in timing]
    median = statistics.median(seconds)
    rss, pss = max(r for _, r, _ in results), memory_run[2]
    ratio = f"{median / plain_median:5.2f} x plain" if plain_median else " " * 13
    memory = (f"peak RSS {rss / 1024:4.0f} MiB, tree PSS {pss / 1024:4.0f} MiB" if rss
              else f"{'':20s}tree PSS {pss / 1024:4.0f} MiB {note}")
    return (f"{name:<8} min {min(seconds):6.2f} s  median {median:6.2f} s  "
            f"max {max(seconds):6.2f} s  {ratio}  {memory}")


def laid_out(project: Path) -> str:
    """What the last build made, from build/cache/last-build.json."""
    import json
    try:
        facts = json.loads((project / "build/cache/last-build.json").read_text())
    except (OSError, ValueError):
        return "?"
    return f"{len(facts['made'])} of {len(facts['made']) + len(facts['reused'])}"


def bench_brochure(copies: int, runs: int) -> None:
    """All the cases on the guide's definitions repeated ``copies`` times; print them."""
    with tempfile.TemporaryDirectory(prefix="pamphlet-bench-") as folder:
        project = copy_project(Path(folder), copies)
        rounds, made = bench_rounds(project, runs)
        plain_median = statistics.median(s for s, _, _ in rounds["plain"][:-1])
        rows = [(name, rounds[name]) for name in ("plain", "cold", "edit", "pdf-cold",
                                                  "pdf-edit", "pdf-new")]
        rows.append(("watch", bench_watch(project, runs)))
        pages = subprocess.getoutput(f"pdfinfo {project}/build/pamphlet.pdf | grep ^Pages")
        print(f"make bench: {pages.split()[-1]} pages, {runs} runs each, "
              f"{subprocess.getoutput('nproc')} cores")
        for name, results in rows:
            print(line(name, results, plain_median if name != "plain" else 0,
                       "(with the resident)" if name == "pdf-edit" else "(all its rebuilds)"))
        print(f"page definitions laid out: cold {made['cold']}, edit {made['edit']}")


DIFF_PAGES, DIFF_CHANGED = 200, 5


def bench_diff(runs: int) -> None:
    """``pamphlet diff`` of two 200-page PDFs, 5 pages changed, with --report; print it."""
    with tempfile.TemporaryDirectory(prefix="pamphlet-bench-") as folder:
        project = copy_project(Path(folder))
        build = project / "build"
        timed([BIN / "pamphlet", "build", "--quiet"], project)
        shutil.copy(build / "pamphlet.pdf", build / "before.pdf")
        shutil.copy(build / "pamphlet.fields.json", build / "before.fields.json")
        toggle_edit(project, 0)
        timed([BIN / "pamphlet", "build", "--quiet"], project)
        old = splice_pages(build / "before.pdf", build / "before.pdf", [], build / "old200.pdf")
        new = splice_pages(build / "before.pdf", build / "pamphlet.pdf", _edited(build),
                           build / "new200.pdf")
        command = [BIN / "pamphlet", "diff", old, new, "--report", build / "diff200", "--quiet"]
        results = []
        for _ in range(runs + 1):
            shutil.rmtree(build / "diff200", ignore_errors=True)
            results.append(timed(command, project, sample=len(results) == runs, ok=(0, 1)))
        print(f"make bench: {DIFF_PAGES} pages, {DIFF_CHANGED} changed, {runs} runs, "
              f"{subprocess.getoutput('nproc')} cores")
        print(line("diff", results, 0) + "  (report included)")


def _edited(build: Path) -> list[int]:
    """The numbers of the 200 pages that come from the edited page: 5 of them."""
    import json

    before = json.loads((build / "before.fields.json").read_text())["pages"]
    page = next(p["page"] for p in before if p["definition"] == Path(EDIT_FILE).stem)
    return [page + len(before) * k for k in range(DIFF_CHANGED)]


def splice_pages(base: Path, edited: Path, take: list[int], target: Path) -> Path:
    """DIFF_PAGES pages: ``base``'s over and over, those numbered in ``take`` from ``edited``;
    with a field map for the result, as a build writes one."""
    import hashlib
    import json

    import pikepdf

    maps = {path: json.loads(path.with_name(path.stem + ".fields.json").read_text())
            for path in (base, edited)}
    out, pages, sources = pikepdf.new(), [], {}
    for number in range(1, DIFF_PAGES + 1):
        path = edited if number in take else base
        count = len(maps[path]["pages"])
        copy = (path, (number - 1) // count)
        if copy not in sources:                     # a new copy: its own objects
            sources[copy] = pikepdf.open(path)
        out.pages.append(sources[copy].pages[(number - 1) % count])
        # Each copy of a page its own: no two pages of a real pamphlet draw the same
        # (a comment in its content: the digest differs, the picture does not).
        out.pages[-1].contents_add(pikepdf.Stream(out, f"% page {number}\n".encode()))
        pages.append({**maps[path]["pages"][(number - 1) % count], "page": number})
    out.save(target, deterministic_id=True)
    data = {**maps[base], "pages": pages,
            "pdf_sha256": hashlib.sha256(target.read_bytes()).hexdigest()}
    target.with_name(target.stem + ".fields.json").write_text(json.dumps(data, ensure_ascii=False))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big-runs", type=int, default=1, help="runs of the 144-page case")
    parser.add_argument("--only", choices=("36", "144", "diff"), help="one case only")
    args = parser.parse_args()
    if 4 * max(args.runs, args.big_runs) + 5 > len(EDIT_CHARS):
        sys.exit(f"bench: at most {(len(EDIT_CHARS) - 5) // 4} runs (one new character each)")
    if args.only in (None, "36"):
        bench_brochure(1, args.runs)
    if args.only in (None, "144"):
        bench_brochure(4, args.big_runs)
    if args.only in (None, "diff"):
        bench_diff(args.runs)


if __name__ == "__main__":
    main()
