"""Remember laid-out pages per page definition, so a warm process lays out only edits.

The HTML of each page definition sits between ``<!--pamphlet:begin ID-->`` and
``<!--pamphlet:end ID-->``. A definition's pages are reused while its HTML, the
document head (styles, fonts) and every file under the watched folders are
unchanged; otherwise only that definition is laid out again, as a small
document of its own with the same head.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

FRAGMENT = re.compile(r"<!--pamphlet:begin (?P<id>[^ ]+)-->(?P<html>.*?)<!--pamphlet:end (?P=id)-->",
                      re.S)


@dataclass
class LayoutCache:
    """In-memory: WeasyPrint pages cannot be stored on disk."""

    entries: dict = field(default_factory=dict)   # key -> list of WeasyPrint pages
    html: dict = field(default_factory=dict)      # key -> a definition's rendered HTML
    font_config: object = None
    hits: int = 0
    misses: int = 0


def split(html: str) -> tuple[str, list[tuple[str, str]], str]:
    """(head up to <body>, [(page id, fragment)], tail) of a rendered document."""
    head, body = html.split("<body>", 1)
    fragments = [(m["id"], m["html"]) for m in FRAGMENT.finditer(body)]
    tail = body[body.rfind("<!--pamphlet:end"):].split("-->", 1)[1]
    return head + "<body>", fragments, tail


def world_digest(folders) -> str:
    """Size and time of every file the pages may load (assets, layouts, fonts)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")) if Path(folder).is_dir() else ():
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def key(head: str, fragment: str, world: str) -> str:
    return hashlib.sha256((world + head + fragment).encode()).hexdigest()
