"""Serve the preview on 127.0.0.1 only: the page, its state, the page pictures, a long poll."""

import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from .state import PreviewState

PAGE = Path(__file__).with_name("page.html")
LONG_POLL = 20.0              # s a page's request for the next version may wait


class Preview:
    """A preview server in a daemon thread; ``stop()`` (or the watch ending) ends it."""

    def __init__(self, port: int = 0, state: PreviewState | None = None,
                 font: Path | None = None):
        """``font``: a TrueType font the page's own text is set in (the pamphlet's
        Gothic: a machine without Japanese system fonts shows no boxes)."""
        self.state = state or PreviewState()
        handler = type("Handler", (_Handler,), {"state": self.state, "font": font})
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       name="pamphlet-preview")

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> "Preview":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    state: PreviewState
    font: Path | None

    def do_GET(self):            # noqa: N802 (the http.server API)
        url = urlparse(self.path)
        if url.path == "/":
            return self._send(PAGE.read_bytes(), "text/html; charset=utf-8")
        if url.path == "/state.json":
            after = int(parse_qs(url.query).get("after", ["-1"])[0] or -1)
            if after >= 0:
                self.state.wait(after, LONG_POLL)
            return self._send(json.dumps(self.state.as_dict(), ensure_ascii=False).encode(),
                              "application/json; charset=utf-8")
        if url.path == "/font" and self.font is not None:
            return self._send(self.font.read_bytes(), "font/ttf")
        if url.path.startswith("/page/") and url.path.endswith(".png"):
            number = url.path[len("/page/"):-len(".png")]
            png = self.state.png(int(number)) if number.isdigit() else None
            if png is not None:
                return self._send(png, "image/png")
        self.send_error(HTTPStatus.NOT_FOUND)

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):     # quiet: the watch prints what matters
        return
