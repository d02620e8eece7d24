"""The ``pamphlet impose`` command: the imposition proof and folded dummy of a print PDF.

The print spec (binding, side, trim, bleed) is read from the PDF itself
(spec.from_pdf); the paper's caliper from the brochure (``paper:``), or
``--caliper``. The CLI plugs this in (see cli.PLUGGED).
"""

import time
from dataclasses import dataclass, replace
from pathlib import Path

from ..diagnostics import Diagnostic, PamphletError
from ..spec import BINDINGS, SIDES, PrintSpec
from .job import Job, read_job
from .sheets import Imposition, plan_sheets

DUMMY_PAPERS = ("A3", "A4")


@dataclass
class Proof:
    """What ``impose`` wrote, and the imposition behind it."""

    imposed: Path
    dummy: Path
    imposition: Imposition
    assumed_caliper: bool
    seconds: float


def add_arguments(parser) -> None:
    """The command line of ``pamphlet impose``."""
    parser.add_argument("pdf", metavar="PDF", help="the print PDF (build/pamphlet.pdf)")
    parser.add_argument("--out", metavar="FILE",
                        help="the imposition proof (default: NAME-imposed.pdf beside the PDF)")
    parser.add_argument("--dummy", metavar="FILE",
                        help="the folded dummy (default: NAME-dummy.pdf beside the PDF)")
    parser.add_argument("--dummy-paper", choices=DUMMY_PAPERS, default="A3",
                        help="office paper for the dummy, landscape (default A3; A4 gives "
                             "a half-size dummy)")
    parser.add_argument("--brochure", metavar="DIR",
                        help="read the paper (caliper) and fonts from DIR/brochure.yaml")
    parser.add_argument("--caliper", metavar="LENGTH",
                        help="one sheet's thickness, e.g. 0.1mm (default: the brochure's "
                             "paper, else 0.1mm, said on the proof as assumed)")
    parser.add_argument("--binding", choices=[b for b in BINDINGS if b != "none"],
                        help="override the binding the PDF records")
    parser.add_argument("--side", choices=SIDES, help="override the binding side")


def command(args) -> int:
    """Write the proof and the dummy; exit 1 on bad input."""
    import logging

    from ..report import print_diagnostics

    try:
        job, fonts = _settings(args)
        proof = impose(Path(args.pdf), job, fonts, out=_path(args.out),
                       dummy=_path(args.dummy), dummy_paper=args.dummy_paper,
                       binding=args.binding, side=args.side)
    except PamphletError as error:
        if args.debug:
            raise
        print_diagnostics(error.diagnostics)
        return 1
    logging.getLogger("pamphlet").info(
        "imposed %s: %d sheets, creep %s mm (caliper %g mm%s) in %.1f s; dummy %s",
        proof.imposed, len(proof.imposition.sheets),
        " ".join(f"{s.creep:g}" for s in proof.imposition.sheets), proof.imposition.caliper,
        ", assumed" if proof.assumed_caliper else "", proof.seconds, proof.dummy)
    return 0


def impose(pdf: Path, job: Job, fonts: Path, out: Path | None = None, dummy: Path | None = None,
           dummy_paper: str = "A3", binding: str | None = None,
           side: str | None = None) -> Proof:
    """Impose ``pdf`` for its binding; write NAME-imposed.pdf and NAME-dummy.pdf."""
    from ..write import write_bytes
    from .dummy import dummy_pdf
    from .impose import impose_pdf

    start = time.perf_counter()
    spec, pages = read_print_pdf(pdf, binding, side)
    imposition = plan_sheets(pages, spec, job.caliper, job.cover_caliper)
    font = label_font(fonts)
    out = out or pdf.with_name(pdf.stem + "-imposed.pdf")
    dummy = dummy or pdf.with_name(pdf.stem + "-dummy.pdf")
    write_bytes(out, impose_pdf(pdf, imposition, font, pdf.name))
    write_bytes(dummy, dummy_pdf(pdf, imposition, font, dummy_paper))
    return Proof(out, dummy, imposition, job.caliper_assumed, time.perf_counter() - start)


def read_print_pdf(pdf: Path, binding: str | None, side: str | None) -> tuple[PrintSpec, int]:
    """The spec the PDF records (with the overrides) and its page count, or one diagnostic."""
    import pikepdf

    from ..checks.pdftext import UnreadablePDF, ensure_readable
    from ..spec import from_pdf

    try:
        ensure_readable(pdf)
    except UnreadablePDF as error:
        raise PamphletError(Diagnostic(str(error), pdf, hint="is it a PDF? was the build "
                                       "finished? (make pdf)")) from None
    with pikepdf.open(pdf) as opened:
        spec, pages = from_pdf(opened), len(opened.pages)
    if spec is None:
        raise PamphletError(Diagnostic("the PDF has no TrimBox: not a print PDF", pdf,
                                       hint="impose the print PDF pamphlet build writes"))
    spec = replace(spec, binding=binding or spec.binding, side=side or spec.side)
    if spec.binding == "none":
        raise PamphletError(Diagnostic("the PDF is not bound (binding: none): no sheets to "
                                       "impose", pdf, hint="pass --binding saddle-stitch or "
                                       "--binding perfect"))
    if pages % 4:
        raise PamphletError(Diagnostic(f"{pages} pages do not fold into sheets of 4", pdf,
                                       hint="add or remove pages to a multiple of 4"))
    return spec, pages


def label_font(fonts: Path) -> Path:
    """The regular Gothic of the shipped fonts: the proof's words are drawn in it."""
    from ..fonts import load_fonts

    return next(f.path for f in load_fonts(fonts) if f.weight == 400)


def _settings(args) -> tuple[Job, Path]:
    """The brochure's job (with --caliper over its paper's caliper) and fonts folder."""
    job, fonts = Job(), Path("fonts")
    if args.brochure:
        job, brochure = load_job(Path(args.brochure))
        fonts = brochure.options.fonts
    if args.caliper:
        caliper = read_job({"paper": {"caliper": args.caliper}}).body.caliper
        job = replace(job, body=replace(job.body, caliper=caliper), cover=None)
    return job, fonts


def load_job(brochure: Path):
    """(Job, Brochure): the validated brochure and what it says of the job."""
    from ..load import load_brochure
    from ..options import command_line_options

    loaded = load_brochure(command_line_options(brochure))
    return read_job(loaded.meta, loaded.source), loaded


def _path(value) -> Path | None:
    return Path(value) if value else None

