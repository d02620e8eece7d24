"""Stage 4a: merge the parts (one PDF per page definition, see draw.py) into one PDF.

- pages in the order of the plan; the catalogue (metadata, output intent,
  language) is the first part's, which all parts share;
- each font embedded once: one file subset to the glyphs of every part, one
  width table and one ToUnicode map per font;
- named destinations of all parts in one sorted name tree, links between parts
  turned back into named destinations, bookmarks nested across parts the way
  WeasyPrint nests them in one document;
- identical streams (the ICC profile each part carries, a picture on two
  pages) stored once.

The result depends only on the parts' bytes, so a build that reuses parts and
a build that makes them all give the same PDF.
"""

import hashlib
import io
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .engine.draw import DEST, PROFILE, bookmark_tree
from .parts import PartFile
from .resources import resource_holders
from .write import read_stored


def merge(parts: list[PartFile], identifier: bytes, font_store: Path, finish=None,
          tagged: bool = False) -> bytes:
    """The PDF of all ``parts``; ``finish(pdf)`` may rework it (boxes, marks) before saving.

    ``tagged`` parts (PDF/UA) have their structure trees joined under one Document.
    """
    import pikepdf

    sources = [pikepdf.open(part.pdf) for part in parts]
    out = _new_document(sources)
    offsets = _offsets(parts)
    _merge_fonts(out, parts, font_store)
    _put_profiles_back(out, font_store)
    _merge_destinations(out, sources, offsets)
    _links_to_destinations(out)
    _merge_bookmarks(out, parts)
    if tagged:
        from .screen import finish_tags
        _merge_structure(out, sources, offsets)
        finish_tags(out)          # heading levels, IDs and links need every part
    _dedupe_streams(out)
    identifier = _sixteen_bytes(identifier)
    out.trailer.ID = pikepdf.Array([pikepdf.String(identifier), pikepdf.String(identifier)])
    if finish is not None:
        finish(out)
    # A structure tree is thousands of small objects: object streams halve the tagged
    # file. qpdf fills them in the order of the objects' numbers in ``out``: the order
    # this merge made them in. Nothing above may make objects in an order a hash seed
    # decides (a pikepdf dictionary's keys() is a set): tests/test_merge.py merges
    # under two seeds.
    streams = pikepdf.ObjectStreamMode.generate if tagged else pikepdf.ObjectStreamMode.disable
    data = _save(out, sources[0].pdf_version, streams)
    _let_go(out, sources)
    return _both_ids(data)


_LEFT = []          # documents a process that ends with its merge leaves (_let_go)


def _let_go(out, sources) -> None:
    """Close the parts (the merged document goes when `merge` returns); in a process that
    ends with its work (workers.ending: the screen edition's merge) both are left for its
    end instead, for qpdf frees their objects one by one (at 144 pages, 0.1 s of the
    tagged edition's merge)."""
    from .workers import ending

    if ending():
        _LEFT.append((out, sources))
        return
    for source in sources:
        source.close()


def _save(pdf, version: str, object_streams) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, static_id=True, compress_streams=True, min_version=version,
             object_stream_mode=object_streams)
    return buffer.getvalue()


def _new_document(sources):
    """A new PDF with every part's pages, and the first part's catalogue and information.

    Everything is copied into a new document, in the order of the pages, so that
    the objects' numbers (which order the object streams) depend on the content
    alone, not on the history of the process that drew a part.
    """
    import warnings

    import pikepdf

    out = pikepdf.new()
    with warnings.catch_warnings():
        # Named destinations are merged below (_merge_destinations).
        warnings.filterwarnings("ignore", category=pikepdf.PageCopyWarning)
        for source in sources:
            out.pages.extend(source.pages)
    first = sources[0]
    keys = [k for k in sorted(first.Root.keys()) if k not in ("/Type", "/Pages", "/Names",
                                                               "/Outlines")]
    # Direct objects are copied through an indirect holder (copy_foreign takes those only).
    holder = out.copy_foreign(first.make_indirect(pikepdf.Dictionary(
        {key: first.Root[key] for key in keys})))
    for key in keys:
        out.Root[key] = holder[key]
    if "/Info" in first.trailer:
        out.trailer.Info = out.copy_foreign(first.trailer.Info)
    return out


def _sixteen_bytes(identifier: bytes) -> bytes:
    """An ID string of 16 bytes (an MD5), as PDF writers make them: 32 hex digits become
    their bytes, anything else its MD5."""
    try:
        return bytes.fromhex(identifier.decode("ascii")) if len(identifier) == 32 else \
            hashlib.md5(identifier).digest()
    except ValueError:
        return hashlib.md5(identifier).digest()


def _both_ids(pdf: bytes) -> bytes:
    """Both /ID strings = ours, as for a newly written file.

    qpdf keeps the first and writes a constant second one; both are 16 bytes, so
    the second is overwritten in place and no offset moves.
    """
    start = pdf.rfind(b"/ID [<")
    match = re.compile(rb"/ID \[<([0-9a-f]{32})><([0-9a-f]{32})>\]").match(pdf, start)
    if start < 0 or match is None:
        return pdf
    return pdf[:match.start(2)] + match[1] + pdf[match.end(2):]


def _offsets(parts) -> list[int]:
    offsets, total = [], 0
    for part in parts:
        offsets.append(total)
        total += len(part.heights)
    return offsets


# Fonts

def _merge_fonts(out, parts, font_store: Path) -> None:
    """One font dictionary per font name, one embedded file per font file."""
    import pikepdf

    from .subset import subset

    usage = _font_usage(parts)
    glyphs_of_file = {}
    for name, font in usage.items():
        if font["file"] is not None:
            glyphs_of_file.setdefault(font["file"], set()).update(font["widths"])
    def subset_file(item):
        digest, glyphs = item
        return digest, subset(read_stored(font_store, digest), glyphs, font_store)

    # HarfBuzz runs outside the GIL: the fonts are subset side by side.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        files = dict(pool.map(subset_file, sorted(glyphs_of_file.items())))
    streams, merged = {}, {}
    for holder in resource_holders(out):
        fonts = holder.get("/Font")
        if fonts is None:
            continue
        for key in sorted(fonts.keys()):       # keys() is a set: its order is the hash seed's
            font = fonts[key]
            name = str(font.get("/BaseFont", ""))[1:]
            if name not in usage or usage[name]["file"] is None:
                continue
            if name not in merged:
                merged[name] = _rebuild_font(out, font, usage[name], files, streams)
            fonts[key] = merged[name]
    del pikepdf


def _font_usage(parts) -> dict:
    """Per font name, the union over the parts of glyph widths and text."""
    usage = {}
    for part in parts:
        for name, font in part.fonts.items():
            entry = usage.setdefault(name, {"file": font["file"], "widths": {}, "text": {}})
            for glyph, width in font["widths"].items():
                entry["widths"].setdefault(int(glyph), width)
            for glyph, text in font["text"].items():
                entry["text"].setdefault(int(glyph), text)
    return usage


def _rebuild_font(out, font, usage: dict, files: dict, streams: dict):
    """``font`` (a part's Type0 font) made to serve every part."""
    import pikepdf

    widths = usage["widths"]
    descendant = font.DescendantFonts[0]
    descriptor = descendant.FontDescriptor
    digest = usage["file"]
    key = "/FontFile3" if "/FontFile3" in descriptor else "/FontFile2"
    if digest not in streams:
        data = files[digest]
        stream = pikepdf.Stream(out, data)
        if key == "/FontFile3":
            stream.Subtype = pikepdf.Name.OpenType
        else:
            stream.Length1 = len(data)
        streams[digest] = out.make_indirect(stream)
    descriptor[key] = streams[digest]
    box = descriptor.FontBBox
    descriptor.FontBBox = pikepdf.Array([box[0], box[1], max(widths.values(), default=0), box[3]])
    flags = int(descriptor.Flags) & ~1
    if len(widths) > 1 and len(set(widths.values())) == 1:
        flags |= 1                                   # FixedPitch, as WeasyPrint sets it
    descriptor.Flags = flags
    descendant.W = out.make_indirect(pikepdf.Array(_width_array(widths)))
    font.ToUnicode = out.make_indirect(pikepdf.Stream(out, _to_unicode(usage["text"])))
    return font


def _width_array(widths: dict) -> list:
    """[first [w w w] first [w ...]] for runs of consecutive glyph IDs (as WeasyPrint)."""
    array, run = [], None
    for glyph in sorted(widths):
        if run is None or glyph - 1 not in widths:
            run = []
            array += [glyph, run]
        run.append(widths[glyph])
    return [item if isinstance(item, int) else _numbers(item) for item in array]


def _numbers(values):
    import pikepdf
    return pikepdf.Array([round(v, 6) if isinstance(v, float) else v for v in values])


def _to_unicode(text: dict) -> bytes:
    """The ToUnicode CMap, in WeasyPrint's words."""
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0",
             b">> def", b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(text.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        for glyph, chars in batch:
            code = "".join(ch.encode("utf-16-be").hex() for ch in chars)
            lines.append(f"<{glyph:04x}> <{code}>".encode())
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _put_profiles_back(out, store: Path) -> None:
    """Each colour profile stream left out by draw.py gets the profile's bytes back,
    and the /N its header says (WeasyPrint writes 1 for `components: c m y k`)."""
    import pikepdf

    for obj in out.objects:
        if isinstance(obj, pikepdf.Stream) and "/N" in obj and "/Type" not in obj:
            data = obj.read_bytes()
            if data.startswith(PROFILE):
                profile = read_stored(store, data[len(PROFILE):].decode())
                obj.write(profile)
                obj.N = profile_channels(profile) or obj.N


CHANNELS = {b"GRAY": 1, b"RGB ": 3, b"Lab ": 3, b"XYZ ": 3, b"CMYK": 4, b"CMY ": 3}


def profile_channels(profile: bytes) -> int | None:
    """How many components an ICC profile's colour space has (its header, bytes 16-20)."""
    return CHANNELS.get(profile[16:20])


# Destinations, links, bookmarks

def _merge_destinations(out, sources, offsets) -> None:
    """All parts' named destinations, on the merged pages, sorted by name."""
    import pikepdf

    names = []
    for source, offset in zip(sources, offsets):
        tree = source.Root.get("/Names", {}).get("/Dests")
        if tree is None:
            continue
        pages = {page.objgen: index for index, page in enumerate(source.pages)}
        flat = list(tree.Names)
        for name, target in zip(flat[::2], flat[1::2]):
            page = out.pages[offset + pages[target[0].objgen]].obj
            names.append((bytes(name), pikepdf.Array([page, *list(target)[1:]])))
    if not names:
        return
    array = pikepdf.Array()
    for name, target in sorted(names, key=lambda item: item[0]):
        array.append(pikepdf.String(name))
        array.append(target)
    if "/Names" not in out.Root:
        out.Root.Names = pikepdf.Dictionary()
    out.Root.Names.Dests = out.make_indirect(pikepdf.Dictionary(Names=array))


def _links_to_destinations(out) -> None:
    """``pamphlet-dest:NAME`` URI links become links to the named destination NAME."""
    import pikepdf

    for page in out.pages:
        for annotation in page.obj.get("/Annots") or []:
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith(DEST):
                del annotation["/A"]
                annotation.Dest = pikepdf.String(uri[len(DEST):])


def _merge_bookmarks(out, parts) -> None:
    """Bookmarks of every part, nested by level across parts (WeasyPrint's own rule)."""
    import pikepdf

    if "/Outlines" in out.Root:
        del out.Root["/Outlines"]
    root = bookmark_tree([(marks, height) for part in parts
                          for marks, height in zip(part.bookmarks, part.heights)])
    if root:
        outlines = out.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
        outlines.First, outlines.Last, outlines.Count = _outline_items(out, root, outlines)
        out.Root.Outlines = outlines


def _outline_items(out, bookmarks, parent):
    """(first, last, count) of the outline items of ``bookmarks`` (as WeasyPrint writes them)."""
    import pikepdf

    items, count = [], len(bookmarks)
    for title, (page, x, y), children, state in bookmarks:
        item = out.make_indirect(pikepdf.Dictionary(
            Title=pikepdf.String(title), Parent=parent,
            Dest=pikepdf.Array([out.pages[page].obj, pikepdf.Name.XYZ, x, y, 0])))
        child_count = 0
        if children:
            item.First, item.Last, child_count = _outline_items(out, children, item)
        item.Count = -child_count if state == "closed" else child_count
        if state != "closed":
            count += child_count
        if items:
            item.Prev = items[-1]
            items[-1].Next = item
        items.append(item)
    return items[0], items[-1], count


# Structure (tagged parts)

def _merge_structure(out, sources, offsets) -> None:
    """One structure tree: each part's elements under the first part's Document element,
    the parent tree keyed by page number (as WeasyPrint keys it), then the annotations."""
    import pikepdf

    root = out.Root.StructTreeRoot
    document = root.K[0]
    entries, next_key = [], len(out.pages)
    counts = [end - start for start, end in zip(offsets, [*offsets[1:], len(out.pages)])]
    for index, (source, offset, pages) in enumerate(zip(sources, offsets, counts)):
        if index == 0:
            tree = root
        else:
            tree = out.copy_foreign(source.Root.StructTreeRoot)
            part_document = tree.K[0]
            for child in part_document.K:
                child.P = document
                document.K.append(child)
        renumber = {}
        flat = list(tree.ParentTree.Nums)
        for key, value in zip(flat[::2], flat[1::2]):
            key = int(key)
            if key < pages:
                out.pages[offset + key].obj.StructParents = offset + key
                entries.append((offset + key, value))
            else:
                renumber[key] = next_key
                entries.append((next_key, value))
                next_key += 1
        for page in out.pages[offset:offset + pages]:
            for annotation in page.obj.get("/Annots") or []:
                if "/StructParent" in annotation:
                    annotation.StructParent = renumber[int(annotation.StructParent)]
    nums = pikepdf.Array()
    for key, value in sorted(entries, key=lambda entry: entry[0]):
        nums.append(key)
        nums.append(value)
    root.ParentTree = out.make_indirect(pikepdf.Dictionary(Nums=nums))
    root.ParentTreeNextKey = next_key


# Identical streams

def _dedupe_streams(pdf) -> None:
    """Point every reference to a stream at the first stream with the same bytes."""
    import pikepdf

    canonical, replace = {}, {}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.is_indirect:
            key = _stream_key(obj)
            first = canonical.setdefault(key, obj)
            if first.objgen != obj.objgen:
                replace[obj.objgen] = first
    if replace:
        _replace_references(pdf, replace)


def _stream_key(stream) -> bytes:
    import pikepdf
    digest = hashlib.sha256(stream.read_raw_bytes())
    for key in sorted(stream.stream_dict.keys()):
        if key != "/Length":
            value = stream.stream_dict[key]
            digest.update(key.encode())
            digest.update(repr(value.objgen).encode() if isinstance(value, pikepdf.Object)
                          and value.is_indirect else value.unparse()
                          if isinstance(value, pikepdf.Object) else repr(value).encode())
    return digest.digest()


def _replace_references(pdf, replace: dict) -> None:
    """Every reference to a key of ``replace`` made to its value, except in the structure
    tree: thousands of elements that point at pages and annotations, never at the
    streams (profiles, pictures, fonts) that are stored twice."""
    import pikepdf

    seen = {pdf.Root.StructTreeRoot.objgen} if "/StructTreeRoot" in pdf.Root else set()
    stack = [pdf.Root, pdf.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Stream):
            container = obj.stream_dict
        elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Array)):
            container = obj
        else:
            continue
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        keys = range(len(container)) if isinstance(container, pikepdf.Array) else \
            list(container.keys())
        for key in keys:
            value = container[key]
            if not isinstance(value, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
                continue
            if value.is_indirect and value.objgen in replace:
                container[key] = replace[value.objgen]
                value = replace[value.objgen]
            stack.append(value)
