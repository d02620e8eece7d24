"""Keep a paragraph's last line from holding only one or two characters (泣き別れ).

When it would, the paragraph is set again with its characters a little
closer (追い込み, a few hundredths of an em), which pulls the stragglers
back onto the line before; failing that, a little looser (追い出し), which
pushes more characters down, as long as the paragraph keeps its line count.
Justification then brings every line back to the column edge.
"""

import contextvars

from ..typography import chars

TRACKINGS = (-0.02, -0.035, -0.05, 0.02, 0.035)   # em, tried in this order
SHORTEST = 3                                       # visible characters on a last line

tracking = contextvars.ContextVar("pamphlet_tracking", default=0.0)


def visible_count(box) -> int:
    """Characters a reader sees on a line box (an inline block counts as one)."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        return sum(not c.isspace() and c not in chars.INVISIBLE for c in box.text)
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        return sum(visible_count(child) for child in box.children if child.is_in_normal_flow())
    return 1


def is_lonely(lines: list, width: float) -> bool:
    """The paragraph wrapped onto a last line of one or two characters."""
    if len(lines) < 2 or lines[-1][1] is not None:
        return False
    last, before = lines[-1][0], lines[-2][0]
    wrapped = before.width >= width - 1.5 * before.style["font_size"]
    return wrapped and visible_count(last) < SHORTEST


def iter_line_boxes(original, context, box, position_y, bottom_space, skip_stack,
                    containing_block, absolute_boxes, fixed_boxes, *args):
    """WeasyPrint's iter_line_boxes, set again with tracking when the last line is lonely."""
    if skip_stack is not None or tracking.get():
        yield from original(context, box, position_y, bottom_space, skip_stack,
                            containing_block, absolute_boxes, fixed_boxes, *args)
        return
    marks = len(absolute_boxes), len(fixed_boxes)
    lines = list(original(context, box, position_y, bottom_space, skip_stack,
                          containing_block, absolute_boxes, fixed_boxes, *args))
    if is_lonely(lines, containing_block.width):
        placed = absolute_boxes[marks[0]:], fixed_boxes[marks[1]:]
        for amount in TRACKINGS:
            del absolute_boxes[marks[0]:], fixed_boxes[marks[1]:]
            token = tracking.set(amount)
            try:
                retry = list(original(context, box, position_y, bottom_space, None,
                                      containing_block, absolute_boxes, fixed_boxes, *args))
            finally:
                tracking.reset(token)
            if len(retry) <= len(lines) and not is_lonely(retry, containing_block.width):
                lines = retry
                break
        else:
            del absolute_boxes[marks[0]:], fixed_boxes[marks[1]:]
            absolute_boxes.extend(placed[0])
            fixed_boxes.extend(placed[1])
    yield from lines


def make_iter_line_boxes(original):
    """The lonely-last-line pass in WeasyPrint's block layout (patches.py)."""
    return lambda *args: iter_line_boxes(original, *args)
