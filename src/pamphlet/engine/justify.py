"""Justify Japanese lines between characters (JLREQ 両端揃え), and clean each line's end.

WeasyPrint 70 justifies by stretching U+0020 only, so a Japanese line is
never justified. Here a line's extra width is shared between characters by
their justification weight (chars.justification_weight): J between two
ideographs, J/2 next to a Latin letter, none inside a word or a number.
"""

from dataclasses import dataclass

from ..typography import chars


@dataclass
class Piece:
    """A box on the line that takes part in justification, in visual order."""
    box: object
    first: float       # weight of its first visible character (1 for an atomic box)
    last: float
    inside: float      # weight of the opportunities inside it


def pieces(box) -> list[Piece]:
    """Text boxes and atomic inline boxes of a line, left to right."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        visible = [c for c in box.text if c not in chars.INVISIBLE]
        if not visible:
            return []
        weights = [chars.justification_weight(c) for c in visible]
        inside = sum((a + b) / 2 for a, b in zip(weights, weights[1:]))
        return [Piece(box, weights[0], weights[-1], inside)]
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        return [p for child in box.children if child.is_in_normal_flow() for p in pieces(child)]
    return [Piece(box, 1.0, 1.0, 0.0)]


def opportunities(line_pieces: list[Piece]) -> float:
    """The line's total justification weight: inside pieces and where two pieces meet."""
    total = sum(p.inside for p in line_pieces)
    return total + sum((a.last + b.first) / 2 for a, b in zip(line_pieces, line_pieces[1:]))


def justify_line(context, line, extra_width: float, fallback) -> None:
    """Share ``extra_width`` between the characters of ``line``; ``fallback`` when it has none."""
    if line.style["direction"] != "ltr":
        return fallback(context, line, extra_width)
    line_pieces = pieces(line)
    weight = opportunities(line_pieces)
    if weight <= 0:
        return fallback(context, line, extra_width)
    spacing = extra_width / weight
    shifts = _shifts(line_pieces, spacing)
    _spread(line, shifts, spacing)


def _shifts(line_pieces: list[Piece], spacing: float) -> dict:
    """How far each piece moves right, and how much it grows, by id of its box."""
    shifts, advance, previous = {}, 0.0, None
    for piece in line_pieces:
        if previous is not None:
            advance += spacing * (previous.last + piece.first) / 2
        grow = spacing * piece.inside
        shifts[id(piece.box)] = (advance, grow)
        advance += grow
        previous = piece
    return shifts


def _spread(box, shifts: dict, spacing: float) -> tuple[float, float]:
    """Move and widen the boxes of the line; return (shift at start, shift at end)."""
    from weasyprint.formatting_structure import boxes

    if id(box) in shifts:
        shift, grow = shifts[id(box)]
        if isinstance(box, boxes.TextBox):
            box.position_x += shift
            box.width += grow
            box.pango_layout.inter_character = spacing
        else:
            box.translate(shift, 0)
        return shift, shift + grow
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        children = [c for c in box.children if c.is_in_normal_flow()]
        ends = [_spread(child, shifts, spacing) for child in children]
        ends = [e for e in ends if e is not None]
        if not ends:
            return None
        start, end = ends[0][0], ends[-1][1]
        if not isinstance(box, boxes.LineBox):
            box.position_x += start
        box.width += end - start
        return start, end
    return None


def trim_line_end(context, line) -> None:
    """Drop the spacing of a SPACER that ends the line (和欧間 at a line end is no space)."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.line_break import create_layout, line_size

    ancestors, box = [], line
    while isinstance(box, (boxes.LineBox, boxes.InlineBox)) and box.children:
        ancestors.append(box)
        box = box.children[-1]
    if not isinstance(box, boxes.TextBox) or not box.text.endswith(chars.SPACER):
        return
    layout = create_layout(box.text, box.style, context, None, box.justification_spacing)
    layout.line_end = True
    layout.set_text(box.text)
    first_line, _ = layout.get_first_line()
    width, _ = line_size(first_line, box.style)
    shrink = box.width - width
    box.width, box.pango_layout = width, layout
    for ancestor in ancestors:
        ancestor.width -= shrink


def make_justify_line(original):
    """The line pass in WeasyPrint's inline layout (patches.py)."""
    return lambda context, line, extra: justify_line(context, line, extra, original)


def make_remove_last_whitespace(original):
    def remove_last_whitespace(context, line):
        original(context, line)
        trim_line_end(context, line)
    return remove_last_whitespace


def make_split_inline_level(original):
    def split_inline_level(context, box, *args, **kwargs):
        result = original(context, box, *args, **kwargs)
        if result[4] == chars.SPACER:
            result = (*result[:4], _last_letter(box, result[1]), *result[5:])
        return result
    return split_inline_level


def _last_letter(box, resume_at):
    """The last character that breaking looks at: a SPACER is transparent (UAX #14 LB9)."""
    text = box.text
    if resume_at:
        (skip, _), = resume_at.items()
        text = text.encode()[:skip].decode()
    text = text.rstrip(chars.SPACER)
    return text[-1] if text else None
