"""Why-not answers: the goal is absent, every condition named as failing is indeed false under its binding, the
statuses (input, no rule, depth cut-off, cycles) are right, and a goal that does follow is answered with its proof."""

from __future__ import annotations

from hypothesis import given, strategies as st

from lexlog.grammar import parse_atom
from lexlog.grammar.tree import Comparison, Literal
from lexlog.kb import arithmetic
from lexlog.kb.atoms import AtomPattern, GroundAtom
from lexlog.kb.explanation import ComparisonCheck, FactLeaf, Failure, HeadMismatch, RuleAttempt, RuleStep, WhyNot, walk
from lexlog.kb.matching import head_instance
from lexlog.kb.proofs import atom_pattern
from lexlog.kb.whynot import explain_absence, why_not
from test_proofs import CONSTANTS, DERIVED, Built, _matches_model, build, check_proof, programs


def check_why_not(answer: WhyNot, built: Built) -> None:
    """Every claim of the answer holds in the model."""
    model = built.model
    for node in walk(answer):
        if isinstance(node, WhyNot):
            present = _matches_model(model, node.goal)
            if node.status == "follows":
                assert present and node.proof is not None
                check_proof(node.proof, built)
            else:
                assert not present, f"{node.goal.text} is said not to follow, but it does"
            if node.status == "not_a_fact":
                assert not any(rule.head.key == node.goal.key for rule in built.rules)
            if node.status == "rules_fail":
                assert node.attempts
            for attempt in node.attempts:
                _check_attempt(attempt, node, built)


def _check_attempt(attempt: RuleAttempt, parent: WhyNot, built: Built) -> None:
    rule = attempt.rule.rule
    assert rule is not None and rule.head.key == parent.goal.key
    head_binding = dict(attempt.head_binding)
    assert attempt.failures, "a rule attempt names no failure"
    for failure in attempt.failures:
        binding = dict(failure.binding)
        assert head_binding.items() <= binding.items()
        _check_failure(failure, rule, parent, binding, built)


def _check_failure(failure: Failure, rule, parent: WhyNot, binding: dict, built: Built) -> None:
    model = built.model
    if failure.kind == "head":
        assert isinstance(failure.detail, HeadMismatch)
        row = head_instance(rule.head, binding)
        assert row is None or not parent.goal.matches(row)
        assert (failure.detail.computed is None) == (row is None)
        return
    item = rule.body[failure.condition_index]
    if failure.kind == "missing":
        assert isinstance(item, Literal) and not item.negated
        pattern = atom_pattern(item.atom, binding)
        assert not _matches_model(model, pattern)
        assert isinstance(failure.detail, WhyNot) and failure.detail.goal == pattern
    elif failure.kind == "present":
        assert isinstance(item, Literal) and item.negated
        assert isinstance(failure.detail, (FactLeaf, RuleStep))
        assert atom_pattern(item.atom, binding).matches(failure.detail.atom.row)
        check_proof(failure.detail, built)
    else:
        assert failure.kind == "comparison" and isinstance(item, Comparison)
        assert isinstance(failure.detail, ComparisonCheck) and not failure.detail.holds
        if _all_bound(item, binding):
            assert not arithmetic.comparison_holds(item, binding)
        else:  # a side that cannot be computed (an unbound variable, 1 / 0) is reported as undefined
            assert None in (failure.detail.left_value, failure.detail.right_value)


def _all_bound(item: Comparison, binding: dict) -> bool:
    from lexlog.grammar.tree import term_variables

    return all(v.name in binding for side in (item.left, item.right) for v in term_variables(side))


DOCTRINE = (
    'authority backe = "Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)".\n'
    'input discovery_order(Order, Defendant) "the order {Order} lets discovery proceed against {Defendant}".\n'
    'input finds(Order) "the order {Order} explicitly finds that the pleadings overcome qualified immunity".\n'
    'output appealable(Order) "the order {Order} is immediately appealable".\n'
    "discovery_order(zapata_order, melson). discovery_order(westbrook_order, dallas). finds(westbrook_order).\n"
    "@label no_step_one\n@cite backe at 648\n"
    "appealable(O) :- discovery_order(O, D), not finds(O).\n"
)


def test_failed_negation_carries_the_proof_of_what_holds():
    built = build(DOCTRINE)
    answer = built_why_not(built, "appealable(westbrook_order)")
    check_why_not(answer, built)
    assert answer.status == "rules_fail" and answer.reading == "the order westbrook_order is immediately appealable"
    (attempt,) = answer.attempts
    assert attempt.rule.label == "no_step_one"
    assert attempt.rule.citations[0].pinned == "Backe v. LeBlanc, 691 F.3d 645, 648 (5th Cir. 2012)"
    (failure,) = attempt.failures
    assert failure.kind == "present" and failure.condition == "not finds(O)" and failure.condition_index == 1
    assert isinstance(failure.detail, FactLeaf) and failure.detail.atom == GroundAtom("finds", ("westbrook_order",))


def built_why_not(built: Built, text: str, depth: int = 2, max_bindings: int = 5) -> WhyNot:
    return explain_absence(built.prover, parse_atom(text), depth, max_bindings)


def test_missing_input_is_a_pattern_not_among_the_facts():
    built = build(DOCTRINE)
    answer = built_why_not(built, "appealable(nobody)")
    check_why_not(answer, built)
    failure = answer.attempts[0].failures[0]
    assert failure.kind == "missing" and failure.condition == "discovery_order(O, D)"
    assert failure.detail.goal == AtomPattern("discovery_order", ("nobody", None), (None, "D"))
    assert failure.detail.goal.text == "discovery_order(nobody, D)"
    assert failure.detail.status == "not_a_fact" and failure.detail.input_predicate
    assert failure.detail.reading == "the order nobody lets discovery proceed against some defendant"


def test_input_predicate_and_unknown_predicate():
    built = build(DOCTRINE)
    assert built_why_not(built, "finds(zapata_order)").status == "not_a_fact"
    unknown = built_why_not(built, "frobnicated(zapata_order)")
    assert unknown.status == "no_rule" and not unknown.input_predicate


def test_no_rule_whose_head_fits():
    built = build("a(1).\np(X, one) :- a(X).\np(X, X) :- a(X).\n")
    answer = built_why_not(built, "p(1, two)")
    check_why_not(answer, built)
    assert answer.status == "no_rule" and answer.rules_for_predicate == 2


def test_goal_that_follows_is_answered_with_its_proof():
    built = build(DOCTRINE)
    answer = built_why_not(built, "appealable(zapata_order)")
    assert answer.status == "follows" and isinstance(answer.proof, RuleStep)
    check_why_not(answer, built)


def test_comparison_failure_gives_the_values():
    built = build("age(ann, 17). age(bob, 30).\nadult(P) :- age(P, A), A >= 18.\nq(X) :- age(X, A), B = A / 0.\n")
    answer = built_why_not(built, "adult(ann)")
    check_why_not(answer, built)
    failure = answer.attempts[0].failures[0]
    assert failure.kind == "comparison" and failure.detail.text == "17 >= 18" and failure.detail.left_value == 17
    undefined = built_why_not(built, "q(ann)")
    check_why_not(undefined, built)
    assert undefined.attempts[0].failures[0].detail.right_value is None


def test_head_arithmetic_mismatch():
    built = build("year(a, 2015).\nnext_year(X, Y + 1) :- year(X, Y).\n")
    answer = built_why_not(built, "next_year(a, 2020)")
    check_why_not(answer, built)
    failure = answer.attempts[0].failures[0]
    assert failure.kind == "head" and failure.detail.computed == GroundAtom("next_year", ("a", 2016))


def test_every_binding_of_the_body_prefix_is_tried():
    built = build("a(1, x). a(1, y). a(1, z). b(x). b(y).\np(X) :- a(X, Y), not b(Y), c(Y).\n")
    answer = built_why_not(built, "p(1)", max_bindings=10)
    check_why_not(answer, built)
    failures = answer.attempts[0].failures
    assert [(dict(f.binding)["Y"], f.kind) for f in failures] == [("x", "present"), ("y", "present"), ("z", "missing")]
    limited = built_why_not(built, "p(1)", max_bindings=2)
    assert len(limited.attempts[0].failures) == 2 and limited.attempts[0].omitted == 1


def test_recursive_rules_terminate_and_depth_cuts_off():
    built = build(
        "edge(a, b). edge(b, a). edge(c, d).\n"
        "path(X, Y) :- edge(X, Y).\npath(X, Y) :- edge(X, Z), path(Z, Y).\n"
    )
    for depth in range(0, 5):
        answer = built_why_not(built, "path(a, d)", depth=depth)
        check_why_not(answer, built)
        statuses = {node.status for node in walk(answer) if isinstance(node, WhyNot)}
        assert "rules_fail" in statuses
    shallow = built_why_not(built, "path(a, d)", depth=0)
    assert "cut_off" in {node.status for node in walk(shallow) if isinstance(node, WhyNot)}
    deep = built_why_not(built, "path(a, d)", depth=6)
    assert "see_above" in {node.status for node in walk(deep) if isinstance(node, WhyNot)}


def test_why_not_on_a_long_chain_stays_fast_and_shallow():
    n = 10_000
    text = "\n".join(f"e({i}, {i + 1})." for i in range(n)) + "\nr(0).\nr(Y) :- r(X), e(X, Y).\n"
    built = build(text)
    answer = built_why_not(built, f"r({n + 5})")
    check_why_not(answer, built)
    assert answer.status == "rules_fail"


def test_module_function():
    built = build(DOCTRINE)
    answer = why_not(("appealable", ("westbrook_order",)), built.rules, built.model, built.facts, built.vocabulary)
    assert answer.status == "rules_fail"


@given(programs(), st.data())
def test_generated_programs_why_not_claims_hold(text, data):
    built = build(text)
    for predicate, arity in DERIVED:
        row = tuple(data.draw(st.sampled_from([1, 2, 3, "k", 4])) for _ in range(arity))
        answer = explain_absence(built.prover, (predicate, row), depth=data.draw(st.integers(0, 3)))
        check_why_not(answer, built)
        assert (answer.status == "follows") == built.model.holds(predicate, row)
