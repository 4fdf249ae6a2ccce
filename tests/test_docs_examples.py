"""Every runnable example of docs/language.md (a ```lexlog block) loads without a finding and meets its `expect`
lines, on both backends: the language reference cannot drift from what the language does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lexlog.grammar import print_atom
from lexlog.kb import KnowledgeBase

LANGUAGE = Path(__file__).resolve().parent.parent / "docs" / "language.md"
EXAMPLES = re.findall(r"```lexlog\n(.*?)```", LANGUAGE.read_text(encoding="utf-8"), re.DOTALL)


def test_the_reference_has_runnable_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("engine_name", ["clingo", "pydatalog"])
@pytest.mark.parametrize("number", range(len(EXAMPLES)))
def test_example_runs_and_meets_its_expectations(engine_name: str, number: int) -> None:
    knowledge_base = KnowledgeBase(engine_name)
    diagnostics = knowledge_base.load_source(EXAMPLES[number], f"language.md example {number + 1}")
    assert [d.code for d in diagnostics] == []
    results = knowledge_base.expectations()
    assert results, "an example states what it shows with expect lines"
    assert [print_atom(result.expectation.atom) for result in results if not result.passed] == []
