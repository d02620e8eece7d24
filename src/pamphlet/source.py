"""Read YAML files and remember where every value stands in them."""

import copy
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .diagnostics import Diagnostic, PamphletError

Path_ = tuple  # a path into the data: ('sections', 2, 'body', 0)


@dataclass
class Source:
    """Parsed YAML data plus the line and column of every key and value."""

    path: Path
    data: object
    positions: dict = field(default_factory=dict)  # Path_ -> (line, column)

    def where(self, path: Path_) -> tuple[int, int]:
        """Line and column (1-based) of a value, or of its nearest parent."""
        path = tuple(path)
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def diagnostic(self, path: Path_, message: str, hint: str | None = None,
                   severity: str = "error") -> Diagnostic:
        line, column = self.where(path)
        return Diagnostic(message, self.path, line, column, hint, severity)


def field_name(path: Path_) -> str:
    """Spell a data path the way a designer reads it: sections[2].body[0]."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top level)"


def read_yaml(path: Path) -> Source:
    """Parse one YAML file; raise a diagnostic at the broken line if it is not YAML.

    A warm process (``pamphlet watch``) parses a file again only when it changed.
    """
    try:
        stat = path.stat()
    except OSError:
        return _read_yaml(path)
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _PARSED:
        _PARSED.clear() if len(_PARSED) > 512 else None
        _PARSED[key] = _read_yaml(path)
    return copy.deepcopy(_PARSED[key])


_PARSED: dict = {}


def _read_yaml(path: Path) -> Source:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PamphletError(Diagnostic(f"file not found: {path.name}", path,
                                       hint="check the name in brochure.yaml's `pages` list")) from None
    except UnicodeDecodeError as error:
        raise PamphletError(Diagnostic(f"not UTF-8 text ({error.reason})", path,
                                       hint="save the file as UTF-8")) from None
    try:
        node = yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.MarkedYAMLError:
        try:                       # PyYAML's own parser words the problem, and says where
            yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as error:
            raise PamphletError(_syntax_diagnostic(path, error)) from None
        raise
    source = Source(path, None)
    try:
        source.data = _convert(node, (), source) if node is not None else {}
    finally:
        _CONSTRUCTOR.constructed_objects.clear()
    return source


def _syntax_diagnostic(path: Path, error: yaml.MarkedYAMLError) -> Diagnostic:
    """Point at where the broken construct starts (an unclosed [ or quote), if known."""
    mark = error.problem_mark
    problem = error.problem or "invalid YAML"
    if error.context and error.context_mark and mark and error.context_mark.line != mark.line:
        where = f"line {mark.line + 1}, column {mark.column + 1}"
        problem = f"{error.context.replace('while parsing a', 'unclosed')}: {problem} at {where}"
        mark = error.context_mark
    elif error.context:
        problem = f"{error.context}, {problem}"
    return Diagnostic(f"YAML syntax error: {problem}", path,
                      mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                      hint="check indentation and quoting on this line; "
                           "quote text that starts with 「 [ { * or contains ': '")


def _convert(node, path: Path_, source: Source):
    source.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        return _convert_mapping(node, path, source)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), source) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node):
    """Construct a scalar with YAML's own rules (ints, booleans, dates, strings)."""
    return _CONSTRUCTOR.construct_object(node, deep=True)


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # libyaml, when PyYAML has it
_CONSTRUCTOR = yaml.SafeLoader("")


def _convert_mapping(node, path: Path_, source: Source) -> dict:
    result = {}
    for key_node, value_node in node.value:
        key = _scalar(key_node)
        if key in result:
            raise PamphletError(Diagnostic(
                f"duplicate key '{key}'", source.path, key_node.start_mark.line + 1,
                key_node.start_mark.column + 1, "each key may appear once in a mapping"))
        result[key] = _convert(value_node, path + (key,), source)
        source.positions.setdefault(path + (key, "__key__"),
                                    (key_node.start_mark.line + 1, key_node.start_mark.column + 1))
    return result
