"""Read a tagged PDF once for check-screen: its structure tree (pikepdf) and what each
page shows, object by object, with its marks (pdfium)."""

import ctypes
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

MAX_DEPTH = 64          # a structure tree or form nested deeper than this is a loop


@dataclass(eq=False)
class Element:
    """One structure element, as the tree says it."""

    obj: object               # the pikepdf dictionary
    kind: str                 # its /S, role-mapped to a standard type ("/H1", "/TD")
    parent: "Element | None"
    depth: int
    page: int | None          # 1-based, from /Pg (inherited)
    children: list = field(default_factory=list)     # Elements, in order
    mcids: list = field(default_factory=list)        # (page, mcid) of its own content
    sequence: list = field(default_factory=list)     # its MCIDs and children, in /K order
    objgen: tuple = (0, 0)    # the dictionary's object number and generation (0, 0: direct)

    @property
    def raw_kind(self) -> str:
        return str(self.obj.get("/S", ""))

    def get(self, key: str, default=None):
        return self.obj.get(key, default)

    def attribute(self, key: str):
        """An attribute from /A (a dictionary or an array of them)."""
        import pikepdf
        owners = self.obj.get("/A")
        for owner in (owners if isinstance(owners, pikepdf.Array) else [owners]):
            if isinstance(owner, pikepdf.Dictionary) and key in owner:
                return owner[key]
        return None

    def ancestors(self):
        element = self.parent
        while element is not None:
            yield element
            element = element.parent

    def language(self, default: str) -> str:
        for element in (self, *self.ancestors()):
            if "/Lang" in element.obj:
                return str(element.obj.Lang)
        return default


@dataclass
class Shown:
    """One page object as pdfium reads it (objects inside a form carry the form's marks)."""

    page: int                 # 1-based
    kind: str                 # "text", "path", "image", "shading", "form"
    marks: tuple              # (tag, MCID or None) of its marked content, outermost first
    mcid: int | None          # the innermost MCID, if any
    box: tuple                # left, bottom, right, top on the page (pt)
    text: str = ""
    colour: tuple = ()        # fill r, g, b, a (0-255)
    size: float = 0.0         # pt on the page
    bold: bool = False
    in_form: bool = False

    @property
    def artifact(self) -> bool:
        return any(name == "Artifact" for name, _ in self.marks)


@dataclass
class ScreenFacts:
    pdf: Path
    document: object                         # pikepdf.Pdf
    pages: int
    language: str                            # the catalog's /Lang ("" if none)
    elements: list[Element]                  # every structure element, in reading order
    by_mcid: dict                            # (page, mcid) -> Element, from the ParentTree
    shown: list[Shown]                       # what the pages show
    role_map: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)   # (page, detail) found while reading
    contrast: list = field(default_factory=list)   # contrast.Contrast of each visible text


STANDARD_TYPES = {
    "/Document", "/Part", "/Art", "/Sect", "/Div", "/BlockQuote", "/Caption", "/TOC", "/TOCI",
    "/Index", "/NonStruct", "/Private", "/P", "/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6",
    "/L", "/LI", "/Lbl", "/LBody", "/Table", "/TR", "/TH", "/TD", "/THead", "/TBody",
    "/TFoot", "/Span", "/Quote", "/Note", "/Reference", "/BibEntry", "/Code", "/Link",
    "/Annot", "/Ruby", "/RB", "/RT", "/RP", "/Warichu", "/WT", "/WP", "/Figure", "/Formula",
    "/Form",
}


def read_facts(document, pdf: Path, memo=None) -> ScreenFacts:
    """Read the structure tree of ``document`` (``pdf`` opened by `pdftext.open_objects`),
    and what each page shows with its texts' contrast; ``memo`` (a `memo.PageMemo`) keeps
    the pages' part for the next check."""
    from ..memo import PageMemo

    page_numbers = {page.obj.objgen: number for number, page in
                    enumerate(document.pages, start=1)}
    tree = document.Root.get("/StructTreeRoot")
    role_map = {str(k): str(v) for k, v in (tree.get("/RoleMap") or {}).items()} \
        if tree is not None else {}
    facts = ScreenFacts(pdf, document, len(document.pages), str(document.Root.get("/Lang", "")),
                        [], {}, [], role_map)
    if tree is not None:
        _read_tree(facts, tree, page_numbers)
        _read_parent_tree(facts, tree, page_numbers)
    pages = (memo or PageMemo()).pages(pdf, "screen", lambda numbers: read_pages(pdf, numbers))
    facts.shown = [shown for page, _ in pages for shown in page]
    facts.contrast = [measured for _, page in pages for measured in page]
    return facts


def standard_kind(kind: str, role_map: dict) -> str:
    seen = set()
    while kind not in STANDARD_TYPES and kind in role_map and kind not in seen:
        seen.add(kind)
        kind = role_map[kind]
    return kind


def _read_tree(facts: ScreenFacts, tree, page_numbers: dict) -> None:
    """Every element of the tree, depth first. Each reading of a pikepdf object is a
    call into qpdf: an element is read in five (20,000 elements at 144 pages)."""
    import pikepdf

    seen = set()
    Array, Dictionary = pikepdf.Array, pikepdf.Dictionary

    def visit(node, parent, depth, page):
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, Array) else [kids]):
            if isinstance(kid, int):
                if parent is not None:
                    parent.mcids.append((page, int(kid)))
                    parent.sequence.append((page, int(kid)))
            elif isinstance(kid, Dictionary):
                type_, kind, on = kid.get("/Type"), kid.get("/S"), kid.get("/Pg")
                if type_ == "/MCR":
                    where = page_numbers.get(on.objgen) if on is not None else page
                    if parent is not None:
                        parent.mcids.append((where, int(kid.MCID)))
                        parent.sequence.append((where, int(kid.MCID)))
                    continue
                if type_ == "/OBJR" or kind is None:
                    continue
                objgen = kid.objgen
                if objgen in seen or depth > MAX_DEPTH:
                    facts.problems.append((None, "the structure tree loops"))
                else:
                    if objgen != (0, 0):              # indirect
                        seen.add(objgen)
                    where = page_numbers.get(on.objgen, page) if on is not None else page
                    element = Element(kid, standard_kind(str(kind), facts.role_map), parent,
                                      depth, where, objgen=objgen)
                    facts.elements.append(element)
                    if parent is not None:
                        parent.children.append(element)
                        parent.sequence.append(element)
                    visit(kid, element, depth + 1, where)

    visit(tree, None, 0, None)


def _read_parent_tree(facts: ScreenFacts, tree, page_numbers: dict) -> None:
    """(page, mcid) -> the element that owns that content, as the ParentTree says."""
    import pikepdf

    by_obj = {element.objgen: element for element in facts.elements}
    entries = dict(_number_tree(tree.get("/ParentTree")))
    for page_index, page in enumerate(facts.document.pages, start=1):
        key = page.obj.get("/StructParents")
        owners = entries.get(int(key)) if key is not None else None
        if not isinstance(owners, pikepdf.Array):
            continue
        for mcid, owner in enumerate(owners):
            if isinstance(owner, pikepdf.Dictionary) and owner.objgen in by_obj:
                facts.by_mcid[(page_index, mcid)] = by_obj[owner.objgen]


def _number_tree(node):
    return ((int(key), value) for key, value in pdf_tree(node, "/Nums"))


def pdf_tree(node, leaves: str, depth: int = 0):
    """(key, value) of a PDF name tree (``leaves`` /Names) or number tree (/Nums),
    its /Kids walked depth first (a loop stops at MAX_DEPTH)."""
    import pikepdf
    if not isinstance(node, pikepdf.Dictionary) or depth > MAX_DEPTH:
        return
    pairs = node.get(leaves)
    if isinstance(pairs, pikepdf.Array):
        for index in range(0, len(pairs) - 1, 2):
            yield pairs[index], pairs[index + 1]
    for kid in node.get("/Kids") or []:
        yield from pdf_tree(kid, leaves, depth + 1)


# --- content, with pdfium ---------------------------------------------------------

KINDS = {1: "text", 2: "path", 3: "image", 4: "shading", 5: "form"}


def read_shown(pdf: Path) -> list[Shown]:
    """What every page shows, in page order."""
    with _pages(pdf) as document:
        return [shown for number in range(1, len(document) + 1)
                for shown in _page_shown(document, number)]


def read_pages(pdf: Path, numbers: list[int]) -> dict[int, tuple[list, list]]:
    """{number: (what the page shows, the contrast of its texts)} of the pages ``numbers``
    names (the contrast on a second copy of the page: measuring hides its text)."""
    from .contrast import measure_page

    read = {}
    with _pages(pdf) as document, _pages(pdf) as hidden:
        for number in numbers:
            shown = _page_shown(document, number)
            page = hidden[number - 1]
            read[number] = (shown, measure_page(page, shown))
            page.close()
    return read


@contextmanager
def _pages(pdf: Path):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        yield document
    finally:
        document.close()


def _page_shown(document, number: int) -> list[Shown]:
    page = document[number - 1]
    textpage = page.get_textpage()
    try:
        return list(page_objects(page, textpage, number))
    finally:
        textpage.close()
        page.close()


def page_objects(page, textpage, number: int):
    """Each object of the page, those inside forms too (with the form's marks)."""
    import pypdfium2.raw as raw

    count = raw.FPDFPage_CountObjects(page)
    for index in range(count):
        yield from _objects(raw.FPDFPage_GetObject(page, index), textpage, number, (), None,
                            (1, 0, 0, 1, 0, 0), False, 0)


def _objects(obj, textpage, number, marks, mcid, matrix, in_form, depth):
    import pypdfium2.raw as raw

    own = _marks(obj)
    marks = marks + tuple(own)
    mcid = next((m for _, m in reversed(own) if m is not None), mcid)
    kind = KINDS.get(raw.FPDFPageObj_GetType(obj), "other")
    if kind == "form" and depth < MAX_DEPTH:
        inner = _multiply(_matrix(obj), matrix)
        for index in range(raw.FPDFFormObj_CountObjects(obj)):
            yield from _objects(raw.FPDFFormObj_GetObject(obj, index), textpage, number, marks,
                                mcid, inner, True, depth + 1)
        return
    shown = Shown(number, kind, marks, mcid, _bounds(obj, matrix), in_form=in_form)
    if kind == "text":
        _read_text(shown, obj, textpage, matrix)
    yield shown


def _marks(obj) -> list[tuple]:
    """(name, MCID or None) of each mark on the object, outermost first."""
    import pypdfium2.raw as raw

    marks = []
    for index in range(raw.FPDFPageObj_CountMarks(obj)):
        mark = raw.FPDFPageObj_GetMark(obj, index)
        buffer = (ctypes.c_ushort * 128)()
        length = ctypes.c_ulong()
        raw.FPDFPageObjMark_GetName(mark, buffer, ctypes.sizeof(buffer), ctypes.byref(length))
        name = bytes(buffer)[:length.value].decode("utf-16-le", "replace").rstrip("\0")
        value = ctypes.c_int()
        has = raw.FPDFPageObjMark_GetParamIntValue(mark, b"MCID", ctypes.byref(value))
        marks.append((name, value.value if has else None))
    return marks


def _read_text(shown: Shown, obj, textpage, matrix) -> None:
    import pypdfium2.raw as raw

    length = raw.FPDFTextObj_GetText(obj, textpage, None, 0)
    if length > 0:
        buffer = (ctypes.c_ushort * length)()
        raw.FPDFTextObj_GetText(obj, textpage, buffer, length)
        shown.text = bytes(buffer).decode("utf-16-le", "replace").rstrip("\0")
    channels = [ctypes.c_uint() for _ in range(4)]
    raw.FPDFPageObj_GetFillColor(obj, *(ctypes.byref(c) for c in channels))
    shown.colour = tuple(c.value for c in channels)
    size = ctypes.c_float()
    raw.FPDFTextObj_GetFontSize(obj, ctypes.byref(size))
    a, b, c, d, _, _ = _multiply(_matrix(obj), matrix)
    shown.size = size.value * abs(a * d - b * c) ** 0.5
    name = ctypes.create_string_buffer(256)
    raw.FPDFFont_GetBaseFontName(raw.FPDFTextObj_GetFont(obj), name, 256)
    shown.bold = b"bold" in name.value.lower() or \
        raw.FPDFFont_GetWeight(raw.FPDFTextObj_GetFont(obj)) >= 700


def _matrix(obj) -> tuple:
    import pypdfium2.raw as raw
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return (1, 0, 0, 1, 0, 0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _multiply(first, second) -> tuple:
    a, b, c, d, e, f = first
    A, B, C, D, E, F = second
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def _bounds(obj, matrix) -> tuple:
    """The object's bounds on the page (pdfium gives an object in a form in form space)."""
    import pypdfium2.raw as raw

    edges = [ctypes.c_float() for _ in range(4)]
    if not raw.FPDFPageObj_GetBounds(obj, *(ctypes.byref(e) for e in edges)):
        return (0.0, 0.0, 0.0, 0.0)
    left, bottom, right, top = (e.value for e in edges)
    a, b, c, d, e, f = matrix
    xs, ys = [], []
    for x, y in ((left, bottom), (left, top), (right, bottom), (right, top)):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return (min(xs), min(ys), max(xs), max(ys))
