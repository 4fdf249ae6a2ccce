"""The `lexlog` command's entry point: the command line imported with the cyclic garbage collector paused.

Start-up allocates some hundred thousand objects that live as long as the process (modules, classes, the parser's
tables). Collecting among them while they are made finds nothing to free, and on a short query it cost about a tenth
of the process's time (bench/bench_query.py). They are made with the collector paused, then frozen out of later
collections (`gc.freeze`); the collector runs as usual for the command itself.
"""

from __future__ import annotations

import gc
import sys


def main() -> int:
    gc.disable()
    try:
        from lexlog.repl.cli import main as run_command

        gc.freeze()
    finally:
        gc.enable()
    return run_command()


if __name__ == "__main__":
    sys.exit(main())
