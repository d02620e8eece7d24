"""Name what made each change: the YAML field under it, or the files that changed instead.

The builds write NAME.fields.json beside each PDF (fieldmap.py): per page its
definition, and every field it shows with its box.  A change is traced to the
field whose box holds most of it; the field *changed* when its value differs
between the two maps.  A change whose field did not change (or that lies on no
field) was made elsewhere: by the theme (its fields named), a layout, a font,
the code, data or pictures — the input files whose digests differ between the
maps, or git's list under ``make diff``, which also gives each changed field its
own lines of ``git diff``.  A page that moved names its line in brochure.yaml.
"""

import hashlib
import json
from pathlib import Path

from .moves import mark_moved_regions, settle_moves

KINDS = (("theme.yaml", "theme"), ("brochure.yaml", "brochure"), ("pages", "definition"),
         ("layouts", "layout"), ("fonts", "font"), ("pamphlet", "code"), ("src", "code"),
         ("data", "data"), ("assets", "asset"), ("images", "asset"))


class FieldMap:
    """One build's map: page number -> its definition, offset, order entry and field boxes."""

    def __init__(self, data: dict):
        self.pages = {page["page"]: page for page in data["pages"]}
        self.inputs = data.get("inputs", {})
        self.theme = data.get("theme", {})
        self.fields = {}
        for page in data["pages"]:
            for box in page["boxes"]:
                self.fields.setdefault((page["definition"], box["field"]), box)

    def page_of(self, definition: str, offset: int) -> int | None:
        return next((n for n, p in self.pages.items()
                     if p["definition"] == definition and p["offset"] == offset), None)

    def field_at(self, page: int | None, box_mm) -> tuple[dict, dict] | None:
        """(page entry, field box) of the field holding most of ``box_mm``; the smaller
        field on a tie (a line of a list before the list)."""
        entry = self.pages.get(page)
        if entry is None or box_mm is None:
            return None
        best, best_key = None, None
        for field in entry["boxes"]:
            share = _overlap(field["box"], box_mm) / max(_area(box_mm), 1e-6)
            if share <= 0:
                continue
            key = (round(share, 2), -round(_area(field["box"]), 1), _depth(field["field"]))
            if best_key is None or key > best_key:
                best, best_key = field, key
        return (entry, best) if best is not None else None


def load_map(pdf: Path, notes: list) -> FieldMap | None:
    """The field map written beside ``pdf`` by its build, if it is this PDF's."""
    from ..fieldmap import map_path

    path = map_path(pdf)
    if not path.is_file():
        notes.append(f"{pdf.name}: no field map beside it ({path.name}): its changes are "
                     "not traced to fields (build it with pamphlet build)")
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        wanted = data["pdf_sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        notes.append(f"{path.name} is not a field map: not used")
        return None
    if wanted != hashlib.sha256(pdf.read_bytes()).hexdigest():
        notes.append(f"{path.name} was written for another build of {pdf.name}: not used")
        return None
    return FieldMap(data)


def trace_sources(result) -> None:
    """Give every changed region, text change and moved page of ``result`` its source."""
    notes = result.notes
    old_map, new_map = load_map(result.old, notes), load_map(result.new, notes)
    git = _read_changes(result.options.changes, notes)
    result.causes = find_causes(old_map, new_map, git)
    tracer = _Tracer(old_map, new_map, git, result.causes)
    shown = [page for page in result.pages if page.status != "same"]
    moves = {(page.old_page, page.new_page) for page in shown if page.moved}
    tracer.swapped = {pair for pair in moves if pair[::-1] in moves}
    for page in shown:
        tracer.text(page)
    settle_moves(result.text_moves)         # moved or reflowed: by the fields of both sides
    mark_moved_regions(shown)
    for page in shown:
        tracer.regions(page)


def find_causes(old_map: FieldMap | None, new_map: FieldMap | None, git: dict | None) -> dict:
    """The files that changed besides the page definitions' fields, and the theme's fields."""
    if git is not None:
        files = [{"file": f["path"], "kind": kind_of(f["path"]), "status": f["status"]}
                 for f in git["files"]]
    elif old_map is not None and new_map is not None:
        names = sorted(set(old_map.inputs) | set(new_map.inputs))
        files = [{"file": name, "kind": kind_of(name), "status": _status(name, old_map, new_map)}
                 for name in names if old_map.inputs.get(name) != new_map.inputs.get(name)]
    else:
        files = []
    causes = {"files": files, "from": "git" if git is not None else "field maps"}
    if old_map is not None and new_map is not None:
        causes["theme"] = _theme_changes(old_map.theme, new_map.theme)
        causes["fields"] = _field_changes(old_map, new_map)
    if git is not None:
        causes["base"] = git.get("base")
    return causes


def _field_changes(old: FieldMap, new: FieldMap) -> list[dict]:
    """The fields whose value differs, deepest only (not the list around a changed item)."""
    changed = {key: box for key, box in new.fields.items()
               if key not in old.fields or old.fields[key]["value"] != box["value"]}
    gone = {key: box for key, box in old.fields.items() if key not in new.fields}
    every = {**gone, **changed}
    deepest = [(key, box) for key, box in every.items()
               if not any(other != key and other[0] == key[0] and _inside(other[1], key[1])
                          for other in every)]
    return [{"definition": d, "field": f, "file": box["file"], "line": box["line"],
             "change": "removed" if (d, f) in gone else "added" if (d, f) not in old.fields
             else "changed"}
            for (d, f), box in sorted(deepest, key=lambda item: (item[1]["file"], item[1]["line"]))]


def _inside(field: str, parent: str) -> bool:
    return field.startswith(parent) and field[len(parent):][:1] in (".", "[")


def kind_of(path: str) -> str:
    """theme, brochure, definition, layout, font, code, data, asset or other, by its path."""
    parts = Path(path).parts
    for marker, kind in KINDS:
        if marker in parts or (parts and parts[-1] == marker):
            return kind
    return "other"


class _Tracer:
    def __init__(self, old_map, new_map, git, causes):
        self.old, self.new, self.git, self.causes = old_map, new_map, git, causes

    def text(self, page) -> None:
        if page.status in ("added", "removed") or page.moved:
            page.source = self.placement(page)
        for change in page.text.get("changes", []):
            side, number = ("new", page.new_page) if change.get("on") != "old" \
                else ("old", page.old_page)
            change["source"] = self.field(side, number, change.get("at_mm")
                                          or change.get("box_mm"), "text")

    def regions(self, page) -> None:
        page.regions = [_with_source(region, self.field(
            "new", page.new_page, region.box_mm, region.kind)) for region in page.regions]

    def placement(self, page) -> dict | None:
        """Where brochure.yaml puts an added, removed or moved page's definition."""
        side = self.old if page.status == "removed" else self.new
        number = page.old_page if page.status == "removed" else page.new_page
        entry = side.pages.get(number) if side is not None else None
        if entry is None:
            return None
        order = entry["order"]
        source = {"definition": entry["definition"], "offset": entry["offset"],
                  "file": order["file"], "line": order["line"], "field": order["field"],
                  "change": {"added": "added", "removed": "removed"}.get(page.status, "moved")}
        if (page.old_page, page.new_page) in getattr(self, "swapped", ()):
            source["swapped"] = True
        source["git_diff"] = self._hunk(order["file"], order["line"], order["line"], top=True)
        source["says"] = _say_placement(source, page)
        return source

    def field(self, side: str, number: int | None, box_mm, kind: str) -> dict | None:
        found = (self.new if side == "new" else self.old)
        hit = found.field_at(number, box_mm) if found is not None else None
        if hit is None:
            return self.elsewhere(kind)
        entry, box = hit
        source = {"definition": entry["definition"], "field": box["field"],
                  "file": box["file"], "line": box["line"], "value": box["value"]}
        changed = self._field_changed(entry["definition"], box, side)
        source["change"] = {True: "field", False: "none", None: "unknown"}[changed]
        if changed:
            source["git_diff"] = self._hunk(box["file"], box["line"], box.get("end"))
        elif changed is False:
            source["cause"] = self.cause(kind)
        source["says"] = _say_field(source, kind)
        return source

    def elsewhere(self, kind: str) -> dict:
        """A change on no field: the layout, theme, font or code did it."""
        cause = self.cause(kind)
        return {"change": "none", "cause": cause, "says": _say_cause(cause, kind)}

    def cause(self, kind: str) -> dict:
        """What else changed: edited fields, theme fields, input files (not definitions)."""
        files = [f for f in self.causes.get("files", []) if f["kind"] != "definition"]
        cause = {"kinds": sorted({f["kind"] for f in files}), "files": [f["file"] for f in files]}
        if self.causes.get("theme"):
            cause["theme"] = self.causes["theme"]
        if self.causes.get("fields"):
            cause["fields"] = self.causes["fields"]
        return cause

    def _field_changed(self, definition: str, box: dict, side: str) -> bool | None:
        if self.old is None or self.new is None:
            return None
        other = (self.old if side == "new" else self.new).fields.get((definition, box["field"]))
        return other is None or other["value"] != box["value"]

    def _hunk(self, name: str, first: int | None, last: int | None, top: bool = False) -> str:
        """The lines of git's diff of file ``name`` that touch lines first..last (new side)."""
        if self.git is None or first is None:
            return ""
        last = last or first
        for item in self.git["files"]:
            if not _names(item["path"], name, top):
                continue
            return "\n".join(hunk["text"] for hunk in item["hunks"]
                             if _touches(hunk["new"], first, last))
        return ""


def _names(path: str, name: str, top: bool) -> bool:
    parts = Path(path).parts
    if top:                                 # brochure.yaml: the brochure folder's own
        return len(parts) >= 1 and parts[-1] == name and "pages" not in parts
    return len(parts) >= 2 and parts[-1] == name and parts[-2] == "pages"


def _touches(new: list, first: int, last: int) -> bool:
    start, count = new
    if count == 0:                          # lines deleted just after ``start``
        return first - 1 <= start <= last
    return start <= last and first <= start + count - 1


def _with_source(region, source):
    from dataclasses import replace

    return replace(region, source=source)


def _say_field(source: dict, kind: str) -> str:
    where = f"{source['file']}:{source['line']} {source['field']}"
    if source["change"] == "field":
        return f"{where} changed ({source['definition']})"
    if source["change"] == "unknown":
        return f"{where} ({source['definition']})"
    said = _say_cause(source["cause"], kind, short=True)
    if kind in ("reflowed", "moved"):
        return f"{where} {kind}, its text unchanged; edited: {said}"
    return f"{where} not edited; made by: {said}"


def _say_cause(cause: dict, kind: str, short: bool = False) -> str:
    theme = cause.get("theme") or []
    parts = []
    fields = cause.get("fields") or []
    if fields:
        parts.append(", ".join(f"{f['file']}:{f['line']} {f['field']}"
                               + ("" if f.get("change", "changed") == "changed" else f" ({f['change']})")
                               for f in fields[:4])
                     + (f" and {len(fields) - 4} more fields" if len(fields) > 4 else ""))
    if theme:
        parts.append("theme " + ", ".join(f"{t['file']}:{t['line']} {t['field']}" for t in theme))
    others = [f for f in cause.get("files", []) if not (theme and kind_of(f) == "theme")]
    if others:
        kinds = sorted({kind_of(f) for f in others})
        parts.append(f"{'/'.join(kinds)} {', '.join(others[:6])}"
                     + (f" and {len(others) - 6} more" if len(others) > 6 else ""))
    said = "; ".join(parts) or "no input file changed"
    return said if short else f"no source field: {said}"


def _say_placement(source: dict, page) -> str:
    where = f"{source['file']}:{source['line']} {source['field']} ({source['definition']})"
    if source["change"] == "moved":
        swapped = f", swapped with page {page.old_page}" if source.get("swapped") else ""
        return f"page moved: old {page.old_page} -> new {page.new_page}{swapped}, {where}"
    return f"page {source['change']}: {where}"


def _theme_changes(old: dict, new: dict) -> list[dict]:
    before, after = old.get("fields", {}), new.get("fields", {})
    changed = []
    for name in sorted(set(before) | set(after), key=lambda n: (after.get(n) or before[n])["line"]):
        if (before.get(name) or {}).get("value") != (after.get(name) or {}).get("value"):
            changed.append({"file": new.get("file") or old.get("file"), "field": name,
                            "line": (after.get(name) or before[name])["line"],
                            "old": (before.get(name) or {}).get("value"),
                            "new": (after.get(name) or {}).get("value")})
    return changed


def _status(name: str, old: FieldMap, new: FieldMap) -> str:
    return "A" if name not in old.inputs else ("D" if name not in new.inputs else "M")


def _read_changes(path: Path | None, notes: list) -> dict | None:
    if path is None:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        data["files"]
        return data
    except (OSError, ValueError, KeyError, TypeError):
        notes.append(f"{path}: not make diff's list of git changes: not used")
        return None


def _depth(field: str) -> int:
    """sections[0].body[1] lies inside sections[0]: the deeper of two equal boxes names it."""
    return field.count(".") + field.count("[")


def _overlap(a: list, b) -> float:
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0.0, width) * max(0.0, height)


def _area(box) -> float:
    return max(box[2], 0) * max(box[3], 0)
