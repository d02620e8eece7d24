"""The ``pamphlet package`` command: decide what the print vendor receives, and write it.

From committed sources only (unless ``--allow-dirty``): the print PDF and its
no-marks variant, both named with the version and git revision (which the
slug prints, as it prints the file name), checked as ``pamphlet check`` does;
then the imposition proof, the folded dummy, the 台割 (PDF, PNG, JSON), the
job ticket, the preflight report (text and JSON), the fonts' licences, the
output profile and its licence, SHA256SUMS, and DIR.zip of it all (entries in
name order, dated at the edition date or SOURCE_DATE_EPOCH: the same sources
give the same bytes).
"""

import hashlib
import json
import logging
import os
import shutil
import time
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from ..diagnostics import Diagnostic, PamphletError

LOG = logging.getLogger("pamphlet")
CHECKSUMS = "SHA256SUMS"


@dataclass
class Package:
    """What ``package`` wrote."""

    folder: Path
    zip: Path
    files: list[str]
    seconds: float
    timings: dict


def add_arguments(parser) -> None:
    """The command line of ``pamphlet package``."""
    parser.add_argument("--brochure", default="brochure", metavar="DIR",
                        help="folder with brochure.yaml and pages/ (default: brochure)")
    parser.add_argument("--out", default="build/package", metavar="DIR",
                        help="the package folder (default: build/package; DIR.zip beside it)")
    parser.add_argument("--allow-dirty", action="store_true",
                        help="package sources with uncommitted changes (the file names and "
                             "the ticket say so)")
    parser.add_argument("--allow-stale", action="store_true",
                        help="package pages approved in review/approvals.yaml and changed since")


def command(args) -> int:
    """Build, check and write the package; exit 1 when anything stops it."""
    from ..report import print_diagnostics
    from ..options import command_line_options

    out = Path(args.out)
    options = command_line_options(args.brochure, out.parent / "pamphlet.pdf", args.debug)
    try:
        package = make_package(options, out, allow_dirty=args.allow_dirty,
                               allow_stale=args.allow_stale)
    except PamphletError as error:
        if args.debug:
            raise
        print_diagnostics(error.diagnostics)
        return 1
    LOG.info("package %s (%d files) and %s in %.1f s (%s)", package.folder, len(package.files),
             package.zip, package.seconds,
             ", ".join(f"{k} {v:.1f} s" for k, v in package.timings.items()))
    return 0


def make_package(options, folder: Path, allow_dirty: bool = False,
                 allow_stale: bool = False) -> Package:
    """Everything the vendor receives, in ``folder`` and ``folder``.zip."""
    from ..load import load_brochure
    from .job import read_job
    from .revision import read_revision

    start, timings = time.perf_counter(), {}
    brochure = load_brochure(options)
    job = read_job(brochure.meta, brochure.source)
    revision = read_revision(options.brochure)
    _refuse_unreviewed(revision, options.brochure, allow_dirty)
    _refuse_foreign(folder)
    stem = "-".join(p for p in (options.out.stem, revision.label(job.version)) if p)
    work = folder.with_name(f".{folder.name}.part")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    with _timed(timings, "build"):
        pdf, plain = _build_both(options, stem)
    _refuse_stale(pdf, options.brochure, allow_stale)
    with _timed(timings, "checks"):
        press, ticket = _checks(pdf, brochure, revision)
    files = _copy(work, {pdf: pdf.name, plain: plain.name})
    with _timed(timings, "impose"):
        files += _proof(work, pdf, job, brochure, stem)
    with _timed(timings, "page plan"):
        files += _pageplan(work, pdf, job, brochure, press.as_dict(), stem, revision)
    files += _reports(work, stem, press, ticket, files)
    files += _licences(work, brochure)
    _write_checksums(work, files)
    _replace(work, folder)
    archive = folder.with_suffix(".zip")
    _write_zip(folder, archive, sorted(files + [CHECKSUMS]), _epoch(brochure))
    return Package(folder, archive, sorted(files + [CHECKSUMS]), time.perf_counter() - start,
                   timings)


def _refuse_unreviewed(revision, brochure: Path, allow_dirty: bool) -> None:
    """What is sent is what was reviewed: committed sources, unless asked otherwise."""
    if allow_dirty or revision.clean:
        return
    if revision.commit is None:
        raise PamphletError(Diagnostic(
            f"{brochure} is not in a git work tree: nothing says which sources were reviewed",
            brochure, hint="commit the project to git, or pass --allow-dirty"))
    shown = ", ".join(line[3:] for line in revision.changed[:5])
    more = f" and {len(revision.changed) - 5} more" if len(revision.changed) > 5 else ""
    raise PamphletError(Diagnostic(
        f"the sources have uncommitted changes ({shown}{more}): the package would not be "
        f"what was reviewed at {revision.commit}", brochure,
        hint="commit (or revert) the changes, or pass --allow-dirty to package them anyway"))


def _refuse_stale(pdf: Path, brochure: Path, allow_stale: bool) -> None:
    """Pages approved (review/approvals.yaml beside the brochure) and changed since are not
    sent without a new approval, unless asked."""
    from ..review import stale_approvals

    approvals = brochure.parent / "review" / "approvals.yaml"
    if allow_stale or not approvals.is_file():
        return
    stale = stale_approvals(pdf, approvals)
    if stale:
        pages = ", ".join(str(s["page"] or f"(old {s['approved_page']}, gone)") for s in stale)
        raise PamphletError(Diagnostic(
            f"{len(stale)} approved page(s) changed since their approval: {pages} "
            f"({stale[0]['why']}, approved by {stale[0]['by']} at {stale[0]['at']})", approvals,
            hint="review them (pamphlet diff --approvals) and approve again, or pass "
                 "--allow-stale to send them anyway"))


def _refuse_foreign(folder: Path) -> None:
    """Only a folder that is empty or a previous package is replaced."""
    if folder.exists() and any(folder.iterdir()) and not (folder / CHECKSUMS).is_file():
        raise PamphletError(Diagnostic(
            f"{folder} exists and is not a package (no {CHECKSUMS}): it would be replaced",
            folder, hint="name another folder with --out, or empty this one"))


class _timed:
    def __init__(self, timings: dict, name: str):
        self.timings, self.name = timings, name

    def __enter__(self):
        self.start = time.perf_counter()

    def __exit__(self, *exc):
        self.timings[self.name] = time.perf_counter() - self.start
        return False


def _build_both(options, stem: str) -> tuple[Path, Path]:
    """The print PDF and its no-marks variant beside options.out (build/pamphlet.pdf: the
    package folder's parent, whose cache they share)."""
    from ..build import build

    folder = options.out.parent
    pdf = build(replace(options, out=folder / f"{stem}.pdf", marks=True)).pdf
    plain = build(replace(options, out=folder / f"{stem}-nomarks.pdf", marks=False)).pdf
    return pdf, plain


def _checks(pdf: Path, brochure, revision):
    """Preflight, contents and typography on the print PDF; any error stops the package."""
    from ..checks.preflight import preflight
    from ..checks.toc import check_toc
    from ..jobticket import job_ticket

    press = preflight(pdf, brochure.options.fonts, brochure.options.spec)
    toc = check_toc(pdf, brochure)
    typography = _typography(pdf)
    failed = [d for d in toc.diagnostics() + press.diagnostics() if d.severity == "error"]
    if typography is not None and not typography.ok:
        failed += typography.diagnostics()
    if failed:
        raise PamphletError(failed + [Diagnostic(
            "the print PDF fails its checks: no package written", pdf, severity="note")])
    verdict = typography.summary() if typography is not None else None
    return press, job_ticket(pdf, brochure, press, toc, verdict, revision)


def _typography(pdf: Path):
    from ..checks.typography import check_typography

    return check_typography(pdf)


def _proof(work: Path, pdf: Path, job, brochure, stem: str) -> list[str]:
    from .proof import impose

    impose(pdf, job, brochure.options.fonts, out=work / f"{stem}-imposed.pdf",
           dummy=work / f"{stem}-dummy.pdf")
    return [f"{stem}-imposed.pdf", f"{stem}-dummy.pdf"]


def _pageplan(work: Path, pdf: Path, job, brochure, press: dict, stem: str,
              revision) -> list[str]:
    """台割: PDF, PNG and JSON."""
    from ..write import write_bytes, write_text
    from .pageplan import fpo_counts, page_inks, pageplan_pdf, pageplan_png, plan_pages
    from .proof import label_font, read_print_pdf
    from .sheets import plan_sheets

    spec, pages = read_print_pdf(pdf, None, None)
    imposition = plan_sheets(pages, spec, job.caliper, job.cover_caliper)
    planned = plan_pages(brochure, imposition, page_inks(pdf), fpo_counts(press))
    target = work / f"{stem}-pageplan.pdf"
    write_bytes(target, pageplan_pdf(pdf, planned, imposition,
                                     label_font(brochure.options.fonts), brochure.meta["title"]))
    pageplan_png(target, target.with_suffix(".png"))
    facts = {"title": brochure.meta["title"], "version": job.version,
             "revision": revision.describe(), "pdf": pdf.name, **imposition.as_dict(),
             "page_plan": [p.as_dict() for p in planned]}
    write_text(target.with_suffix(".json"), json.dumps(facts, ensure_ascii=False, indent=2) + "\n")
    return [target.name, target.with_suffix(".png").name, target.with_suffix(".json").name]


def _reports(work: Path, stem: str, press, ticket: str, files: list[str]) -> list[str]:
    """The job ticket (with the package's contents) and the preflight report."""
    from ..write import write_text
    from .report import contents_note, preflight_text

    names = [f"{stem}-jobticket.txt", f"{stem}-preflight.txt", f"{stem}-preflight.json"]
    write_text(work / names[0], ticket + contents_note(sorted(files + names[1:] + [CHECKSUMS])))
    write_text(work / names[1], preflight_text(press))
    write_text(work / names[2], json.dumps(_preflight_json(press), ensure_ascii=False,
                                           indent=2) + "\n")
    return names


def _preflight_json(press) -> dict:
    from .report import verdicts

    facts = press.as_dict()
    facts["pdf"] = Path(facts["pdf"]).name          # not the builder's folder
    facts["verdicts"] = verdicts(press)
    return facts


def _licences(work: Path, brochure) -> list[str]:
    """The fonts' licences (as fonts/manifest.yaml names them), the output profile and its."""
    fonts = brochure.options.fonts
    wanted = {fonts / name: f"fonts/{name}" for name in _font_licences(fonts)}
    wanted[fonts / "manifest.yaml"] = "fonts/manifest.yaml"
    profile = brochure.options.output_profile
    wanted[profile] = f"color/{profile.name}"
    for licence in ("LICENSE.md", "LICENSE", "README.md"):
        if (profile.parent / licence).is_file():
            wanted[profile.parent / licence] = f"color/{licence}"
    return _copy(work, {path: name for path, name in wanted.items() if path.is_file()})


def _font_licences(fonts: Path) -> list[str]:
    """The licence files the manifest names, each a file in the fonts folder."""
    from ..source import read_yaml

    entries = (read_yaml(fonts / "manifest.yaml").data or {}).get("fonts") or []
    names = {str(e["licence"]) for e in entries if isinstance(e, dict) and e.get("licence")}
    inside = fonts.resolve()
    return sorted(n for n in names if (fonts / n).resolve().parent == inside)


def _copy(work: Path, files: dict[Path, str]) -> list[str]:
    from ..write import write_bytes

    for source, name in files.items():
        write_bytes(work / name, source.read_bytes())
    return sorted(files.values())


def _write_checksums(work: Path, files: list[str]) -> None:
    from ..write import write_text

    lines = [f"{hashlib.sha256((work / name).read_bytes()).hexdigest()}  {name}"
             for name in sorted(files)]
    write_text(work / CHECKSUMS, "\n".join(lines) + "\n")


def _replace(work: Path, folder: Path) -> None:
    """The new package takes the old one's place (no file of an older version lingers)."""
    if folder.exists():
        shutil.rmtree(folder)
    work.rename(folder)


def _epoch(brochure) -> int:
    """The zip's dates: SOURCE_DATE_EPOCH, else the edition's date at noon UTC."""
    import datetime

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return max(int(epoch), 315532800)           # zip dates start in 1980
    day = datetime.date.fromisoformat(str(brochure.meta["date"]))
    return int(datetime.datetime(day.year, day.month, day.day, 12,
                                 tzinfo=datetime.timezone.utc).timestamp())


def _write_zip(folder: Path, archive: Path, names: list[str], epoch: int) -> None:
    """DIR.zip: the package under DIR/, entries in name order with one fixed date."""
    import io
    import datetime

    from ..write import write_bytes

    stamp = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name in names:
            entry = zipfile.ZipInfo(f"{folder.name}/{name}", date_time=stamp)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            zipped.writestr(entry, (folder / name).read_bytes())
    write_bytes(archive, buffer.getvalue())
