"""Say what a checker found, as data: one `Finding` per problem, the same for every checker.

preflight, check-toc and check-typography return reports whose ``findings`` are
`Finding`s; the CLI alone turns them into text (`diagnostics` for the
``severity: file: message`` / ``hint:`` lines).
"""

from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic

NOTHING_READ = "nothing-read"      # the rule of a checker that found nothing it can check


@dataclass(frozen=True)
class Finding:
    rule: str                 # the check's id, e.g. "trim-box", "kinsoku", "reference"
    severity: str             # "error" or "warning"
    page: int | None          # 1-based, None for the whole document
    message: str              # what was found, e.g. "an RGB fill colour (1 0 0 rg)"
    hint: str | None          # how to fix it


def diagnostics(findings: list[Finding], pdf: Path) -> list[Diagnostic]:
    """One diagnostic per finding, at the PDF, its page first."""
    return [Diagnostic((f"page {f.page:02d}: " if f.page else "") + f.message, Path(pdf),
                       hint=f.hint, severity=f.severity, page=f.page) for f in findings]


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


class Judged:
    """``ok``, ``errors`` and ``warnings`` of a report holding its ``findings`` (any
    finding with a ``severity``): the same for every checker's report."""

    findings: list

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list:
        return [f for f in self.findings if f.severity == "warning"]
