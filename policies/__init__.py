"""The pure deadline core: working-day calendar, policy packs and the deadline engine.

Nothing in this package imports textual, sqlmodel or sqlalchemy
(tests/policies/test_import_hygiene.py).
"""
