"""The footer every screen shows: Textual's Footer, without the watchers it leaves behind."""

from __future__ import annotations

from textual.widgets import Footer

from screens.watchers import prune_removed_watchers


class CinFooter(Footer):
    """Textual's Footer recomposes its keys whenever the bindings change (a screen opens over
    it, focus moves), and each new FooterKey `data_bind`s the Footer's `compact`. The old keys'
    watchers stay registered on the Footer until `compact` changes, which it never does here,
    and hold the old keys alive: 64 more per cycle of the soak benchmark. Workaround for
    Textual issue #6666 (screens/watchers.py): after each recompose, drop the watchers of the
    keys it removed. Remove this class once Textual prunes them itself."""

    async def recompose(self) -> None:
        await super().recompose()
        prune_removed_watchers(self)
