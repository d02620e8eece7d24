"""Decide which registered printing condition an output profile characterises.

PDF/X names its printing condition by the ICC characterization data registry's
reference name (OutputConditionIdentifier, with RegistryName
http://www.color.org): RIPs and preflights match on that name, not on the
profile. `CONDITIONS` is the table of registered CMYK printing conditions;
the build names the condition it writes from it (`from_profile`, or the
brochure's ``output_condition:`` through `from_identifier`), preflight
checks the name a PDF carries against it (`registered`).

A profile made from registered data says so in its charTarget tag ("ICCHDAT
FOGRA39", ICC rules), in its characterization data's header (the ECI's
profiles: DESCRIPTOR "FOGRA39L") or in its description. Where the names
come from: the charTarget and description of the profiles Debian ships
(packages icc-profiles, icc-profiles-free), and the ICC registry's listing
for the conditions whose profiles carry neither (Japan Color 2011 Coated's
profile says only "Japan Color 2011 Coated"; the registry names it JCS2011).
GRACoL2006_Coated1v2, SWOP2006_Coated3v2/5v2 and GRACoL2013_CRPC6 are
profile names, not registered names: they map to the data they were made
from (CGATS TR 006, TR 003, TR 005, CGATS21-2-CRPC6).
"""

import io
import re
from dataclasses import dataclass, field

REGISTRY = "http://www.color.org"


@dataclass(frozen=True)
class Condition:
    identifier: str          # the registry's reference name, e.g. FOGRA39
    name: str                # the condition in words (the intent's OutputCondition)
    registry: str = REGISTRY
    profiles: tuple = field(default=(), compare=False)   # what its profiles say of themselves


# reference name, the condition in words, what its profiles say of themselves
_TABLE = [
    # Fogra (offset, ISO 12647-2): charTarget DESCRIPTOR / FILE_DESCRIPTOR of the ECI profiles
    ("FOGRA39", "Offset, coated paper (ISO 12647-2:2004/Amd 1, paper type 1/2)",
     ("FOGRA39", "ISO Coated v2")),
    ("FOGRA51", "Offset, premium coated paper (ISO 12647-2:2013, PC1)",
     ("FOGRA51", "PSO Coated v3")),
    ("FOGRA52", "Offset, wood-free uncoated paper (ISO 12647-2:2013, PC5)",
     ("FOGRA52", "PSO Uncoated v3")),
    ("FOGRA47", "Offset, uncoated white paper (ISO 12647-2:2004/Amd 1, paper type 4)",
     ("FOGRA47", "PSO Uncoated ISO12647")),
    ("FOGRA43", "Offset, coated paper, non-periodic screening (ISO 12647-2:2004/Amd 1)",
     ("FOGRA43", "PSO Coated NPscreen")),
    ("FOGRA44", "Offset, uncoated paper, non-periodic screening "
     "(ISO 12647-2:2004/Amd 1)", ("FOGRA44", "PSO Uncoated NPscreen")),
    ("FOGRA45", "Offset, improved LWC paper (ISO 12647-2:2004/Amd 1)",
     ("FOGRA45", "PSO LWC Improved")),
    ("FOGRA46", "Offset, standard LWC paper (ISO 12647-2:2004/Amd 1)",
     ("FOGRA46", "PSO LWC Standard")),
    ("FOGRA40", "Offset, super-calendered paper (ISO 12647-2:2004/Amd 1)",
     ("FOGRA40", "SC paper")),
    ("FOGRA41", "Offset, machine-finished coated paper (ISO 12647-2:2004/Amd 1)",
     ("FOGRA41", "PSO MFC Paper")),
    ("FOGRA42", "Offset, standard newsprint (ISO 12647-2:2004/Amd 1)",
     ("FOGRA42", "PSO SNP Paper")),
    ("FOGRA27", "Offset, coated paper (ISO 12647-2:2004)", ("FOGRA27", "ISO Coated")),
    ("FOGRA28", "Offset, gloss-coated web paper (ISO 12647-2:2004)",
     ("FOGRA28", "ISO Web Coated")),
    ("FOGRA29", "Offset, uncoated white paper (ISO 12647-2:2004)",
     ("FOGRA29", "ISO Uncoated")),
    ("FOGRA30", "Offset, uncoated yellowish paper (ISO 12647-2:2004)",
     ("FOGRA30", "ISO Uncoated Yellowish")),
    # Japan Color (Japan Printing Machinery Manufacturers Association)
    ("JCS2011", "Japan Color 2011 Coated: sheet-fed offset, premium coated paper",
     ("Japan Color 2011 Coated", "JapanColor2011Coated", "JCS2011")),
    ("JC200103", "Japan Color 2001 Coated: sheet-fed offset, coated paper",
     ("Japan Color 2001 Coated", "JapanColor2001Coated", "JC200103")),
    ("JC200104", "Japan Color 2001 Uncoated: sheet-fed offset, uncoated paper",
     ("Japan Color 2001 Uncoated", "JapanColor2001Uncoated", "JC200104")),
    ("JCW2003", "Japan Color 2003 Web Coated: web offset, coated paper",
     ("Japan Color 2003 Web Coated", "JapanColor2003WebCoated", "JCW2003")),
    ("JCN2002", "Japan Color 2002 Newspaper: newsprint",
     ("Japan Color 2002 Newspaper", "JCN2002")),
    ("IFRA26", "Coldset offset, newsprint (ISO 12647-3)", ("ISOnewspaper26",)),
    # CGATS / IDEAlliance (GRACoL, SWOP)
    ("CGATS TR 006", "GRACoL: sheet-fed offset, US grade 1 coated paper",
     ("GRACoL2006_Coated1v2", "Coated GRACoL 2006")),
    ("CGATS TR 003", "SWOP: web offset, US grade 3 coated paper",
     ("SWOP2006_Coated3v2", "Web Coated SWOP Grade 3")),
    ("CGATS TR 005", "SWOP: web offset, US grade 5 coated paper",
     ("SWOP2006_Coated5v2", "Web Coated SWOP Grade 5")),
    ("CGATS TR 001", "SWOP: web offset, coated publication paper",
     ("U.S. Web Coated (SWOP)",)),
    *[(f"CGATS21-2-CRPC{n}", f"CGATS.21-2 reference printing condition {n}: {what}",
       (f"CRPC{n}",))
      for n, what in enumerate(("newsprint", "improved newsprint", "premium uncoated",
                                "supercalendered", "publication coated (SWOP 2013)",
                                "premium coated (GRACoL 2013)", "extended gamut"), start=1)],
]
CONDITIONS = tuple(Condition(identifier, name, profiles=profiles)
                   for identifier, name, profiles in _TABLE)

_BY_IDENTIFIER = {condition.identifier: condition for condition in CONDITIONS}


def registered(identifier: str) -> Condition | None:
    """The registered condition named exactly ``identifier``, or None."""
    return _BY_IDENTIFIER.get(str(identifier).strip())


def from_identifier(identifier: str, name: str | None = None,
                    registry: str | None = None) -> Condition:
    """The condition a brochure names (``output_condition: {identifier: …}``)."""
    known = registered(identifier)
    return Condition(identifier, name or (known.name if known else identifier),
                     registry or REGISTRY)


def from_profile(data: bytes) -> Condition | None:
    """The registered condition ``data`` (an ICC profile) was made for, or None.

    The charTarget tag first ("ICCHDAT <name>", or the DESCRIPTOR of the
    characterization data it holds), then the description and model, each
    condition's profile names matched whole, the longest winning ("ISO
    Coated v2" is FOGRA39, "ISO Coated" FOGRA27). Raises OSError when
    ``data`` is not a profile LittleCMS can open.
    """
    target, said = _self_description(data)
    named = _from_target(target)
    return named if named is not None else _from_words(said)


def _self_description(data: bytes) -> tuple[str, str]:
    """What a profile says of its origin: its charTarget, and its description and model."""
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
    said = [profile.profile_description or "", profile.model or ""]
    return getattr(profile, "target", None) or "", " ".join(said)


def _from_target(target: str) -> Condition | None:
    found = re.findall(r"ICCHDAT\s+(\S+)", target)
    # a Fogra data set's file is its reference name plus "L" ("FOGRA39L"), maybe ".txt"
    found += re.findall(r'DESCRIPTOR\s+"([^"]+?)L?(?:\.txt)?"', target)
    return next((registered(name) for name in found if registered(name)), None)


def _from_words(said: str) -> Condition | None:
    matches = [(len(piece), condition) for condition in CONDITIONS for piece in condition.profiles
               if re.search(rf"(?<![A-Za-z0-9]){re.escape(piece)}(?![0-9])", said, re.I)]
    return max(matches, key=lambda match: match[0])[1] if matches else None
