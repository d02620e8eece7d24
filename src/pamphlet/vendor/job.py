"""Decide what the brochure says of the print job: paper, quantity, dates, sign-off."""

from dataclasses import dataclass, field

from ..diagnostics import PamphletError
from ..options import length_mm

TO_AGREE = "to agree"
DEFAULT_CALIPER = 0.1           # mm: 90 kg coated paper, about; the proof says it was assumed
CALIPER_MM = (0.03, 1.0)        # thinner than bible paper or thicker than board is a typo


@dataclass(frozen=True)
class Paper:
    """One stock: its name and weight as the vendor quotes them, its caliper in mm."""

    name: str | None = None
    weight: str | None = None
    caliper: float | None = None

    def describe(self) -> str:
        """``マットコート, weight 90kg, caliper 0.1 mm``; what is not said reads "to agree"."""
        if self == Paper():
            return TO_AGREE
        caliper = f"{self.caliper:g} mm" if self.caliper is not None else TO_AGREE
        return (f"{self.name or 'paper ' + TO_AGREE}, weight {self.weight or TO_AGREE}, "
                f"caliper {caliper}")


@dataclass(frozen=True)
class Job:
    """brochure.yaml's ``paper:`` and ``job:``; None where it says nothing."""

    body: Paper = field(default_factory=Paper)
    cover: Paper | None = None          # None: the cover is the body paper (self cover)
    quantity: int | None = None
    delivery: str | None = None
    contact: str | None = None
    printer: str | None = None
    version: str | None = None
    status: str | None = None

    @property
    def caliper(self) -> float:
        """The body paper's caliper in mm (the assumed one when the brochure is silent)."""
        return self.body.caliper if self.body.caliper is not None else DEFAULT_CALIPER

    @property
    def cover_caliper(self) -> float:
        if self.cover is not None and self.cover.caliper is not None:
            return self.cover.caliper
        return self.caliper

    @property
    def caliper_assumed(self) -> bool:
        return self.body.caliper is None


def read_job(meta: dict, source=None) -> Job:
    """The job ``meta`` (brochure.yaml's data) describes; bad values raise one diagnostic
    each at their line (``source``: the brochure.yaml Source)."""
    paper = meta.get("paper") or {}
    job = meta.get("job") or {}
    problems = []
    body = _paper(paper, ("paper",), source, problems)
    cover = _paper(paper["cover"], ("paper", "cover"), source, problems) \
        if paper.get("cover") else None
    if problems:
        raise PamphletError(problems)
    return Job(body=body, cover=cover, quantity=job.get("quantity"),
               delivery=str(job["delivery"]) if job.get("delivery") else None,
               contact=_text(job.get("contact")), printer=_text(job.get("printer")),
               version=_text(job.get("version")), status=_text(job.get("status")))


def _paper(data: dict, path: tuple, source, problems: list) -> Paper:
    caliper = data.get("caliper")
    return Paper(name=_text(data.get("name")), weight=_text(data.get("weight")),
                 caliper=None if caliper is None else _caliper(caliper, path, source, problems))


def _caliper(value, path: tuple, source, problems: list) -> float | None:
    millimetres = length_mm(value)
    low, high = CALIPER_MM
    if millimetres is not None and low <= millimetres <= high:
        return millimetres
    message = (f"paper caliper '{value}' is not a length" if millimetres is None else
               f"paper caliper {value} is outside {low:g}–{high:g} mm")
    hint = ("write one sheet's thickness (紙厚) with its unit, e.g. `caliper: 0.1mm`; "
            "the printer quotes it for the paper")
    problems.append(_diagnostic(source, path + ("caliper",), message, hint))
    return None


def _diagnostic(source, path, message, hint):
    from ..diagnostics import Diagnostic

    if source is None:
        return Diagnostic(message, hint=hint)
    return source.diagnostic(path, message, hint)


def _text(value) -> str | None:
    return None if value is None else str(value)
