"""Show what changed on the pages between two PDFs: ``pamphlet diff OLD NEW --report DIR``.

The diff runs in stages, one module each (`compare.py` strings them together):

1. fingerprint (`fingerprint.py`) each page -> a digest of what it draws inside its
                                  BleedBox, read from the PDF objects: no rasterising
2. align       (`align.py`)       equal digests anchor the two page sequences; the pages
                                  between are paired by text and picture, or are added/removed
3. look        (`look.py`)        only the pages that may differ: rendered inside the
                                  BleedBox, with their characters
4. compare     (`pixels.py`)      changed pixels beyond anti-aliasing -> share and regions
               (`textdiff.py`)    changed characters (Japanese: by character)
5. trace       (`moves.py`)       text that moved to another page; regions reflowed or restyled
               (`sources.py`)     the field behind each change (the builds' field maps), or
                                  the theme, layout, font or code files that changed instead
               (`review/`)        approvals changed since approval, comments where they are now
6. report      (`report.py`)      DIR/index.html, DIR/report.json, pictures of changed pages
                                  (`webfont.py`: the project's fonts, subset, inside the page)

Ignore regions (`ignore.py`) come from ``--ignore`` and the page definitions.
This module holds the command; the CLI plugs it in (see cli.PLUGGED).
"""

import json
from pathlib import Path

EXIT_SAME, EXIT_CHANGED, EXIT_ERROR = 0, 1, 2


def add_arguments(parser) -> None:
    """The command line of ``pamphlet diff``."""
    from .ignore import parse_ignore
    from .model import DiffOptions

    defaults = DiffOptions()
    parser.add_argument("old", metavar="OLD.pdf", help="the approved PDF")
    parser.add_argument("new", metavar="NEW.pdf", help="the PDF to review")
    parser.add_argument("--report", metavar="DIR",
                        help="write DIR/index.html (open it offline) and DIR/report.json")
    parser.add_argument("--json", action="store_true", help="print report.json's facts")
    parser.add_argument("--dpi", type=_positive, default=defaults.dpi,
                        help=f"resolution to compare and show pages at (default {defaults.dpi:g})")
    parser.add_argument("--tolerance", type=_channel, default=defaults.tolerance,
                        help="per-channel difference (0-255) that is still the same colour "
                             f"(default {defaults.tolerance})")
    parser.add_argument("--min-area", type=int, default=defaults.min_area, metavar="PIXELS",
                        help="changed pixels a region needs to count "
                             f"(default {defaults.min_area})")
    parser.add_argument("--ignore", type=parse_ignore, action="append", default=[],
                        metavar="PAGE:x,y,w,h",
                        help="a box (mm from the trim's top left) of new page PAGE, or of "
                             "every page with *, that may change; repeatable")
    parser.add_argument("--brochure", metavar="DIR",
                        help="also ignore the boxes the new brochure's page definitions "
                             "declare under ignore:")
    parser.add_argument("--approvals", type=Path, metavar="FILE",
                        help="review/approvals.yaml: approved pages changed since approval "
                             "first, and the comments of comments.yaml beside it")
    parser.add_argument("--fonts", type=Path, metavar="DIR",
                        help="the fonts the report's text is set in (default: pamphlet's fonts/)")
    parser.add_argument("--changes", type=Path, metavar="FILE",
                        help="git's changes as make diff writes them (changes.json): each "
                             "changed field's own lines of git diff")


def command(args) -> int:
    """Run the diff: exit 0 when no page changed, 1 when any did, 2 on error."""
    from ..checks.pdftext import UnreadablePDF
    from ..report import print_diagnostics
    from ..diagnostics import Diagnostic, PamphletError
    from .compare import diff_pdfs

    try:
        options = _options(args)
        if options.approvals is not None:           # a broken file: said before any work
            from ..review import check_files

            check_files(options.approvals)
        result = diff_pdfs(Path(args.old), Path(args.new), options)
    except (PamphletError, UnreadablePDF) as error:
        if args.debug:
            raise
        print_diagnostics(getattr(error, "diagnostics", None) or [Diagnostic(
            str(error), hint=getattr(error, "hint", "is it a PDF? was the build finished?"))])
        return EXIT_ERROR
    _show(result, args)
    return EXIT_CHANGED if result.differs else EXIT_SAME


def _options(args):
    """Defaults < command line; the brochure's ignore boxes join --ignore's."""
    from .model import DiffOptions

    ignore = tuple(args.ignore)
    if args.brochure:
        from .ignore import brochure_ignores

        ignore += tuple(brochure_ignores(Path(args.brochure)))
    return DiffOptions(dpi=args.dpi, tolerance=args.tolerance, min_area=args.min_area,
                       ignore=ignore, changes=args.changes, approvals=args.approvals,
                       fonts=args.fonts)


def _show(result, args) -> None:
    """The report folder, then the terminal: the facts as JSON, or one summary line."""
    if args.report:
        from .report import write_report

        write_report(result, Path(args.report))
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(result.summary())


def _positive(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 10 <= value <= 1200:
        raise argparse.ArgumentTypeError(f"{text} dpi is out of range: use 10 to 1200")
    return value


def _channel(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 0 <= value <= 255:
        raise argparse.ArgumentTypeError(f"tolerance {value} is out of range: use 0 to 255")
    return value
