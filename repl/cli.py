"""The `lexlog` command line: one subcommand per job, each a thin layer over `lexlog.kb`'s public face.

Exit codes: 0 success; 1 the answer is negative (no answers with --fail-empty, an atom that does not follow, a
failed expectation, a violated constraint, an unformatted file); 2 bad input (syntax or check errors, unreadable
files, malformed batch lines), with located messages on stderr. See docs/cli.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

# What every command needs. A command's own modules (fuzzing, batch runs, the SARA importer) are imported in its
# function, so that a query does not pay for them at start-up.
from lexlog.kb import (
    DEFAULT_ENGINE,
    ENGINES,
    FORMATS,
    KnowledgeBase,
    LexlogError,
    bundled_case_files,
    bundled_library_files,
    json_text,
    library_names,
    library_path,
)

if TYPE_CHECKING:
    from lexlog.kb.batch_workers import OutputLine

EXIT_OK, EXIT_NEGATIVE, EXIT_INPUT_ERROR = 0, 1, 2


def _use_colour(stream: object) -> bool:
    return hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ  # type: ignore[union-attr]


def _files_or_library(files: list[str]) -> list[str]:
    return files or bundled_library_files()


def run_check(arguments: argparse.Namespace) -> int:
    from lexlog.kb import check_files

    files = _files_or_library(arguments.files)
    report = check_files(files)
    if report.diagnostics:
        print(report.render(_use_colour(sys.stderr)), file=sys.stderr)
        print(file=sys.stderr)
    shown = ", ".join(files) if len(files) <= 3 else f"{len(files)} files"
    print(f"checked {shown}: {report.summary()}")
    return EXIT_OK if report.ok else EXIT_INPUT_ERROR


def run_fmt(arguments: argparse.Namespace) -> int:
    from lexlog.kb import format_source, write_atomically

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
                try:
                    write_atomically(path, formatted)
                except OSError as error:  # a full or read-only disk, a pipe: the file is as it was
                    print(f"{path}: cannot write: {error.strerror or error}", file=sys.stderr)
                    status = EXIT_INPUT_ERROR
                    continue
                print(f"formatted {path}")
        else:
            sys.stdout.write(formatted)
    return status


def _library_entry() -> list[str]:
    """The bundled law's entry point alone (no case files): what fuzz and batch run against by default."""
    return [library_path("fifth_circuit_qi")] if "fifth_circuit_qi" in library_names() else []


def _load(files: list[str], engine: str, as_of: str | None = None) -> Optional[KnowledgeBase]:
    """The knowledge base of the files, as of a date if one is given (a date, `today` or an authority's name), or
    None after printing the located errors on stderr."""
    knowledge_base = KnowledgeBase(engine)
    try:
        knowledge_base.load_files(files)
        if as_of is not None:
            knowledge_base = knowledge_base.at_text(as_of)
    except LexlogError as error:
        print(error.render(_use_colour(sys.stderr)), file=sys.stderr)
        return None
    return knowledge_base


def _input_error(error: LexlogError) -> int:
    print(error.render(_use_colour(sys.stderr)), file=sys.stderr)
    return EXIT_INPUT_ERROR


# --- query ------------------------------------------------------------------------------------------------------


def run_query(arguments: argparse.Namespace) -> int:
    knowledge_base = _load(arguments.files, arguments.engine, arguments.as_of)
    if knowledge_base is None:
        return EXIT_INPUT_ERROR
    try:
        result = knowledge_base.query(arguments.goal)
    except LexlogError as error:
        return _input_error(error)
    if arguments.json:
        print(json_text(result.to_dict()))
    else:
        print(result.table())
    return EXIT_NEGATIVE if arguments.fail_empty and not result.holds else EXIT_OK


# --- explain ----------------------------------------------------------------------------------------------------

def run_explain(arguments: argparse.Namespace) -> int:
    if len(arguments.items) < 2:
        print("lexlog explain: give the files, then the atom: lexlog explain FILE... ATOM", file=sys.stderr)
        return EXIT_INPUT_ERROR
    *files, atom = arguments.items
    knowledge_base = _load(files, arguments.engine, arguments.as_of)
    if knowledge_base is None:
        return EXIT_INPUT_ERROR
    depth = {} if arguments.depth is None else {"depth": arguments.depth}
    if FORMATS[arguments.format] == "memo":
        return _print_memo(knowledge_base, atom, depth)
    try:
        answer = knowledge_base.why_not(atom, **depth)
    except LexlogError as error:
        return _input_error(error)
    follows = answer.status == "follows"
    if arguments.why_not:
        if follows:
            print(f"{answer.goal.text} does follow; its proof is in the why-not answer", file=sys.stderr)
        print(_render(knowledge_base, answer, arguments.format))
        return EXIT_NEGATIVE if follows else EXIT_OK
    if not follows:
        print(f"{answer.goal.text} does not follow; why not:", file=sys.stderr)
        print(_render(knowledge_base, answer, arguments.format))
        return EXIT_NEGATIVE
    try:
        proof = knowledge_base.explain(atom)
    except LexlogError as error:  # a pattern with variables: a proof needs a ground atom
        return _input_error(error)
    print(_render(knowledge_base, proof, arguments.format))
    return EXIT_OK


def _print_memo(knowledge_base: KnowledgeBase, atom: str, depth: dict[str, int]) -> int:
    """The memo on the atom (Markdown); the exit status says whether it follows, as `explain`'s does."""
    from lexlog.kb import build_memo, render_memo

    try:
        memo = build_memo(knowledge_base, atom, **depth)
    except LexlogError as error:
        return _input_error(error)
    print(render_memo(memo), end="")
    return EXIT_OK if memo.holds else EXIT_NEGATIVE


def _render(knowledge_base: KnowledgeBase, explanation: object, format: str) -> str:
    """The explanation, then the rules it leaves out as not in force on the date (JSON: a `not_in_force` list)."""
    from lexlog.kb import render_dated

    options = {"colour": True} if format == "text" and _use_colour(sys.stdout) else {}
    return render_dated(knowledge_base, explanation, FORMATS[format], **options)


# --- test -------------------------------------------------------------------------------------------------------


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def _at_least(least: int):
    """An argparse type: a whole number no smaller than `least` (a usage error, exit 2, otherwise)."""

    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if number < least:
            raise argparse.ArgumentTypeError(f"{number} is less than {least}")
        return number

    return parse


def run_test(arguments: argparse.Namespace) -> int:
    from lexlog.kb import render_dated, render_violation, run_tests

    files = arguments.files or bundled_case_files()
    report = run_tests(files, arguments.engine, arguments.as_of)
    if arguments.json:
        print(json_text(_test_document(report), indent=2 if arguments.indent else None))
    else:
        colour = _use_colour(sys.stdout)
        for result in report.files:
            print(result.file)
            if result.error is not None:
                print(_indent(result.error.render(colour), "  "))
                continue
            for expectation in result.expectations:
                line = expectation.expectation.span.line
                print(f"  {'PASS' if expectation.passed else 'FAIL'}  {expectation.text}  (line {line})")
                if not expectation.passed:
                    text = render_dated(result.knowledge_base, result.explain_failure(expectation), "text", colour=colour)
                    print(_indent(text, "        "))
            for violation in result.violations:
                assert result.knowledge_base is not None
                heading, *reasons = render_violation(result.knowledge_base, violation, colour).splitlines()
                print(f"  VIOLATED  {heading}")
                for line in reasons:
                    print(f"        {line}")
        print(report.summary())
    if report.errors:
        return EXIT_INPUT_ERROR
    if report.tests_nothing:
        print("nothing to test: the files have no expect lines and no integrity constraints", file=sys.stderr)
        return EXIT_NEGATIVE
    return EXIT_OK if report.ok else EXIT_NEGATIVE


def _test_document(report: Any) -> dict[str, Any]:
    """`lexlog test --json` (documented in docs/cli.md)."""
    from lexlog.kb import render_dated, render_violation

    files = []
    for result in report.files:
        entry: dict[str, Any] = {"file": result.file, "ok": result.ok, "error": None, "expectations": [], "violations": []}
        if result.error is not None:
            entry["error"] = result.error.render(False)
            files.append(entry)
            continue
        for expectation in result.expectations:
            item: dict[str, Any] = {
                "expectation": expectation.text,
                "line": expectation.expectation.span.line,
                "passed": expectation.passed,
                "answers": [dict(answer) for answer in expectation.answers],
                "explanation": None,
            }
            if not expectation.passed:
                item["explanation"] = json.loads(render_dated(result.knowledge_base, result.explain_failure(expectation), "json"))
            entry["expectations"].append(item)
        for violation in result.violations:
            entry["violations"].append(
                {
                    "constraint": violation.constraint.name,
                    "line": violation.constraint.span.line,
                    "binding": dict(violation.binding),
                    "explanation": render_violation(result.knowledge_base, violation),
                }
            )
        files.append(entry)
    return {
        "ok": report.ok,
        "passed": report.passed,
        "failed": report.failed,
        "violations": report.violations,
        "errors": report.errors,
        "summary": report.summary(),
        "files": files,
    }


# --- fuzz -------------------------------------------------------------------------------------------------------


def run_fuzz(arguments: argparse.Namespace) -> int:
    from lexlog.kb import fuzz_knowledge_base

    files = arguments.files or _library_entry()
    knowledge_base = _load(files, arguments.engine, arguments.as_of)
    if knowledge_base is None:
        return EXIT_INPUT_ERROR
    result = fuzz_knowledge_base(
        knowledge_base,
        max_examples=arguments.max_examples,
        seed=arguments.seed,
        max_rows=arguments.max_rows,
        fresh=arguments.fresh,
        files=files,
    )
    if not result.constraints:
        print("no integrity constraints to check")
        return EXIT_OK
    if result.found:
        sys.stdout.write(result.case_file())
        names = ", ".join(dict.fromkeys(violation.constraint.name for violation in result.violations))
        print(f"lexlog fuzz: violated {names}; the minimal posture above is a case file", file=sys.stderr)
        print(f"lexlog fuzz: {result.statistics()}", file=sys.stderr)
        return EXIT_NEGATIVE
    taken = f", {len(result.preconditions)} of them preconditions on the facts: {', '.join(result.preconditions)}" if result.preconditions else ""
    print(f"no integrity constraint violated ({result.constraints} constraints{taken}); {result.statistics()}")
    return EXIT_OK


# --- batch ------------------------------------------------------------------------------------------------------


class _Progress:
    """A one-line progress bar on a terminal; nothing at all when the stream is not one."""

    def __init__(self, stream: Any, total: Optional[int]) -> None:
        self.stream, self.total = stream, total
        self.enabled = hasattr(stream, "isatty") and stream.isatty()
        self.started = self.last = time.perf_counter()
        self.done = 0

    def step(self) -> None:
        self.done += 1
        now = time.perf_counter()
        if self.enabled and (now - self.last >= 0.1 or self.done == self.total):
            self.last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        rate = self.done / max(now - self.started, 1e-9)
        if self.total:
            filled = int(30 * self.done / self.total)
            bar = f"[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total}"
        else:
            bar = f"{self.done} cases"
        self.stream.write(f"\r{bar}  {rate:.0f} cases/s")
        self.stream.flush()

    def clear(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def finish(self, errors: int) -> None:
        if self.enabled:
            self.clear()
            seconds = time.perf_counter() - self.started
            bad = f", {errors} bad line{'s' if errors != 1 else ''}" if errors else ""
            self.stream.write(f"{self.done} cases in {seconds:.1f} s ({self.done / max(seconds, 1e-9):.0f} cases/s){bad}\n")


def _count_lines(path: str) -> Optional[int]:
    try:
        with open(path, "rb") as stream:
            return sum(1 for line in stream if line.strip())
    except OSError:
        return None


def _batch_outputs(arguments: argparse.Namespace, files: list[str], knowledge_base: KnowledgeBase, stream: Any) -> Iterator[OutputLine]:
    """The output lines of the cases on `stream`, in input order: evaluated here, by worker processes or on Dask."""
    from lexlog.kb.batch import BatchRunner, with_unique_ids
    from lexlog.kb.batch_dask import run_on_dask
    from lexlog.kb.batch_workers import BatchSource, run_in_processes

    runner = BatchRunner(knowledge_base, explain=arguments.explain)
    workers = arguments.workers or os.cpu_count() or 1
    source = BatchSource.of(knowledge_base, files, arguments.explain)
    if arguments.dask is not None:
        outputs = run_on_dask(source, stream, arguments.dask or None, workers)
    elif workers > 1:
        outputs = run_in_processes(runner, source, stream, workers)
    else:
        outputs = runner.run_lines(stream)
    return with_unique_ids(outputs)


def _scheduler_address(text: str) -> str:
    """`--dask`'s address: a scheduler's (tcp://host:8786, host:8786); anything else is most likely a file that
    followed `--dask`, so say where the files go."""
    if text and ":" not in text:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a scheduler address (tcp://HOST:PORT); to run on a local cluster, give --dask after the files"
        )
    return text


def run_batch_command(arguments: argparse.Namespace) -> int:
    from lexlog.kb.batch import BatchError
    from lexlog.kb.batch_workers import BatchWorkerError

    files = arguments.files or _library_entry()
    knowledge_base = _load(files, arguments.engine, arguments.as_of)
    if knowledge_base is None:
        return EXIT_INPUT_ERROR
    # Bytes that are not UTF-8 reach the line's parser as lone surrogates, which it reports at the line.
    if arguments.cases == "-":
        buffer = getattr(sys.stdin, "buffer", None)  # None: a text stream put in its place (a test's)
        stream = sys.stdin if buffer is None else io.TextIOWrapper(buffer, encoding="utf-8", errors="surrogateescape")
        total = None
    else:
        try:
            stream = open(arguments.cases, encoding="utf-8", errors="surrogateescape")
        except OSError as error:
            print(f"{arguments.cases}: cannot read: {error.strerror or error}", file=sys.stderr)
            return EXIT_INPUT_ERROR
        total = _count_lines(arguments.cases) if os.path.isfile(arguments.cases) else None
    progress = _Progress(sys.stderr, total)
    errors = 0
    try:
        for output in _batch_outputs(arguments, files, knowledge_base, stream):
            if isinstance(output, BatchError):
                errors += 1
                progress.clear()
                print(f"{arguments.cases}:{output.line}: {output.message}", file=sys.stderr)
            else:
                sys.stdout.write(output.text + "\n")
            progress.step()
    except BatchWorkerError as error:
        progress.clear()
        print(f"lexlog batch: {error}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    finally:
        if arguments.cases != "-":
            stream.close()
        elif stream is not sys.stdin:
            stream.detach()  # standard input stays open: closing the wrapper would close it
    sys.stdout.flush()
    progress.finish(errors)
    return EXIT_INPUT_ERROR if errors else EXIT_OK


def run_import_sara(arguments: argparse.Namespace) -> int:
    """Each SARA case file as a lexlog case over <us_tax>: to standard output (one file), or DIR/NAME.dl with --out.
    A file that cannot be imported is reported as FILE:LINE: message, and the others go on."""
    from lexlog.kb import SaraImportError, import_sara_case, write_lexlog_case

    if len(arguments.cases) > 1 and not arguments.out:
        print("lexlog import-sara: several case files need --out DIR", file=sys.stderr)
        return EXIT_INPUT_ERROR
    failed = 0
    for path in arguments.cases:
        try:
            case = import_sara_case(path)
        except SaraImportError as error:
            failed += 1
            print(f"{path}:{error.line}: {error.message}" if error.line else f"{path}: {error.message}", file=sys.stderr)
            continue
        for warning in case.warnings:
            print(f"{path}: note: {warning}", file=sys.stderr)
        if not arguments.out:
            sys.stdout.write(case.lexlog_source())
            continue
        try:
            write_lexlog_case(case, arguments.out)
        except OSError as error:
            failed += 1
            print(f"{arguments.out}: cannot write {case.name}.dl: {error.strerror or error}", file=sys.stderr)
    return EXIT_INPUT_ERROR if failed else EXIT_OK


def run_repl(arguments: argparse.Namespace) -> int:
    from lexlog.repl.shell import run

    return run(
        arguments.files or bundled_library_files(), arguments.engine, getattr(arguments, "command_text", None), arguments.as_of
    )


_SERVE_NEEDS = {"starlette", "uvicorn", "anyio", "h11"}


def run_serve(arguments: argparse.Namespace) -> int:
    """The case page on a local web server; the files default to the prompt's (the bundled law and its cases)."""
    try:
        from lexlog.repl.serve import serve
    except ImportError as error:
        if (error.name or "").split(".")[0] not in _SERVE_NEEDS:
            raise
        print("lexlog serve: the web page needs Starlette and uvicorn: pip install 'lexlog[serve]'", file=sys.stderr)
        return EXIT_INPUT_ERROR
    knowledge_base = _load(arguments.files or bundled_library_files(), arguments.engine, arguments.as_of)
    if knowledge_base is None:
        return EXIT_INPUT_ERROR
    try:
        serve(knowledge_base, arguments.host, arguments.port)
    except OSError as error:  # the port is taken, the host is not this machine's
        print(f"lexlog serve: cannot listen on {arguments.host}:{arguments.port}: {error.strerror or error}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    return EXIT_OK


_AS_OF_HELP = "apply the law in force on DATE (YYYY-MM-DD, 'today', or an authority's name for its decision date)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lexlog",
        description="A legal knowledge base: Datalog rules tied to the opinions they come from, with explanations. "
        "With no command, opens the interactive prompt on the bundled Fifth Circuit knowledge base.",
    )
    parser.add_argument("--engine", choices=sorted(ENGINES), default=DEFAULT_ENGINE, help="evaluation backend")
    parser.add_argument("-c", dest="command_text", metavar="COMMANDS", help="run these prompt commands and exit")
    parser.add_argument("--as-of", metavar="DATE", default=None, help=_AS_OF_HELP)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    # Every subcommand also takes --engine after its name (`lexlog query --engine pydatalog ...`).
    engine = argparse.ArgumentParser(add_help=False)
    engine.add_argument("--engine", choices=sorted(ENGINES), default=argparse.SUPPRESS, help="evaluation backend")
    # Every command that evaluates also takes --as-of (check and fmt judge the text, whatever the date).
    dated = argparse.ArgumentParser(add_help=False)
    dated.add_argument("--as-of", metavar="DATE", default=argparse.SUPPRESS, help=_AS_OF_HELP)

    repl = commands.add_parser("repl", parents=[engine, dated], help="the interactive prompt on FILEs (default: the bundled law)")
    repl.add_argument("files", nargs="*", metavar="FILE")
    repl.add_argument(
        "-c", dest="command_text", metavar="COMMANDS", default=argparse.SUPPRESS, help="run these prompt commands and exit"
    )
    repl.set_defaults(run=run_repl)

    check = commands.add_parser("check", parents=[engine], help="check files for errors and warnings (default: the bundled law)")
    check.add_argument("files", nargs="*", metavar="FILE")
    check.set_defaults(run=run_check)

    fmt = commands.add_parser("fmt", parents=[engine], help="print files in canonical form, or rewrite them with --in-place")
    fmt.add_argument("files", nargs="+", metavar="FILE")
    mode = fmt.add_mutually_exclusive_group()
    mode.add_argument("-i", "--in-place", action="store_true", help="rewrite each file (atomically)")
    mode.add_argument("--check", action="store_true", help="exit 1 if a file is not in canonical form")
    fmt.set_defaults(run=run_fmt)

    query = commands.add_parser("query", parents=[engine, dated], help="answer a query against FILEs")
    query.add_argument("files", nargs="+", metavar="FILE")
    query.add_argument("-q", "--query", dest="goal", required=True, metavar="GOAL", help="e.g. 'appealable(O)'")
    query.add_argument("--json", action="store_true", help='print {"query": ..., "answers": [{"O": ...}]}')
    query.add_argument("--fail-empty", action="store_true", help="exit 1 when there is no answer")
    query.set_defaults(run=run_query, extra_positionals="files")

    explain = commands.add_parser(
        "explain", parents=[engine, dated], help="why an atom follows (its proof), or why not", usage="%(prog)s [options] FILE... ATOM"
    )
    explain.add_argument("items", nargs="+", metavar="FILE... ATOM", help="the files, then the atom to explain")
    explain.add_argument(
        "--format",
        choices=sorted(FORMATS),
        default="text",
        help="text (default), md, memo (a Markdown memo: Question Presented, Short Answer, Discussion, What Would "
        "Change the Answer), json or dot",
    )
    explain.add_argument("--why-not", action="store_true", help="explain why the atom (or pattern) does not follow")
    explain.add_argument("--depth", type=int, metavar="N", help="levels of sub-goals a why-not explores (default 2)")
    explain.set_defaults(run=run_explain, extra_positionals="items")

    test = commands.add_parser("test", parents=[engine, dated], help="run expectations and constraints (default: the seed cases)")
    test.add_argument("files", nargs="*", metavar="FILE")
    test.add_argument("--json", action="store_true", help="one JSON report for CI (see docs/cli.md)")
    test.add_argument("--indent", action="store_true", help=argparse.SUPPRESS)
    test.set_defaults(run=run_test, extra_positionals="files")

    fuzz = commands.add_parser(
        "fuzz", parents=[engine, dated], help="search case postures for a violated integrity constraint (default: the bundled law)"
    )
    fuzz.add_argument("files", nargs="*", metavar="FILE")
    fuzz.add_argument("--max-examples", type=_at_least(1), default=1000, metavar="N", help="postures to generate (default 1000)")
    fuzz.add_argument("--seed", type=int, default=0, metavar="S", help="random seed; the same seed, the same search (default 0)")
    fuzz.add_argument("--max-rows", type=_at_least(0), default=4, metavar="N", help="noise rows per input predicate (default 4)")
    fuzz.add_argument("--fresh", type=int, default=3, metavar="N", help="new constants per sort (default 3)")
    fuzz.set_defaults(run=run_fuzz, extra_positionals="files")

    batch = commands.add_parser(
        "batch", parents=[engine, dated], help="evaluate JSON-lines cases: one line of conclusions per case (default: the bundled law)"
    )
    batch.add_argument("files", nargs="*", metavar="FILE")
    batch.add_argument("--cases", required=True, metavar="CASES.jsonl", help="one case a line; - for standard input")
    batch.add_argument("--explain", action="store_true", help="add each conclusion's explanation (lexlog.explanation/2)")
    batch.add_argument(
        "--workers", type=_at_least(1), metavar="N",
        help="worker processes (default: one per core; 1: in this process); with --dask alone, the local cluster's",
    )
    batch.add_argument(
        "--dask", nargs="?", const="", type=_scheduler_address, metavar="SCHEDULER_ADDRESS",
        help="evaluate on a Dask cluster: its scheduler's address, or none for a local cluster (needs lexlog[dask])",
    )
    batch.set_defaults(run=run_batch_command, extra_positionals="files")

    serve = commands.add_parser(
        "serve", parents=[engine, dated], help="the case page in a web browser: facts, conclusions, proofs, why-not, what-if"
    )
    serve.add_argument("files", nargs="*", metavar="FILE")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=_at_least(0), default=0, help="the port (default 0: a free port, printed as a URL)")
    serve.set_defaults(run=run_serve, extra_positionals="files")

    sara = commands.add_parser(
        "import-sara", help="translate SARA tax case files (Prolog) into lexlog case files over <us_tax>"
    )
    sara.add_argument("cases", nargs="+", metavar="CASE.pl")
    sara.add_argument("--out", metavar="DIR", help="write DIR/NAME.dl for each case (needed for several cases)")
    sara.set_defaults(run=run_import_sara)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments, extras = parser.parse_known_args(argv)
    # Positionals after an option (`lexlog explain case.dl --format md 'appealable(o)'`) belong to the command.
    target = getattr(arguments, "extra_positionals", None)
    if extras and (target is None or any(extra.startswith("-") and extra != "-" for extra in extras)):
        parser.error(f"unrecognized arguments: {' '.join(extras)}")
    if extras:
        setattr(arguments, target, list(getattr(arguments, target) or []) + extras)
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
