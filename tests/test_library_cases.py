"""The bundled law's seed cases and hypotheticals: every expectation holds on both backends, each court's
disposition is stated, and the readings the library takes are visible in its explanations."""

from __future__ import annotations

import pytest

from lexlog.kb import ENGINES, KnowledgeBase, bundled_case_files, bundled_hypothetical_files, render

CASE_FILES = bundled_case_files() + bundled_hypothetical_files()


def named(stem: str) -> str:
    return next(path for path in CASE_FILES if path.endswith(f"/{stem}.dl"))


@pytest.fixture(scope="module", params=sorted(ENGINES))
def engine(request) -> str:
    return request.param


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda path: path.rsplit("/", 2)[-2] + "/" + path.rsplit("/", 1)[-1])
def test_every_expectation_holds(path: str, engine: str) -> None:
    knowledge_base = KnowledgeBase.from_files([path], engine=engine)
    results = knowledge_base.expectations()
    assert results, path
    failed = [result for result in results if not result.passed]
    assert failed == [], [str(result) for result in failed]
    assert knowledge_base.violations() == []


def test_there_are_two_multi_officer_hypotheticals() -> None:
    assert {path.rsplit("/", 1)[-1] for path in bundled_hypothetical_files()} == {"split_holdings.dl", "two_officer_order.dl"}


def test_rusanowsky_leave_is_neither_granted_nor_denied(engine: str) -> None:
    knowledge_base = KnowledgeBase.from_files([named("rusanowsky")], engine=engine)
    assert knowledge_base.holds("leave_undecided(rusanowsky_motion_for_leave)")
    assert not knowledge_base.holds("leave_denied(rusanowsky_motion_for_leave)")
    assert not knowledge_base.holds("leave_granted(rusanowsky_motion_for_leave)")
    answers = knowledge_base.query("leave_awaits_as_to(rusanowsky_motion_for_leave, rudloff, What)").answers
    assert [answer["What"] for answer in answers] == ["step_one_holding"]


def test_zapata_remands_to_rule_on_the_motion_and_leaves_qi_to_the_district_court(engine: str) -> None:
    knowledge_base = KnowledgeBase.from_files([named("zapata")], engine=engine)
    instructions = {answer["I"] for answer in knowledge_base.query("remand_instructions(zapata_order, I)").answers}
    assert instructions == {"follow_careful_procedure", "rule_on_motion_to_dismiss"}
    assert knowledge_base.holds("qi_left_to_district_court(zapata_order)")
    officers = {answer["D"] for answer in knowledge_base.query("appealable_by(zapata_order, D, no_step_one_finding)").answers}
    assert len(officers) == 10


def test_the_carswell_ground_says_it_is_later_law_in_every_format(engine: str) -> None:
    """As of Zapata's own date the ground is not law (tests/test_defeasible.py); asked as of today, it applies to
    Zapata's order and every format says it is later law."""
    knowledge_base = KnowledgeBase.from_files([named("zapata")], engine=engine).at_text("today")
    proof = knowledge_base.explain("appealable_on(zapata_order, pending_motion_to_dismiss)")
    text = render(proof, "text")
    assert "note (later law): This ground rests on Carswell v. Camp (5th Cir. 2022)" in text
    for format in ("markdown", "dot", "json"):
        assert "This ground rests on Carswell v. Camp" in render(proof, format), format
    assert "later_law" in render(proof, "json")


def test_a_step_one_holding_without_a_ruling_leaves_the_motion_to_dismiss_pending(engine: str) -> None:
    """The holding shows the motion should be denied; only the denial ends it (Zapata: declining to rule on a QI
    motion to dismiss is immediately appealable). The later-law footing is stated in the explanation."""
    knowledge_base = KnowledgeBase.from_files([named("two_officer_order")], engine=engine)
    assert knowledge_base.holds("mtd_should_be_denied(officer_h)")
    assert not knowledge_base.holds("request_permitted(request_to_h)")
    text = render(knowledge_base.explain("rule_on_mtd_first(officer_h)"), "text")
    assert "note (later law): Ruling on the motion to dismiss before any discovery comes from Carswell" in text
    assert knowledge_base.holds("request_permitted(request_to_e)")
    assert not knowledge_base.holds("vacate_as_to(order_ef, officer_e)")


def test_a_request_blocked_by_another_officer_leaves_leave_awaiting_not_denied(engine: str) -> None:
    knowledge_base = KnowledgeBase.from_files([named("split_holdings")], engine=engine)
    assert knowledge_base.holds("leave_awaits_as_to(motion_p, officer_i, other_officers_gates)")
    assert not knowledge_base.holds("leave_denied_as_to(motion_p, officer_i)")


def test_the_issue_posture_permits_nothing_against_the_officer_without_his_own_gates(engine: str) -> None:
    """One motion naming two officers; the step-one holding only as to officer a, the fact-question holding only
    as to officer b, whose motion to dismiss on qualified immunity is pending."""
    source = (
        "include <fifth_circuit_qi>.\n"
        "asserted_qi(a, answer). asserted_qi(b, motion_to_dismiss). sued_individually(a). sued_individually(b).\n"
        "pleadings_overcome_qi(a). qi_turns_on_fact_question(b, force).\n"
        "motion_for_leave(m, a). motion_for_leave(m, b). proposes_request(m, r).\n"
        "discovery_request(r, b). addresses_question(r, force).\n"
    )
    knowledge_base = KnowledgeBase.from_source(source, "issue.dl", engine=engine)
    assert not knowledge_base.holds("request_permitted(r)")
    assert not knowledge_base.holds("leave_granted(m)")
    assert knowledge_base.holds("discovery_stayed(b)")
    assert knowledge_base.holds("request_stayed(r, b)")
    assert knowledge_base.holds("rule_on_mtd_first(b)")
