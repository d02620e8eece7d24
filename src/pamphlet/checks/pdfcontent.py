"""Walk a page's content streams the way a RIP would, and note what a preflight needs.

A small interpreter: it reads content streams with pikepdf's parser, keeps the
graphics state (CTM, fill and stroke colours, line width, overprint, the clip's
bounds, font and text state) through q/Q, and follows Form XObjects, patterns
and annotation appearances. It draws nothing; it records what is painted
(colours; strokes; filled areas where they show inside the clip; text runs
with their size on the page and each glyph's place; images, shadings, fonts;
what makes the page transparent) in a `PageContent` for preflight's rules to
judge. It reads pikepdf's objects (references followed as they are read), and an
inline image's dictionary as `operations` gives it.
"""

import math
import struct
import warnings
from dataclasses import dataclass, field
from decimal import Decimal

import pikepdf

IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
FILL_OPS = {"f", "F", "f*", "B", "B*", "b", "b*"}
STROKE_OPS = {"S", "s", "B", "B*", "b", "b*"}
PAINT_OPS = FILL_OPS | STROKE_OPS | {"n"}
PATH_OPS = {"m", "l", "c", "v", "y", "re", "h"}
EVEN_ODD_OPS = {"f*", "B*", "b*"}
FILLING_RENDER_MODES = {0, 2, 4, 6}
STROKING_RENDER_MODES = {1, 2, 5, 6}
MAX_DEPTH = 12   # Form XObjects nested deeper than this are a loop, not a design
CENTRE_HEIGHT = 0.38   # a CJK glyph's centre above the baseline, in em (its box: -0.12..0.88)
EVERYWHERE = (-1e9, -1e9, 1e9, 1e9)
ABBREVIATIONS = {"G": "DeviceGray", "RGB": "DeviceRGB", "CMYK": "DeviceCMYK", "I": "Indexed"}


class Name(str):
    """A PDF name, without its slash."""


# --- operations ------------------------------------------------------------------

def operations(data: bytes) -> list:
    """The ``(operands, operator)`` pairs of a content stream that `_Walker.run` reads, as
    pikepdf parses them, the operands as plain values (`_value`); an inline image comes
    as ``(dict, "BI")``, its dictionary's abbreviations spelt out.

    Raises on a damaged stream: what qpdf warns it skipped, no check would see.
    """
    scratch = pikepdf.new()   # pikepdf parses the streams of a document: one to hold these
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        return [_operation(instruction) for instruction in
                pikepdf.parse_content_stream(scratch.make_stream(data), _READ)]


def _operation(instruction) -> tuple:
    operator = str(instruction.operator)
    if operator == "INLINE IMAGE":
        return _value(instruction.iimage.obj), "BI"
    return [_value(operand) for operand in instruction.operands], operator


def _value(operand):
    """Numbers as floats, a name as a `Name`, a string as bytes, arrays and dictionaries
    as lists and dicts of these: what the handlers take."""
    kind = type(operand)
    if kind is int or kind is Decimal:
        return float(operand)
    if kind is bool or operand is None:
        return operand
    if isinstance(operand, pikepdf.Name):
        return Name(bytes(operand)[1:].decode("latin-1"))
    if isinstance(operand, pikepdf.String):
        return bytes(operand)
    if isinstance(operand, pikepdf.Array):
        return [_value(item) for item in operand]
    if isinstance(operand, pikepdf.Dictionary):
        return {Name(key[1:]): _value(item) for key, item in operand.items()}
    return operand


# --- geometry -------------------------------------------------------------------

def multiply(first, second):
    """The matrix ``first`` then ``second`` (PDF's row-vector convention)."""
    a, b, c, d, e, f = first
    A, B, C, D, E, F = second
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def apply(matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def scale(matrix) -> float:
    """How much the matrix enlarges a length (the square root of its area factor)."""
    a, b, c, d, _, _ = matrix
    return math.sqrt(abs(a * d - b * c))


def bounds(points) -> tuple | None:
    points = list(points)
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


# --- colour spaces ------------------------------------------------------------

@dataclass(frozen=True)
class Space:
    """A resolved colour space: what a preflight needs to know of it."""

    label: str                # e.g. "DeviceRGB", "ICCBased RGB", "Indexed over DeviceCMYK"
    components: int
    rgb: bool = False
    cmyk: bool = False        # process CMYK: its components add up to the ink
    registration: bool = False    # Separation /All: every plate, marks only
    spot: bool = False        # Separation or DeviceN (components add up to the ink)
    pattern: bool = False
    base: "Space | None" = None
    lookup: bytes = b""       # Indexed: the palette

    def initial(self) -> tuple:
        """The colour a cs/CS operator sets (PDF 32000 8.6.5)."""
        if self.label == "DeviceCMYK":
            return (0.0, 0.0, 0.0, 1.0)
        if self.pattern:
            return ()
        return ((1.0,) if self.spot or self.registration else (0.0,)) * self.components


DEVICE = {
    "DeviceGray": Space("DeviceGray", 1),
    "DeviceRGB": Space("DeviceRGB", 3, rgb=True),
    "DeviceCMYK": Space("DeviceCMYK", 4, cmyk=True),
    "Pattern": Space("Pattern", 0, pattern=True),
}


@dataclass(frozen=True)
class Colour:
    """A colour as set by the content stream, with the operator that set it."""

    space: Space
    values: tuple
    source: str               # e.g. "1 0 0 rg", "0.2 0.4 0.6 scn in /CS0"
    space_name: str = ""      # the operand of cs/CS, e.g. "/CS0"
    pattern_key: object = None
    pattern: object = field(default=None, compare=False, hash=False)

    @property
    def ink(self) -> float | None:
        """Total ink (1.0 = 100 %) for process and spot colours, None otherwise."""
        space = self.space
        if space.registration or not self.values:
            return None
        if space.cmyk or space.spot or space.pattern and space.base and space.base.cmyk:
            return sum(v for v in self.values if isinstance(v, float))
        if space.base is not None and space.base.cmyk and space.lookup:
            return _palette_ink(space, int(self.values[0]))
        return None


def _palette_ink(space: Space, index: int) -> float:
    n = space.base.components
    entry = space.lookup[index * n:(index + 1) * n]
    return sum(entry) / 255


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


class Cache:
    """What is read once per document: colour spaces, and the operations of each form."""

    def __init__(self):
        self._spaces: dict = {}
        self._forms: dict = {}
        self._metrics: dict = {}

    def metrics(self, font) -> "FontMetrics":
        key = object_key(font)
        if key not in self._metrics:
            self._metrics[key] = FontMetrics.read(font)
        return self._metrics[key]

    def operations(self, form) -> list:
        key = object_key(form)
        if key not in self._forms:
            self._forms[key] = list(operations(form.read_bytes()))
        return self._forms[key]

    def resolve(self, value, resources) -> Space:
        if is_name(value):
            name = str(value).lstrip("/")
            name = ABBREVIATIONS.get(name, name)
            if name in DEVICE:
                return DEVICE[name]
            spaces = get(resources, "ColorSpace") or {}
            named = get(spaces, name)
            if named is None:
                return Space(f"unknown /{name}", 1)
            return self.resolve(named, {})
        if is_array(value) and len(value):
            key = object_key(value)   # an inline image's list: kept, so no other takes its id
            if key not in self._spaces:
                self._spaces[key] = (value, self._array(value, resources))
            return self._spaces[key][1]
        return Space("unknown", 1)

    def _array(self, array, resources) -> Space:
        family = str(array[0]).lstrip("/")
        family = ABBREVIATIONS.get(family, family)
        if family in DEVICE:
            return DEVICE[family]
        if family == "ICCBased":
            return _icc_space(array[1])
        if family == "CalRGB":
            return Space("CalRGB", 3, rgb=True)
        if family == "CalGray":
            return Space("CalGray", 1)
        if family == "Lab":
            return Space("Lab", 3)
        if family == "Indexed":
            base = self.resolve(array[1], resources)
            return Space(f"Indexed over {base.label}", 1, rgb=base.rgb, base=base,
                         lookup=_bytes(array[3]))
        if family == "Separation":
            colourant = str(array[1]).lstrip("/")
            return Space(f"Separation /{colourant}", 1, registration=colourant == "All",
                         spot=colourant not in ("All", "None"))
        if family == "DeviceN":
            names = [str(n).lstrip("/") for n in array[1]]
            return Space(f"DeviceN {' '.join(names)}", len(names), spot=True)
        if family == "Pattern":
            base = self.resolve(array[1], resources) if len(array) > 1 else None
            return Space("Pattern", 0 if base is None else base.components, pattern=True,
                         rgb=bool(base and base.rgb), base=base)
        return Space(family, 1)


@dataclass
class FontMetrics:
    """How a font's codes advance: enough to place each glyph of a string."""

    two_byte: bool            # Type0: two bytes a code (Identity-H/V and most CMaps)
    vertical: bool            # Identity-V: glyphs advance down the page
    widths: dict              # code -> width in text space units of one em (1.0 = 1000)
    default: float

    def codes(self, string: bytes):
        if self.two_byte:
            return struct.unpack(f">{len(string) // 2}H", string[:len(string) // 2 * 2])
        return string

    def place(self, items, size: float, char_spacing: float, word_spacing: float,
              scale_x: float) -> tuple[list, float]:
        """Each glyph's centre along the line, and the advance past them all (text space).

        ``items`` are TJ's operands: strings, and numbers that move back in
        thousandths of an em. Word spacing applies to the one-byte code 32 only.
        """
        if self.vertical:
            return self._place_vertical(items, size, char_spacing)
        widths, default, two_byte = self.widths, self.default, self.two_byte
        word = 0.0 if two_byte else word_spacing
        em, offsets, advance = size * scale_x, [], 0.0
        for item in items:
            if type(item) is bytes:
                if not two_byte:
                    codes = item
                elif len(item) == 2:   # WeasyPrint shows one glyph a string
                    codes = ((item[0] << 8) | item[1],)
                else:
                    codes = self.codes(item)
                for code in codes:
                    width = widths.get(code, default) * em
                    offsets.append(advance + width / 2)
                    advance += width + (char_spacing + (word if code == 32 else 0.0)) * scale_x
            elif type(item) is float:
                advance -= item * em / 1000
        return offsets, advance

    def _place_vertical(self, items, size: float, char_spacing: float):
        """Identity-V: each glyph one em down (/DW2's default), its centre half an em below."""
        offsets, advance = [], 0.0
        for item in items:
            if type(item) is bytes:
                for _ in self.codes(item):
                    offsets.append(advance - size / 2)
                    advance -= size - char_spacing
            elif type(item) is float:
                advance -= item * size / 1000
        return offsets, advance

    @classmethod
    def read(cls, font) -> "FontMetrics":
        subtype = str(get(font, "Subtype") or "").lstrip("/")
        if subtype == "Type0":
            descendant = (get(font, "DescendantFonts") or [None])[0]
            vertical = str(get(font, "Encoding") or "").endswith("-V")
            default = float(get(descendant, "DW") or 1000) / 1000
            return cls(True, vertical, _cid_widths(get(descendant, "W") or []), default)
        first = int(get(font, "FirstChar") or 0)
        widths = {first + i: float(w) / 1000
                  for i, w in enumerate(get(font, "Widths") or [])}
        descriptor = get(font, "FontDescriptor")
        missing = float(get(descriptor, "MissingWidth") or 0) / 1000 if descriptor else 0.0
        return cls(False, False, widths, missing)


NO_METRICS = FontMetrics(False, False, {}, 0.0)   # text shown without a font: no advance


def _cid_widths(array) -> dict:
    """A CIDFont's /W: ``c [w1 w2 ...]`` and ``c_first c_last w`` entries."""
    widths, items, i = {}, list(array), 0
    while i < len(items) - 1:
        first, following = int(items[i]), items[i + 1]
        if is_array(following):
            for offset, width in enumerate(following):
                widths[first + offset] = float(width) / 1000
            i += 2
        elif i + 2 < len(items):
            for cid in range(first, int(following) + 1):
                widths[cid] = float(items[i + 2]) / 1000
            i += 3
        else:
            break
    return widths


def _icc_space(stream) -> Space:
    """ICCBased: what the profile's header says (bytes 16-20), else what /N implies."""
    n = int(get(stream, "N") or 0)
    header = icc_header(stream)
    colour = header[16:20] if len(header) >= 20 else b""
    if colour == b"RGB " or not colour and n == 3:
        return Space("ICCBased RGB", 3, rgb=True)
    if colour == b"CMYK" or not colour and n == 4:
        return Space("ICCBased CMYK", 4, cmyk=True)
    label = colour.decode("latin-1").strip() if colour else f"N={n}"
    return Space(f"ICCBased {label}", n or 1)


def icc_header(stream) -> bytes:
    """The first 128 bytes of an ICC profile stream: colour space at 16, class at 12."""
    try:
        return stream.read_bytes()[:128]
    except Exception:  # a damaged profile: callers fall back on /N
        return b""


def _bytes(value) -> bytes:
    if value is None:
        return b""
    if is_stream(value):
        return value.read_bytes()
    return bytes(value)


# --- pikepdf's objects, and an inline image's plain ones -------------------------

def get(dictionary, key: str):
    """``dictionary[/key]`` of a pikepdf dictionary or stream (references followed), or
    of an inline image's dict (`_value`); None when absent or not a dictionary."""
    if dictionary is None:
        return None
    if type(dictionary) is dict:
        return dictionary.get(key)
    return dictionary.get("/" + key)


def is_name(value) -> bool:
    return isinstance(value, (str, pikepdf.Name))


def is_array(value) -> bool:
    return isinstance(value, (list, pikepdf.Array))


def is_stream(value) -> bool:
    return isinstance(value, pikepdf.Stream)


def object_key(value):
    """What names a PDF object however it is reached: its object number, or for a direct
    object (which no reference shares) what it says."""
    if getattr(value, "is_indirect", False):
        return value.objgen
    if isinstance(value, pikepdf.Object):
        return value.unparse()
    return id(value)


# --- what a page paints ---------------------------------------------------------

@dataclass
class ImageUse:
    name: str                 # the XObject name, or "inline"
    image: object             # the image stream (or the inline image dictionary)
    matrix: tuple             # the CTM when drawn: the unit square onto the page
    space: Space | None       # None for stencil masks and JPX images that carry their own
    width: int
    height: int
    inline: bool = False


@dataclass
class ShadingUse:
    name: str
    shading: object
    space: Space


@dataclass
class FontUse:
    name: str                 # the resource name
    font: object              # the font dictionary
    codes: bytearray = field(default_factory=bytearray)
    shown: int = 0            # strings shown with it


@dataclass(slots=True)
class Area:
    """A filled area: what shows of it (path bounds within the clip), and in what."""

    bounds: tuple             # (left, bottom, right, top) on the page
    colour: Colour | None     # None: an image or a gradient, no one colour
    overprint: bool = False
    ring: float | None = None     # an even-odd fill of two nested outlines: their distance

    @property
    def thickness(self) -> float:
        """The thinner side of what shows, or of the ring (a border drawn as a fill)."""
        left, bottom, right, top = self.bounds
        thinnest = min(right - left, top - bottom)
        return thinnest if self.ring is None else min(thinnest, self.ring)


@dataclass(slots=True)
class Stroke:
    width: float              # the line width on the page, pt
    colour: Colour
    overprint: bool = False


@dataclass(slots=True)
class TextRun:
    """One string shown (Tj, TJ, ' or "): its font, size, colours and glyphs."""

    font: FontUse | None
    size: float               # on the page: font size × text matrix × CTM
    fill: Colour | None       # None when the render mode does not fill
    stroke: Colour | None     # None when the render mode does not stroke
    fill_overprint: bool
    stroke_overprint: bool
    glyphs: int
    areas_before: int         # how many filled areas the page had painted before it
    matrix: tuple             # text space onto the page, where the string starts
    offsets: tuple            # each glyph's centre along the line, in text space
    lift: float               # the centres' height above the baseline, in text space
    vertical: bool = False

    def positions(self) -> list[tuple[float, float]]:
        """Where each glyph's centre falls on the page."""
        if self.vertical:
            return [apply(self.matrix, 0.0, offset) for offset in self.offsets]
        return [apply(self.matrix, offset, self.lift) for offset in self.offsets]


@dataclass
class PageContent:
    """Everything a page paints, as the checks need it."""

    colours: dict = field(default_factory=dict)    # (role, Colour) -> times painted
    strokes: list = field(default_factory=list)    # Stroke, one per path stroked
    fills: list = field(default_factory=list)      # Area, in painting order
    texts: list = field(default_factory=list)      # TextRun, in painting order
    images: list = field(default_factory=list)     # ImageUse
    shadings: list = field(default_factory=list)   # ShadingUse
    fonts: dict = field(default_factory=dict)      # object key -> FontUse
    registration: list = field(default_factory=list)   # bounds painted in Separation /All
    groups: list = field(default_factory=list)     # transparency group colour spaces
    transparency: list = field(default_factory=list)   # what blends, e.g. "/ca 0.5 (/GS0 gs)"
    problems: list = field(default_factory=list)   # streams that could not be read


@dataclass
class _State:
    ctm: tuple = IDENTITY
    fill: Colour | None = None
    stroke: Colour | None = None
    line_width: float = 1.0
    font: FontUse | None = None
    render_mode: int = 0
    text_matrix: tuple = IDENTITY
    line_matrix: tuple = IDENTITY
    font_size: float = 0.0
    char_spacing: float = 0.0
    word_spacing: float = 0.0
    horizontal_scale: float = 1.0
    leading: float = 0.0
    rise: float = 0.0
    fill_overprint: bool = False
    stroke_overprint: bool = False
    clip: tuple | None = None     # the clip's bounds on the page; None: nothing clipped


class _Walker:
    """Interpret content streams into one `PageContent`."""

    def __init__(self, cache: Cache):
        self.cache = cache
        self.content = PageContent()
        self.visiting: list = []
        self.base_ctm = IDENTITY   # where patterns are placed: the page's or the form's space

    def run(self, ops, resources, state: _State) -> None:
        state.fill = state.fill or Colour(DEVICE["DeviceGray"], (0.0,), "default black")
        state.stroke = state.stroke or state.fill
        stack, path, clipping = [], [], False
        for operands, op in ops:
            try:
                if op in PATH_OPS:
                    path.append((op, operands, state.ctm))
                elif op == "q":
                    stack.append(_copy(state))
                elif op == "Q":
                    state = stack.pop() if stack else state
                elif op in PAINT_OPS:
                    self._paint(op, state, path, resources)
                    if clipping:   # W takes effect after the path is painted
                        state.clip = _intersect(state.clip, _path_bounds(path))
                    path, clipping = [], False
                elif op == "W" or op == "W*":
                    clipping = True
                elif op in _HANDLERS:
                    _HANDLERS[op](self, operands, state, resources)
            except (IndexError, TypeError, ValueError, KeyError, AttributeError,
                    ZeroDivisionError):
                self.content.problems.append(f"cannot read '{op}' with {operands!r:.60}")

    # painting
    def _paint(self, op: str, state: _State, path, resources) -> None:
        if op == "n":
            return
        if op in FILL_OPS:
            self.use_colour(state.fill, "fill", state, path, resources)
            ring = _ring(path) if op in EVEN_ODD_OPS else None
            self.area(_path_bounds(path), state, state.fill, ring)
        if op in STROKE_OPS:
            self.use_colour(state.stroke, "stroke", state, path, resources)
            self.content.strokes.append(Stroke(state.line_width * scale(state.ctm),
                                               state.stroke, state.stroke_overprint))

    def area(self, bounds, state: _State, colour: Colour | None, ring=None) -> None:
        """Note a filled area where it shows, inside the clip."""
        visible = _intersect(state.clip, bounds) if bounds is not None else None
        if visible is not None and visible[0] <= visible[2] and visible[1] <= visible[3]:
            overprint = state.fill_overprint if colour is not None else False
            self.content.fills.append(Area(visible, colour, overprint, ring))

    def use_colour(self, colour: Colour, role: str, state: _State, path, resources) -> None:
        key = (role, colour)
        colours = self.content.colours
        colours[key] = colours.get(key, 0) + 1
        if colour.space.registration:
            self.content.registration.append(_path_bounds(path) or _text_origin(state))
        if colour.pattern is not None and colours[key] == 1:
            self.walk_pattern(colour.pattern, state, resources)

    def walk_pattern(self, pattern, state: _State, resources) -> None:
        matrix = multiply(tuple(float(v) for v in (get(pattern, "Matrix") or IDENTITY)),
                          self.base_ctm)
        if int(get(pattern, "PatternType") or 0) == 2:
            self.shading("pattern", get(pattern, "Shading"), resources)
        elif is_stream(pattern):
            self.form(pattern, resources, matrix, _State(ctm=matrix))

    def shading(self, name: str, shading, resources) -> None:
        if shading is not None:
            space = self.cache.resolve(get(shading, "ColorSpace"), resources)
            self.content.shadings.append(ShadingUse(name, shading, space))

    def text(self, state: _State, items: list) -> None:
        """Note a string shown, and move the text matrix past it (PDF 32000 9.4.4)."""
        metrics = self.cache.metrics(state.font.font) if state.font is not None else NO_METRICS
        size = state.font_size
        offsets, advance = metrics.place(items, size, state.char_spacing, state.word_spacing,
                                         state.horizontal_scale)
        matrix = multiply(state.text_matrix, state.ctm)
        mode = state.render_mode
        self.content.texts.append(TextRun(
            state.font, abs(size) * scale(matrix),
            state.fill if mode in FILLING_RENDER_MODES else None,
            state.stroke if mode in STROKING_RENDER_MODES else None,
            state.fill_overprint, state.stroke_overprint, len(offsets),
            len(self.content.fills), matrix, tuple(offsets),
            state.rise + CENTRE_HEIGHT * size, metrics.vertical))
        shift = (0.0, advance) if metrics.vertical else (advance, 0.0)
        state.text_matrix = multiply((1.0, 0.0, 0.0, 1.0, *shift), state.text_matrix)

    def form(self, form, resources, ctm, state: _State) -> None:
        key = object_key(form)
        if key in self.visiting or len(self.visiting) > MAX_DEPTH:
            return
        self.visiting.append(key)
        saved, self.base_ctm = self.base_ctm, ctm
        try:
            inner = get(form, "Resources") or resources
            self.note_resources(inner)
            self.note_group(form, inner)
            box = get(form, "BBox")
            if box is not None and len(box) == 4:
                x0, y0, x1, y1 = (float(v) for v in box)
                corners = [apply(ctm, x, y) for x in (x0, x1) for y in (y0, y1)]
                state.clip = _intersect(state.clip, bounds(corners))
            self.run(self.cache.operations(form), inner, state)
        except Exception as error:  # one unreadable form must not hide the rest of the page
            self.content.problems.append(f"cannot read a form XObject: {error}")
        finally:
            self.visiting.pop()
            self.base_ctm = saved

    def note_group(self, owner, resources) -> None:
        """A transparency group blends in its /CS: an RGB one turns colours into RGB."""
        group = get(owner, "Group")
        if group is not None and get(group, "CS") is not None:
            self.content.groups.append(self.cache.resolve(get(group, "CS"), resources))

    def note_resources(self, resources) -> None:
        """Remember every font a resource dictionary offers, drawn or not."""
        for name, font in (get(resources, "Font") or {}).items():
            key = object_key(font)
            if key not in self.content.fonts:
                self.content.fonts[key] = FontUse(str(name).lstrip("/"), font)


def _copy(state: _State) -> _State:
    copy = object.__new__(_State)
    copy.__dict__.update(state.__dict__)
    return copy


def _path_bounds(path) -> tuple | None:
    """The bounds on the page of a path's points (control points included)."""
    if not path:
        return None
    ctm = path[0][2]
    if any(segment[2] is not ctm for segment in path):   # cm between segments: rare
        boxes = [_path_bounds([segment]) for segment in path]
        boxes = [box for box in boxes if box is not None]
        return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes)) if boxes else None
    xs, ys = [], []
    for op, operands, _ in path:
        if op == "re" and len(operands) == 4:
            x, y, w, h = operands
            xs += (x, x + w, x + w, x)
            ys += (y, y + h, y, y + h)
        elif operands:
            xs += operands[::2]
            ys += operands[1::2]
    return _points_bounds(xs, ys, ctm)


def _points_bounds(xs, ys, ctm) -> tuple | None:
    if not xs or len(xs) != len(ys):   # none, or an odd count of coordinates: damaged
        return None
    a, b, c, d, _, _ = ctm
    if b == 0 and c == 0 or a == 0 and d == 0:   # no rotation: the corners will do
        corners = [(min(xs), min(ys)), (max(xs), max(ys))]
    else:
        corners = list(zip(xs, ys))
    return bounds(apply(ctm, x, y) for x, y in corners)


def _text_origin(state: _State) -> tuple:
    """Text, or an image mask, stands at its origin."""
    return bounds([apply(multiply(state.text_matrix, state.ctm), 0, 0)])


def _intersect(clip: tuple | None, box: tuple | None) -> tuple | None:
    """The bounds of both; None stands for the unclipped page."""
    if clip is None or box is None:
        return box if clip is None else clip
    return (max(clip[0], box[0]), max(clip[1], box[1]),
            min(clip[2], box[2]), min(clip[3], box[3]))


def _ring(path) -> float | None:
    """Two nested outlines filled even-odd (a border): the narrowest gap between them."""
    outlines, current = [], []
    for segment in path:
        if segment[0] in ("m", "re") and current:
            outlines.append(current)
            current = []
        current.append(segment)
    outlines.append(current)
    if len(outlines) != 2:
        return None
    first, second = (_path_bounds(outline) for outline in outlines)
    if first is None or second is None:
        return None
    outer, inner = (first, second) if first[0] <= second[0] else (second, first)
    insets = [inner[0] - outer[0], inner[1] - outer[1], outer[2] - inner[2],
              outer[3] - inner[3]]
    if min(insets) < -0.01:   # not nested
        return None
    positive = [inset for inset in insets if inset > 0.01]
    return min(positive) if positive else None


# --- operator handlers ----------------------------------------------------------

def _cm(walker, operands, state, resources):
    state.ctm = multiply(tuple(float(v) for v in operands[-6:]), state.ctm)


def _w(walker, operands, state, resources):
    state.line_width = abs(float(operands[-1]))


def _gray(walker, operands, state, resources, stroke=False):
    _set(state, stroke, Colour(DEVICE["DeviceGray"], tuple(operands[-1:]),
                               f"{_values(operands)} {'G' if stroke else 'g'}"))


def _rgb(walker, operands, state, resources, stroke=False):
    _set(state, stroke, Colour(DEVICE["DeviceRGB"], tuple(operands[-3:]),
                               f"{_values(operands)} {'RG' if stroke else 'rg'}"))


def _cmyk(walker, operands, state, resources, stroke=False):
    _set(state, stroke, Colour(DEVICE["DeviceCMYK"], tuple(operands[-4:]),
                               f"{_values(operands)} {'K' if stroke else 'k'}"))


def _space(walker, operands, state, resources, stroke=False):
    name = f"/{operands[-1]}"
    space = walker.cache.resolve(operands[-1], resources)
    _set(state, stroke, Colour(space, space.initial(), f"{name} {'CS' if stroke else 'cs'}",
                               name))


def _colour(walker, operands, state, resources, stroke=False, op="scn"):
    current = state.stroke if stroke else state.fill
    values = tuple(v for v in operands if isinstance(v, float))
    pattern = None
    if operands and isinstance(operands[-1], Name):
        pattern = get(get(resources, "Pattern") or {}, operands[-1])
    words = [_values(values)] if values else []
    words += [f"/{operands[-1]}"] if pattern is not None else []
    words += [op.upper() if stroke else op]
    where = f" in {current.space_name}" if current.space_name else ""
    _set(state, stroke, Colour(current.space, values, " ".join(words) + where,
                               current.space_name,
                               object_key(pattern) if pattern is not None else None, pattern))


def _set(state, stroke: bool, colour: Colour) -> None:
    if stroke:
        state.stroke = colour
    else:
        state.fill = colour


def _values(operands) -> str:
    return " ".join(_number(v) for v in operands if isinstance(v, float))


def _do(walker, operands, state, resources):
    name = operands[-1]
    xobject = get(get(resources, "XObject") or {}, name)
    subtype = str(get(xobject, "Subtype") or "").lstrip("/") if xobject is not None else ""
    if subtype == "Image":
        _image(walker, str(name), xobject, state, resources)
    elif subtype == "Form":
        group = get(xobject, "Group")
        if group is not None and str(get(group, "S") or "").lstrip("/") == "Transparency":
            walker.content.transparency.append(f"a transparency group form (/{name} Do)")
        matrix = tuple(float(v) for v in (get(xobject, "Matrix") or IDENTITY))
        inner = _copy(state)
        inner.ctm = multiply(matrix, state.ctm)
        walker.form(xobject, resources, inner.ctm, inner)


def _inline(walker, operands, state, resources):
    _image(walker, "inline image", operands, state, resources, inline=True)


def _image(walker, name: str, image, state, resources, inline=False) -> None:
    mask = get(image, "ImageMask")
    space = get(image, "ColorSpace")
    space = walker.cache.resolve(space, resources) if space is not None and not mask else None
    width = int(get(image, "Width") or 0)
    height = int(get(image, "Height") or 0)
    walker.content.images.append(ImageUse(name, image, state.ctm, space, width, height, inline))
    soft_mask = get(image, "SMask")
    if soft_mask is not None and str(soft_mask).lstrip("/") != "None" or \
            int(get(image, "SMaskInData") or 0) > 0:
        walker.content.transparency.append(f"an image with a soft mask ({name})")
    unit_square = [("re", [0.0, 0.0, 1.0, 1.0], state.ctm)]
    if mask:   # a stencil mask paints the fill colour through its pixels
        walker.use_colour(state.fill, "fill", state, unit_square, resources)
    walker.area(_path_bounds(unit_square), state, state.fill if mask else None)


def _sh(walker, operands, state, resources):
    name = operands[-1]
    walker.shading(str(name), get(get(resources, "Shading") or {}, name), resources)
    walker.area(EVERYWHERE, state, None)   # a gradient paints the whole clip


def _tf(walker, operands, state, resources):
    state.font_size = float(operands[-1])
    font = get(get(resources, "Font") or {}, operands[0])
    if font is not None:
        key = object_key(font)
        if key not in walker.content.fonts:
            walker.content.fonts[key] = FontUse(str(operands[0]), font)
        state.font = walker.content.fonts[key]


def _tr(walker, operands, state, resources):
    state.render_mode = int(operands[-1])


def _tm(walker, operands, state, resources):
    state.text_matrix = state.line_matrix = tuple(float(v) for v in operands[-6:])


def _bt(walker, operands, state, resources):
    state.text_matrix = state.line_matrix = IDENTITY


def _td(walker, operands, state, resources, leading=False):
    x, y = float(operands[-2]), float(operands[-1])
    if leading:
        state.leading = -y
    state.text_matrix = state.line_matrix = multiply((1.0, 0.0, 0.0, 1.0, x, y),
                                                     state.line_matrix)


def _next_line(walker, operands, state, resources):
    _td(walker, [0.0, -state.leading], state, resources)


def _text_parameter(name: str, factor: float = 1.0):
    def handler(walker, operands, state, resources):
        setattr(state, name, float(operands[-1]) * factor)
    return handler


def _show(walker, operands, state, resources, op="Tj"):
    if op == '"':
        state.word_spacing, state.char_spacing = float(operands[0]), float(operands[1])
    if op in ("'", '"'):
        _next_line(walker, operands, state, resources)
    items = operands[-1] if operands and isinstance(operands[-1], list) else \
        [v for v in operands if isinstance(v, bytes)]
    strings = [v for v in items if isinstance(v, bytes)]
    if state.font is not None:
        for string in strings:
            state.font.codes += string
            state.font.shown += 1
    if state.render_mode in FILLING_RENDER_MODES:
        walker.use_colour(state.fill, "fill", state, [], resources)
    if state.render_mode in STROKING_RENDER_MODES:
        walker.use_colour(state.stroke, "stroke", state, [], resources)
    walker.text(state, items)


def _gs(walker, operands, state, resources):
    name = operands[-1]
    graphics = get(get(resources, "ExtGState") or {}, name)
    if graphics is None:
        return
    width = get(graphics, "LW")
    if width is not None:
        state.line_width = abs(float(width))
    stroke, fill = get(graphics, "OP"), get(graphics, "op")
    if stroke is not None:
        state.stroke_overprint = _flag(stroke)
        if fill is None:   # /OP sets both when /op is absent (PDF 32000 8.4.5)
            state.fill_overprint = _flag(stroke)
    if fill is not None:
        state.fill_overprint = _flag(fill)
    walker.content.transparency += _blending(graphics, f"/{name} gs")


def _flag(value) -> bool:
    """A PDF boolean (or what a damaged file put there)."""
    return bool(getattr(value, "value", value))


def _blending(graphics, where: str) -> list[str]:
    """What in an ExtGState makes what follows transparent."""
    found = []
    for key in ("CA", "ca"):
        alpha = get(graphics, key)
        if alpha is not None and float(alpha) < 1:
            found.append(f"constant alpha /{key} {float(alpha):g} ({where})")
    mask = get(graphics, "SMask")
    if mask is not None and str(mask).lstrip("/") != "None":
        found.append(f"a soft mask ({where})")
    mode = get(graphics, "BM")
    mode = mode[0] if is_array(mode) and len(mode) else mode
    if mode is not None and str(mode).lstrip("/") not in ("Normal", "Compatible"):
        found.append(f"blend mode {mode} ({where})")
    return found


def _stroking(handler, **extra):
    return lambda walker, operands, state, resources: handler(
        walker, operands, state, resources, stroke=True, **extra)


def _operator(handler, **extra):
    return lambda walker, operands, state, resources: handler(
        walker, operands, state, resources, **extra)


_HANDLERS = {
    "cm": _cm, "w": _w, "gs": _gs,
    "g": _gray, "G": _stroking(_gray), "rg": _rgb, "RG": _stroking(_rgb),
    "k": _cmyk, "K": _stroking(_cmyk), "cs": _space, "CS": _stroking(_space),
    "sc": lambda *a: _colour(*a, op="sc"), "SC": _stroking(_colour, op="sc"),
    "scn": _colour, "SCN": _stroking(_colour, op="scn"),
    "Do": _do, "BI": _inline, "sh": _sh,
    "Tf": _tf, "Tr": _tr, "Tm": _tm, "BT": _bt,
    "Td": _td, "TD": _operator(_td, leading=True), "T*": _next_line,
    "TL": _text_parameter("leading"), "Tc": _text_parameter("char_spacing"),
    "Tw": _text_parameter("word_spacing"), "Ts": _text_parameter("rise"),
    "Tz": _text_parameter("horizontal_scale", 0.01),
    "Tj": _show, "TJ": _show, "'": _operator(_show, op="'"), '"': _operator(_show, op='"'),
}
# What `_Walker.run` reads: pikepdf's parser drops other operators, operands and all.
# An inline image comes through only with all of BI, ID and EI listed.
_READ = " ".join(sorted(PATH_OPS | PAINT_OPS | {"q", "Q", "W", "W*", "ID", "EI"} | set(_HANDLERS)))


# --- entry point ---------------------------------------------------------------

def read_page_content(page, cache: Cache | None = None) -> PageContent:
    """Interpret a page's contents (its pikepdf dictionary) and its annotations'
    appearance streams."""
    walker = _Walker(cache or Cache())
    resources = get(page, "Resources") or {}
    walker.note_resources(resources)
    walker.note_group(page, resources)
    try:
        ops = operations(_contents(page))
    except Exception as error:  # a damaged stream: say so, check what can be read
        walker.content.problems.append(f"cannot read the page's content stream: {error}")
        ops = []
    walker.run(ops, resources, _State())
    for appearance, matrix in _appearances(page):
        walker.form(appearance, resources, matrix, _State(ctm=matrix))
    return walker.content


def _contents(page) -> bytes:
    """The page's content: its stream, or its streams one after the other."""
    contents = get(page, "Contents")
    streams = [] if contents is None else contents if is_array(contents) else [contents]
    return b"\n".join(stream.read_bytes() for stream in streams)


def _appearances(page):
    """Each annotation's normal appearance, with the matrix that puts it on its Rect."""
    for annotation in get(page, "Annots") or []:
        normal = get(get(annotation, "AP"), "N") if annotation is not None else None
        if is_stream(normal):
            streams = [normal]
        elif isinstance(normal, pikepdf.Dictionary):   # appearance states: /On, /Off
            streams = [v for v in normal.values() if is_stream(v)]
        else:
            continue
        rect = [float(v) for v in get(annotation, "Rect") or (0, 0, 0, 0)]
        for stream in streams:
            yield stream, _appearance_matrix(stream, rect)


def _appearance_matrix(stream, rect) -> tuple:
    """PDF 32000 12.5.5: the form's BBox, transformed by its Matrix, fitted to Rect."""
    matrix = tuple(float(v) for v in (get(stream, "Matrix") or IDENTITY))
    box = [float(v) for v in (get(stream, "BBox") or (0, 0, 1, 1))]
    corners = [apply(matrix, x, y) for x in (box[0], box[2]) for y in (box[1], box[3])]
    left, bottom, right, top = bounds(corners)
    width, height = (right - left) or 1.0, (top - bottom) or 1.0
    fit = ((rect[2] - rect[0]) / width, 0.0, 0.0, (rect[3] - rect[1]) / height,
           rect[0] - left * (rect[2] - rect[0]) / width,
           rect[1] - bottom * (rect[3] - rect[1]) / height)
    return multiply(matrix, fit)
