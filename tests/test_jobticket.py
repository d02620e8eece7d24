"""`pamphlet check`: every check on the print PDF, and the vendor's job ticket beside it."""

import shutil

import pypdf

from utils import run


def test_a_good_pdf_passes_and_gets_a_job_ticket(mini_pdf, mini, tmp_path):
    pdf = shutil.copy(mini_pdf, tmp_path / "pamphlet.pdf")
    result = run("check", pdf, "--brochure", mini, "--quiet")
    assert result.code == 0, result.err
    ticket = (tmp_path / "pamphlet-jobticket.txt").read_text(encoding="utf-8")
    assert "Standard:     PDF/X-4, PDF 1.6" in ticket
    assert "Trim size:    210 × 297 mm" in ticket
    assert "Bleed:        3 mm on every side (BleedBox 216 × 303 mm)" in ticket
    assert "Pages:        8, cover included" in ticket
    assert "Binding:      saddle stitch (中綴じ), 2 sheets folded" in ticket
    assert "output intent: FOGRA39 — Offset, coated paper" in ticket
    assert "(registered at http://www.color.org); ICC profile “FOGRA39L (pamphlet build)”" in ticket
    assert "BIZ-UDMincho" in ticket
    assert "Preflight:    0 errors" in ticket
    assert "Contents:     3 entries and 3 page references checked against the PDF: all agree" \
        in ticket


def test_a_damaged_pdf_fails_and_the_ticket_says_so(mini_pdf, mini, tmp_path):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(str(mini_pdf)))
    writer.remove_page(4)
    damaged = tmp_path / "damaged.pdf"
    with open(damaged, "wb") as handle:
        writer.write(handle)
    result = run("check", damaged, "--brochure", mini, "--quiet")
    assert result.code == 1
    assert "FAILED: check-toc, preflight" in result.err
    ticket = (tmp_path / "damaged-jobticket.txt").read_text(encoding="utf-8")
    assert "Pages:        7, cover included" in ticket
    assert "Contents:" in ticket and "PROBLEMS" in ticket
    # the ticket names the errors, counts in words a person reads, keeps its columns
    assert "Preflight:    1 error, 0 warnings; errors: page-count (the document)" in ticket, ticket
    rows = ticket.splitlines()[2:]
    assert all(row[:14].strip().endswith(":") or row.startswith(" " * 14) for row in rows), ticket
    assert ticket.endswith("\n")


def test_a_file_that_is_not_a_pdf_is_one_error_without_a_ticket(mini, tmp_path):
    notes = tmp_path / "notes.pdf"
    notes.write_text("# not a PDF\n", encoding="utf-8")
    result = run("check", notes, "--brochure", mini, "--quiet")
    assert result.code == 2
    assert result.err.splitlines()[0].startswith(f"error: cannot read {notes}")
    assert result.err.splitlines()[1] == "hint: is it a PDF? was the build finished?"
    assert "Traceback" not in result.err
    assert not (tmp_path / "notes-jobticket.txt").exists()


def test_every_fpo_frame_of_the_guide_is_counted(guide_pdf):
    # Two frames side by side read back as one run ("FPOFPO", page 30): both count.
    import json

    result = run("preflight", guide_pdf, "--json")
    findings = [f for f in json.loads(result.out)["findings"] if f["check"] == "fpo"]
    assert [f["page"] for f in findings] == [8, 10, 12, 14, 16, 18, 19, 30, 31]
    assert sum(int(f["message"].split()[2]) for f in findings) == 18


def test_build_with_check_checks_in_the_same_run_as_check_does(mini, tmp_path):
    pdf = tmp_path / "out" / "pamphlet.pdf"
    built = run("build", "--brochure", mini, "--out", pdf, "--screen", "--check", "--quiet")
    assert built.code == 0, built.err
    assert f"pamphlet: {pdf}: all checks pass; job ticket:" in built.err
    ticket = pdf.with_name("pamphlet-jobticket.txt")
    after_build = ticket.read_text(encoding="utf-8")
    assert "Screen PDF:   pamphlet-screen.pdf: all 28 checks pass" in after_build
    checked = run("check", pdf, "--brochure", mini, "--quiet")
    assert checked.code == 0, checked.err
    assert ticket.read_text(encoding="utf-8") == after_build
