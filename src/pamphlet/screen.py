"""The screen PDF: the same pages in RGB, no bleed or marks, tagged, with bookmarks.

Made like the print PDF, part by part (parts.py): each definition's HTML with its
CMYK colours turned into RGB, laid out by `screen_engine`, drawn tagged (PDF/UA-1);
merge.py joins the parts' structure trees.
"""

import io
import logging
import re
from functools import lru_cache
from pathlib import Path

LOG = logging.getLogger("pamphlet")
CMYK = re.compile(r"device-cmyk\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*\)")
SCREEN_CSS = """
@page { bleed: 0 !important; marks: none !important; }
"""


def screen_html(html: str, profile: Path | None) -> str:
    """The print HTML with every CMYK colour turned into its sRGB look, no output intent."""
    html = re.sub(r"@color-profile device-cmyk \{[^}]*\}", "", html)
    html = re.sub(r'src="[^"]*" data-original="([^"]*)"', r'src="\1"', html)
    return to_rgb(html, profile)


def to_rgb(text: str, profile: Path | None) -> str:
    """Replace ``device-cmyk(c m y k)`` by ``rgb(...)`` as the print profile renders it."""
    return CMYK.sub(lambda m: _rgb(tuple(float(v) for v in m.groups()), profile), text)


@lru_cache(maxsize=4096)
def _rgb(cmyk: tuple, profile: Path | None) -> str:
    red, green, blue = cmyk_to_rgb(cmyk, profile)
    return f"rgb({red} {green} {blue})"


def cmyk_to_rgb(cmyk: tuple, profile: Path | None) -> tuple[int, int, int]:
    """Colour-manage one CMYK colour (0..1 each) to sRGB with LittleCMS."""
    from PIL import Image
    pixel = Image.new("CMYK", (1, 1), tuple(round(v * 255) for v in cmyk))
    transform = _transform(profile)
    if transform is None:  # no profile: the naive formula
        c, m, y, k = cmyk
        return tuple(round(255 * (1 - v) * (1 - k)) for v in (c, m, y))
    return transform.apply(pixel).getpixel((0, 0))


@lru_cache(maxsize=4)
def _transform(profile: Path | None):
    if profile is None or not profile.is_file():
        return None
    from PIL import ImageCms
    # from memory: a profile opened by path keeps its file open, shared with forked workers
    source = ImageCms.ImageCmsProfile(io.BytesIO(Path(profile).read_bytes()))
    return ImageCms.buildTransform(source, ImageCms.createProfile("sRGB"), "CMYK", "RGB",
                                   renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)


def rgb_url_fetcher(profile: Path | None, roots=None):
    """A fetcher that turns the CMYK colours of stylesheets and SVG files into RGB."""
    from weasyprint.urls import URLFetcherResponse

    from .typeset import local_fetcher

    class RGBFetcher(local_fetcher()):
        def fetch(self, url, headers=None):
            response = super().fetch(url, headers)
            if not url.endswith((".css", ".svg")):
                return response
            text = response.read().decode("utf-8")
            response.close()
            return URLFetcherResponse(url, to_rgb(text, profile).encode("utf-8"),
                                      response.headers, response.status)

    return RGBFetcher(roots)


def screen_engine(head: str, base_url: Path, profile: Path | None, roots=None):
    """The layout engine for the screen edition's parts (see typeset.Engine)."""
    from .typeset import Engine
    return Engine(screen_html(head, profile), base_url, fetcher=rgb_url_fetcher(profile, roots),
                  extra_css=SCREEN_CSS, roots=roots)
