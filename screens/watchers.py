"""Watchers that outlive their widgets: a small workaround for Textual issue #6666.

`widget.watch(other, "name", callback)` and `widget.data_bind(...)` (Footer's
`FooterKey(...).data_bind(compact=Footer.compact)`, Header's watches of the App's `title` and
`sub_title`, TextArea's of the App's `theme`) store `(widget, callback)` in the watched object's
`__watchers` dict. Textual drops the entries of removed widgets only when the watched value next
changes (https://github.com/Textualize/textual/issues/6666), and the callback holds the removed
widget, and through it its whole screen: a working day of opening cases leaks memory, DOM nodes
and time. Until Textual prunes them itself, the App prunes its own after a screen is removed
(cin_tui/app.py) and `CinFooter` (screens/widgets/footer.py) prunes its keys' after it
recomposes. Nothing here changes what a live widget watches.
"""

from __future__ import annotations

from typing import Any

# Where textual.reactive._watch keeps them (a plain attribute named exactly this, not mangled).
WATCHERS_ATTRIBUTE = "__watchers"


def _watchers(obj: object) -> dict[str, list[tuple[Any, Any]]]:
    return getattr(obj, WATCHERS_ATTRIBUTE, None) or {}


def watcher_counts(obj: object) -> dict[str, int]:
    """How many watchers each reactive of `obj` has (what `watch`/`data_bind` registered)."""
    return {name: len(entries) for name, entries in _watchers(obj).items() if entries}


def watcher_count(obj: object) -> int:
    return sum(watcher_counts(obj).values())


def is_removed(node: Any) -> bool:
    """Whether a watching node has been (or is being) removed from the DOM."""
    return bool(getattr(node, "_closing", False) or getattr(node, "_closed", False)
                or getattr(node, "_pruning", False))


def prune_removed_watchers(obj: object) -> int:
    """Drop the watchers on `obj` registered by nodes since removed; returns how many."""
    dropped = 0
    for entries in _watchers(obj).values():
        live = [(node, callback) for node, callback in entries if not is_removed(node)]
        dropped += len(entries) - len(live)
        entries[:] = live
    return dropped
