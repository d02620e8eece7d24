"""Describe what went wrong, as data: the CLI alone turns it into text."""

import difflib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Diagnostic:
    """One finding: where (file, line, column), what, and how to fix it."""

    message: str
    file: Path | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    severity: str = "error"
    page: int | None = None       # the page it shows on, when it is on one
    box: tuple | None = None      # there: x, y, width, height in mm from the trim's top left

    def location(self, relative_to: Path | None = None) -> str:
        """Return ``file:line:col`` (as much of it as is known)."""
        if self.file is None:
            return ""
        path = self.file
        if relative_to is not None:
            try:
                path = path.resolve().relative_to(relative_to.resolve())
            except ValueError:
                pass
        parts = [str(path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class UnreadablePDF(Exception):
    """The file is not a PDF we can open (``hint``, when set, says what to try)."""


class PamphletError(Exception):
    """Raised by every stage when input is bad; carries the diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = list(diagnostics)
        super().__init__("; ".join(d.message for d in self.diagnostics))


@dataclass
class Collector:
    """Gather diagnostics during a stage, then raise them all at once."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def extend(self, diagnostics) -> None:
        self.items.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    def raise_errors(self) -> None:
        if self.errors:
            raise PamphletError(self.errors)


def suggest(name: str, known) -> str | None:
    """``did you mean 'X'?`` for the known name closest to ``name``, or None."""
    close = difflib.get_close_matches(name, [str(k) for k in known], n=1, cutoff=0.5)
    return f"did you mean '{close[0]}'?" if close else None
