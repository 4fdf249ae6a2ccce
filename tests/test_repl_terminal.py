"""End to end in a real terminal: `lexlog` inside a detached tmux session, keys sent, the screen read back with its
escape sequences, and checked for what a user sees."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable


# A missing tool fails the test (the README's test command installs tmux); it never skips.
TMUX = shutil.which("tmux") or "tmux"

DEADLINE_SECONDS = 30.0
ESC = re.compile(r"\x1b\[[0-9;:]*m")


class Terminal:
    """A tmux server of our own (private socket), one session of a fixed size running one command."""

    def __init__(self, socket: str, command: str, width: int = 140, height: int = 45) -> None:
        self.socket = socket
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height), command)

    def tmux(self, *arguments: str) -> str:
        done = subprocess.run([TMUX, "-L", self.socket, *arguments], capture_output=True, text=True, timeout=20)
        if done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(arguments)}: {done.stderr.strip()}")
        return done.stdout

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "t", "-l", text)

    def press(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def screen(self, escapes: bool = False) -> str:
        return self.tmux("capture-pane", "-t", "t", "-p", "-J", *(["-e"] if escapes else []))

    def wait_for(self, condition: Callable[[str], bool], what: str, escapes: bool = False) -> str:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while True:
            screen = self.screen(escapes)
            if condition(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the screen shows:\n{self.screen()}")
            time.sleep(0.05)

    def kill(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], capture_output=True, timeout=20)


def lexlog_command() -> str:
    found = shutil.which("lexlog")
    return found if found else f"{sys.executable} -m lexlog.repl.cli"


def test_a_user_session_in_a_real_terminal(tmp_path: Path) -> None:
    home = tmp_path / "home"
    data = tmp_path / "data"
    home.mkdir()
    command = f"env -u NO_COLOR HOME={home} XDG_DATA_HOME={data} TERM=xterm-256color LANG=C.UTF-8 {lexlog_command()}"
    assert shutil.which("tmux"), "tmux is not installed: run the README's test command, which installs it"
    # Tall enough that the proof of the first answer fits on one screen with the line that asked for it.
    terminal = Terminal(f"lexlog-test-{os.getpid()}", command, height=100)
    try:
        terminal.wait_for(lambda s: "lexlog>" in s, "the prompt")

        # A query, typed with a predicate prefix completed by Tab.
        terminal.type("?- appealable(O), not no_appellate_jur")
        terminal.press("Tab")
        terminal.wait_for(lambda s: "not no_appellate_jurisdiction" in s, "Tab to complete the predicate name")
        terminal.type("(O).")
        terminal.press("Enter")
        screen = terminal.wait_for(lambda s: "(1 answer)" in s, "the answer table")
        assert "lexlog> ?- appealable(O), not no_appellate_jurisdiction(O)." in screen
        assert re.search(r"^#\s+O\s*$", screen, re.M)
        assert re.search(r"^1\s+zapata_order\s*$", screen, re.M)

        # The echoed input is highlighted: colour codes around the predicate name and the keyword.
        coloured = terminal.screen(escapes=True)
        echoed = next(line for line in coloured.splitlines() if "no_appellate_jurisdiction" in ESC.sub("", line))
        function = re.search(r"((?:\x1b\[[0-9;:]*m)+)appealable(?:\x1b\[[0-9;:]*m)", echoed)
        keyword = re.search(r"((?:\x1b\[[0-9;:]*m)+)not(?:\x1b\[[0-9;:]*m)", echoed)
        assert function and re.search(r"(?<![0-9])3[0-8](?![0-9])", function.group(1)), repr(echoed)
        assert keyword and re.search(r"(?<![0-9])3[0-8](?![0-9])", keyword.group(1)), repr(echoed)
        assert function.group(1) != keyword.group(1)  # predicates and keywords look different

        # :why 1 explains the first answer.
        terminal.type(":why 1")
        terminal.press("Enter")
        screen = terminal.wait_for(lambda s: "by rule " in s and "lexlog> :why 1" in s, "the proof")
        assert re.search(r"^appealable\(zapata_order\): ", screen, re.M)

        # The bottom toolbar shows what is loaded.
        assert "zapata.dl" in screen and "facts" in screen

        # Ctrl-D leaves; the history was written to the data folder.
        terminal.press("C-d")
        deadline = time.monotonic() + DEADLINE_SECONDS
        history = data / "lexlog" / "history"
        while not (history.exists() and ":why 1" in history.read_text(encoding="utf-8")):
            assert time.monotonic() < deadline, "the history file was not written"
            time.sleep(0.05)
    finally:
        terminal.kill()
