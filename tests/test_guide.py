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


def test_every_line_of_the_seed_is_in_the_pdf(guide_pdf):
    text = squash("".join(page.extract_text() or "" for page in pypdf.PdfReader(str(guide_pdf)).pages))
    missing = [line for line in seed_lines() if squash(line) not in text]
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
    result = run("preflight", guide_pdf, "--fonts", ROOT / "fonts")
    assert result.code == 0, result.out + result.err
