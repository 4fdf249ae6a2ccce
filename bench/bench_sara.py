"""Decide a directory of SARA case files on <us_tax>: one PASS/FAIL line per case, the count per section, and one
last line `sara: P/N pass (binary b/B, numeric n/N) in T s` (T: the whole run, loading the library included).

    python bench/bench_sara.py --cases tests/data/sara/cases [--engine clingo|pydatalog] [--only PREFIX] [--write DIR]

With --write, each imported case is also written to DIR as a lexlog case file (`include <us_tax>.`, the facts, and
the question as `expect` lines), which `lexlog test`, `lexlog explain` and the prompt read like any other.
"""

from __future__ import annotations

import argparse
import os
import sys

from lexlog.kb.diagnostics import LexlogError
from lexlog.kb.sara import SaraImportError, import_sara_case, write_lexlog_case
from lexlog.kb.sara.runner import CASES_TOGETHER, case_files, summarize


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", required=True, help="a directory of SARA case files (*.pl)")
    parser.add_argument("--engine", choices=["clingo", "pydatalog"], default=None)
    parser.add_argument("--only", default="", help="decide only the cases whose file name starts with this")
    parser.add_argument("--write", metavar="DIR", help="also write each imported case to DIR as a lexlog file")
    parser.add_argument(
        "--together", type=int, default=CASES_TOGETHER, metavar="N",
        help=f"cases evaluated in one pass (default {CASES_TOGETHER}; 1 decides each case on its own)",
    )
    arguments = parser.parse_args(argv)
    if arguments.together < 1:
        parser.error("--together takes a whole number from 1")
    if not os.path.isdir(arguments.cases):
        parser.error(f"{arguments.cases} is not a directory")
    paths = [p for p in case_files(arguments.cases) if os.path.basename(p).startswith(arguments.only)]
    if not paths:
        parser.error(f"no case files (*.pl) in {arguments.cases}" + (f" starting with {arguments.only!r}" if arguments.only else ""))
    if arguments.write:
        write_cases(paths, arguments.write)
    try:
        summary = summarize(paths, arguments.engine, lambda outcome: print(outcome.line(), flush=True), arguments.together)
    except LexlogError as error:
        print(f"the library <us_tax> does not load:\n{error}", file=sys.stderr)
        return 2
    for section in summary.sections():
        passed, total = summary.count(section=section)
        print(f"  {section}: {passed}/{total}")
    print(summary.last_line())
    return 0 if all(o.passed for o in summary.outcomes) else 1


def write_cases(paths: list[str], directory: str) -> None:
    """Each case as DIR/NAME.dl; a case that cannot be imported is reported on stderr and skipped."""
    for path in paths:
        try:
            case = import_sara_case(path)
        except SaraImportError as error:
            print(f"{path}:{error.line or 1}: cannot import: {error.message}", file=sys.stderr)
            continue
        write_lexlog_case(case, directory)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # the reader stopped early (`| head`): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
