"""Patch WeasyPrint, pinned to the one version whose code the patches were written against.

A patch replaces a module-level name (a function WeasyPrint looks up at call
time) and keeps the original for the replacement to call. Source patches
recompile one function with an exact piece of its code replaced, and fail
loudly when that piece is not found, rather than patch a different WeasyPrint.
"""

import inspect
import textwrap

PINNED = "70.0"


class UnsupportedWeasyPrint(RuntimeError):
    """The installed WeasyPrint is not the version the typography pass extends."""


def check_version() -> None:
    import weasyprint
    if weasyprint.__version__ != PINNED:
        raise UnsupportedWeasyPrint(
            f"the typography pass extends WeasyPrint {PINNED}'s line layout, but WeasyPrint "
            f"{weasyprint.__version__} is installed: pin weasyprint=={PINNED}, or port "
            "src/pamphlet/typography/ to the new version and its tests")


def replace(owner, name: str, make):
    """Set ``owner.name`` to ``make(original)``; return the original."""
    original = getattr(owner, name)
    if getattr(original, "_pamphlet_original", None) is not None:
        original = original._pamphlet_original     # installed before: patch the original again
    replacement = make(original)
    replacement._pamphlet_original = original
    setattr(owner, name, replacement)
    return original


def replace_source(module, name: str, old: str, new: str) -> None:
    """Recompile ``module.name`` with the exact text ``old`` of its source replaced by ``new``."""
    function = getattr(module, name)
    function = getattr(function, "_pamphlet_original", function)
    source = textwrap.dedent(inspect.getsource(function))
    if source.count(old) != 1:
        raise UnsupportedWeasyPrint(
            f"{module.__name__}.{name} does not contain {old!r} exactly once: "
            f"the typography pass was written for WeasyPrint {PINNED}")
    defined: dict = {}
    code = compile(source.replace(old, new), inspect.getsourcefile(function), "exec")
    exec(code, vars(module), defined)      # the module's globals, as the original had
    patched = defined[name]
    patched._pamphlet_original = function
    setattr(module, name, patched)
