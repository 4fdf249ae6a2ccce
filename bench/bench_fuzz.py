"""Fuzzing throughput: postures per second of `lexlog fuzz`, split into generating, evaluating and shrinking, against
raw clingo deciding the same postures.

Run on demand: python bench/bench_fuzz.py [--postures 5000] [--seed 0] [--rounds 3] [--shrink-seeds 8]

Each round runs, in turn and in one process (compare the rows of a round with each other: the machine is shared):

* `lexlog fuzz`: `fuzz_knowledge_base` on the bundled law (`<fifth_circuit_qi>`: 26 constraints, none violated),
  `--postures` postures: postures/s over the whole run (the posture space, the evaluation's setup, drawing and
  deciding every posture), and how the time splits;
* `raw clingo externals`: the same postures (drawn beforehand with the same seeded generator), decided by clingo's
  API alone: the law's rules in force and a rule `violated :- BODY.` per constraint, written once as clingo text
  (lexlog's syntax is clingo's for this library: symbols, `not`, no arithmetic), grounded once with every atom of
  the posture space declared `#external`; per posture: solve assuming its atoms true and every other external false,
  read whether `violated` holds. The floor of deciding a posture, not counting drawing it;
* `one at a time`: the way `lexlog fuzz` decided a posture before it decided many together,
  `KnowledgeBase.suppose_ground(posture).violations()`, on the first `--postures / 10` postures.

The three must agree on every posture they decide, on the bundled law and on a broken copy of it (gate three
without its bar on requests that seek beyond qualified immunity: the defect tests/test_fuzz.py plants, which many
postures violate); the disagreements are counted and must be 0.

Shrinking: the broken copy fuzzed once for each seed 0 .. `--shrink-seeds` - 1: postures drawn until one
violates, the seconds and postures tried shrinking it, the facts before and after (1-minimal: checked).
"""

from __future__ import annotations

import argparse
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from itertools import product
from pathlib import Path

import clingo

from lexlog.grammar import print_atom, print_body_item
from lexlog.grammar.tree import Constraint
from lexlog.kb import KnowledgeBase, PostureSpace, library_path
from lexlog.kb.atoms import GroundAtom
from lexlog.kb.fuzz import DENSITY, ViolationJudge, fuzz_knowledge_base

MAX_ROWS = 4  # lexlog fuzz's default --max-rows


def draw(space: PostureSpace, count: int, seed: int) -> list[list[GroundAtom]]:
    """The postures `lexlog fuzz --seed SEED` draws, in its order."""
    rng = random.Random(seed)
    return [space.random_atoms(rng, MAX_ROWS, DENSITY) for _ in range(count)]


class RawClingo:
    """The knowledge base's rules and constraints as clingo text, grounded once over every atom of the posture space
    as an external."""

    def __init__(self, knowledge_base: KnowledgeBase, space: PostureSpace) -> None:
        lines = [self._rule(print_atom(rule.head), rule.body) for rule in knowledge_base.rules_in_force]
        lines += [self._rule("violated", constraint.body) for constraint in knowledge_base.program.of_type(Constraint)]
        self.symbols: dict[GroundAtom, clingo.Symbol] = {}
        for predicate in space.predicates:
            for row in product(*(space.domains[sort] for sort in predicate.sorts)):
                if not all(isinstance(value, str) and re.fullmatch(r"[a-z][A-Za-z0-9_]*", value) for value in row):
                    sys.exit(f"{predicate.name}{row}: the raw encoding writes only symbols")
                symbol = clingo.Function(predicate.name, [clingo.Function(value) for value in row])
                self.symbols[GroundAtom(predicate.name, row)] = symbol
        self.control = clingo.Control(["--warn=none"])
        externals = "".join(f"#external {symbol}.\n" for symbol in self.symbols.values())
        self.control.add("base", [], "\n".join(lines) + "\n#show violated/0.\n" + externals)
        self.control.ground([("base", [])])
        # Each external left open, to be fixed per solve by assumptions: cheaper than assigning each one twice.
        self.literals: dict[GroundAtom, int] = {}
        for atom, symbol in self.symbols.items():
            self.control.assign_external(symbol, None)
            self.literals[atom] = self.control.symbolic_atoms[symbol].literal

    @staticmethod
    def _rule(head: str, body) -> str:
        return f"{head} :- {', '.join(print_body_item(item) for item in body)}." if body else f"{head}."

    def violated(self, atoms: list[GroundAtom]) -> bool:
        stated = set(atoms)
        assumptions = [literal if atom in stated else -literal for atom, literal in self.literals.items()]
        found: list[bool] = []
        self.control.solve(assumptions=assumptions, on_model=lambda model: found.append(any(True for _ in model.symbols(shown=True))))
        return found[0]


def broken_copy(directory: Path) -> str:
    copy = directory / "library"
    shutil.copytree(Path(library_path("fifth_circuit_qi")).parent, copy)
    gates = copy / "protective_orders.dl"
    text = gates.read_text()
    broken = text.replace("    addresses_question(R, Q),\n    not seeks_beyond_qi(R).", "    addresses_question(R, Q).")
    if broken == text:
        sys.exit("the planted defect no longer applies to protective_orders.dl")
    gates.write_text(broken)
    return str(copy / "fifth_circuit_qi.dl")


def agreement(knowledge_base: KnowledgeBase, postures: list[list[GroundAtom]], alone: int) -> tuple[int, int]:
    """(violating postures, disagreements) between lexlog's judge, raw clingo and, on the first `alone`, the
    one-at-a-time path."""
    space = PostureSpace.of(knowledge_base)
    raw = RawClingo(knowledge_base, space)
    judge = ViolationJudge(knowledge_base)
    mine = [verdict for start in range(0, len(postures), 200) for verdict in judge.violating(postures[start : start + 200])]
    theirs = [raw.violated(atoms) for atoms in postures]
    one_at_a_time = [bool(knowledge_base.suppose_ground(atoms).violations()) for atoms in postures[:alone]]
    disagreements = sum(a != b for a, b in zip(mine, theirs)) + sum(a != b for a, b in zip(mine, one_at_a_time))
    return sum(mine), disagreements


def round_of(knowledge_base: KnowledgeBase, count: int, seed: int) -> dict[str, float]:
    result = fuzz_knowledge_base(knowledge_base, max_examples=count, seed=seed, max_rows=MAX_ROWS)
    if result.found or result.tried != count:
        sys.exit(f"expected {count} postures and no violation on the bundled law, got {result.statistics()}")
    space = PostureSpace.of(knowledge_base)
    postures = draw(space, count, seed)
    raw = RawClingo(knowledge_base, space)
    started = time.perf_counter()
    for atoms in postures:
        raw.violated(atoms)
    raw_seconds = time.perf_counter() - started
    alone = postures[: max(1, count // 10)]
    started = time.perf_counter()
    for atoms in alone:
        knowledge_base.suppose_ground(atoms).violations()
    alone_seconds = time.perf_counter() - started
    timings = result.timings
    return {
        "fuzz": count / result.seconds,
        "setup": timings.setup,
        "generating": count / timings.generating,
        "evaluating": count / timings.evaluating,
        "raw": count / raw_seconds,
        "alone": len(alone) / alone_seconds,
        "seconds": result.seconds,
        "generating_share": timings.generating / result.seconds,
        "evaluating_share": timings.evaluating / result.seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postures", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shrink-seeds", type=int, default=8)
    arguments = parser.parse_args()

    law = KnowledgeBase.from_files([library_path("fifth_circuit_qi")])
    print(f"python {platform.python_version()}, clingo {clingo.__version__}; bundled law: {len(law.rules_in_force)} rules in force, "
          f"{len(law.program.of_type(Constraint))} constraints; {arguments.postures} postures a round, seed {arguments.seed}")
    with tempfile.TemporaryDirectory() as directory:
        broken = KnowledgeBase.from_files([broken_copy(Path(directory))])
        for name, knowledge_base in (("bundled law", law), ("broken copy", broken)):
            postures = draw(PostureSpace.of(knowledge_base), 2000, arguments.seed)
            violating, disagreements = agreement(knowledge_base, postures, 200)
            print(f"agreement, {name}: 2000 postures ({violating} violating), {disagreements} disagreements")
            if disagreements:
                sys.exit("lexlog fuzz and raw clingo disagree")

        print()
        header = f"{'round':>5} {'fuzz/s':>7} {'setup s':>8} {'drawing/s':>10} {'deciding/s':>11} {'raw clingo/s':>13} {'one at a time/s':>16} {'fuzz vs raw':>12} {'fuzz vs one at a time':>22}"
        print(header)
        rows = []
        for number in range(1, arguments.rounds + 1):
            row = round_of(law, arguments.postures, arguments.seed)
            rows.append(row)
            print(f"{number:>5} {row['fuzz']:7.0f} {row['setup']:8.3f} {row['generating']:10.0f} {row['evaluating']:11.0f} {row['raw']:13.0f} "
                  f"{row['alone']:16.0f} {row['fuzz'] / row['raw']:11.2f}x {row['fuzz'] / row['alone']:21.1f}x")
        median = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
        print(f"median: {median['fuzz']:.0f} postures/s; of the time, drawing {median['generating_share']:.0%}, deciding "
              f"{median['evaluating_share']:.0%}; fuzz/raw {statistics.median(r['fuzz'] / r['raw'] for r in rows):.2f}, "
              f"deciding/raw {statistics.median(r['evaluating'] / r['raw'] for r in rows):.2f}, "
              f"fuzz/one at a time {statistics.median(r['fuzz'] / r['alone'] for r in rows):.1f}")

        print()
        print(f"{'seed':>4} {'drawn':>6} {'search s':>9} {'shrink s':>9} {'shrink tried':>13} {'facts':>11} {'1-minimal':>10}")
        for seed in range(arguments.shrink_seeds):
            result = fuzz_knowledge_base(broken, max_examples=5000, seed=seed, max_rows=MAX_ROWS)
            if not result.found:
                print(f"{seed:>4} not found in {result.tried} postures")
                continue
            drawn = result.tried - result.shrink_tried
            minimal = all(
                not broken.suppose_ground([a for position, a in enumerate(result.posture) if position != index]).violations()
                for index in range(len(result.posture))
            )
            search = result.timings.generating + result.timings.evaluating
            print(f"{seed:>4} {drawn:>6} {search:9.2f} {result.timings.shrinking:9.2f} {result.shrink_tried:>13} "
                  f"{result.unshrunk_facts:>4} -> {len(result.posture):<3} {'yes' if minimal else 'NO':>10}")
            if not minimal:
                sys.exit("a shrunk posture is not 1-minimal")


if __name__ == "__main__":
    main()
