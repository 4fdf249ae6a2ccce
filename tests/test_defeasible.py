"""Defeasible logic and law in force on a date: semantics, checks, explanations, and properties on both backends."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings, strategies as st

from lexlog.kb.diagnostics import LexlogError
from lexlog.kb.knowledge_base import KnowledgeBase
from lexlog.kb.render import render


@pytest.fixture(params=("clingo", "pydatalog"))
def backend(request) -> str:
    """Each evaluation backend's name in turn."""
    return request.param

BIRDS = """
authority carswell = "Carswell v. Camp, 54 F.4th 307 (5th Cir. 2022)" decided 2022-11-30.
@label birds_fly
@defeasible
fly(X) :- bird(X).
@label penguins_do_not
@defeasible
@overrides birds_fly
@since carswell
~fly(X) :- penguin(X).
@label hurt
@defeater
~fly(X) :- injured(X).
@label kiwis_do_not
@defeasible
~fly(X) :- kiwi(X).
bird(tweety). bird(opus). penguin(opus). bird(polly). injured(polly). bird(kiwi). kiwi(kiwi).
"""


def birds(engine: str) -> KnowledgeBase:
    return KnowledgeBase.from_source(BIRDS, "birds.dl", engine)


def answers(kb: KnowledgeBase, goal: str) -> set:
    return {tuple(answer.values()) for answer in kb.query(goal).answers}


def test_an_exception_defeats_the_general_rule(backend: str) -> None:
    kb = birds(backend)
    assert answers(kb, "fly(X)") == {("tweety",)}
    assert answers(kb, "~fly(X)") == {("opus",)}  # the defeater and the unresolved conflict conclude nothing


def test_the_proof_names_each_defeated_rule_and_what_defeated_it(backend: str) -> None:
    proof = birds(backend).explain("~fly(opus)")
    (defeat,) = proof.defeated
    assert (defeat.kind, defeat.rule.name, defeat.by.name) == ("overridden", "birds_fly", "penguins_do_not")
    text = render(proof, "text")
    assert "birds_fly" in text and "penguins_do_not" in text and "overrides" in text


def test_why_not_names_the_defeater_and_the_conflict(backend: str) -> None:
    kb = birds(backend)
    overridden = kb.why_not("fly(opus)").attempts[0].failures[0]
    assert overridden.kind == "defeated" and overridden.detail.kind == "prevails"
    assert overridden.detail.rule.name == "penguins_do_not"
    blocked = kb.why_not("fly(polly)").attempts[0].failures[0].detail
    assert blocked.kind == "conflicts" and blocked.defeater and blocked.rule.name == "hurt"
    ambiguous = kb.why_not("fly(kiwi)").attempts[0].failures[0].detail
    assert ambiguous.kind == "conflicts" and not ambiguous.defeater and ambiguous.rule.name == "kiwis_do_not"


def test_the_same_query_as_of_two_dates(backend: str) -> None:
    kb = birds(backend)
    before = kb.at(datetime.date(2020, 1, 1))
    assert answers(before, "fly(X)") == {("tweety",), ("opus",)}
    (left_out,) = before.left_out
    assert left_out.rule.annotations.label == "penguins_do_not"
    assert "not yet law on 2020-01-01: law from 2022-11-30" in left_out.reason
    assert answers(kb.at_text("carswell"), "fly(X)") == {("tweety",)}
    assert kb.left_out == []  # today: everything is in force


def test_a_rule_ceases_to_be_law(backend: str) -> None:
    kb = KnowledgeBase.from_source(
        '@label old_rule\n@until 2000-01-01 "repealed"\np(X) :- q(X).\nq(a).\n', "old.dl", backend
    )
    assert not kb.holds("p(a)")
    assert "no longer law" in kb.left_out[0].reason and "repealed" in kb.left_out[0].reason
    assert kb.at(datetime.date(1999, 12, 31)).holds("p(a)")


def test_a_plain_program_is_unchanged_by_the_new_machinery(backend: str) -> None:
    kb = KnowledgeBase.from_source("p(X) :- q(X), not r(X).\nq(a). q(b). r(b).\n", "plain.dl", backend)
    assert kb.defeasible_outcome is None and answers(kb, "p(X)") == {("a",)}


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("@label a\n@defeasible\n@overrides nonesuch\np(X) :- q(X).\nq(x).\n", "unknown_rule_label"),
        ("@label a\n@defeasible\n@overrides b\np(X) :- q(X).\n@label b\n@defeasible\n@overrides a\n~p(X) :- q(X).\nq(x).\n", "superiority_cycle"),
        ("@defeasible\np(X) :- q(X).\nr(X) :- q(X), not p(X).\nq(x).\n", "negation_of_defeasible"),
        ("@since nowhere\np(X) :- q(X).\nq(x).\n", "unknown_authority"),
        ('authority a = "A".\n@since a\np(X) :- q(X).\nq(x).\n', "undated_authority"),
        ("@since 2020-01-01\n@until 2019-01-01\np(X) :- q(X).\nq(x).\n", "empty_time_in_force"),
        ("@since 2030-01-01\np(a).\n", "date_on_non_rule"),
        ("conflict p, p.\np(a).\n", "self_conflict"),
        ("q(a).\n@defeasible\nconstraint bad :- q(X).\n", "kind_on_constraint"),
    ],
)
def test_checks_of_the_defeasible_part_and_dates(source: str, code: str) -> None:
    with pytest.raises(LexlogError) as raised:
        KnowledgeBase.from_source(source, "bad.dl")
    assert code in {d.code for d in raised.value.errors}


def test_an_as_of_date_before_every_authority_is_warned_about() -> None:
    kb = KnowledgeBase()
    warnings = kb.load_source('authority a = "A" decided 2010-05-01.\nas_of 1910-05-01.\np(a).\n', "case.dl")
    assert [d.code for d in warnings] == ["as_of_before_authorities"]
    assert kb.effective_date == datetime.date(1910, 5, 1)


def test_a_bad_as_of_is_a_located_error() -> None:
    with pytest.raises(LexlogError, match="is not a date"):
        birds("clingo").at_text("2022-13-01")
    with pytest.raises(LexlogError, match="did you mean carswell"):
        birds("clingo").at_text("carswel")


# --- the bundled law ---------------------------------------------------------------------------------------------


def test_zapata_as_of_its_date_shows_only_the_grounds_the_court_had(backend: str) -> None:
    from lexlog.kb import bundled_case_files

    zapata = next(path for path in bundled_case_files() if path.endswith("zapata.dl"))
    kb = KnowledgeBase.from_files([zapata], backend)
    assert kb.effective_date == datetime.date(2014, 4, 18)
    then = answers(kb, "appealable_on(zapata_order, G)")
    now = answers(kb.at_text("today"), "appealable_on(zapata_order, G)")
    assert then == {("no_fact_question",), ("no_step_one_finding",), ("refused_to_rule",)}
    assert now - then == {("pending_motion_to_dismiss",)} and then <= now
    # the ground added today rests on a rule marked as later law
    added = [r for r in kb.rules if r.head.predicate == "appealable_by" and r.annotations.since is not None]
    assert [n.kind for r in added for n in r.annotations.notes] == ["later_law", "library_reading"]


def test_each_seed_case_as_of_its_date_passes_its_expectations(backend: str) -> None:
    from lexlog.kb import bundled_case_files, run_tests

    report = run_tests(bundled_case_files(), backend)
    assert report.ok and report.failed == 0 and report.passed >= 90


# --- properties --------------------------------------------------------------------------------------------------

PREDICATES = ("p", "q", "r")
CONSTANTS = ("a", "b")


@st.composite
def theories(draw) -> str:
    """A small random defeasible theory over p, q, r and their negations: facts, strict and defeasible rules,
    defeaters, and an acyclic superiority relation (a rule may only override an earlier one)."""
    lines = []
    for predicate in ("s", "t"):
        for constant in draw(st.lists(st.sampled_from(CONSTANTS), max_size=2, unique=True)):
            lines.append(f"{predicate}({constant}).")
    literal = st.tuples(st.booleans(), st.sampled_from(PREDICATES + ("s", "t")))
    count = draw(st.integers(1, 6))
    for number in range(count):
        negated, head = draw(st.booleans()), draw(st.sampled_from(PREDICATES))
        body = draw(st.lists(literal, min_size=1, max_size=2))
        kind = draw(st.sampled_from(["strict", "defeasible", "defeasible", "defeater"]))
        overrides = draw(st.lists(st.integers(0, number - 1), max_size=2, unique=True)) if number else []
        lines.append(f"@label r{number}")
        if kind != "strict":
            lines.append(f"@{kind}")
        if overrides:
            lines.append("@overrides " + ", ".join(f"r{o}" for o in overrides))
        conditions = ", ".join(("~" if n else "") + f"{p}(X)" for n, p in body)
        lines.append(f"{'~' if negated else ''}{head}(X) :- {conditions}.")
    return "\n".join(lines) + "\n"


def _sections(source: str, engine: str, policy: str = "blocking", specificity: bool = False):
    from lexlog.kb.checks import CheckOptions

    options = CheckOptions(undefined_is_error=False)
    kb = KnowledgeBase(engine, options=options, policy=policy, specificity=specificity)  # type: ignore[arg-type]
    kb.load_source(source, "theory.dl")
    outcome = kb.defeasible_outcome
    if outcome is None:
        return None
    return (
        frozenset(outcome.definitely), frozenset(outcome.defeasibly), frozenset(outcome.not_defeasibly),
        frozenset(kb.model.atoms()),
    )


def assert_coherent(sections) -> None:
    """No literal is both provable and refuted (+∂ and -∂), and no literal and its contrary are both defeasibly
    provable unless both are definite."""
    from lexlog.grammar.tree import complement
    from lexlog.kb.atoms import GroundAtom

    definitely, defeasibly, not_defeasibly, _model = sections
    assert not defeasibly & not_defeasibly
    for literal in defeasibly - definitely:
        assert GroundAtom(complement(literal.predicate), literal.arguments) not in defeasibly


@settings(max_examples=60)
@given(theories(), st.sampled_from(["blocking", "propagating"]), st.booleans())
def test_both_backends_agree_on_random_theories(source: str, policy: str, specificity: bool) -> None:
    assert _sections(source, "clingo", policy, specificity) == _sections(source, "pydatalog", policy, specificity)


@settings(max_examples=80)
@given(theories(), st.sampled_from(["blocking", "propagating"]), st.booleans())
def test_no_conclusion_is_both_provable_and_refuted_nor_both_sides_provable(source: str, policy: str, specificity: bool) -> None:
    sections = _sections(source, "clingo", policy, specificity)
    if sections is None:
        return
    assert_coherent(sections)


@settings(max_examples=60)
@given(theories(), st.data())
def test_adding_a_superiority_pair_keeps_the_conclusions_coherent(source: str, data) -> None:
    """A new `@overrides` (from a later rule to an earlier one, so the relation stays acyclic) never makes a
    literal both provable and refuted, and never makes both sides of a conflict provable."""
    labels = [line.split()[1] for line in source.splitlines() if line.startswith("@label")]
    if len(labels) < 2:
        return
    later = data.draw(st.integers(1, len(labels) - 1))
    earlier = data.draw(st.integers(0, later - 1))
    lines = source.splitlines()
    at = lines.index(f"@label r{later}")
    lines.insert(at + 1, f"@overrides r{earlier}")
    merged = []
    for line in lines:  # one @overrides line per rule
        if line.startswith("@overrides") and merged and merged[-1].startswith("@overrides"):
            merged[-1] += ", " + line.split(" ", 1)[1]
        else:
            merged.append(line)
    sections = _sections("\n".join(merged) + "\n", "clingo")
    if sections is None:
        return
    assert_coherent(sections)


@settings(max_examples=60)
@given(theories())
def test_strict_reading_equals_the_plain_engine_when_nothing_conflicts(source: str) -> None:
    """Drop every negated literal and every defeater: with no contrary anywhere, marking rules defeasible changes
    nothing, so the model equals the plain program's (the same rules, all strict)."""
    import re

    blocks = [block for block in re.split(r"(?m)^(?=@label )", source) if "@defeater" not in block]
    lines = [line.replace("~", "") for block in blocks for line in block.splitlines() if not line.startswith("@overrides")]
    defeasible = "\n".join(lines) + "\n"
    plain = "\n".join(line for line in lines if not line.startswith(("@defeasible", "@overrides"))) + "\n"
    from lexlog.kb.checks import CheckOptions

    for name in ("clingo", "pydatalog"):
        with_layer = _sections(defeasible, name)
        without = KnowledgeBase(name, options=CheckOptions(undefined_is_error=False))
        without.load_source(plain, "plain.dl")
        expected = frozenset(without.model.atoms())
        assert (with_layer[3] if with_layer is not None else expected) == expected


def test_lex_specialis_prefers_the_more_specific_rule(backend: str) -> None:
    source = (
        "@label birds\n@defeasible\nflies(X) :- bird(X).\n"
        "@label chickens\n@defeasible\n~flies(X) :- chicken(X).\n"
        "@label scared_chickens\n@defeasible\nflies(X) :- chicken(X), scared(X).\n"
        "bird(X) :- chicken(X).\nchicken(tina). scared(tina). chicken(cora).\n"
    )
    plain = KnowledgeBase.from_source(source, "chickens.dl", backend)
    assert answers(plain, "flies(X)") == set() and answers(plain, "~flies(X)") == set()
    specific = KnowledgeBase(backend, specificity=True)
    specific.load_source(source, "chickens.dl")
    assert answers(specific, "flies(X)") == {("tina",)} and answers(specific, "~flies(X)") == {("cora",)}


def test_a_stated_override_is_not_reversed_by_lex_specialis(backend: str) -> None:
    source = (
        "bird(t). chicken(t).\n@label b\n@defeasible\n@overrides c\nflies(X) :- bird(X).\n"
        "@label c\n@defeasible\n~flies(X) :- chicken(X), bird(X).\n"
    )
    kb = KnowledgeBase(backend, specificity=True)
    kb.load_source(source, "stated.dl")
    assert answers(kb, "flies(X)") == {("t",)} and answers(kb, "~flies(X)") == set()


def test_a_fact_asserted_at_the_prompt_keeps_the_defeat_explanations(backend: str) -> None:
    kb = birds(backend)
    kb.assert_fact("penguin(tweety)", evaluate=True)
    assert kb.defeasible_outcome is not None
    attempt = kb.why_not("fly(tweety)").attempts[0].failures[0]
    assert attempt.kind == "defeated" and attempt.detail.rule.name == "penguins_do_not"


def test_an_exception_to_an_exception_shows_its_footing_and_a_strict_override_is_warned(backend: str) -> None:
    source = (
        "@label enforceable\n@defeasible\nenforceable(C) :- contract(C).\n"
        "@label minors\n@defeasible\n@overrides enforceable\n~enforceable(C) :- contract(C), minor_party(C).\n"
        "@label necessaries\n@defeasible\n@overrides minors\n"
        "enforceable(C) :- contract(C), minor_party(C), necessaries(C).\n"
        "contract(k). minor_party(k). necessaries(k).\n"
    )
    proof = KnowledgeBase.from_source(source, "contracts.dl", backend).explain("enforceable(k)")
    (defeat,) = proof.defeated
    assert defeat.by.name == "necessaries" and [p.atom.text for p in defeat.premises] == [
        "contract(k)", "minor_party(k)", "necessaries(k)"
    ]
    kb = KnowledgeBase()
    warnings = kb.load_source(source.replace("@defeasible\nenforceable(C) :- contract(C).", "enforceable(C) :- contract(C)."), "strict.dl")
    assert "overrides_strict_rule" in {d.code for d in warnings}
