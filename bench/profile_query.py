"""Where `lexlog query` spends its time on a closure: cProfile around the command, the functions with the most time
of their own. Run on demand: python bench/profile_query.py [--chain 1000] [--top 8]

Prints a Markdown table (function, calls, own time, share of the profiled total), as docs/engines.md quotes it.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_query import chain_file  # noqa: E402 - the same program text as the closure benchmark

from lexlog.repl.cli import main as lexlog  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chain", type=int, default=1000, help="chain length (default 1000)")
    parser.add_argument("--top", type=int, default=8, help="functions listed (default 8)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        path = chain_file(Path(directory), arguments.chain)
        profile = cProfile.Profile()
        with contextlib.redirect_stdout(io.StringIO()):
            profile.enable()
            lexlog(["query", "--json", str(path), "-q", "path(X, Y)"])
            profile.disable()
    stats = pstats.Stats(profile)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"| function ({total:.1f} s profiled) | calls | own time | share |")
    print("|---|---|---|---|")
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[: arguments.top]  # type: ignore[attr-defined]
    for (file, line, name), (_, calls, own, _, _) in rows:
        where = file.split("site-packages/")[-1]
        print(f"| `{where}:{line}({name})` | {calls:,} | {own:.2f} s | {100 * own / total:.0f}% |")


if __name__ == "__main__":
    main()
