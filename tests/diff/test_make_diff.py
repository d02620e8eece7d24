"""`make diff`: BASE built in a worktree with its own code, the working tree beside it."""

import json
import shutil
import subprocess
import sys

import pytest

from utils import ROOT, copy_brochure, edit


def git(repo, *args) -> str:
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.org",
                           *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture()
def repo(tmp_path):
    """A small repository: this project's code and scripts, the mini brochure as brochure/."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "src", repo / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    (repo / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "make_diff.py", repo / "scripts")
    shutil.copy(ROOT / ".gitignore", repo)
    for kit in ("layouts", "fonts", "color"):       # the project's own kit, inside it
        shutil.copytree(ROOT / kit, repo / kit)
    copy_brochure(tmp_path).rename(repo / "brochure")
    meta = repo / "brochure" / "brochure.yaml"         # the kit beside brochure/, by default
    meta.write_text("".join(line for line in meta.read_text(encoding="utf-8").splitlines(True)
                            if not line.startswith(("layouts:", "fonts:", "output_profile:"))),
                    encoding="utf-8")
    git(repo, "init", "--quiet")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "the approved pamphlet")
    return repo


def make_diff(repo, *args):
    return subprocess.run([sys.executable, "scripts/make_diff.py", *args], cwd=repo,
                          capture_output=True, text=True, timeout=900)


def test_it_shows_what_the_uncommitted_edit_changed(repo):
    edit(repo / "brochure/pages/alpha.yaml", "二つ目の段落です。", "二つ目の文章です。")
    result = make_diff(repo, "--base", "HEAD")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("building HEAD (")
    assert lines[-2].startswith("1 of 8 pages changed: 3 (")
    assert lines[-1] == "report: build/diff/index.html"
    facts = json.loads((repo / "build/diff/report.json").read_text(encoding="utf-8"))
    assert [(p["status"], p["new_page"]) for p in facts["pages"] if p["status"] != "same"] == [
        ("changed", 3)]
    assert (repo / "build/diff/base.pdf").exists() and (repo / "build/diff/new.pdf").exists()
    # The change names its field, with git's diff of that field's lines.
    [change] = facts["pages"][2]["text"]["changes"]
    assert change["source"]["says"] == "alpha.yaml:7 body[1] changed (alpha)"
    assert change["source"]["git_diff"].splitlines() == [
        "@@ -7 +7 @@ body:", "-  - 二つ目の段落です。", "+  - 二つ目の文章です。"]
    changes = json.loads((repo / "build/diff/changes.json").read_text(encoding="utf-8"))
    assert [(f["path"], f["status"]) for f in changes["files"]] == [
        ("brochure/pages/alpha.yaml", "M")]
    # The worktree is gone and the working tree holds only the edit (build/ is ignored).
    assert len(git(repo, "worktree", "list").splitlines()) == 1
    assert git(repo, "status", "--porcelain").splitlines() == [" M brochure/pages/alpha.yaml"]


def test_each_side_is_built_with_its_own_code(repo):
    # Only the working tree's code renames a heading: if BASE were built with the
    # working tree's code too, nothing would differ.
    render = repo / "src/pamphlet/render.py"
    render.write_text(render.read_text(encoding="utf-8") + (
        "\n\n_page = Renderer.page\n"
        "Renderer.page = lambda self, page: _page(self, page).replace('はじまりの', 'おしまいの')\n"),
        encoding="utf-8")
    result = make_diff(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    facts = json.loads((repo / "build/diff/report.json").read_text(encoding="utf-8"))
    changed = {p["new_page"]: p for p in facts["pages"] if p["status"] == "changed"}
    assert [(c["old"], c["new"]) for c in changed[3]["text"]["changes"]] == [
        ("はじまり", "おしまい")]


def test_an_unknown_ref_is_an_error(repo):
    result = make_diff(repo, "--base", "no-such-ref")
    assert result.returncode == 2
    assert result.stderr == ("error: unknown git ref 'no-such-ref'\n"
                             "hint: name a branch, tag or commit, e.g. make diff BASE=HEAD~1\n")
