"""Checks that read only the finished PDF and return their findings as data.

Every checker opens the PDF through `pdftext`: `open_pdf` for what is drawn (pdfium,
its characters read by `characters`), `open_objects` for its objects (pikepdf, content
streams parsed by pikepdf's parser), and reports `findings.Finding`s (rule, severity,
page, message, hint); cli.py alone prints them.
"""
