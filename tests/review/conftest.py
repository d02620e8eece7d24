"""The review tests use the diff tests' PDFs: the mini brochure built again, edited, extended."""

from diff.conftest import again_pdf, inserted_pdf, word  # noqa: F401  (fixtures)
