"""Decide whether page data fits its layout's schema, and say where it does not."""

import difflib
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, PamphletError
from .source import Source, field_name, read_yaml

MAX_TEXT = 10_000     # characters in one field: an A4 page of body text holds about 3,000
MAX_ITEMS = 1_000     # items in one list
SCALAR_TYPES = {"text", "plain", "int", "bool", "asset", "data", "date"}


@dataclass
class Schema:
    """A layout's contract: how many pages it fills and the fields it takes."""

    name: str
    pages: int
    folio: bool
    fields: dict
    types: dict
    description: str = ""


def load_schema(path: Path, types: dict) -> Schema:
    """Read ``layouts/NAME.schema.yaml``; a type it names that no one defines is an error."""
    source = read_yaml(path)
    data = source.data
    fields = data.get("fields", {})
    raise_if_any(unknown_types(source, ("fields",), fields, types))
    return Schema(name=path.name.removesuffix(".schema.yaml"), pages=int(data.get("pages", 1)),
                  folio=bool(data.get("folio", True)), fields=fields,
                  types=types, description=data.get("description", ""))


def load_types(path: Path, known: dict | None = None) -> dict:
    """The named field types of ``_types.schema.yaml`` added to ``known`` (the kit's):
    a brochure's layouts see the kit's types and their own."""
    types = dict(known or {})
    if not path.exists():
        return types
    source = read_yaml(path)
    own = source.data.get("types", {}) or {}
    types.update(own)
    for name, spec in own.items():
        raise_if_any(unknown_types(source, ("types", name), {None: spec}, types))
    return types


STRUCTURED_TYPES = {"list", "map"}


def unknown_types(source: Source, path: tuple, fields: dict, types: dict) -> list[Diagnostic]:
    """One error per field spec (under ``path`` in ``source``) whose type nobody defines."""
    found = []
    for key, spec in (fields or {}).items():
        here = path if key is None else path + (key,)
        if not isinstance(spec, dict):
            continue
        kind = spec.get("type", "text")
        if kind not in SCALAR_TYPES | STRUCTURED_TYPES and kind not in types:
            close = difflib.get_close_matches(str(kind), sorted(SCALAR_TYPES | STRUCTURED_TYPES
                                                                | set(types)), n=1)
            found.append(source.diagnostic(
                here + ("type",), f"unknown field type '{kind}' at {field_name(here)}",
                f"did you mean '{close[0]}'?" if close else "use one of: " + ", ".join(
                    sorted(SCALAR_TYPES | STRUCTURED_TYPES | set(types)))))
        if "items" in spec:
            found.extend(unknown_types(source, here, {"items": spec["items"]}, types))
        if "fields" in spec:
            found.extend(unknown_types(source, here + ("fields",), spec["fields"], types))
    return found


class Validator:
    """Walk data beside its schema; collect one diagnostic per problem."""

    def __init__(self, source: Source, types: dict, check_asset):
        self.source = source
        self.types = types
        self.check_asset = check_asset  # (value, path) -> Diagnostic | None
        self.diagnostics: list[Diagnostic] = []
        self.placeholders: list[tuple] = []   # paths of figures with no picture (FPO)

    def fields(self, data, fields: dict, path: tuple, skip=()) -> None:
        """Check a mapping against a field table: unknown, missing, each value."""
        if not isinstance(data, dict):
            self._error(path, f"{field_name(path)} must be a mapping of fields, not {_kind(data)}",
                        "write `key: value` lines indented under it")
            return
        for key in data:
            if key not in fields and key not in skip:
                self._unknown(key, list(fields) + list(skip), path)
        for key, spec in fields.items():
            if key in data and data[key] is not None:
                self.value(data[key], spec, path + (key,))
            elif spec.get("required"):
                self._error(path, f"missing required field '{field_name(path + (key,))}'",
                            f"add `{key}:` ({spec.get('doc') or spec.get('type')})")

    def value(self, value, spec: dict, path: tuple) -> None:
        """Check one value against its type."""
        kind = spec.get("type", "text")
        if kind == "figure" and isinstance(value, dict) and not value.get("image"):
            self.placeholders.append(path)
        if kind in self.types:
            merged = dict(self.types[kind])
            merged.update({k: v for k, v in spec.items() if k not in ("type", "fields")})
            if "fields" in spec:        # a use of a named map may add or tighten fields
                merged["fields"] = {**merged.get("fields", {}), **spec["fields"]}
            return self.value(value, merged, path)
        check = getattr(self, "_" + kind, None)
        if check is None:
            raise ValueError(f"schema uses unknown type {kind!r} at {field_name(path)}")
        check(value, spec, path)

    def _text(self, value, spec, path):
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self._error(path, f"{field_name(path)} must be text, not {_kind(value)}",
                        "write the text on the same line, or as a `|` block")
        elif isinstance(value, str) and len(value) > MAX_TEXT:
            self._error(path, f"{field_name(path)} is {len(value):,} characters, more than "
                        f"any page holds ({MAX_TEXT:,})", "split it over page definitions")
        elif "choices" in spec and value not in spec["choices"]:
            choices = [str(c) for c in spec["choices"]]
            close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.5)
            self._error(path, f"{field_name(path)} is '{value}', not one of the choices",
                        (f"did you mean '{close[0]}'? " if close else "") +
                        "write one of: " + ", ".join(choices))

    _plain = _text

    def _int(self, value, spec, path):
        if not isinstance(value, int) or isinstance(value, bool):
            self._error(path, f"{field_name(path)} must be a whole number, not {_kind(value)}",
                        "write digits only, e.g. `3`")

    def _bool(self, value, spec, path):
        if not isinstance(value, bool):
            self._error(path, f"{field_name(path)} must be true or false, not {_kind(value)}",
                        "write `true` or `false`")

    def _date(self, value, spec, path):
        import datetime
        if not isinstance(value, datetime.date):
            self._error(path, f"{field_name(path)} must be a date, not {_kind(value)}",
                        "write it as YYYY-MM-DD, e.g. 2025-03-01")

    def _asset(self, value, spec, path):
        if not isinstance(value, str):
            self._error(path, f"{field_name(path)} must be a file path, not {_kind(value)}",
                        "write a path relative to brochure/, e.g. assets/art/cover.svg")
            return
        problem = self.check_asset(value, path)
        if problem:
            self.diagnostics.append(problem)

    _data = _asset

    def _list(self, value, spec, path):
        if not isinstance(value, list):
            self._error(path, f"{field_name(path)} must be a list, not {_kind(value)}",
                        "write each item on its own line starting with `- `")
            return
        if len(value) > MAX_ITEMS:
            self._error(path, f"{field_name(path)} lists {len(value):,} items, more than any "
                        f"layout sets ({MAX_ITEMS:,})", "split it over page definitions")
            return
        for index, item in enumerate(value):
            self.value(item, spec.get("items", {"type": "text"}), path + (index,))

    def _map(self, value, spec, path):
        self.fields(value, spec.get("fields", {}), path)

    def _unknown(self, key, known, path):
        close = difflib.get_close_matches(str(key), [str(k) for k in known], n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else \
            "known fields: " + ", ".join(str(k) for k in known)
        line, column = self.source.where(path + (key, "__key__"))
        self.diagnostics.append(Diagnostic(f"unknown field '{field_name(path + (key,))}'",
                                           self.source.path, line, column, hint))

    def _error(self, path, message, hint):
        self.diagnostics.append(self.source.diagnostic(path, message, hint))


def with_defaults(data, fields: dict, types: dict):
    """``data`` with each missing field that has a ``default:`` filled in, in maps and in
    lists of maps too (a word a reader sees may have a default in the schema)."""
    if not isinstance(data, dict):
        return data
    filled = dict(data)
    for key, spec in fields.items():
        spec = _named(spec, types)
        if filled.get(key) is None and "default" in spec:
            filled[key] = spec["default"]
        elif key in filled:
            filled[key] = _value_defaults(filled[key], spec, types)
    return filled


def _value_defaults(value, spec: dict, types: dict):
    if spec.get("type") == "map":
        return with_defaults(value, spec.get("fields", {}), types)
    if spec.get("type") == "list" and isinstance(value, list):
        items = _named(spec.get("items", {}), types)
        return [_value_defaults(item, items, types) for item in value]
    return value


def _named(spec: dict, types: dict, depth: int = 0) -> dict:
    """A field spec with its named type's spec under it (as Validator.value merges them)."""
    kind = spec.get("type", "text")
    if kind not in types or depth > 8:
        return spec
    merged = dict(_named(types[kind], types, depth + 1))
    merged.update({k: v for k, v in spec.items() if k not in ("type", "fields")})
    if "fields" in spec:
        merged["fields"] = {**merged.get("fields", {}), **spec["fields"]}
    return merged


def _kind(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if value is None:
        return "nothing"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"the text '{value}'"


def raise_if_any(diagnostics: list[Diagnostic]) -> None:
    if diagnostics:
        raise PamphletError(diagnostics)
