"""Draw a URL as a QR code in vector paths, in one ink of the theme (segno encodes it)."""

import segno
from markupsafe import Markup, escape

QUIET = 4   # modules of white around the code (ISO/IEC 18004's quiet zone)


def qr_svg(url: str, theme, size_mm: float = 22.0, colour: str = "ink") -> Markup:
    """An ``<svg class="qr">`` of ``size_mm`` (quiet zone included) drawing ``url``.

    Dark modules are one path of horizontal runs filled with the theme's ``colour``
    (K100 by default: one ink, so it prints in register); error correction M.
    """
    code = segno.make(str(url), error="m", micro=False)
    rows = [list(row) for row in code.matrix_iter(border=0)]
    side = len(rows) + 2 * QUIET
    path = "".join(_runs(rows))
    return Markup(
        f'<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" '
        f'width="{size_mm}mm" height="{size_mm}mm" shape-rendering="crispEdges">'
        f'<title>{escape(url)}</title>'
        f'<path fill="{theme.colour(colour)}" d="{path}"/></svg>')


def _runs(rows: list[list]) -> list[str]:
    """One ``M x y h w v1 h-w z`` per run of dark modules in a row."""
    found = []
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                found.append(f"M{start + QUIET} {y + QUIET}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return found
