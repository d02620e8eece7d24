"""Helpers shared by the tests: fixture brochures, running the CLI, reading PDFs."""

import contextlib
import io
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pypdf

from pamphlet.cli import main

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "tests" / "resources"


@dataclass
class Result:
    code: int
    out: str
    err: str


def run(*args) -> Result:
    """Run the `pamphlet` command in this process and capture what it prints; the
    environment is left as the command's own process would leave it (`fontconfig_kept`)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), fontconfig_kept():
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit:  # argparse's --help and usage errors
            code = exit.code
    return Result(code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def fontconfig_kept():
    """The fontconfig environment as it was, after the block.

    A build points fontconfig at pamphlet's fonts for the rest of its process
    (engine/layout.py's isolate_fonts sets FONTCONFIG_FILE): a browser or a build
    after it, in another test, gets the environment the test session started with.
    """
    saved = {name: os.environ.get(name) for name in ("FONTCONFIG_FILE", "PAMPHLET_FONTCONFIG_SET")}
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def copy_brochure(tmp_path: Path, name: str = "mini") -> Path:
    """A writable copy of a fixture brochure whose layouts/fonts point at the project's."""
    target = tmp_path / name
    shutil.copytree(RESOURCES / name, target)
    meta = target / "brochure.yaml"
    text = meta.read_text(encoding="utf-8")
    text = re.sub(r"^layouts: .*$", f"layouts: {ROOT / 'layouts'}", text, flags=re.M)
    text = re.sub(r"^fonts: .*$", f"fonts: {ROOT / 'fonts'}", text, flags=re.M)
    text = re.sub(r"^output_profile: \.\./\.\./\.\./(.*)$", lambda m: f"output_profile: {ROOT / m[1]}",
                  text, flags=re.M)
    meta.write_text(text, encoding="utf-8")
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of a file (fails loudly if it is not there once)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def pdf_text(path: Path) -> list[str]:
    """The text of each page, as pypdf reads it."""
    return [page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)
