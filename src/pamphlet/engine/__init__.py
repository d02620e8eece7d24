"""Everything that touches WeasyPrint: layout, the JLREQ line layout, drawing parts, speedups.

- layout.py        `Engine`: a definition's HTML laid out (stylesheets parsed once),
                   `overset` refuses what does not fit; `install()` extends WeasyPrint
- draw.py          a laid-out definition drawn as a *part* (fonts and profiles left out),
                   and its bookmarks nested across parts as WeasyPrint nests them
- pictures.py      press pictures laid out by their size, converted once placed
                   (images.py converts), drawn as WeasyPrint raster images
- tagging.py       the screen edition's engine (RGB fetcher) and the tags it writes
- patches.py       the inventory: every name pamphlet replaces in WeasyPrint, why, and
                   the test guarding it; one mechanism, originals kept, version pinned
- letterspacing.py, justify.py, lastline.py, glyphs.py: the typography pass's hooks
- speedups.py      remembered min/max-content widths, short first lines

Upgrading WeasyPrint: change `patches.PINNED` and requirements.lock, then walk
`patches.INVENTORY` row by row (each names its target and its test) and run
tests/engine/ and the tests the rows name.
"""
