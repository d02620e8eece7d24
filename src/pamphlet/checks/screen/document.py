"""Checks on the document as a whole: metadata, title, language, marking, role map,
fonts, optional content, embedded files, XFA."""

import re

from .model import check
from .facts import STANDARD_TYPES, pdf_tree


@check("xmp-metadata", "error", ("06-001", "06-002", "06-003"),
       "XMP metadata missing, or without the PDF/UA identifier or a dc:title",
       "write the screen edition with WeasyPrint's pdf/ua-1 variant and a <title>")
def _xmp(facts):
    metadata = facts.document.Root.get("/Metadata")
    data = metadata.read_bytes() if metadata is not None else b""
    if not data:
        yield None, "no XMP metadata stream in the catalog"
        return
    if not re.search(rb"pdfuaid:part(>|=\"|=')\s*1", data):
        yield None, "the XMP metadata has no pdfuaid:part 1"
    if not re.search(rb"<dc:title>.*?<rdf:li[^>]*>\s*[^<\s]", data, re.S):
        yield None, "the XMP metadata has no dc:title"


@check("display-doc-title", "error", ("07-001", "07-002"),
       "the viewer does not show the document's title (ViewerPreferences /DisplayDocTitle)",
       "set /ViewerPreferences << /DisplayDocTitle true >> in the catalog")
def _display_doc_title(facts):
    preferences = facts.document.Root.get("/ViewerPreferences")
    value = preferences.get("/DisplayDocTitle") if preferences is not None else None
    if value is None:
        yield None, "no /DisplayDocTitle in /ViewerPreferences"
    elif not bool(value):
        yield None, "/DisplayDocTitle is false"


@check("document-language", "error", ("11-001", "11-002", "11-003", "11-004", "11-006"),
       "the document's language is not declared (catalog /Lang)",
       "give <html> a lang attribute (brochure.yaml's language:)")
def _document_language(facts):
    if not facts.language.strip():
        yield None, "the catalog has no /Lang, or an empty one"


@check("tagged", "error", ("01-007",),
       "not marked as a tagged PDF, or marked as having suspect tags",
       "the catalog needs /MarkInfo << /Marked true >> and no /Suspects true")
def _tagged(facts):
    info = facts.document.Root.get("/MarkInfo")
    if facts.document.Root.get("/StructTreeRoot") is None:
        yield None, "no structure tree (/StructTreeRoot)"
    if info is None or not bool(info.get("/Marked", False)):
        yield None, "/MarkInfo /Marked is not true"
    if info is not None and bool(info.get("/Suspects", False)):
        yield None, "/MarkInfo /Suspects is true"


@check("role-map", "error", ("02-001", "02-003", "02-004"),
       "a structure type that is not standard and not mapped to one, or a standard type "
       "remapped", "map each custom tag to a standard type in the /RoleMap, once")
def _role_map(facts):
    for kind, target in facts.role_map.items():
        if kind in STANDARD_TYPES:
            yield None, f"the standard type {kind} is remapped to {target}"
    said = set()
    for element in facts.elements:
        if element.kind not in STANDARD_TYPES and element.raw_kind not in said:
            said.add(element.raw_kind)
            loops = element.raw_kind in facts.role_map
            yield element.page, (f"{element.raw_kind} is mapped in a circle" if loops else
                                 f"{element.raw_kind} is not a standard type")


@check("fonts", "error", ("31-009", "31-027"),
       "a font is not embedded, or has no ToUnicode map (its text cannot be read out)",
       "embed every font with a ToUnicode CMap (WeasyPrint does, unless changed after)")
def _fonts(facts):
    seen = set()
    for number, page in enumerate(facts.document.pages, start=1):
        fonts = (page.obj.get("/Resources") or {}).get("/Font") or {}
        for name, font in fonts.items():
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
            base = str(font.get("/BaseFont", name))
            if "/ToUnicode" not in font:
                yield number, f"{base} has no /ToUnicode"
            if not _embedded(font):
                yield number, f"{base} is not embedded"


def _embedded(font) -> bool:
    descendants = font.get("/DescendantFonts")
    target = descendants[0] if descendants is not None else font
    descriptor = target.get("/FontDescriptor")
    return str(font.get("/Subtype")) == "/Type3" or descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


@check("optional-content", "error", ("20-001", "20-002", "20-003"),
       "an optional content configuration without a /Name, or with an /AS entry",
       "name every optional content configuration; leave out /AS")
def _optional_content(facts):
    properties = facts.document.Root.get("/OCProperties")
    if properties is None:
        return
    configs = [properties.get("/D")] + list(properties.get("/Configs") or [])
    for config in configs:
        if config is None:
            continue
        if not str(config.get("/Name", "")).strip():
            yield None, "an optional content configuration has no /Name"
        if "/AS" in config:
            yield None, "an optional content configuration has an /AS entry"


@check("embedded-files", "error", ("21-001",),
       "an embedded file's specification without /F and /UF",
       "give each embedded file both /F and /UF names")
def _embedded_files(facts):
    names = facts.document.Root.get("/Names")
    files = names.get("/EmbeddedFiles") if names is not None else None
    for name, spec in _name_tree(files):
        if "/F" not in spec or "/UF" not in spec:
            yield None, f"the embedded file {name} lacks /F or /UF"


def _name_tree(node):
    return ((str(key), value) for key, value in pdf_tree(node, "/Names"))


@check("xfa", "error", ("25-001",), "an XFA form that requires dynamic rendering",
       "leave XFA out of the screen edition")
def _xfa(facts):
    form = facts.document.Root.get("/AcroForm")
    xfa = form.get("/XFA") if form is not None else None
    if xfa is None:
        return
    import pikepdf
    streams = [xfa] if isinstance(xfa, pikepdf.Stream) else \
        [item for item in xfa if isinstance(item, pikepdf.Stream)]
    if any(re.search(rb"dynamicRender[^>]*>\s*required", s.read_bytes()) for s in streams):
        yield None, "XFA's dynamicRender is required"
