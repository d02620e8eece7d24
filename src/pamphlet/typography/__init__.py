"""Japanese typesetting (JLREQ) beyond what WeasyPrint does: a pass of the pipeline.

`process(html)` runs in the render stage on the finished HTML document;
`install()` runs in the typeset stage before WeasyPrint lays anything out.
"""


def process(html: str) -> str:
    """Prepare the document's text for Japanese typesetting (no-op for now)."""
    return html


def install() -> None:
    """Extend WeasyPrint's line layout where CSS alone cannot (no-op for now)."""
