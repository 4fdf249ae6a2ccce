"""kb/fuzz.py and kb/postures.py in-process: the space of postures, the search, minimality, explanations."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from lexlog.kb import (
    KnowledgeBase,
    Posture,
    PostureSpace,
    case_file,
    cases_together,
    explain_violation,
    fuzz_knowledge_base,
    library_path,
)
from lexlog.kb.engines.base import EvaluationBudgetExceeded
from lexlog.kb.atoms import GroundAtom
from lexlog.kb.fuzz import ViolationJudge

PLANTED = """\
input employee(Person).
input manager_of(Manager, Person).
input on_leave(Person).
input acting_for(Deputy, Manager).
output can_approve(Manager, Person).

@label manager_approves
can_approve(M, P) :- manager_of(M, P), employee(P), not on_leave(M).
@label deputy_approves
can_approve(D, P) :- acting_for(D, M), can_approve(M, P).

constraint approver_on_leave :- can_approve(M, _), on_leave(M).
"""


def library() -> KnowledgeBase:
    return KnowledgeBase.from_files([library_path("fifth_circuit_qi")])


def test_space_of_the_library_infers_sorts_and_keeps_file_constants():
    space = PostureSpace.of(library(), fresh=2)
    sorts = {predicate.name: predicate.sorts for predicate in space.predicates}
    assert len(sorts) == 29
    assert sorts["discovery_order"] == ("Order", "Defendant") and sorts["sued_individually"] == ("Defendant",)
    assert sorts["identifies_fact_question_as_to"] == ("Order", "Defendant", "Question")
    assert space.domains["Defendant"] == ("defendant1", "defendant2")
    assert space.domains["Filing"][0] == "motion_to_dismiss"  # the constant the rules test comes first
    assert not set(space.domains["Order"]) & set(space.domains["Defendant"])


def test_sorts_join_through_rules():
    """`on_leave(Person)` holds a manager in the constraint, so managers and persons are one sort."""
    space = PostureSpace.of(KnowledgeBase.from_source(PLANTED))
    assert {sort for predicate in space.predicates for sort in predicate.sorts} == {"Person"}


def test_undeclared_inputs_are_body_predicates_no_rule_concludes():
    space = PostureSpace.of(KnowledgeBase.from_source("e(a, b).\nb(c).\nr(X, Y) :- e(X, Y), not b(Y).\n"))
    assert {predicate.name for predicate in space.predicates} == {"e", "b"}


def test_unfolding_supports_the_goal():
    knowledge_base = library()
    space = PostureSpace.of(knowledge_base)
    rng = random.Random(5)
    step_three = [goal for goal in space.rules[("step_three_met_as_to", 2)]][0]
    atoms = space.unfold(step_three, rng.choice)
    predicates = {atom.predicate for atom in atoms}
    assert {"allows_request", "discovery_request"} <= predicates
    assert predicates & {"finds_pleadings_overcome_qi", "finds_pleadings_overcome_qi_as_to"}
    assert predicates & {"identifies_fact_question", "identifies_fact_question_as_to"}


def test_posture_json_round_trip_and_case_file():
    posture = Posture.of([GroundAtom("discovery_order", ("o1", "smith")), GroundAtom("appealed", ("o1",))])
    assert Posture.from_json(posture.to_json()) == posture
    text = case_file(posture, [library_path("fifth_circuit_qi")], ["a comment"], ("discovery_order", "appealed"))
    assert text == "% a comment\n\ninclude <fifth_circuit_qi>.\n\ndiscovery_order(o1, smith).\nappealed(o1).\n"
    reloaded = KnowledgeBase.from_source(text.replace("include <fifth_circuit_qi>.", f'include "{library_path("fifth_circuit_qi")}".'))
    assert reloaded.holds("appealable(o1)") is False  # smith is not sued individually: no QI, no appeal


def broken_library(directory: Path) -> KnowledgeBase:
    """A copy of the bundled law with gate three's bar on requests beyond qualified immunity dropped: only a
    posture passing gates one and two exposes it."""
    copy = directory / "library"
    shutil.copytree(Path(library_path("fifth_circuit_qi")).parent, copy)
    gates = copy / "protective_orders.dl"
    text = gates.read_text()
    broken = text.replace("    addresses_question(R, Q),\n    not seeks_beyond_qi(R).", "    addresses_question(R, Q).")
    assert broken != text
    gates.write_text(broken)
    return KnowledgeBase.from_files([str(copy / "fifth_circuit_qi.dl")])


def assert_one_minimal(knowledge_base: KnowledgeBase, posture: Posture) -> None:
    """The posture violates a constraint, and leaving out any one of its facts removes every violation."""
    assert knowledge_base.suppose_ground(posture.atoms).violations()
    for index in range(len(posture)):
        smaller = [atom for position, atom in enumerate(posture) if position != index]
        assert not knowledge_base.suppose_ground(smaller).violations(), posture.facts_text()


def test_fuzz_finds_and_shrinks_planted_violation():
    result = fuzz_knowledge_base(KnowledgeBase.from_source(PLANTED), max_examples=300, seed=2)
    assert result.found and result.tried > 0 and result.rate > 0
    assert {violation.constraint.name for violation in result.violations} == {"approver_on_leave"}
    assert sorted(atom.predicate for atom in result.posture) == ["acting_for", "employee", "manager_of", "on_leave"]
    assert_one_minimal(KnowledgeBase.from_source(PLANTED), result.posture)
    # values moved to the front of their domain: a deputy and a manager, the manager also the employee
    assert result.posture.values() == {"person1", "person2"}
    assert result.unshrunk_facts > len(result.posture) and 0 < result.shrink_tried < result.tried


def test_violation_explanation_proves_each_condition():
    result = fuzz_knowledge_base(KnowledgeBase.from_source(PLANTED), max_examples=300, seed=2)
    reasons = explain_violation(result.knowledge_base, result.violations[0])
    assert [reason.condition.split("(")[0] for reason in reasons] == ["can_approve", "on_leave"]
    assert reasons[0].explanation.rule.label == "deputy_approves"
    assert "% constraint approver_on_leave is violated" in result.case_file()


def test_fuzz_is_deterministic_for_a_seed():
    knowledge_base = KnowledgeBase.from_source(PLANTED)
    first, second = (fuzz_knowledge_base(knowledge_base, max_examples=300, seed=5) for _ in range(2))
    assert first.posture == second.posture and first.tried == second.tried
    assert first.case_file() == second.case_file()


def test_fuzz_bundled_library_is_consistent():
    result = fuzz_knowledge_base(library(), max_examples=1000, seed=11)
    assert not result.found and result.constraints == 26 and result.tried == 1000 and result.shrink_tried == 0


def test_the_search_decides_postures_many_at_a_time(monkeypatch):
    """1,000 postures in 8 evaluations (25, 50, 100, then 200 at a time), none of them supposed alone."""
    evaluations: list[int] = []
    original = cases_together.violated_cases

    def counted(engine, case_strata, fact_sets, *arguments):
        evaluations.append(len(fact_sets))
        return original(engine, case_strata, fact_sets, *arguments)

    def alone(*arguments):
        raise AssertionError("a posture was decided alone")

    monkeypatch.setattr(cases_together, "violated_cases", counted)
    knowledge_base = library()
    monkeypatch.setattr(knowledge_base, "suppose_ground", alone)
    result = fuzz_knowledge_base(knowledge_base, max_examples=1000, seed=3)
    assert not result.found and evaluations == [25, 50, 100, 200, 200, 200, 200, 25]


def test_fuzz_leaves_no_files_in_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fuzz_knowledge_base(KnowledgeBase.from_source(PLANTED), max_examples=300, seed=1)
    fuzz_knowledge_base(KnowledgeBase.from_source("input p(X).\nconstraint never :- p(X), not p(X).\n"), max_examples=50)
    assert list(tmp_path.iterdir()) == []


def test_fuzz_finds_a_deep_planted_bug_in_a_copy_of_the_library(tmp_path):
    knowledge_base = broken_library(tmp_path)
    result = fuzz_knowledge_base(knowledge_base, max_examples=1000, seed=8)
    assert result.found
    assert "permitted_request_beyond_qi" in {violation.constraint.name for violation in result.violations}
    assert_one_minimal(knowledge_base, result.posture)


AGGREGATES = """\
input claim(Party, Claim).
input party(Party).
claims(P, N) :- party(P), N = count : { claim(P, C) }.
constraint several_claims :- claims(P, N), N > 1.
"""

DEFEASIBLE = """\
input bird(Animal).
input penguin(Animal).
@label flies_rule
@defeasible
flies(X) :- bird(X).
@defeasible
@overrides flies_rule
~flies(X) :- penguin(X).
constraint grounded_bird :- bird(X), ~flies(X).
"""

FILE_FACTS_AND_ARITHMETIC = """\
input n(Count: integer).
limit(3).
m(X + 1) :- n(X).
constraint past_the_limit :- m(Y), limit(L), Y > L.
"""


def decided_both_ways(knowledge_base: KnowledgeBase, count: int, seed: int = 0) -> tuple[list[bool], list[bool]]:
    """The judge's verdicts on `count` drawn postures, and each posture's own `violations()`."""
    space = PostureSpace.of(knowledge_base)
    rng = random.Random(seed)
    postures = [space.random_atoms(rng, 4) for _ in range(count)]
    together = ViolationJudge(knowledge_base).violating(postures)
    return together, [bool(knowledge_base.suppose_ground(atoms).violations()) for atoms in postures]


@pytest.mark.parametrize(
    "source, engine",
    [(PLANTED, "clingo"), (PLANTED, "pydatalog"), (AGGREGATES, "clingo"), (DEFEASIBLE, "clingo"), (FILE_FACTS_AND_ARITHMETIC, "clingo")],
)
def test_postures_decided_together_agree_with_each_alone(source, engine):
    together, alone = decided_both_ways(KnowledgeBase.from_source(source, engine=engine), 100)
    assert together == alone and 0 < sum(alone) < len(alone)


def test_postures_decided_together_agree_on_the_broken_library(tmp_path):
    together, alone = decided_both_ways(broken_library(tmp_path), 300, seed=1)
    assert together == alone and 0 < sum(alone)


def test_cases_over_the_budget_together_are_decided_alone():
    """Each posture computes a few values, 100 together more than the budget: the judge decides them one by one."""
    knowledge_base = KnowledgeBase.from_source(FILE_FACTS_AND_ARITHMETIC)
    knowledge_base.budget = 20
    judge = ViolationJudge(knowledge_base)
    space = PostureSpace.of(knowledge_base)
    rng = random.Random(0)
    postures = [space.random_atoms(rng, 4) for _ in range(100)]
    with pytest.raises(EvaluationBudgetExceeded):
        fact_sets = [{("n", 1): [atom.arguments for atom in atoms]} for atoms in postures]
        cases_together.violated_cases(judge.engine, judge.case_strata, fact_sets, knowledge_base.budget)
    alone = [bool(knowledge_base.suppose_ground(atoms).violations()) for atoms in postures]
    assert judge.violating(postures) == alone and 0 < sum(alone)


def test_a_violation_shows_the_constraints_citations_and_notes() -> None:
    from lexlog.kb import render_violation

    kb = KnowledgeBase.from_source(
        'authority doe = "Doe v. Roe, 2 F.4th 2 (5th Cir. 2022)".\np(a). q(a).\n@cite doe at 3\n'
        '@note later_law "Doe (2022) came after some of these cases."\nconstraint p_and_q :- p(X), q(X).\n',
        "c.dl",
    )
    (violation,) = kb.violations()
    assert render_violation(kb, violation).splitlines()[:3] == [
        "constraint p_and_q is violated with X = a",
        "  cited: doe at 3",
        "  note (later law): Doe (2022) came after some of these cases.",
    ]


PRECONDITION_RULES = """
input person(Person).
input domicile(Person, State).
output resident(Person, State).
resident(P, S) :- domicile(P, S).
resident(P, texas) :- person(P), not domicile(P, _).
constraint two_domiciles :- domicile(P, A), domicile(P, B), A != B.
"""


def test_a_constraint_over_inputs_alone_is_a_precondition_not_a_violation(tmp_path):
    path = tmp_path / "domicile.dl"
    path.write_text(PRECONDITION_RULES, encoding="utf-8")
    knowledge_base = KnowledgeBase.from_files([str(path)])
    result = fuzz_knowledge_base(knowledge_base, max_examples=500, seed=0)
    assert not result.found and result.preconditions == ("two_domiciles",)
    # a constraint the rules can break is still found, in a posture that meets the precondition
    broken = PRECONDITION_RULES.replace("person(P), not domicile(P, _).", "person(P).")  # a defect: any person
    path.write_text(broken + "constraint resident_twice :- resident(P, A), resident(P, B), A != B.\n", encoding="utf-8")
    knowledge_base = KnowledgeBase.from_files([str(path)])
    result = fuzz_knowledge_base(knowledge_base, max_examples=2_000, seed=0)
    assert result.found and {violation.constraint.name for violation in result.violations} == {"resident_twice"}
    assert not [v for v in result.knowledge_base.violations() if v.constraint.name == "two_domiciles"]
