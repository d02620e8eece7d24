"""fonts.py: the manifest's fonts, each checked — a bad entry is one clear error."""

import hashlib

import pytest

from utils import ROOT, edit, run

REGULAR = ROOT / "fonts" / "BIZUDGothic-Regular.ttf"


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


ENTRIES = {
    "not a font": (
        lambda fonts: f"{{family: G, weight: 400, file: junk.ttf, sha256: {_sha(fonts / 'junk.ttf')}}}",
        "2:36: font file 'junk.ttf' is not a font pamphlet can read (no Unicode character map)",
        "fonts/ takes TrueType or OpenType files (.ttf, .otf)"),
    "file not there": (
        lambda fonts: f"{{family: G, weight: 400, file: gone.ttf, sha256: {_sha(REGULAR)}}}",
        "2:36: font file 'gone.ttf' not found",
        "fonts/ must hold every font the manifest lists"),
    "another file": (
        lambda fonts: f"{{family: G, weight: 400, file: junk.ttf, sha256: {'0' * 64}}}",
        "2:54: font file 'junk.ttf' does not match its sha256",
        "restore the file, or update the manifest on purpose"),
    "a file outside fonts/": (
        lambda fonts: f"{{family: G, weight: 400, file: ../../{REGULAR.name}, "
                      f"sha256: {_sha(REGULAR)}}}",
        "2:36: font file '../../BIZUDGothic-Regular.ttf' is outside fonts/",
        "keep the font files in fonts/, named without folders (no links out)"),
    "no sha256": (
        lambda fonts: f"{{family: G, weight: 400, file: {REGULAR}}}",
        "2:5: font entry 1 lacks sha256",
        "list each font: family, weight, file, sha256"),
    "weight in words": (
        lambda fonts: f"{{family: G, weight: bold, file: {REGULAR}, sha256: {_sha(REGULAR)}}}",
        "2:25: weight must be a number such as 400 or 700, not 'bold'",
        "400 is regular"),
}


@pytest.mark.parametrize("case", list(ENTRIES), ids=list(ENTRIES))
def test_a_bad_manifest_entry_is_one_clear_error(mini, tmp_path, case):
    entry, error, hint = ENTRIES[case]
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "junk.ttf").write_bytes(b"\x00\x01\x00\x00" + bytes(range(256)) * 40)
    (fonts / "manifest.yaml").write_text(f"fonts:\n  - {entry(fonts)}\n")
    edit(mini / "brochure.yaml", f"fonts: {ROOT / 'fonts'}", f"fonts: {fonts}")
    previous = tmp_path / "out.pdf"
    previous.write_bytes(b"%PDF-1.7 the last good build")
    result = run("build", "--brochure", mini, "--out", previous, "--quiet")
    assert result.code == 1
    assert result.err.splitlines() == [f"error: {fonts}/manifest.yaml:{error}", f"hint: {hint}"]
    assert previous.read_bytes() == b"%PDF-1.7 the last good build"
