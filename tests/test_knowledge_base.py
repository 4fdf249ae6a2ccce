"""The knowledge base's public face: changes are all-or-nothing, suppositions leave the original alone."""

from __future__ import annotations

import datetime
import threading
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from lexlog.kb import KnowledgeBase, LexlogError
from lexlog.kb.matching import row_sort_key, sorted_rows

RULES = """
input edge(From, To) "there is an edge from {From} to {To}".
output reach(From, To) "{To} can be reached from {From}".
reach(X, Y) :- edge(X, Y).
reach(X, Z) :- edge(X, Y), reach(Y, Z).
edge(a, b).
edge(b, c).
"""


@pytest.fixture(params=["clingo", "pydatalog"])
def kb(request) -> KnowledgeBase:
    return KnowledgeBase.from_source(RULES, "graph.dl", engine=request.param)


def answers(kb: KnowledgeBase, goal: str) -> list[dict]:
    return list(kb.query(goal).answers)


def test_query_answers_in_a_stable_order(kb: KnowledgeBase) -> None:
    assert answers(kb, "reach(a, X)") == [{"X": "b"}, {"X": "c"}]
    assert kb.query("reach(a, c)").holds and kb.query("reach(a, c)").answers == ({},)
    assert kb.query("reach(c, a)").answers == ()


def test_assert_then_retract_restores_every_answer(kb: KnowledgeBase) -> None:
    before = answers(kb, "reach(X, Y)")
    kb.assert_fact("edge(c, a)")
    assert {"X": "c", "Y": "c"} in answers(kb, "reach(X, Y)")
    assert kb.retract_fact("edge(c, a)")
    assert answers(kb, "reach(X, Y)") == before


def test_retracting_a_file_fact_removes_its_consequences(kb: KnowledgeBase) -> None:
    assert kb.retract_fact("edge(b, c)")
    assert answers(kb, "reach(a, X)") == [{"X": "b"}]
    assert not kb.retract_fact("edge(b, c)")


def test_a_bad_fact_changes_nothing_and_says_where(kb: KnowledgeBase) -> None:
    kb.assert_fact("edge(c, d)")
    with pytest.raises(LexlogError) as caught:
        kb.assert_fact("edge(c)")
    assert caught.value.code == "arity_mismatch"
    with pytest.raises(LexlogError) as caught:
        kb.assert_fact("edg(c, e)")
    assert caught.value.diagnostics[0].hint == "did you mean edge?"
    with pytest.raises(LexlogError):
        kb.assert_fact("edge(c, X)")
    assert {"X": "d"} in answers(kb, "reach(a, X)")


def test_a_file_with_errors_changes_nothing(kb: KnowledgeBase, tmp_path: Path) -> None:
    broken = tmp_path / "broken.dl"
    broken.write_text("reach(X, Y) :- edge(X, Z).\nextra(a).\n")
    with pytest.raises(LexlogError) as caught:
        kb.load_files([str(broken)])
    assert [d.code for d in caught.value.errors] == ["unbound_variable"]
    assert "extra" not in {predicate for predicate, _ in kb.model.atoms()}
    assert answers(kb, "reach(a, X)") == [{"X": "b"}, {"X": "c"}]


def test_suppose_answers_in_a_copy_and_marks_the_facts_supposed(kb: KnowledgeBase) -> None:
    supposed = kb.suppose(["edge(c, d)"])
    assert {"X": "d"} in answers(supposed, "reach(a, X)")
    assert {"X": "d"} not in answers(kb, "reach(a, X)")
    origins = {atom.text: origin.kind for atom, origin in supposed.facts().items()}
    assert origins["edge(c, d)"] == "supposed"
    assert origins["edge(a, b)"] == "file"


def test_reload_keeps_the_session_and_reads_the_file_again(tmp_path: Path) -> None:
    source = tmp_path / "graph.dl"
    source.write_text(RULES)
    kb = KnowledgeBase.from_files([str(source)])
    kb.assert_fact("edge(c, d)")
    source.write_text(RULES.replace("edge(b, c).", "edge(b, e)."))
    kb.reload()
    assert answers(kb, "reach(a, X)") == [{"X": "b"}, {"X": "e"}]
    assert answers(kb, "edge(c, X)") == [{"X": "d"}]


def test_two_knowledge_bases_in_two_threads_never_see_each_others_facts() -> None:
    results: dict[str, list] = {}

    def work(name: str) -> None:
        kb = KnowledgeBase.from_source(RULES, f"{name}.dl", engine="pydatalog")
        for step in range(20):
            kb.assert_fact(f"edge(c, {name}{step})")
        results[name] = sorted(answer["X"] for answer in kb.query("reach(a, X)").answers)

    threads = [threading.Thread(target=work, args=(name,)) for name in ("left", "right")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name, other in (("left", "right"), ("right", "left")):
        assert len(results[name]) == 22
        assert not any(value.startswith(other) for value in results[name])


def test_explain_and_why_not_refuse_the_wrong_question(kb: KnowledgeBase) -> None:
    with pytest.raises(LexlogError) as caught:
        kb.explain("reach(c, a)")
    assert caught.value.code == "does_not_follow"
    assert kb.why_not("reach(a, c)").status == "follows"


def test_explanations_are_the_same_whichever_backend_evaluates() -> None:
    from lexlog.kb import bundled_case_files, render

    zapata = next(path for path in bundled_case_files() if path.endswith("zapata.dl"))
    on_clingo = KnowledgeBase.from_files([zapata], engine="clingo")
    on_pydatalog = KnowledgeBase.from_files([zapata], engine="pydatalog")
    assert on_clingo.model.relations == on_pydatalog.model.relations
    conclusions = sorted(atom.text for atom in on_clingo.conclusions())
    assert "appealable(zapata_order)" in conclusions
    for atom in conclusions:
        for format in ("text", "json"):
            assert render(on_clingo.explain(atom), format) == render(on_pydatalog.explain(atom), format), atom
    for atom in ("step_one_met(zapata_order)", "no_appellate_jurisdiction(zapata_order)"):
        assert render(on_clingo.why_not(atom), "json") == render(on_pydatalog.why_not(atom), "json")


def test_a_misspelt_or_wrong_arity_goal_is_an_error_not_a_no(kb: KnowledgeBase) -> None:
    for ask in (kb.explain, kb.why_not):
        with pytest.raises(LexlogError) as caught:
            ask("rech(a, c)")
        assert caught.value.code == "undefined_predicate"
        assert caught.value.diagnostics[0].hint == "did you mean reach?"
        with pytest.raises(LexlogError) as caught:
            ask("reach(a)")
        assert caught.value.code == "arity_mismatch"


# --- queries of one atom -------------------------------------------------------------------------------------------

MIXED = """
p(1, 1). p(1, 2). p(2, "1"). p(2024-01-05, a). p(a, a). p(1.5, 2024-01-05). p(-3, b). p("1", 1).
q(X, Y) :- p(Y, X).
"""


@pytest.mark.parametrize("engine", ["clingo", "pydatalog"])
@pytest.mark.parametrize("goal", ["p(X, Y)", "q(X, Y)", "q(Y, X)", "p(X, X)", "p(1, Y)", "p(_, Y)", "p(X, _)", "p(1, 2)", "p(2, 1)"])
def test_a_query_of_one_atom_answers_as_a_conjunction_does(engine: str, goal: str) -> None:
    knowledge_base = KnowledgeBase.from_source(MIXED, "mixed.dl", engine=engine)
    one = knowledge_base.query(goal)
    twice = knowledge_base.query(f"{goal}, {goal}")  # the same question, answered through the index and bindings
    assert one.rows == twice.rows and one.answers == twice.answers and one.holds == twice.holds


def test_answers_come_in_the_total_order_of_values_and_print_as_json() -> None:
    result = KnowledgeBase.from_source(MIXED, "mixed.dl").query("p(X, Y)")
    day = datetime.date(2024, 1, 5)
    assert result.rows == (
        (-3, "b"), (1, 1), (1, 2), (Fraction(3, 2), day), (2, "1"), (day, "a"), ("1", 1), ("a", "a"),
    )
    assert result.answers[3] == {"X": Fraction(3, 2), "Y": day}
    assert result.to_dict()["answers"][3] == {"X": {"number": "1.5"}, "Y": {"date": "2024-01-05"}}
    assert result.to_dict()["answers"][0] == {"X": -3, "Y": "b"}


def test_a_query_of_one_atom_reads_its_relation_alone() -> None:
    knowledge_base = KnowledgeBase.from_source(MIXED, "mixed.dl")
    assert len(knowledge_base.query("q(X, Y)").rows) == 8
    # what it did not build: an index of the model, or a set of any relation's rows
    assert knowledge_base._index_cache is None
    assert knowledge_base.model.relations._sets == {}  # type: ignore[attr-defined]
    assert knowledge_base.model.holds("q", (1, 1))  # a membership test makes the one set it needs
    assert list(knowledge_base.model.relations._sets) == [("q", 2)]  # type: ignore[attr-defined]


def test_the_parser_loads_tables_made_from_the_grammar_as_it_is() -> None:
    from lexlog.grammar.parser import _build_parser, _grammar_source, _parser, stored_tables
    from lexlog.kb import bundled_library_files

    source = _grammar_source()
    assert stored_tables(source) is not None, "lexlog.lark has changed: write the tables again (write_parse_tables)"
    built = _build_parser(source)
    for path in bundled_library_files():
        text = Path(path).read_text(encoding="utf-8")
        assert _parser().parse(text, start="start") == built.parse(text, start="start"), path


_SORTABLE = st.one_of(
    st.integers(-3, 3),
    st.fractions(min_value=-3, max_value=3, max_denominator=4).filter(lambda number: number.denominator != 1),
    st.dates(datetime.date(2024, 1, 1), datetime.date(2024, 1, 4)),
    st.sampled_from(["", "a", "b", "1", "é"]),
)


@given(st.lists(st.tuples(_SORTABLE, _SORTABLE), unique=True), st.booleans())
def test_rows_sort_in_the_total_order_of_values_whatever_kinds_they_mix(rows: list, numbers_only: bool) -> None:
    if numbers_only:  # the common case, sorted by Python's own order
        rows = [row for row in rows if all(type(item) is not str and type(item) is not datetime.date for item in row)]
    assert sorted_rows(rows) == sorted(rows, key=row_sort_key)


def test_retracting_a_file_fact_asserted_again_removes_it() -> None:
    knowledge_base = KnowledgeBase.from_source("p(a).\nq(X) :- p(X).\n", "rules.dl")
    knowledge_base.assert_fact("p(a).")
    assert knowledge_base.retract_fact("p(a)")
    assert not knowledge_base.holds("q(a)") and [atom.text for atom in knowledge_base.retracted] == ["p(a)"]
    assert not knowledge_base.retract_fact("p(a)")  # nothing left to retract
    knowledge_base.assert_fact("p(a).")
    assert knowledge_base.holds("q(a)") and knowledge_base.retracted == []
