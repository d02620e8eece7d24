"""Turn the spacing marks and a line's justification into Pango letter-spacing.

Pango gives a character with letter-spacing L half of L before it and half
after it, and drops the outer halves at the two ends of a layout's text. So:

- a SPACER (zero width, its own Pango item) with letter-spacing L is a gap
  of exactly L between its neighbours; at the end of a text only its first
  half would remain, so it gets 2 L there (or 0 when that end is a line end);
- justification J on every full-width character gives J between two of them,
  J/2 between one and a half-width letter, nothing inside Latin words.
"""

from ..typography import chars


def spacer_amount(text: str, index: int) -> float:
    """The spacing (em) a SPACER at ``index`` stands for, read from the character before it."""
    previous = next((c for c in reversed(text[:index]) if c not in chars.INVISIBLE), "")
    if not previous:
        return 0.0
    if chars.is_half_blank_punctuation(previous):
        return -0.5
    return 0.25


def spacings(text: str, font_size: float, justification: float = 0.0,
             line_end: bool = False, tracking: float = 0.0) -> list[float]:
    """Extra letter-spacing (px) of each character of ``text``.

    ``justification`` is the space per justification opportunity (px);
    ``line_end`` says the text ends a line, where a trailing SPACER gives nothing;
    ``tracking`` (em) tightens or loosens full-width characters (lastline.py).
    """
    step = justification + tracking * font_size
    result = [step * chars.justification_weight(c) if step else 0.0 for c in text]
    last = len(text) - 1
    for index, char in enumerate(text):
        if char == chars.SPACER:
            amount = spacer_amount(text, index) * font_size
            if index == last:
                amount = 0.0 if line_end else 2 * amount
            result[index] = amount
    return result


def apply(layout, text: str, extra: list[float]) -> None:
    """Add ``extra`` (px per character) to the letter-spacing of ``layout``'s text."""
    from weasyprint.text.ffi import TO_UNITS, ffi, pango

    style = layout.style
    base = style["letter_spacing"]
    base = 0 if base == "normal" else base
    attr_list = pango.pango_layout_get_attributes(layout.layout)
    if attr_list == ffi.NULL:
        attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    units = [int(((0 if c == chars.SPACER else base) + s) * TO_UNITS) for c, s in zip(text, extra)]
    for index, char in enumerate(text):
        # A SPACER must stay a Pango item of its own, or its cluster would join the
        # character before it and the PDF's text would carry it.
        while char == chars.SPACER and (units[index] in _neighbours(units, index)
                                        or units[index] == 0):
            units[index] += 1
    position = 0
    for char, spacing, value in zip(text, extra, units):
        size = len(char.encode())
        if spacing or char == chars.SPACER:
            attr = pango.pango_attr_letter_spacing_new(value)
            attr.start_index, attr.end_index = position, position + size
            pango.pango_attr_list_change(attr_list, attr)
        position += size
    pango.pango_layout_set_attributes(layout.layout, attr_list)


def _neighbours(values: list, index: int) -> tuple:
    return tuple(values[i] for i in (index - 1, index + 1) if 0 <= i < len(values))


def make_set_text(original):
    """WeasyPrint's text layouts apply the spacing marks and justification (patches.py)."""
    from . import lastline

    def set_text(self, text, justify=False):
        original(self, text, justify)
        if getattr(self, "tracking", None) is None:
            self.tracking = lastline.tracking.get()    # kept for drawing, later
        justification = getattr(self, "inter_character", 0.0) if justify else 0.0
        if justification or self.tracking or chars.SPACER in self.text:
            extra = spacings(self.text, self.style["font_size"], justification,
                             getattr(self, "line_end", False), self.tracking)
            apply(self, self.text, extra)
    return set_text
