"""Policy packs: the shipped `*.toml` files in this package, their types and their loader.

`load_policies(settings_dir)` reads the shipped packs and then the user's own packs and
overrides from `<settings_dir>/policies/*.toml`. The format is in docs/policies.md.
"""

from policies.packs.loader import USER_POLICIES_FOLDER, build_policy, load_policies, normalise_role
from policies.packs.types import (
    NO_VISIT_FREQUENCY,
    ChairedBy,
    ChecklistItem,
    ClosureReason,
    Conditions,
    OtherReading,
    Policy,
    PolicyError,
    Rule,
    Timescale,
    Window,
    role_words,
    visit_frequency_missing,
)

__all__ = [
    "NO_VISIT_FREQUENCY",
    "USER_POLICIES_FOLDER",
    "ChairedBy",
    "ChecklistItem",
    "ClosureReason",
    "Conditions",
    "OtherReading",
    "Policy",
    "PolicyError",
    "Rule",
    "Timescale",
    "Window",
    "build_policy",
    "load_policies",
    "normalise_role",
    "role_words",
    "visit_frequency_missing",
]
