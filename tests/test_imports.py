"""The modules of src/pamphlet import one another without a cycle (function-local imports,
and modules named in strings for importlib, count as imports)."""

import ast

from utils import ROOT

SOURCE = ROOT / "src"


def modules() -> dict:
    """Dotted module name -> file, for every module of the package."""
    found = {}
    for path in (SOURCE / "pamphlet").rglob("*.py"):
        parts = list(path.relative_to(SOURCE).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name: str, path, known: dict) -> set:
    """The package's modules that ``name`` imports, wherever in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]
        elif isinstance(node, ast.Constant) and node.value in known:
            targets = [node.value]               # importlib.import_module("pamphlet.x")
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def cycles(graph: dict) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while not component or component[-1] != node:
                component.append(stack.pop())
                on.discard(component[-1])
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_of_src_has_no_cycle():
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    assert cycles(graph) == []


def test_the_graph_sees_function_local_and_importlib_imports():
    # The checker itself, on what hid the cycles before: cli -> preflight by a string
    # for importlib, preflight -> cli inside a function.
    graph = {"a": {"b"}, "b": {"a"}, "c": set()}
    assert cycles(graph) == [["a", "b"]]
    known = modules()
    assert "pamphlet.build" in imports("pamphlet.cli", known["pamphlet.cli"], known)  # local
    assert "pamphlet.diff" in imports("pamphlet.cli", known["pamphlet.cli"], known)   # string
