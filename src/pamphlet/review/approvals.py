"""Approvals (校正 -> 校了) and comments, kept in the repository: review/approvals.yaml and
review/comments.yaml beside it.

An approval names who approved which pages of which PDF (its sha256), when,
and each page's content digest (diff/fingerprint.py: what the page draws
inside its BleedBox, trim marks and slug left out).  A page is found again in a
later PDF by its definition and place in it (the build's field map), else by
its number; its approval is stale when its digest differs.  A comment is
pinned on a box of a page (mm from the trim's top left) and on the field under
it, and follows that field to wherever it is laid out later.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic, PamphletError

HEADER = {"approvals": "# 校正 -> 校了: pages approved with `pamphlet approve` (who, when, which PDF).\n"
                       "# Each page's digest is of what it draws; a later PDF whose page differs\n"
                       "# makes the approval stale (pamphlet diff --approvals lists it first).\n",
          "comments": "# Reviewers' comments pinned on a page region (`pamphlet comment`, or the\n"
                      "# diff report's 'comment'); box: x, y, width, height in mm from the trim.\n"}
PAGE_KEYS = {"page", "digest", "definition", "offset"}
APPROVAL_KEYS = {"by", "at", "pdf", "sha256", "pages", "whole", "digests"}
COMMENT_KEYS = {"id", "by", "at", "text", "page", "sha256", "definition", "offset", "field",
                "field_box", "box"}


@dataclass(frozen=True)
class PageState:
    """What a PDF's page is for review: its number, digest and place in its definition."""

    page: int
    digest: str
    definition: str | None = None
    offset: int | None = None


def comments_path(approvals: Path) -> Path:
    return approvals.with_name("comments.yaml")


def page_states(pdf: Path) -> tuple[list[PageState], object]:
    """Every page of ``pdf`` for review, and its field map (None without one)."""
    from ..diff.fingerprint import fingerprint_pages
    from ..diff.sources import load_map

    keys = fingerprint_pages(pdf)
    fields = load_map(pdf, [])
    states = []
    for key in keys:
        entry = fields.pages.get(key.number) if fields is not None else None
        states.append(PageState(key.number, key.digest.hex(),
                                entry["definition"] if entry else None,
                                entry["offset"] if entry else None))
    return states, fields


def approve(pdf: Path, file: Path, pages: list[int] | None, by: str, at: str) -> dict:
    """Record ``pages`` of ``pdf`` (every page when None) as approved; return the entry."""
    states, _ = page_states(pdf)
    chosen = _chosen(states, pages, pdf)
    from ..diff.fingerprint import DIGESTS

    entry = {"by": by, "at": at, "pdf": pdf.name, "sha256": _sha256(pdf),
             "whole": pages is None, "digests": DIGESTS,
             "pages": [_page_entry(state) for state in chosen]}
    data = load_list(file, "approvals", APPROVAL_KEYS)
    data.append(entry)
    save_list(file, "approvals", data)
    return entry


def comment(pdf: Path, file: Path, page: int, box: tuple, text: str, by: str, at: str) -> dict:
    """Pin ``text`` on ``box`` (mm) of ``page``; stored in comments.yaml beside ``file``."""
    states, fields = page_states(pdf)
    state = _chosen(states, [page], pdf)[0]
    target = comments_path(file)
    data = load_list(target, "comments", COMMENT_KEYS)
    entry = {"id": 1 + max((c.get("id", 0) for c in data), default=0), "by": by, "at": at,
             "text": text, "page": page, "sha256": _sha256(pdf), "box": [round(v, 1) for v in box]}
    if state.definition is not None:
        entry.update(definition=state.definition, offset=state.offset)
        hit = fields.field_at(page, box)
        if hit is not None:
            entry.update(field=hit[1]["field"], field_box=hit[1]["box"])
    data.append(entry)
    save_list(target, "comments", data)
    return entry


def stale_approvals(pdf, approvals_file) -> list[dict]:
    """The approved pages that ``pdf`` shows changed since their approval, in page order.

    Each: ``page`` (in ``pdf``, None when it is gone), ``approved_page``, ``definition``,
    ``by``, ``at``, ``sha256`` (of the approved PDF) and ``why``.  The latest approval of
    a page counts.  Raises `PamphletError` at the file's line when it is not readable.
    For `pamphlet package`: refuse to hand off while this is not empty.
    """
    states, _ = page_states(Path(pdf))
    return check_approvals(states, load_list(Path(approvals_file), "approvals", APPROVAL_KEYS))[0]


def check_approvals(states: list[PageState], approvals: list[dict]) -> tuple[list, list]:
    """(stale, current): each approved page found in ``states`` and judged."""
    from ..diff.fingerprint import DIGESTS

    latest = {}
    for approval in approvals:
        for item in approval["pages"]:
            latest[_identity(item)] = (approval, item)
    stale, current = [], []
    for approval, item in latest.values():
        state = locate(states, item)
        judged = {"page": state.page if state else None, "approved_page": item["page"],
                  "definition": item.get("definition"), "by": approval["by"],
                  "at": approval["at"], "sha256": approval["sha256"]}
        if state is None:
            stale.append({**judged, "why": "no longer in the PDF"})
        elif approval.get("digests", DIGESTS) != DIGESTS:
            stale.append({**judged, "why": "approved with another pamphlet's page digests: "
                          "cannot tell, approve it again"})
        elif state.digest != item["digest"]:
            stale.append({**judged, "why": "changed since approval"})
        else:
            current.append(judged)
    order = lambda j: (j["page"] is None, j["page"] or 0, j["approved_page"])  # noqa: E731
    return sorted(stale, key=order), sorted(current, key=order)


def locate(states: list[PageState], item: dict) -> PageState | None:
    """The page that is now what ``item`` (an approved page or a comment) was on."""
    if item.get("definition") is not None:
        found = next((s for s in states if s.definition == item["definition"]
                      and s.offset == item.get("offset")), None)
        if found is not None or any(s.definition is not None for s in states):
            return found
    number = item.get("page")
    return states[number - 1] if isinstance(number, int) and 1 <= number <= len(states) else None


def load_list(file: Path, name: str, keys: set) -> list[dict]:
    """The entries of ``name:`` in ``file`` ([] when there is no file), each checked."""
    from ..source import read_yaml

    if not file.exists():
        return []
    source = read_yaml(file)
    data = source.data if source.data is not None else {}
    if not isinstance(data, dict) or set(data) - {name}:
        raise PamphletError(source.diagnostic(
            (), f"{file.name} holds more than a list '{name}:'",
            f"it is written by pamphlet {'approve' if name == 'approvals' else 'comment'}: "
            "restore it from git, or keep only the '{name}:' list"))
    entries = data.get(name) or []
    if not isinstance(entries, list):
        raise PamphletError(source.diagnostic((name,), f"'{name}:' is not a list",
                                              f"write one '- by: ...' entry per {name[:-1]}"))
    for index, entry in enumerate(entries):
        _check_entry(source, name, index, entry, keys)
    return entries


def _check_entry(source, name: str, index: int, entry, keys: set) -> None:
    where = (name, index)
    if not isinstance(entry, dict):
        raise PamphletError(source.diagnostic(where, f"{name}[{index}] is not an entry",
                                              "each entry is a map: by, at, ..."))
    unknown = sorted(set(entry) - keys)
    if unknown:
        raise PamphletError(source.diagnostic(
            where + (unknown[0], "__key__"), f"{name}[{index}] has an unknown key '{unknown[0]}'",
            f"the keys are {', '.join(sorted(keys))}"))
    required = ("by", "at", "sha256", "pages") if name == "approvals" else \
        ("by", "at", "text", "page", "box")
    missing = [key for key in required if key not in entry]
    if missing:
        raise PamphletError(source.diagnostic(
            where, f"{name}[{index}] has no '{missing[0]}'",
            f"pamphlet {'approve' if name == 'approvals' else 'comment'} writes it: "
            "restore the entry from git"))
    if name == "approvals":
        _check_pages(source, index, entry["pages"])
    else:
        _check_box(source, index, entry)


def _check_pages(source, index: int, pages) -> None:
    where = ("approvals", index, "pages")
    if not isinstance(pages, list):
        raise PamphletError(source.diagnostic(where, f"approvals[{index}].pages is not a list",
                                              "one '- {page: N, digest: ...}' per page"))
    for number, item in enumerate(pages):
        if not isinstance(item, dict) or not isinstance(item.get("page"), int) \
                or not isinstance(item.get("digest"), str):
            raise PamphletError(source.diagnostic(
                where + (number,), f"approvals[{index}].pages[{number}] is not a page "
                "with its number and digest", "pamphlet approve writes it: restore it from git"))


def _check_box(source, index: int, entry: dict) -> None:
    box = entry["box"]
    if not (isinstance(box, list) and len(box) == 4
            and all(isinstance(v, (int, float)) for v in box) and box[2] > 0 and box[3] > 0):
        raise PamphletError(source.diagnostic(
            ("comments", index, "box"), f"comments[{index}].box is {box!r}, not a box",
            "write [x, y, width, height] in mm from the trim's top left, e.g. [20, 40, 60, 15]"))
    if not isinstance(entry["page"], int) or entry["page"] < 1:
        raise PamphletError(source.diagnostic(("comments", index, "page"),
                                              f"comments[{index}].page is not a page number",
                                              "pages are numbered from 1"))


def save_list(file: Path, name: str, entries: list[dict]) -> None:
    import yaml

    from ..write import write_text

    text = HEADER[name] + yaml.safe_dump({name: entries}, allow_unicode=True, sort_keys=False,
                                         default_flow_style=None, width=100)
    write_text(file, text)


def _chosen(states: list[PageState], pages: list[int] | None, pdf: Path) -> list[PageState]:
    if pages is None:
        return states
    wrong = [n for n in pages if not 1 <= n <= len(states)]
    if wrong:
        raise PamphletError(Diagnostic(
            f"page {wrong[0]} is not in {pdf.name} ({len(states)} pages)", pdf,
            hint=f"name pages 1 to {len(states)}, e.g. --pages 3,5-7"))
    return [states[n - 1] for n in sorted(set(pages))]


def _page_entry(state: PageState) -> dict:
    entry = {"page": state.page, "digest": state.digest}
    if state.definition is not None:
        entry.update(definition=state.definition, offset=state.offset)
    return entry


def _identity(item: dict) -> tuple:
    if item.get("definition") is not None:
        return ("definition", item["definition"], item.get("offset"))
    return ("page", item["page"])


def _sha256(pdf: Path) -> str:
    return hashlib.sha256(pdf.read_bytes()).hexdigest()
