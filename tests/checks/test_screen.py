"""check-screen reads only the PDF: the guide's screen edition passes every check, and a
copy altered (with pikepdf) to break one check fails that check, at its page."""

import json
import re
import shutil
from pathlib import Path

import pikepdf
import pytest

from pamphlet.checks.screen import NOT_COVERED, REGISTRY, check_screen, covered
from pamphlet.checks.screen.contrast import ratio
from utils import ROOT, run


@pytest.fixture()
def screen_pdf(guide_screen_pdf) -> Path:
    return guide_screen_pdf


def found(pdf) -> dict:
    """check id -> [(page, message)] of every finding."""
    result = {}
    for finding in check_screen(Path(pdf)).findings:
        result.setdefault(finding.check, []).append((finding.page, finding.message))
    return result


def test_the_guide_passes_every_check(screen_pdf):
    report = check_screen(screen_pdf)
    assert report.findings == []
    assert report.ok and report.pages == 36
    assert report.summary().startswith(f"all {len(REGISTRY)} checks pass")


def test_every_check_names_its_matterhorn_conditions_and_the_rest_are_listed():
    machine = set(covered()) | set(NOT_COVERED)
    for entry in REGISTRY.values():
        assert entry.message and entry.hint
        assert entry.matterhorn or entry.id == "contrast", entry.id
    assert {"01-005", "13-004", "14-003", "15-003", "28-011", "28-012"} <= set(covered())
    # Every machine-checkable condition of Matterhorn 1.1 is covered or said not to be.
    for condition in ("01-003", "01-004", "01-007", "02-001", "06-001", "07-001", "09-004",
                      "10-001", "11-001", "14-002", "14-006", "19-003", "20-001", "21-001",
                      "25-001", "26-001", "28-008", "30-001", "31-009", "31-027", "31-030"):
        assert condition in machine, condition


# --- one altered copy per check ---------------------------------------------------

def _elements(pdf, kind=None):
    from pamphlet.screen import structure_elements
    return [e for e in structure_elements(pdf.Root.StructTreeRoot)
            if kind is None or str(e.S) == kind]


def _first(pdf, kind):
    return _elements(pdf, kind)[0]


def _xmp_without_pdfua(pdf):
    data = pdf.Root.Metadata.read_bytes()
    pdf.Root.Metadata.write(re.sub(rb"pdfuaid:part", b"pdfuaid:nopart", data))


def _role_mapped(pdf):
    pdf.Root.StructTreeRoot.RoleMap = pikepdf.Dictionary({"/P": pikepdf.Name.Span})


def _no_to_unicode(pdf):
    for page in pdf.pages:
        for font in page.Resources.Font.values():
            del font["/ToUnicode"]
            return


def _optional_content(pdf):
    pdf.Root.OCProperties = pikepdf.Dictionary(OCGs=[], D=pikepdf.Dictionary(Order=[]))


def _embedded_file(pdf):
    spec = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Filespec,
                                                F=pikepdf.String("a.txt")))
    pdf.Root.Names.EmbeddedFiles = pikepdf.Dictionary(Names=[pikepdf.String("a.txt"), spec])


def _xfa(pdf):
    xfa = pdf.make_stream(b"<config><acrobat><common><dynamicRender>required"
                          b"</dynamicRender></common></acrobat></config>")
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[], XFA=xfa)


def _row_as_div(pdf):
    _first(pdf, "/TR").S = pikepdf.Name.Div


def _second_heading(pdf, kind):
    _elements(pdf)
    headings = [e for e in _elements(pdf) if re.fullmatch(r"/H\d", str(e.S))]
    second = next(h for h in headings[1:] if str(h.S) == "/H2")
    second.S = pikepdf.Name(kind)


def _heading_in_heading(pdf):
    heading = _first(pdf, "/H1")
    inner = next(e for e in _elements(pdf)
                 if e.get("/P") is not None and e.P.objgen == heading.objgen)
    inner.S = pikepdf.Name.H2


def _no_scope(pdf):
    del _first(pdf, "/TH").A["/Scope"]


def _no_headers(pdf):
    _first(pdf, "/TD").A.Headers = pikepdf.Array()


def _same_id(pdf):
    first, second = _elements(pdf, "/TH")[:2]
    second.ID = first.ID


def _untagged_content(pdf):
    """The structure no longer owns page 3's first marked content."""
    page = pdf.pages[2]
    for index, value in enumerate(pdf.Root.StructTreeRoot.ParentTree.Nums):
        if index % 2 == 0 and int(value) == int(page.StructParents):
            pdf.Root.StructTreeRoot.ParentTree.Nums[index + 1][0] = pikepdf.Dictionary()
            return


def _link_untagged(pdf):
    link = _first(pdf, "/Link")
    link.K = pikepdf.Array([kid for kid in link.K if not (
        isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR")])


def _link_described_by_target(pdf):
    for page in pdf.pages:
        for annotation in page.get("/Annots") or []:
            annotation.Contents = pikepdf.String(str(annotation.Dest))
            return


def _no_tabs(pdf):
    for page in pdf.pages:
        if "/Annots" in page.obj:
            del page.obj["/Tabs"]
            return


def _trap_net(pdf):
    page = pdf.pages[0]
    annotation = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.TrapNet, Rect=[0, 0, 1, 1]))
    page.obj.Annots = pikepdf.Array([*page.obj.get("/Annots", []), annotation])


def _reference_xobject(pdf):
    page = pdf.pages[0]
    form = pdf.make_stream(b"", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                           BBox=[0, 0, 1, 1], Ref=pikepdf.Dictionary(F=pikepdf.String("x.pdf"),
                                                                     Page=0))
    page.Resources.XObject = pikepdf.Dictionary({**page.Resources.get("/XObject", {}),
                                                 "/Ref1": form})


def _no_english(pdf):
    for element in _elements(pdf):
        if "/Lang" in element:
            del element["/Lang"]


def _placeholder_tagged(pdf):
    """The FPO frames of page 19 become tagged content: their artifacts get MCIDs that
    new Span elements own."""
    page = pdf.pages[18]
    tree = pdf.Root.StructTreeRoot
    nums = tree.ParentTree.Nums
    owners = next(nums[i + 1] for i in range(0, len(nums), 2)
                  if int(nums[i]) == int(page.StructParents))
    document = tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K
    ops = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BMC" and str(operands[0]) == "/Artifact":
            span = pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=pikepdf.Name.Span, P=document, Pg=page.obj,
                K=len(owners)))
            document.K.append(span)
            ops.append(([pikepdf.Name.Span, pikepdf.Dictionary(MCID=len(owners))],
                        pikepdf.Operator("BDC")))
            owners.append(span)
        else:
            ops.append((operands, operator))
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))


def _lines_reversed(pdf):
    """The longest paragraph's phrases (over several lines) read from the last to the first."""
    paragraph = max(_elements(pdf, "/P"), key=lambda element: len(element.K)
                    if isinstance(element.K, pikepdf.Array) else 0)
    paragraph.K = pikepdf.Array(list(paragraph.K)[::-1])


def _pale_text(pdf):
    """Page 3's text (its colour is set inside each Span's marked content) in pale grey."""
    page = pdf.pages[2]
    ops, in_span = [], False
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) in ("BDC", "EMC"):
            in_span = str(operator) == "BDC" and str(operands[0]) == "/Span"
        if in_span and str(operator) == "rg":
            operands = [0.85, 0.85, 0.85]
        ops.append((operands, operator))
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))


def _delete(path):
    def change(pdf):
        owner = pdf.Root
        for key in path[:-1]:
            owner = owner[key]
        del owner[path[-1]]
    return change


def _set(path, value):
    def change(pdf):
        owner = pdf.Root
        for key in path[:-1]:
            owner = owner[key]
        owner[path[-1]] = value
    return change


ALTERATIONS = {
    "xmp-metadata": _xmp_without_pdfua,
    "display-doc-title": _delete(["/ViewerPreferences"]),
    "document-language": _delete(["/Lang"]),
    "tagged": _set(["/MarkInfo", "/Suspects"], True),
    "role-map": _role_mapped,
    "fonts": _no_to_unicode,
    "optional-content": _optional_content,
    "embedded-files": _embedded_file,
    "xfa": _xfa,
    "nesting": _row_as_div,
    "figure-alt": lambda pdf: _first(pdf, "/Figure").__delitem__("/Alt"),
    "first-heading": lambda pdf: setattr(_first(pdf, "/H1"), "S", pikepdf.Name.H2),
    "heading-levels": lambda pdf: _second_heading(pdf, "/H3"),
    "heading-in-heading": _heading_in_heading,
    "heading-kinds": lambda pdf: _second_heading(pdf, "/H"),
    "th-scope": _no_scope,
    "td-headers": _no_headers,
    "ids": _same_id,
    "content-tagged": _untagged_content,
    "annotations-tagged": _link_untagged,
    "link-description": _link_described_by_target,
    "tab-order": _no_tabs,
    "annotation-kinds": _trap_net,
    "xobjects": _reference_xobject,
    "language-spans": _no_english,
    "placeholder-text": _placeholder_tagged,
    "reading-order": _lines_reversed,
    "contrast": _pale_text,
}


def test_every_check_has_an_alteration():
    assert set(ALTERATIONS) == set(REGISTRY)


def altered(source: Path, target: Path, change) -> Path:
    with pikepdf.open(source) as pdf:
        change(pdf)
        pdf.save(target)
    return target


@pytest.mark.parametrize("check", sorted(ALTERATIONS))
def test_an_altered_copy_fails_the_check(screen_pdf, tmp_path, check):
    pdf = altered(screen_pdf, tmp_path / f"{check}.pdf", ALTERATIONS[check])
    findings = found(pdf)
    assert check in findings, findings
    assert not [f for f in findings.get(check, []) if "could not check" in f[1]]


def test_findings_name_page_and_what(screen_pdf, tmp_path):
    findings = found(altered(screen_pdf, tmp_path / "a.pdf", ALTERATIONS["contrast"]))
    page, message = findings["contrast"][0]
    assert page == 3
    assert re.search(r"#d9d9d9 on #[0-9a-f]{6}: 1\.\d\d:1, needs 4\.5:1", message), message
    findings = found(altered(screen_pdf, tmp_path / "b.pdf", ALTERATIONS["heading-levels"]))
    assert re.fullmatch(r"H3 follows H1 \(「.+」\)", findings["heading-levels"][0][1])
    findings = found(altered(screen_pdf, tmp_path / "c.pdf", ALTERATIONS["placeholder-text"]))
    assert (19, "“FPO” is tagged content") in findings["placeholder-text"]


# --- the command ------------------------------------------------------------------

def test_command_passes_the_guide_and_prints_json(screen_pdf):
    result = run("check-screen", screen_pdf)
    assert result.code == 0, result.out + result.err
    assert "all 28 checks pass" in result.out
    data = json.loads(run("check-screen", screen_pdf, "--json").out)
    assert data["ok"] and data["findings"] == []
    assert data["matterhorn"]["covered"] == covered()
    assert "26-001" in data["matterhorn"]["not_covered"]


def test_command_fails_an_altered_copy(screen_pdf, tmp_path):
    pdf = altered(screen_pdf, tmp_path / "a.pdf", ALTERATIONS["th-scope"])
    result = run("check-screen", pdf)
    assert result.code == 1
    assert "th-scope" in result.out and "[15-003]" in result.out
    assert "PROBLEMS: 1 errors (th-scope)" in result.out


@pytest.mark.parametrize("kind", ["text", "encrypted", "missing"])
def test_bad_input_is_one_error(screen_pdf, tmp_path, kind):
    pdf = tmp_path / "bad.pdf"
    if kind == "text":
        pdf.write_text("not a PDF")
    elif kind == "encrypted":
        with pikepdf.open(screen_pdf) as source:
            source.save(pdf, encryption=pikepdf.Encryption(owner="o", user="u"))
    result = run("check-screen", pdf)
    assert result.code == 2                 # as every check: 1 is a PDF that fails it
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("error: ") and lines[1].startswith("hint: ")
    assert {"text": "damaged PDF", "encrypted": "it is encrypted",
            "missing": "not a file"}[kind] in lines[0]
    assert "Traceback" not in result.err


def test_check_writes_the_verdict_into_the_job_ticket(screen_pdf, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    shutil.copy(screen_pdf.with_name("pamphlet.pdf"), folder / "pamphlet.pdf")
    shutil.copy(screen_pdf, folder / "pamphlet-screen.pdf")
    result = run("check", folder / "pamphlet.pdf", "--brochure", ROOT / "brochure", "--quiet")
    assert result.code == 0, result.err
    ticket = (folder / "pamphlet-jobticket.txt").read_text(encoding="utf-8")
    assert re.search(r"Screen PDF: +pamphlet-screen\.pdf: all 28 checks pass", ticket)
    altered(screen_pdf, folder / "pamphlet-screen.pdf", ALTERATIONS["figure-alt"])
    result = run("check", folder / "pamphlet.pdf", "--brochure", ROOT / "brochure", "--quiet")
    assert result.code == 1
    assert "FAILED: check-screen" in result.err and "figure-alt: page" in result.err
    ticket = (folder / "pamphlet-jobticket.txt").read_text(encoding="utf-8")
    assert re.search(r"Screen PDF: +pamphlet-screen\.pdf: PROBLEMS: 1 errors \(figure-alt\)",
                     ticket)


def test_wcag_ratio():
    assert ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert ratio((255, 255, 255), (255, 255, 255)) == pytest.approx(1.0)
    assert ratio((0x76, 0x76, 0x76), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
