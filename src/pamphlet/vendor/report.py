"""Say the preflight verdicts and the package's contents in words a vendor reads."""

from ..report import table

DESCRIPTIONS = {                    # what each file of the package is, by its name's end
    "-nomarks.pdf": "print PDF without marks: the page is the bleed box",
    "-imposed.pdf": "imposition proof: sheet sides 2-up, creep, trim/centre/fold marks",
    "-dummy.pdf": "folded dummy: print duplex (flip on the short edge), fold, nest",
    "-pageplan.pdf": "台割 (page plan), one page", "-pageplan.png": "台割 as a picture",
    "-pageplan.json": "台割 for machines: every page's sheet, side, definition, inks, FPO",
    "-jobticket.txt": "this job ticket", "-preflight.txt": "preflight: every check, per page",
    "-preflight.json": "preflight for machines", "SHA256SUMS": "sha256 of every file here",
    ".pdf": "PRINT PDF (PDF/X-4, CMYK, bleed, トンボ, slug with version and revision)",
    ".icc": "the output intent's ICC profile", "OFL.txt": "the fonts' licence (SIL OFL 1.1)",
    "manifest.yaml": "the fonts, their files and sha256", "LICENSE.md": "the profile's licence",
    "README.md": "how the profile was made",
}


def verdicts(report) -> list[dict]:
    """Every registered check with its verdict (pass, warning, error) and its pages."""
    from ..checks import preflight

    registry = getattr(preflight, "REGISTRY", {})
    found = report.by_check()
    rows = []
    for check in registry or found:
        hits = found.get(check, [])
        verdict = "pass" if not hits else ("error" if any(f.severity == "error" for f in hits)
                                           else "warning")
        rows.append({"check": check, "verdict": verdict,
                     "pages": sorted({f.page for f in hits if f.page})})
    return rows


def preflight_text(report) -> str:
    """The verdict table, then each page's findings."""
    rows = [[v["check"], v["verdict"].upper() if v["verdict"] != "pass" else "pass",
             ", ".join(str(p) for p in v["pages"]) or "-"] for v in verdicts(report)]
    lines = [f"PREFLIGHT — {report.pdf.name}: {report.pages} pages, {len(report.errors)} "
             f"errors, {len(report.warnings)} warnings", "", table(["check", "verdict", "pages"],
                                                                   rows), "", "Per page:"]
    by_page = {}
    for finding in report.findings:
        by_page.setdefault(finding.page or 0, []).append(finding)
    for page in sorted(by_page):
        where = f"page {page:02d}" if page else "document"
        lines += [f"  {where}: {f.severity}: {f.check}: {f.message} (hint: {f.hint})"
                  for f in by_page[page]]
    if not by_page:
        lines.append("  nothing found on any page")
    return "\n".join(lines) + "\n"


def contents_note(names: list[str]) -> str:
    """The ticket's last section: each file of the package and what it is."""
    rows = [[name, _describe(name)] for name in names]
    return "\nFILES IN THIS PACKAGE (checksums in SHA256SUMS)\n\n" + table(["file", "what"],
                                                                            rows) + "\n"


def _describe(name: str) -> str:
    for ending, words in DESCRIPTIONS.items():
        if name.endswith(ending):
            return words
    return ""
