"""The real `cin` in a real terminal: a tmux session on its own server socket, shared by the
tests that drive cin as a person would."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
needs_tmux = pytest.mark.skipif(
    TMUX is None,
    reason="tmux is not installed (apt-get install -y tmux): this test drives the real cin in a "
           "terminal",
)
PATIENCE_SECONDS = 60.0
# A reversed label (SGR 7, maybe combined with bold) marks the field that has the keyboard.
REVERSED = r"\x1b\[(?:[0-9]+;)*7m(?:\x1b\[[0-9;]*m)*"


def cin_command() -> Path:
    cin = Path(sys.executable).parent / "cin"
    assert cin.exists(), f"the cin command is not installed beside {sys.executable}"
    return cin


def cin_environment(tmp_path: Path, today: str) -> dict[str, str]:
    """A clean environment for cin: its own database, settings folder and today."""
    settings = tmp_path / "settings"
    settings.mkdir(exist_ok=True)
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CIN_", "TMUX", "NO_COLOR"))},
        "CIN_DB": str(tmp_path / "cin.db"),
        "CIN_SETTINGS_DIR": str(settings),
        "CIN_TODAY": today,
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm-256color",
    }


class Terminal:
    """A tmux session on its own server socket, so nothing else's tmux is touched."""

    def __init__(self, socket: str, env: dict[str, str]) -> None:
        self.socket = socket
        self.env = env

    def tmux(self, *args: str) -> str:
        assert TMUX is not None
        result = subprocess.run([TMUX, "-u", "-L", self.socket, *args], env=self.env,
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start(self, command: str, *, width: int = 120, height: int = 36) -> None:
        self.tmux("new-session", "-d", "-s", "cin", "-x", str(width), "-y", str(height), command)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "cin", key)

    def text(self, value: str) -> None:
        self.tmux("send-keys", "-t", "cin", "-l", value)

    def screen(self, *, styles: bool = False) -> str:
        return self.tmux("capture-pane", "-p", *(["-e"] if styles else []), "-t", "cin")

    def wait_for(self, words: str, *, styles: bool = False) -> str:
        """Poll the screen until `words` are on it (with `styles`, as a regex over the text
        with its escape sequences, e.g. to see which label is shown reversed)."""
        give_up = time.monotonic() + PATIENCE_SECONDS
        while True:
            shown = self.screen(styles=styles)
            if (re.search(words, shown) if styles else words in shown):
                return shown
            if time.monotonic() > give_up:
                raise AssertionError(f"{words!r} never appeared; the screen shows:\n{shown}")
            time.sleep(0.1)

    def wait_gone(self, words: str) -> str:
        """Poll the screen until `words` are no longer on it (a menu closed, a form saved)."""
        give_up = time.monotonic() + PATIENCE_SECONDS
        while True:
            shown = self.screen()
            if words not in shown:
                return shown
            if time.monotonic() > give_up:
                raise AssertionError(f"{words!r} never went; the screen shows:\n{shown}")
            time.sleep(0.1)

    def tab_to(self, label: str) -> None:
        """Tab once and wait until the field labelled `label` has the keyboard (its label
        reversed): Textual hands a key to the widget focused when it arrives, so each key is
        sent once the one before has shown its effect."""
        self.keys("Tab")
        self.wait_for(REVERSED + re.escape(label), styles=True)

    def stop(self) -> None:
        assert TMUX is not None
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], env=self.env,
                       capture_output=True, timeout=30)
