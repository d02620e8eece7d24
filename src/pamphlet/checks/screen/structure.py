"""Checks on the structure tree: element nesting, figures, headings, tables, IDs."""

from collections import Counter

from .model import check

HEADINGS = {f"/H{level}" for level in range(1, 7)}

# ISO 32000-1 Tables 333, 336, 337, 338: where each element may stand, what it may hold.
PARENTS = {
    "/TR": {"/Table", "/THead", "/TBody", "/TFoot"},
    "/TH": {"/TR"}, "/TD": {"/TR"},
    "/THead": {"/Table"}, "/TBody": {"/Table"}, "/TFoot": {"/Table"},
    "/LI": {"/L"}, "/Lbl": {"/LI", "/TOCI", "/BibEntry", "/Note"}, "/LBody": {"/LI"},
    "/TOCI": {"/TOC"},
    "/RB": {"/Ruby"}, "/RT": {"/Ruby"}, "/RP": {"/Ruby", "/Warichu"},
    "/WT": {"/Warichu"}, "/WP": {"/Warichu"},
}
CHILDREN = {
    "/Table": {"/TR", "/THead", "/TBody", "/TFoot", "/Caption"},
    "/THead": {"/TR"}, "/TBody": {"/TR"}, "/TFoot": {"/TR"},
    "/TR": {"/TH", "/TD"},
    "/L": {"/LI", "/L", "/Caption"},
    "/LI": {"/Lbl", "/LBody"},
    "/TOC": {"/TOCI", "/TOC", "/Caption"},
    "/Ruby": {"/RB", "/RT", "/RP"},
    "/Warichu": {"/WT", "/WP"},
}


@check("nesting", "error", ("09-004", "09-005", "09-006", "09-007", "09-008"),
       "a table, list, contents or ruby element where ISO 32000 does not allow it",
       "TR in Table/THead/TBody/TFoot, TH/TD in TR, LI in L, Lbl/LBody in LI, TOCI in TOC, "
       "RB/RT/RP in Ruby")
def _nesting(facts):
    for element in facts.elements:
        parent = element.parent.kind if element.parent is not None else None
        allowed = PARENTS.get(element.kind)
        if allowed is not None and parent not in allowed:
            yield element.page, f"{element.kind} inside {parent or 'the root'}"
        if element.kind in CHILDREN:
            for child in element.children:
                if child.kind not in CHILDREN[element.kind]:
                    yield element.page, f"{child.kind} inside {element.kind}"


@check("figure-alt", "error", ("13-004",),
       "a Figure without alternative text (/Alt or /ActualText)",
       "give the picture an alt text (its caption); a decoration is alt=\"\" (an artifact)")
def _figure_alt(facts):
    for element in facts.elements:
        if element.kind == "/Figure" and not any(
                str(element.get(key, "")).strip() for key in ("/Alt", "/ActualText")):
            yield element.page, "a Figure has no /Alt"


@check("first-heading", "error", ("14-002",), "the first heading is not H1",
       "start the document with an H1 (screen.finish_tags levels headings)")
def _first_heading(facts):
    headings = [e for e in facts.elements if e.kind in HEADINGS]
    if headings and headings[0].kind != "/H1":
        yield headings[0].page, f"the first heading is {headings[0].kind[1:]}" + _said(headings[0])


@check("heading-levels", "error", ("14-003",),
       "a heading level skipped (H3 right after H1)",
       "number headings one level at a time (screen.finish_tags levels them)")
def _heading_levels(facts):
    previous = None
    for element in (e for e in facts.elements if e.kind in HEADINGS):
        level = int(element.kind[2])
        if previous is not None and level > previous + 1:
            yield element.page, f"H{level} follows H{previous}" + _said(element)
        previous = level


@check("heading-in-heading", "error", ("09-002",),
       "a heading inside a heading (read out as two headings)",
       "a heading's inner blocks are NonStruct (screen.py tags them so)")
def _heading_in_heading(facts):
    for element in facts.elements:
        if element.kind in HEADINGS and any(a.kind in HEADINGS for a in element.ancestors()):
            yield element.page, f"{element.kind[1:]} inside a heading" + _said(element)


@check("heading-kinds", "error", ("14-006", "14-007"),
       "both H and H1-H6 headings, or a node with more than one H",
       "use numbered headings H1-H6 only")
def _heading_kinds(facts):
    kinds = {e.kind for e in facts.elements}
    if "/H" in kinds and kinds & HEADINGS:
        yield None, "the document uses H and numbered headings"
    for element in facts.elements:
        if sum(1 for child in element.children if child.kind == "/H") > 1:
            yield element.page, f"a {element.kind[1:]} holds more than one H"


def _said(element) -> str:
    title = str(element.get("/T", "")).strip()
    return f" (「{title[:30]}」)" if title else ""


@check("th-scope", "error", ("15-003",), "a table header cell (TH) without a /Scope",
       "say scope=\"row\" or \"col\" on the <th>, or let screen.py infer it")
def _th_scope(facts):
    for element in facts.elements:
        if element.kind == "/TH" and str(element.attribute("/Scope")) not in (
                "/Row", "/Column", "/Both"):
            yield element.page, "a TH has no /Scope" + _cell_text(element, facts)


@check("td-headers", "error", ("15-005",),
       "a table data cell (TD) whose /Headers are empty or name no header cell of its table",
       "each TD names its row and column headers' IDs, which the /IDTree lists")
def _td_headers(facts):
    ids = _id_tree(facts)
    for table in (e for e in facts.elements if e.kind == "/Table"):
        cells = [e for e in _descendants(table) if e.kind in ("/TH", "/TD")]
        if not any(cell.kind == "/TH" for cell in cells):
            continue
        headers_here = {cell.obj.objgen for cell in cells if cell.kind == "/TH"}
        for cell in (c for c in cells if c.kind == "/TD"):
            named = [str(h) for h in (cell.attribute("/Headers") or [])]
            if not named:
                yield cell.page, "a TD has no /Headers" + _cell_text(cell, facts)
            for name in named:
                target = ids.get(name)
                if target is None or target.objgen not in headers_here:
                    yield cell.page, f"a TD names the header {name}, not a TH of its table"


@check("ids", "error", ("19-003", "19-004"),
       "a structure element ID used twice, missing from the /IDTree, or a Note without one",
       "IDs unique across the document, each in the StructTreeRoot's /IDTree "
       "(screen.finish_tags makes them so)")
def _ids(facts):
    counts = Counter(str(e.get("/ID")) for e in facts.elements if "/ID" in e.obj)
    for key, count in counts.items():
        if count > 1:
            yield None, f"the ID {key} is used {count} times"
    tree = _id_tree(facts)
    for element in facts.elements:
        if "/ID" in element.obj:
            owner = tree.get(str(element.get("/ID")))
            if owner is None or owner.objgen != element.obj.objgen:
                yield element.page, f"the ID {element.get('/ID')} is not in the /IDTree"
        elif element.kind == "/Note":
            yield element.page, "a Note has no ID"


def _id_tree(facts) -> dict:
    from .document import _name_tree
    root = facts.document.Root.get("/StructTreeRoot")
    return dict(_name_tree(root.get("/IDTree"))) if root is not None else {}


def _descendants(element):
    for child in element.children:
        yield child
        if child.kind != "/Table":
            yield from _descendants(child)


def _cell_text(element, facts) -> str:
    text = "".join(s.text for s in facts.shown if s.mcid is not None and not s.artifact
                   and facts.by_mcid.get((s.page, s.mcid)) in (element, *_descendants(element)))
    return f" (「{text.strip()[:20]}」)" if text.strip() else ""
