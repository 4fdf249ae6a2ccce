"""Consistency properties of the bundled law, over generated postures of its input vocabulary.

Postures come from `lexlog.kb.postures` (the generator `lexlog fuzz` uses): the support of a few of the library's
conclusions or constraint bodies, plus noise facts, over several orders, defendants, requests, questions and motions.
A failing property prints its minimal posture as a ready-to-load case file (hypothesis `note`).
"""

from __future__ import annotations

from hypothesis import given, note, settings
from hypothesis import strategies as st

from lexlog.kb import KnowledgeBase, Posture, PostureSpace, case_file, library_path, posture_strategy
from lexlog.kb.atoms import GroundAtom
from lexlog.kb.explanation import RuleStep, walk

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
def test_a_request_is_never_both_stayed_and_permitted(posture):
    knowledge_base = evaluate(posture)
    assert not knowledge_base.query("request_stayed(R, D), request_permitted(R)").holds


@settings(max_examples=EXAMPLES)
@given(POSTURES)
def test_vacate_and_remand_implies_appealable_and_appealed(posture):
    knowledge_base = evaluate(posture)
    for (order,) in rows(knowledge_base, "vacate_and_remand", 1):
        assert (order,) in rows(knowledge_base, "appealable", 1)
        assert (order,) in rows(knowledge_base, "appealed", 1)


@settings(max_examples=EXAMPLES)
@given(POSTURES)
def test_an_order_compliant_as_to_an_officer_is_never_appealable_by_that_officer(posture):
    knowledge_base = evaluate(posture)
    compliant = rows(knowledge_base, "order_complies_as_to", 2)
    for order, officer, ground in rows(knowledge_base, "appealable_by", 3):
        assert (order, officer) not in compliant, f"{order} complies as to {officer}, yet {officer} may appeal on {ground}"
    assert not compliant & {row[:2] for row in rows(knowledge_base, "vacate_as_to", 2)}


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


# --- Findings belong to an officer: a property stated over the inputs alone ---------------------------------------
#
# Random multi-officer postures (three officers, two orders, two motions, three requests, two questions). Whatever
# the library's own gate predicates say, a request directed to an officer whose immunity is pending may be permitted
# only if the INPUTS hold, for that same officer: an explicit step-one holding, a fact-question holding that the
# request addresses, and no motion to dismiss on qualified immunity that the court is still considering.

OFFICERS = ("officer_a", "officer_b", "officer_c")
MULTI_ORDERS = ("order_1", "order_2")
MOTIONS = ("motion_1", "motion_2")
REQUESTS = ("request_1", "request_2", "request_3")
QUESTIONS = ("question_1", "question_2")


def _posture_from_choices(choose) -> list[GroundAtom]:
    """A multi-officer posture; `choose(options)` picks one option (hypothesis `draw` or `random.choice`). Every
    officer is sued individually and asserts QI somehow; each other input holds often or rarely, so that
    gates are often passed for one officer and not for another."""

    def maybe(*atoms: GroundAtom) -> list[GroundAtom]:
        return list(atoms) if choose(OFTEN) else []

    atoms = [GroundAtom("sued_individually", (officer,)) for officer in OFFICERS]
    for officer in OFFICERS:
        atoms.append(GroundAtom("asserted_qi", (officer, choose(HOW))))
        atoms += maybe(GroundAtom("pleadings_overcome_qi", (officer,)))
        atoms += maybe(GroundAtom("qi_turns_on_fact_question", (officer, choose(QUESTIONS))))
        for predicate in ("qi_mtd_denied", "qi_decided", "outside_discretionary_function", "pleads_only_conclusions", "qi_turns_on_no_fact_question"):
            if choose(RARELY):
                atoms.append(GroundAtom(predicate, (officer,)))
    for order in MULTI_ORDERS:
        for officer in OFFICERS:
            atoms += maybe(GroundAtom("discovery_order", (order, officer)))
            atoms += maybe(GroundAtom("finds_pleadings_overcome_qi_as_to", (order, officer)))
            atoms += maybe(GroundAtom("identifies_fact_question_as_to", (order, officer, choose(QUESTIONS))))
            if choose(RARELY):
                atoms.append(GroundAtom("declines_to_rule_on_qi", (order, officer)))
        for predicate in ("finds_pleadings_overcome_qi", "defers_qi_ruling", "allows_general_discovery"):
            if choose(RARELY):
                atoms.append(GroundAtom(predicate, (order,)))
        if choose(RARELY):
            atoms.append(GroundAtom("identifies_fact_question", (order, choose(QUESTIONS))))
        atoms += maybe(GroundAtom("allows_request", (order, choose(REQUESTS))))
    for motion in MOTIONS:
        for officer in OFFICERS:
            atoms += maybe(GroundAtom("motion_for_leave", (motion, officer)))
        atoms += maybe(GroundAtom("proposes_request", (motion, choose(REQUESTS))))
        atoms += maybe(GroundAtom("proposes_request", (motion, choose(REQUESTS))))
    for request in REQUESTS:
        atoms.append(GroundAtom("discovery_request", (request, choose(OFFICERS))))
        if choose(RARELY):
            atoms.append(GroundAtom("discovery_request", (request, choose(OFFICERS))))
        atoms.append(GroundAtom("addresses_question", (request, choose(QUESTIONS))))
        if choose(RARELY):
            atoms.append(GroundAtom("seeks_beyond_qi", (request,)))
    return list(dict.fromkeys(atoms))


HOW = ("answer", "motion_to_dismiss", "summary_judgment")
OFTEN = (True, True, False)
RARELY = (True, False, False, False)


@st.composite
def multi_officer_postures(draw) -> list[GroundAtom]:
    return _posture_from_choices(lambda options: draw(st.sampled_from(options)))


def _inputs_allow(facts: set[GroundAtom], request: str, officer: str) -> bool:
    """From the inputs alone: the officer's own step-one holding, a fact question the request addresses found as to
    that officer, and no motion to dismiss on qualified immunity still under consideration."""

    def has(predicate: str, *arguments: str) -> bool:
        return GroundAtom(predicate, arguments) in facts

    def names(order: str) -> bool:
        return has("discovery_order", order, officer) or has("declines_to_rule_on_qi", order, officer)

    step_one = has("pleadings_overcome_qi", officer) or has("qi_mtd_denied", officer) or any(
        has("finds_pleadings_overcome_qi_as_to", order, officer) or (has("finds_pleadings_overcome_qi", order) and names(order))
        for order in MULTI_ORDERS
    )
    fact_question = any(
        has("addresses_question", request, question)
        and (
            has("qi_turns_on_fact_question", officer, question)
            or any(
                has("identifies_fact_question_as_to", order, officer, question)
                or (has("identifies_fact_question", order, question) and names(order))
                for order in MULTI_ORDERS
            )
        )
        for question in QUESTIONS
    )
    # Only a ruling (a denial) ends the court's consideration of a motion to dismiss on qualified immunity.
    mtd_under_consideration = has("asserted_qi", officer, "motion_to_dismiss") and not has("qi_mtd_denied", officer)
    return step_one and fact_question and not mtd_under_consideration and not has("seeks_beyond_qi", request)


def _pending(facts: set[GroundAtom], officer: str) -> bool:
    return (
        GroundAtom("sued_individually", (officer,)) in facts
        and not {GroundAtom("qi_decided", (officer,)), GroundAtom("outside_discretionary_function", (officer,))} & facts
    )


def _check_officers_own_gates(knowledge_base: KnowledgeBase, atoms: list[GroundAtom]) -> int:
    facts = set(atoms)
    permitted = {row[0] for row in rows(knowledge_base, "request_permitted", 1)}
    for request in permitted:
        for officer in OFFICERS:
            if GroundAtom("discovery_request", (request, officer)) in facts and _pending(facts, officer):
                assert _inputs_allow(facts, request, officer), f"{request} is permitted against {officer} without {officer}'s own gates"
    return len(permitted)


@settings(max_examples=EXAMPLES * 2)
@given(multi_officer_postures())
def test_no_request_passes_without_the_officers_own_gates_clingo(atoms):
    note("posture:\n" + "\n".join(atom.text + "." for atom in atoms))
    _check_officers_own_gates(LIBRARY.suppose_ground(atoms), atoms)


LIBRARY_ON_PYDATALOG = KnowledgeBase.from_files([ENTRY], engine="pydatalog")


@settings(max_examples=max(20, EXAMPLES // 4))
@given(multi_officer_postures())
def test_no_request_passes_without_the_officers_own_gates_pydatalog(atoms):
    note("posture:\n" + "\n".join(atom.text + "." for atom in atoms))
    _check_officers_own_gates(LIBRARY_ON_PYDATALOG.suppose_ground(atoms), atoms)


def test_the_multi_officer_postures_permit_requests_often_enough_to_test_the_property():
    """The property above is not vacuous: a fair share of drawn postures permit some request (measured on 150)."""
    import random

    rng = random.Random(3)
    with_permitted = 0
    for _ in range(150):
        atoms = _posture_from_choices(rng.choice)
        with_permitted += _check_officers_own_gates(LIBRARY.suppose_ground(atoms), atoms) > 0
    assert with_permitted >= 15, with_permitted


def test_the_property_catches_a_gate_passed_for_one_officer_and_used_for_another(tmp_path):
    """Plant the defect this property exists for -- leave granted on one officer's holdings authorizing a request
    to every officer the motion names -- in a copy of the library: the property finds a counterexample."""
    import random
    import shutil
    from pathlib import Path

    copy = tmp_path / "library"
    shutil.copytree(Path(ENTRY).parent, copy)
    procedure = copy / "careful_procedure.dl"
    text = procedure.read_text()
    broken = text.replace(
        "request_authorized_as_to(R, D) :- leave_gates_passed(_, R, D).",
        "request_authorized_as_to(R, D) :- leave_gates_passed(M, R, _), motion_for_leave(M, D).",
    )
    assert broken != text
    procedure.write_text(broken)
    planted = KnowledgeBase.from_files([str(copy / "fifth_circuit_qi.dl")])
    rng = random.Random(4)
    for _ in range(300):
        atoms = _posture_from_choices(rng.choice)
        try:
            _check_officers_own_gates(planted.suppose_ground(atoms), atoms)
        except AssertionError:
            break
    else:
        raise AssertionError("300 postures and no counterexample to the property in the planted library")
