"""REPL start-up and explanation figures on the bundled law.

    python bench/bench_repl.py [--runs N]

Prints:
  * start-up to prompt, end to end: a fresh `lexlog` process on the bundled law (four files) in a pseudo-terminal,
    from spawn until the prompt `lexlog> ` is on the screen (median of N runs);
  * `lexlog -c ':quit'` wall time (a fresh process, no prompt: import + load);
  * in-process phases: importing the REPL, loading the bundled law, building the prompt, the first query
    (which evaluates the model), and `:why 1` (the proof) cold and warm.
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def _lexlog() -> list[str]:
    found = shutil.which("lexlog")
    return [found] if found else [sys.executable, "-m", "lexlog.repl.cli"]


def time_to_prompt(runs: int) -> list[float]:
    """Spawn `lexlog` on a pseudo-terminal; seconds until the prompt appears."""
    figures = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "HOME": home, "XDG_DATA_HOME": os.path.join(home, "data"), "TERM": "xterm-256color"}
            started = time.perf_counter()
            pid, fd = pty.fork()
            if pid == 0:  # the child: become lexlog
                os.execvpe(_lexlog()[0], _lexlog(), env)
            seen = b""
            try:
                while b"lexlog>" not in seen:
                    ready, _, _ = select.select([fd], [], [], 30)
                    if not ready:
                        raise RuntimeError("no prompt after 30 s")
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        raise RuntimeError("lexlog ended before its prompt: " + seen.decode(errors="replace"))
                    seen += chunk
                    # answer the terminal's cursor-position query so prompt_toolkit does not wait for it
                    if b"\x1b[6n" in chunk:
                        os.write(fd, b"\x1b[1;1R")
                figures.append(time.perf_counter() - started)
                os.write(fd, b"\x04")  # Ctrl-D
            finally:
                try:
                    os.waitpid(pid, 0)
                except ChildProcessError:
                    pass
                os.close(fd)
    return figures


def time_command_quit(runs: int) -> list[float]:
    figures = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*_lexlog(), "-c", ":quit"], check=True, capture_output=True)
        figures.append(time.perf_counter() - started)
    return figures


def in_process(runs: int) -> dict[str, list[float]]:
    started = time.perf_counter()
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from lexlog.kb import DEFAULT_ENGINE, bundled_library_files
    from lexlog.repl.commands import Session, execute
    from lexlog.repl.shell import Shell

    figures: dict[str, list[float]] = {"import the REPL": [time.perf_counter() - started]}
    for _ in range(runs):
        for name in ("load the bundled law", "build the prompt", "first query (evaluates)", ":why 1 (cold)", ":why 1 (warm)"):
            figures.setdefault(name, [])
        t0 = time.perf_counter()
        session = Session.start(bundled_library_files(), DEFAULT_ENGINE)
        t1 = time.perf_counter()
        with create_pipe_input() as keyboard:
            Shell(session, input=keyboard, output=DummyOutput(), history=InMemoryHistory())
        t2 = time.perf_counter()
        assert "zapata_order" in execute(session, "?- appealable_on(O, G).").text
        t3 = time.perf_counter()
        assert "by rule" in execute(session, ":why 1").text
        t4 = time.perf_counter()
        execute(session, ":why 1")
        t5 = time.perf_counter()
        figures["load the bundled law"].append(t1 - t0)
        figures["build the prompt"].append(t2 - t1)
        figures["first query (evaluates)"].append(t3 - t2)
        figures[":why 1 (cold)"].append(t4 - t3)
        figures[":why 1 (warm)"].append(t5 - t4)
    return figures


def _show(name: str, values: list[float]) -> None:
    print(f"  {name:<34} median {statistics.median(values) * 1000:8.1f} ms   min {min(values) * 1000:8.1f} ms   (n={len(values)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    print(f"lexlog REPL on the bundled law; python {sys.version.split()[0]}")
    print("end to end (fresh processes):")
    _show("start-up to prompt (pty)", time_to_prompt(runs))
    _show("lexlog -c ':quit'", time_command_quit(runs))
    print("in process:")
    for name, values in in_process(runs).items():
        _show(name, values)


if __name__ == "__main__":
    main()
