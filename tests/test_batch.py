"""kb/batch.py and its workers: parsing case lines, conclusions, explanations, errors; chunks of cases evaluated
together, on worker processes and on a local Dask cluster, writing the bytes of cases evaluated one by one."""

from __future__ import annotations

import json
import random
import sys

import distributed
import pytest

from lexlog.kb import BatchError, BatchRunner, KnowledgeBase, LexlogError, PostureSpace, aggregates, batch_dask, case_line, library_path, run_batch
from lexlog.kb.batch import CaseLine, numbered_chunks, output_text
from lexlog.kb.batch_dask import run_on_dask
from lexlog.kb.batch_workers import BatchSource, BatchWorkerError, run_in_processes
from lexlog.repl.cli import main


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
        ('{"id": [1], "facts": {}}', '"id" must be a string or a whole number'),
        ('{"id": 1, "fact": {}}', "unknown field 'fact'"),
        ('{"id": 1, "facts": []}', '"facts" must be an object'),
        ('{"id": 1, "facts": {"appealed": "o1"}}', "expected a list of rows"),
        ('{"id": 1, "facts": {"appealed": [["o1", true]]}}', "values are strings, numbers or dates, not true"),
        ('{"id": 1, "facts": {"appealed": [[NaN]]}}', "NaN is not a number JSON allows"),
        ('{"id": 1, "facts": {"appealable": [["o1"]]}}', "'appealable' is not an input predicate"),
        ('{"id": 1, "facts": {"appealed": [["o1", "o2"]]}}', '"appealed" takes 1 argument, but a row has 2'),
        ('{"id": true, "facts": {}}', '"id" must be a string or a whole number, not true'),
        ('{"id": null, "facts": {}}', '"id" must be a string or a whole number, not null'),
        ('{"id": 1.5, "facts": {}}', '"id" must be a string or a whole number, not 1.5'),
        ('{"id": "\\ud800", "facts": {}}', '"id" holds a lone UTF-16 surrogate'),
        ('{"id": 1, "facts": {"appealed": [["\\udfff"]]}}', "holds a lone UTF-16 surrogate: not text"),
        ('{"id": 1, "id": 2, "facts": {}}', 'the key "id" is given twice in one object'),
        ('{"id": 1, "facts": {"appealed": [["o1"]], "appealed": []}}', 'the key "appealed" is given twice'),
        ('{"id": 1e99999999999, "facts": {}}', "has an exponent beyond 10,000"),
        ("[" * 100_000 + "]" * 100_000, "the JSON is nested too deeply"),
        ('{"id": "t", "facts": {"appealed": [["o1"]]', "not JSON: Expecting ',' delimiter (column 43)"),
        ('{"id": "\udcff", "facts": {}}', "the line is not UTF-8 text"),  # a byte 0xff read with surrogateescape
    ],
)
def test_bad_lines_are_reported_and_skipped(library, line, message):
    good = json.dumps({"id": "ok", "facts": {}})
    outputs = list(run_batch(library, [good, line, good]))
    assert [type(output).__name__ for output in outputs] == ["dict", "BatchError", "dict"]
    error = outputs[1]
    assert isinstance(error, BatchError) and error.line == 2 and message in error.message, error.message


def test_a_number_of_any_length_is_read_and_written_back(library):
    digits = "9" * 5_000  # past the 4,300 digits Python reads or writes by default
    [output] = BatchRunner(library).run_lines([f'{{"id": {digits}, "facts": {{"appealed": [[{digits}]]}}}}'])
    assert isinstance(output, CaseLine) and output.text.startswith(f'{{"id": {digits}, ')


def test_a_repeated_id_is_reported_on_every_path(capsys, tmp_path):
    lines = [json.dumps({"id": case_id, "facts": {}}) for case_id in ("a", 1, "1", "a", 1)]
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(lines * 300) + "\n", encoding="utf-8")  # several chunks: ids repeat across them
    for workers in ("1", "2"):
        status, out, err = _batch(capsys, "--cases", str(cases), "--workers", workers)
        assert status == 2 and [json.loads(line)["id"] for line in out.splitlines()] == ["a", 1, "1"]
        reports = err.splitlines()
        assert len(reports) == 1497 and reports[0] == f'{cases}:4: the id "a" is already the id of the case on line 1: ids must be unique'
        assert reports[1] == f"{cases}:5: the id 1 is already the id of the case on line 2: ids must be unique"


def test_a_case_that_violates_a_constraint_says_so(tmp_path):
    rules = tmp_path / "rules.dl"
    rules.write_text(
        'input domicile(Person, State).\noutput resident(Person).\nresident(P) :- domicile(P, _).\n'
        "constraint one_domicile :- domicile(P, A), domicile(P, B), A != B.\n",
        encoding="utf-8",
    )
    knowledge_base = KnowledgeBase.from_files([str(rules)])
    lines = [
        json.dumps({"id": "two", "facts": {"domicile": [["ann", "tx"], ["ann", "la"]]}}),
        json.dumps({"id": "one", "facts": {"domicile": [["bob", "tx"]]}}),
    ]
    together = [json.loads(output.text) for output in BatchRunner(knowledge_base).run_lines(lines)]
    alone = [BatchRunner(knowledge_base).evaluate(BatchRunner(knowledge_base).parse(line)) for line in lines]
    assert together == alone
    assert together[0]["violations"] == [
        {"constraint": "one_domicile", "binding": {"P": "ann", "A": "la", "B": "tx"}},
        {"constraint": "one_domicile", "binding": {"P": "ann", "A": "tx", "B": "la"}},
    ]
    assert "violations" not in together[1]


def test_blank_lines_are_skipped(library):
    outputs = list(run_batch(library, ["", "  ", json.dumps({"id": 9, "facts": {}})]))
    assert len(outputs) == 1 and outputs[0]["id"] == 9
    assert all(rows == [] for rows in outputs[0]["conclusions"].values())


def test_knowledge_base_without_output_declarations_reports_concluded_predicates():
    knowledge_base = KnowledgeBase.from_source("input e(X, Y).\nreach(X, Y) :- e(X, Y).\nreach(X, Z) :- reach(X, Y), e(Y, Z).\n")
    [output] = run_batch(knowledge_base, [json.dumps({"id": 1, "facts": {"e": [["a", "b"], ["b", "c"]]}})])
    assert output == {"id": 1, "conclusions": {"reach": [["a", "b"], ["a", "c"], ["b", "c"]]}}


# --- evaluating a chunk of cases together ---------------------------------------------------------------------------

RUNAWAY = """input start(N).
input limit(N).
output reached(N).
reached(N) :- start(N).
reached(N + 1) :- reached(N), limit(L), N < L.
"""


def _generated_lines(count: int, seed: int) -> list[str]:
    """`count` random postures of the bundled law as case lines, with a bad line and a blank line among them."""
    knowledge_base = KnowledgeBase.from_files([library_path("fifth_circuit_qi")])
    space = PostureSpace.of(knowledge_base)
    rng = random.Random(seed)
    lines = [case_line(f"case{number}", space.random_posture(rng)) for number in range(count)]
    lines[3:3] = ['{"id": "broken", "facts": ', ""]
    return lines


def _per_case_texts(runner: BatchRunner, lines: list[str]) -> list[str]:
    """What `lexlog batch` wrote before chunks: each case parsed and evaluated on its own."""
    texts = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            texts.append(output_text(runner.evaluate(runner.parse(line, number))))
        except ValueError as error:
            texts.append(str(BatchError(number, str(error))))
        except LexlogError as error:
            texts.append(str(BatchError(number, error.render(False))))
    return texts


def _texts(outputs) -> list[str]:
    """Output lines as text: a case's JSON line (from a dict or a CaseLine), or a bad line's report."""
    return [
        str(output) if isinstance(output, BatchError) else output.text if isinstance(output, CaseLine) else output_text(output)
        for output in outputs
    ]


def _counting_evaluations(monkeypatch) -> list[int]:
    calls: list[int] = []
    evaluate = aggregates.evaluate

    def counted(*arguments, **options):
        calls.append(1)
        return evaluate(*arguments, **options)

    monkeypatch.setattr(aggregates, "evaluate", counted)
    return calls


def test_a_chunk_of_cases_is_one_evaluation(library, monkeypatch):
    calls = _counting_evaluations(monkeypatch)
    outputs = list(BatchRunner(library).run(_generated_lines(25, 4), chunk_size=10))
    assert len(outputs) == 26 and isinstance(outputs[3], BatchError) and outputs[3].line == 4
    assert len(calls) == 3  # 25 cases in chunks of 10, not 25 evaluations


@pytest.mark.parametrize("engine", ["clingo", "pydatalog"])
def test_chunks_write_the_bytes_of_cases_evaluated_one_by_one(engine):
    knowledge_base = KnowledgeBase.from_files([library_path("fifth_circuit_qi")], engine=engine)
    lines = _generated_lines(12, 5)
    runner = BatchRunner(knowledge_base, explain=True)
    assert _texts(runner.run(lines, chunk_size=5)) == _per_case_texts(runner, lines)


@pytest.mark.parametrize("engine", ["clingo", "pydatalog"])
def test_a_case_the_budget_stops_fails_alone(engine):
    knowledge_base = KnowledgeBase(engine, budget=3000)
    knowledge_base.load_source(RUNAWAY)
    lines = [json.dumps({"id": number, "facts": {"start": [[0]], "limit": [[10**9 if number == 2 else 3]]}}) for number in range(5)]
    outputs = list(BatchRunner(knowledge_base).run(lines))
    assert [output["conclusions"]["reached"] for output in outputs if isinstance(output, dict)] == [[[0], [1], [2], [3]]] * 4
    [stopped] = [output for output in outputs if isinstance(output, BatchError)]
    assert stopped.line == 3 and "error[evaluation_budget]" in stopped.message
    assert _texts(outputs) == _per_case_texts(BatchRunner(knowledge_base), lines)


def test_cases_the_budget_stops_together_are_decided_one_by_one(monkeypatch):
    knowledge_base = KnowledgeBase("clingo", budget=30)  # each case computes 10 values; the ten together, 100
    knowledge_base.load_source(RUNAWAY)
    lines = [json.dumps({"id": number, "facts": {"start": [[0]], "limit": [[10]]}}) for number in range(10)]
    calls = _counting_evaluations(monkeypatch)
    outputs = list(BatchRunner(knowledge_base).run(lines))
    assert [output["id"] for output in outputs] == list(range(10))
    assert all(output["conclusions"]["reached"] == [[n] for n in range(11)] for output in outputs)
    assert len(calls) == 1 + 10


def test_numbered_chunks_skip_blank_lines_and_keep_numbers():
    chunks = list(numbered_chunks(["a", "", "b", "  ", "c", "d"], 2))
    assert chunks == [[(1, "a"), (3, "b")], [(5, "c"), (6, "d")]]


# --- worker processes ---------------------------------------------------------------------------------------------


def test_worker_processes_write_the_single_process_bytes(library):
    lines = _generated_lines(30, 6)
    runner = BatchRunner(library, explain=True)
    source = BatchSource.of(library, [library_path("fifth_circuit_qi")], explain=True)
    together = list(run_in_processes(runner, source, lines, workers=2, chunk_size=4))
    assert _texts(together) == _texts(runner.run(lines))


def test_worker_processes_apply_the_date_the_law_is_taken_as_of(library):
    lines = _generated_lines(30, 6)
    as_of = library.at_text("2014-04-18")  # before Carswell, which added an appealable ground
    source = BatchSource.of(as_of, [library_path("fifth_circuit_qi")], explain=False)
    dated = _texts(run_in_processes(BatchRunner(as_of), source, lines, workers=2, chunk_size=8))
    assert dated == _texts(BatchRunner(as_of).run(lines))
    assert dated != _texts(BatchRunner(library).run(lines))


def test_a_worker_that_cannot_load_the_files_says_why(tmp_path):
    source = BatchSource((str(tmp_path / "gone.dl"),), "clingo", None, False, str(tmp_path))
    with pytest.raises(BatchWorkerError, match="a worker could not load the knowledge base:\n.*cannot read 'gone.dl'"):
        source.load()


def _batch(capsys, *arguments: str) -> tuple[int, str, str]:
    status = main(["batch", *arguments])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def cases_file(tmp_path_factory):
    """Two chunks' worth of cases (so that workers are used), a bad line among them."""
    path = tmp_path_factory.mktemp("batch") / "cases.jsonl"
    path.write_text("\n".join(_generated_lines(260, 7)) + "\n")
    return path


def test_workers_option_writes_the_single_process_bytes(capsys, cases_file):
    one = _batch(capsys, "--cases", str(cases_file), "--workers", "1")
    two = _batch(capsys, "--cases", str(cases_file), "--workers", "2")
    assert one == two
    status, out, err = two
    assert status == 2 and len(out.splitlines()) == 260 and err.startswith(f"{cases_file}:4: not JSON")


# --- Dask ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_cluster():
    """A local Dask cluster of two worker processes, for this module's tests."""
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        yield cluster


def test_dask_writes_the_single_process_bytes(capsys, cases_file, dask_cluster):
    single = _batch(capsys, "--cases", str(cases_file), "--workers", "1")
    assert _batch(capsys, "--cases", str(cases_file), "--dask", dask_cluster.scheduler_address) == single


def test_dask_explanations_in_small_chunks(library, dask_cluster):
    lines = _generated_lines(20, 8)
    runner = BatchRunner(library, explain=True)
    source = BatchSource.of(library, [library_path("fifth_circuit_qi")], explain=True)
    on_dask = list(run_on_dask(source, lines, dask_cluster.scheduler_address, workers=2, chunk_size=3))
    assert _texts(on_dask) == _texts(runner.run(lines))


def test_dask_not_installed_is_a_clear_error(capsys, cases_file, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # what an import finds when the package is missing
    status, out, err = _batch(capsys, "--cases", str(cases_file), "--dask")
    assert status == 2 and out == ""
    assert err == "lexlog batch: running on Dask needs Dask installed: pip install 'lexlog[dask]'\n"


def test_unreachable_scheduler_is_a_clear_error(capsys, cases_file, monkeypatch):
    monkeypatch.setattr(batch_dask, "CONNECT_SECONDS", 0.5)
    status, out, err = _batch(capsys, "--cases", str(cases_file), "--dask", "tcp://127.0.0.1:9")
    assert status == 2 and out == ""
    assert err.startswith("lexlog batch: cannot reach the Dask scheduler at tcp://127.0.0.1:9: ") and "Traceback" not in err


def test_a_file_after_dask_is_not_taken_for_an_address(capsys, cases_file):
    with pytest.raises(SystemExit) as stopped:
        main(["batch", "--cases", str(cases_file), "--dask", "my_kb.dl"])
    assert stopped.value.code == 2
    assert "'my_kb.dl' is not a scheduler address" in capsys.readouterr().err
