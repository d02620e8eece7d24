"""Say what kind of change a region is, and find text that moved to another page.

A changed region is ``text`` when a text change lies in it; otherwise, by the
characters inside it on both sides: the same text at other places is
``reflowed`` (a paragraph broken into other lines, or pushed down), the same
text at the same places is ``appearance`` (a colour, a font, a rule), no text at
all is ``picture``.  A deleted run of text that reappears as an insertion on
another page (or elsewhere on its page) ``moved``: both changes say so, with the
pages and how many characters, instead of reading as deleted and added.
"""

import difflib

MOVED_AT = 0.85         # similarity of a deletion and an insertion that are one moved text
MIN_MOVED = 6           # characters: shorter runs repeat too easily to call them moved
SAME_PLACE = 0.5        # pt: characters this close drew at the same place
REFLOWED_AT = 0.9       # similarity of a region's texts that reflowed rather than changed


def classify(region_pt: tuple, old_chars: list, new_chars: list, change_boxes: list) -> str:
    """``text``, ``reflowed``, ``appearance`` or ``picture`` for a region (l, b, r, t in pt)."""
    if any(_overlaps(box, region_pt) for box in change_boxes if box is not None):
        return "text"
    old, new = _inside(old_chars, region_pt), _inside(new_chars, region_pt)
    old_text, new_text = "".join(c.text for c in old), "".join(c.text for c in new)
    if not old_text and not new_text:
        return "picture"
    if old_text == new_text:
        return "appearance" if all(_same_place(a.box, b.box) for a, b in zip(old, new)) \
            else "reflowed"
    similar = difflib.SequenceMatcher(None, old_text, new_text, autojunk=False).ratio()
    return "reflowed" if similar >= REFLOWED_AT else "text"


def find_moved_text(pages: list) -> list[dict]:
    """Pair deletions with insertions of (nearly) the same text, best pairs first; mark
    both changes ``moved`` and return the moves: from page, to page, characters."""
    deleted = [(page, change) for page in pages for change in _changes(page)
               if len(change["old"]) >= MIN_MOVED]
    inserted = [(page, change) for page in pages for change in _changes(page)
                if len(change["new"]) >= MIN_MOVED]
    scores = sorted(((_similar(d["old"], i["new"]), n, m) for n, (_, d) in enumerate(deleted)
                     for m, (_, i) in enumerate(inserted) if d is not i), reverse=True)
    moves, used_d, used_i = [], set(), set()
    for score, n, m in scores:
        if score < MOVED_AT or n in used_d or m in used_i:
            continue
        used_d.add(n)
        used_i.add(m)
        moves.append(_mark(deleted[n], inserted[m], score))
    return sorted(moves, key=lambda move: (move["from_page"], move["to_page"]))


def _mark(deleted: tuple, inserted: tuple, score: float) -> dict:
    (old_page, gone), (new_page, came) = deleted, inserted
    move = {"kind": "moved", "from_page": old_page.old_page, "to_page": new_page.new_page,
            "chars": len(came["new"]), "text": came["new"][:40],
            "same_text": gone["old"] == came["new"]}
    gone["moved"] = {"to_page": move["to_page"], "chars": len(gone["old"])}
    came["moved"] = {"from_page": move["from_page"], "chars": len(came["new"])}
    move["changes"] = (gone, came)          # dropped from report.json by `settle_moves`
    return move


def settle_moves(moves: list[dict]) -> None:
    """A move within one field whose text did not change is text reflowed over a page
    break (pushed by an edit before it); any other is a move of the text in the source."""
    for move in moves:
        gone, came = move.pop("changes")
        before, after = gone.get("source") or {}, came.get("source") or {}
        field = lambda s: (s.get("definition"), s.get("field"))           # noqa: E731
        if before.get("field") and field(before) == field(after) and after.get("change") != "field":
            move["kind"] = "reflowed"
        if before.get("value") and after.get("value"):      # the fields say it better than
            move["same_text"] = before["value"] == after["value"]   # where the diff cut
        for side, source in (("from", before), ("to", after)):
            if source.get("field"):
                move[f"{side}_field"] = f"{source['file']}:{source['line']} {source['field']}"
        gone["moved"]["kind"] = came["moved"]["kind"] = move["kind"]
        move["says"] = _say_move(move)


def _say_move(move: dict) -> str:
    verb = "reflowed" if move["kind"] == "reflowed" else "moved"
    fields = ""
    if move["kind"] == "moved" and move.get("from_field") and move.get("to_field"):
        fields = f" ({move['from_field']} -> {move['to_field']})"
    elif move.get("to_field"):
        fields = f" ({move['to_field']}, text unchanged)"
    edited = "" if move["same_text"] or move["kind"] == "reflowed" else ", edited too"
    return (f"{verb} from page {move['from_page']} to page {move['to_page']}: "
            f"{move['chars']} characters{fields}{edited}")


def mark_moved_regions(pages: list) -> None:
    """A region over text that moved is a move (or a reflow over a page break), not a change."""
    from dataclasses import replace

    for page in pages:
        moved = [(_mm_box(c["box_mm"]), c["moved"]["kind"]) for c in page.text.get("changes", [])
                 if c.get("moved") and c.get("box_mm")]
        if not moved:
            continue
        regions = []
        for region in page.regions:
            kinds = {kind for box, kind in moved if _overlaps(_mm_box(region.box_mm), box)}
            if region.kind == "text" and kinds:
                region = replace(region, kind="moved" if "moved" in kinds else "reflowed")
            regions.append(region)
        page.regions = regions


def _mm_box(box: list) -> tuple:
    x, y, width, height = box
    return (x, y, x + width, y + height)


def _changes(page) -> list[dict]:
    return page.text.get("changes", []) if page.status == "changed" else []


def _similar(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if min(len(a), len(b)) / max(len(a), len(b)) < MOVED_AT:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _inside(chars: list, box: tuple) -> list:
    found = []
    for char in chars:
        if char.box is None or char.text.isspace():
            continue
        x, y = (char.box[0] + char.box[2]) / 2, (char.box[1] + char.box[3]) / 2
        if box[0] <= x <= box[2] and box[1] <= y <= box[3]:
            found.append(char)
    return found


def _same_place(a: tuple, b: tuple) -> bool:
    return all(abs(p - q) <= SAME_PLACE for p, q in zip(a, b))


def _overlaps(a: tuple, b: tuple) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]
