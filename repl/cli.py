"""The `lexlog` command line: one subcommand per job, each a thin layer over `lexlog.kb`'s public face.

Exit codes: 0 success; 1 the answer is negative (a failed expectation, an unformatted file); 2 bad input
(syntax or check errors, unreadable files), with located messages on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, Sequence

from lexlog.kb import (
    DEFAULT_ENGINE,
    ENGINES,
    LexlogError,
    bundled_library_files,
    check_files,
    format_source,
    write_atomically,
)

EXIT_OK, EXIT_NEGATIVE, EXIT_INPUT_ERROR = 0, 1, 2


def _use_colour(stream: object) -> bool:
    return hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ  # type: ignore[union-attr]


def _files_or_library(files: list[str]) -> list[str]:
    return files or bundled_library_files()


def run_check(arguments: argparse.Namespace) -> int:
    files = _files_or_library(arguments.files)
    report = check_files(files)
    if report.diagnostics:
        print(report.render(_use_colour(sys.stderr)), file=sys.stderr)
        print(file=sys.stderr)
    shown = ", ".join(files) if len(files) <= 3 else f"{len(files)} files"
    print(f"checked {shown}: {report.summary()}")
    return EXIT_OK if report.ok else EXIT_INPUT_ERROR


def run_fmt(arguments: argparse.Namespace) -> int:
    status = EXIT_OK
    for path in arguments.files:
        try:
            with open(path, encoding="utf-8") as stream:
                text = stream.read()
        except (OSError, UnicodeDecodeError) as error:
            print(f"{path}: cannot read: {getattr(error, 'strerror', None) or error}", file=sys.stderr)
            status = EXIT_INPUT_ERROR
            continue
        try:
            formatted = format_source(text, path)
        except LexlogError as error:
            print(error.render(_use_colour(sys.stderr)), file=sys.stderr)
            status = EXIT_INPUT_ERROR
            continue
        if arguments.check:
            if formatted != text:
                print(f"{path}: not formatted")
                status = max(status, EXIT_NEGATIVE)
        elif arguments.in_place:
            if formatted != text:
                write_atomically(path, formatted)
                print(f"formatted {path}")
        else:
            sys.stdout.write(formatted)
    return status


def run_repl(arguments: argparse.Namespace) -> int:
    from lexlog.repl.shell import run

    return run(arguments.files or bundled_library_files(), arguments.engine, getattr(arguments, "command_text", None))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lexlog",
        description="A legal knowledge base: Datalog rules tied to the opinions they come from, with explanations. "
        "With no command, opens the interactive prompt on the bundled Fifth Circuit knowledge base.",
    )
    parser.add_argument("--engine", choices=sorted(ENGINES), default=DEFAULT_ENGINE, help="evaluation backend")
    parser.add_argument("-c", dest="command_text", metavar="COMMANDS", help="run these prompt commands and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    repl = commands.add_parser("repl", help="the interactive prompt on FILEs (default: the bundled law)")
    repl.add_argument("files", nargs="*", metavar="FILE")
    repl.set_defaults(run=run_repl)

    check = commands.add_parser("check", help="check files for errors and warnings (default: the bundled law)")
    check.add_argument("files", nargs="*", metavar="FILE")
    check.set_defaults(run=run_check)

    fmt = commands.add_parser("fmt", help="print files in canonical form, or rewrite them with --in-place")
    fmt.add_argument("files", nargs="+", metavar="FILE")
    mode = fmt.add_mutually_exclusive_group()
    mode.add_argument("-i", "--in-place", action="store_true", help="rewrite each file (atomically)")
    mode.add_argument("--check", action="store_true", help="exit 1 if a file is not in canonical form")
    fmt.set_defaults(run=run_fmt)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] | None = getattr(arguments, "run", None)
    if run is None:
        arguments.files = []
        run = run_repl
    try:
        return run(arguments)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
