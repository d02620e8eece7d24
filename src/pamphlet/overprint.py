"""Decide what overprints on press: K100 text and thin K100 rules (スミノセ), nothing else.

Japanese prepress prints solid black text and thin black rules over what lies
beneath them, so that a plate out of register leaves no white halo around
them. WeasyPrint knocks everything out; this pass reads a page's content
streams as a RIP would (colour, CTM, clip and path through q/Q) and puts an
overprinting graphics state (/OP /op true, /OPM 1: the zero inks of K100
leave the plates under it alone) in force exactly while such text or rules
are painted, and the knock-out state back before anything else is. White
never overprints: it would vanish.
"""

from dataclasses import dataclass, replace

K100 = (0.0, 0.0, 0.0, 1.0)
THIN = 2.0                      # pt: a fill or stroke this narrow is a rule, not an area
OVERPRINT, KNOCKOUT = "/PamphletOP", "/PamphletKO"
TEXT_SHOW = {"Tj", "TJ", "'", '"'}
FILLS = {"f", "F", "f*", "B", "B*", "b", "b*"}
STROKES = {"S", "s", "B", "B*", "b", "b*"}
PAINTS = FILLS | STROKES | {"sh", "Do", "BI", "INLINE IMAGE"}
IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class _State:
    ctm: tuple = IDENTITY
    fill: tuple | None = None           # CMYK components, None for anything else
    stroke: tuple | None = None
    fill_space: str = "/DeviceGray"
    stroke_space: str = "/DeviceGray"
    width: float = 1.0
    clip: tuple | None = None           # (outer clip, CTM, path): bounds worked out on demand
    overprint: bool | None = False      # in force now (None: not known)


def overprint_part(data: bytes) -> bytes:
    """``data`` (a PDF) with K100 text and thin K100 rules overprinting."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if not overprint_k100(pdf):
            return data
        buffer = io.BytesIO()
        pdf.save(buffer, static_id=True, compress_streams=True, min_version=pdf.pdf_version,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return buffer.getvalue()


def overprint_k100(pdf) -> int:
    """Make K100 text and thin K100 rules overprint on every page of ``pdf`` (pikepdf).

    Returns how many painting operations now overprint. Streams without a K100
    colour are left byte for byte as they are.
    """
    import pikepdf

    states = _graphics_states(pdf)
    done, count = set(), 0
    for page in pdf.pages:
        count += _rewrite(pdf, page.obj, page.obj, states, done)
    return count


def _graphics_states(pdf) -> dict:
    import pikepdf

    return {
        OVERPRINT: pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.ExtGState, OP=True, op=True, OPM=1)),
        KNOCKOUT: pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.ExtGState, OP=False, op=False, OPM=0)),
    }


def _rewrite(pdf, holder, owner, states: dict, done: set) -> int:
    """Rewrite ``holder``'s content (a page or a Form XObject), then its forms'."""
    import pikepdf

    key = holder.objgen
    if key in done and key != (0, 0):
        return 0
    done.add(key)
    resources = holder.get("/Resources") or owner.get("/Resources")
    count = 0
    if _has_k100(holder):
        operations = pikepdf.parse_content_stream(holder)
        rewritten, count = _Pass(resources).run(operations)
        if count:
            _write(pdf, holder, pikepdf.unparse_content_stream(rewritten))
            _add_states(resources, states)
    for form in _forms(resources):
        count += _rewrite(pdf, form, holder, states, done)
    return count


def _has_k100(holder) -> bool:
    """A cheap look: does any K100 colour appear in the content at all?"""
    import re

    data = _content_bytes(holder)
    return re.search(rb"(?<![\d.])0 0 0 1(?:\.0*)? (?:k|K|scn?|SCN?)\b", data) is not None


def _content_bytes(holder) -> bytes:
    import pikepdf

    if isinstance(holder, pikepdf.Stream):
        return holder.read_bytes()
    contents = holder.get("/Contents")
    if contents is None:
        return b""
    streams = contents if isinstance(contents, pikepdf.Array) else [contents]
    return b"\n".join(stream.read_bytes() for stream in streams)


def _write(pdf, holder, data: bytes) -> None:
    import pikepdf

    if isinstance(holder, pikepdf.Stream):
        holder.write(data)
    else:
        holder.Contents = pdf.make_stream(data)


def _add_states(resources, states: dict) -> None:
    import pikepdf

    if "/ExtGState" not in resources:
        resources.ExtGState = pikepdf.Dictionary()
    for name, state in states.items():
        resources.ExtGState[name] = state


def _forms(resources) -> list:
    if resources is None:
        return []
    xobjects = resources.get("/XObject") or {}
    return [xobject for xobject in xobjects.values() if xobject.get("/Subtype") == "/Form"]


class _Pass:
    """One content stream: the operations, with gs inserted where overprint must change."""

    def __init__(self, resources):
        self.resources = resources
        self.out, self.count = [], 0
        self.stack, self.path = [], []
        self.state = _State()
        self.text_mode = 0

    def run(self, operations) -> tuple[list, int]:
        for operation in operations:
            operands, operator = operation.operands, str(operation.operator)
            if operator in PAINTS or operator in TEXT_SHOW:
                self._before_paint(operator)
            self.out.append(operation)
            self._follow(operands, operator)
        return self.out, self.count

    # What each paint wants

    def _before_paint(self, operator: str) -> None:
        want = self._wants_overprint(operator)
        if want != self.state.overprint:
            self._insert(OVERPRINT if want else KNOCKOUT)
            self.state = replace(self.state, overprint=want)
        if want:
            self.count += 1

    def _wants_overprint(self, operator: str) -> bool:
        state = self.state
        if operator in TEXT_SHOW:
            return state.fill == K100 and self.text_mode in (0, 4)
        if operator in FILLS and state.fill == K100 and self._thin(self._visible()):
            return operator not in STROKES or state.stroke == K100
        if operator in ("S", "s") and state.stroke == K100:
            return state.width * _scale(state.ctm) <= THIN
        return False

    def _visible(self):
        return _intersect(_bounds(_points(self.path, self.state.ctm)), _clip_bounds(self.state.clip))

    @staticmethod
    def _thin(bounds) -> bool:
        if bounds is None:
            return False
        return min(bounds[2] - bounds[0], bounds[3] - bounds[1]) <= THIN

    def _insert(self, name: str) -> None:
        import pikepdf

        self.out.append(pikepdf.ContentStreamInstruction([pikepdf.Name(name)],
                                                         pikepdf.Operator("gs")))

    # The graphics state

    def _follow(self, operands, operator: str) -> None:
        handler = _HANDLERS.get(operator)
        if handler is not None:
            handler(self, operands)
        elif operator in FILLS or operator in STROKES or operator == "n":
            self.path = []

    def q(self, operands):
        self.stack.append(self.state)

    def Q(self, operands):
        if self.stack:
            self.state = self.stack.pop()

    def cm(self, operands):
        self.state = replace(self.state, ctm=_multiply(_numbers(operands), self.state.ctm))

    def w(self, operands):
        self.state = replace(self.state, width=float(operands[0]))

    def gs(self, operands):
        extgstate = ((self.resources or {}).get("/ExtGState") or {}).get(str(operands[0]))
        if extgstate is not None and ("/op" in extgstate or "/OP" in extgstate):
            value = extgstate.get("/op", extgstate.get("/OP"))
            self.state = replace(self.state, overprint=bool(value))

    def Do(self, operands):
        # A form starts from the knock-out state (we make sure of it before every Do).
        pass

    def colour(self, operands, stroke: bool, space: str | None = None):
        current = space or (self.state.stroke_space if stroke else self.state.fill_space)
        values = _numbers(operands) if all(_is_number(v) for v in operands) else None
        cmyk = tuple(values) if current == "/DeviceCMYK" and values and len(values) == 4 \
            else None
        self.state = replace(self.state, **{"stroke" if stroke else "fill": cmyk})

    def space(self, operands, stroke: bool):
        name = str(operands[0])
        self.state = replace(self.state, **{"stroke_space" if stroke else "fill_space": name,
                                            "stroke" if stroke else "fill": None})

    def path_op(self, operands, operator):
        # Kept as read: most paths are filled in other colours, and their bounds never needed.
        self.path.append((operator, operands))

    def clip(self, operands):
        if self.path:
            self.state = replace(self.state, clip=(self.state.clip, self.state.ctm, tuple(self.path)))

    def Tr(self, operands):
        self.text_mode = int(operands[0])


_HANDLERS = {
    "q": _Pass.q, "Q": _Pass.Q, "cm": _Pass.cm, "w": _Pass.w, "gs": _Pass.gs,
    "Tr": _Pass.Tr, "W": _Pass.clip, "W*": _Pass.clip,
    "k": lambda p, o: p.colour(o, False, "/DeviceCMYK"),
    "K": lambda p, o: p.colour(o, True, "/DeviceCMYK"),
    "g": lambda p, o: p.colour(o, False, "/DeviceGray"),
    "G": lambda p, o: p.colour(o, True, "/DeviceGray"),
    "rg": lambda p, o: p.colour(o, False, "/DeviceRGB"),
    "RG": lambda p, o: p.colour(o, True, "/DeviceRGB"),
    "sc": lambda p, o: p.colour(o, False), "scn": lambda p, o: p.colour(o, False),
    "SC": lambda p, o: p.colour(o, True), "SCN": lambda p, o: p.colour(o, True),
    "cs": lambda p, o: p.space(o, False), "CS": lambda p, o: p.space(o, True),
    **{op: (lambda op: lambda p, o: p.path_op(o, op))(op) for op in ("m", "l", "c", "v", "y", "re")},
}


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) or type(value).__name__ == "Decimal"


def _numbers(operands) -> list[float]:
    return [float(v) for v in operands]


def _multiply(a, b) -> tuple:
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _apply(m, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _scale(m) -> float:
    return abs(m[0] * m[3] - m[1] * m[2]) ** 0.5


def _points(path, ctm) -> list[tuple]:
    """A path's points on the device (a path is built under one CTM)."""
    points = []
    for operator, operands in path:
        values = _numbers(operands)
        if operator == "re":
            x, y, w, h = values
            values = [x, y, x + w, y + h]
        points += [_apply(ctm, values[i], values[i + 1]) for i in range(0, len(values) - 1, 2)]
    return points


def _clip_bounds(clip) -> tuple | None:
    if clip is None:
        return None
    outer, ctm, path = clip
    return _intersect(_bounds(_points(path, ctm)), _clip_bounds(outer))


def _intersect(a, b):
    if a is None or b is None:
        return a if b is None else b
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def _bounds(points) -> tuple | None:
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))
