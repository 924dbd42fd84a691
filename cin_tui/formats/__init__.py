"""The import/export file formats: JSON (full history) and CSV (one row per child).

Both are documented, with examples, in docs/formats.md.
"""
