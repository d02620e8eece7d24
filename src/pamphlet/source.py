"""Read YAML files and remember where every value stands in them."""

import pickle
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
    if key in _PARSED:
        return pickle.loads(_PARSED[key])      # a copy of its own: callers may change it
    _PARSED.clear() if len(_PARSED) > 512 else None
    source = _read_yaml(path)
    _PARSED[key] = pickle.dumps(source)        # (C speed: copy.deepcopy took a tenth of
    return source                              # the guide's loading)


_PARSED: dict = {}        # (path, mtime, size) -> the pickled Source


MAX_BYTES = 2_000_000       # a page definition is text a person types; far more is a mistake
MAX_DEPTH = 40              # nesting deeper than any layout's fields


def _read_yaml(path: Path) -> Source:
    text = _read_text(path)
    try:
        node = yaml.compose(text, Loader=_FAST_LOADER)
    except RecursionError:
        raise PamphletError(_too_deep(path)) from None
    except yaml.YAMLError:
        try:                       # PyYAML's own parser words the problem, and says where
            node = yaml.compose(text, Loader=yaml.SafeLoader)      # (and reads "\ud800")
        except yaml.MarkedYAMLError as error:
            raise PamphletError(_syntax_diagnostic(path, error)) from None
        except yaml.YAMLError as error:        # a character YAML does not allow
            raise PamphletError(_reader_diagnostic(path, error)) from None
        except RecursionError:
            raise PamphletError(_too_deep(path)) from None
    source = Source(path, None)
    try:
        source.data = _convert(node, (), source, set()) if node is not None else {}
    finally:
        _CONSTRUCTOR.constructed_objects.clear()
    return source


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise PamphletError(Diagnostic(
                f"{path.name} is {path.stat().st_size:,} bytes, more than a page definition "
                f"holds ({MAX_BYTES:,})", path, hint="split it, or move data to data/"))
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PamphletError(Diagnostic(f"file not found: {path.name}", path,
                                       hint="check the name in brochure.yaml's `pages` list")) from None
    except UnicodeDecodeError as error:
        raise PamphletError(Diagnostic(f"not UTF-8 text ({error.reason})", path,
                                       hint="save the file as UTF-8")) from None
    except OSError as error:                  # a folder, a file without read permission
        raise PamphletError(Diagnostic(f"cannot read {path.name}: {error.strerror}", path,
                                       hint="a page definition is a YAML file")) from None


def _too_deep(path: Path) -> Diagnostic:
    return Diagnostic(f"nested more than {MAX_DEPTH} levels deep", path, 1, 1,
                      "no layout takes fields this deep: check the brackets and the indentation")


def _reader_diagnostic(path: Path, error) -> Diagnostic:
    position = getattr(error, "position", None)
    text = path.read_text(encoding="utf-8")
    line = text.count("\n", 0, position) + 1 if position is not None else None
    column = position - text.rfind("\n", 0, position) if position is not None else None
    character = getattr(error, "character", None)
    code = ord(character) if isinstance(character, str) else character
    what = f"U+{code:04X}" if isinstance(code, int) else "a character"
    return Diagnostic(f"YAML does not allow {what} here", path, line, column,
                      hint="delete the invisible control character (copied from another program?)")


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


def _convert(node, path: Path_, source: Source, seen: set, holder=None):
    """``seen``: every node converted so far. YAML's composer makes an alias (*name) the
    node it names, so a node met twice is an alias, and might repeat without end; it is
    said at its ``holder`` (the key or list that holds it: the node is the anchor's)."""
    if id(node) in seen:
        raise _problem(source, holder or node, "anchors and aliases (&name, *name) are not "
                       "supported", "write the value out where it is used")
    source.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    seen.add(id(node))
    if len(path) > MAX_DEPTH:
        raise _problem(source, node, f"nested more than {MAX_DEPTH} levels deep",
                       "no layout takes fields this deep: check the indentation")
    if isinstance(node, yaml.MappingNode):
        return _convert_mapping(node, path, source, seen)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), source, seen, node)
                for i, item in enumerate(node.value)]
    return _scalar(node, source)


def _scalar(node, source: Source):
    """Construct a scalar with YAML's own rules (ints, booleans, dates, strings)."""
    try:
        value = _CONSTRUCTOR.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError) as error:
        raise _problem(source, node, f"'{node.value}' is not a value YAML can read "
                       f"({str(error).splitlines()[0]})",
                       "a date is YYYY-MM-DD and must exist; quote text that looks like one") \
            from None
    if isinstance(value, str) and any("\ud800" <= c <= "\udfff" for c in value):
        raise _problem(source, node, "text holds half of a character (a lone surrogate, "
                       "e.g. \\ud800)", "write the character itself, not its escape")
    return value


def _problem(source: Source, node, message: str, hint: str) -> PamphletError:
    return PamphletError(Diagnostic(message, source.path, node.start_mark.line + 1,
                                    node.start_mark.column + 1, hint))


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # libyaml, when PyYAML has it
_CONSTRUCTOR = yaml.SafeLoader("")


def _convert_mapping(node, path: Path_, source: Source, seen: set) -> dict:
    result = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise _problem(source, key_node, "merge keys (<<) are not supported",
                           "write the fields out in this mapping")
        if not isinstance(key_node, yaml.ScalarNode):
            raise _problem(source, key_node, "a key must be a name, not a list or mapping",
                           "write `name: value`")
        key = _scalar(key_node, source)
        if key is None or isinstance(key, (bool, float)):
            raise _problem(source, key_node, f"'{key_node.value}' cannot be a key",
                           "write a field name, e.g. `heading:`")
        if key in result:
            raise PamphletError(Diagnostic(
                f"duplicate key '{key}'", source.path, key_node.start_mark.line + 1,
                key_node.start_mark.column + 1, "each key may appear once in a mapping"))
        result[key] = _convert(value_node, path + (key,), source, seen, key_node)
        source.positions.setdefault(path + (key, "__key__"),
                                    (key_node.start_mark.line + 1, key_node.start_mark.column + 1))
    return result
