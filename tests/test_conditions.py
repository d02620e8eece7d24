"""conditions names the registered printing condition a profile says it was made for."""

import struct
from pathlib import Path

import pytest

from pamphlet import conditions
from utils import ROOT

DEBIAN = Path("/usr/share/color/icc")   # packages icc-profiles and icc-profiles-free


def profile(description: str, target: str | None = None) -> bytes:
    """A minimal ICC v2 CMYK output profile: a header, a description and a charTarget."""
    ascii = description.encode("ascii") + b"\0"
    tags = [(b"desc", b"desc" + bytes(4) + struct.pack(">I", len(ascii)) + ascii + bytes(79))]
    if target is not None:
        tags.append((b"targ", b"text" + bytes(4) + target.encode("ascii") + b"\0"))
    offset, table, data = 128 + 4 + 12 * len(tags), b"", b""
    for signature, body in tags:
        body += bytes(-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (struct.pack(">I", size) + b"lcms" + bytes([2, 0x10, 0, 0]) + b"prtrCMYKLab " +
              bytes(12) + b"acsp" + bytes(24) + bytes(4) +
              struct.pack(">iii", 63190, 65536, 54061) + bytes(48))
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


def test_the_shipped_profile_is_fogra39():
    data = (ROOT / "color/FOGRA39L-pamphlet.icc").read_bytes()
    assert conditions.from_profile(data).identifier == "FOGRA39"
    assert conditions.from_profile(data).registry == "http://www.color.org"


@pytest.mark.parametrize("description, target, identifier", [
    ("Our press", "ICCHDAT JC200103", "JC200103"),             # ICC's rule for registered data
    ("Our press", 'ISO12642-2\r\nDESCRIPTOR "FOGRA39L"\r\n', "FOGRA39"),   # the ECI's header
    ("Our press", 'ISO28178\r\nFILE_DESCRIPTOR\t\t"FOGRA51"\r\n', "FOGRA51"),
    ("ISO Coated v2 300% (ECI)", None, "FOGRA39"),             # the longest name wins ...
    ("ISO Coated", None, "FOGRA27"),                           # ... over a shorter one
    ("Japan Color 2011 Coated", None, "JCS2011"),
    ("GRACoL2013_CRPC6.icc", None, "CGATS21-2-CRPC6"),
    ("SWOP2006_Coated3v2", None, "CGATS TR 003"),
    ("Our press", None, None),
    ("Our press CRPC61", None, None),                          # a name is matched whole
], ids=["icchdat", "descriptor", "file-descriptor", "iso-coated-v2", "iso-coated",
        "japan-color-2011", "crpc6", "swop", "none", "whole-names"])
def test_a_profile_names_its_condition_by_target_or_description(description, target,
                                                                identifier):
    found = conditions.from_profile(profile(description, target))
    assert (found.identifier if found else None) == identifier


def test_registered_names_are_looked_up_exactly():
    assert conditions.registered("FOGRA39").name.startswith("Offset, coated paper")
    assert conditions.registered(" JC200103 ").identifier == "JC200103"
    assert conditions.registered("FOGRA39L (pamphlet build)") is None
    assert conditions.registered("fogra39") is None
    assert len({c.identifier for c in conditions.CONDITIONS}) == len(conditions.CONDITIONS)


def test_a_file_that_is_not_a_profile_raises_oserror():
    with pytest.raises(OSError):
        conditions.from_profile(b"not a profile")


@pytest.mark.parametrize("file, identifier", [
    ("JapanColor2011Coated.icc", "JCS2011"), ("ISOcoated_v2_eci.icc", "FOGRA39"),
    ("ISOcoated_v2_300_eci.icc", "FOGRA39"), ("PSOcoated_v3.icc", "FOGRA51"),
    ("PSOuncoated_v3_FOGRA52.icc", "FOGRA52"), ("PSO_Uncoated_ISO12647_eci.icc", "FOGRA47"),
    ("ISOcoated.icc", "FOGRA27"), ("GRACoL2006_Coated1v2.icc", "CGATS TR 006"),
    ("GRACoL2013_CRPC6.icc", "CGATS21-2-CRPC6"), ("SWOP2006_Coated5v2.icc", "CGATS TR 005"),
    ("CGATS21_CRPC1 V2.icc", "CGATS21-2-CRPC1")])
def test_debians_profiles_name_their_conditions(file, identifier):
    path = DEBIAN / file
    if not path.is_file():
        pytest.skip(f"{path} is not installed (Debian package icc-profiles)")
    assert conditions.from_profile(path.read_bytes()).identifier == identifier
