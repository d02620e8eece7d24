"""The guide, changed four ways a reviewer meets: the report names each change's field or file.

One copy of the project is built once as it is, then once per change (the parts'
cache makes the edits of one definition quick; a swap or a theme lays out all).
"""

import json
import shutil

import pytest

from utils import ROOT, edit, run

SENTENCE = ("pages/mission-1.yaml", "我が国の水際を守り、", "我が国の水際を堅く守り、")
SWAP = ("brochure.yaml", "  - career-04\n  - career-05\n", "  - career-05\n  - career-04\n")
THEME = ("theme.yaml", "  navy: [100, 80, 25, 25]", "  navy: [100, 60, 0, 25]")
MOVED = "  - 一方で、観光立国の観点から、"            # mission-1 sections[0].body[1], page 7
AFTER = "  - 特に現在は「円滑かつ厳格」を更に高次元"      # sections[1].body[1], page 8


def _move_paragraph(brochure) -> None:
    """sections[0].body[1] (page 7) becomes sections[1].body[2] (page 8): cut and pasted."""
    path = brochure / "pages/mission-1.yaml"
    text = path.read_text(encoding="utf-8")
    paragraph = MOVED + text.split(MOVED)[1].split("\n")[0] + "\n"
    after = AFTER + text.split(AFTER)[1].split("\n")[0] + "\n"
    path.write_text(text.replace(paragraph, "").replace(after, after + paragraph),
                    encoding="utf-8")


@pytest.fixture(scope="module")
def guide(tmp_path_factory):
    """The build folder: base.pdf, sentence.pdf, move.pdf, swap.pdf, theme.pdf."""
    project = tmp_path_factory.mktemp("guide-review")
    for name in ("brochure", "layouts", "fonts", "color"):
        shutil.copytree(ROOT / name, project / name)
    brochure, build = project / "brochure", project / "build"

    def make(name: str) -> None:
        result = run("build", "--brochure", brochure, "--out", build / f"{name}.pdf", "--quiet")
        assert result.code == 0, result.err

    make("base")
    for name, change in (("sentence", SENTENCE), ("move", None), ("swap", SWAP),
                         ("theme", THEME)):
        saved = {p: p.read_text(encoding="utf-8") for p in brochure.rglob("*.yaml")}
        if change is None:
            _move_paragraph(brochure)
        else:
            edit(brochure / change[0], change[1], change[2])
        try:
            make(name)
        finally:
            for path, text in saved.items():
                path.write_text(text, encoding="utf-8")
    return build


def report(build, name: str, *extra) -> dict:
    folder = build / f"report-{name}"
    result = run("diff", build / "base.pdf", build / f"{name}.pdf", "--report", folder,
                 "--quiet", *extra)
    assert result.code == 1, result.err
    return json.loads((folder / "report.json").read_text(encoding="utf-8"))


def changed(facts: dict) -> list[dict]:
    return [p for p in facts["pages"] if p["status"] != "same"]


def test_one_sentence_names_its_field(guide):
    facts = report(guide, "sentence")
    [page] = changed(facts)
    assert (page["old_page"], page["new_page"]) == (7, 7)
    [change] = page["text"]["changes"]
    assert (change["op"], change["new"]) == ("insert", "堅く")
    assert change["source"]["says"] == "mission-1.yaml:12 intro[0] changed (mission-1)"
    assert [(r["kind"], r["source"]["says"]) for r in page["regions"]] == [
        ("text", "mission-1.yaml:12 intro[0] changed (mission-1)")]
    assert facts["causes"]["files"] == [] and facts["causes"]["theme"] == []


def test_a_paragraph_moved_over_the_page_break_is_a_move(guide):
    facts = report(guide, "move")
    assert [(p["old_page"], p["new_page"]) for p in changed(facts)] == [(7, 7), (8, 8)]
    moves = [(m["kind"], m["from_page"], m["to_page"]) for m in facts["moved_text"]]
    assert moves == [("moved", 7, 8), ("reflowed", 8, 7)]
    moved, reflowed = facts["moved_text"]
    assert moved["says"].startswith("moved from page 7 to page 8: ")
    assert moved["says"].endswith(" characters (mission-1.yaml:44 sections[0].body[1] -> "
                                  "mission-1.yaml:49 sections[1].body[2])")
    assert reflowed["says"].startswith("reflowed from page 8 to page 7: ")
    assert reflowed["to_field"] == "mission-1.yaml:48 sections[1].body[1]"
    assert {(f["field"], f["change"]) for f in facts["causes"]["fields"]} == {
        ("sections[0].body[1]", "removed"), ("sections[1].body[2]", "added")}
    # The long changes are moves, not deletions and insertions.
    long = [c for p in changed(facts) for c in p["text"]["changes"]
            if len(c["old"] or c["new"]) > 100]
    assert long and all(c.get("moved") for c in long)


def test_two_pages_swapped_are_moved_and_name_brochure_yaml(guide):
    facts = report(guide, "swap")
    pages = {p["new_page"]: p for p in changed(facts)}
    assert sorted(pages) == [4, 20, 21, 22]                 # contents, career path, the two
    assert (pages[21]["old_page"], pages[21]["moved"]) == (22, True)
    assert pages[21]["source"]["says"] == ("page moved: old 22 -> new 21, swapped with page 22, "
                                          "brochure.yaml:22 pages[12] (career-05)")
    assert pages[22]["source"]["says"] == ("page moved: old 21 -> new 22, swapped with page 21, "
                                          "brochure.yaml:23 pages[13] (career-04)")
    [contents] = pages[4]["text"]["changes"]
    assert (contents["old"], contents["new"]) == ("21", "22")
    assert contents["source"]["says"] == ("message.yaml:13 groups[1] not edited; made by: "
                                          "brochure brochure/brochure.yaml")
    assert facts["moved_text"] == []


def test_a_recoloured_theme_names_the_theme_field(guide):
    facts = report(guide, "theme")
    assert facts["causes"]["theme"] == [{"file": "brochure/theme.yaml", "field": "palette.navy",
                                         "line": 4, "old": [100, 80, 25, 25],
                                         "new": [100, 60, 0, 25]}]
    assert [f["file"] for f in facts["causes"]["files"]] == ["brochure/theme.yaml"]
    pages = changed(facts)
    assert len(pages) > 20
    regions = [r for p in pages for r in p["regions"]]
    assert all("theme brochure/theme.yaml:4 palette.navy" in r["source"]["says"] for r in regions)
    assert {r["kind"] for r in regions} <= {"appearance", "picture"}
    assert all(p["text"]["changes"] == [] for p in pages)


def test_approvals_and_comments_survive_a_rebuild_and_lead_the_next_diff(guide, tmp_path):
    from pamphlet.review import stale_approvals

    approvals = tmp_path / "review" / "approvals.yaml"
    common = ("--file", approvals, "--by", "山田", "--at", "2025-02-20T10:00:00+09:00", "--quiet")
    assert run("approve", guide / "base.pdf", "--pages", "7,21-22", *common).code == 0
    assert run("comment", guide / "base.pdf", "--page", "21", "--box", "20,80,40,12",
               "--text", "写真を差し替え", *common).code == 0
    assert stale_approvals(guide / "base.pdf", approvals) == []
    stale = stale_approvals(guide / "swap.pdf", approvals)
    assert [(s["page"], s["approved_page"], s["definition"], s["why"]) for s in stale] == [
        (21, 22, "career-05", "changed since approval"),
        (22, 21, "career-04", "changed since approval")]
    facts = report(guide, "swap", "--approvals", approvals)
    assert [s["page"] for s in facts["review"]["stale"]] == [21, 22]
    assert [a["page"] for a in facts["review"]["approved"]] == [7]
    [pinned] = facts["review"]["comments"]
    assert (pinned["page"], pinned["was_page"], pinned["text"]) == (22, 21, "写真を差し替え")
    page = next(p for p in facts["pages"] if p["new_page"] == 22)
    assert page["comments"][0]["box_mm"][1] == pytest.approx(80, abs=0.1)   # same place
    result = run("diff", guide / "base.pdf", guide / "swap.pdf", "--approvals", approvals)
    assert result.out.startswith("2 approved pages changed since approval: 21, 22; ")
