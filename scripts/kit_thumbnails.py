"""Make the kit's thumbnails and docs/kit.md's layout reference from the kit gallery.

`make thumbnails` (= python scripts/kit_thumbnails.py) builds docs/kit/gallery (one
page definition per kit layout), renders each definition's pages to docs/kit/NAME.png
(poppler's pdftoppm), writes the sources' hash to docs/kit/thumbnails.json and the
layouts' section of docs/kit.md (description, thumbnail, fields from the schema, the
gallery's page definition as the example). tests/test_kit.py fails when either is stale.
"""

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = ROOT / "layouts"
GALLERY = ROOT / "docs" / "kit" / "gallery"
THUMBNAILS = ROOT / "docs" / "kit"
RECORD = THUMBNAILS / "thumbnails.json"
DOC = ROOT / "docs" / "kit.md"
BEGIN, END = "<!-- kit:layouts (made by scripts/kit_thumbnails.py) -->", "<!-- /kit:layouts -->"
DPI = 40


def main() -> int:
    pdf = _build()
    record = {"sources": sources_hash(), "layouts": {}}
    shown: dict[str, list[int]] = {}
    for name, first, count in gallery_pages():       # a layout shown twice: side by side
        shown.setdefault(name, []).extend(range(first, first + count))
    for name, numbers in shown.items():
        _render(pdf, numbers, THUMBNAILS / f"{name}.png")
        record["layouts"][name] = {"png": f"kit/{name}.png", "pages": len(numbers)}
    RECORD.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    DOC.write_text(with_reference(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {len(record['layouts'])} thumbnails in {THUMBNAILS} and {DOC}")
    return 0


def sources_hash() -> str:
    """sha256 over every file the thumbnails are made from: the kit's layouts and the
    gallery brochure (its pages, data and pictures)."""
    digest = hashlib.sha256()
    for folder in (LAYOUTS, GALLERY):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def kit_layouts() -> list[str]:
    """The kit's layouts: every NAME.schema.yaml in layouts/ (not _types)."""
    return sorted(p.name.removesuffix(".schema.yaml") for p in LAYOUTS.glob("*.schema.yaml")
                  if not p.name.startswith("_"))


def gallery_pages() -> list[tuple[str, int, int]]:
    """(layout, first page, pages) of each of the gallery's page definitions, in order."""
    meta = yaml.safe_load((GALLERY / "brochure.yaml").read_text(encoding="utf-8"))
    found, number = [], 1
    for page_id in meta["pages"]:
        layout = _definition(page_id)["layout"]
        count = int(_schema(layout).get("pages", 1))
        found.append((layout, number, count))
        number += count
    return found


def with_reference(doc: str) -> str:
    """docs/kit.md with its layouts section made again from the schemas and the gallery."""
    head, rest = doc.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    return head + BEGIN + "\n" + reference() + END + tail


def reference() -> str:
    examples: dict[str, str] = {}
    for page_id in _gallery_ids():                    # the first definition of each layout
        examples.setdefault(_definition(page_id)["layout"], page_id)
    return "".join(_layout_section(name, examples.get(name)) for name in kit_layouts())


def _layout_section(name: str, example: str | None) -> str:
    schema = _schema(name)
    pages = int(schema.get("pages", 1))
    lines = [f"\n### `{name}`\n", f"{' '.join(str(schema.get('description', '')).split())}",
             f"({pages} page{'s' if pages > 1 else ''}{', no folio' if schema.get('folio') is False else ''})\n",
             f"![{name}](kit/{name}.png)\n",
             "| field | type | default | what it is |", "| --- | --- | --- | --- |"]
    lines += [_field_row(key, spec) for key, spec in (schema.get("fields") or {}).items()]
    if example:
        text = (GALLERY / "pages" / f"{example}.yaml").read_text(encoding="utf-8").rstrip()
        lines += ["", f"Example (`docs/kit/gallery/pages/{example}.yaml`):", "", "```yaml", text, "```"]
    return "\n".join(lines) + "\n"


def _field_row(key: str, spec: dict) -> str:
    kind = spec.get("type", "text")
    if kind == "list":
        kind = f"list of {spec.get('items', {}).get('type', 'text')}"
    if spec.get("choices"):
        kind += ": " + " \\| ".join(str(c) for c in spec["choices"])
    default = "" if "default" not in spec else f"`{spec['default']!r}`".replace("|", "\\|")
    need = "**required** " if spec.get("required") else ""
    doc = str(spec.get("doc", "")).replace("|", "\\|")
    return f"| `{key}` | {kind} | {default} | {need}{doc} |"


def _gallery_ids() -> list[str]:
    return yaml.safe_load((GALLERY / "brochure.yaml").read_text(encoding="utf-8"))["pages"]


def _definition(page_id: str) -> dict:
    return yaml.safe_load((GALLERY / "pages" / f"{page_id}.yaml").read_text(encoding="utf-8"))


def _schema(name: str) -> dict:
    return yaml.safe_load((LAYOUTS / f"{name}.schema.yaml").read_text(encoding="utf-8"))


def _build() -> Path:
    out = ROOT / "build" / "kit-gallery" / "gallery.pdf"
    subprocess.run([sys.executable, "-m", "pamphlet", "build", "--brochure", str(GALLERY),
                    "--out", str(out), "--no-marks", "--quiet"], check=True)
    return out


def _render(pdf: Path, numbers: list[int], target: Path) -> None:
    """The pages side by side, cut to the trim (the no-marks page is the bleed box), at DPI."""
    from PIL import Image

    meta = yaml.safe_load((GALLERY / "brochure.yaml").read_text(encoding="utf-8"))
    bleed = round(float(str(meta.get("bleed", "3mm")).removesuffix("mm")) * DPI / 25.4)
    with tempfile.TemporaryDirectory() as folder:
        for number in numbers:
            subprocess.run(["pdftoppm", "-r", str(DPI), "-f", str(number), "-l", str(number),
                            "-singlefile", "-png", str(pdf), f"{folder}/p{number:03d}"], check=True)
        pages = [Image.open(p).convert("RGB") for p in sorted(Path(folder).glob("p*.png"))]
        pages = [p.crop((bleed, bleed, p.width - bleed, p.height - bleed)) for p in pages]
        sheet = Image.new("RGB", (sum(p.width for p in pages) + len(pages) - 1, pages[0].height),
                          (150, 150, 150))
        x = 0
        for page in pages:
            sheet.paste(page, (x, 0))
            x += page.width + 1
        sheet.save(target, optimize=True)


if __name__ == "__main__":
    sys.exit(main())
