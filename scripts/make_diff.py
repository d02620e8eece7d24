"""`make diff BASE=<git ref>`: what changed on the pages since BASE (default HEAD).

BASE is checked out into a temporary `git worktree --detach` and built there with
its own code (PYTHONPATH=<worktree>/src) and its own brochure into its own
folder; the working tree is built with its code into build/diff/new.pdf.  The
two builds run side by side, then `pamphlet diff` writes build/diff/index.html.
The worktree is removed whatever happens; the working tree is never touched.

Exit 0 when the diff ran (whether pages changed or not: the summary says), 2 when
a ref is unknown or a build gave no PDF at all.
"""

import argparse
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
    return _diff(base, new, out, ROOT / args.brochure)


def _keep(pdf: Path, out: Path) -> Path:
    """Copy BASE's PDF (or its overset pages) beside the report, out of the temporary folder."""
    for stale in (out / "base.pdf", out / "base.overset.pdf"):
        stale.unlink(missing_ok=True)
    return Path(shutil.copyfile(pdf, out / pdf.name))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="example: make diff BASE=HEAD~1")
    parser.add_argument("--base", default="HEAD", help="the git ref to compare with")
    parser.add_argument("--brochure", default="brochure", help="the brochure folder, "
                        "relative to the repository (default: brochure)")
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


def _diff(base: Path, new: Path, out: Path, brochure: Path) -> int:
    command = [sys.executable, "-m", "pamphlet", "diff", str(base), str(new), "--report", str(out),
               "--quiet"]
    if brochure.is_dir():
        command += ["--brochure", str(brochure)]
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
