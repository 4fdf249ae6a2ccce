"""Aggregates: count, sum, min and max, grouped by the rest of the rule, one term per distinct solution, stratified,
computed alike on both backends, and explained down to every atom they took."""

from __future__ import annotations

import json
from fractions import Fraction

import jsonschema
import pytest

from lexlog.kb import KnowledgeBase, check_source, render
from lexlog.kb.render.json import SCHEMA, check_references

ENGINES = ["clingo", "pydatalog"]

CLAIMS = """
claim(paula, acme, contract, 30000). claim(paula, acme, tort, 30000). claim(paula, acme, fees, 30000.50).
claim(paula, bolt, contract, 3000000000). claim(quinn, acme, tort, 75000).
party(paula). party(quinn). party(ruth).
defendant(acme). defendant(bolt).
total(P, D, T) :- party(P), defendant(D), T = sum A : { claim(P, D, _, A) }.
claims(P, N) :- party(P), N = count : { claim(P, D, K, _) }.
largest(P, M) :- party(P), M = max A : { claim(P, _, _, A) }.
smallest(P, M) :- party(P), M = min A : { claim(P, _, _, A) }.
exceeds(P, D) :- total(P, D, T), T > 75000.
both(P, N, M) :- party(P), N = count : { claim(P, _, _, _) }, M = sum A : { claim(P, acme, _, A) }.
"""


def loaded(engine: str, source: str = CLAIMS) -> KnowledgeBase:
    knowledge_base = KnowledgeBase(engine)
    assert [d.code for d in knowledge_base.load_source(source, "claims.dl") if d.is_error] == []
    return knowledge_base


def rows(knowledge_base: KnowledgeBase, query: str) -> list[tuple]:
    result = knowledge_base.query(query)
    return [tuple(answer[name] for name in result.variables) for answer in result.answers]


@pytest.mark.parametrize("engine", ENGINES)
def test_sums_counts_and_extremes_by_group(engine: str) -> None:
    knowledge_base = loaded(engine)
    assert rows(knowledge_base, "total(P, D, T)") == [
        ("paula", "acme", Fraction("90000.5")), ("paula", "bolt", 3000000000),
        ("quinn", "acme", 75000), ("quinn", "bolt", 0), ("ruth", "acme", 0), ("ruth", "bolt", 0),
    ]
    assert rows(knowledge_base, "claims(P, N)") == [("paula", 4), ("quinn", 1), ("ruth", 0)]
    assert rows(knowledge_base, "largest(P, M)") == [("paula", 3000000000), ("quinn", 75000)]  # none for ruth
    assert rows(knowledge_base, "smallest(P, M)") == [("paula", 30000), ("quinn", 75000)]
    assert rows(knowledge_base, "exceeds(P, D)") == [("paula", "acme"), ("paula", "bolt")]
    assert rows(knowledge_base, "both(P, N, M)") == [("paula", 4, Fraction("90000.5")), ("quinn", 1, 75000), ("ruth", 0, 0)]


@pytest.mark.parametrize("engine", ENGINES)
def test_an_aggregate_over_a_recursive_predicate_and_one_over_an_aggregate(engine: str) -> None:
    source = """
    edge(a, b). edge(b, c). edge(c, a). edge(c, d). node(a). node(b). node(c). node(d).
    reach(X, Y) :- edge(X, Y).
    reach(X, Z) :- reach(X, Y), edge(Y, Z).
    reachable(X, N) :- node(X), N = count : { reach(X, Y) }.
    most(M) :- M = max N : { reachable(X, N) }.
    hub(X) :- reachable(X, N), most(N).
    """
    knowledge_base = loaded(engine, source)
    assert rows(knowledge_base, "reachable(X, N)") == [("a", 4), ("b", 4), ("c", 4), ("d", 0)]
    assert rows(knowledge_base, "hub(X)") == [("a",), ("b",), ("c",)]


@pytest.mark.parametrize("engine", ENGINES)
def test_the_braces_may_negate_and_compare(engine: str) -> None:
    source = """
    claim(p, k1, 10). claim(p, k2, 20). claim(p, k3, 30). withdrawn(k2). party(p).
    live(P, T) :- party(P), T = sum A : { claim(P, K, A), not withdrawn(K), A > 5 }.
    """
    assert rows(loaded(engine, source), "live(P, T)") == [("p", 40)]


def test_the_checks_guard_groups_cycles_and_places() -> None:
    def codes(source: str) -> list[str]:
        return [d.code for d in check_source(source, "bad.dl").diagnostics if d.is_error]

    assert codes("c(p, 1). t(P, T) :- T = sum A : { c(P, A) }.") == ["unbound_variable"]  # P names no group
    assert codes("c(p, 1). t(T) :- T = sum A : { t(A) }.") == ["cyclic_aggregate"]
    assert codes("c(p, 1). ?- T = count : { c(P, A) }.") == ["aggregate_outside_rule"]
    assert codes("c(p, 1). constraint x :- T = count : { c(P, A) }, T > 3.") == ["aggregate_outside_rule"]
    assert codes("c(p, 1). t(T) :- T = sum B : { c(P, A) }.") == ["unbound_variable"]
    message = check_source("c(p, 1). t(T) :- T = sum A : { t(A) }.", "bad.dl").diagnostics[0].message
    assert message == "'t' depends on its own sum: t -> sum over t"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_proof_shows_every_term_and_the_atoms_it_came_from(engine: str) -> None:
    knowledge_base = loaded(engine)
    proof = knowledge_base.explain("exceeds(paula, acme)")
    text = render(proof, "text")
    assert "sum = 90000.5 (3 rows): 30000 + 30000 + 30000.5" in text
    for atom in ("claim(paula, acme, contract, 30000)", "claim(paula, acme, tort, 30000)", "claim(paula, acme, fees, 30000.5)"):
        assert atom in text
    assert "gives `sum = 90000.5 (3 rows)`: 30000 + 30000 + 30000.5." in render(proof, "markdown")
    document = json.loads(render(proof, "json"))
    jsonschema.validate(document, SCHEMA)
    assert check_references(document) == []
    aggregate = next(node for node in document["nodes"].values() if node["type"] == "aggregate")
    assert aggregate["value"] == {"number": "90000.5"} and len(aggregate["premises"]) == 3
    assert "sum = 90000.5 (3 rows)" in render(proof, "dot")


@pytest.mark.parametrize("engine", ENGINES)
def test_why_not_names_an_aggregate_without_a_value(engine: str) -> None:
    answer = loaded(engine).why_not("largest(ruth, M)")
    text = render(answer, "text")
    assert "M = max A : { claim(P, _, _, A) } fails" in text and "max = undefined (0 rows): over no rows" in text
    document = json.loads(render(answer, "json"))
    jsonschema.validate(document, SCHEMA)
