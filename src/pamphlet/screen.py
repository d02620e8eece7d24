"""The screen PDF: the same pages in RGB, no bleed or marks, tagged, with bookmarks.

Made like the print PDF, part by part (build.make_part): each definition's HTML with its
CMYK colours turned into RGB (and the palette's screen variants, ``data-edition``),
laid out by `screen_engine`, drawn tagged (PDF/UA-1) with the structure a reader
needs (`tagging`): what is ``aria-hidden`` (or an FPO frame, a folio, a running
head) an artifact, ``<th>`` cells with a
scope, a heading's anonymous boxes no heading of their own, English spans in a
Japanese document ``/Lang en``, links described by their text. merge.py joins
the parts' structure trees, then `finish_tags` does what needs the whole
document: heading levels without jumps, unique IDs in an /IDTree, and each
link's description completed by the heading it leads to ("P12 会社概要").
"""

import io
import logging
import re
import unicodedata
from contextlib import contextmanager
from functools import lru_cache, partial
from pathlib import Path

LOG = logging.getLogger("pamphlet")
CMYK = re.compile(r"device-cmyk\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*\)")
SCREEN_CSS = """
@page { bleed: 0 !important; marks: none !important; }
"""
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


def rgb_url_fetcher(profile: Path | None, roots=None):
    """A fetcher that turns the CMYK colours of stylesheets (screen variants) and SVG
    files (pictures: as printed) into RGB."""
    from weasyprint.urls import URLFetcherResponse

    from .engine.layout import local_fetcher

    class RGBFetcher(local_fetcher()):
        def fetch(self, url, headers=None):
            response = super().fetch(url, headers)
            if not url.endswith((".css", ".svg")):
                return response
            text = response.read().decode("utf-8")
            response.close()
            rgb = to_rgb(text, profile, variants=url.endswith(".css"))
            return URLFetcherResponse(url, rgb.encode("utf-8"),
                                      response.headers, response.status)

    return RGBFetcher(roots)


def screen_engine(head: str, base_url: Path, profile: Path | None, roots=None):
    """The layout engine for the screen edition's parts (see engine.layout.Engine)."""
    from .engine.layout import Engine

    class ScreenEngine(Engine):
        def layout(self, fragment: str):
            document = super().layout(fragment)
            document.write_pdf = partial(_write_tagged, document, document.write_pdf)
            return document

    return ScreenEngine(screen_html(head, profile), base_url,
                        fetcher=rgb_url_fetcher(profile, roots), extra_css=SCREEN_CSS,
                        roots=roots)


def _write_tagged(document, write_pdf, *args, **kwargs) -> bytes:
    with tagging(_parents(document)):
        return write_pdf(*args, **kwargs)


def _parents(document) -> dict:
    """Each HTML element's parent (WeasyPrint's ElementTree elements do not know it)."""
    for page in document.pages:
        for box in page._page_box.children:
            if getattr(box, "element_tag", None) == "html":
                return {child: parent for parent in box.element.iter() for child in parent}
    return {}


# --- tags, per part: while WeasyPrint writes a definition's pages ----------------

HEADINGS = {f"/H{level}" for level in range(1, 7)}
# What the kit's layouts draw that a reader should not hear: an FPO frame (the picture
# to come: its caption is read), the folio and the running head (pagination).
ARTIFACT_CLASSES = {"fpo", "folio", "runhead"}
CJK_LANGUAGES = ("ja", "zh", "ko")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
SVG = "{http://www.w3.org/2000/svg}"


@contextmanager
def tagging(parents: dict):
    """While WeasyPrint writes a tagged PDF: what is ``aria-hidden`` (an FPO frame, a
    folio) is drawn as an artifact, and each structure element gets what its HTML
    says (`_annotate`). The rows of group "screen" in engine/patches.py; they compose
    with engine/draw.py's decorations, which patch the same."""
    from .engine import patches

    with patches.patched("screen", parents=parents, named=set()):
        yield


def make_marking(marked, parents: dict, **_):
    """Stream.marked: a hidden box is an artifact."""
    def marking(self, box, tag):
        return self.artifact() if _hidden(box, parents) else marked(self, box, tag)
    return marking


def make_building(build_tree, parents: dict, named: set, **_):
    """tags._build_box_tree: hidden boxes left out, the others' elements annotated."""
    def building(box, parent, pdf, page_number, nums, annotations, marks):
        box = getattr(box, "_box", box)          # an absolutely positioned box's placeholder
        if _hidden(box, parents):
            return
        if _passed_through(box):
            yield from build_tree(box, parent, pdf, page_number, nums, annotations, marks)
            return
        _prepare(box)
        texts = _texts(box, marks, parents)
        for element in build_tree(box, parent, pdf, page_number, nums, annotations, marks):
            _annotate(element, box, parent, pdf, nums, texts)
            _name(element, box, named)
            yield element
    return building


def _hidden(box, parents: dict) -> bool:
    """Inside an element that is ``aria-hidden="true"`` or of an `ARTIFACT_CLASSES` class,
    or a drawing that says nothing (`_words`)."""
    element = getattr(getattr(box, "_box", box), "element", None)
    if element is not None and element.tag == SVG + "svg" and not _words(element):
        return True
    while element is not None:
        if element.get("aria-hidden") == "true" or \
                ARTIFACT_CLASSES.intersection(element.get("class", "").split()):
            return True
        element = parents.get(element)
    return False


def _words(svg) -> str:
    """What an inline SVG says: its <title> or aria-label, else the words it draws (an
    access map's station and street names); "" for a drawing of lines alone."""
    title = svg.find(SVG + "title")
    said = svg.get("aria-label") or (title.text if title is not None else "") or \
        " ".join("".join(text.itertext()).strip() for text in svg.iter(SVG + "text"))
    return " ".join(said.split())


def _passed_through(box) -> bool:
    """The page, html and body boxes, which WeasyPrint makes no element of."""
    from weasyprint.formatting_structure import boxes
    return isinstance(box, (boxes.PageBox, boxes.MarginBox)) or \
        getattr(box, "element_tag", None) in ("html", "body")


def _prepare(box) -> None:
    """Before WeasyPrint tags ``box``: a table's header cells get the scope WeasyPrint
    maps /Headers by; a link's annotation is described by its text."""
    if getattr(box, "element_tag", None) == "table" and box.element is not None:
        for row in box.element.iter("tr"):
            cells = [cell for cell in row if cell.tag in ("th", "td")]
            for cell in cells:
                if cell.tag == "th" and not cell.get("scope"):
                    cell.set("scope", "row" if any(c.tag == "td" for c in cells) else "col")
    annotation = getattr(box, "link_annotation", None)
    if annotation is not None:
        import pydyf
        annotation["Contents"] = pydyf.String(_text_of(box) or annotation.get("Contents", ""))


def _texts(box, marks, parents: dict) -> dict:
    """The text of ``box``'s own lines, by marked-content id (for /Lang)."""
    from weasyprint.formatting_structure import boxes

    texts = {}
    for child in getattr(box, "children", ()):
        for kid in (child.children if isinstance(child, boxes.LineBox) else [child]):
            if isinstance(kid, boxes.TextBox) and kid in marks:
                texts[marks[kid]["mcid"]] = language_of(kid.text, kid.element, parents)
    return texts


def _annotate(element, box, parent, pdf, nums, texts) -> None:
    """What the HTML says that WeasyPrint's tags do not."""
    import pydyf

    kind = str(element["S"])
    if kind in HEADINGS:
        if str(parent["S"]) in HEADINGS:         # an anonymous block inside the heading
            element["S"] = "/NonStruct"
        else:
            element["T"] = pydyf.String(_text_of(box))
    if kind == "/Figure" and "Alt" not in element and box.element is not None \
            and box.element.tag == SVG + "svg":
        element["Alt"] = pydyf.String(_words(box.element))
    if kind == "/TH" and box.element is not None:
        scope = box.element.get("scope", "col")
        element["A"]["Scope"] = "/Row" if scope in ("row", "rowgroup") else "/Column"
    for mcid, language in texts.items():
        reference = nums.get(mcid)
        if language and reference is not None:
            pdf.objects[int(reference.split()[0])]["Lang"] = pydyf.String(language)


def _name(element, box, named: set) -> None:
    """An HTML id (a page's anchor) goes to the element of its element's first box."""
    import pydyf

    html = getattr(box, "element", None)
    if html is None or not html.get("id") or "ID" in element or html.get("id") in named:
        return
    named.add(html.get("id"))
    element["ID"] = pydyf.String(html.get("id"))


def _text_of(box) -> str:
    from weasyprint.formatting_structure import boxes
    from .typography.spacing import strip_marks

    boxes_ = box.descendants() if hasattr(box, "descendants") else [box]
    text = "".join(b.text for b in boxes_ if isinstance(b, boxes.TextBox))
    return " ".join(strip_marks(text).split())


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
    _level_headings(elements)
    _repair_lists(pdf, elements)
    ids = _unique_ids(elements)
    names = pikepdf.Array()
    for key in sorted(ids, key=lambda key: key.encode("utf-8")):
        names.extend([pikepdf.String(key), ids[key]])
    pdf.Root.StructTreeRoot.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=names))
    _describe_links(pdf, ids)


def structure_elements(node, seen=None):
    """Every structure element under ``node``, in the structure's (reading) order."""
    import pikepdf

    seen = set() if seen is None else seen
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if not isinstance(kid, pikepdf.Dictionary) or "/S" not in kid or \
                (kid.is_indirect and kid.objgen in seen):
            continue
        if kid.is_indirect:
            seen.add(kid.objgen)
        yield kid
        yield from structure_elements(kid, seen)


def _level_headings(elements) -> None:
    """H1 H3 H3 becomes H1 H2 H2: each heading one level below the nearest heading
    before it of a higher level (as its HTML numbered them), the first one H1."""
    import pikepdf

    stack = []                                    # (level in the HTML, level now)
    for element in elements:
        if str(element.S) not in HEADINGS:
            continue
        level = int(str(element.S)[2])
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, stack[-1][1] + 1 if stack else 1))
        element.S = pikepdf.Name(f"/H{stack[-1][1]}")


LIST_KIDS = {"/LI", "/L", "/Caption"}


def _repair_lists(pdf, elements) -> None:
    """A list (L) holds list items: what else WeasyPrint put in one (the empty box of a
    list's ::before rule) is left out when empty, else made an item of its own."""
    import pikepdf

    for element in elements:
        if str(element.S) != "/L" or not isinstance(element.get("/K"), pikepdf.Array):
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
    kids = element.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
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


def _unique_ids(elements) -> dict:
    """Each table's header cells renamed ``table-N-ROW-COLUMN`` (WeasyPrint numbers them
    by object, so every part has its own "12-0-0") with its cells' /Headers; what else
    has an ID keeps it (a page's anchor) unless taken, then gets a suffix."""
    import pikepdf

    ids = {}
    tables = [element for element in elements if str(element.S) == "/Table"]
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
