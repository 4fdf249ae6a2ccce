"""Integers a backend cannot hold: refused where they are written, or located where arithmetic computes them;
never a traceback, never a wrong answer, and never a fact kept in the prompt that the backend cannot evaluate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lexlog.kb import BatchError, KnowledgeBase, LexlogError, check_files, check_options, run_batch
from lexlog.repl.commands import execute
from lexlog.repl.shell import Session

BIG = "amt(c1, 3000000000).\nlarge(C) :- amt(C, X), X > 75000.\n"
COMPUTED = "n(Y * 1000000000) :- m(Y).\nm(5).\n"


def test_a_stated_integer_clingo_cannot_hold_is_a_located_error_when_loading() -> None:
    with pytest.raises(LexlogError) as caught:
        KnowledgeBase.from_source(BIG, "big.dl", engine="clingo")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "integer_out_of_range"
    assert (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column) == ("big.dl", 1, 9)
    assert diagnostic.message == "3000000000 is beyond the integers the clingo backend holds (-2147483648 to 2147483647)"
    assert diagnostic.hint == "evaluate with --engine pydatalog, which holds integers of any size"


def test_pydatalog_holds_integers_of_any_size() -> None:
    knowledge_base = KnowledgeBase.from_source(BIG + COMPUTED, "big.dl", engine="pydatalog")
    assert knowledge_base.holds("large(c1)")
    assert knowledge_base.holds("n(5000000000)")


def test_check_reports_the_limit_of_the_chosen_engine(tmp_path: Path) -> None:
    case = tmp_path / "big.dl"
    case.write_text(BIG)
    on_clingo = check_files([str(case)], options=check_options("clingo"))
    assert [d.code for d in on_clingo.errors] == ["integer_out_of_range"]
    assert check_files([str(case)], options=check_options("pydatalog")).ok


def test_a_computed_integer_clingo_cannot_hold_is_located_at_the_expression() -> None:
    knowledge_base = KnowledgeBase.from_source(COMPUTED, "computed.dl", engine="clingo")
    with pytest.raises(LexlogError) as caught:
        knowledge_base.query("n(X)")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "value_out_of_range"
    assert diagnostic.message == "arithmetic computed 5000000000, beyond the integers the clingo backend holds"
    assert (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column) == ("computed.dl", 1, 3)
    assert "n(Y * 1000000000) :- m(Y)." in caught.value.render()


def test_the_prompt_refuses_such_a_fact_and_keeps_nothing_of_it() -> None:
    session = Session(KnowledgeBase.from_source("input m(Y) \"m {Y}\".\nn(Y * 1000000000) :- m(Y).\n", "k.dl"))
    with pytest.raises(LexlogError):
        execute(session, "m(5).")
    with pytest.raises(LexlogError):
        execute(session, "m(4000000000).")
    with pytest.raises(LexlogError):
        execute(session, ":assume m(6)")
    assert session.kb.asserted == [] and session.assumptions == []
    assert execute(session, "m(2).").text == "asserted m(2)."
    assert "2000000000" in execute(session, "n(X)?").text


def test_a_batch_case_with_such_a_value_is_reported_and_the_run_goes_on() -> None:
    knowledge_base = KnowledgeBase.from_source('input amt(C, X) "{C} claims {X}".\noutput large(C) "{C}".\n' + BIG.split("\n", 1)[1], "k.dl")
    lines = [
        json.dumps({"id": 1, "facts": {"amt": [["c1", 80000]]}}),
        json.dumps({"id": 2, "facts": {"amt": [["c2", 3000000000]]}}),
        json.dumps({"id": 3, "facts": {"amt": [["c3", 90000]]}}),
    ]
    first, bad, last = run_batch(knowledge_base, lines)
    assert first["conclusions"]["large"] == [["c1"]] and last["conclusions"]["large"] == [["c3"]]
    assert isinstance(bad, BatchError) and bad.line == 2
    assert "3000000000 is beyond the integers the clingo backend holds" in bad.message
