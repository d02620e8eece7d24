"""Prove from the PDF alone that the contents and every page reference are right."""

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic
from .findings import Finding, diagnostics
from ..load import Brochure, _strings
from ..markup import plain_text
from ..spec import MM
from .links import Link, read_links
from .pdftext import PageText, normalize, read_pages

HEADING_SIZE = 13.0          # pt: text this large or larger can be a heading
FOLIO_BAND = 15 * MM        # the folio sits in the bottom 15 mm of the trim
LEADERS = "…‥・·.．-－—―"
REFERENCE = re.compile(r"P(\d{2,3})((?:・\d{2,3})*)")


@dataclass
class EntryCheck:
    entry: str
    contents_says: str | None
    heading_pages: list[int]
    folio: str | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ReferenceCheck:
    page: int                 # where the reference is printed
    printed: str              # e.g. P29・30
    target: str               # what it points at, e.g. interview page 1
    target_page: int | None
    folio: str | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class TocReport:
    pdf: Path
    pages: int
    contents_page: int | None
    entries: list[EntryCheck]
    references: list[ReferenceCheck]
    problems: list[str] = field(default_factory=list)   # not tied to one entry

    @property
    def ok(self) -> bool:
        return not self.problems and all(e.ok for e in self.entries) \
            and all(r.ok for r in self.references)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["pdf"] = str(self.pdf)
        data["ok"] = self.ok
        return data

    @property
    def findings(self) -> list[Finding]:
        """The document's problems, then each entry's, then each reference's, with hints."""
        found = [Finding("contents" if p.startswith(NO_CONTENTS) else "typed-reference",
                         "error", None, p, HINTS["contents" if p.startswith(NO_CONTENTS)
                                                 else "typed-reference"])
                 for p in self.problems]
        found += [Finding("entry", "error", None, f"{e.entry}: {p}", HINTS["entry"])
                  for e in self.entries for p in e.problems]
        found += [Finding("reference", "error", None, f"{r.printed} on page {r.page:02d}: {p}",
                          HINTS["reference"]) for r in self.references for p in r.problems]
        return found

    def diagnostics(self) -> list[Diagnostic]:
        return diagnostics(self.findings, self.pdf)


NO_CONTENTS = "no contents page"
HINTS = {
    "contents": "the contents page lists the page definitions' toc: entries: check the PDF "
                "against the brochure it was built from (--brochure DIR)",
    "typed-reference": "never type a page number: write [[p:ID]] (or [[p:ID/2]]) in the page "
                       "definition and let the build print it",
    "entry": "the contents and the folios come from the build: rebuild from this brochure; "
             "if it persists, the entry's heading: must match the heading printed on its page",
    "reference": "page references come from [[p:ID]]: rebuild from this brochure, and check "
                 "that the ID names the page definition meant",
}


def check_toc(pdf: Path, brochure: Brochure, memo=None) -> TocReport:
    """Read ``pdf`` and check every contents entry and page reference against it.

    The brochure only says which heading each entry stands for, and which page
    definition each reference names; every number comes from the PDF.
    ``memo`` (a `memo.PageMemo`) keeps each page's lines for the next check.
    Raises `UnreadablePDF` if the file cannot be opened.
    """
    pages = read_pages(pdf, memo)
    links = read_links(pdf)
    folios = {page.index: _folio(page) for page in pages}
    headings = {page.index: _headings(page) for page in pages}
    contents_page, printed, problems = _read_contents(pages, brochure)
    entries = [_check_entry(entry, printed.get(normalize(entry.entry), []), headings, folios)
               for entry in brochure.toc()]
    references = [_check_reference(link, pages, folios, brochure) for link in links
                  if link.name is None or link.name.startswith("def:")]
    problems += _unlinked_references(pages, links)
    return TocReport(pdf, len(pages), contents_page, entries, references, problems)


def _read_contents(pages: list[PageText], brochure: Brochure):
    """Find the contents page: the page where most entries stand with a number."""
    wanted = {normalize(e.entry) for e in brochure.toc()}
    best, best_found = None, {}
    for page in pages:
        found: dict[str, list[str]] = {}
        for line in page.lines:
            text = normalize(line.text)
            for entry in wanted:
                number = _number_after(text, entry)
                if number is not None:
                    found.setdefault(entry, []).append(number)
        if len(found) > len(best_found):
            best, best_found = page.index, found
    problems = [] if best is not None else [
        f"{NO_CONTENTS}: none of the brochure's {len(wanted)} entries is printed with a page "
        "number (is this PDF made from this brochure?)"]
    return best, best_found, problems


def _number_after(text: str, entry: str) -> str | None:
    if not text.startswith(entry):
        return None
    rest = text[len(entry):].strip(LEADERS)
    return rest if re.fullmatch(r"\d{1,3}|\?+|？+", rest) else None


def _check_entry(entry, numbers: list[str], headings: dict, folios) -> EntryCheck:
    heading = normalize(entry.heading)
    on = [index for index, found in headings.items() if heading in found]
    says = numbers[0] if numbers else None
    folio = folios.get(on[0]) if len(on) == 1 else None
    check = EntryCheck(entry.entry, says, on, folio)
    check.problems = _entry_problems(says, numbers, on, folio, len(headings))
    return check


def _entry_problems(says, numbers, on, folio, page_count) -> list[str]:
    problems = []
    if says is None:
        return ["not in the contents"]
    if len(numbers) > 1:
        problems.append(f"listed {len(numbers)} times in the contents")
    if not says.isdigit() or int(says) == 0 or int(says) > page_count:
        problems.append(f"contents says {says}, which cannot be a page of this "
                        f"{page_count}-page document")
    if not on:
        return problems + ["its heading appears on no page"]
    if len(on) > 1:
        return problems + ["its heading appears on pages " + ", ".join(f"{p:02d}" for p in on)]
    page = on[0]
    if folio is None:
        problems.append(f"heading is on page {page:02d}, which prints no folio")
    elif says.isdigit() and not int(says) == int(folio) == page:
        problems.append(f"contents says {says}, heading is on page {page:02d} (folio {folio})")
    elif int(folio) != page:
        problems.append(f"heading is on page {page:02d} but its folio says {folio}")
    return problems


def _headings(page: PageText) -> set[str]:
    """Texts set large enough to be headings: each line, and runs of lines of one size."""
    found, block, size = set(), "", None
    for line in page.lines:
        if line.size >= HEADING_SIZE and line.text.strip():
            text = normalize(line.text)
            found.add(text)
            block = block + text if size == line.size else text
            size = line.size
            found.add(block)
        elif line.text.strip():
            block, size = "", None
    return found


def _folio(page: PageText) -> str | None:
    """The page number printed at the foot of the page, if any."""
    bottom = page.trim[1]
    for line in page.lines:
        text = normalize(line.text)
        if line.bottom - bottom < FOLIO_BAND and re.fullmatch(r"\d{1,3}", text):
            return text
    return None


def _check_reference(link: Link, pages, folios, brochure: Brochure) -> ReferenceCheck:
    page = pages[link.page - 1]
    printed = normalize(page.text_in(link.rect))
    target = _describe_target(link.name)
    check = ReferenceCheck(link.page, printed, target, link.target,
                           folios.get(link.target) if link.target else None)
    match = REFERENCE.search(printed)
    if not match:
        check.problems.append(f"the link to {target} prints no page number ('{printed}')")
    elif link.target is None:
        check.problems.append(f"points to {target}, which is not in this document")
    else:
        check.problems += _reference_problems(match, link, folios, pages, brochure)
    return check


def _reference_problems(match, link: Link, folios, pages, brochure) -> list[str]:
    numbers = [int(match.group(1))] + [int(n) for n in match.group(2).split("・") if n]
    problems = []
    for offset, number in enumerate(numbers):
        place = link.target + offset
        folio = folios.get(place)
        if not (folio is not None and number == int(folio) == place):
            problems.append(f"says P{number:02d}, {_describe_target(link.name)} is on page "
                            f"{place:02d} (folio {folio or 'none'})")
    definition = _definition(link.name, brochure)
    if definition is not None and not _carries(pages[link.target - 1], definition):
        problems.append(f"page {link.target:02d} does not carry {_describe_target(link.name)}")
    return problems


def _definition(name: str | None, brochure: Brochure):
    if not name or not name.startswith("def:"):
        return None
    page_id = name.split(":")[1]
    return next((p for p in brochure.pages if p.id == page_id), None)


def _carries(page: PageText, definition) -> bool:
    """Does the page show some distinctive text of the page definition?"""
    text = page.text
    anchors = [normalize(plain_text(s)) for _, s in _strings(definition.fields, ())]
    anchors = [a for a in anchors if len(a) >= 6 and "P0123456789" not in a]
    return any(a[:40] in text for a in anchors)


def _describe_target(name: str | None) -> str:
    if name and name.startswith("def:"):
        _, page_id, index = name.split(":")
        return page_id if index == "1" else f"{page_id} (page {index})"
    return name or "an unnamed place"


def _unlinked_references(pages: list[PageText], links: list[Link]) -> list[str]:
    """A ▶P19 printed without a link was typed, not generated: nothing proves it."""
    problems = []
    for page in pages:
        lines = "\n".join(normalize(line.text) for line in page.lines)   # a line ends a number
        typed = re.findall(r"▶(P\d{1,3}(?:・\d{1,3})*)|(P\d{1,3}(?:・\d{1,3})*)参照", lines)
        typed = [a or b for a, b in typed]
        for link in links:
            if link.page == page.index:
                linked = REFERENCE.search(normalize(page.text_in(link.rect)))
                if linked and linked.group(0) in typed:
                    typed.remove(linked.group(0))
        for reference in typed:
            problems.append(_typed_problem(reference, page.index, len(pages)))
    return problems


def _typed_problem(reference: str, page: int, page_count: int) -> str:
    numbers = [int(n) for n in reference[1:].split("・")]
    if any(n == 0 or n > page_count for n in numbers):
        return (f"{reference} on page {page:02d} points past the end of this "
                f"{page_count}-page document")
    return (f"{reference} on page {page:02d} is not generated from the page definitions "
            "(typed by hand?), so nothing proves it")
