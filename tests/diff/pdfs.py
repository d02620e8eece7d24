"""Altered copies of built PDFs, made with pypdf: pages spliced, a page nudged."""

import json

import pypdf
from pypdf import Transformation

from utils import run


def splice(pages: list, target):
    """Write ``pages`` — (PDF path, 1-based page number) pairs — to ``target``, in order."""
    writer = pypdf.PdfWriter()
    for path, number in pages:
        writer.add_page(pypdf.PdfReader(str(path)).pages[number - 1])
    with open(target, "wb") as handle:
        writer.write(handle)
    return target


def nudge(source, number: int, dx: float, dy: float, target):
    """A copy of ``source`` whose page ``number`` is drawn ``dx``, ``dy`` pt away."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(str(source)))
    writer.pages[number - 1].add_transformation(Transformation().translate(dx, dy))
    with open(target, "wb") as handle:
        writer.write(handle)
    return target


def diff(old, new, *extra) -> tuple:
    """Run ``pamphlet diff --json``: (result, report as data, or None when it printed none)."""
    result = run("diff", old, new, "--json", "--quiet", *extra)
    return result, (json.loads(result.out) if result.out.startswith("{") else None)


def differences(data: dict) -> list[tuple]:
    """(status, old page, new page) of every page that is not the same."""
    return [(p["status"], p["old_page"], p["new_page"]) for p in data["pages"]
            if p["status"] != "same"]


def text_changes(page: dict) -> list[tuple]:
    return [(c["op"], c["old"], c["new"]) for c in page["text"]["changes"]]
