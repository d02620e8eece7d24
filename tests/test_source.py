"""source.py: hostile or broken YAML is one clear error at its line, never a traceback or a hang."""

import pytest

from pamphlet.diagnostics import PamphletError
from pamphlet.source import read_yaml

HOSTILE = {
    "a control character": ("heading: ok\nbody: \x07bell\n", 2, "YAML does not allow U+0007"),
    "a NUL byte": ("heading: a\x00b\n", 1, "YAML does not allow U+0000"),
    "a merge key": ("base: &b {x: 1}\nitem:\n  <<: *b\n", 3, "merge keys (<<) are not supported"),
    "an alias": ("a: &x text\nb: *x\n", 2, "anchors and aliases (&name, *name) are not supported"),
    "a recursive alias": ("a: &x [1, *x]\n", 1, "anchors and aliases"),
    "a billion laughs": ("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                         + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
                                   for i in range(8)), 2, "anchors and aliases"),
    "nesting too deep": ("a: " + "[" * 2000 + "]" * 2000 + "\n", 1, "nested more than 40 levels"),
    "a complex key": ("? [a, b]\n: c\n", 1, "a key must be a name, not a list or mapping"),
    "a null key": ("~: value\n", 1, "'~' cannot be a key"),
    "a date that does not exist": ("date: 2025-02-30\n", 1, "'2025-02-30' is not a value YAML can read"),
    "a lone surrogate": ('heading: "\\ud800"\n', 1, "text holds half of a character"),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_yaml_is_one_error_at_its_line(tmp_path, case):
    text, line, message = HOSTILE[case]
    path = tmp_path / "page.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PamphletError) as raised:
        read_yaml(path)
    [diagnostic] = raised.value.diagnostics
    assert (diagnostic.file, diagnostic.line) == (path, line)
    assert diagnostic.message.startswith(message), diagnostic.message
    assert diagnostic.hint


def test_a_folder_where_a_page_definition_should_be_is_one_error(tmp_path):
    folder = tmp_path / "page.yaml"
    folder.mkdir()
    with pytest.raises(PamphletError) as raised:
        read_yaml(folder)
    assert raised.value.diagnostics[0].message.startswith("cannot read page.yaml")
