"""The external `datalog-conformance` suite's core cases (basic, recursion, negation, errors) on every backend.

The suite's own discovery and runner (from its pytest plugin) load and judge the cases; `lexlog.kb.conformance`
adapts lexlog to its evaluator protocol.
"""

from __future__ import annotations

import pytest
from datalog_conformance.runner import YamlTestRunner

from lexlog.kb.conformance import LexlogEvaluator, dialect_of_source
from suite_cases import SuiteCase, discover

CORE_SUITES = ("basic", "recursion", "negation", "errors")
ENGINES = ("clingo", "pydatalog")


def core_cases() -> list[tuple[str, SuiteCase]]:
    return [(f"{suite}/{case.path.stem}::{case.name}", case) for suite in CORE_SUITES for case in discover(suite)]


CASES = core_cases()


def test_the_core_suites_are_all_found() -> None:
    suites = {name.split("/")[0] for name, _ in CASES}
    assert suites == set(CORE_SUITES)
    assert len(CASES) >= 100


class CachingEvaluator:
    """Many cases share one program and assert different relations of it: evaluate each program once."""

    models: dict[tuple, dict] = {}

    def __init__(self, engine: str, dialect: str) -> None:
        self.evaluator = LexlogEvaluator(engine, dialect)  # type: ignore[arg-type]

    def evaluate(self, program) -> dict:
        key = (
            self.evaluator.engine,
            self.evaluator.dialect,
            tuple(program.rules),
            tuple(sorted((name, tuple(map(tuple, rows))) for name, rows in program.facts.items())),
        )
        if key not in self.models:
            self.models[key] = self.evaluator.evaluate(program)
        return self.models[key]


# The two largest programs run in the long profile only (docs/conformance.md gives the figures): hmmer's model has
# 1.1 million atoms (tens of seconds on clingo, many minutes on pyDatalog) and lubm's 17 MB of facts take seconds to
# read and evaluate on either backend. bench/bench_query.py --hmmer measures hmmer against raw clingo.
SLOW = {"souffle_example_hmmer", "souffle_example_lubm"}


def parameters() -> list:
    found = []
    for name, case in CASES:
        for engine in ENGINES:
            slow = any(f"/{program}::" in name for program in SLOW)
            found.append(pytest.param(engine, case, id=f"{name}-{engine}", marks=[pytest.mark.long] if slow else []))
    return found


@pytest.mark.parametrize(("engine", "case"), parameters())
def test_conformance_case(engine: str, case: SuiteCase) -> None:
    parsed = case.load()
    YamlTestRunner(CachingEvaluator(engine, dialect_of_source(parsed.source))).run_test_case(parsed)
