"""The HTML report, opened in a real headless browser (Debian's chromium, driven by Playwright)."""

import json
import shutil
from pathlib import Path

import pytest

from utils import run

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def report(tmp_path_factory, mini_pdf, inserted_pdf) -> Path:
    """The report of the mini brochure against a copy with a page inserted and one removed."""
    folder = tmp_path_factory.mktemp("report")
    result = run("diff", mini_pdf, inserted_pdf, "--report", folder, "--quiet")
    assert result.code == 1, result.err
    return folder


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is not installed: pip install -r requirements.lock")
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.fail("chromium is not installed: make test-packages (Debian package chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")),
            args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


@pytest.fixture()
def opened(browser, report):
    """The report loaded in a new page: (page, problems seen, URLs requested)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems, requested = [], []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on("request", lambda r: requested.append(r.url))
    page.goto((report / "index.html").as_uri(), wait_until="load")
    yield page, problems, requested
    page.close()


def test_the_report_loads_offline_without_errors(opened):
    page, problems, requested = opened
    assert problems == []
    assert requested and all(url.startswith("file://") for url in requested)
    # Decoding can finish after "load" on a busy machine: wait for it, then judge.
    page.wait_for_function("Array.from(document.images).every(i => i.complete)", timeout=15000)
    assert page.evaluate(
        "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")


def test_it_shows_the_summary_and_the_changed_pages(opened, report):
    page, _, _ = opened
    assert page.inner_text("#summary").split() == [
        "2", "same", "5", "changed", "1", "added", "1", "removed"]
    sections = page.eval_on_selector_all(
        "section.page", "all => all.map(s => [s.id, s.dataset.status])")
    assert sections == [["page-2", "changed"], ["page-3", "changed"], ["page-4", "added"],
                        ["page-5", "changed"], ["page-6", "changed"], ["page-7", "changed"],
                        ["old-page-7", "removed"]]
    assert page.is_visible("#page-3 .panels img[alt='new page 3']")
    assert page.inner_text("#page-3 .textdiff del") == "P06と(P05"
    assert page.inner_text("#page-3 .textdiff ins") == "P07と(P06"
    facts = json.loads((report / "report.json").read_text(encoding="utf-8"))
    assert len(facts["pages"]) == page.locator("nav.strip .tile").count() == 9
    assert page.locator("nav.strip .tile.changed").count() == 5


def test_the_strip_leads_to_a_changed_page(opened):
    page, _, _ = opened
    page.click("nav.strip a.tile[href='#page-5']")
    assert page.evaluate("location.hash") == "#page-5"
    assert page.evaluate("document.getElementById('page-5').getBoundingClientRect().top") < 400


def test_the_slider_moves_the_overlay(opened):
    page, _, _ = opened
    slider, layer = "#page-3 .onion input.slider", "#page-3 .onion .top"
    assert page.eval_on_selector(layer, "e => getComputedStyle(e).opacity") == "0.5"
    page.fill(slider, "100")
    assert page.eval_on_selector(layer, "e => getComputedStyle(e).opacity") == "1"
    page.fill(slider, "0")
    assert page.eval_on_selector(layer, "e => getComputedStyle(e).opacity") == "0"
    page.focus(slider)
    page.keyboard.press("ArrowRight")
    assert page.eval_on_selector(layer, "e => getComputedStyle(e).opacity") == "0.01"


def test_changed_regions_are_boxed_where_the_pixels_changed(opened, report):
    page, _, _ = opened
    facts = json.loads((report / "report.json").read_text(encoding="utf-8"))
    alpha = next(p for p in facts["pages"] if p["new_page"] == 3)
    boxes = page.eval_on_selector_all("#page-3 .diff .box.region", "all => all.map(b => "
                                      "[b.offsetLeft, b.offsetTop, b.offsetWidth])")
    picture = page.eval_on_selector("#page-3 .diff img.faded", "i => i.naturalWidth")
    shown = page.eval_on_selector("#page-3 .diff img.faded", "i => i.clientWidth")
    assert len(boxes) == len(alpha["regions"]) == 1
    expected = alpha["regions"][0]["box_px"][0] * shown / picture
    assert abs(boxes[0][0] - expected) <= 2


# The review: approvals and comments, from the report page to the repository and back.

APPROVER = ("--by", "山田", "--at", "2025-02-20T10:00:00+09:00", "--quiet")


@pytest.fixture(scope="module")
def review(tmp_path_factory, mini_pdf, inserted_pdf):
    """(report folder, approvals file): page 3 of the mini approved, then changed."""
    folder = tmp_path_factory.mktemp("review")
    approvals = folder / "review" / "approvals.yaml"
    assert run("approve", mini_pdf, "--pages", "3,8", "--file", approvals, *APPROVER).code == 0
    result = run("diff", mini_pdf, inserted_pdf, "--report", folder / "report", "--quiet",
                 "--approvals", approvals)
    assert result.code == 1, result.err
    return folder / "report", approvals


def _open(browser, folder):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto((folder / "index.html").as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready")
    return page, problems


def test_the_japanese_text_is_set_in_the_projects_own_font(browser, review):
    page, problems = _open(browser, review[0])
    faces = page.evaluate("Array.from(document.fonts).map(f => [f.family, f.weight, f.status])")
    assert sorted(faces) == [["pamphlet report", "400", "loaded"],
                             ["pamphlet report", "700", "loaded"]]
    assert page.evaluate("document.fonts.check('15px \"pamphlet report\"', '段落の章ページ')")
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith(
        '"pamphlet report"')
    assert problems == []
    page.close()


def test_approved_pages_changed_since_approval_come_first(browser, review):
    page, _ = _open(browser, review[0])
    assert page.evaluate("document.querySelector('#stale').compareDocumentPosition("
                         "document.querySelector('main')) & Node.DOCUMENT_POSITION_FOLLOWING")
    assert page.inner_text("#stale li").startswith("page 3 (alpha) — changed since approval: "
                                                   "approved as page 3 by 山田")
    assert "approval stale" in page.inner_text("#page-3 h2")
    page.close()


def test_next_and_previous_walk_through_the_changes(browser, review):
    page, _ = _open(browser, review[0])
    ids = page.eval_on_selector_all("section.page", "all => all.map(s => s.id)")
    page.click("#next")
    assert page.evaluate("location.hash") == f"#{ids[0]}"
    page.click("#next")
    page.click("#next")
    assert page.evaluate("location.hash") == f"#{ids[2]}"
    assert page.inner_text("#position") == f"3 / {len(ids)}"
    page.click("#prev")
    assert page.evaluate("location.hash") == f"#{ids[1]}"
    assert page.eval_on_selector(f"#{ids[1]}", "s => s.classList.contains('current')")
    top = page.evaluate(f"document.getElementById('{ids[1]}').getBoundingClientRect().top")
    assert 0 <= top < 200
    page.close()


def test_approve_and_comment_in_the_report_record_in_the_repository(browser, review, mini_pdf,
                                                                    inserted_pdf, tmp_path):
    import shlex

    from PIL import Image

    folder, approvals = review
    page, problems = _open(browser, folder)
    page.click("#page-3 button.approve")
    assert page.is_visible("#pending")
    page.click("#page-3 button.comment")
    frame = "#page-3 .panels figure:nth-child(2) .frame"
    box = page.locator(frame).bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.3)
    page.fill("#page-3 .commentform input", "ここを確認")
    page.click("#page-3 .commentform button.pin-it")
    commands = page.input_value("#commands").splitlines()
    assert commands[0] == (f"pamphlet approve '{inserted_pdf}' --pages 3 --file '{approvals}'")
    assert commands[1].startswith(f"pamphlet comment '{inserted_pdf}' --page 3 --box ")
    assert problems == []
    page.close()
    # Run them as the reviewer would, then diff again: the pin is where it was clicked.
    for command in commands:
        words = shlex.split(command)[1:]
        assert run(*words, "--by", "山田", "--quiet").code == 0, command
    again = tmp_path / "again"
    assert run("diff", mini_pdf, inserted_pdf, "--report", again, "--quiet",
               "--approvals", approvals).code == 1
    page, problems = _open(browser, again)
    assert page.inner_text("#comments li").endswith("ここを確認 — 山田, " + page.inner_text(
        "#comments li").rsplit(", ", 1)[1])
    pin = page.eval_on_selector(f"{frame} .pin", "p => { const r = p.getBoundingClientRect(), "
                                "f = p.parentElement.getBoundingClientRect(); return [(r.left + "
                                "r.width / 2 - f.left) / f.width, (r.top + r.height / 2 - f.top)"
                                " / f.height]; }")
    assert pin == pytest.approx([0.5, 0.3], abs=0.01)
    assert "approved" in page.inner_text("#page-3 h2")
    shot = tmp_path / "pin.png"
    page.locator(frame).screenshot(path=str(shot))
    image = Image.open(shot).convert("RGB")
    x, y = round(image.width * 0.5), round(image.height * 0.3)
    orange = [(dx, dy) for dx in range(-60, 61) for dy in range(-30, 31)
              if _near(image.getpixel((x + dx, y + dy)), (240, 140, 0))]
    assert len(orange) > 50, f"no pin drawn around {x},{y} in {shot}"
    page.close()


def _near(pixel, colour, by: int = 40) -> bool:
    return all(abs(a - b) <= by for a, b in zip(pixel, colour))
