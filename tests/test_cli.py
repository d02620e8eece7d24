"""The command line: every command has help text and an example; errors are one line
and a hint, a traceback only with --debug."""

import subprocess
import sys

import pytest

from pamphlet.cli import EXAMPLES, _parser
from utils import edit, run

COMMANDS = sorted(EXAMPLES)


def test_every_command_is_listed_with_an_example():
    parser = _parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    assert sorted(subparsers.choices) == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = run(command, "--help")
    assert result.code == 0
    assert f"usage: pamphlet {command}" in result.out
    assert f"example: {EXAMPLES[command]}" in result.out
    assert len(result.out.splitlines()) > 4


def test_no_command_prints_help_and_exits_2():
    result = run()
    assert result.code == 2
    assert "COMMAND" in result.out


def pamphlet(*args, cwd) -> subprocess.CompletedProcess:
    """The `pamphlet` command in a process of its own (a traceback is Python's to print)."""
    return subprocess.run([sys.executable, "-m", "pamphlet", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_a_yaml_error_is_one_error_at_its_line_and_a_traceback_only_with_debug(mini, tmp_path):
    edit(mini / "pages" / "alpha.yaml", "\nheading: はじまりの章", "\nheading: [はじまりの章")
    build = ("build", "--brochure", mini, "--out", tmp_path / "out.pdf", "--quiet")
    message = ("YAML syntax error: unclosed flow sequence: expected ',' or ']', but got ':' "
               "at line 5, column 5")

    plain = pamphlet(*build, cwd=mini)
    assert plain.returncode == 1
    assert plain.stderr.splitlines() == [
        f"error: pages/alpha.yaml:4:10: {message}",
        "hint: check indentation and quoting on this line; quote text that starts with 「 [ "
        "{ * or contains ': '"]

    debug = pamphlet(*build, "--debug", cwd=mini)
    assert debug.returncode == 1
    assert debug.stderr.startswith("Traceback (most recent call last):\n")
    assert debug.stderr.splitlines()[-1] == f"pamphlet.diagnostics.PamphletError: {message}"


def _calling_itself(mini):
    """The fixture's layout made to call a macro of its own for ever: an error pamphlet
    has no diagnostic for (Python's RecursionError, in the render stage)."""
    layout = mini / "layouts" / "plain.html.j2"
    layout.write_text("{% macro again() %}{{ again() }}{% endmacro %}{{ again() }}\n"
                      + layout.read_text(encoding="utf-8"), encoding="utf-8")
    return ("build", "--brochure", mini, "--out", mini.parent / "out.pdf", "--quiet",
            "--jobs", "1")


def test_an_error_pamphlet_has_no_words_for_is_a_traceback_with_debug(mini):
    debug = pamphlet(*_calling_itself(mini), "--debug", cwd=mini)
    assert debug.returncode == 1
    assert debug.stderr.startswith("Traceback (most recent call last):\n")
    # (CPython words the end after where the limit is met: "... while calling a Python object")
    assert debug.stderr.splitlines()[-1].startswith(
        "RecursionError: maximum recursion depth exceeded")


def test_an_error_pamphlet_has_no_words_for_is_one_error_line_without_debug(mini):
    plain = pamphlet(*_calling_itself(mini), cwd=mini)
    assert plain.returncode == 1
    assert "Traceback" not in plain.stderr
    errors = [line for line in plain.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "RecursionError" in errors[0], plain.stderr[-2000:]
