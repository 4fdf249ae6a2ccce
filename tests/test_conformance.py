"""The external `datalog-conformance` suite's core cases (basic, recursion, negation, errors) on every backend.

The suite's own discovery and runner (from its pytest plugin) load and judge the cases; `lexlog.kb.conformance`
adapts lexlog to its evaluator protocol.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from datalog_conformance.plugin import discover_yaml_tests, get_tests_dir
from datalog_conformance.runner import YamlTestRunner

from lexlog.kb.conformance import LexlogEvaluator, dialect_of_source

CORE_SUITES = ("basic", "recursion", "negation", "errors")
ENGINES = ("clingo", "pydatalog")


def core_cases() -> list[tuple[str, object]]:
    root = get_tests_dir()
    cases = []
    for path, case in discover_yaml_tests():
        suite = Path(path).relative_to(root).parts[0]
        if suite in CORE_SUITES:
            cases.append((f"{suite}/{Path(path).stem}::{case.name}", case))
    return cases


CASES = core_cases()


def test_the_core_suites_are_all_found() -> None:
    suites = {name.split("/")[0] for name, _ in CASES}
    assert suites == set(CORE_SUITES)
    assert len(CASES) >= 100


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", [case for _, case in CASES], ids=[name for name, _ in CASES])
def test_conformance_case(engine: str, case) -> None:
    evaluator = LexlogEvaluator(engine, dialect_of_source(case.source))
    YamlTestRunner(evaluator).run_test_case(case)
