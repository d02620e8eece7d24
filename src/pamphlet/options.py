"""Settle every option in one place: defaults < brochure.yaml < command line."""

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

PAPER_FIELDS = {
    "name": {"type": "plain", "doc": "the paper, e.g. マットコート"},
    "weight": {"type": "plain", "doc": "e.g. 90kg (連量) or 104.7gsm"},
    "caliper": {"type": "plain", "doc": "one sheet's thickness (紙厚), e.g. 0.1mm: the creep"},
}
JOB_STATUSES = ("draft", "初校", "再校", "三校", "念校", "責了", "校了")

# What brochure.yaml may say, as a schema (see schema.py for the types).
BROCHURE_FIELDS = {
    "title": {"type": "plain", "required": True, "doc": "the document title"},
    "publisher": {"type": "plain", "required": True},
    "language": {"type": "plain", "required": True, "doc": "ja"},
    "date": {"type": "date", "required": True, "doc": "the edition's date, YYYY-MM-DD: "
             "the PDF's creation date, so that builds are reproducible"},
    "trim": {"type": "map", "fields": {"width": {"type": "plain", "required": True},
                                       "height": {"type": "plain", "required": True}}},
    "bleed": {"type": "plain", "doc": "e.g. 3mm"},
    "binding": {"type": "plain", "doc": "saddle-stitch, perfect or none"},
    "side": {"type": "plain", "doc": "the binding side: left (default; horizontal text) or "
             "right (右綴じ, for vertical text: pages run right to left)"},
    "pages": {"type": "list", "required": True, "items": {"type": "plain"},
              "doc": "the page definitions in order: file names under pages/ without .yaml"},
    "layouts": {"type": "plain", "doc": "folder of the layouts (default ../layouts)"},
    "fonts": {"type": "plain", "doc": "folder of the fonts (default ../fonts)"},
    "output_profile": {"type": "plain", "doc": "the CMYK ICC profile of the printing condition "
                       "(default ../color/" + "FOGRA39L-pamphlet.icc); name one you own, e.g. "
                       "Japan Color 2011 Coated"},
    "output_condition": {"type": "map", "doc": "the registered printing condition the profile "
                         "characterises, when pamphlet cannot tell it from the profile",
                         "fields": {"identifier": {"type": "plain", "required": True,
                                                   "doc": "as the ICC registry names it, "
                                                   "e.g. FOGRA39 or JC200103"},
                                    "registry": {"type": "plain",
                                                 "doc": "default http://www.color.org"},
                                    "name": {"type": "plain",
                                             "doc": "the condition in words"}}},
    "overprint": {"type": "bool", "doc": "K100 text and thin K100 rules overprint "
                  "(スミノセ); default true"},
    "images": {"type": "map", "doc": "how photographs are converted for the press and how "
               "sharp they must print (see ImageSettings)", "fields": {
                   "intent": {"type": "plain", "doc": "rendering intent into the output "
                              "profile: relative-colorimetric (default), perceptual, "
                              "saturation or absolute-colorimetric"},
                   "black_point_compensation": {"type": "bool", "doc": "default true"},
                   "total_ink": {"type": "int", "doc": "ink limit (TAC) in %, default 300"},
                   "min_ppi": {"type": "int", "doc": "under it at the placed size, an error "
                               "(default 200)"},
                   "good_ppi": {"type": "int", "doc": "under it, a warning (default 300)"},
                   "low_ppi": {"type": "plain", "doc": "what a picture under min_ppi is: "
                               "error (default) or warning"},
                   "downsample_above": {"type": "int", "doc": "over it at the placed size, a "
                                        "picture is downsampled (default 450)"},
                   "downsample_to": {"type": "int", "doc": "to this ppi (default 300)"},
                   "jpeg_quality": {"type": "int", "doc": "of converted pictures, default 92"}}},
    # What the print vendor is told of the job (vendor/: imposition, ticket, package);
    # what is left out is printed "to agree".
    "paper": {"type": "map", "doc": "the body paper (and the cover's, when it differs)",
              "fields": {**PAPER_FIELDS, "cover": {"type": "map", "fields": PAPER_FIELDS,
                                                   "doc": "default: the body paper"}}},
    "job": {"type": "map", "doc": "the order: quantity, delivery, contact, version, 校了",
            "fields": {
                "quantity": {"type": "int", "doc": "copies to print (部数)"},
                "delivery": {"type": "date", "doc": "delivery date (納期), YYYY-MM-DD"},
                "contact": {"type": "plain", "doc": "who to call: name, telephone, e-mail"},
                "printer": {"type": "plain", "doc": "the print vendor"},
                "version": {"type": "plain", "doc": "the edition's version, e.g. 1.2; "
                            "printed on the slug and the ticket with the git revision"},
                "status": {"type": "plain", "choices": list(JOB_STATUSES),
                           "doc": "sign-off (校了): " + ", ".join(JOB_STATUSES)}}},
}

DEFAULT_PROFILE = "../color/FOGRA39L-pamphlet.icc"

# Lengths brochure.yaml may give: a number and a unit, within what a press can print.
UNITS_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}
_LENGTH = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)\s*")
LIMITS_MM = {"trim": (50.0, 1200.0), "bleed": (0.0, 20.0)}


def length_mm(value) -> float | None:
    """``210mm``, ``21cm``, ``8.5in`` in millimetres; None for anything else."""
    match = _LENGTH.fullmatch(str(value))
    return float(match[1]) * UNITS_MM[match[2]] if match else None


def _mm(value: float) -> str:
    return f"{round(value, 3):g}mm"

from .spec import BINDINGS, SIDES, PrintSpec, from_options  # noqa: E402  (one list of each)


@dataclass(frozen=True)
class ImageSettings:
    """How pictures become press images (images.py): one place for intent and BPC."""

    intent: str = "relative-colorimetric"
    black_point_compensation: bool = True
    total_ink: int = 300            # % (PRINT.md)
    min_ppi: int = 200              # under it: an error, or a warning with low_ppi: warning
    good_ppi: int = 300             # under it: a warning (PRINT.md: 300-350 ppi)
    low_ppi: str = "error"
    downsample_above: int = 450
    downsample_to: int = 300
    jpeg_quality: int = 92


@dataclass(frozen=True)
class Options:
    """Everything a build needs to know besides the page definitions."""

    brochure: Path = Path("brochure")
    out: Path = Path("build/pamphlet.pdf")
    layouts: tuple = ()          # search path, first wins; filled by resolve()
    fonts: Path = Path("fonts")
    debug: bool = False
    trim: tuple = ("210mm", "297mm")
    bleed: str = "3mm"
    binding: str = "saddle-stitch"
    side: str = "left"               # the binding side (spec.SIDES)
    source_date_epoch: int | None = None
    marks: bool = True               # trim marks and slug outside the bleed
    screen: bool = False             # also write the RGB, tagged screen edition
    output_profile: Path | None = None
    output_condition: dict = field(default_factory=dict)   # identifier, registry, name
    overprint: bool = True           # K100 text and thin K100 rules overprint (スミノセ)
    images: ImageSettings = ImageSettings()
    jobs: int | None = None          # processes laying out page definitions (None: one per core)
    extra: dict = field(default_factory=dict)

    @property
    def html(self) -> Path:
        """The HTML written beside the PDF, for designers and plain WeasyPrint."""
        return self.out.with_suffix(".html")

    @property
    def screen_pdf(self) -> Path:
        """build/pamphlet-screen.pdf beside build/pamphlet.pdf."""
        return self.out.with_name(self.out.stem + "-screen.pdf")

    @property
    def spec(self) -> PrintSpec:
        """Trim, bleed, binding and side as one object (spec.py)."""
        return from_options(self)

    @property
    def build_dir(self) -> Path:
        return self.out.parent


def command_line_options(brochure=None, out=None, debug=False, marks=True,
                         screen=False, jobs=None) -> Options:
    """Options as the command line gives them (None: not given)."""
    options = Options(debug=debug, marks=marks, screen=screen, jobs=jobs)
    if brochure is not None:
        options = replace(options, brochure=Path(brochure))
    if out is not None:
        options = replace(options, out=Path(out))
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        options = replace(options, source_date_epoch=int(epoch))
    return options


def resolve(options: Options, meta: dict) -> Options:
    """Fold brochure.yaml's settings into the options; paths resolve against brochure/."""
    root = options.brochure
    layouts = (root / "layouts", root / meta.get("layouts", "../layouts"))
    trim = meta.get("trim") or {}
    return replace(
        options,
        layouts=tuple(p for p in layouts),
        fonts=root / meta.get("fonts", "../fonts"),
        trim=tuple(_mm(length_mm(value)) for value in (trim.get("width", options.trim[0]),
                                                        trim.get("height", options.trim[1]))),
        bleed=_mm(length_mm(meta.get("bleed", options.bleed))),
        binding=str(meta.get("binding", options.binding)),
        side=str(meta.get("side", options.side)),
        output_profile=root / meta.get("output_profile", DEFAULT_PROFILE),
        output_condition=dict(meta.get("output_condition") or {}),
        overprint=bool(meta.get("overprint", options.overprint)),
        images=ImageSettings(**(meta.get("images") or {})),
    )
