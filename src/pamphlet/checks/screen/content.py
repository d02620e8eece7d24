"""Checks on what the pages show against the structure: marked content, annotations and
links, XObjects, language of spans, placeholders, reading order."""

import re
from collections import defaultdict

from ...screen import CJK_LANGUAGES, is_latin_words
from .model import check

PLACEHOLDERS = re.compile(r"^(FPO|TBD|TK|X{3,}|Loremipsum.*|ダミー(画像|写真|テキスト)?)$", re.I)
LINE_SLACK = 0.5          # of a line's height: a next line this much higher goes back up


@check("content-tagged", "error", ("01-003", "01-004", "01-005"),
       "page content neither tagged nor an artifact, or an artifact inside tagged content "
       "(or tagged content inside an artifact)",
       "draw everything inside marked content the structure tree points at, or as an artifact")
def _content_tagged(facts):
    reported = set()
    for shown in facts.shown:
        kind = _marking_problem(shown, facts)
        if kind and (shown.page, kind) not in reported:
            reported.add((shown.page, kind))
            yield shown.page, f"{shown.kind} {kind}" + (f" (「{shown.text[:20]}」)"
                                                       if shown.text.strip() else "")


def _marking_problem(shown, facts) -> str | None:
    names = [name for name, _ in shown.marks]
    tagged = [index for index, (_, mcid) in enumerate(shown.marks) if mcid is not None]
    if "Artifact" in names:
        artifact = names.index("Artifact")
        if any(index > artifact for index in tagged):
            return "is tagged content inside an artifact"
        if tagged:
            return "is an artifact inside tagged content"
        return None
    if not tagged:
        return "is neither tagged nor an artifact"
    if (shown.page, shown.mcid) not in facts.by_mcid:
        return f"has MCID {shown.mcid}, which no structure element owns"
    return None


@check("annotations-tagged", "error", ("28-002", "28-010", "28-011", "28-017"),
       "an annotation outside the structure tree or in the wrong element (a link not in "
       "a Link, a widget not in a Form, a printer's mark tagged)",
       "each link annotation is an object reference (OBJR) in its Link element")
def _annotations_tagged(facts):
    owners = _annotation_owners(facts)
    wanted = {"/Link": "/Link", "/Widget": "/Form"}
    for number, page in enumerate(facts.document.pages, start=1):
        for annotation in page.obj.get("/Annots") or []:
            subtype = str(annotation.get("/Subtype"))
            owner = owners.get(annotation.objgen)
            if subtype == "/PrinterMark":
                if owner is not None:
                    yield number, "a PrinterMark annotation is in the structure tree"
            elif subtype == "/Popup":
                continue
            elif owner is None:
                yield number, f"a {subtype[1:]} annotation is in no structure element"
            elif owner.kind != wanted.get(subtype, "/Annot"):
                yield number, f"a {subtype[1:]} annotation is in a {owner.kind[1:]} element"


def _annotation_owners(facts) -> dict:
    import pikepdf
    owners = {}
    for element in facts.elements:
        kids = element.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR" \
                    and "/Obj" in kid:
                owners[kid.Obj.objgen] = element
    return owners


@check("link-description", "error", ("28-004", "28-012"),
       "a link (or other annotation) without a description in /Contents, or one that is an "
       "internal target (a screen reader reads it aloud)",
       "describe where the link leads, e.g. \"P12 会社概要\" (screen.py writes the link's "
       "text and the heading it leads to)")
def _link_description(facts):
    for number, page in enumerate(facts.document.pages, start=1):
        for annotation in page.obj.get("/Annots") or []:
            subtype = str(annotation.get("/Subtype"))
            if subtype in ("/Widget", "/Popup", "/PrinterMark"):
                continue
            said = str(annotation.get("/Contents", "")).strip()
            if not said:
                yield number, f"a {subtype[1:]} annotation has no /Contents"
            elif subtype == "/Link" and _is_target(said, annotation):
                yield number, f"the link's /Contents is its target “{said}”"


def _is_target(said: str, annotation) -> bool:
    dest = annotation.get("/Dest")
    action = annotation.get("/A")
    uri = str(action.get("/URI", "")) if action is not None else ""
    return said == str(dest) or said.startswith(("pamphlet-dest:", "#")) or \
        (bool(uri) and said == uri and not uri.startswith(("http", "mailto")))


@check("tab-order", "error", ("28-008", "28-009"),
       "a page with annotations whose /Tabs is not /S (structure order)",
       "set /Tabs /S on every page that has annotations")
def _tab_order(facts):
    for number, page in enumerate(facts.document.pages, start=1):
        if page.obj.get("/Annots") and str(page.obj.get("/Tabs", "")) != "/S":
            yield number, f"/Tabs is {page.obj.get('/Tabs', 'missing')}"


@check("annotation-kinds", "error", ("28-007",), "a TrapNet annotation",
       "leave trap networks out of the screen edition")
def _annotation_kinds(facts):
    for number, page in enumerate(facts.document.pages, start=1):
        for annotation in page.obj.get("/Annots") or []:
            if str(annotation.get("/Subtype")) == "/TrapNet":
                yield number, "a TrapNet annotation"


@check("xobjects", "error", ("30-001", "30-002"),
       "a reference XObject, or a form XObject with marked content drawn more than once",
       "draw a tagged form once; leave reference XObjects out")
def _xobjects(facts):
    import pikepdf

    uses = defaultdict(list)
    for number, page in enumerate(facts.document.pages, start=1):
        xobjects = (page.obj.get("/Resources") or {}).get("/XObject") or {}
        content = page.obj.get("/Contents")
        streams = content if isinstance(content, pikepdf.Array) else [content]
        data = b"".join(s.read_bytes() for s in streams if s is not None)
        for name, xobject in xobjects.items():
            if "/Ref" in xobject:
                yield number, f"{name} is a reference XObject"
            if str(xobject.get("/Subtype")) == "/Form" and b"/MCID" in xobject.read_bytes():
                drawn = len(re.findall(re.escape(name.encode()) + rb"\s+Do\b", data))
                uses[xobject.objgen] += [number] * drawn
    for pages in uses.values():
        if len(pages) > 1:
            yield pages[1], "a form XObject with MCIDs is drawn more than once"


@check("language-spans", "error", ("11-007",),
       "English words in a Japanese document without /Lang en (read with Japanese sounds)",
       "give the element lang=\"en\", or let screen.py mark Latin-script words /Lang en")
def _language_spans(facts):
    document = facts.language or ""
    if document.split("-")[0] not in CJK_LANGUAGES:
        return
    for (page, mcid), text in _texts_by_mcid(facts).items():
        text = _unspaced(text)
        element = facts.by_mcid.get((page, mcid))
        if element is not None and is_latin_words(text) and \
                not element.language(document).startswith("en"):
            yield page, f"“{text.strip()[:40]}” is read as {element.language(document)}"


@check("placeholder-text", "error", ("01-002",),
       "a placeholder (FPO, ダミー, Lorem ipsum) read out as content",
       "draw placeholder frames as artifacts (the kit's .fpo is), or place the picture")
def _placeholder_text(facts):
    for (page, mcid), text in _texts_by_mcid(facts).items():
        text = _unspaced(text)
        if PLACEHOLDERS.match("".join(text.split())):
            yield page, f"“{text.strip()}” is tagged content"


@check("reading-order", "error", ("09-001",),
       "an element's lines in an order that goes back up the page (structure order against "
       "the visual order)",
       "keep the structure in the order the lines are read; do not reorder /K")
def _reading_order(facts):
    from ..vertical import goes_back, stacked
    for element, spans in _lines_by_element(facts).items():
        vertical = stacked([box for box, _ in spans])          # 縦組み: columns, right to left
        for before, after in zip(spans, spans[1:]):
            if goes_back(before[0], after[0]) if vertical else _goes_back(before, after):
                yield element.page, f"in a {element.kind[1:]}, “{after[1][:16]}” comes " \
                                    f"after “{before[1][:16]}” but stands above it"
                break


def _unspaced(text: str) -> str:
    """Letter-spaced type as pdfium reads it ("M I S S I O N") as the word it is."""
    words = text.split()
    return "".join(words) if len(words) > 2 and all(len(w) == 1 for w in words) else text


def _texts_by_mcid(facts) -> dict:
    texts = defaultdict(str)
    for shown in facts.shown:
        if shown.kind == "text" and shown.mcid is not None and not shown.artifact:
            texts[(shown.page, shown.mcid)] += shown.text
    return texts


BLOCKS = {"/P", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/LBody", "/TD", "/TH", "/Caption"}
RUBY_SIZE = 0.6           # of the block's type size: smaller text (a ruby, a superscript)
                          # stands above its line by design


def _lines_by_element(facts) -> dict:
    """Each block's (paragraph, heading, cell, item) text in structure order, as
    (box, text) of each text object; small text (ruby) left out."""
    shown = defaultdict(list)
    for item in facts.shown:
        if item.kind == "text" and item.mcid is not None and not item.artifact \
                and item.text.strip():
            shown[(item.page, item.mcid)].append(item)
    result = {}
    for element in facts.elements:
        if element.kind not in BLOCKS:
            continue
        items = [item for key in _mcids_in_order(element) for item in shown.get(key, [])]
        if len(items) > 1:
            size = sorted(item.size for item in items)[len(items) // 2]
            result[element] = [(item.box, item.text) for item in items
                               if item.size >= RUBY_SIZE * size]
    return result


def _mcids_in_order(element):
    for item in element.sequence:
        if isinstance(item, tuple):
            yield item
        else:
            yield from _mcids_in_order(item)


def _goes_back(before, after) -> bool:
    """``after`` starts above ``before`` by more than half a line, and not in a column to
    its right."""
    (left, bottom, right, top), _ = before
    (next_left, next_bottom, next_right, next_top), _ = after
    height = max(top - bottom, next_top - next_bottom, 1.0)
    return next_bottom > bottom + LINE_SLACK * height and next_left < right
