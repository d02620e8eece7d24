"""Decide what of WeasyPrint pamphlet replaces: one table, one mechanism, originals kept.

Every name pamphlet replaces in WeasyPrint (or in the libraries it loads with)
is a row of `INVENTORY`: the name, the group it belongs to, the factory that
makes the replacement from the original, why, and the test that guards it.
Nothing else in pamphlet assigns to WeasyPrint (tests/engine/test_patches.py
compares every attribute of every WeasyPrint module and class before and after).

- `install(group)` puts a permanent group in place (idempotent), wrapping the
  original pristine function; `restore(group)` puts the originals back;
- `patched(group, **state)` puts a group in place for a ``with`` block only
  (drawing a part: fonts and profiles left out), wrapping whatever is there.

A source patch (`source_patch`) recompiles one function with an exact piece of
its code replaced, and fails loudly when that piece is not found, rather than
patch a different WeasyPrint. The version is checked once, by `check_version`.
"""

import importlib
import inspect
import textwrap
from contextlib import contextmanager
from dataclasses import dataclass

PINNED = "70.0"


class UnsupportedWeasyPrint(RuntimeError):
    """The installed WeasyPrint is not the version the patches were written against."""


@dataclass(frozen=True)
class Patch:
    target: str      # "module:Owner.name" or "module:name"
    group: str
    make: str        # "module:factory", factory(original, **state) -> replacement
    why: str
    test: str        # the tests that cover it
    caught: bool = True   # its test fails with the row undone (each seen, 3 Dec 2026);
    #                       False: nothing can, its why says why


_T, _S = "typography", "speedups"
_TEST = "tests/engine/"
_ONCE = (" — which asks for each margin box once (its HorizontalBox or VerticalBox keeps "
         "the width), so neither the layout nor the work changes without the row; it keeps "
         "every module on the remembered function")
INVENTORY = [
    Patch("weasyprint.text.line_break:Layout.set_text", _T,
          "pamphlet.engine.letterspacing:make_set_text",
          "the spacing marks (和欧間, 約物の詰め) and inter-character justification become "
          "Pango letter-spacing", "tests/checks/test_typography.py"),
    Patch("weasyprint.layout.inline:justify_line", _T, "pamphlet.engine.justify:make_justify_line",
          "lines are justified between characters, not at spaces (JLREQ)",
          "tests/checks/test_typography.py"),
    Patch("weasyprint.layout.inline:remove_last_whitespace", _T,
          "pamphlet.engine.justify:make_remove_last_whitespace",
          "a line's end is cleaned of spacing marks (no hanging 和欧間)",
          "tests/checks/test_typography.py"),
    Patch("weasyprint.layout.inline:split_inline_level", _T,
          "pamphlet.engine.justify:make_split_inline_level",
          "a SPACER is transparent to line breaking (UAX #14 LB9)",
          "tests/checks/test_typography.py"),
    Patch("weasyprint.layout.block:iter_line_boxes", _T, "pamphlet.engine.lastline:make_iter_line_boxes",
          "a paragraph is set again rather than end on one or two characters",
          "tests/checks/test_typography.py"),
    Patch("weasyprint.draw.text:draw_first_line", _T, "pamphlet.engine.glyphs:make_draw_first_line",
          "zero-width glyphs are drawn at the width Pango gave them (WeasyPrint reads Pango "
          "units as thousandths of an em)", _TEST + "test_glyphs.py"),
    *[Patch(f"weasyprint.layout.{module}:{name}", _S, "pamphlet.engine.speedups:make_remembering",
            f"{name} computed once per box (the guide's layout spends half its time there); "
            f"{module} holds its own reference" + (_ONCE if module == "page" else ""),
            _TEST + "test_speedups.py", caught=module != "page")
      for name in ("min_content_width", "max_content_width")
      for module in ("preferred", "flex", "grid", "page")],
    Patch("weasyprint.layout.preferred:split_first_line", _S,
          "pamphlet.engine.speedups:make_short_first_line",
          "the narrowest line of a long text without spaces is found on its first 32 characters",
          _TEST + "test_speedups.py"),
    Patch("weasyprint.document:layout_document", _S, "pamphlet.engine.speedups:make_forgetting",
          "the remembered widths are forgotten when a document has been laid out",
          _TEST + "test_speedups.py"),
    Patch("weasyprint.css:ColorProfile.content", "output", "pamphlet.engine.layout:make_stable_content",
          "a colour profile gives the same bytes every time it is embedded (LittleCMS writes "
          "a profile it wrote before slightly differently)", _TEST + "test_draw.py"),
    Patch("weasyprint.pdf.fonts:Font.clean", "part", "pamphlet.engine.draw:make_clean",
          "a part embeds a 4-byte stub for each font; merge.py embeds each font once",
          "tests/test_merge.py"),
    Patch("weasyprint.pdf.fonts:get_hb_object_data", "part", "pamphlet.engine.draw:make_face_data",
          "a font's bytes are read where HarfBuzz has them, not copied per part",
          _TEST + "test_draw.py"),
    Patch("weasyprint.css:ColorProfile.content", "part", "pamphlet.engine.draw:make_profile_reference",
          "a part refers to its colour profile by sha256; merge.py puts it back once",
          _TEST + "test_draw.py"),
    Patch("weasyprint.pdf.stream:Stream.marked", "tagged", "pamphlet.engine.draw:make_marked",
          "a decoration (<img alt=\"\">) is drawn as an artifact in the tagged PDF",
          _TEST + "test_draw.py"),
    Patch("weasyprint.pdf.tags:_build_box_tree", "tagged", "pamphlet.engine.draw:make_box_tree",
          "a decoration is left out of the structure tree (a Figure without alt breaks PDF/UA)",
          _TEST + "test_draw.py"),
    Patch("weasyprint.pdf.stream:Stream.marked", "screen", "pamphlet.engine.tagging:make_marking",
          "in the screen edition, what is aria-hidden (an FPO frame, a folio, a running head) "
          "is an artifact", "tests/checks/test_screen.py"),
    Patch("weasyprint.pdf.tags:_build_box_tree", "screen", "pamphlet.engine.tagging:make_building",
          "the screen edition's structure says what the HTML says: TH scopes, headings' "
          "text, /Lang en, IDs", "tests/checks/test_screen.py"),
    Patch("ctypes.util:find_library", "import", "pamphlet.engine.layout:make_find_library",
          "WeasyPrint's libraries found with one reading of the linker cache while it is "
          "imported (a fifth of a second per process)", _TEST + "test_layout.py"),
]

_PRISTINE: dict = {}     # target -> the original, recorded the first time it is replaced
_INSTALLED: dict = {}    # target -> the replacement a permanent group put there


def check_version() -> None:
    """Raise `UnsupportedWeasyPrint` unless WeasyPrint is the pinned version."""
    import weasyprint
    if weasyprint.__version__ != PINNED:
        raise UnsupportedWeasyPrint(
            f"pamphlet extends WeasyPrint {PINNED}, but WeasyPrint {weasyprint.__version__} "
            f"is installed: pin weasyprint=={PINNED}, or port the rows of "
            "pamphlet.engine.patches.INVENTORY to the new version and run their tests")


def rows(group: str) -> list[Patch]:
    return [patch for patch in INVENTORY if patch.group == group]


def install(group: str) -> None:
    """Put ``group``'s replacements in place, each made from the pristine original."""
    for patch in rows(group):
        owner, name = _owner(patch.target)
        current = getattr(owner, name)
        if _INSTALLED.get(patch.target) is current:
            continue
        original = _PRISTINE.setdefault(patch.target, current)
        _INSTALLED[patch.target] = _factory(patch)(original)
        setattr(owner, name, _INSTALLED[patch.target])


def restore(group: str) -> None:
    """Put back the originals ``group`` replaced."""
    for patch in rows(group):
        if patch.target in _INSTALLED:
            owner, name = _owner(patch.target)
            setattr(owner, name, _PRISTINE[patch.target])
            del _INSTALLED[patch.target]


def installed(group: str) -> bool:
    return all(patch.target in _INSTALLED for patch in rows(group))


@contextmanager
def patched(group: str, **state):
    """``group``'s replacements, made from what is in place, for the ``with`` block."""
    saved = []
    try:
        for patch in rows(group):
            owner, name = _owner(patch.target)
            saved.append((owner, name, getattr(owner, name)))
            setattr(owner, name, _factory(patch)(saved[-1][2], **state))
        yield
    finally:
        for owner, name, value in reversed(saved):
            setattr(owner, name, value)


def source_patch(old: str, new: str):
    """A factory that recompiles the original with the exact text ``old`` replaced by ``new``."""
    def make(function):
        source = textwrap.dedent(inspect.getsource(function))
        if source.count(old) != 1:
            raise UnsupportedWeasyPrint(
                f"{function.__module__}.{function.__name__} does not contain {old!r} exactly "
                f"once: the patch was written for WeasyPrint {PINNED}")
        defined: dict = {}
        code = compile(source.replace(old, new), inspect.getsourcefile(function), "exec")
        exec(code, function.__globals__, defined)      # the module's globals, as the original had
        return defined[function.__name__]
    return make


def _owner(target: str):
    """(the object holding the name, the name) of ``module:Owner.name``."""
    module_name, path = target.split(":")
    owner = importlib.import_module(module_name)
    *classes, name = path.split(".")
    for attribute in classes:
        owner = getattr(owner, attribute)
    return owner, name


def _factory(patch: Patch):
    module_name, name = patch.make.split(":")
    return getattr(importlib.import_module(module_name), name)
