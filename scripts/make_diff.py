"""`make diff BASE=<git ref>`: what changed on the pages since BASE (default HEAD).

BASE is checked out into a temporary `git worktree --detach` and built there with
its own code (PYTHONPATH=<worktree>/src) and its own brochure into its own
folder; the working tree is built with its code into build/diff/new.pdf.  The
two builds run side by side, then `pamphlet diff` writes build/diff/index.html.
The worktree is removed whatever happens; the working tree is never touched.
What git says changed since BASE (`git diff`, and files git does not track yet)
goes to build/diff/changes.json, so that the report gives each changed field its
own lines of the diff; review/approvals.yaml, when there is one, puts the pages
changed since their approval first.

Exit 0 when the diff ran (whether pages changed or not: the summary says), 2 when
a ref is unknown or a build gave no PDF at all.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    out = ROOT / args.out
    commit = _resolve(args.base)
    if commit is None:
        print(f"error: unknown git ref '{args.base}'", file=sys.stderr)
        print("hint: name a branch, tag or commit, e.g. make diff BASE=HEAD~1", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pamphlet-diff-") as folder:
        base = _build_both(Path(folder), commit, args, out)
        new = _made(out / "new.pdf", "the working tree")
        if base is None or new is None:
            return 2
        base = _keep(base, out)
    changes = out / "changes.json"
    changes.write_text(json.dumps(git_changes(commit, args.base), ensure_ascii=False, indent=1)
                       + "\n", encoding="utf-8")
    return _diff(base, new, out, ROOT / args.brochure, changes, ROOT / args.approvals)


def _keep(pdf: Path, out: Path) -> Path:
    """Copy BASE's PDF (or its overset pages) and its field map beside the report."""
    for stale in (out / "base.pdf", out / "base.overset.pdf", out / "base.fields.json"):
        stale.unlink(missing_ok=True)
    fields = pdf.with_name(pdf.stem + ".fields.json")
    if fields.exists():
        shutil.copyfile(fields, out / fields.name)
    return Path(shutil.copyfile(pdf, out / pdf.name))


def git_changes(commit: str, ref: str) -> dict:
    """The files changed between ``commit`` and the working tree, each with its hunks
    (line ranges on both sides and the lines), untracked files as wholly added."""
    found = _git("diff", "--no-color", "--no-ext-diff", "--unified=0", commit, "--", ".",
                 ":(exclude)build")
    files = _parse_diff(found.stdout)
    untracked = _git("ls-files", "--others", "--exclude-standard", "--", ".").stdout.split("\n")
    for name in filter(None, untracked):
        try:
            lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            lines = []
        files.append({"path": name, "status": "A", "hunks": [
            {"old": [0, 0], "new": [1, len(lines)], "text": "\n".join("+" + l for l in lines)}]})
    return {"base": ref, "commit": commit, "files": sorted(files, key=lambda f: f["path"])}


def _parse_diff(text: str) -> list[dict]:
    import re

    files, current = [], None
    for line in text.splitlines():
        if line.startswith("diff --git "):
            current = {"path": line.split(" b/", 1)[-1], "status": "M", "hunks": []}
            files.append(current)
        elif current is None:
            continue
        elif line.startswith("new file mode"):
            current["status"] = "A"
        elif line.startswith("deleted file mode"):
            current["status"] = "D"
        elif line.startswith("@@"):
            match = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", line)
            old_start, old_count, new_start, new_count = (
                int(v) if v is not None else 1 for v in match.groups())
            current["hunks"].append({"old": [old_start, old_count], "new": [new_start, new_count],
                                     "text": line})
        elif current["hunks"] and line[:1] in "+- " and not line.startswith(("+++", "---")):
            current["hunks"][-1]["text"] += "\n" + line
    return files


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="example: make diff BASE=HEAD~1")
    parser.add_argument("--base", default="HEAD", help="the git ref to compare with")
    parser.add_argument("--brochure", default="brochure", help="the brochure folder, "
                        "relative to the repository (default: brochure)")
    parser.add_argument("--approvals", default="review/approvals.yaml", help="the approvals "
                        "file, relative to the repository (default: review/approvals.yaml)")
    parser.add_argument("--out", default="build/diff", help="where the new PDF and the "
                        "report go, relative to the repository (default: build/diff)")
    return parser


def _resolve(ref: str) -> str | None:
    found = _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    return found.stdout.strip() or None


def _build_both(folder: Path, commit: str, args, out: Path) -> Path | None:
    """Build BASE in a worktree and the working tree, side by side; the base PDF's path."""
    tree = folder / "base"
    _git("worktree", "add", "--detach", "--quiet", str(tree), commit)
    try:
        print(f"building {args.base} ({commit[:10]}) and the working tree ...", flush=True)
        builds = [_start(tree, tree / args.brochure, folder / "base.pdf", "base"),
                  _start(ROOT, ROOT / args.brochure, out / "new.pdf", "new")]
        for process, relay in builds:
            process.wait()
            relay.join()
    finally:
        _git("worktree", "remove", "--force", str(tree), check=False)
        _git("worktree", "prune", check=False)
    return _made(folder / "base.pdf", args.base)


def _start(tree: Path, brochure: Path, pdf: Path, label: str) -> tuple:
    """Start `pamphlet build` with ``tree``'s own code; its messages prefixed with ``label``."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(tree / "src")] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    _check_code(tree, env)
    for old in (pdf, pdf.with_name(pdf.stem + ".overset.pdf")):
        old.unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "pamphlet", "build", "--brochure", str(brochure),
         "--out", str(pdf)], cwd=tree, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    relay = threading.Thread(target=_relay, args=(process.stdout, label), daemon=True)
    relay.start()
    return process, relay


def _check_code(tree: Path, env: dict) -> None:
    """Make sure the build will run the code of ``tree``, not the installed package."""
    found = subprocess.run([sys.executable, "-c", "import pamphlet; print(pamphlet.__file__)"],
                           cwd=tree, env=env, capture_output=True, text=True)
    where = Path(found.stdout.strip() or ".").resolve()
    if not where.is_relative_to((tree / "src").resolve()):
        raise SystemExit(f"error: the build in {tree} would run {where}, not its own code")


def _relay(stream, label: str) -> None:
    for line in stream:
        print(f"[{label}] {line}", end="", flush=True)


def _made(pdf: Path, what: str) -> Path | None:
    """The PDF a build made, or the pages it laid out before an overset error."""
    if pdf.exists():
        return pdf
    overset = pdf.with_name(pdf.stem + ".overset.pdf")
    if overset.exists():
        print(f"note: {what} did not build cleanly (see above); comparing its pages as laid "
              f"out ({overset.name}), without trim marks", file=sys.stderr)
        return overset
    print(f"error: {what} did not build (see above)", file=sys.stderr)
    return None


def _diff(base: Path, new: Path, out: Path, brochure: Path, changes: Path,
          approvals: Path) -> int:
    command = [sys.executable, "-m", "pamphlet", "diff", str(base), str(new), "--report", str(out),
               "--quiet", "--changes", str(changes)]
    if brochure.is_dir():
        command += ["--brochure", str(brochure)]
    if approvals.is_file():
        command += ["--approvals", str(approvals)]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    status = subprocess.run(command, cwd=ROOT, env=env).returncode
    if status == 2:
        return 2
    print(f"report: {_shown(out / 'index.html')}")
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _git(*args, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                          check=check)


if __name__ == "__main__":
    sys.exit(main())
