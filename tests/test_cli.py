"""The command line: every command has help text and an example."""

import pytest

from pamphlet.cli import EXAMPLES, _parser
from utils import run

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
