"""Review a PDF's pages: ``pamphlet approve`` (校了) and ``pamphlet comment``, kept in
review/approvals.yaml and review/comments.yaml; ``pamphlet diff --approvals`` shows them.

`stale_approvals(pdf, approvals_file)` is the check a hand-off makes (see approvals.py).
"""

import argparse
import math
import os
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from .approvals import (APPROVAL_KEYS, COMMENT_KEYS, check_approvals, comments_path,
                        load_list, locate, page_states, stale_approvals)

__all__ = ["stale_approvals", "annotate", "check_files"]
DEFAULT_FILE = Path("review/approvals.yaml")


def add_arguments(parser) -> None:
    """``pamphlet approve PDF [--pages 3,5-7]`` (the whole version when none are named)."""
    _common(parser)
    parser.add_argument("--pages", type=_pages, metavar="LIST",
                        help="the pages approved, e.g. 3,5-7 (default: every page: the version)")


def add_comment_arguments(parser) -> None:
    """``pamphlet comment PDF --page N --box x,y,w,h --text TEXT``."""
    _common(parser)
    parser.add_argument("--page", type=int, required=True, help="the page it is about")
    parser.add_argument("--box", type=_box, required=True, metavar="x,y,w,h",
                        help="the region (mm from the trim's top left)")
    parser.add_argument("--text", required=True, help="the comment")


def _common(parser) -> None:
    parser.add_argument("pdf", metavar="PDF", help="the PDF reviewed (its build's field map "
                        "beside it lets the review follow pages and fields)")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, metavar="FILE",
                        help=f"the approvals file, comments.yaml beside it (default {DEFAULT_FILE})")
    parser.add_argument("--by", help="who (default: git config user.name, else $USER)")
    parser.add_argument("--at", help="when, ISO 8601 (default: now, UTC)")


def command(args) -> int:
    from .approvals import approve

    entry = approve(Path(args.pdf), args.file, args.pages, _who(args), _when(args))
    pages = "every page" if entry["whole"] else "pages " + _ranges([p["page"] for p in
                                                                     entry["pages"]])
    if not args.quiet:
        print(f"approved {pages} of {args.pdf} (sha256 {entry['sha256'][:12]}) as "
              f"{entry['by']}: {args.file}")
    return 0


def comment_command(args) -> int:
    from .approvals import comment

    entry = comment(Path(args.pdf), args.file, args.page, args.box, args.text, _who(args),
                    _when(args))
    if not args.quiet:
        field = f" on {entry['field']}" if entry.get("field") else ""
        print(f"comment {entry['id']} on page {args.page}{field}: {comments_path(args.file)}")
    return 0


def annotate(result, look=None) -> None:
    """Give ``result`` its review: stale approvals first, current ones, and the comments
    placed on the new PDF's pages (``look(number)`` renders a page not otherwise shown)."""
    file = result.options.approvals
    states, fields = page_states(result.new)
    stale, current = check_approvals(states, load_list(file, "approvals", APPROVAL_KEYS))
    comments = [_place(c, states, fields) for c in _comments(file)]
    result.review = {"file": str(file), "stale": stale, "approved": current,
                     "comments": comments}
    by_page = {p.new_page: p for p in result.pages if p.new_page is not None}
    for judged in stale + current:
        page = by_page.get(judged["page"])
        if page is not None:
            page.approval = {**judged, "stale": judged in stale}
    for placed in comments:
        page = by_page.get(placed["page"])
        if page is not None:
            page.comments.append(placed)
    if look is not None:
        for page in by_page.values():
            if (page.comments or (page.approval or {}).get("stale")) and not page.pictures:
                page.pictures = {"new": look(page.new_page)}


def check_files(file: Path) -> None:
    """Read the approvals file and comments.yaml beside it; raise `PamphletError` at the line."""
    load_list(file, "approvals", APPROVAL_KEYS)
    _comments(file)


def _comments(file: Path) -> list[dict]:
    return load_list(comments_path(file), "comments", COMMENT_KEYS)


def _place(entry: dict, states: list, fields) -> dict:
    """Where a comment is now: on its field's new box, else its page's, else its number."""
    state = locate(states, entry)
    box = list(entry["box"])
    followed = None
    if fields is not None and entry.get("field") and entry.get("field_box"):
        now = fields.fields.get((entry.get("definition"), entry["field"]))
        if now is not None:
            page = next((n for n, p in fields.pages.items() if now in p["boxes"]), None)
            if page is not None:
                dx, dy = now["box"][0] - entry["field_box"][0], now["box"][1] - entry["field_box"][1]
                box = [round(box[0] + dx, 1), round(box[1] + dy, 1), box[2], box[3]]
                state = states[page - 1]
                followed = entry["field"]
    return {"id": entry["id"], "text": entry["text"], "by": entry["by"], "at": entry["at"],
            "page": state.page if state else None, "was_page": entry["page"], "box_mm": box,
            "field": followed or entry.get("field")}


def _who(args) -> str:
    if args.by:
        return args.by
    try:
        name = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True,
                              timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    name = name or os.environ.get("USER", "")
    if not name:
        from ..diagnostics import Diagnostic, PamphletError

        raise PamphletError(Diagnostic("who is approving? no --by, no git user.name, no $USER",
                                       hint="say it: --by 'Yamada Hanako'"))
    return name


def _when(args) -> str:
    if args.at:
        try:
            return datetime.fromisoformat(args.at).isoformat()
        except ValueError:
            from ..diagnostics import Diagnostic, PamphletError

            raise PamphletError(Diagnostic(f"--at '{args.at}' is not a date and time",
                                           hint="ISO 8601, e.g. 2025-03-01T10:00:00+09:00"))
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


PAGES = re.compile(r"^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$")


def _pages(text: str) -> list[int]:
    if not PAGES.match(text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a list of pages, e.g. 3,5-7")
    pages = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        first, last = int(first), int(last or first)
        if first < 1 or last < first:
            raise argparse.ArgumentTypeError(f"'{part.strip()}': pages count from 1, up")
        pages += range(first, last + 1)
    return pages


def _box(text: str) -> tuple:
    try:
        box = tuple(float(v) for v in text.split(","))
    except ValueError:
        box = ()
    if len(box) != 4 or not all(map(math.isfinite, box)) or box[2] <= 0 or box[3] <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not x,y,w,h in mm, e.g. 20,40,60,15")
    return box


def _ranges(numbers: list[int]) -> str:
    runs, start = [], None
    for index, number in enumerate(numbers):
        if start is None:
            start = number
        if index + 1 == len(numbers) or numbers[index + 1] != number + 1:
            runs.append(str(start) if start == number else f"{start}-{number}")
            start = None
    return ",".join(runs)
