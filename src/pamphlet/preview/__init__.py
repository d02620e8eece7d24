"""The live preview of `pamphlet watch`: the pamphlet as spreads in a local web page.

`state.py` keeps the rendered pages and each rebuild's findings (only pages whose
content changed are rendered again); `server.py` serves them on 127.0.0.1 only,
with a long poll the page waits on, so it updates by itself after every rebuild;
`page.html` is the page (no network, no external script or font).
"""

from .server import Preview
from .state import Mark, PreviewState

__all__ = ["Mark", "Preview", "PreviewState"]
