"""Typeset print-ready pamphlets from YAML page definitions.

The pipeline runs in four stages, one module each, then the checks:

1. load     (`load.py`)     brochure/brochure.yaml and brochure/pages/*.yaml
                            -> a validated `Brochure` with page numbers planned
2. render   (`render.py`)   the brochure + Jinja2 layouts/ -> one HTML document
3. typeset  (`typeset.py`)  WeasyPrint lays the HTML out -> a `Document`,
                            refused if a page definition overflows its pages
4. write    (`write.py`)    the document -> the PDF, atomically and reproducibly

The write stage finishes the print PDF in `press.py` (boxes, `marks.py`'s
trim marks, reproducible IDs); `screen.py` makes the RGB, tagged edition.

Checks read only the finished PDF: `checks/toc.py` proves the contents and the
page references, `checks/preflight.py` press-readiness, `checks/typography.py`
the Japanese typesetting; `jobticket.py` sums them up for the vendor; `diff/`
compares two PDFs page by page.  `build.py` strings the stages together,
`watch.py` repeats them on every save (with `layoutcache.py`); `cli.py` is the
only place that formats diagnostics for people.
"""

__version__ = "0.1.0"
