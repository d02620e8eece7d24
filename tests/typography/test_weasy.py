"""weasy.py and install(): WeasyPrint is patched only when it is the pinned version."""

import pytest

from pamphlet import typography
from pamphlet.typography import weasy


def test_another_weasyprint_is_refused_with_what_to_do(monkeypatch):
    import weasyprint
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(weasy.UnsupportedWeasyPrint, match="pin weasyprint==70.0"):
        typography.install()


def test_a_source_patch_fails_loudly_when_its_code_is_not_there():
    with pytest.raises(weasy.UnsupportedWeasyPrint, match="exactly once"):
        weasy.replace_source(weasy, "check_version", "no such code", "x")


def test_installing_twice_patches_the_originals_once():
    from weasyprint.layout import inline
    typography.install()
    first = inline.justify_line
    typography.install()
    assert inline.justify_line is not first
    assert inline.justify_line._pamphlet_original is first._pamphlet_original
