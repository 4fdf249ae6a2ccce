"""Consistency properties of the bundled law, over generated postures of its input vocabulary.

Postures come from `lexlog.kb.postures` (the generator `lexlog fuzz` uses): the support of a few of the library's
conclusions or constraint bodies, plus noise facts, over several orders, defendants, requests, questions and motions.
A failing property prints its minimal posture as a ready-to-load case file (hypothesis `note`).
"""

from __future__ import annotations

from hypothesis import given, note, settings
from hypothesis import strategies as st

from lexlog.kb import KnowledgeBase, Posture, PostureSpace, case_file, library_path, posture_strategy
from lexlog.kb.explanation import GroundAtom, RuleStep, walk

ENTRY = library_path("fifth_circuit_qi")
LIBRARY = KnowledgeBase.from_files([ENTRY])
SPACE = PostureSpace.of(LIBRARY, fresh=3)
POSTURES = posture_strategy(SPACE)
ORDERS = SPACE.domains["Order"]
# A few hundred postures in all in the default profile; ten times as many with LEXLOG_PROFILE=long.
EXAMPLES = max(40, settings().max_examples // 4)


def evaluate(posture: Posture) -> KnowledgeBase:
    note("minimal posture, as a case file:\n" + case_file(posture, [ENTRY], predicate_order=SPACE.predicate_order))
    return LIBRARY.suppose_ground(posture.atoms)


def rows(knowledge_base: KnowledgeBase, predicate: str, arity: int) -> set[tuple]:
    return set(knowledge_base.model.rows((predicate, arity)))


@settings(max_examples=EXAMPLES)
@given(POSTURES)
def test_no_order_is_both_appealable_and_unreviewable(posture):
    knowledge_base = evaluate(posture)
    assert not knowledge_base.query("appealable(O), no_appellate_jurisdiction(O)").holds


@settings(max_examples=EXAMPLES)
@given(POSTURES)
def test_discovery_is_never_both_stayed_and_permitted(posture):
    knowledge_base = evaluate(posture)
    assert not knowledge_base.query("discovery_stayed(D), discovery_request(R, D), request_permitted(R)").holds


@settings(max_examples=EXAMPLES)
@given(POSTURES)
def test_vacate_and_remand_implies_appealable_and_appealed(posture):
    knowledge_base = evaluate(posture)
    for (order,) in rows(knowledge_base, "vacate_and_remand", 1):
        assert (order,) in rows(knowledge_base, "appealable", 1)
        assert (order,) in rows(knowledge_base, "appealed", 1)


@settings(max_examples=EXAMPLES)
@given(POSTURES)
def test_compliant_order_without_pending_motion_to_dismiss_is_never_appealable(posture):
    knowledge_base = evaluate(posture)
    compliant = knowledge_base.query("step_one_met(O), step_two_met(O), step_three_met(O), appealable(O)").answers
    for answer in compliant:
        order = answer["O"]
        pending = knowledge_base.query(
            f"discovery_order({order}, D), asserted_qi(D, motion_to_dismiss), not qi_decided(D)"
        )
        assert pending.holds, f"{order} meets all three steps, no motion to dismiss is pending, yet it is appealable"


@settings(max_examples=EXAMPLES)
@given(POSTURES, st.sampled_from(ORDERS))
def test_an_explicit_step_one_finding_never_adds_a_step_one_ground(posture, order):
    before = evaluate(posture)
    after = LIBRARY.suppose_ground([*posture.atoms, GroundAtom("finds_pleadings_overcome_qi", (order,))])
    grounds_before = {row for row in rows(before, "appealable_on", 2) if row[1] == "no_step_one_finding"}
    grounds_after = {row for row in rows(after, "appealable_on", 2) if row[1] == "no_step_one_finding"}
    assert grounds_after <= grounds_before
    assert (order, "no_step_one_finding") not in grounds_after


@settings(max_examples=EXAMPLES)
@given(POSTURES)
def test_nothing_is_stayed_on_qi_grounds_as_to_anyone_not_sued_individually(posture):
    knowledge_base = evaluate(posture)
    individual = {row[0] for row in rows(knowledge_base, "sued_individually", 1)}
    for _request, defendant in rows(knowledge_base, "request_stayed", 2):
        assert defendant in individual
    for (defendant,) in rows(knowledge_base, "discovery_stayed", 1):
        assert defendant in individual


@settings(max_examples=max(20, EXAMPLES // 2))
@given(POSTURES)
def test_every_conclusion_is_explained_with_authority(posture):
    knowledge_base = evaluate(posture)
    for declaration in knowledge_base.declarations:
        if declaration.kind != "output":
            continue
        for row in rows(knowledge_base, declaration.predicate, len(declaration.parameters)):
            proof = knowledge_base.explain(GroundAtom(declaration.predicate, row).text)
            steps = [node for node in walk(proof) if isinstance(node, RuleStep)]
            assert steps, f"{declaration.predicate}{row} has no rule in its proof"
            for step in steps:
                assert step.rule.citations, f"rule {step.rule.name} in the proof of {step.atom.text} cites no authority"


@settings(max_examples=EXAMPLES)
@given(POSTURES)
def test_no_integrity_constraint_is_ever_violated(posture):
    knowledge_base = evaluate(posture)
    assert knowledge_base.violations() == []


def test_postures_reach_the_deep_conclusions():
    """The generator is worth its salt: over a few hundred postures, every output of the library is reached."""
    import random

    reached = set()
    rng = random.Random(0)
    for _ in range(300):
        model = LIBRARY.suppose_ground(SPACE.random_posture(rng).atoms).model
        reached |= {key[0] for key, found in model.relations.items() if found}
    outputs = {d.predicate for d in LIBRARY.declarations if d.kind == "output"}
    assert outputs <= reached, outputs - reached
