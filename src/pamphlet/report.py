"""Lay out diagnostics and check reports as a person reads them in a terminal (for cli.py)."""

import sys
import unicodedata
from pathlib import Path


def width(text: str) -> int:
    """Columns a string takes in a terminal: wide (Japanese) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def table(headers: list[str], rows: list[list[str]]) -> str:
    columns = [max(width(str(r[i])) for r in [headers] + rows) for i in range(len(headers))]
    lines = ["  ".join(pad(str(cell), columns[i]) for i, cell in enumerate(row)).rstrip()
             for row in [headers] + rows]
    lines.insert(1, "  ".join("-" * c for c in columns))
    return "\n".join(lines)


def toc_table(report) -> str:
    """Entries, then references, then one summary line."""
    entry_rows = [[e.entry, e.contents_says or "-",
                   ", ".join(f"{p:02d}" for p in e.heading_pages) or "-",
                   e.folio or "-", "ok" if e.ok else "WRONG"] for e in report.entries]
    reference_rows = [[f"{r.page:02d}", r.printed or "-", r.target,
                       f"{r.target_page:02d}" if r.target_page else "-", r.folio or "-",
                       "ok" if r.ok else "WRONG"] for r in report.references]
    wrong = sum(not e.ok for e in report.entries) + sum(not r.ok for r in report.references)
    summary = (f"check-toc: {len(report.entries)} contents entries and "
               f"{len(report.references)} page references on {report.pages} pages: "
               + ("all agree" if report.ok else f"{wrong + len(report.problems)} wrong"))
    return "\n\n".join([
        table(["entry", "contents says", "heading found on", "folio there", "verdict"], entry_rows),
        table(["on page", "reference", "points at", "page", "folio there", "verdict"],
              reference_rows),
        summary])


def print_diagnostics(diagnostics: list, stream=None) -> None:
    """``error: file:line:col: message`` then ``hint: ...``, one block per diagnostic."""
    stream = stream or sys.stderr
    here = Path.cwd()
    previous_hint = None
    for diagnostic in diagnostics:
        where = diagnostic.location(relative_to=here)
        prefix = f"{diagnostic.severity}: " + (f"{where}: " if where else "")
        print(prefix + diagnostic.message, file=stream)
        if diagnostic.hint and diagnostic.hint != previous_hint:   # said once for a run
            print(f"hint: {diagnostic.hint}", file=stream)
        previous_hint = diagnostic.hint
