"""The screen PDF: the same pages in RGB, no bleed or marks, tagged, with bookmarks.

Made like the print PDF, part by part (build.make_part): each definition's HTML with its
CMYK colours turned into RGB (and the palette's screen variants, ``data-edition``),
laid out and drawn tagged (PDF/UA-1) by engine/tagging.py's `screen_engine`, with the
structure a reader needs: what is ``aria-hidden`` (or an FPO frame, a folio, a
running head) an artifact, ``<th>`` cells with a scope, English spans in a Japanese
document ``/Lang en`` (`language_of`), links described by their text. merge.py joins
the parts' structure trees, then `finish_tags` does what needs the whole document:
heading levels without jumps, unique IDs in an /IDTree, and each link's description
completed by the heading it leads to ("P12 会社概要").
"""

import io
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

CMYK = re.compile(r"device-cmyk\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*\)")
# The palette's screen variants: print colours whose sRGB look is too light for text on
# a screen (WCAG 2.2 1.4.3: 4.5:1), each replaced by a darker colour of its hue that
# reads on white and on --pale, and under white type. Keyed by the print CMYK, so the
# layouts' CSS and the HTML's inline SVG (the charts: charts.py writes CMYK) get them;
# pictures (an SVG file: the art) keep their colours.
# The theme's screen variants (theme.yaml `screen:`), CMYK -> sRGB, set by the build
# before any screen part is made (use_variants): the guide's orange #f28b3b (2.46:1 on
# white) reads as #b84c00 (5.16:1) on screen, and so on.
_VARIANTS: dict = {}


def use_variants(variants: dict) -> None:
    """Take the screen variants of a brochure's theme (CMYK tuple -> (r, g, b))."""
    if variants != _VARIANTS:
        _VARIANTS.clear()
        _VARIANTS.update(variants)
        _rgb.cache_clear()


def screen_html(html: str, profile: Path | None) -> str:
    """The print HTML with every CMYK colour turned into its sRGB look, no output intent,
    and ``<html data-edition="screen">`` for the palette's screen variants (base.css)."""
    html = re.sub(r"@color-profile device-cmyk \{[^}]*\}", "", html)
    html = re.sub(r"<html(?=[\s>])", '<html data-edition="screen"', html, count=1)
    html = re.sub(r'src="[^"]*" data-original="([^"]*)"', r'src="\1"', html)
    return to_rgb(html, profile)


def to_rgb(text: str, profile: Path | None, variants: bool = True) -> str:
    """Replace ``device-cmyk(c m y k)`` by ``rgb(...)`` as the print profile renders it,
    or by its screen variant (`use_variants`)."""
    return CMYK.sub(lambda m: _rgb(tuple(float(v) for v in m.groups()), profile, variants),
                    text)


@lru_cache(maxsize=4096)
def _rgb(cmyk: tuple, profile: Path | None, variants: bool = True) -> str:
    variant = _VARIANTS.get(cmyk) if variants else None
    red, green, blue = variant or cmyk_to_rgb(cmyk, profile)
    return f"rgb({red} {green} {blue})"


def cmyk_to_rgb(cmyk: tuple, profile: Path | None) -> tuple[int, int, int]:
    """Colour-manage one CMYK colour (0..1 each) to sRGB with LittleCMS."""
    from PIL import Image
    pixel = Image.new("CMYK", (1, 1), tuple(round(v * 255) for v in cmyk))
    transform = _transform(profile)
    if transform is None:  # no profile: the naive formula
        c, m, y, k = cmyk
        return tuple(round(255 * (1 - v) * (1 - k)) for v in (c, m, y))
    return transform.apply(pixel).getpixel((0, 0))


@lru_cache(maxsize=4)
def _transform(profile: Path | None):
    if profile is None or not profile.is_file():
        return None
    from PIL import ImageCms
    # from memory: a profile opened by path keeps its file open, shared with forked workers
    source = ImageCms.ImageCmsProfile(io.BytesIO(Path(profile).read_bytes()))
    return ImageCms.buildTransform(source, ImageCms.createProfile("sRGB"), "CMYK", "RGB",
                                   renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)


# --- what the tags say (engine/tagging.py writes them, per part) ----------------

HEADINGS = {f"/H{level}" for level in range(1, 7)}
CJK_LANGUAGES = ("ja", "zh", "ko")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
SVG = "{http://www.w3.org/2000/svg}"


def language_of(text: str, element, parents: dict) -> str | None:
    """The language of a text other than the document's: its HTML ``lang``, else "en"
    for Latin words in a Japanese (Chinese, Korean) document; None for the document's."""
    declared = document_language = None
    while element is not None:
        if element.get("lang"):
            declared = declared or element.get("lang")
            document_language = element.get("lang")
        element = parents.get(element)
    if declared and declared != document_language:
        return declared
    if (document_language or "").split("-")[0] in CJK_LANGUAGES and is_latin_words(text):
        return "en"
    return None


def is_latin_words(text: str) -> bool:
    """Words in Latin letters (a word of two letters at least), nothing in CJK script:
    "OPEN DAY", "See you there." — not "P12", "Q1" or "2025年"."""
    if not LATIN_WORD.search(text):
        return False
    return not any(unicodedata.east_asian_width(char) in ("W", "F") for char in text)


# --- tags, for the whole document: once merge.py has joined the parts -----------

def finish_tags(pdf) -> None:
    """What needs every part (``pdf`` a pikepdf document): heading levels without jumps,
    lists holding list items only, IDs unique and listed in the /IDTree, each link's description completed by the
    heading it leads to ("P12" -> "P12 会社概要")."""
    import pikepdf

    elements = list(structure_elements(pdf.Root.StructTreeRoot))
    kinds = [str(element.S) for element in elements]       # read once: 20 000 at 144 pages
    _level_headings(elements, kinds)
    _repair_lists(pdf, elements, kinds)
    ids = _unique_ids(elements, kinds)
    names = pikepdf.Array()
    for key in sorted(ids, key=lambda key: key.encode("utf-8")):
        names.extend([pikepdf.String(key), ids[key]])
    pdf.Root.StructTreeRoot.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=names))
    _describe_links(pdf, ids)


_END = object()


def structure_elements(node, seen=None):
    """Every structure element under ``node``, in the structure's (reading) order.

    A walk with a stack of the kids still to see, not generators nested as deep as
    the tree (each element would pass through every generator above it)."""
    import pikepdf

    seen = set() if seen is None else seen
    stack = [iter(_kids(node))]
    while stack:
        kid = next(stack[-1], _END)
        if kid is _END:
            stack.pop()
            continue
        if not isinstance(kid, pikepdf.Dictionary) or "/S" not in kid or \
                (kid.is_indirect and kid.objgen in seen):
            continue
        if kid.is_indirect:
            seen.add(kid.objgen)
        yield kid
        stack.append(iter(_kids(kid)))


def _kids(node) -> list:
    import pikepdf

    kids = node.get("/K")
    return kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []


def _level_headings(elements, kinds) -> None:
    """H1 H3 H3 becomes H1 H2 H2: each heading one level below the nearest heading
    before it of a higher level (as its HTML numbered them), the first one H1."""
    import pikepdf

    stack = []                                    # (level in the HTML, level now)
    for element, kind in zip(elements, kinds):
        if kind not in HEADINGS:
            continue
        level = int(kind[2])
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, stack[-1][1] + 1 if stack else 1))
        element.S = pikepdf.Name(f"/H{stack[-1][1]}")


LIST_KIDS = {"/LI", "/L", "/Caption"}


def _repair_lists(pdf, elements, kinds) -> None:
    """A list (L) holds list items: what else WeasyPrint put in one (the empty box of a
    list's ::before rule) is left out when empty, else made an item of its own."""
    import pikepdf

    for element, kind in zip(elements, kinds):
        if kind != "/L" or not isinstance(element.get("/K"), pikepdf.Array):
            continue
        kids = pikepdf.Array()
        for kid in element.K:
            if not isinstance(kid, pikepdf.Dictionary) or "/S" not in kid or \
                    str(kid.S) in LIST_KIDS:
                kids.append(kid)
            elif _has_content(kid):
                kids.append(_list_item(pdf, element, kid))
        element.K = kids


def _has_content(element, depth=0) -> bool:
    import pikepdf
    for kid in _kids(element):
        if not isinstance(kid, pikepdf.Dictionary) or "/S" not in kid or \
                depth < 64 and _has_content(kid, depth + 1):
            return True
    return False


def _list_item(pdf, parent, kid):
    import pikepdf
    item = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem,
                                                S=pikepdf.Name.LI, P=parent))
    body = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem,
                                                S=pikepdf.Name.LBody, P=item, K=[kid]))
    item.K = pikepdf.Array([body])
    kid.P = body
    return item


def _unique_ids(elements, kinds) -> dict:
    """Each table's header cells renamed ``table-N-ROW-COLUMN`` (WeasyPrint numbers them
    by object, so every part has its own "12-0-0") with its cells' /Headers; what else
    has an ID keeps it (a page's anchor) unless taken, then gets a suffix."""
    import pikepdf

    ids = {}
    tables = [element for element, kind in zip(elements, kinds) if kind == "/Table"]
    for number, table in enumerate(tables, start=1):
        cells = list(_cells(table))
        renamed = {}
        for cell in cells:
            if str(cell.S) == "/TH" and "/ID" in cell:
                old = str(cell.ID)
                renamed[old] = f"table-{number}-" + (old.split("-", 1)[1] if
                                                      re.fullmatch(r"\d+-\d+-\d+", old) else old)
                cell.ID = pikepdf.String(renamed[old])
        for cell in cells:
            headers = cell.get("/A", {}).get("/Headers") if isinstance(
                cell.get("/A"), pikepdf.Dictionary) else None
            if headers is not None:
                cell.A.Headers = pikepdf.Array([pikepdf.String(renamed.get(str(h), str(h)))
                                                for h in headers])
    for element in elements:
        if "/ID" in element:
            key, count = str(element.ID), 1
            while key in ids:
                count += 1
                key = f"{element.ID}-{count}"
            element.ID = pikepdf.String(key)
            ids[key] = element
    return ids


def _cells(table):
    """The TH and TD cells of ``table``, not of a table inside it."""
    for element in structure_elements(table):
        if str(element.S) in ("/TH", "/TD") and _table_of(element) == table.objgen:
            yield element


def _table_of(element):
    parent = element.get("/P")
    while parent is not None and str(parent.get("/S", "")) != "/Table":
        parent = parent.get("/P")
    return parent.objgen if parent is not None else None


def _describe_links(pdf, ids: dict) -> None:
    """A link's /Contents, its own text, followed by the heading of where it leads."""
    import pikepdf

    for page in pdf.pages:
        for annotation in page.obj.get("/Annots") or []:
            if annotation.get("/Subtype") != "/Link" or \
                    not isinstance(annotation.get("/Dest"), pikepdf.String):
                continue
            title = _heading_in(ids.get(str(annotation.Dest)))
            said = str(annotation.get("/Contents", ""))
            if title and title not in said:
                annotation.Contents = pikepdf.String(f"{said} {title}".strip())


def _heading_in(element) -> str | None:
    if element is None:
        return None
    for kid in structure_elements(element):
        if str(kid.S) in HEADINGS and "/T" in kid:
            return str(kid.T)
    return None
