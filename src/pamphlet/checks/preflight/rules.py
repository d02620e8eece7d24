"""Decide what is not press-ready: a registry of small checks over the facts (facts.py).

Each check has an id, a severity, a fixed message and a hint, and finds
(page, detail) pairs in the facts. The geometry (trim, bleed, the binding's
page count) is the print spec's (`PressFacts.spec`); the other numbers are the
print vendor's (PRINT.md).
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pikepdf

from ...spec import MM
from ..pdfcontent import get, icc_header, is_array, is_stream, object_key
from .facts import SUBSET_PREFIX, PressFacts, _rect, font_key

BOX_TOLERANCE = 0.5         # pt
SAFE_MARGIN = 3 * MM        # text stays this far inside the trim
INK_LIMIT = 3.0             # 300 %
PPI_ERROR, PPI_WARNING = 200, 300
HAIRLINE = 0.1 * MM          # pt: 0.283, PRINT.md's 0.1 mm
THIN_RULE = 0.5             # pt (0.18 mm): a stroke under this is a thin rule
THIN_FILL = 0.5             # pt: a fill whose visible area is thinner is a thin rule
SMALL_TEXT = 9.0            # pt: smaller type is small type
PDFX_ID = "{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"
PDFX_CONFORMANCE = "{http://ns.adobe.com/pdfx/1.3/}GTS_PDFXConformance"
RENDITION_CLASS = "{http://ns.adobe.com/xap/1.0/mm/}RenditionClass"


PAGE, DOCUMENT, FONT = "page", "document", "font"


@dataclass(frozen=True)
class Check:
    id: str
    severity: str
    message: str              # the same for every finding of the check
    hint: str                 # how to fix it
    find: Callable            # see `scope`
    scope: str = PAGE         # PAGE: facts -> (page, detail) of each page facts.pages holds;
    #                           DOCUMENT: facts -> (page or None, detail), from the
    #                           structure alone (no page read); FONT: (facts, FontUse) ->
    #                           detail or None, said once per font on its first page


REGISTRY: dict[str, Check] = {}


def check(id: str, severity: str, message: str, hint: str, scope: str = PAGE):
    """Register the decorated function as the check ``id``."""
    def register(find):
        REGISTRY[id] = Check(id, severity, message, hint, find, scope)
        return find
    return register


def _run(entry: "Check", facts) -> list[tuple]:
    """The check's (page, detail) pairs; a check that fails on a damaged file says so."""
    try:
        return list(entry.find(facts))
    except Exception as error:  # a damaged PDF must not stop the other checks
        return [(None, f"could not check: {type(error).__name__}: {error}")]

# --- checks: geometry and binding ---------------------------------------------

@check("trim-box", "error", "TrimBox missing or not the print spec's trim",
       "every page needs a TrimBox of the trim in brochure.yaml (the PDF's /PamphletSpec): "
       "build with `pamphlet build`, or export the pages with their trim box")
def _trim_box(facts: PressFacts):
    want = facts.spec.trim_pt
    for page in facts.pages:
        if page.trim is None:
            yield page.number, "no TrimBox"
            continue
        width, height = page.trim[2] - page.trim[0], page.trim[3] - page.trim[1]
        if abs(width - want[0]) > BOX_TOLERANCE or abs(height - want[1]) > BOX_TOLERANCE:
            yield page.number, (f"TrimBox is {width:.2f} × {height:.2f} pt "
                                f"({width / MM:.1f} × {height / MM:.1f} mm), not "
                                f"{facts.spec.size_name} ({want[0]:.2f} × {want[1]:.2f} pt)")


@check("bleed-box", "error", "BleedBox missing or not the print spec's bleed outside the trim "
       "on every side", "every page needs a BleedBox larger than the TrimBox by the bleed in "
       "brochure.yaml (3 mm = 8.5 pt) on each side, and background art that reaches it")
def _bleed_box(facts: PressFacts):
    for page in facts.pages:
        if page.bleed is None:
            yield page.number, "no BleedBox"
        elif page.trim is not None:
            sides = _bleed_sides(page.trim, page.bleed, facts.spec.bleed_pt)
            if sides:
                yield page.number, ("the bleed is " + ", ".join(sides)
                                    + f" (needs {facts.spec.bleed:.1f} mm)")


def _bleed_sides(trim: tuple, bleed: tuple, wanted: float) -> list[str]:
    reach = {"left": trim[0] - bleed[0], "bottom": trim[1] - bleed[1],
             "right": bleed[2] - trim[2], "top": bleed[3] - trim[3]}
    return [f"{reach[side] / MM:.1f} mm on the {side}" for side in reach
            if abs(reach[side] - wanted) > BOX_TOLERANCE]


@check("media-box", "error", "MediaBox does not contain the TrimBox and BleedBox",
       "the MediaBox is the sheet: make it at least as large as the BleedBox (plus the marks)")
def _media_box(facts: PressFacts):
    for page in facts.pages:
        for name, box in (("TrimBox", page.trim), ("BleedBox", page.bleed)):
            if box is not None and not _contains(page.media, box):
                yield page.number, f"the {name} reaches outside the MediaBox"


def _contains(outer: tuple, inner: tuple, tolerance: float = 0.01) -> bool:
    return (outer[0] - tolerance <= inner[0] and outer[1] - tolerance <= inner[1]
            and inner[2] <= outer[2] + tolerance and inner[3] <= outer[3] + tolerance)


@check("page-count", "error", "page count does not fold into the binding's sheets",
       "a saddle-stitched or perfect-bound pamphlet is made of sheets of 4 pages: add or "
       "remove pages, blank ones included", scope=DOCUMENT)
def _page_count(facts: PressFacts):
    count, signature = facts.count, facts.spec.signature
    if count % signature:
        more, fewer = signature - count % signature, count % signature
        yield None, (f"{count} pages, {facts.spec.binding} takes a multiple of {signature}: "
                     f"add {more} or remove {fewer}")


# --- checks: PDF/X-4 -------------------------------------------------------------

@check("pdfx-version", "error", "not marked PDF/X-4 in its XMP metadata",
       "write the PDF as PDF/X-4 (WeasyPrint: pdf_variant='pdf/x-4'): the XMP metadata must "
       "say pdfxid:GTS_PDFXVersion PDF/X-4", scope=DOCUMENT)
def _pdfx_version(facts: PressFacts):
    metadata = facts.document.Root.get("/Metadata")
    if metadata is None:
        yield None, "no XMP metadata stream in the catalog"
        return
    versions = _xmp_values(metadata.read_bytes(), PDFX_ID)
    if versions is None:
        yield None, "the XMP metadata is not well-formed XML"
    elif not versions:
        yield None, "the XMP metadata has no pdfxid:GTS_PDFXVersion"
    elif "PDF/X-4" not in versions:
        yield None, f"the XMP metadata says GTS_PDFXVersion '{versions[0]}'"


def _xmp_values(data: bytes, tag: str) -> list[str] | None:
    """Every value of ``tag`` in the XMP packet, as element or attribute; None if not XML."""
    import xml.etree.ElementTree as ElementTree

    try:
        root = ElementTree.fromstring(data.strip().strip(b"\x00"))
    except ElementTree.ParseError:
        return None
    values = [(e.text or "").strip() for e in root.iter(tag)]
    return values + [e.attrib[tag].strip() for e in root.iter() if tag in e.attrib]


@check("output-intent", "error", "no PDF/X output intent with a CMYK printer profile",
       "PDF/X-4 needs /OutputIntents with /S /GTS_PDFX and the printing condition's CMYK ICC "
       "profile (device class 'prtr') as DestOutputProfile", scope=DOCUMENT)
def _output_intent(facts: PressFacts):
    intents = facts.document.Root.get("/OutputIntents")
    intents = list(intents) if intents is not None else []
    pdfx = [i for i in intents if i.get("/S") == "/GTS_PDFX"]
    if not pdfx:
        yield None, ("no /OutputIntents in the catalog" if not intents
                     else "no output intent with /S /GTS_PDFX")
        return
    profile = pdfx[0].get("/DestOutputProfile")
    if profile is None:
        yield None, "the PDF/X output intent has no DestOutputProfile"
        return
    header = icc_header(profile)
    space, device = header[16:20], header[12:16]
    if space != b"CMYK":
        yield None, f"the output profile's colour space is '{_ascii(space)}', not 'CMYK'"
    if device != b"prtr":
        yield None, f"the output profile's device class is '{_ascii(device)}', not 'prtr'"


def _ascii(raw: bytes) -> str:
    return raw.decode("latin-1").strip() or "none"


@check("document-id", "error", "no document /ID in the trailer",
       "PDF/X requires a file identifier: write the PDF with one (WeasyPrint: pdf_identifier)", scope=DOCUMENT)
def _document_id(facts: PressFacts):
    identifier = facts.document.trailer.get("/ID")
    if identifier is None:
        yield None, "the trailer has no /ID"
    elif not is_array(identifier) or len(identifier) != 2 or not all(
            isinstance(part, pikepdf.String) and len(bytes(part)) for part in identifier):
        yield None, "the trailer's /ID is not two non-empty strings"


@check("trapped", "error", "Info /Trapped missing or not /True or /False",
       "PDF/X requires the document information to say whether the file is trapped: "
       "/Trapped /False unless the printer trapped it", scope=DOCUMENT)
def _trapped(facts: PressFacts):
    info = facts.document.trailer.get("/Info")
    trapped = info.get("/Trapped") if info is not None else None
    if trapped is None:
        yield None, "the document information has no /Trapped"
    elif str(trapped) not in ("/True", "/False"):
        yield None, f"the document information says /Trapped {trapped}"


@check("icc-components", "error", "ICC profile stream whose /N is not its profile's channels",
       "write each ICCBased stream with /N from the profile's header (4 for CMYK, 3 for RGB "
       "and Lab, 1 for gray), and drop colour spaces no content uses")
def _icc_components(facts: PressFacts):
    intent = _pdfx_intent(facts)
    profile = intent.get("/DestOutputProfile") if intent is not None else None
    if profile is not None:
        problem = _icc_mismatch(profile)
        if problem:
            yield None, f"the output intent's profile says {problem}"
    for page in facts.pages:
        wrong = {}
        for name, stream in _icc_streams(page.page):
            problem = _icc_mismatch(stream)
            if problem:
                wrong.setdefault(object_key(stream), (name, problem))
        for name, problem in wrong.values():
            yield page.number, f"ICCBased space {name} says {problem}"


ICC_CHANNELS = {b"GRAY": 1, b"RGB ": 3, b"CMY ": 3, b"CMYK": 4, b"Lab ": 3, b"XYZ ": 3,
                b"Luv ": 3, b"YCbr": 3, b"Yxy ": 3, b"HSV ": 3, b"HLS ": 3,
                **{f"{n:X}CLR".encode(): n for n in range(2, 16)}}


def _icc_mismatch(stream) -> str | None:
    """'/N 1, its profile CMYK (4 channels)', or None when /N is right (or unknowable)."""
    space = icc_header(stream)[16:20]
    channels = ICC_CHANNELS.get(space)
    n = get(stream, "N")
    if channels is None or n is not None and int(n) == channels:
        return None
    said = f"/N {int(n)}" if n is not None else "no /N"
    return f"{said}, its profile {_ascii(space)} ({_count(channels, 'channel')})"


def _icc_streams(page):
    """(resource name, profile stream) of every ICCBased space the page's resources offer:
    named spaces, images, shadings, groups, inside forms, patterns and annotations."""
    pending, seen = [get(page, "Resources")], set()
    for annotation in get(page, "Annots") or []:
        normal = get(get(annotation, "AP"), "N")
        if is_stream(normal):
            pending.append(get(normal, "Resources"))
    while pending:
        resources = pending.pop()
        if resources is None or object_key(resources) in seen:
            continue
        seen.add(object_key(resources))
        for name, space in (get(resources, "ColorSpace") or {}).items():
            yield from _icc_in_space(str(name), space)
        for kind in ("XObject", "Pattern", "Shading"):
            for name, item in (get(resources, kind) or {}).items():
                for space in (get(item, "ColorSpace"), get(get(item, "Shading"), "ColorSpace"),
                              get(get(item, "Group"), "CS")):
                    yield from _icc_in_space(str(name), space)
                pending.append(get(item, "Resources"))


def _icc_in_space(name: str, space, depth: int = 0):
    """The ICC streams of a colour space array, its bases and alternates included."""
    if not is_array(space) or not len(space) or depth > 4:
        return
    family = str(space[0]).lstrip("/")
    if family == "ICCBased" and len(space) > 1:
        yield name, space[1]
    elif family in ("Indexed", "Pattern") and len(space) > 1:
        yield from _icc_in_space(name, space[1], depth + 1)
    elif family in ("Separation", "DeviceN") and len(space) > 2:
        yield from _icc_in_space(name, space[2], depth + 1)


def _pdfx_intent(facts: PressFacts):
    """The catalog's /GTS_PDFX output intent, or None."""
    intents = facts.document.Root.get("/OutputIntents")
    for intent in (intents if intents is not None else []):
        if intent.get("/S") == "/GTS_PDFX":
            return intent
    return None


@check("output-condition", "error", "output intent names no registered printing condition",
       "set /OutputConditionIdentifier to the ICC registry's name of the printing condition "
       "(FOGRA39 for the shipped profile; output_condition: in brochure.yaml for another) and "
       "/RegistryName to http://www.color.org", scope=DOCUMENT)
def _output_condition(facts: PressFacts):
    from ...conditions import REGISTRY, from_profile, registered

    intent = _pdfx_intent(facts)
    if intent is None:
        return   # output-intent says so
    identifier = intent.get("/OutputConditionIdentifier")
    if identifier is None or registered(str(identifier)) is None:
        said = f"'{identifier}'" if identifier is not None else "missing"
        yield None, f"OutputConditionIdentifier {said} is not a registered name" + \
            _profile_says(intent, from_profile)
    registry = intent.get("/RegistryName")
    if registry is None or str(registry).strip() != REGISTRY:
        said = f"'{registry}'" if registry is not None else "missing"
        yield None, f"RegistryName {said}, not {REGISTRY}"


def _profile_says(intent, from_profile) -> str:
    profile = intent.get("/DestOutputProfile")
    try:
        condition = from_profile(profile.read_bytes()) if profile is not None else None
    except (OSError, ValueError):  # a profile LittleCMS cannot open: nothing to suggest
        return ""
    return f" (its profile says {condition.identifier})" if condition else ""


@check("xmp-pdfx", "warning", "XMP metadata of a proof or of PDF/X-1a/X-3",
       "the print master's XMP carries no pdfx:GTS_PDFXConformance (PDF/X-4 defines none) "
       "and xmpMM:RenditionClass default (or none)", scope=DOCUMENT)
def _xmp_pdfx(facts: PressFacts):
    metadata = facts.document.Root.get("/Metadata")
    data = metadata.read_bytes() if metadata is not None else None
    conformance = _xmp_values(data, PDFX_CONFORMANCE) if data else None
    for value in conformance or []:
        yield None, f"pdfx:GTS_PDFXConformance '{value}' (not defined for PDF/X-4)"
    for value in (_xmp_values(data, RENDITION_CLASS) or []) if data else []:
        if value != "default":
            yield None, f"xmpMM:RenditionClass '{value}', not 'default'"


@check("annotation-in-trim", "error", "annotation inside the trim",
       "the print master carries no links or comments: leave them to the screen edition "
       "(pamphlet build --screen)")
def _annotation_in_trim(facts: PressFacts):
    for page in facts.pages:
        area = page.trim or page.bleed or page.media
        kinds = []
        for annotation in get(page.page, "Annots") or []:
            rect = get(annotation, "Rect")
            if rect is not None and len(rect) == 4 and _overlaps(_rect(rect), area):
                kinds.append(str(get(annotation, "Subtype") or "/Annot"))
        if kinds:
            yield page.number, (f"{_count(len(kinds), 'annotation')} inside the trim "
                                f"({', '.join(sorted(set(kinds)))})")


@check("transparency-group", "error", "transparency without a CMYK page group",
       "a page that blends needs /Group << /S /Transparency /CS /DeviceCMYK >> so the RIP "
       "blends in CMYK: write one on every page that uses transparency")
def _transparency_group(facts: PressFacts):
    for page in facts.pages:
        uses = page.content.transparency
        if not uses:
            continue
        problem = _page_group_problem(facts, page.page)
        if problem:
            more = f" and {_count(len(uses) - 1, 'more use')}" if len(uses) > 1 else ""
            yield page.number, f"{uses[0]}{more}, {problem}"


def _page_group_problem(facts: PressFacts, page) -> str | None:
    group = get(page, "Group")
    if group is None or str(get(group, "S") or "") != "/Transparency":
        return "with no page /Group /S /Transparency"
    space = get(group, "CS")
    if space is None:
        return "with a page /Group without /CS"
    space = facts.cache.resolve(space, get(page, "Resources") or {})
    return None if space.cmyk else f"with a page /Group blending in {space.label}"


# --- checks: colour ------------------------------------------------------------

@check("rgb-colour", "error", "RGB colour in a press PDF",
       "use CMYK (device-cmyk() in the CSS) or gray for every colour, gradient and SVG fill; "
       "press output has no RGB")
def _rgb_colour(facts: PressFacts):
    for page in facts.pages:
        for (role, colour), _ in page.content.colours.items():
            if colour.space.rgb:
                yield page.number, f"an RGB {role} colour ({colour.source})"
        for shading in page.content.shadings:
            if shading.space.rgb:
                yield page.number, f"an RGB gradient ({shading.name}, {shading.space.label})"
        for group in page.content.groups:
            if group.rgb:
                yield page.number, f"a transparency group blending in {group.label}"


@check("rgb-image", "error", "RGB image in a press PDF",
       "convert the image to CMYK (or grayscale) with the printing condition's profile "
       "before placing it")
def _rgb_image(facts: PressFacts):
    for page in facts.pages:
        for image in page.content.images:
            if image.space is not None and image.space.rgb:
                yield page.number, (f"an RGB image {image.width}×{image.height} "
                                    f"({image.name}, {image.space.label})")


@check("registration-colour", "error", "registration colour inside the bleed",
       "registration colour (Separation /All) prints on every plate: use it for trim marks "
       "outside the BleedBox only")
def _registration_colour(facts: PressFacts):
    for page in facts.pages:
        bleed = page.bleed or page.trim
        if bleed is None:
            continue
        inside = [b for b in page.content.registration if b and _overlaps(b, bleed)]
        if inside:
            yield page.number, f"{_count(len(inside), 'shape')} in registration colour " \
                               "inside the BleedBox"


def _overlaps(box: tuple, area: tuple, tolerance: float = 0.01) -> bool:
    return (box[0] < area[2] - tolerance and box[2] > area[0] + tolerance
            and box[1] < area[3] - tolerance and box[3] > area[1] + tolerance)


@check("total-ink", "error", "total ink over 300 %",
       "keep C+M+Y+K at or under 300 % (rich black: C40 M40 Y40 K100, never 100/100/100/100); "
       "convert images with the printing condition's profile")
def _total_ink(facts: PressFacts):
    for page in facts.pages:
        for (role, colour), _ in page.content.colours.items():
            ink = colour.ink
            if ink is not None and ink > INK_LIMIT + 1e-6:
                yield page.number, f"a {role} colour at {ink:.0%} ({colour.source})"
        for shading in page.content.shadings:
            ink = _shading_ink(shading)
            if ink > INK_LIMIT + 1e-6:
                yield page.number, f"a gradient ({shading.name}) reaching {ink:.0%}"
        for image in page.content.images:
            ink = _image_ink(facts, image)
            if ink is not None and ink > INK_LIMIT + 1e-6:
                yield page.number, (f"a CMYK image {image.width}×{image.height} ({image.name}) "
                                    f"reaching {ink:.0%}")


def _shading_ink(shading) -> float:
    """The largest ink of a CMYK gradient's stops (type 2 and stitching functions)."""
    if not (shading.space.cmyk or shading.space.spot):
        return 0.0

    functions = [get(shading.shading, "Function")]
    stops = []
    while functions:
        function = functions.pop()
        if is_array(function):
            functions += list(function)
        elif function is not None:
            functions += list(get(function, "Functions") or [])
            stops += [get(function, key) for key in ("C0", "C1") if get(function, key)]
    return max((sum(float(v) for v in stop) for stop in stops), default=0.0)


def _image_ink(facts: PressFacts, image) -> float | None:
    """The largest C+M+Y+K of any pixel of a CMYK image (decoded once per image)."""
    space = image.space
    if space is None or image.inline:
        return None
    if space.base is not None and space.base.cmyk and space.lookup:   # Indexed over CMYK
        n = space.base.components
        entries = [space.lookup[i:i + n] for i in range(0, len(space.lookup) - n + 1, n)]
        return max((sum(e) / 255 for e in entries), default=0.0)
    if not space.cmyk:
        return None

    key = object_key(image.image)
    if key not in facts.image_ink:
        facts.image_ink[key] = _decoded_ink(image.image)
    return facts.image_ink[key]


def _decoded_ink(stream) -> float | None:
    from PIL import ImageMath

    try:   # the pixels alone: a soft mask (alpha) does not print
        picture = pikepdf.PdfImage(stream).as_pil_image(apply_mask=False)
    except Exception:  # an image pikepdf cannot decode: nothing to measure
        return None
    if picture.mode != "CMYK":
        return None
    c, m, y, k = (band.convert("I") for band in picture.split())
    total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"],
                                  c=c, m=m, y=y, k=k)
    return total.getextrema()[1] / 255


@check("overprint-k-text", "warning", "K100 text that knocks out (no スミノセ)",
       "set fill overprint on K100 text (brochure option overprint: true; /op true in its "
       "ExtGState), so misregistration leaves no white halo")
def _overprint_k_text(facts: PressFacts):
    for page in facts.pages:
        glyphs = sum(run.glyphs for run in page.content.texts
                     if run.fill is not None and _k100(run.fill) and not run.fill_overprint)
        if glyphs:
            yield page.number, f"{_count(glyphs, 'glyph')} of K100 text without overprint"


def _k100(colour) -> bool:
    return colour.space.label == "DeviceCMYK" and tuple(colour.values) == (0.0, 0.0, 0.0, 1.0)


@check("white-overprint", "error", "white that overprints (it disappears)",
       "turn overprint off for anything painted in a colour with no ink (0 0 0 0): "
       "overprinted white prints nothing")
def _white_overprint(facts: PressFacts):
    for page in facts.pages:
        content, found = page.content, {}
        for area in content.fills:
            if area.overprint and area.colour is not None and _inks(area.colour) == 0:
                found.setdefault("fill", []).append(area.colour)
        for stroke in content.strokes:
            if stroke.overprint and _inks(stroke.colour) == 0:
                found.setdefault("stroke", []).append(stroke.colour)
        for run in content.texts:
            for colour, overprint in ((run.fill, run.fill_overprint),
                                      (run.stroke, run.stroke_overprint)):
                if colour is not None and overprint and _inks(colour) == 0:
                    found.setdefault("glyph", []).extend([colour] * run.glyphs)
        if found:
            parts = [_count(len(colours), noun) for noun, colours in found.items()]
            first = next(iter(found.values()))[0]
            yield page.number, f"{_and(parts)} without ink, overprinting ({first.source})"


def _inks(colour) -> int | None:
    """How many inks a colour prints (its components over 0); None when not known."""
    space, values = colour.space, [v for v in colour.values if isinstance(v, float)]
    if space.registration or space.pattern:
        return None
    if space.cmyk or space.spot:
        return sum(1 for v in values if v > 0)
    if space.base is not None and space.base.cmyk and space.lookup and values:
        n = space.base.components
        index = int(values[0]) * n
        return sum(1 for v in space.lookup[index:index + n] if v > 0)
    if space.components == 1 and not space.rgb and len(values) == 1:   # gray: K only
        return 1 if values[0] < 1 else 0
    return None


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@check("small-text-inks", "warning", "text under 9 pt in three or more inks",
       "small type in several inks misregisters: set text under 9 pt in K100 or one or "
       "two inks, or make it 9 pt or larger")
def _small_text_inks(facts: PressFacts):
    for page in facts.pages:
        runs = [run for run in page.content.texts if run.fill is not None and run.glyphs
                and run.size < SMALL_TEXT - 0.005 and (_inks(run.fill) or 0) >= 3]
        if runs:
            yield page.number, (f"{_count(sum(r.glyphs for r in runs), 'glyph')} of "
                                f"{_sizes(runs)} text in {_colours(r.fill for r in runs)}")


def _sizes(runs) -> str:
    low, high = min(r.size for r in runs), max(r.size for r in runs)
    return f"{low:.1f} pt" if round(low, 1) == round(high, 1) else f"{low:.1f}–{high:.1f} pt"


def _colours(colours) -> str:
    """The most used colour, and how many others."""
    counts: dict = {}
    for colour in colours:
        counts[colour.source] = counts.get(colour.source, 0) + 1
    ordered = sorted(counts, key=counts.get, reverse=True)
    more = f" and {_count(len(ordered) - 1, 'other colour')}" if len(ordered) > 1 else ""
    return ordered[0] + more


@check("reversed-text-inks", "warning", "white text under 9 pt, or white Mincho, on three "
       "or more inks",
       "reversed type misregisters on a background of three or more inks: reverse only "
       "Gothic of 9 pt or more, or give the background fewer inks (e.g. C100 M80 without Y, K)")
def _reversed_text_inks(facts: PressFacts):
    names: dict = {}
    for page in facts.pages:
        glyphs, runs, grounds = 0, [], []
        for run in page.content.texts:
            if run.fill is None or not run.glyphs or _inks(run.fill) != 0:
                continue
            mincho = "mincho" in _font_name(run.font, names).lower()
            if run.size >= SMALL_TEXT - 0.005 and not mincho:
                continue
            under = [g for g in _backgrounds(page.content, run) if g is not None
                     and (_inks(g) or 0) >= 3]
            if under:
                glyphs, runs, grounds = glyphs + len(under), runs + [run], grounds + under
        if glyphs:
            fonts = sorted({_font_name(run.font, names) for run in runs})
            yield page.number, (f"{_count(glyphs, 'glyph')} of white {_sizes(runs)} "
                                f"{', '.join(fonts)} on {_colours(grounds)}")


def _font_name(use, names: dict) -> str:
    if use is None:
        return "no font"
    if id(use.font) not in names:
        names[id(use.font)] = SUBSET_PREFIX.sub("", _font_facts(use.font).name)
    return names[id(use.font)]


def _backgrounds(content, run) -> list:
    """The colour under each glyph of ``run``: of the last area painted before it that holds
    the glyph's centre (None: an image or gradient, or nothing but paper)."""
    positions = run.positions()
    found: list = [None] * len(positions)
    open_ = set(range(len(positions)))
    xs, ys = [p[0] for p in positions], [p[1] for p in positions]
    span = (min(xs), min(ys), max(xs), max(ys))
    for area in reversed(content.fills[:run.areas_before]):
        left, bottom, right, top = area.bounds
        if right < span[0] or left > span[2] or top < span[1] or bottom > span[3]:
            continue
        inside = {i for i in open_ if left <= xs[i] <= right and bottom <= ys[i] <= top}
        for i in inside:
            found[i] = area.colour
        open_ -= inside
        if not open_:
            break
    return found


# --- checks: fonts ---------------------------------------------------------------

@check("font-not-embedded", "error", "font not embedded",
       "embed every font (subsets are fine): the printer has none of ours", scope=FONT)
def _font_not_embedded(facts: PressFacts, use) -> str | None:
    font = _font_facts(use.font)
    if font.subtype != "Type3" and not font.embedded:
        return f"{font.name} ({use.name}) has no FontFile in its descriptor"
    return None


@check("type3-font", "error", "Type 3 font",
       "Type 3 fonts are drawings, not fonts, and RIPs render them badly: use an OpenType "
       "or TrueType font from fonts/", scope=FONT)
def _type3_font(facts: PressFacts, use) -> str | None:
    font = _font_facts(use.font)
    return f"{font.name} ({use.name}) is a Type 3 font" if font.subtype == "Type3" else None


@check("foreign-font", "error", "font not shipped in fonts/",
       "draw text only with the fonts listed in fonts/manifest.yaml (a fallback font crept in?)", scope=FONT)
def _foreign_font(facts: PressFacts, use) -> str | None:
    if facts.shipped is None:
        return None
    font = _font_facts(use.font)
    if font.subtype != "Type3" and font_key(font.name) not in facts.shipped:
        return f"{font.name} is none of fonts/ ({', '.join(sorted(set(facts.shipped.values())))})"
    return None


@check("missing-glyph", "error", "character drawn as a missing glyph (.notdef)",
       "the font has no glyph for a character of the text: choose a font of fonts/ that has "
       "it, or change the text")
def _missing_glyph(facts: PressFacts):
    for page in facts.pages:
        for use in page.content.fonts.values():
            missing = _notdef_count(use)
            if missing:
                yield page.number, (f"{_count(missing, 'character')} drawn as .notdef in "
                                    f"{_font_facts(use.font).name}")


@dataclass(frozen=True)
class FontFacts:
    name: str                 # BaseFont, with its subset prefix
    subtype: str              # Type0, TrueType, Type1, Type3, ...
    embedded: bool


def _font_facts(font) -> FontFacts:
    subtype = str(get(font, "Subtype") or "").lstrip("/")
    name = str(get(font, "BaseFont") or get(font, "Name") or "unnamed").lstrip("/")
    described = font
    if subtype == "Type0":
        descendants = get(font, "DescendantFonts") or []
        described = descendants[0] if len(descendants) else None
    descriptor = get(described, "FontDescriptor") if described is not None else None
    embedded = descriptor is not None and any(
        get(descriptor, key) is not None for key in ("FontFile", "FontFile2", "FontFile3"))
    return FontFacts(name, subtype, embedded)


def _notdef_count(use) -> int:
    """Codes shown that map to glyph 0: Identity-H/V CID fonts, and simple fonts."""
    font, codes = use.font, bytes(use.codes)
    if not codes:
        return 0
    subtype = str(get(font, "Subtype") or "").lstrip("/")
    if subtype == "Type0":
        encoding = str(get(font, "Encoding") or "")
        if encoding.lstrip("/") not in ("Identity-H", "Identity-V"):
            return 0   # a CMap of its own: not decoded here
        descendant = (get(font, "DescendantFonts") or [None])[0]
        cids = [int.from_bytes(codes[i:i + 2], "big") for i in range(0, len(codes) - 1, 2)]
        glyphs = _cid_to_gid(descendant)
        return sum(1 for cid in cids if glyphs(cid) == 0)
    if subtype == "Type3":
        return 0
    return _simple_notdef(font, codes)


def _cid_to_gid(descendant):
    mapping = get(descendant, "CIDToGIDMap") if descendant is not None else None
    if not is_stream(mapping):
        return lambda cid: cid
    table = mapping.read_bytes()
    return lambda cid: int.from_bytes(table[2 * cid:2 * cid + 2], "big") \
        if 2 * cid + 2 <= len(table) else 0


def _simple_notdef(font, codes: bytes) -> int:
    """A simple font: codes outside FirstChar..LastChar, or named .notdef by the encoding."""
    first, last = get(font, "FirstChar"), get(font, "LastChar")
    notdef = set()
    encoding = get(font, "Encoding")
    differences = get(encoding, "Differences") if isinstance(encoding, pikepdf.Dictionary) \
        else None
    code = 0
    for item in differences or []:
        if isinstance(item, (int, Decimal)) and not isinstance(item, bool):
            code = int(item)
        else:
            if str(item).lstrip("/") == ".notdef":
                notdef.add(code)
            code += 1
    if first is None or last is None:
        return sum(1 for c in codes if c in notdef)
    return sum(1 for c in codes if c < int(first) or c > int(last) or c in notdef)


# --- checks: images and lines ------------------------------------------------------

def _image_ppi(image) -> float | None:
    """Effective resolution where the image is placed: the lower of the two axes."""
    a, b, c, d, _, _ = image.matrix
    width_in, height_in = (a * a + b * b) ** 0.5 / 72, (c * c + d * d) ** 0.5 / 72
    if not (image.width and image.height and width_in and height_in):
        return None
    return min(image.width / width_in, image.height / height_in)


def _low_resolution(facts: PressFacts, low: float, high: float):
    for page in facts.pages:
        for image in page.content.images:
            ppi = _image_ppi(image)
            if ppi is not None and low <= ppi < high:
                a, b, c, d, _, _ = image.matrix
                size = ((a * a + b * b) ** 0.5 / MM, (c * c + d * d) ** 0.5 / MM)
                yield page.number, (f"an image {image.width}×{image.height} "
                                    f"({_image_source(image)}) at {int(ppi)} ppi, placed "
                                    f"{size[0]:.1f} × {size[1]:.1f} mm")


def _image_source(image) -> str:
    """The picture's file as the build names it in the XObject (/PamphletSource),
    with the XObject's name; the name alone for a PDF from elsewhere."""
    source = get(image.image, "PamphletSource") if not image.inline else None
    return f"{source}, {image.name}" if source is not None else image.name


@check("resolution-under-200", "error", "image under 200 ppi at its placed size",
       "place the image smaller, or supply it at 300–350 ppi at its printed size "
       "(1200 ppi for line art)")
def _resolution_under_200(facts: PressFacts):
    return _low_resolution(facts, 0, PPI_ERROR)


@check("resolution-under-300", "warning", "image under 300 ppi at its placed size",
       "photos print best at 300–350 ppi at their printed size: place the image smaller or "
       "supply a larger one")
def _resolution_under_300(facts: PressFacts):
    return _low_resolution(facts, PPI_ERROR, PPI_WARNING)


@check("hairline", "warning", "lines thinner than 0.1 mm",
       "lines under 0.1 mm may vanish on press: make them at least 0.3 pt (0.1 mm)")
def _hairline(facts: PressFacts):
    for page in facts.pages:
        thin = [s.width for s in page.content.strokes if s.width < HAIRLINE - 1e-6]
        if thin:
            yield page.number, (f"{_count(len(thin), 'line')} under 0.1 mm, the thinnest "
                                f"{min(thin):.2f} pt")


@check("thin-rule-inks", "warning", "thin rules in two or more inks",
       "a thin rule in several inks misregisters: draw rules under 0.5 pt in one ink "
       "(K100, or a single process colour)")
def _thin_rule_inks(facts: PressFacts):
    for page in facts.pages:
        strokes = [s for s in page.content.strokes
                   if s.width < THIN_RULE - 1e-6 and (_inks(s.colour) or 0) >= 2]
        fills = [a for a in page.content.fills if a.colour is not None
                 and a.thickness < THIN_FILL - 1e-6 and (_inks(a.colour) or 0) >= 2]
        if strokes or fills:
            parts = ([_count(len(strokes), "stroke") + f" under {THIN_RULE:g} pt"]
                     if strokes else []) + \
                ([_count(len(fills), "filled rule") + f" under {THIN_FILL:g} pt"] if fills else [])
            colours = [s.colour for s in strokes] + [a.colour for a in fills]
            thinnest = min([s.width for s in strokes] + [a.thickness for a in fills])
            yield page.number, (f"{_and(parts)} in {_colours(colours)}, the thinnest "
                                f"{thinnest:.2f} pt")


# --- checks: text ----------------------------------------------------------------

@check("text-near-trim", "warning", "text within 3 mm of the trim",
       "keep text at least 3 mm inside the trim (more near the spine): the cut may drift")
def _text_near_trim(facts: PressFacts):
    for page in facts.pages:
        if page.trim is None:
            continue
        near, edges = [], set()
        for char, box in page.chars:
            if page.bleed is not None and not _overlaps(box, page.bleed):
                continue   # the slug, beyond the bleed: cut away by design
            crossed = _edges_crossed(box, page.trim)
            if crossed:
                near.append(char)
                edges |= crossed
        if near:
            sample = "".join(near)[:20]
            yield page.number, (f"{_count(len(near), 'character')} near the "
                                f"{' and '.join(sorted(edges))} edge: '{sample}'")


def _edges_crossed(box: tuple, trim: tuple) -> set[str]:
    left, bottom, right, top = box
    crossed = set()
    if left < trim[0] + SAFE_MARGIN:
        crossed.add("left")
    if right > trim[2] - SAFE_MARGIN:
        crossed.add("right")
    if bottom < trim[1] + SAFE_MARGIN:
        crossed.add("bottom")
    if top > trim[3] - SAFE_MARGIN:
        crossed.add("top")
    return crossed


@check("fpo", "warning", "FPO placeholder left on the page",
       "“FPO” (for position only) marks artwork to be replaced before print: replace it")
def _fpo(facts: PressFacts):
    for page in facts.pages:
        # Letter-spaced type reads back as "F P O": compare without white space.
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", page.text))
        # Two frames side by side read back as one run, "FPOFPO".
        count = sum(len(run) // 3 for run in re.findall(r"(?<![A-Za-z])(?:FPO)+(?![a-z])", text))
        if count:
            yield page.number, f"“FPO” printed {_count(count, 'time')}"


@check("unreadable-content", "error", "content the checks could not read",
       "the page's content is damaged, so nothing on it is proven: re-export the PDF")
def _unreadable_content(facts: PressFacts):
    for page in facts.pages:
        for problem in page.content.problems[:3]:
            yield page.number, problem


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
