"""The kit (layouts/) and the code (src/) know nothing of any one pamphlet: no word, layout
name or page of the 2025 guide, whose own layouts live in brochure/layouts/."""

import re

import yaml

from utils import ROOT

# Words only the guide prints (its sections, its agency, its recruitment).
GUIDE_WORDS = ["MISSION", "CAREER PATH", "CROSS TALK", "REAL VOICE", "RECRUIT", "Connect the World",
               "採用", "研修", "入管", "出入国", "在留", "総合職", "入庁", "育児", "法務"]
KIT_FILES = ("*.py", "*.j2", "*.css", "*.yaml", "*.svg")


# Names of the guide's layouts that are plain words any pamphlet may use for its own.
PLAIN_WORDS = {"cover", "back-cover", "goals", "statement", "organisation", "recruitment"}


def _guide_names() -> list[str]:
    """The guide's own layout names (but plain words) and its page definitions' names."""
    own = {p.name.removesuffix(".schema.yaml") for p in (ROOT / "brochure" / "layouts").glob(
        "*.schema.yaml")} - PLAIN_WORDS
    pages = yaml.safe_load((ROOT / "brochure" / "brochure.yaml").read_text(encoding="utf-8"))["pages"]
    return sorted(own | {p for p in pages if p.split("-")[0] in own or p in own})


def _files():
    for folder in (ROOT / "src" / "pamphlet", ROOT / "layouts"):
        for pattern in KIT_FILES:
            yield from sorted(folder.rglob(pattern))


def test_the_guide_has_layouts_of_its_own_to_look_for():
    names = _guide_names()
    assert "mission" in names and "crosstalk" in names, names


def test_no_word_or_name_of_the_guide_in_the_kit_or_the_code():
    names = _guide_names()
    pattern = re.compile("|".join([re.escape(w) for w in GUIDE_WORDS] +
                                  [rf"(?<![\w-]){re.escape(n)}(?![\w])" for n in names]))
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}"
             for path in _files()
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if pattern.search(line)]
    assert not found, "\n".join(found)
