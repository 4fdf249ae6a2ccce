"""Evaluation speed of the backends. Run on demand: python bench/bench_engines.py [--timeout SECONDS] [--repeat N]

Rows: lexlog on each backend, raw clingo (program text, one ground-and-solve) and raw pyDatalog (its own tabled
resolution, rules written left-recursive so it terminates, every predicate asked).  Workloads:

* `tc-400`, `tc-2000`: the full transitive closure `path(X, Y)` of a chain of 400 / 2,000 edges
  (80,200 / 2,001,000 tuples);
* `legal-10k`: a generated 60-rule legal-shaped program (5 strata of 12 rules, negation of lower strata,
  comparisons on years and amounts) over 10,000 cases with 6 input predicates;
* `explain-zapata`: the bundled knowledge base with the Zapata case file: for lexlog, load and check the files,
  answer the ground query `appealable(zapata_order)` and build and render its full proof; for raw clingo, the same
  rules and facts evaluated once (raw clingo has no explanations, so it shows the floor); raw pyDatalog: not run.

Each measurement runs in a fresh subprocess (one warm-up-free run, best of `--repeat`) under a time limit; the table
gives seconds and the ratio to raw clingo, and the model size each run found (they must agree).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from lexlog.grammar.tree import Atom, Comparison, Constant, Literal, Rule, Variable

WORKLOADS = ("tc-400", "tc-2000", "legal-10k", "explain-zapata")
RUNNERS = ("lexlog-clingo", "lexlog-pydatalog", "raw-clingo", "raw-pydatalog")

# --- workloads as tree objects -------------------------------------------------------------------------------

X, Y, Z, C, V = (Variable(name) for name in "XYZCV")


def transitive_closure(length: int):
    rules = [
        Rule(Atom("path", (X, Y)), (Literal(Atom("edge", (X, Y))),)),
        Rule(Atom("path", (X, Y)), (Literal(Atom("path", (X, Z))), Literal(Atom("edge", (Z, Y))))),
    ]
    facts = {("edge", 2): frozenset((i, i + 1) for i in range(length))}
    return rules, facts


INPUTS = ["filed_year", "court_level", "claim_amount", "party_role", "order_kind", "finding"]


def legal(cases: int = 10_000, seed: int = 1912):
    """Cases with six input predicates; 60 unary rules over the case in five strata of twelve."""
    rng = random.Random(seed)
    facts: dict = defaultdict(set)
    for index in range(cases):
        case = f"case_{index}"
        facts[("filed_year", 2)].add((case, rng.randint(1995, 2024)))
        facts[("court_level", 2)].add((case, rng.choice(["district", "appeals", "state"])))
        facts[("claim_amount", 2)].add((case, rng.randint(0, 2_000_000)))
        facts[("party_role", 2)].add((case, rng.choice(["officer", "county", "city", "agency"])))
        facts[("order_kind", 2)].add((case, rng.choice(["discovery", "dismissal", "stay", "summary"])))
        for finding in ("qi_raised", "pleadings_overcome", "clearly_established", "fact_dispute"):
            if rng.random() < 0.4:
                facts[("finding", 2)].add((case, finding))
    rules: list[Rule] = []
    lower: list[str] = []
    for stratum in range(1, 6):
        names = [f"doctrine_{stratum}_{index}" for index in range(12)]
        for index, name in enumerate(names):
            body: list = []
            kind = INPUTS[(index + stratum) % len(INPUTS)]
            if kind in ("filed_year", "claim_amount"):
                body.append(Literal(Atom(kind, (C, V))))
                bound = rng.randint(2000, 2020) if kind == "filed_year" else rng.randint(10_000, 1_500_000)
                body.append(Comparison(rng.choice([">=", "<"]), V, Constant(bound)))
            elif kind == "finding":
                body.append(Literal(Atom(kind, (C, Constant(rng.choice(["qi_raised", "fact_dispute"]))))))
            else:
                value = {
                    "court_level": ["district", "appeals", "state"],
                    "party_role": ["officer", "county", "city", "agency"],
                    "order_kind": ["discovery", "dismissal", "stay", "summary"],
                }[kind]
                body.append(Literal(Atom(kind, (C, Constant(rng.choice(value))))))
            if lower:
                body.append(Literal(Atom(rng.choice(lower), (C,)), negated=True))
                if rng.random() < 0.5:
                    body.insert(0, Literal(Atom(rng.choice(lower), (C,))))
            rules.append(Rule(Atom(name, (C,)), tuple(body)))
        lower.extend(names)
    return rules, {key: frozenset(rows) for key, rows in facts.items()}


def workload(name: str):
    if name == "tc-400":
        return transitive_closure(400)
    if name == "tc-2000":
        return transitive_closure(2000)
    if name == "legal-10k":
        return legal()
    if name == "explain-zapata":
        from lexlog.kb import KnowledgeBase

        knowledge_base = KnowledgeBase.from_files([ZAPATA])
        facts: dict = defaultdict(set)
        for atom in knowledge_base.facts():
            facts[atom.key].add(atom.arguments)
        return knowledge_base.rules, {key: frozenset(rows) for key, rows in facts.items()}
    raise ValueError(name)


ZAPATA = str(Path(__file__).resolve().parent.parent / "kb" / "library" / "cases" / "zapata.dl")


def run_lexlog_explanation(engine_name: str) -> int:
    """Load the case file, answer the ground query and render its whole proof: what a lawyer waits for."""
    from lexlog.kb import KnowledgeBase, render

    knowledge_base = KnowledgeBase(engine_name)
    knowledge_base.load_files([ZAPATA])
    assert knowledge_base.holds("appealable(zapata_order)")
    text = render(knowledge_base.explain("appealable(zapata_order)"), "text")
    assert "Backe v. LeBlanc" in text
    return len(knowledge_base.model)


# --- runners ---------------------------------------------------------------------------------------------------


def run_lexlog(engine_name: str, rules, facts) -> int:
    from lexlog.kb.dependency import strata
    from lexlog.kb.engines import get_engine
    from lexlog.kb.engines.base import EvaluationProgram
    from lexlog.kb.normalize import normalize_rule

    program = EvaluationProgram(tuple(strata([normalize_rule(rule) for rule in rules])), facts)
    return len(get_engine(engine_name).evaluate(program))


def _clingo_term(term) -> str:
    # The bench's own generated programs only: integers, plain lower-case symbols and variables.
    if isinstance(term, Variable):
        return term.name
    if isinstance(term.value, int):
        return str(term.value)
    return term.value


def _clingo_atom(atom: Atom) -> str:
    if not atom.arguments:
        return atom.predicate
    return f"{atom.predicate}({','.join(_clingo_term(argument) for argument in atom.arguments)})"


def run_raw_clingo(rules, facts) -> int:
    import clingo

    lines = []
    for rule in rules:
        body = []
        for item in rule.body:
            if isinstance(item, Comparison):
                body.append(f"{_clingo_term(item.left)}{item.operator}{_clingo_term(item.right)}")
            else:
                body.append(("not " if item.negated else "") + _clingo_atom(item.atom))
        lines.append(f"{_clingo_atom(rule.head)} :- {', '.join(body)}.")
    for (predicate, _arity), rows in facts.items():
        for row in rows:
            lines.append(_clingo_atom(Atom(predicate, tuple(Constant(value) for value in row))) + ".")
    control = clingo.Control(["--warn=none"])
    control.add("base", [], "\n".join(lines))
    control.ground([("base", [])])
    count = []
    control.solve(on_model=lambda model: count.append(len(model.symbols(atoms=True))))
    return count[0]


def run_raw_pydatalog(rules, facts) -> int:
    from pyDatalog import pyEngine
    from pyDatalog.Logic import Logic

    Logic()

    def term(argument):
        return pyEngine.Var(argument.name) if isinstance(argument, Variable) else pyEngine.Const(argument.value)

    for (predicate, _arity), rows in facts.items():
        for row in rows:
            pyEngine.assert_(pyEngine.Clause(pyEngine.Literal(predicate, [pyEngine.Const(v) for v in row]), []))
    heads = set()
    for rule in rules:
        body = []
        positives = [item for item in rule.body if isinstance(item, Literal) and not item.negated]
        others = [item for item in rule.body if not (isinstance(item, Literal) and not item.negated)]
        for item in positives + others:  # pyDatalog needs bound arguments in negations and comparisons
            if isinstance(item, Comparison):
                body.append(pyEngine.Literal(item.operator, [term(item.left), term(item.right)]))
            else:
                name = ("~" if item.negated else "") + item.atom.predicate
                body.append(pyEngine.Literal(name, [term(argument) for argument in item.atom.arguments]))
        pyEngine.assert_(pyEngine.Clause(pyEngine.Literal(rule.head.predicate, [term(a) for a in rule.head.arguments]), body))
        heads.add(rule.head.key)
    total = sum(len(rows) for key, rows in facts.items() if key not in heads)
    for predicate, arity in sorted(heads):
        answers = pyEngine.Literal(predicate, [pyEngine.Var(f"A{i}") for i in range(arity)]).ask()
        total += len(answers or ())
    return total


def measure(runner: str, name: str) -> dict:
    if name == "explain-zapata" and runner.startswith("lexlog-"):
        import lexlog.kb  # noqa: F401 - import time is not what this row measures

        started = time.perf_counter()
        size = run_lexlog_explanation(runner.removeprefix("lexlog-"))
        return {"seconds": time.perf_counter() - started, "size": size}
    if name == "explain-zapata" and runner == "raw-pydatalog":
        raise SystemExit("not run: raw pyDatalog has no explanations")
    rules, facts = workload(name)
    started = time.perf_counter()
    if runner == "lexlog-clingo":
        size = run_lexlog("clingo", rules, facts)
    elif runner == "lexlog-pydatalog":
        size = run_lexlog("pydatalog", rules, facts)
    elif runner == "raw-clingo":
        size = run_raw_clingo(rules, facts)
    elif runner == "raw-pydatalog":
        size = run_raw_pydatalog(rules, facts)
    else:
        raise ValueError(runner)
    return {"seconds": time.perf_counter() - started, "size": size}


# --- driver ----------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per measurement (default 300)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell, best kept (default 1)")
    parser.add_argument("--workloads", nargs="*", default=list(WORKLOADS), choices=WORKLOADS)
    parser.add_argument("--runners", nargs="*", default=list(RUNNERS), choices=RUNNERS)
    parser.add_argument("--one", nargs=2, metavar=("RUNNER", "WORKLOAD"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        print(json.dumps(measure(*arguments.one)))
        return

    results: dict = {}
    for name in arguments.workloads:
        for runner in arguments.runners:
            best = None
            for _ in range(arguments.repeat):
                try:
                    done = subprocess.run(
                        [sys.executable, __file__, "--one", runner, name],
                        capture_output=True, text=True, timeout=arguments.timeout, check=True,
                    )
                    outcome = json.loads(done.stdout.strip().splitlines()[-1])
                except subprocess.TimeoutExpired:
                    outcome = {"seconds": None, "size": None, "note": f"> {arguments.timeout:.0f} s"}
                except subprocess.CalledProcessError as error:
                    outcome = {"seconds": None, "size": None, "note": "error: " + error.stderr.strip()[-80:]}
                if best is None or (outcome["seconds"] is not None and (best["seconds"] is None or outcome["seconds"] < best["seconds"])):
                    best = outcome
            results[(name, runner)] = best
            print(f"  {name:10} {runner:17} {best}", file=sys.stderr, flush=True)

    print(f"| workload | {' | '.join(arguments.runners)} | model size |")
    print("|---|" + "---|" * (len(arguments.runners) + 1))
    for name in arguments.workloads:
        base = results.get((name, "raw-clingo"), {}).get("seconds")
        cells, sizes = [], set()
        for runner in arguments.runners:
            outcome = results[(name, runner)]
            if outcome["seconds"] is None:
                cells.append(outcome.get("note", "-"))
                continue
            sizes.add(outcome["size"])
            ratio = f" ({outcome['seconds'] / base:.1f}x)" if base else ""
            cells.append(f"{outcome['seconds']:.2f} s{ratio}")
        size = ", ".join(str(s) for s in sorted(sizes)) + ("  MISMATCH" if len(sizes) > 1 else "")
        print(f"| {name} | {' | '.join(cells)} | {size} |")


if __name__ == "__main__":
    main()
