"""pdftext.py's `ensure_readable`: every checker and diff refuses what it cannot read,
with one error and exit 2 — encrypted files, page-tree loops, FIFOs — never a traceback;
and `characters`, the one reading of a page's characters they share."""

import os
import subprocess

import pikepdf
import pytest

from utils import run

COMMANDS = {
    "check-toc": lambda pdf, mini: ("check-toc", pdf, "--brochure", mini),
    "check-typography": lambda pdf, mini: ("check-typography", pdf),
    "check": lambda pdf, mini: ("check", pdf, "--brochure", mini),
    "diff": lambda pdf, mini: ("diff", pdf, pdf, "--report", mini.parent / "report"),
    "preflight": lambda pdf, mini: ("preflight", pdf),
    "check-screen": lambda pdf, mini: ("check-screen", pdf),
}


def _encrypted(source, target):
    with pikepdf.open(source) as pdf:
        pdf.save(target, encryption=pikepdf.Encryption(owner="o", user="", aes=True, R=6))


def _locked(source, target):
    with pikepdf.open(source) as pdf:
        pdf.save(target, encryption=pikepdf.Encryption(owner="o", user="u", aes=True, R=6))


def _page_loop(source, target):
    with pikepdf.open(source) as pdf:
        pdf.Root.Pages.Kids.append(pdf.Root.Pages)
        pdf.save(target)


def _fifo(source, target):
    os.mkfifo(target)


BROKEN = {"encrypted": (_encrypted, "it is encrypted"),
          "a user password": (_locked, "it is encrypted"),
          "a page-tree loop": (_page_loop, "Loop detected in /Pages"),
          "a FIFO": (_fifo, "not a file")}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_pdf_no_checker_can_read_is_one_error(mini_pdf, mini, tmp_path, command, kind):
    make, said = BROKEN[kind]
    pdf = tmp_path / "broken.pdf"
    make(mini_pdf, pdf)

    result = run(*COMMANDS[command](pdf, mini))

    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    errors = [line for line in result.err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and f"cannot read {pdf}: " in errors[0] and said in errors[0], \
        result.err


def test_diff_refuses_a_page_larger_than_any_press_sheet(mini_pdf, tmp_path):
    huge = tmp_path / "huge.pdf"
    with pikepdf.open(mini_pdf) as pdf:
        for key in ("/MediaBox", "/BleedBox", "/TrimBox"):
            pdf.pages[2].obj[key] = [0, 0, 10_000_000, 10_000_000]
        pdf.save(huge)
    result = run("diff", mini_pdf, huge, "--report", tmp_path / "report")
    assert result.code == 2 and "Traceback" not in result.err, result.err
    assert "page 3 is 3528 × 3528 m, larger than any press sheet" in result.err


def test_diff_holds_a_bounded_number_of_rendered_pages(tmp_path):
    from pamphlet.diff.look import KEPT_LOOKS, PageViewer

    many = tmp_path / "many.pdf"
    pdf = pikepdf.new()
    for _ in range(KEPT_LOOKS * 3):
        pdf.add_blank_page(page_size=(100, 100))
    pdf.save(many)
    with PageViewer(many, 20) as pages:
        for number in range(1, KEPT_LOOKS * 3 + 1):
            assert pages[number].number == number
        assert len(pages.looks) == KEPT_LOOKS and pages.rendered == KEPT_LOOKS * 3


def test_the_characters_every_checker_reads_are_those_poppler_reads(mini_pdf):
    from collections import Counter

    from pamphlet.checks.pdftext import characters, open_pdf, text_pages

    with open_pdf(mini_pdf) as document:
        read = {number: characters(textpage) for number, _, textpage in text_pages(document)}
    for number, chars in read.items():
        poppler = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-raw",
                                  str(mini_pdf), "-"], capture_output=True, text=True).stdout
        ours = [c.char for c in chars if not c.generated and not c.char.isspace()]
        assert ours and Counter(ours) == Counter(c for c in poppler if not c.isspace()), number
        for char in chars:
            if not char.generated:
                left, bottom, right, top = char.box
                assert left <= right and bottom <= top and char.font_size > 0
                assert char.loose[0] <= (left + right) / 2 <= char.loose[2]
