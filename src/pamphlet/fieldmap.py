"""Map every laid-out box back to the YAML field it shows: NAME.fields.json beside the PDF.

The HTML names each element's source with ``data-src="FILE:LINE FIELD"`` (render.py's
``at()``); WeasyPrint's boxes keep their element, so after layout each box that
shows a field knows its definition, field path, file and line.  Two steps:

1. `record_fields(document, page, cache, key)` — after one definition's layout (parts.py):
   the boxes of its pages, stored under the part's cache key (a reused part keeps its map);
2. `write_field_map(brochure, parts, pdf_bytes)` — after the merge (build.py): the whole
   document's map, the digest of every input file (theme, layouts, fonts, code) and the
   theme's values, so that `pamphlet diff` can name what changed without git.

The map is data for reviewers' tools (diff, approvals); nothing in the PDF depends on it.
"""

import hashlib
import json
import logging
from pathlib import Path

from .source import field_name, read_yaml
from .write import write_atomically

LOG = logging.getLogger("pamphlet")
FORMAT = "pamphlet-fields/1"
PX_MM = 25.4 / 96           # WeasyPrint lays out in CSS px
FOLDER = "fields"           # under build/cache
KEY = "__key__"             # source.py's position of a key itself, not of its value


def map_path(pdf: Path) -> Path:
    """Where the map of ``pdf`` lies: build/pamphlet.pdf -> build/pamphlet.fields.json."""
    return pdf.with_name(pdf.stem + ".fields.json")


def record_fields(document, page, cache: Path, key: str) -> None:
    """Store where each field of definition ``page`` lies on its laid-out pages."""
    by_path = {field_name(path): path for path in page.source.positions}
    pages = [_page_boxes(laid_out._page_box, page, by_path) for laid_out in document.pages]
    _write(cache / FOLDER / f"{key}.json", {"definition": page.id, "pages": pages})


def write_field_map(brochure, parts: list, pdf: bytes) -> Path:
    """Join the parts' maps into NAME.fields.json beside the print PDF; return its path.

    A part whose map is missing (a cache made before maps, or damaged) leaves its
    pages without boxes, with a note: the map is for review, the PDF is whole.
    """
    cache = brochure.options.build_dir / "cache" / FOLDER
    target = map_path(brochure.options.out)
    pages = []
    for page, part in zip(brochure.pages, parts):
        boxes = _stored(cache / f"{part.key}.json", page)
        for offset, number in enumerate(page.numbers):
            pages.append({"page": number, "definition": page.id, "offset": offset + 1,
                          "order": _order_entry(brochure, page),
                          "boxes": boxes[offset] if offset < len(boxes) else []})
    data = {"format": FORMAT, "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
            "brochure": brochure.options.brochure.name, "pages": pages,
            "inputs": input_digests(brochure.options), "theme": _theme_values(brochure.options)}
    _write(target, data)
    _prune(cache, {part.key for part in parts})
    return target


def _page_boxes(page_box, page, by_path: dict) -> list[dict]:
    """Each field shown on one page: the union of its element's boxes (mm from the trim)."""
    found: dict[int, list] = {}
    for box in _boxes(page_box):
        element = getattr(box, "element", None)
        label = element.get("data-src") if element is not None else None
        if not label or getattr(box, "width", None) is None:
            continue
        rect = (box.position_x, box.position_y, box.position_x + _width(box),
                box.position_y + _height(box))
        entry = found.setdefault(id(element), [label, rect])
        entry[1] = _union(entry[1], rect)
    return [_field_entry(label, rect, page, by_path) for label, rect in found.values()
            if rect[2] > rect[0] and rect[3] > rect[1]]


def _field_entry(label: str, rect: tuple, page, by_path: dict) -> dict:
    where, _, field = label.partition(" ")
    path = by_path.get(field)
    line = int(where.rsplit(":", 1)[-1]) if where.rsplit(":", 1)[-1].isdigit() else None
    value = _value(page.source.data, path) if path is not None else None
    return {"box": [round(v * PX_MM, 2) for v in (rect[0], rect[1], rect[2] - rect[0],
                                                  rect[3] - rect[1])],
            "field": field, "file": page.source.path.name, "line": line,
            "end": _end_line(page.source, path, line),
            "value": _digest(value), "text": _text(value)}


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _width(box) -> float:
    return box.border_width() if hasattr(box, "border_width") else box.width


def _height(box) -> float:
    return box.border_height() if hasattr(box, "border_height") else box.height


def _union(a: tuple, b: tuple) -> tuple:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _value(data, path: tuple):
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _end_line(source, path: tuple | None, line: int | None) -> int | None:
    """The last line of a field's value: the line before whatever the file says next."""
    if path is None or line is None:
        return line
    inside = [where[0] for other, where in source.positions.items()
              if other[:len(path)] == path and other[-1] != KEY]
    last = max(inside, default=line)
    after = [where[0] for where in source.positions.values() if where[0] > last]
    if after:
        return max(last, min(after) - 1)
    lines = source.path.read_text(encoding="utf-8").rstrip("\n").count("\n") + 1
    return max(last, lines)


def _digest(value) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _text(value) -> str:
    """A field's words, short: enough to say which sentence it is."""
    if isinstance(value, str):
        return value[:80]
    return ""


def _order_entry(brochure, page) -> dict:
    """Where brochure.yaml places the definition: its line in ``pages:``."""
    index = next((i for i, p in enumerate(brochure.pages) if p.id == page.id), 0)
    line, _ = brochure.source.where(("pages", index))
    return {"file": brochure.source.path.name, "field": f"pages[{index}]", "line": line}


def input_digests(options) -> dict:
    """Every file besides the page definitions that shapes the pages, by sha256:
    brochure.yaml, theme, data, assets, the brochure's and the kit's layouts, fonts, code."""
    from .fonts import file_sha256

    digests = {}
    roots = [(options.brochure, options.brochure.name), *(
        (folder, folder.name) for folder in options.layouts), (options.fonts, options.fonts.name),
        (Path(__file__).parent, "pamphlet")]
    for folder, label in roots:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            relative = path.relative_to(folder)
            if not path.is_file() or _skipped(relative):
                continue
            digests[f"{label}/{relative.as_posix()}"] = file_sha256(path)[:16]
    return digests


def _skipped(relative: Path) -> bool:
    return relative.parts[0] in ("pages", "build", "__pycache__") or \
        relative.suffix in (".pyc",) or relative.name.startswith(".")


def _theme_values(options) -> dict:
    """The brochure's theme.yaml as field -> {line, value}, to name a recoloured field."""
    path = options.brochure / "theme.yaml"
    if not path.is_file():
        return {}
    try:
        source = read_yaml(path)
    except Exception:                   # the build read it already: this is only a view
        return {}
    leaves = {}
    for path_, (line, _) in sorted(source.positions.items(), key=lambda item: item[1]):
        value = _value(source.data, path_)
        if path_ and path_[-1] != KEY and not isinstance(value, dict) \
                and not _inside_list(source.data, path_):
            leaves[field_name(path_)] = {"line": line, "value": value}
    return {"file": f"{options.brochure.name}/theme.yaml", "fields": leaves}


def _inside_list(data, path: tuple) -> bool:
    """A list's items belong to the list's own entry (palette.navy: [100, 80, 25, 25])."""
    return len(path) > 1 and isinstance(_value(data, path[:-1]), list)


def _stored(path: Path, page) -> list:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("definition") == page.id:
            return data["pages"]
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    LOG.info("fields: no map kept for '%s' (laid out before maps were kept)", page.id)
    return []


def _prune(folder: Path, keep: set, spare: int = 200) -> None:
    """Forget the maps of parts no build uses once more than ``spare`` pile up."""
    if not folder.is_dir():
        return
    old = sorted((p for p in folder.glob("*.json") if p.stem not in keep),
                 key=lambda p: p.stat().st_mtime)
    for path in old[:max(0, len(old) - spare)]:
        path.unlink(missing_ok=True)


def _write(path: Path, data: dict) -> None:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
