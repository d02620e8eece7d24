"""Decide which revision of the sources is being sent, and whether it is what was committed."""

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Revision:
    """The git commit the sources are at, and the files changed since (none: clean)."""

    commit: str | None = None            # short hash; None outside a git work tree
    changed: tuple[str, ...] = ()        # `git status --porcelain` lines

    @property
    def clean(self) -> bool:
        return self.commit is not None and not self.changed

    def describe(self) -> str:
        """``1a2b3c4d5e6f``, ``1a2b3c4d5e6f+changes`` or ``not in git``."""
        if self.commit is None:
            return "not in git"
        return self.commit + ("+changes" if self.changed else "")

    def label(self, version: str | None) -> str:
        """What a file name carries: ``v1.2-1a2b3c4d5e6f`` (``-dirty`` when changed)."""
        parts = [f"v{version}"] if version else []
        if self.commit is not None:
            parts.append(self.commit + ("-dirty" if self.changed else ""))
        return "-".join(parts)


def read_revision(folder: Path) -> Revision:
    """The revision of the git work tree holding ``folder`` (ignored files do not count)."""
    git = shutil.which("git")
    if git is None:
        return Revision()
    head = _git(git, folder, "rev-parse", "--short=12", "HEAD")
    if head is None:
        return Revision()
    status = _git(git, folder, "status", "--porcelain", "--untracked-files=normal") or ""
    return Revision(head.strip(), tuple(line for line in status.splitlines() if line.strip()))


def _git(git: str, folder: Path, *args) -> str | None:
    result = subprocess.run([git, "-C", str(folder), *args], capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None
