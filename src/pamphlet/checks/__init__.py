"""Checks that read only the finished PDF and return their findings as data.

Every checker opens the PDF through `pdftext.open_pdf` and reports `findings.Finding`s
(rule, severity, page, message, hint); cli.py alone prints them.
"""
