import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from utils import ROOT, copy_brochure, fontconfig_kept, run  # noqa: E402


@pytest.fixture(autouse=True)
def _fontconfig_as_it_was():
    """What a test's layout sets of fontconfig's environment is undone after it."""
    with fontconfig_kept():
        yield


@pytest.fixture(scope="session")
def mini_pdf(tmp_path_factory) -> Path:
    """The mini fixture brochure, built once per test session."""
    folder = copy_brochure(tmp_path_factory.mktemp("mini-build"))
    out = folder.parent / "mini.pdf"
    result = run("build", "--brochure", folder, "--out", out, "--quiet")
    assert result.code == 0, result.err
    return out


@pytest.fixture()
def mini(tmp_path) -> Path:
    """A fresh, writable copy of the mini fixture brochure."""
    return copy_brochure(tmp_path)


@pytest.fixture(scope="session")
def guide_pdf(tmp_path_factory) -> Path:
    """The 2025 recruit guide itself (brochure/), built once per test session, by at
    least two processes (on one core too: forked workers must not change the bytes)."""
    import os

    out = tmp_path_factory.mktemp("guide") / "pamphlet.pdf"
    jobs = str(max(2, os.cpu_count() or 1))
    result = run("build", "--brochure", ROOT / "brochure", "--out", out, "--quiet",
                 "--jobs", jobs)
    assert result.code == 0, result.err
    return out


@pytest.fixture(scope="session")
def chromium():
    """A real headless Chromium (Debian's), driven by Playwright."""
    import shutil

    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.fail("chromium is not installed: make test-packages (Debian package chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable,
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def guide_screen_pdf(guide_pdf) -> Path:
    """The guide's screen edition, built beside the session's print PDF (print parts reused)."""
    result = run("build", "--brochure", ROOT / "brochure", "--out", guide_pdf, "--screen",
                 "--quiet")
    assert result.code == 0, result.err
    return guide_pdf.with_name(guide_pdf.stem + "-screen.pdf")
