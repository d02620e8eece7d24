import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from utils import ROOT, copy_brochure, run  # noqa: E402


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
    """The 2025 recruit guide itself (brochure/), built once per test session."""
    out = tmp_path_factory.mktemp("guide") / "pamphlet.pdf"
    result = run("build", "--brochure", ROOT / "brochure", "--out", out, "--quiet")
    assert result.code == 0, result.err
    return out
