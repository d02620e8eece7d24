"""build(): the print PDF is written, and told, while the screen edition is merged beside it."""

import os
from pathlib import Path

from pamphlet.build import build
from pamphlet.options import command_line_options
from utils import edit, pdf_text, squeeze


def _children() -> set[int]:
    """This process's live child processes (Linux)."""
    return {int(pid) for task in Path("/proc/self/task").iterdir()
            for pid in (task / "children").read_text().split()}


def _told(options):
    """A ``printed`` callback that notes what is on disk when it is called, and the child
    processes that were not there before."""
    seen, before = [], _children()

    def printed(result):
        seen.append({"print": squeeze("".join(pdf_text(result.pdf))),
                     "screen": options.screen_pdf.read_bytes() if options.screen_pdf.exists()
                     else None,
                     "children": _children() - before, "before": before})
    return seen, printed


def test_the_print_pdf_is_told_while_the_screen_edition_is_merged(mini, tmp_path):
    options = command_line_options(mini, tmp_path / "pamphlet.pdf", screen=True, jobs=2)
    seen, printed = _told(options)
    build(options, printed=printed)
    assert len(seen) == 1
    assert seen[0]["screen"] is None                  # not written yet
    assert seen[0]["children"]                        # being merged in a forked process
    first_screen = options.screen_pdf.read_bytes()

    edit(mini / "pages/gamma.yaml", "最後の章です。", "書き直した最後の章です。")
    seen, printed = _told(options)
    build(options, printed=printed)
    assert "書き直した最後の章です。" in seen[0]["print"]     # the new print PDF
    assert seen[0]["screen"] == first_screen            # the screen edition still the last
    assert options.screen_pdf.read_bytes() != first_screen
    assert not _children() - seen[0]["before"]          # the merging process has ended


def test_with_one_job_nothing_is_forked(mini, tmp_path):
    options = command_line_options(mini, tmp_path / "pamphlet.pdf", screen=True, jobs=1)
    seen, printed = _told(options)
    build(options, printed=printed)
    assert seen[0]["children"] == set() and seen[0]["screen"] is None
    assert options.screen_pdf.exists()
    assert os.path.getsize(options.screen_pdf) > 1000
