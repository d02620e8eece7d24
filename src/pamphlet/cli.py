"""The `pamphlet` command: the only place that turns diagnostics into text."""

import argparse
import logging
import sys
from functools import partial
from pathlib import Path

from .diagnostics import Diagnostic, PamphletError, UnreadablePDF
from .report import print_diagnostics

EXAMPLES = {
    "build": "pamphlet build --brochure brochure --out build/pamphlet.pdf",
    "check-toc": "pamphlet check-toc build/pamphlet.pdf --brochure brochure",
    "watch": "pamphlet watch --brochure brochure --out build/pamphlet.pdf",
    "check": "pamphlet check build/pamphlet.pdf --brochure brochure",
    "preflight": "pamphlet preflight build/pamphlet.pdf --fonts fonts",
    "diff": "pamphlet diff old.pdf build/pamphlet.pdf --report build/diff",
    "check-typography": "pamphlet check-typography build/pamphlet.pdf",
    "impose": "pamphlet impose build/pamphlet.pdf --brochure brochure",
    "package": "pamphlet package --brochure brochure --out build/package",
    "new": "pamphlet new leaflet --size A5 --binding saddle-stitch --side left",
    "check-screen": "pamphlet check-screen build/pamphlet-screen.pdf",
    "approve": "pamphlet approve build/pamphlet.pdf --pages 3,5-7 --by 'Yamada Hanako'",
    "comment": "pamphlet comment build/pamphlet.pdf --page 5 --box 20,40,60,15 --text '写真を差し替え'",
    "resident": "pamphlet resident build -- build --screen --check --resident",
}

# Commands whose arguments and run function live beside their code:
# module.add_arguments(parser) and module.command(args) -> exit status.
PLUGGED = {
    "diff": ("pamphlet.diff",
             "Show what changed on the pages between two PDFs: pages aligned by content, "
             "pixel and text differences, an HTML report. Exit 0 when nothing changed, 1 "
             "when pages changed, were added or removed, 2 on error."),
    "impose": ("pamphlet.vendor.proof",
               "Impose the print PDF for its binding (saddle stitch or perfect, left or "
               "right): the imposition proof NAME-imposed.pdf (2-up sheets, creep from the "
               "paper's caliper, marks) and a folded dummy NAME-dummy.pdf to print and fold."),
    "package": ("pamphlet.vendor.package",
                "Build and check the pamphlet and write what the print vendor receives: print "
                "PDF, no-marks variant, imposition proof, dummy, 台割, job ticket, preflight "
                "report, font licences, output profile, checksums, and a zip of it all. "
                "Refuses a git tree with uncommitted changes unless --allow-dirty."),
    "new": ("pamphlet.new",
            "Start a pamphlet: write a brochure folder (brochure.yaml, theme.yaml, 8 page "
            "definitions on the kit's layouts, a data file) that builds and passes "
            "`pamphlet check` as it is. Exit 1 if the folder is not new or empty."),
    "approve": ("pamphlet.review",
                "Approve pages of a PDF, or the whole version (校了): who, when, the PDF's "
                "sha256 and each page's digest go to review/approvals.yaml; pamphlet diff "
                "--approvals lists approved pages changed since first."),
    "comment": ("pamphlet.review.comment_command",
                "Pin a comment on a region of a page (mm from the trim's top left), kept in "
                "review/comments.yaml beside the approvals; later diff reports show it where "
                "its page and field are then."),
}


def main(argv=None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    _configure_logging(args.quiet)
    try:
        return args.run(args)
    except PamphletError as error:
        if args.debug:
            raise
        print_diagnostics(error.diagnostics)
        return 1
    except UnreadablePDF as error:
        if args.debug:
            raise
        print_diagnostics([_unreadable(error, args)])
        return args.unreadable_exit
    except KeyboardInterrupt:
        return 130
    except Exception as error:      # nothing pamphlet has words for: one line, not 1,500
        if args.debug:
            raise
        print_diagnostics([Diagnostic(
            f"internal error: {type(error).__name__}: {str(error)[:300]}",
            hint="run again with --debug for the traceback, and tell us what you ran")])
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pamphlet", description="Typeset print-ready pamphlets from YAML page definitions.",
        epilog="example: " + EXAMPLES["build"],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks")
    common.add_argument("--quiet", action="store_true", help="print errors only")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_build(commands, common)
    _add_check_toc(commands, common)
    _add_watch(commands, common)
    _add_check(commands, common)
    _add_check_screen(commands, common)
    _add_preflight(commands, common)
    _add_check_typography(commands, common)
    _add_resident(commands, common)
    for name, (module, help_text) in PLUGGED.items():
        _add_plugged(commands, common, name, module, help_text)
    return parser


def _add_plugged(commands, common, name: str, module: str, help_text: str) -> None:
    import importlib

    def run(args):
        return importlib.import_module(module).command(args)

    sub = _subcommand(commands, common, name, help_text, run)
    try:
        importlib.import_module(module).add_arguments(sub)
    except ModuleNotFoundError:
        sub.set_defaults(run=lambda args: _not_available(name))


def _not_available(name: str) -> int:
    print_diagnostics([Diagnostic(f"'pamphlet {name}' is not built yet")])
    return 2


def _subcommand(commands, common, name: str, help_text: str, run):
    sub = commands.add_parser(name, parents=[common], help=help_text, description=help_text,
                              epilog="example: " + EXAMPLES[name],
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    sub.set_defaults(run=run, unreadable_exit=1)
    return sub


def _checker(sub) -> None:
    """A check's command: 1 says the PDF fails it, so a PDF it cannot read exits 2."""
    sub.set_defaults(unreadable_exit=2)


def _unreadable(error: UnreadablePDF, args) -> Diagnostic:
    """A PDF the command cannot open (the message names it), with what to try."""
    pdf = Path(args.pdf) if isinstance(getattr(args, "pdf", None), (str, Path)) else None
    hint = getattr(error, "hint", None) or (
        "check the path (`pamphlet build` writes build/pamphlet.pdf)" if pdf and not pdf.exists()
        else "is it a PDF? was the build finished?")
    return Diagnostic(str(error), hint=hint)


def _add_build(commands, common) -> None:
    sub = _subcommand(commands, common, "build",
                      "Typeset brochure/ into the print PDF; with --check, then run every "
                      "check as `pamphlet check` does (make pdf).", _run_build)
    _add_paths(sub)
    sub.add_argument("--no-marks", action="store_true",
                     help="no trim marks: the page is exactly the bleed box")
    sub.add_argument("--screen", action="store_true",
                     help="also write the screen edition (RGB, tagged, bookmarks) "
                          "beside the PDF as NAME-screen.pdf")
    sub.add_argument("--check", action="store_true",
                     help="then run every check on the PDFs in this process, as `pamphlet "
                          "check` does, and write the job ticket; exit 1 if any fails")
    sub.add_argument("--jobs", type=_positive, metavar="N",
                     help="lay out page definitions in N processes (default: one per core)")
    sub.add_argument("--resident", action="store_true",
                     help="run in the build folder's resident process, warm (make pdf); "
                          "with none, build here and start one for next time")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1, got '{text}'")
    return int(text)


def _add_paths(sub) -> None:
    """--brochure and --out, as build and watch take them."""
    sub.add_argument("--brochure", default="brochure", metavar="DIR",
                     help="folder with brochure.yaml and pages/ (default: brochure)")
    sub.add_argument("--out", default="build/pamphlet.pdf", metavar="FILE",
                     help="the PDF to write (default: build/pamphlet.pdf)")


def _run_build(args) -> int:
    import os

    options = _build_options(args)
    if not args.resident:
        return _build_here(args, options)
    from . import resident
    environ = dict(os.environ)                   # before the build sets fontconfig's
    status = resident.hand_over(args.argv, options.build_dir)
    if status is not None:
        return status
    try:
        status = _build_here(args, options)
    except Exception:            # bad input: the resident serves the command that mends it
        resident.start(args.argv, options.build_dir, environ)
        raise
    resident.start(args.argv, options.build_dir, environ)     # not after Ctrl-C
    return status


def _build_options(args):
    from .options import command_line_options

    return command_line_options(args.brochure, args.out, args.debug, marks=not args.no_marks,
                                screen=args.screen, jobs=args.jobs)


def _build_here(args, options) -> int:
    from .build import build
    from .checks.memo import PageMemo
    from .checks.verdicts import Checking
    from . import resident

    with Checking(PageMemo.of_build(options), merging=args.screen) as checking:
        # --check: the print PDF is checked as soon as it is written, while the screen
        # edition is merged
        result = build(options, resident.lent(),
                       printed=partial(_check_printed, checking) if args.check else None,
                       screened=checking.check_screen_here if args.check else None)
        if not args.quiet:
            print_diagnostics(result.warnings)
        logging.getLogger("pamphlet").info("built %s: %d pages in %.1f s (%s)%s", result.pdf,
                                           result.pages, result.seconds, result.laid_out,
                                           " by the resident process" if resident.serving()
                                           else "")
        if not args.check:
            return 0
        checking.screen_written(_screen_beside(result.pdf), result.screened)
        return _verdicts_said(result.pdf, result.brochure, checking.verdicts())


def _check_printed(checking, result) -> None:
    checking.print_written(result.pdf, result.brochure)


def _add_check_toc(commands, common) -> None:
    sub = _subcommand(commands, common, "check-toc",
                      "Prove from the PDF alone that the contents and every page reference "
                      "are right. Exit 0 when all agree, 1 when any disagrees, 2 when the PDF "
                      "cannot be read.", _run_check_toc)
    _checker(sub)
    sub.add_argument("pdf", metavar="PDF", help="the PDF to check")
    sub.add_argument("--brochure", default="brochure", metavar="DIR",
                     help="the brochure, to know which heading each entry stands for")
    sub.add_argument("--json", action="store_true", help="print the report as JSON")


def _run_check_toc(args) -> int:
    from .checks.toc import check_toc
    from .load import load_brochure
    from .options import command_line_options
    from .report import toc_table

    brochure = load_brochure(command_line_options(args.brochure, debug=args.debug))
    report = check_toc(Path(args.pdf), brochure)
    return _show_report(report, args.json, toc_table(report), report.diagnostics())


def _add_check(commands, common) -> None:
    sub = _subcommand(commands, common, "check",
                      "Run every check on the print PDF (contents and references, preflight, "
                      "Japanese typesetting), check-screen on NAME-screen.pdf beside it, and "
                      "write the job ticket for the vendor beside it (NAME-jobticket.txt). "
                      "Exit 1 if any check fails.", _run_check)
    _checker(sub)
    sub.add_argument("pdf", metavar="PDF")
    sub.add_argument("--brochure", default="brochure", metavar="DIR")


def _run_check(args) -> int:
    from .checks.pdftext import ensure_readable
    from .load import load_brochure
    from .options import command_line_options

    pdf = Path(args.pdf)
    brochure = load_brochure(command_line_options(args.brochure, debug=args.debug))
    ensure_readable(pdf)
    return _check_all(pdf, brochure)


def _check_all(pdf: Path, brochure) -> int:
    """Every check on ``pdf`` and the screen edition beside it (checks/verdicts.py), what
    they found, the job ticket; 1 if any check fails."""
    from .checks.memo import PageMemo
    from .checks.verdicts import check_everything

    verdicts = check_everything(pdf, brochure, _screen_beside(pdf),
                                PageMemo.of_build(brochure.options))
    return _verdicts_said(pdf, brochure, verdicts)


def _screen_beside(pdf: Path) -> Path:
    return pdf.with_name(pdf.stem + "-screen.pdf")


def _verdicts_said(pdf: Path, brochure, said: list) -> int:
    """What the checks found, the job ticket; 1 if any check failed."""
    from .checks.verdicts import COMMANDS
    from .jobticket import job_ticket
    from .write import write_text

    screen = _screen_beside(pdf)
    verdicts = {v.name: v for v in said}
    failed = [COMMANDS[name] for name, v in verdicts.items() if not v.ok]
    print_diagnostics([d for v in verdicts.values() for d in v.findings])
    ticket = pdf.with_name(pdf.stem + "-jobticket.txt")
    said = verdicts["screen"]
    write_text(ticket, job_ticket(pdf, brochure, verdicts["preflight"].report,
                                  verdicts["contents"].report,
                                  verdicts["typography"].report.summary(),
                                  screen=f"{screen.name}: {said.summary}" if said.report or
                                  not said.ok else said.summary))
    verdict = "all checks pass" if not failed else "FAILED: " + ", ".join(failed)
    print(f"pamphlet: {pdf}: {verdict}; job ticket: {ticket}", file=sys.stderr)
    return 1 if failed else 0


def _add_check_screen(commands, common) -> None:
    sub = _subcommand(commands, common, "check-screen",
                      "Check the screen edition (NAME-screen.pdf) for PDF/UA-1 as the Matterhorn "
                      "Protocol tests it, and WCAG 2.2 contrast, reading only the PDF: structure "
                      "tree, marked content, headings, tables, links, languages, artifacts, "
                      "reading order, contrast on the rendered page. Exit 1 on any error, 2 "
                      "when the PDF cannot be read.", _run_check_screen)
    _checker(sub)
    sub.add_argument("pdf", metavar="PDF", help="the screen edition to check")
    sub.add_argument("--json", action="store_true",
                     help="print the report as JSON (with the Matterhorn conditions covered)")


def _run_check_screen(args) -> int:
    from .checks.screen import check_screen, report_json, report_text

    try:
        report = check_screen(Path(args.pdf))
    except UnreadablePDF as error:
        error.hint = "is it a tagged PDF? `pamphlet build --screen` writes NAME-screen.pdf"
        raise
    print(report_json(report) if args.json else report_text(report))
    return 0 if report.ok else 1


def _add_preflight(commands, common) -> None:
    sub = _subcommand(commands, common, "preflight",
                      "Check that a PDF is press-ready (PDF/X-4, CMYK, boxes, fonts, ink, "
                      "resolution), reading only the PDF: its trim, bleed and binding are the "
                      "ones it carries (/PamphletSpec). Exit 1 on any error.", _run_preflight)
    _checker(sub)
    sub.add_argument("pdf", metavar="PDF", help="the PDF to check")
    sub.add_argument("--fonts", default="fonts", metavar="DIR",
                     help="the folder with manifest.yaml: the only fonts allowed "
                          "(default: fonts)")
    sub.add_argument("--json", action="store_true", help="print the report as JSON")


def _run_preflight(args) -> int:
    """Print the report; exit 1 on any error, 0 otherwise, 2 when the PDF cannot be read."""
    from .checks.preflight import preflight, report_text

    try:
        report = preflight(Path(args.pdf), Path(args.fonts))
    except PamphletError as error:
        print_diagnostics(error.diagnostics)
        return 2
    return _show_report(report, args.json, report_text(report))


def _add_check_typography(commands, common) -> None:
    sub = _subcommand(commands, common, "check-typography",
                      "Check Japanese typesetting (JLREQ) on the rendered PDF: kinsoku, "
                      "justified lines at the edge, 和欧間 spaces, lonely last lines, "
                      "headlines broken inside a phrase. Exit 1 on violations.",
                      _run_check_typography)
    _checker(sub)
    sub.add_argument("pdf", metavar="PDF", help="the PDF to check")
    sub.add_argument("--json", action="store_true", help="print the report as JSON")


def _run_check_typography(args) -> int:
    """Exit 0 when the PDF keeps every rule, 1 on violations, 2 when it cannot be read."""
    from .checks.typography import check_typography

    report = check_typography(Path(args.pdf))
    return _show_report(report, args.json, report.summary(), report.diagnostics())


def _show_report(report, as_json: bool, text: str, diagnostics=()) -> int:
    """A check's report as JSON, or as its text and its diagnostics; exit 0 if it is ok."""
    import json

    if as_json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(text)
        print_diagnostics(list(diagnostics))
    return 0 if report.ok else 1


def _add_resident(commands, common) -> None:
    sub = _subcommand(commands, common, "resident",
                      "Serve the `build --resident` commands of a build folder from one warm "
                      "process (make pdf starts it): each runs in a forked child on the "
                      "caller's terminal. Stops after 20 idle minutes, when BUILD_DIR's "
                      "socket is removed (make clean), when its user has PAMPHLET_RESIDENTS "
                      "(3) others, or on SIGTERM.", _run_resident)
    sub.add_argument("build_dir", metavar="BUILD_DIR")
    sub.add_argument("served", nargs=argparse.REMAINDER, metavar="-- COMMAND",
                     help="the command that started it (its engines are made first)")


def _run_resident(args) -> int:
    from . import resident

    if not resident.supported():
        print_diagnostics([Diagnostic("a resident process needs Linux",
                                      hint="run `pamphlet build` without --resident")])
        return 1
    served = args.served[1:] if args.served[:1] == ["--"] else args.served
    resident.serve(Path(args.build_dir), served, run=main, options_of=_options_served)
    return 0


def _options_served(argv: list[str]):
    """The options of a `build` command line (None for another command, or none)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit:
        return None
    return _build_options(args) if getattr(args, "command", None) == "build" else None


def _add_watch(commands, common) -> None:
    sub = _subcommand(commands, common, "watch",
                      "Rebuild the PDF on every save in brochure/, layouts/ or fonts/; print the "
                      "time and the checks' verdict; keep the last good PDF when a save breaks "
                      "the build. Stop with Ctrl-C. A live preview (spreads, changed pages, "
                      "the checks' findings) is served on 127.0.0.1 only.", _run_watch)
    _add_paths(sub)
    sub.add_argument("--port", type=int, default=8765, metavar="N",
                     help="the preview's port on 127.0.0.1 (default 8765; 0: any free one)")
    sub.add_argument("--no-preview", action="store_true", help="no live preview")


def _run_watch(args) -> int:
    from .options import command_line_options
    from .watch import watch

    def show(rebuilt) -> None:
        if rebuilt.problems and rebuilt.pages is None:
            print_diagnostics(rebuilt.problems)
            print(f"pamphlet: build failed after {rebuilt.seconds:.1f} s; "
                  f"{args.out} is the last good PDF", file=sys.stderr, flush=True)
            return
        if not rebuilt.verdicts:            # the PDF is written; the checks run now
            print(f"pamphlet: rebuilt {args.out} in {rebuilt.seconds:.1f} s ({rebuilt.laid_out}): "
                  f"{rebuilt.pages} pages", file=sys.stderr, flush=True)
            return
        if rebuilt.problems:
            print_diagnostics(rebuilt.problems)
        for verdict in rebuilt.verdicts:
            print(f"pamphlet: {verdict.name}: {'ok' if verdict.ok else 'FAILED'}: "
                  f"{verdict.summary}", file=sys.stderr, flush=True)
        print(f"pamphlet: checked in {rebuilt.checked:.1f} s after the save", file=sys.stderr,
              flush=True)

    logging.getLogger("pamphlet").setLevel(logging.WARNING if args.quiet else logging.INFO)
    print(f"pamphlet: watching {args.brochure} (Ctrl-C stops)", file=sys.stderr, flush=True)
    options = command_line_options(args.brochure, args.out, args.debug, screen=True)
    if args.no_preview:
        watch(options, show)
        return 0
    from .fonts import load_fonts
    from .preview import Preview
    from .watch import watched_folders
    try:
        fonts = sorted((f for f in load_fonts(watched_folders(options)[-1]) if f.weight == 400),
                       key=lambda f: "Gothic" not in f.family)
    except PamphletError:
        fonts = []                 # the first rebuild says what is wrong with them
    try:
        preview = Preview(args.port, font=fonts[0].path if fonts else None).start()
    except OSError as error:
        print_diagnostics([Diagnostic(f"the preview cannot listen on 127.0.0.1:{args.port} "
                                      f"({error.strerror})", hint="pass --port 0 (any free "
                                      "port), another --port, or --no-preview")])
        return 1
    print(f"pamphlet: preview at {preview.url}", file=sys.stderr, flush=True)
    try:
        watch(options, show, preview=preview.state)
    finally:
        preview.stop()
    return 0


def _configure_logging(quiet: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("pamphlet: %(message)s"))
    logger = logging.getLogger("pamphlet")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False


if __name__ == "__main__":
    sys.exit(main())
