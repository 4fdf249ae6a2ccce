"""The external `datalog-conformance` suite's core cases (basic, recursion, negation, errors) on every backend.

The suite's own discovery and runner (from its pytest plugin) load and judge the cases; `lexlog.kb.conformance`
adapts lexlog to its evaluator protocol.
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
import yaml
from datalog_conformance.plugin import discover_yaml_tests, get_tests_dir
from datalog_conformance.runner import YamlTestRunner

from lexlog.kb.conformance import LexlogEvaluator, dialect_of_source

CORE_SUITES = ("basic", "recursion", "negation", "errors")
ENGINES = ("clingo", "pydatalog")


def _fast_safe_load(text: str) -> object:
    """PyYAML's C safe loader where the wheel has libyaml: the same documents, about ten times faster than the
    pure-Python `yaml.safe_load` the suite's discovery calls (which took most of the test run's collection)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def core_cases() -> list[tuple[str, object]]:
    root = get_tests_dir()
    cases = []
    with mock.patch.object(yaml, "safe_load", _fast_safe_load):
        for suite in CORE_SUITES:
            for path, case in discover_yaml_tests(root / suite):
                cases.append((f"{suite}/{Path(path).stem}::{case.name}", case))
    return cases


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


# The hmmer program's model has 1.1 million atoms: seconds on clingo, many minutes on the pyDatalog backend
# (docs/conformance.md gives the figures), so there it runs in the long profile only.
SLOW_ON_PYDATALOG = {"souffle_example_hmmer"}


def parameters() -> list:
    found = []
    for name, case in CASES:
        for engine in ENGINES:
            slow = engine == "pydatalog" and any(f"/{program}::" in name for program in SLOW_ON_PYDATALOG)
            found.append(pytest.param(engine, case, id=f"{name}-{engine}", marks=[pytest.mark.long] if slow else []))
    return found


@pytest.mark.parametrize(("engine", "case"), parameters())
def test_conformance_case(engine: str, case) -> None:
    YamlTestRunner(CachingEvaluator(engine, dialect_of_source(case.source))).run_test_case(case)
