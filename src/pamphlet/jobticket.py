"""Write the one-page job ticket that travels with the PDF to the print vendor."""

import hashlib
from pathlib import Path

from .spec import MM


def job_ticket(pdf: Path, brochure, preflight, toc, typography=None, revision=None,
               screen=None) -> str:
    """Everything the vendor asks on the phone, read from the PDF, the checks and
    brochure.yaml's paper: and job: (what it leaves out reads "to agree");
    ``revision`` (vendor.revision.Revision) defaults to the brochure's git tree;
    ``screen`` is check-screen's verdict on the screen edition."""
    facts = _pdf_facts(pdf)
    trim_w, trim_h = facts["trim"]
    bleed = facts["bleed"]
    rows = [
        ("Title", brochure.meta["title"]),
        ("Publisher", brochure.meta["publisher"]),
        ("Edition date", str(brochure.meta["date"])),
        ("File", f"{pdf.name}  ({pdf.stat().st_size / 1e6:.1f} MB, sha256 "
                 f"{hashlib.sha256(pdf.read_bytes()).hexdigest()[:16]}…)"),
        ("Standard", f"{facts['standard']}, PDF {facts['version']}"),
        ("Trim size", f"{trim_w:.0f} × {trim_h:.0f} mm (TrimBox on every page)"),
        ("Bleed", f"{bleed:.0f} mm on every side (BleedBox {trim_w + 2 * bleed:.0f} × "
                  f"{trim_h + 2 * bleed:.0f} mm)"),
        ("Marks", facts["marks"]),
        ("Pages", f"{facts['pages']}, cover included"),
        ("Binding", _binding(brochure.options.binding, facts["pages"])
                    + _side(brochure.options.spec)),
        *_job_rows(brochure, facts["pages"], revision),
        ("Colour", f"CMYK; output intent: {facts['intent']}"),
        ("Fonts", "embedded subsets: " + ", ".join(facts["fonts"])),
        ("Preflight", f"{_count(len(preflight.errors), 'error')}, "
                      f"{_count(len(preflight.warnings), 'warning')}" + _named(preflight)),
        ("Contents", f"{len(toc.entries)} entries and {len(toc.references)} page references "
                     "checked against the PDF: " + ("all agree" if toc.ok else "PROBLEMS")),
    ]
    if typography is not None:
        rows.append(("Typesetting", typography))
    if screen is not None:
        rows.append(("Screen PDF", screen))      # check-screen's verdict (PDF/UA-1)
    width = max(len(label) for label, _ in rows)
    lines = [f"JOB TICKET — {brochure.meta['title']}", ""]
    indent = "\n" + " " * (width + 2)      # a value of several lines stays in its column
    lines += [f"{label + ':':<{width + 2}}{indent.join(str(value).splitlines())}"
              for label, value in rows]
    return "\n".join(lines) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _binding(binding: str, pages: int) -> str:
    if binding == "saddle-stitch":
        return f"saddle stitch (中綴じ), {pages // 4} sheets folded"
    if binding == "perfect" and pages > 4 and pages % 4 == 0:
        from .vendor.sheets import signature_sizes

        return (f"perfect binding (無線綴じ): a cover around signatures of "
                f"{', '.join(map(str, signature_sizes(pages - 4)))} pages")
    return binding


def _side(spec) -> str:
    return ", bound on the right (右綴じ)" if spec.right_bound else ", bound on the left (左綴じ)"


def _job_rows(brochure, pages: int, revision) -> list[tuple[str, str]]:
    """Paper, quantity, dates, contact, version and sign-off, "to agree" where unsaid."""
    from .vendor.job import TO_AGREE, read_job
    from .vendor.revision import read_revision
    from .vendor.sheets import plan_sheets

    job = read_job(brochure.meta, brochure.source)
    revision = revision or read_revision(brochure.options.brochure)
    rows = [("Paper body", job.body.describe()),
            ("Paper cover", job.cover.describe() if job.cover else
             "the body paper (self cover)" if job.body != type(job.body)() else TO_AGREE)]
    if brochure.options.binding != "none" and pages % 4 == 0:
        sheets = plan_sheets(pages, brochure.options.spec, job.caliper, job.cover_caliper).sheets
        rows.append(("Creep", f"{sheets[0].creep:g} to {max(s.creep for s in sheets):g} mm "
                              f"toward the spine over {len(sheets)} sheets (caliper "
                              f"{job.caliper:g} mm{', assumed: ' + TO_AGREE if job.caliper_assumed else ''}"
                              "; see the imposition proof)"))
    quantity = f"{job.quantity:,} copies" if job.quantity else TO_AGREE
    return rows + [("Quantity", quantity), ("Delivery", job.delivery or TO_AGREE),
                   ("Printer", job.printer or TO_AGREE), ("Contact", job.contact or TO_AGREE),
                   ("Version", f"{job.version or TO_AGREE}; sources at git {revision.describe()}"),
                   ("Sign-off", f"校了 status: {job.status or TO_AGREE}")]


def _named(preflight) -> str:
    """"; errors: icc-components (pages 1, 2); warnings: fpo (pages 8, 10)"."""
    said = ""
    for severity in ("error", "warning"):
        named = [_check_pages(check, found) for check, found in preflight.by_check().items()
                 if found[0].severity == severity]
        said += f"; {severity}s: " + "; ".join(named) if named else ""
    return said


def _check_pages(check: str, found: list) -> str:
    pages = sorted({f.page for f in found if f.page})
    return f"{check} (pages {', '.join(map(str, pages))})" if pages else f"{check} (the document)"


def _pdf_facts(pdf: Path) -> dict:
    import pikepdf

    with pikepdf.open(pdf) as document:
        page = document.pages[0]
        trim = [float(v) for v in page.trimbox]
        bleed = [float(v) for v in page.bleedbox]
        media = [float(v) for v in page.mediabox]
        return {
            "pages": len(document.pages),
            "version": document.pdf_version,
            "trim": ((trim[2] - trim[0]) / MM, (trim[3] - trim[1]) / MM),
            "bleed": (trim[0] - bleed[0]) / MM,
            "marks": ("Japanese trim marks (トンボ) and slug outside the bleed, registration "
                      "colour" if media[0] < bleed[0] - 1 else "none: the page is the bleed box"),
            "standard": _standard(document.Root),
            "intent": _intent(document.Root),
            "fonts": _fonts(document),
        }


def _standard(root) -> str:
    metadata = root.get("/Metadata")
    data = metadata.read_bytes() if metadata is not None else b""
    return "PDF/X-4" if b"PDF/X-4</pdfxid:GTS_PDFXVersion>" in data else "not PDF/X"


def _intent(root) -> str:
    for intent in root.get("/OutputIntents") or []:
        profile = intent.get("/DestOutputProfile")
        size = len(profile.read_bytes()) if profile is not None else 0
        condition, registry = intent.get("/OutputCondition"), intent.get("/RegistryName")
        said = f" — {condition}" if condition else ""
        said += f" (registered at {registry})" if registry else " (no registered condition)"
        return (f"{intent.get('/OutputConditionIdentifier')}{said}; ICC profile "
                f"“{intent.get('/Info')}” embedded, {size:,} bytes")
    return "none"


def _fonts(document) -> list[str]:
    names = set()
    for page in document.pages:
        fonts = (page.obj.get("/Resources") or {}).get("/Font") or {}
        for font in fonts.values():
            names.add(str(font.get("/BaseFont", "")).lstrip("/").split("+", 1)[-1])
    return sorted(names)
