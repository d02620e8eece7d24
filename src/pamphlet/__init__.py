"""Typeset print-ready pamphlets from YAML page definitions.

The pipeline runs in four stages, one module each, then the checks:

1. load     (`load.py`)     brochure/brochure.yaml and brochure/pages/*.yaml
                            -> a validated `Brochure` with page numbers planned
2. render   (`render.py`)   the brochure + Jinja2 layouts/ -> each page
                            definition's HTML, and the whole HTML document
3. typeset  (`engine/`)     WeasyPrint lays a definition's HTML out
                            (`engine/layout.py`), refused if it overflows its
                            pages; `engine/draw.py` draws it as a *part*, a
                            small PDF without its fonts. engine/ is the only
                            package that touches WeasyPrint: `engine/patches.py`
                            lists every name it replaces, why, and its test
4. write    (`merge.py`)    the parts -> one PDF, each font embedded once;
            (`write.py`)    written atomically and reproducibly

`build.py` is the pipeline in two functions: `build()` (the stages in order)
and `make_part()` (one page definition: render -> layout -> overset -> draw,
as a *part*, `parts.py`). Only definitions whose inputs changed are made
(`cache.py` keeps the others' parts in build/cache), on every core
(`workers.py`).
The write stage finishes the print PDF in `press.py` (boxes, `marks.py`'s
trim marks, reproducible IDs) and `subset.py` subsets the fonts;
`screen.py` makes the RGB, tagged edition from the whole document.

Checks read only the finished PDF: `checks/toc.py` proves the contents and the
page references, `checks/preflight/` press-readiness (facts, rules, report),
`checks/typography.py` the Japanese typesetting, each as `checks/findings.py`'s
Findings; `jobticket.py` sums them up for the vendor; `diff/` compares two PDFs
page by page. `watch.py` repeats the build on every save; `cli.py` (with
`report.py`'s text) is the only place that prints.
"""

__version__ = "0.1.0"
