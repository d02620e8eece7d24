"""What check-screen finds, as data: findings, the report, and the registry of checks."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ...diagnostics import Diagnostic
from ..findings import Judged


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str             # "error" or "warning"
    page: int | None          # 1-based, None for the whole document
    message: str              # what was found, e.g. "H3 follows H1 (「会社概要」)"
    hint: str


@dataclass(frozen=True)
class Check:
    id: str
    severity: str
    matterhorn: tuple         # the Matterhorn Protocol 1.1 failure conditions it tests
    message: str              # the same for every finding of the check
    hint: str                 # how to fix it
    find: Callable            # ScreenFacts -> iterable of (page or None, detail)


REGISTRY: dict[str, Check] = {}
# Matterhorn conditions a person must judge (how: H) that a check tests as far as a
# machine can: reading order, nesting, language changes, real content as artifact, headers.
APPROXIMATED = {"01-002", "09-001", "09-002", "11-007", "15-005"}


def check(id: str, severity: str, matterhorn: tuple, message: str, hint: str):
    """Register the decorated function as the check ``id``."""
    def register(find):
        REGISTRY[id] = Check(id, severity, tuple(matterhorn), message, hint, find)
        return find
    return register


@dataclass
class ScreenReport(Judged):
    pdf: Path
    pages: int
    findings: list[Finding] = field(default_factory=list)

    def by_check(self) -> dict[str, list[Finding]]:
        """Findings grouped by check, in registry order."""
        groups = {id: [f for f in self.findings if f.check == id] for id in REGISTRY}
        return {id: found for id, found in groups.items() if found}

    def summary(self) -> str:
        """One line for the job ticket and `pamphlet check`."""
        covered = {c for entry in REGISTRY.values() for c in entry.matterhorn}
        if self.ok:
            return (f"all {len(REGISTRY)} checks pass (Matterhorn 1.1: "
                    f"{len(covered - APPROXIMATED)} machine-checkable conditions, "
                    f"{len(covered & APPROXIMATED)} human ones approximated; WCAG 2.2 contrast)"
                    + (f"; {len(self.warnings)} warnings" if self.warnings else ""))
        failed = ", ".join(self.by_check())
        return f"PROBLEMS: {len(self.errors)} errors ({failed})"

    def as_dict(self) -> dict:
        return {
            "pdf": str(self.pdf), "pages": self.pages, "ok": self.ok,
            "errors": len(self.errors), "warnings": len(self.warnings),
            "checks": {id: {"severity": entry.severity, "matterhorn": list(entry.matterhorn),
                            "message": entry.message, "hint": entry.hint,
                            "found": len(self.by_check().get(id, []))}
                       for id, entry in REGISTRY.items()},
            "findings": [{"check": f.check, "severity": f.severity, "page": f.page,
                          "message": f.message, "hint": f.hint} for f in self.findings],
        }

    def diagnostics(self) -> list[Diagnostic]:
        return [Diagnostic(f"{f.check}: " + (f"page {f.page:02d}: " if f.page else "") +
                           f.message, self.pdf, hint=f.hint, severity=f.severity, page=f.page)
                for f in self.findings]
