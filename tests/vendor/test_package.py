"""pamphlet package: what the vendor receives, from committed sources, byte for byte the same."""

import json
import re
import subprocess

import pytest

from utils import copy_brochure, edit, run

JOB = """paper:
  name: マットコート
  weight: 90kg
  caliper: 0.1mm
  cover: {name: マットコート, weight: 135kg, caliper: 0.15mm}
job:
  quantity: 3000
  delivery: 2025-04-10
  contact: 広報室 山田 03-0000-0000
  version: "1.2"
  status: 再校
"""


def git(folder, *args) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture()
def project(tmp_path):
    """The mini brochure, with a job, committed to its own git repository."""
    folder = tmp_path / "project"
    brochure = copy_brochure(folder)
    edit(brochure / "brochure.yaml", "binding: saddle-stitch\n", "binding: saddle-stitch\n" + JOB)
    git(folder, "init", "-q")
    git(folder, "add", ".")
    git(folder, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "proof")
    return brochure


def package(brochure, out, *extra):
    result = run("package", "--brochure", brochure, "--out", out, "--quiet", *extra)
    assert result.code == 0, result.err
    return out


def test_package_holds_what_the_vendor_needs(project, tmp_path):
    out = package(project, tmp_path / "out" / "package")
    revision = git(project, "rev-parse", "--short=12", "HEAD").strip()
    stem = f"pamphlet-v1.2-{revision}"
    names = sorted(subprocess.run(["zipinfo", "-1", str(out.with_suffix(".zip"))],
                                  capture_output=True, text=True, check=True).stdout.split())
    assert names == sorted(f"package/{n}" for n in [
        f"{stem}.pdf", f"{stem}-nomarks.pdf", f"{stem}-imposed.pdf", f"{stem}-dummy.pdf",
        f"{stem}-pageplan.pdf", f"{stem}-pageplan.png", f"{stem}-pageplan.json",
        f"{stem}-jobticket.txt", f"{stem}-preflight.txt", f"{stem}-preflight.json",
        "fonts/OFL.txt", "fonts/manifest.yaml", "color/FOGRA39L-pamphlet.icc",
        "color/LICENSE.md", "color/README.md", "SHA256SUMS"])
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True,
                             text=True)
    assert checked.returncode == 0 and checked.stdout.count(": OK") == 15, checked.stdout
    ticket = (out / f"{stem}-jobticket.txt").read_text(encoding="utf-8")
    for line in ["Paper body:   マットコート, weight 90kg, caliper 0.1 mm",
                 "Paper cover:  マットコート, weight 135kg, caliper 0.15 mm",
                 "Creep:        0 to 0.15 mm toward the spine over 2 sheets (caliper 0.1 mm;",
                 "Quantity:     3,000 copies", "Delivery:     2025-04-10",
                 "Contact:      広報室 山田 03-0000-0000", "Printer:      to agree",
                 f"Version:      1.2; sources at git {revision}\n", "Sign-off:     校了 status: 再校",
                 "Binding:      saddle stitch (中綴じ), 2 sheets folded, bound on the left (左綴じ)",
                 f"{stem}-imposed.pdf"]:
        assert line in ticket, line
    info = subprocess.run(["pdfinfo", "-box", str(out / f"{stem}-nomarks.pdf")],
                          capture_output=True, text=True, check=True).stdout
    media, bleed = (re.search(rf"{box}:\s+([-\d. ]+)", info)[1].split()
                    for box in ("MediaBox", "BleedBox"))
    assert media == bleed


def test_page_plan_says_each_page(project, tmp_path):
    out = package(project, tmp_path / "package")
    plan = json.loads(next(out.glob("*-pageplan.json")).read_text(encoding="utf-8"))
    pages = {p["page"]: p for p in plan["page_plan"]}
    assert [s["creep_mm"] for s in plan["sheets"]] == [0, 0.15]        # the cover paper's
    assert (pages[1]["sheet"], pages[1]["face"], pages[1]["half"]) == (1, "outer", "right")
    assert (pages[8]["sheet"], pages[8]["face"], pages[8]["half"]) == (1, "outer", "left")
    assert (pages[4]["sheet"], pages[4]["face"], pages[4]["half"]) == (2, "inner", "left")
    assert pages[1]["definition"] == "front" and pages[2]["definition"] == "contents"
    assert all(p["colour"] in ("4c", "1c (K)") or p["colour"].endswith(")") for p in pages.values())
    text = subprocess.run(["pdftotext", "-layout", str(next(out.glob("*-pageplan.pdf"))), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert re.search(r"P1\s+\S+", text) and "front" in text and "sheet 2 inner" in text
    png = next(out.glob("*-pageplan.png")).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == 1654          # A3 landscape at 100 dpi


def test_same_sources_same_zip(project, tmp_path, monkeypatch):
    first = package(project, tmp_path / "one" / "package").with_suffix(".zip")
    second = package(project, tmp_path / "two" / "package").with_suffix(".zip")
    assert first.read_bytes() == second.read_bytes()
    listing = subprocess.run(["zipinfo", "-T", str(first)], capture_output=True, text=True,
                             check=True).stdout
    dates = set(re.findall(r" (\d{8}\.\d{6}) package/", listing))
    assert dates == {"20250301.120000"}                       # the edition's date
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")     # 2025-01-01 00:00 UTC
    third = package(project, tmp_path / "three" / "package").with_suffix(".zip")
    listing = subprocess.run(["zipinfo", "-T", str(third)], capture_output=True, text=True,
                             check=True).stdout
    assert set(re.findall(r" (\d{8}\.\d{6}) package/", listing)) == {"20250101.000000"}


def test_uncommitted_changes_are_refused_unless_asked(project, tmp_path):
    edit(project / "brochure.yaml", "status: 再校", "status: 校了")
    result = run("package", "--brochure", project, "--out", tmp_path / "package", "--quiet")
    assert result.code == 1
    lines = result.err.splitlines()
    assert re.fullmatch(r"error: .*/mini: the sources have uncommitted changes "
                        r"\(mini/brochure.yaml\): the package would not be what was "
                        r"reviewed at [0-9a-f]{12}", lines[0]), lines[0]
    assert lines[1] == ("hint: commit (or revert) the changes, or pass --allow-dirty to "
                        "package them anyway")
    assert not (tmp_path / "package").exists()
    out = package(project, tmp_path / "package", "--allow-dirty")
    assert len(list(out.glob("pamphlet-v1.2-*-dirty.pdf"))) == 1
    assert "+changes" in next(out.glob("*-jobticket.txt")).read_text(encoding="utf-8")


def test_a_brochure_outside_git_is_refused(tmp_path):
    brochure = copy_brochure(tmp_path)
    result = run("package", "--brochure", brochure, "--out", tmp_path / "package", "--quiet")
    assert result.code == 1
    assert "is not in a git work tree" in result.err and "Traceback" not in result.err


def test_a_folder_that_is_not_a_package_is_not_replaced(project, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    result = run("package", "--brochure", project, "--out", tmp_path / "mine", "--quiet")
    assert result.code == 1 and "is not a package" in result.err
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_right_bound_page_plan_reads_right_to_left(mini_pdf, mini, tmp_path):
    """The 台割 of a right-bound book (the mini's pages imposed 右綴じ): spreads right to left."""
    from dataclasses import replace

    import pikepdf

    from pamphlet.load import load_brochure
    from pamphlet.options import command_line_options
    from pamphlet.spec import from_pdf
    from pamphlet.vendor.pageplan import pageplan_pdf, plan_pages
    from pamphlet.vendor.sheets import plan_sheets

    brochure = load_brochure(command_line_options(mini))
    with pikepdf.open(mini_pdf) as pdf:
        spec = replace(from_pdf(pdf), side="right")
    imposition = plan_sheets(8, spec, 0.1)
    planned = plan_pages(brochure, imposition, [], {})
    assert (planned[0].face, planned[0].half) == ("outer", "left")
    target = tmp_path / "plan.pdf"
    target.write_bytes(pageplan_pdf(mini_pdf, planned, imposition,
                                    brochure.options.fonts / "BIZUDGothic-Regular.ttf", "t"))
    xhtml = subprocess.run(["pdftotext", "-bbox", str(target), "-"], capture_output=True,
                           text=True, check=True).stdout
    left = {m[2]: float(m[1]) for m in re.finditer(r'<word xMin="([\d.]+)"[^>]*>(P\d)</word>',
                                                   xhtml)}
    assert left["P3"] < left["P2"] and left["P5"] < left["P4"]      # spreads read right to left
    assert left["P2"] < left["P1"]                                  # 1 opens on the right


def test_check_stops_at_a_bad_caliper_in_the_ticket(mini_pdf, mini, tmp_path):
    """make pdf's check writes the ticket, which reads the job: a bad caliper is its one error."""
    import shutil

    edit(mini / "brochure.yaml", "binding: saddle-stitch\n",
         "binding: saddle-stitch\npaper: {caliper: 0.1xx}\n")
    pdf = shutil.copy(mini_pdf, tmp_path / "pamphlet.pdf")
    result = run("check", pdf, "--brochure", mini, "--quiet")
    assert result.code == 1
    assert result.err.splitlines()[0].endswith(
        "brochure.yaml:9:18: paper caliper '0.1xx' is not a length"), result.err
    assert "Traceback" not in result.err


def test_build_stops_at_a_bad_caliper_and_prints_the_version_on_the_slug(mini, tmp_path):
    edit(mini / "brochure.yaml", "binding: saddle-stitch\n",
         "binding: saddle-stitch\npaper: {caliper: 0.1xx}\n")
    pdf = tmp_path / "out.pdf"
    result = run("build", "--brochure", mini, "--out", pdf, "--quiet")
    assert result.code == 1 and not pdf.exists() and "Traceback" not in result.err
    assert "brochure.yaml:9:18: paper caliper '0.1xx' is not a length" in result.err, result.err
    edit(mini / "brochure.yaml", "paper: {caliper: 0.1xx}\n", "")
    assert run("build", "--brochure", mini, "--out", pdf, "--quiet").code == 0
    without = _slug_band(pdf)
    edit(mini / "brochure.yaml", "binding: saddle-stitch\n",
         "binding: saddle-stitch\njob: {version: '1.2'}\n")
    assert run("build", "--brochure", mini, "--out", pdf, "--quiet").code == 0
    assert _slug_band(pdf) != without           # the slug (drawn as outlines) grew


def _slug_band(pdf) -> bytes:
    """The pixels of page 1's slug line, under the bleed (poppler)."""
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", "-singlefile",
                    str(pdf), str(pdf.with_suffix(""))], check=True)
    with Image.open(pdf.with_suffix(".png")) as page:
        width, height = page.size
        return page.crop((0, int(height * 0.965), width, height)).tobytes()


def test_pages_changed_since_their_approval_are_refused_unless_asked(project, tmp_path):
    from pamphlet.review import stale_approvals

    root = project.parent
    approved = package(project, tmp_path / "first")
    pdf = _print_pdf(approved)
    approvals = root / "review" / "approvals.yaml"
    assert run("approve", pdf, "--pages", "3", "--file", approvals, "--by", "山田", "--at",
               "2025-03-01T10:00:00+09:00", "--quiet").code == 0
    commit = ("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam")
    git(root, "add", "review")
    git(root, *commit, "approved page 3")
    assert package(project, tmp_path / "again")            # page 3 as approved: sent
    edit(project / "pages/alpha.yaml", "二つ目の段落です。", "二つ目の文章です。")
    git(root, *commit, "after the approval")
    result = run("package", "--brochure", project, "--out", tmp_path / "package", "--quiet")
    assert result.code == 1
    assert result.err.splitlines() == [
        f"error: {approvals}: 1 approved page(s) changed since their approval: 3 (changed "
        "since approval, approved by 山田 at 2025-03-01T10:00:00+09:00)",
        "hint: review them (pamphlet diff --approvals) and approve again, or pass "
        "--allow-stale to send them anyway"]
    assert not (tmp_path / "package").exists()
    out = package(project, tmp_path / "package", "--allow-stale")
    assert len(stale_approvals(_print_pdf(out), approvals)) == 1


def _print_pdf(folder):
    """The package's print PDF (not its -imposed or -dummy companions)."""
    [pdf] = [p for p in folder.glob("pamphlet-v1.2-*.pdf")
             if re.fullmatch(r"pamphlet-v1\.2-[0-9a-f]{12}\.pdf", p.name)]
    return pdf
