"""Finish the print PDF: page boxes, trim marks outside the bleed, reproducible metadata."""

import hashlib
import io
import re
import uuid
from pathlib import Path

from .marks import MARK_LENGTH, MM, REGISTRATION, Box, marks_stream

MARKS_MARGIN = MARK_LENGTH + 5 * MM   # room around the bleed for marks and the slug


def finish(pdf: bytes, *, bleed_mm: float, marks: bool, slug: str, font: Path) -> bytes:
    """Set TrimBox/BleedBox/MediaBox on every page; with ``marks``, draw トンボ and the slug.

    WeasyPrint puts the trim at the origin and the media at the bleed; this
    widens the media for the marks, clips the artwork to the bleed, and makes
    the XMP document ID depend on the content instead of a random number.
    """
    import pypdf
    from pypdf.generic import ArrayObject, FloatObject, NameObject

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header
    total = len(writer.pages)
    for number, page in enumerate(writer.pages, start=1):
        trim = Box(*[float(v) for v in page.trimbox])
        bleed = trim.grow(bleed_mm * MM)
        media = bleed.grow(MARKS_MARGIN) if marks else bleed
        for key, box in (("/MediaBox", media), ("/BleedBox", bleed), ("/TrimBox", trim)):
            page[NameObject(key)] = ArrayObject(FloatObject(round(v, 4)) for v in
                                                (box.left, box.bottom, box.right, box.top))
        for key in ("/CropBox", "/ArtBox"):
            page.pop(NameObject(key), None)
        if marks:
            _add_marks(writer, page, trim, bleed, f"{slug}   {number:02d} / {total:02d}", font)
    _name_output_intent(writer)
    _stable_image_names(writer)
    _stable_id(writer)
    _reproducible_xmp(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _add_marks(writer, page, trim: Box, bleed: Box, slug: str, font: Path) -> None:
    from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject

    clip = (f"q {bleed.left:.3f} {bleed.bottom:.3f} {bleed.right - bleed.left:.3f} "
            f"{bleed.top - bleed.bottom:.3f} re W n\n").encode()
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(clip)
    after.set_data(b"\nQ\n" + marks_stream(trim, bleed, slug, font))
    original = page.get(NameObject("/Contents"))
    if isinstance(original, ArrayObject):
        middle = list(original)
    elif original is not None:
        middle = [original if hasattr(original, "idnum") else writer._add_object(original)]
    else:
        middle = []
    streams = [writer._add_object(before), *middle, writer._add_object(after)]
    page[NameObject("/Contents")] = ArrayObject(streams)
    _registration_colour(writer, page)


def _registration_colour(writer, page) -> None:
    """/PamphletAll: the Separation /All colour space, printed on every plate."""
    from pypdf.generic import (ArrayObject, DictionaryObject, FloatObject, NameObject,
                               NumberObject)

    resources = page["/Resources"].get_object()
    spaces = resources.get("/ColorSpace")
    if spaces is None:
        spaces = DictionaryObject()
        resources[NameObject("/ColorSpace")] = spaces
    spaces = spaces.get_object()
    if NameObject(REGISTRATION) in spaces:
        return
    function = DictionaryObject({
        NameObject("/FunctionType"): NumberObject(2),
        NameObject("/Domain"): ArrayObject([FloatObject(0), FloatObject(1)]),
        NameObject("/C0"): ArrayObject([FloatObject(0)] * 4),
        NameObject("/C1"): ArrayObject([FloatObject(1)] * 4),
        NameObject("/N"): FloatObject(1),
    })
    spaces[NameObject(REGISTRATION)] = ArrayObject([
        NameObject("/Separation"), NameObject("/All"), NameObject("/DeviceCMYK"),
        writer._add_object(function)])


def _name_output_intent(writer) -> None:
    """Name the printing condition by the profile's own description (WeasyPrint uses its
    'model' tag), as PDF/X does for a condition given by an embedded profile."""
    from PIL import ImageCms
    from pypdf.generic import NameObject, TextStringObject

    for intent in writer.root_object.get("/OutputIntents") or []:
        intent = intent.get_object()
        data = intent["/DestOutputProfile"].get_object().get_data()
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
        name = (profile.profile_description or profile.model or "CMYK").strip()
        intent[NameObject("/OutputConditionIdentifier")] = TextStringObject(name)
        intent[NameObject("/Info")] = TextStringObject(name)


def _stable_image_names(writer) -> None:
    """Name image XObjects by their content, not by their absolute file URL.

    WeasyPrint names an image after a hash of its URL, so the same sources built
    in another folder (another clone) would give other bytes.
    """
    from pypdf.generic import NameObject

    renames, seen = {}, set()
    for holder in _resource_holders(writer):
        xobjects = holder.get("/XObject")
        if xobjects is None:
            continue
        xobjects = xobjects.get_object()
        if id(xobjects) in seen:
            continue
        seen.add(id(xobjects))
        for name in [n for n in xobjects if re.fullmatch(r"/i[0-9a-f]{32}[0-9]*", n)]:
            data = xobjects[name].get_object().get_data()
            new = renames.setdefault(name, "/Im" + hashlib.sha256(data).hexdigest()[:16])
            xobjects[NameObject(new)] = xobjects.pop(name)
    if renames:
        _rename_in_contents(writer, renames)


def _resource_holders(writer):
    """Every /Resources dictionary of the pages and of the forms they draw."""
    stack = [page.get("/Resources") for page in writer.pages]
    while stack:
        resources = stack.pop()
        if resources is None:
            continue
        resources = resources.get_object()
        yield resources
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                stack.append(xobject["/Resources"])


def _rename_in_contents(writer, renames: dict) -> None:
    pattern = re.compile(b"|".join(re.escape(n.encode()) + rb"(?=[\s/])" for n in renames))

    def rename(stream):
        data = stream.get_data()
        if pattern.search(data):
            stream.set_data(pattern.sub(lambda m: renames[m.group().decode()].encode(), data))

    for page in writer.pages:
        contents = page.get("/Contents")
        for stream in (contents if isinstance(contents, list) else [contents]):
            if stream is not None:
                rename(stream.get_object())
    for resources in _resource_holders(writer):
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                rename(xobject)


def _stable_id(writer) -> None:
    """Both /ID parts = the content-derived identifier (a new file's two IDs are equal).

    WeasyPrint's second part hashes its own byte layout, which differs when pages
    come from several layouts (the warm rebuild) though the pages do not.
    """
    from pypdf.generic import ArrayObject, ByteStringObject

    first = writer._ID[0] if getattr(writer, "_ID", None) else None
    if first is not None:
        value = ByteStringObject(bytes(getattr(first, "original_bytes", first)))
        writer._ID = ArrayObject([value, value])


def _reproducible_xmp(writer) -> None:
    """Replace WeasyPrint's random xmpMM:DocumentID with one derived from the file's /ID."""
    metadata = writer.root_object.get("/Metadata")
    if metadata is None:
        return
    stream = metadata.get_object()
    data = stream.get_data()
    identifier = bytes(writer._ID[0]) if getattr(writer, "_ID", None) else hashlib.md5(data).digest()
    stable = uuid.UUID(bytes=hashlib.md5(identifier).digest())
    stream.set_data(re.sub(rb"xmp\.did:[0-9a-f-]{36}", f"xmp.did:{stable}".encode(), data))
