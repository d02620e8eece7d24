"""Checks that read only the finished PDF and return diagnostics."""
