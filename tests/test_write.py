"""Writing: byte-identical PDFs from the same sources, and atomic replacement."""

import hashlib

import pytest

from pamphlet.write import write_atomically
from utils import run


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_builds_give_the_same_bytes(mini, tmp_path):
    # Both from nothing: the cache is removed before each, so every part is laid out,
    # drawn and merged again (a reused part would give the same bytes by construction).
    import json
    import shutil

    out = tmp_path / "pamphlet.pdf"
    digests = []
    for _ in range(2):
        shutil.rmtree(tmp_path / "cache", ignore_errors=True)
        assert run("build", "--brochure", mini, "--out", out, "--quiet").code == 0
        made = json.loads((tmp_path / "cache" / "last-build.json").read_text())
        assert len(made["made"]) == 7 and made["reused"] == []
        digests.append(sha256(out))
    assert digests[0] == digests[1]


def test_the_same_sources_in_another_folder_give_the_same_bytes(mini, tmp_path):
    import shutil
    elsewhere = tmp_path / "another" / "clone"
    shutil.copytree(mini, elsewhere)
    a, b = tmp_path / "a" / "pamphlet.pdf", tmp_path / "b" / "pamphlet.pdf"
    assert run("build", "--brochure", mini, "--out", a, "--quiet", "--screen").code == 0
    assert run("build", "--brochure", elsewhere, "--out", b, "--quiet", "--screen").code == 0
    assert sha256(a) == sha256(b)
    # the screen edition too (its pictures were named by their file's absolute URL)
    assert sha256(a.with_name("pamphlet-screen.pdf")) == sha256(b.with_name("pamphlet-screen.pdf"))


def test_the_date_comes_from_the_brochure_not_the_clock(mini_pdf):
    import pypdf
    info = pypdf.PdfReader(str(mini_pdf)).metadata
    assert info["/CreationDate"].startswith("D:20250301000000")
    assert info["/ModDate"].startswith("D:20250301000000")


def test_source_date_epoch_overrides_the_date(mini, tmp_path, monkeypatch):
    import pypdf
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "epoch.pdf"
    assert run("build", "--brochure", mini, "--out", out, "--quiet").code == 0
    assert pypdf.PdfReader(str(out)).metadata["/CreationDate"].startswith("D:20231114221320")


def test_a_failing_writer_leaves_the_previous_file(tmp_path):
    target = tmp_path / "pamphlet.pdf"
    target.write_bytes(b"previous")

    def fail(path):
        path.write_bytes(b"half a PDF")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(target, fail)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["pamphlet.pdf"]


def test_a_folder_that_cannot_be_written_is_one_error_and_keeps_the_pdf(mini, tmp_path):
    from utils import run

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the build folder should be")
    result = run("build", "--brochure", mini, "--out", blocked / "pamphlet.pdf", "--quiet")
    assert result.code == 1 and "Traceback" not in result.err, result.err
    lines = result.err.splitlines()
    assert lines[0].startswith("error: ") and "cannot write " in lines[0]
    assert lines[1] == ("hint: check that its folder is writable and the disk has room; "
                        "nothing was changed")
    assert blocked.read_text() == "a file where the build folder should be"
