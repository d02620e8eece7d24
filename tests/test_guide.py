"""The 2025 recruit guide itself: 36 pages, every word of the seed, right page numbers."""

import re
import shutil
import unicodedata

import pypdf
import pytest

from utils import ROOT, RESOURCES, run

SEED = RESOURCES / "seed" / "recruit-guide-2025.txt"

# Seed lines that are not text to print, each with the reason.
NOT_PRINTED = {
    "国在留管理": "extraction debris: a photographed sign behind profile 02",
    "Immigration Services Bur": "extraction debris: the same sign",
}


def seed_lines() -> list[str]:
    """Every line of the seed a reader must find in the PDF."""
    lines = []
    for raw in SEED.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        line = re.sub(r"^- ", "", line).replace("**", "")
        line = re.sub(r"^◆(?=(平成|令和))", "", line)          # CROSS TALK dates: a bullet
        line = re.sub(r"<(https?://[^>]+)>", r"\1", line)       # the URL's angle brackets
        line = re.sub(r"^\[(.*)\]$", r"\1", line)                # [リアルヴォイス]
        line = re.sub(r"^Q (?=\S)", "", line)                    # Q / A markers are drawn
        line = re.sub(r"^A (?=\S)", "", line)
        line = line.replace("^(", "(")                         # ^(注) is superscript markup
        if not line or line in NOT_PRINTED or _is_picture_brief(line):
            continue
        if "\t" in line and re.search(r"\t\d{2}$", line):        # a contents line
            lines.extend(line.rsplit("\t", 1))
            continue
        lines.extend(part for part in line.split("\t") if part.strip())
    return lines


def _is_picture_brief(line: str) -> bool:
    """English descriptions of pictures are briefs for artwork, not text."""
    return len(line) > 60 and line.isascii() and line.count(" ") > 8


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_the_guide_has_36_pages(guide_pdf):
    assert len(pypdf.PdfReader(str(guide_pdf)).pages) == 36


def in_reading_order(seed: str, lines: list[str], max_skip: int = 25) -> bool:
    """Every character of ``seed``, in order, over consecutive text lines of the PDF.

    A paragraph that flows around a profile card is drawn line, card, line: the
    lines of other elements between two of its lines may be skipped (a few), but
    the paragraph's own text must be whole and in order.
    """
    for start, line in enumerate(lines):
        for cut in range(len(line)):
            if seed.startswith(line[cut:]) and (len(line) - cut >= 6 or len(seed) <= 6):
                if _rest_follows(seed[len(line) - cut:], lines[start + 1:], max_skip):
                    return True
                break
    return False


def _rest_follows(rest: str, lines: list[str], max_skip: int) -> bool:
    skipped = 0
    for line in lines:
        if not rest:
            return True
        if line and rest.startswith(line):
            rest = rest[len(line):]
        elif line and line.startswith(rest):
            return True
        else:
            skipped += 1
            if skipped > max_skip:
                return False
    return not rest


def label_tokens(line: str) -> list[str]:
    """A short label (a name with its year, a diagram box, a timetable row) may be set
    as several design elements; each of its parts must be printed."""
    return [t for t in re.split(r"[\s()（）：:\[\]]+", unicodedata.normalize("NFKC", line)) if t]


def test_every_line_of_the_seed_is_in_the_pdf(guide_pdf):
    pages = [page.extract_text() or "" for page in pypdf.PdfReader(str(guide_pdf)).pages]
    lines = [squash(line) for page in pages for line in page.splitlines()]
    text = "".join(lines)
    missing = []
    for line in seed_lines():
        if squash(line) in text or in_reading_order(squash(line), lines):
            continue
        is_label = len(line) <= 40 and "。" not in line
        if is_label and all(squash(token) in text for token in label_tokens(line)):
            continue
        missing.append(line)
    assert missing == []


def test_contents_and_references_check(guide_pdf):
    result = run("check-toc", guide_pdf, "--brochure", ROOT / "brochure", "--quiet")
    assert result.code == 0, result.out + result.err
    assert "17 contents entries" in result.out


def test_the_contents_match_the_seeds_numbers(guide_pdf):
    result = run("check-toc", guide_pdf, "--brochure", ROOT / "brochure", "--json")
    import json
    printed = {e["entry"]: e["contents_says"] for e in json.loads(result.out)["entries"]}
    seed = dict(re.findall(r"^(.+)\t(\d{2})$", SEED.read_text(encoding="utf-8"), re.M))
    assert printed == seed


def test_the_guide_is_press_ready(guide_pdf):
    import json

    result = run("preflight", guide_pdf, "--fonts", ROOT / "fonts", "--json")
    assert result.code == 0, result.out + result.err
    # Nothing to warn of but the placeholders for photographs nobody has taken yet:
    # no small type or thin rules in several inks, no K100 text knocking out.
    found = {f["check"] for f in json.loads(result.out)["findings"]}
    assert found == {"fpo"}, found


@pytest.mark.parametrize("command", [
    ["qpdf", "--check"],
    ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=nullpage"],
    ["pdffonts"],
], ids=["qpdf", "ghostscript", "pdffonts"])
def test_independent_readers_accept_the_guide(guide_pdf, command):
    import subprocess
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed (make test installs it)")
    result = subprocess.run([*command, str(guide_pdf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    if command[0] == "qpdf":
        assert "No syntax or stream encoding errors found" in result.stdout
    if command[0] == "gs":
        assert "error" not in (result.stdout + result.stderr).lower()
    if command[0] == "pdffonts":
        rows = result.stdout.splitlines()[2:]
        assert rows and all(row.split()[-5] == "yes" for row in rows)   # emb column
