"""The live preview of `pamphlet watch`, in a real headless Chromium: it shows the pamphlet
as spreads, updates by itself after a save (only the changed page rendered again, and
marked), draws a finding where the PDF has it, and listens on 127.0.0.1 only."""

import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from utils import edit

WAIT = 120


def _wait(condition, seconds=WAIT):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    return None


@pytest.fixture()
def watching(mini, tmp_path):
    """`pamphlet watch` on the mini brochure with its preview on a free port: (url, log)."""
    log_path = tmp_path / "watch.log"
    log = open(log_path, "w+")
    process = subprocess.Popen([sys.executable, "-m", "pamphlet", "watch", "--brochure", str(mini),
                                "--out", str(tmp_path / "out.pdf"), "--port", "0"],
                               stdout=log, stderr=log)
    try:
        found = _wait(lambda: re.search(r"preview at (http://127\.0\.0\.1:\d+/)",
                                        log_path.read_text()))
        assert found, log_path.read_text()
        yield found[1], log_path
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _version(page) -> int:
    return int(page.evaluate("document.body.dataset.version"))


def test_the_preview_follows_the_edits_and_draws_the_findings(chromium, watching, mini):
    url, log = watching
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    page.wait_for_function("document.querySelector('#status').textContent.includes('checked')",
                           timeout=WAIT * 1000)
    page.wait_for_function("[...document.querySelectorAll('.page img')].every("
                           "i => i.complete && i.naturalWidth > 0)", timeout=WAIT * 1000)
    spreads = page.eval_on_selector_all(
        ".spread", "nodes => nodes.map(s => [...s.children].map(c => c.dataset.page || '-'))")
    assert spreads == [["-", "1"], ["2", "3"], ["4", "5"], ["6", "7"], ["8", "-"]]
    assert page.eval_on_selector_all(".page img", "imgs => imgs.every(i => i.naturalWidth > 400)")
    checks = page.eval_on_selector_all(".check", "n => n.map(e => e.dataset.check)")
    assert checks == ["build", "contents", "preflight", "typography", "screen"], checks
    before = page.get_attribute('.page[data-page="6"] img', "src")
    unchanged = page.get_attribute('.page[data-page="3"] img', "src")

    version = _version(page)
    edit(mini / "pages" / "gamma.yaml", "最後の章です。", "書き直した最後の章です。")
    page.wait_for_function(f"document.body.dataset.version > {version} && document"
                           ".querySelector('#status').textContent.includes('checked')",
                           timeout=WAIT * 1000)
    assert page.eval_on_selector_all(".page.changed", "n => n.map(e => e.dataset.page)") == ["6"]
    assert page.get_attribute('.page[data-page="6"] img', "src") != before
    assert page.get_attribute('.page[data-page="3"] img', "src") == unchanged

    edit(mini / "pages" / "gamma.yaml", "書き直した最後の章です。", "長い文章です。" * 900)
    page.wait_for_function("document.querySelector('#status').textContent.includes('failed')",
                           timeout=WAIT * 1000)
    assert "build failed" in page.inner_text("#status")
    mark = page.query_selector('.page[data-page="6"] .mark.error')
    assert mark is not None, page.inner_html("#findings")
    assert "overset text" in mark.get_attribute("title")
    assert mark.get_attribute("href").startswith(f"file://{mini / 'pages' / 'gamma.yaml'}#L")
    # the frame: within the page, not the whole page
    box = mark.bounding_box()
    sheet = page.query_selector('.page[data-page="6"]').bounding_box()
    assert sheet["x"] < box["x"] and box["x"] + box["width"] < sheet["x"] + sheet["width"]
    page.screenshot(path=str(log.parent / "preview.png"))


def test_the_preview_listens_on_the_loopback_only(watching):
    url, _ = watching
    port = int(url.rsplit(":", 1)[1].strip("/"))
    assert urllib.request.urlopen(url + "state.json", timeout=10).status == 200
    outside = _own_address()
    if outside is None:
        pytest.skip("this machine has no address but the loopback")
    with pytest.raises(OSError):
        socket.create_connection((outside, port), timeout=2).close()


def _own_address() -> str | None:
    """An address of this machine other than 127.0.0.1, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address
