"""cin-tui: a terminal caseload tracker for Child in Need (Section 17) social workers."""

__version__ = "0.1.0"
