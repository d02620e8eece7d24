"""Draw zero-width glyphs with their letter-spacing at the width Pango gave them.

WeasyPrint 70 moves the pen past an empty glyph (a SPACER) by its width in
Pango units read as thousandths of an em, 2.4 % too far (1024 ≠ 1000): the
text after each 和欧間 would drift from where the line layout put it.
"""

from .patches import source_patch

OLD = "string += f'>{-width / font_size}<'"
NEW = "string += f'>{-width * 1000 * FROM_UNITS / font_size}<'"


make_draw_first_line = source_patch(OLD, NEW)
