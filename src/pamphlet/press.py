"""Finish the print PDF: page boxes, trim marks outside the bleed, the output intent,
no annotations, transparency groups, reproducible metadata.

Works on the merged document (a pikepdf.Pdf, see merge.py) before it is saved.
"""

import hashlib
import io
import re
import uuid
from pathlib import Path

from .marks import MARK_LENGTH, MM, REGISTRATION, Box, marks_stream

MARKS_MARGIN = MARK_LENGTH + 5 * MM   # room around the bleed for marks and the slug


def finish(pdf, *, spec, marks: bool, slug: str, font: Path, condition=None) -> None:
    """Set TrimBox/BleedBox/MediaBox on every page; with ``marks``, draw トンボ and the slug.

    WeasyPrint puts the trim at the origin and the media at the bleed; this
    widens the media for the marks, clips the artwork to the bleed, names the
    output intent's registered printing ``condition`` (conditions.Condition),
    takes the links out of the print master (their facts stay, for the checks),
    gives pages that use transparency a CMYK page group, records the print
    ``spec`` (spec.PrintSpec) in the catalog, and makes the XMP document ID
    depend on the content instead of a random number.
    """
    import pikepdf

    from .spec import store

    total = len(pdf.pages)
    for number, page in enumerate(pdf.pages, start=1):
        page = page.obj
        trim = Box(*[float(v) for v in page.TrimBox])
        bleed = trim.grow(spec.bleed_pt)
        media = bleed.grow(MARKS_MARGIN) if marks else bleed
        for key, box in (("/MediaBox", media), ("/BleedBox", bleed), ("/TrimBox", trim)):
            page[key] = pikepdf.Array([round(v, 4) for v in
                                       (box.left, box.bottom, box.right, box.top)])
        for key in ("/CropBox", "/ArtBox"):
            if key in page:
                del page[key]
        if marks:
            _add_marks(pdf, page, trim, bleed, f"{slug}   {number:02d} / {total:02d}", font)
    store(pdf, spec)
    _name_output_intent(pdf, condition)
    _links_as_facts(pdf)
    _drop_unused_colour_spaces(pdf)
    _transparency_groups(pdf)
    _stable_image_names(pdf)
    reproducible_xmp(pdf)
    master_xmp(pdf)


def _add_marks(pdf, page, trim: Box, bleed: Box, slug: str, font: Path) -> None:
    import pikepdf

    clip = (f"q {bleed.left:.3f} {bleed.bottom:.3f} {bleed.right - bleed.left:.3f} "
            f"{bleed.top - bleed.bottom:.3f} re W n\n").encode()
    before = pdf.make_stream(clip)
    after = pdf.make_stream(b"\nQ\n" + marks_stream(trim, bleed, slug, font))
    original = page.get("/Contents")
    if isinstance(original, pikepdf.Array):
        middle = list(original)
    elif original is not None:
        middle = [original]
    else:
        middle = []
    page.Contents = pikepdf.Array([before, *middle, after])
    _registration_colour(pdf, page)


def _registration_colour(pdf, page) -> None:
    """/PamphletAll: the Separation /All colour space, printed on every plate."""
    import pikepdf

    resources = page.Resources
    if "/ColorSpace" not in resources:
        resources.ColorSpace = pikepdf.Dictionary()
    spaces = resources.ColorSpace
    if REGISTRATION in spaces:
        return
    function = pdf.make_indirect(pikepdf.Dictionary(
        FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1))
    spaces[REGISTRATION] = pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name("/All"),
                                          pikepdf.Name.DeviceCMYK, function])


def _name_output_intent(pdf, condition) -> None:
    """Name the printing condition as the ICC registry does (PDF/X: RIPs match on it);
    without a registered one, by the profile's own description."""
    import pikepdf
    from PIL import ImageCms

    for intent in pdf.Root.get("/OutputIntents") or []:
        data = intent.DestOutputProfile.read_bytes()
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
        described = (profile.profile_description or profile.model or "CMYK").strip()
        if condition is None:
            intent.OutputConditionIdentifier = pikepdf.String(described)
        else:
            intent.OutputConditionIdentifier = pikepdf.String(condition.identifier)
            intent.RegistryName = pikepdf.String(condition.registry)
            intent.OutputCondition = pikepdf.String(condition.name)
        intent.Info = pikepdf.String(described)


def _links_as_facts(pdf) -> None:
    """The print master carries no annotations: each page's links become /PamphletLinks,
    a list of (rectangle, destination) that no viewer or RIP acts on, and that the
    contents check reads to prove the printed page references (checks/links.py)."""
    import pikepdf

    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if annotations is None:
            continue
        facts = [pikepdf.Dictionary(Rect=annotation.Rect,
                                    Dest=_destination(annotation))
                 for annotation in annotations
                 if annotation.get("/Subtype") == "/Link" and _destination(annotation) is not None]
        del page.obj["/Annots"]
        if facts:
            page.obj[LINK_FACTS] = pikepdf.Array(facts)


LINK_FACTS = "/PamphletLinks"


def _destination(annotation):
    if "/Dest" in annotation:
        return annotation.Dest
    action = annotation.get("/A")
    if action is not None and action.get("/S") == "/GoTo":
        return action.D
    return None


def _drop_unused_colour_spaces(pdf) -> None:
    """WeasyPrint lists Lab and ICC colour spaces in every page's resources, used or not;
    a preflight then reads them as colours the press may meet."""
    from .resources import resource_holders

    used = set(re.findall(rb"/([^\s/\[\]()<>{}%]+)", b"\n".join(_all_content(pdf))))
    for holder in resource_holders(pdf):
        spaces = holder.get("/ColorSpace")
        if spaces is None:
            continue
        for name in [n for n in spaces.keys() if n[1:].encode() not in used]:
            del spaces[name]


def _all_content(pdf) -> list[bytes]:
    """Every content stream of the pages and of the forms they draw."""
    import pikepdf

    from .resources import resource_holders

    streams = []
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        for stream in (contents if isinstance(contents, pikepdf.Array) else [contents]):
            if stream is not None:
                streams.append(stream.read_bytes())
    for holder in resource_holders(pdf):
        for xobject in (holder.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form":
                streams.append(xobject.read_bytes())
        for pattern in (holder.get("/Pattern") or {}).values():
            if isinstance(pattern, pikepdf.Stream):
                streams.append(pattern.read_bytes())
    return streams


def _transparency_groups(pdf) -> None:
    """A page that uses transparency blends in CMYK, as PDF/X-4 wants it said."""
    import pikepdf

    for page in pdf.pages:
        if "/Group" not in page.obj and _uses_transparency(page.obj.get("/Resources"), set()):
            page.obj.Group = pikepdf.Dictionary(Type=pikepdf.Name.Group,
                                                S=pikepdf.Name.Transparency,
                                                CS=pikepdf.Name.DeviceCMYK)


def _uses_transparency(resources, seen: set) -> bool:
    if resources is None:
        return False
    for state in (resources.get("/ExtGState") or {}).values():
        if _transparent_state(state):
            return True
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.objgen in seen:
            continue
        seen.add(xobject.objgen)
        if "/SMask" in xobject or (xobject.get("/Group") or {}).get("/S") == "/Transparency":
            return True
        if xobject.get("/Subtype") == "/Form" and _uses_transparency(
                xobject.get("/Resources"), seen):
            return True
    return False


def _transparent_state(state) -> bool:
    alpha = [float(state.get(key, 1)) for key in ("/CA", "/ca")]
    mask = state.get("/SMask")
    blend = str(state.get("/BM", "/Normal"))
    return min(alpha) < 1 or (mask is not None and str(mask) != "/None") or \
        blend not in ("/Normal", "/Compatible")


def screen_finish(pdf) -> None:
    """What the screen edition takes of the press's finish: its pictures named by their
    content, its XMP the same from the same sources (in any folder)."""
    _stable_image_names(pdf)
    reproducible_xmp(pdf)


def _stable_image_names(pdf) -> None:
    """Name image XObjects by their content, not by their absolute file URL.

    WeasyPrint names an image after a hash of its URL, so the same sources built
    in another folder (another clone) would give other bytes.
    """
    from .resources import resource_holders

    renames = {}
    for holder in resource_holders(pdf):
        xobjects = holder.get("/XObject")
        if xobjects is None:
            continue
        for name in [n for n in xobjects.keys() if re.fullmatch(r"/i[0-9a-f]{32}[0-9]*", n)]:
            data = xobjects[name].read_raw_bytes()
            new = renames.setdefault(name, "/Im" + hashlib.sha256(data).hexdigest()[:16])
            xobjects[new] = xobjects[name]
            del xobjects[name]
    if renames:
        _rename_in_contents(pdf, renames)


def _rename_in_contents(pdf, renames: dict) -> None:
    import pikepdf

    from .resources import resource_holders

    pattern = re.compile(b"|".join(re.escape(n.encode()) + rb"(?=[\s/])" for n in renames))
    done = set()

    def rename(stream):
        if stream.objgen in done:
            return
        done.add(stream.objgen)
        data = stream.read_bytes()
        if pattern.search(data):
            stream.write(pattern.sub(lambda m: renames[m.group().decode()].encode(), data))

    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        for stream in (contents if isinstance(contents, pikepdf.Array) else [contents]):
            if stream is not None:
                rename(stream)
    for resources in resource_holders(pdf):
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form":
                rename(xobject)


def master_xmp(pdf) -> None:
    """The XMP of a print master: GTS_PDFXConformance is not a PDF/X-4 key, and the
    file is the master rendition, not a proof."""
    metadata = pdf.Root.get("/Metadata")
    if metadata is None:
        return
    data = metadata.read_bytes()
    data = re.sub(rb"<pdfx:GTS_PDFXConformance>[^<]*</pdfx:GTS_PDFXConformance>", b"", data)
    data = data.replace(b"<xmpMM:RenditionClass>proof:pdf</xmpMM:RenditionClass>",
                        b"<xmpMM:RenditionClass>default</xmpMM:RenditionClass>")
    metadata.write(data)


def reproducible_xmp(pdf) -> None:
    """Replace WeasyPrint's random xmpMM:DocumentID with one derived from the file's /ID."""
    metadata = pdf.Root.get("/Metadata")
    if metadata is None:
        return
    data = metadata.read_bytes()
    identifier = bytes(pdf.trailer.ID[0]) if "/ID" in pdf.trailer else hashlib.md5(data).digest()
    stable = uuid.UUID(bytes=hashlib.md5(identifier).digest())
    metadata.write(re.sub(rb"xmp\.did:[0-9a-f-]{36}", f"xmp.did:{stable}".encode(), data))
