"""Decide which registered printing condition an output profile characterises.

PDF/X names its printing condition by the ICC characterization data registry's
reference name (OutputConditionIdentifier, with RegistryName
http://www.color.org): RIPs and preflights match on that name, not on the
profile. A profile made from registered data says so in its charTarget tag
("ICCHDAT FOGRA39"), its characterization data (DESCRIPTOR "FOGRA39L") or
its description; this module reads those, and the brochure may say it
outright (``output_condition:``).
"""

import io
import re
from dataclasses import dataclass

REGISTRY = "http://www.color.org"


@dataclass(frozen=True)
class Condition:
    identifier: str          # the registry's reference name, e.g. FOGRA39
    name: str                # the condition in words
    registry: str = REGISTRY


# Reference name, the condition in words, and what a profile of it says of itself.
REGISTERED = [
    ("FOGRA39", "Offset, coated paper (ISO 12647-2:2004/Amd 1, paper type 1/2)",
     ("FOGRA39", "ISO Coated v2", "ISOcoated_v2", "Coated FOGRA39")),
    ("FOGRA47", "Offset, uncoated paper (ISO 12647-2:2004/Amd 1, paper type 4)",
     ("FOGRA47", "PSO Uncoated ISO12647")),
    ("FOGRA51", "Offset, premium coated paper (ISO 12647-2:2013, PC1)",
     ("FOGRA51", "PSO Coated v3")),
    ("FOGRA52", "Offset, wood-free uncoated paper (ISO 12647-2:2013, PC5)",
     ("FOGRA52", "PSO Uncoated v3")),
    ("JC200103", "Japan Color 2001 Coated", ("Japan Color 2001 Coated", "JapanColor2001Coated")),
    ("GRACoL2006_Coated1v2", "GRACoL 2006 Coated #1", ("GRACoL2006_Coated1",)),
    ("SWOP2006_Coated3v2", "SWOP 2006 Coated #3", ("SWOP2006_Coated3",)),
    ("SWOP2006_Coated5v2", "SWOP 2006 Coated #5", ("SWOP2006_Coated5",)),
    *[(f"CGATS21-2-CRPC{n}", f"CGATS.21-2 CRPC{n}", (f"CRPC{n}",)) for n in range(1, 8)],
]


def from_identifier(identifier: str, name: str | None = None,
                    registry: str | None = None) -> Condition:
    """The condition a brochure names (``output_condition: {identifier: …}``)."""
    known = {entry[0]: entry[1] for entry in REGISTERED}
    return Condition(identifier, name or known.get(identifier, identifier), registry or REGISTRY)


def from_profile(data: bytes) -> Condition | None:
    """The registered condition ``data`` (an ICC profile) was made for, or None."""
    said = " ".join(_self_description(data))
    for identifier, name, markers in REGISTERED:
        if any(re.search(rf"(?<![A-Za-z0-9]){re.escape(m)}(?![0-9])", said) for m in markers):
            return Condition(identifier, name)
    return None


def _self_description(data: bytes) -> list[str]:
    """What a profile says of its origin: charTarget, its data's DESCRIPTOR, description, model."""
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
    target = profile.target or ""
    said = [match for match in re.findall(r"ICCHDAT\s+(\S+)", target)]
    said += re.findall(r'DESCRIPTOR\s+"([^"]+)"', target)
    said += [profile.profile_description or "", profile.model or ""]
    return said
