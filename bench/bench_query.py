"""Whole-process query cost: `lexlog query --json` against raw clingo on the same program.

Run on demand: python bench/bench_query.py [--chains 100,400,1000,2000] [--rounds 3] [--hmmer]

Closure rows: the transitive closure `path(X, Y)` of a chain of N edges, written once as program text that is both
lexlog and clingo. Each round runs, in turn and each in a fresh process:

* `lexlog`: `lexlog query --json FILE -q 'path(X, Y)'` (the installed command, clingo backend);
* `raw`: bench/raw_clingo_query.py, a Python script using clingo's API on the same text and printing the same JSON
  (the two outputs must be byte-identical: checked);
* `clingo-cli`: clingo's own command line (`python -m clingo FILE`), printing the model.

Reported per chain: the median seconds of each, the median of the per-round ratios lexlog/raw and lexlog/clingo-cli,
lexlog's fixed cost over raw (median of the per-round differences), and the peak resident memory of each process
(`os.wait4`). Ratios of runs taken in turn are what to compare: the machine is shared.

`--hmmer`: the conformance suite's `recursion/souffle_example_hmmer` program (24 rules, 52,000 facts; its two cases
assert two relations of the one model). In a fresh process each: lexlog's suite adapter on the clingo backend
(`LexlogEvaluator.evaluate`: build, check, evaluate, read every relation) against raw clingo on the same program
written as clingo text (read every atom). Model sizes must agree.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
LEXLOG = str(Path(sys.executable).with_name("lexlog"))


def chain_file(directory: Path, length: int) -> Path:
    path = directory / f"chain_{length}.dl"
    lines = ["path(X, Y) :- edge(X, Y).", "path(X, Y) :- path(X, Z), edge(Z, Y)."]
    lines += [f"edge({index}, {index + 1})." for index in range(length)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(command: list[str], output: Path) -> tuple[float, float]:
    """Seconds and peak resident MB of one process, its stdout written to `output`."""
    with output.open("wb") as sink:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 10, 30):  # clingo's command line exits 10/30 for SATISFIABLE
        sys.exit(f"{command[:3]} failed ({process.returncode}): {process.stderr.read().decode()[-400:]}")
    return seconds, usage.ru_maxrss / 1024


def closure(directory: Path, length: int, rounds: int) -> None:
    program = chain_file(directory, length)
    commands = {
        "lexlog": [LEXLOG, "query", "--json", "--engine", "clingo", str(program), "-q", "path(X, Y)"],
        "raw": [sys.executable, str(BENCH / "raw_clingo_query.py"), str(program), "path", "X", "Y"],
        "clingo-cli": [sys.executable, "-m", "clingo", str(program)],
    }
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    memory: dict[str, float] = {name: 0.0 for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            spent, peak = run(command, directory / f"{name}.out")
            seconds[name].append(spent)
            memory[name] = max(memory[name], peak)
        if (directory / "lexlog.out").read_bytes() != (directory / "raw.out").read_bytes():
            sys.exit(f"chain {length}: lexlog and the raw script printed different output")
    over_raw = statistics.median(a / b for a, b in zip(seconds["lexlog"], seconds["raw"]))
    over_cli = statistics.median(a / b for a, b in zip(seconds["lexlog"], seconds["clingo-cli"]))
    fixed = statistics.median(a - b for a, b in zip(seconds["lexlog"], seconds["raw"]))
    cells = " | ".join(f"{statistics.median(seconds[name]):.2f} s, {memory[name]:.0f} MB" for name in commands)
    print(f"| chain {length} | {cells} | {over_raw:.2f}x | {over_cli:.2f}x | {fixed * 1000:+.0f} ms |", flush=True)


# --- hmmer -----------------------------------------------------------------------------------------------------


def hmmer_program():
    import yaml
    from datalog_conformance.plugin import get_tests_dir

    path = get_tests_dir() / "recursion" / "souffle_example_hmmer.yaml"
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return document["tests"][0]["program"]


def clingo_text(program: dict) -> str:
    """The program as clingo text: predicates `p_NAME`, variables `V_name`, every constant a string."""
    from lexlog.grammar import parse
    from lexlog.grammar.tree import Atom, Constant, Literal, Variable

    def term(item) -> str:
        if isinstance(item, Variable):
            return "_" if item.name == "_" else f"V_{item.name}"
        assert isinstance(item, Constant)
        return json.dumps(str(item.value))

    def atom(item: Atom) -> str:
        return f"p_{item.predicate}({','.join(term(argument) for argument in item.arguments)})"

    lines = []
    for predicate, rows in program["facts"].items():
        lines += [f"p_{predicate}({','.join(json.dumps(str(value)) for value in row)})." for row in rows]
    for text in program["rules"]:
        for rule in parse(text, "<rule>", "souffle").statements:
            body = [("not " if item.negated else "") + atom(item.atom) for item in rule.body if isinstance(item, Literal)]
            assert len(body) == len(rule.body), text
            lines.append(f"{atom(rule.head)} :- {', '.join(body)}.")
    return "\n".join(lines) + "\n"


def hmmer_one(runner: str) -> None:
    """In this process: one run of `runner` on hmmer; prints seconds and model size as JSON."""
    program = hmmer_program()
    if runner == "lexlog":
        from types import SimpleNamespace

        from lexlog.kb.conformance import LexlogEvaluator

        started = time.perf_counter()
        relations = LexlogEvaluator("clingo").evaluate(SimpleNamespace(facts=program["facts"], rules=program["rules"]))
        size = sum(len(rows) for rows in relations.values())
    else:
        import clingo

        started = time.perf_counter()
        control = clingo.Control(["--warn=none"])
        control.add("base", [], clingo_text(program))
        control.ground([("base", [])])
        atoms: list = []
        control.solve(on_model=lambda model: atoms.extend(model.symbols(atoms=True)))
        size = len(atoms)  # a model's atoms are distinct
    print(json.dumps({"seconds": time.perf_counter() - started, "size": size}))


def hmmer(rounds: int) -> None:
    results: dict[str, list[dict]] = {"lexlog": [], "raw": []}
    for _ in range(rounds):
        for runner in results:
            done = subprocess.run([sys.executable, __file__, "--hmmer-one", runner], capture_output=True, text=True, check=True)
            results[runner].append(json.loads(done.stdout.strip().splitlines()[-1]))
    sizes = {outcome["size"] for outcomes in results.values() for outcome in outcomes}
    if len(sizes) != 1:
        sys.exit(f"hmmer: model sizes differ: {sizes}")
    ratio = statistics.median(a["seconds"] / b["seconds"] for a, b in zip(results["lexlog"], results["raw"]))
    cells = " | ".join(f"{statistics.median(o['seconds'] for o in results[name]):.2f} s" for name in results)
    print(f"| hmmer ({sizes.pop():,} atoms) | {cells} | {ratio:.2f}x |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chains", default="100,400,1000,2000", help="chain lengths, comma-separated ('' for none)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of runs taken in turn (default 3)")
    parser.add_argument("--hmmer", action="store_true", help="also the conformance suite's hmmer program")
    parser.add_argument("--hmmer-one", choices=("lexlog", "raw"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.hmmer_one:
        hmmer_one(arguments.hmmer_one)
        return
    lengths = [int(length) for length in arguments.chains.split(",") if length]
    if lengths:
        print("| workload | lexlog | raw clingo script | clingo command line | lexlog / raw | lexlog / command line | lexlog - raw |")
        print("|---|---|---|---|---|---|---|")
        with tempfile.TemporaryDirectory() as directory:
            for length in lengths:
                closure(Path(directory), length, arguments.rounds)
    if arguments.hmmer:
        print("| workload | lexlog (suite adapter) | raw clingo | lexlog / raw |")
        print("|---|---|---|---|")
        hmmer(arguments.rounds)


if __name__ == "__main__":
    main()
