"""checks/verdicts.py: the one runner of every check, forked or in this process."""

import pytest

from pamphlet.checks import verdicts as verdicts_module
from pamphlet.checks.memo import PageMemo
from pamphlet.checks.verdicts import CHECKS, check_everything
from pamphlet.load import load_brochure
from pamphlet.options import command_line_options
from utils import ROOT


@pytest.fixture(scope="module")
def brochure():
    return load_brochure(command_line_options(ROOT / "brochure"))


def test_forked_or_here_the_verdicts_are_the_same(guide_pdf, guide_screen_pdf, brochure,
                                                  monkeypatch):
    pools = []
    real = verdicts_module.ProcessPoolExecutor
    monkeypatch.setattr(verdicts_module, "ProcessPoolExecutor", lambda *args, **kwargs: (
        pools.append(args), real(*args, **kwargs))[1])
    said = {}
    for fork_from in (0, 10 ** 6):            # every check forked; every check here
        monkeypatch.setattr(verdicts_module, "FORK_FROM", fork_from)
        memo = PageMemo()
        said[fork_from] = check_everything(guide_pdf, brochure, guide_screen_pdf, memo)
        assert len(pools) == 1                 # forked the first time only
        assert memo.read == {"text": 36, "typography": 36, "preflight": 36, "screen": 36}
    assert said[0] == said[10 ** 6] and [v.name for v in said[0]] == list(CHECKS)
    assert all(v.ok for v in said[0])


def test_after_an_edit_the_checks_run_here_and_read_only_what_changed(guide_pdf, brochure,
                                                                      tmp_path, monkeypatch):
    from checks.test_memo import painted

    memo = PageMemo()
    check_everything(guide_pdf, brochure, None, memo)
    assert memo.unread(guide_pdf, "preflight") == 0
    changed = painted(guide_pdf, tmp_path / "changed.pdf", page=7)
    assert memo.unread(changed, "preflight") == 1 < verdicts_module.FORK_FROM
    monkeypatch.setattr(verdicts_module, "ProcessPoolExecutor", None)    # forking fails
    verdicts = check_everything(changed, brochure, None, memo)
    assert memo.read == {"text": 1, "typography": 1, "preflight": 1}
    assert [v.name for v in verdicts] == list(CHECKS)


def test_while_the_build_merges_a_forked_preflight_waits_for_the_screen_edition(
        guide_pdf, guide_screen_pdf, brochure, monkeypatch):
    # Three processes at once (the build, its screen merge, a forked preflight) cost
    # memory for no time on two cores: preflight starts with the screen check.
    from pamphlet.checks.verdicts import Checking

    monkeypatch.setattr(verdicts_module, "FORK_FROM", 0)     # every check forks
    started = []                                   # the checks begun, after each step
    with Checking(PageMemo(), merging=True) as checking:
        checking.print_written(guide_pdf, brochure)
        started.append(sorted(checking.done))
        checking.screen_written(guide_screen_pdf)
        started.append(sorted(checking.done))
        merged = checking.verdicts()
    with Checking(PageMemo()) as checking:
        checking.print_written(guide_pdf, brochure)
        started.append(sorted(checking.done))
        checking.screen_written(guide_screen_pdf)
        alone = checking.verdicts()
    assert started == [["contents", "typography"], ["contents", "preflight", "screen",
                                                     "typography"],
                       ["contents", "preflight", "typography"]]
    assert merged == alone and all(v.ok for v in merged)


def test_the_screen_check_of_the_merging_process_is_adopted(guide_pdf, guide_screen_pdf,
                                                            brochure, tmp_path, monkeypatch):
    # build.py's ``screened``: the process that wrote the screen edition checks it and
    # hands back its verdict and what it read; this process's memo then knows the page.
    from functools import partial

    from checks.test_memo import painted
    from pamphlet import workers
    from pamphlet.checks.verdicts import Checking

    memo = PageMemo()
    alone = check_everything(guide_pdf, brochure, guide_screen_pdf, memo)
    changed = painted(guide_screen_pdf, tmp_path / "changed-screen.pdf", page=5)
    assert memo.unread(changed, "screen") == 1
    with Checking(memo, merging=True) as checking:
        checking.print_written(guide_pdf, brochure)
        with workers.beside(partial(checking.check_screen_here, changed), 2,
                            "checking") as beside:
            checked = beside.result()                   # found in a forked process
        monkeypatch.setattr(verdicts_module, "_screen", None)   # none checked here
        checking.screen_written(changed, checked)
        verdicts = checking.verdicts()
    assert checked is not None and checked[0] == verdicts[-1]
    assert [v.name for v in verdicts] == list(CHECKS) and verdicts[:3] == alone[:3]
    assert memo.unread(changed, "screen") == 0 and memo.read["screen"] == 1   # adopted
