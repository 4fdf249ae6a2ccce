"""kb/batch.py in-process: parsing case lines, conclusions, explanations, errors."""

from __future__ import annotations

import json
import random

import pytest

from lexlog.kb import BatchError, BatchRunner, KnowledgeBase, PostureSpace, case_line, library_path, run_batch


@pytest.fixture(scope="module")
def library() -> KnowledgeBase:
    return KnowledgeBase.from_files([library_path("fifth_circuit_qi")])


def test_outputs_in_declaration_order(library):
    runner = BatchRunner(library)
    assert runner.outputs[0] == ("qi_available", 1) and ("leave_denied", 1) in runner.outputs
    assert len(runner.outputs) == 31


def test_conclusions_match_a_knowledge_base_loaded_with_the_same_facts(library, tmp_path):
    runner = BatchRunner(library)
    space = PostureSpace.of(library)
    rng = random.Random(3)
    postures = [space.random_posture(rng) for _ in range(15)]
    outputs = list(runner.run([case_line(number, posture) for number, posture in enumerate(postures)]))
    assert [output["id"] for output in outputs] == list(range(15))
    for posture, output in zip(postures, outputs):
        case = tmp_path / "case.dl"
        case.write_text(f'include "{library_path("fifth_circuit_qi")}".\n' + posture.facts_text())
        loaded = KnowledgeBase.from_files([str(case)])
        for predicate, arity in runner.outputs:
            names = [f"X{position}" for position in range(arity)]
            answers = loaded.query(f"{predicate}({', '.join(names)})").answers
            assert output["conclusions"][predicate] == [[answer[name] for name in names] for answer in answers]


def test_explanations_are_json_documents(library):
    line = json.dumps({"id": "x", "facts": {"sued_individually": [["d"]], "asserted_qi": [["d", "answer"]]}})
    [output] = run_batch(library, [line], explain=True)
    assert output["conclusions"]["discovery_stayed"] == [["d"]]
    assert set(output["explanations"]) == {"qi_available(d)", "discovery_stayed(d)", "burden_on_plaintiff(d)"}
    assert all(document["schema"] == "lexlog.explanation/2" for document in output["explanations"].values())


@pytest.mark.parametrize(
    "line, message",
    [
        ("[1, 2]", "a case is a JSON object"),
        ('{"facts": {}}', 'no "id"'),
        ('{"id": [1], "facts": {}}', '"id" must be a string or a number'),
        ('{"id": 1, "fact": {}}', "unknown field 'fact'"),
        ('{"id": 1, "facts": []}', '"facts" must be an object'),
        ('{"id": 1, "facts": {"appealed": "o1"}}', "expected a list of rows"),
        ('{"id": 1, "facts": {"appealed": [["o1", true]]}}', "values are strings, numbers or dates, not true"),
        ('{"id": 1, "facts": {"appealed": [[NaN]]}}', "NaN is not a number JSON allows"),
        ('{"id": 1, "facts": {"appealable": [["o1"]]}}', "'appealable' is not an input predicate"),
        ('{"id": 1, "facts": {"appealed": [["o1", "o2"]]}}', '"appealed" takes 1 argument, but a row has 2'),
    ],
)
def test_bad_lines_are_reported_and_skipped(library, line, message):
    good = json.dumps({"id": "ok", "facts": {}})
    outputs = list(run_batch(library, [good, line, good]))
    assert [type(output).__name__ for output in outputs] == ["dict", "BatchError", "dict"]
    error = outputs[1]
    assert isinstance(error, BatchError) and error.line == 2 and message in error.message, error.message


def test_blank_lines_are_skipped(library):
    outputs = list(run_batch(library, ["", "  ", json.dumps({"id": 9, "facts": {}})]))
    assert len(outputs) == 1 and outputs[0]["id"] == 9
    assert all(rows == [] for rows in outputs[0]["conclusions"].values())


def test_knowledge_base_without_output_declarations_reports_concluded_predicates():
    knowledge_base = KnowledgeBase.from_source("input e(X, Y).\nreach(X, Y) :- e(X, Y).\nreach(X, Z) :- reach(X, Y), e(Y, Z).\n")
    [output] = run_batch(knowledge_base, [json.dumps({"id": 1, "facts": {"e": [["a", "b"], ["b", "c"]]}})])
    assert output == {"id": 1, "conclusions": {"reach": [["a", "b"], ["a", "c"], ["b", "c"]]}}
