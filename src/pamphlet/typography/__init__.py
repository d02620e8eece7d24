"""Japanese typesetting (JLREQ) beyond what WeasyPrint does: a pass of the pipeline.

`process(html)` runs in the render stage on the finished HTML document:

1. vertical.py  — display copy with class="tategaki" becomes columns of cells;
2. ruby.py      — <ruby> becomes an inline block that typography.css lifts its <rt> over;
3. spacing.py   — zero-width marks for 和欧間, 約物の詰め and numbers kept with units;
4. phrases.py   — headlines break only between BudouX phrases.

The engine (`pamphlet.engine`, WeasyPrint 70 only) carries the marks through
layout: letterspacing.py (the marks and the justification become Pango
letter-spacing), justify.py (lines justified between characters, line ends
cleaned), lastline.py (a paragraph set again rather than end on one or two
characters) and glyphs.py (the marks' spacing drawn to the exact width).

chars.py holds the JLREQ character classes; checks/typography.py reads the
PDF back and checks the result.
"""

from . import phrases, ruby, spacing, tate, tree, vertical


def process(html: str) -> str:
    """Prepare the document's text for Japanese typesetting (see the module docstring)."""
    document = tree.parse(html)
    vertical.set_vertical(document)
    ruby.set_ruby(document)
    spacing.add_spacing(document)
    phrases.mark_phrases(document)
    return tree.serialize(document)
