"""Checking the user's `[keymap]` (settings.toml) before the app uses it.

Textual applies a keymap silently: an id it does not know is ignored, a key it cannot match is
never pressed, and a key taken from another command leaves that command without one. So each
entry is checked here, and what is wrong is said at start with the file, the line and what
would be accepted:
- an unknown binding id, or a key that is not a key: that entry is left out, the rest apply;
- a keymap that would leave Quit or Help (`?`) with no key on some screen: the whole keymap is
  refused and the default keys kept, so the user can always leave and always find the keys.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from textual.keys import KEY_NAME_REPLACEMENTS, KEY_TO_UNICODE_NAME, Keys, _character_to_key

from screens import keys

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
KEY_EXAMPLES = ('"v", "V", "ctrl+v", "f5", "escape", "enter", "space", "question_mark", '
                '"slash", "alt+left"')
# Commands that must keep a key on every screen that has them.
ESSENTIAL = (keys.QUIT, keys.HELP)
# The screens' command groups: a key moved onto one already used in the same group takes it
# from the other command (Textual's keymap clash).
SCREEN_GROUPS: tuple[tuple[str, tuple[keys.Command, ...]], ...] = (
    ("the caseload", (*keys.CASELOAD_COMMANDS, keys.OPEN_CASE, keys.PRIVACY)),
    ("a case", (*keys.CASE_COMMANDS, keys.PRIVACY)),
    ("the team view", (*keys.TEAM_COMMANDS, keys.WALKTHROUGH)),
    ("a walkthrough", keys.WALKTHROUGH_COMMANDS),
    ("the sync screen", keys.SYNC_COMMANDS),
)

_NAMED_KEYS = frozenset(
    name for key in Keys if not (name := key.value.rpartition("+")[2]).startswith("<")
) | {"space", *KEY_NAME_REPLACEMENTS.values(), *KEY_TO_UNICODE_NAME}


@dataclass(frozen=True, slots=True)
class KeymapCheck:
    keymap: dict[str, str]                 # what to give App.set_keymap
    problems: list[str] = field(default_factory=list)  # one sentence each, for the user


def is_key(text: str) -> bool:
    """Whether Textual can match `text` ("ctrl+v", "f5", "?", "question_mark") to a key."""
    *modifiers, name = text.strip().split("+")
    if any(modifier.lower() not in MODIFIERS for modifier in modifiers):
        return False
    if len(name) == 1:
        return name.isprintable() and not name.isspace()
    if name.lower() in _NAMED_KEYS:
        return True
    try:  # a character by its name, as Textual names them ("full_stop"); keyboard ones only
        character = unicodedata.lookup(name.replace("_", " "))
    except KeyError:
        return False
    return character.isprintable() and ord(character) < 0x250


def check_keymap(keymap: Mapping[str, str], *, file: str,
                 lines: Mapping[str, int]) -> KeymapCheck:
    """The keymap to apply, and every problem with it (see the module's docstring). `lines`:
    the line of each entry in `file` (`cin_tui.settings.keymap_lines`)."""
    problems: list[str] = []
    usable: dict[str, str] = {}

    def where(binding_id: str) -> str:
        line = lines.get(binding_id)
        return f"{file}, line {line}" if line else file

    for binding_id, key_list in keymap.items():
        if binding_id not in keys.COMMANDS_BY_ID:
            problems.append(
                f"{where(binding_id)}: keymap.{binding_id}: no such key id, so it was left out; "
                f"the ids are: {', '.join(sorted(keys.COMMANDS_BY_ID))}")
            continue
        bad = [key for key in key_list.split(",") if not is_key(key)]
        if bad:
            problems.append(
                f"{where(binding_id)}: keymap.{binding_id}: {', '.join(repr(k) for k in bad)} "
                f"is not a key, so the default was kept; write a key such as {KEY_EXAMPLES}, "
                "or several separated by commas")
            continue
        usable[binding_id] = key_list
    left_without = _essential_keys_lost(usable)
    if left_without:
        problems.append(
            f"{file}: the keymap was not used, and the default keys were kept: it would leave "
            f"{'; '.join(left_without)}. Give each of these its own key")
        usable = {}
    return KeymapCheck(usable, problems)


def _normal(key: str) -> str:
    key = key.strip()
    return _character_to_key(key) if len(key) == 1 else key


def _keys_of(command: keys.Command, keymap: Mapping[str, str]) -> set[str]:
    return {_normal(key) for key in keymap.get(command.id, command.key).split(",")}


def _essential_keys_lost(keymap: Mapping[str, str]) -> list[str]:
    """Where Quit or Help would have no key: the keys it has, less those another command of
    the same screen is moved onto."""
    lost = []
    for screen, group in SCREEN_GROUPS:
        for essential in ESSENTIAL:
            if essential not in group:
                continue
            taken: dict[str, str] = {}
            for command in group:
                if command is not essential and command.id in keymap:
                    for key in _keys_of(command, keymap):
                        taken.setdefault(key, command.id)
            kept = _keys_of(essential, keymap) - set(taken)
            if not kept:
                by = sorted({taken[key] for key in _keys_of(essential, keymap) if key in taken})
                lost.append(f"{essential.title} ({essential.id}) with no key on {screen} "
                            f"(taken by {', '.join(by)})")
    return lost
