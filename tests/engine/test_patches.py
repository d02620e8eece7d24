"""patches.py: every replacement of WeasyPrint is in the inventory, and can be undone."""

import json
import subprocess
import sys

import pytest

from pamphlet.engine import patches
from pamphlet.engine.layout import install
from utils import ROOT


def test_another_weasyprint_is_refused_with_what_to_do(monkeypatch):
    import weasyprint
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(patches.UnsupportedWeasyPrint, match="pin weasyprint==70.0"):
        install()


def test_a_source_patch_fails_loudly_when_its_code_is_not_there():
    with pytest.raises(patches.UnsupportedWeasyPrint, match="exactly once"):
        patches.source_patch("no such code", "x")(patches.check_version)


def test_installing_twice_patches_the_originals_once():
    from weasyprint.layout import inline
    install()
    first = inline.justify_line
    install()
    assert inline.justify_line is first
    patches.restore("typography")
    assert inline.justify_line is not first
    install()
    assert inline.justify_line is not first      # made again from the original


def test_every_row_names_a_test_that_exists():
    for patch in patches.INVENTORY:
        assert (ROOT / patch.test).is_file(), patch


# In a fresh interpreter: every attribute of every WeasyPrint module and class (and
# ctypes.util), before, with every group in place, and after restoring them.
SNAPSHOT = r"""
import ctypes.util, importlib, inspect, json, sys
import weasyprint, weasyprint.document, weasyprint.draw.text, weasyprint.pdf.tags
import weasyprint.pdf.stream, weasyprint.pdf.fonts, weasyprint.layout.flex
import weasyprint.layout.grid, weasyprint.layout.page
from pamphlet.engine import patches, layout

def snapshot():
    seen = {}
    modules = [m for n, m in sorted(sys.modules.items())
               if m is not None and (n == "weasyprint" or n.startswith("weasyprint."))]
    for module in modules + [ctypes.util]:
        for name, value in list(vars(module).items()):
            seen[f"{module.__name__}:{name}"] = id(value)
            if inspect.isclass(value) and value.__module__ == module.__name__:
                for attribute, inner in list(vars(value).items()):
                    seen[f"{module.__name__}:{name}.{attribute}"] = id(inner)
    return seen

def changed(before, after):
    return sorted(k for k in before.keys() | after.keys() if after.get(k) != before.get(k))

pristine = snapshot()
layout.install()
permanent = changed(pristine, snapshot())
with patches.patched("part", store=None, files={}, blobs=[]), patches.patched("tagged"), \
        patches.patched("screen", parents={}, named=set()), \
        patches.patched("import", listing=b""):
    drawing = changed(pristine, snapshot())
for group in ("typography", "speedups", "output"):
    patches.restore(group)
print(json.dumps({"permanent": permanent, "drawing": drawing,
                  "after": changed(pristine, snapshot())}))
"""


def test_the_inventory_is_complete_and_restorable():
    result = subprocess.run([sys.executable, "-c", SNAPSHOT], capture_output=True, text=True,
                            check=True)
    seen = json.loads(result.stdout)
    permanent = {p.target for g in ("typography", "speedups", "output") for p in patches.rows(g)}
    assert set(seen["permanent"]) == permanent
    assert set(seen["drawing"]) == {p.target for p in patches.INVENTORY}
    assert seen["after"] == []


def test_nothing_outside_the_engine_touches_weasyprint():
    # engine/ is the one package that imports WeasyPrint (or pydyf, its PDF writer):
    # reading its boxes, subclassing its images, replacing its names. Every
    # replacement's factory lives there too, so an upgrade reads engine/ alone.
    import ast
    source = ROOT / "src" / "pamphlet"
    touching = []
    for path in sorted(source.rglob("*.py")):
        if path.parent.name == "engine":
            continue
        tree = ast.parse(path.read_text())
        touching += [f"{path.relative_to(source)}: {name}" for name in sorted(
            _weasyprint_names(tree, ("weasyprint", "pydyf")))]
    assert touching == []
    assert [p.make for p in patches.INVENTORY if not p.make.startswith("pamphlet.engine.")] == []


def test_the_import_finder_sees_every_form_of_import():
    import ast
    tree = ast.parse("from weasyprint.pdf import stream as s, tags\nimport pydyf\n"
                     "def f():\n    import weasyprint.images\n")
    assert _weasyprint_names(tree, ("weasyprint", "pydyf")) == {"s", "tags", "pydyf",
                                                                 "weasyprint"}
    assert _weasyprint_names(tree) == {"s", "tags", "weasyprint"}


def _weasyprint_names(tree, packages=("weasyprint",)) -> set:
    """The names a module binds to WeasyPrint's modules and objects by importing them
    (or to ``packages``')."""
    import ast
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(packages):
            names |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.asname or alias.name.split(".")[0] for alias in node.names
                      if alias.name.startswith(packages)}
    return names
