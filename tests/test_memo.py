"""The memo (Question Presented, Short Answer, Discussion, What Would Change the Answer) and the citation forms a
memo uses across paragraphs (*Id.*, short forms, string-cite order). Golden files pin the bundled law's memos."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from lexlog.kb import KnowledgeBase, build_memo, render_memo
from lexlog.kb.explanation import CitedAuthority, RuleAttempt, RuleStep, walk
from lexlog.kb.render.citation_forms import CitationTrail, short_form, string_cite_order

ROOT = Path(__file__).resolve().parent.parent
ZAPATA = str(ROOT / "kb" / "library" / "cases" / "zapata.dl")
GOLDEN = Path(__file__).resolve().parent / "data" / "golden"

CASE = r'''
authority backe = "Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)".
input discovery_order(Order, Defendant) "the order {Order} lets discovery proceed against {Defendant}".
input finds(Order) "the order {Order} explicitly finds that the pleadings, taken as true, overcome qualified immunity".
input general(Order) "the order {Order} allows general discovery".
output appealable(Order) "the order {Order} is immediately appealable".
constant smith "Officer Smith".

discovery_order(o1, smith).
discovery_order(o2, smith).
finds(o2).

@cite backe at 648
appealable(O) :- discovery_order(O, D), not finds(O).

@cite backe at 648
appealable(O) :- general(O).
'''


def memo_of(question: str, source: str = CASE) -> str:
    return render_memo(build_memo(KnowledgeBase.from_source(source, "case.dl"), question))


def sections(memo: str) -> list[str]:
    return [line[3:] for line in memo.splitlines() if line.startswith("## ")]


def test_a_memo_has_its_four_parts_in_order_and_answers_yes_with_reasons() -> None:
    memo = memo_of("appealable(o1)")
    assert sections(memo) == ["Question Presented", "Short Answer", "Discussion", "What Would Change the Answer"]
    assert "Whether, under the law in force on " in memo and ", the order o1 is immediately appealable." in memo
    assert "Yes. The order o1 is immediately appealable because (1) the order o1 lets discovery proceed against " \
           "Officer Smith; and (2) it does not follow that the order o1 explicitly finds" in memo
    assert "*Backe v. LeBlanc*, 691 F.3d 645, 648 (5th Cir. 2012)." in memo


def test_what_would_change_a_yes_is_what_changes_it_when_tried() -> None:
    memo = memo_of("appealable(o1)")
    change = memo.split("## What Would Change the Answer")[1]
    assert "if it were not so that the order o1 lets discovery proceed against Officer Smith (fact, case.dl:" in change
    assert "if it were shown that the order o1 explicitly finds that the pleadings" in change


def test_what_would_change_a_no_names_the_missing_fact_that_changes_it_and_the_fact_that_blocks() -> None:
    memo = memo_of("appealable(o2)")
    assert "No. It does not follow that the order o2 is immediately appealable, because" in memo
    change = memo.split("## What Would Change the Answer")[1]
    assert "if it were shown that the order o2 allows general discovery" in change
    assert "if it were not so that the order o2 explicitly finds" in change


def test_a_fact_decisive_for_no_ground_is_not_said_to_change_the_answer() -> None:
    two_grounds = CASE + "general(o1).\n"
    change = memo_of("appealable(o1)", two_grounds).split("## What Would Change the Answer")[1]
    assert change.strip().startswith("No single change tried makes the answer no")


def test_the_discussion_names_every_party_the_same_rule_reaches_the_conclusion_for() -> None:
    memo = memo_of("appealable(o1)", CASE + "discovery_order(o1, jones). discovery_order(o1, lee).\n")
    officers = {"jones", "lee", "Officer Smith"}
    proved = next(name for name in officers if f"proceed against {name} (fact" in memo)
    others = sorted(officers - {proved}, key=str.lower)  # in the model's order: symbols sorted
    assert f"The same rule reaches it as well with Defendant = {others[0]} and {others[1]}, each on its own." in memo
    # dropping one officer's fact no longer changes the answer (the others carry it); a finding for the order does
    change = memo.split("## What Would Change the Answer")[1]
    assert "if it were not so that" not in change and "if it were shown that the order o1 explicitly finds" in change


def test_an_answer_that_turns_on_a_value_says_so_rather_than_counting_no_trials() -> None:
    source = 'input claim(P, Amount: money) "{P} claims {Amount}".\noutput over(P) "{P} claims more than the limit".\n' \
             "claim(acme, 70000).\nover(P) :- claim(P, A), A > 75000.\n"
    memo = memo_of("over(acme)", source)
    assert "No. It does not follow that acme claims more than the limit, because $70,000 is at most $75,000." in memo
    assert "No fact of the case could be dropped or supposed alone to try: the answer turns on the values" in memo


def test_the_knowledge_base_asked_is_not_changed_by_the_memo() -> None:
    kb = KnowledgeBase.from_source(CASE, "case.dl")
    before = dict(kb.facts())
    build_memo(kb, "appealable(o1)")
    build_memo(kb, "appealable(o2)")
    assert dict(kb.facts()) == before and kb.holds("appealable(o1)") and not kb.holds("appealable(o2)")


# --- citation forms ------------------------------------------------------------------------------------------------

BACKE = "Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)"
ZAPATA_CITE = "Zapata v. Melson, 750 F.3d 481 (5th Cir. 2014)"
PEARSON = "Pearson v. Callahan, 555 U.S. 223 (2009)"
WESTBROOK = "Westbrook v. Dallas Cnty., No. 3:16-cv-1802-B (N.D. Tex. Dec. 28, 2016) (Horan, M.J.)"
RANDLE = "Randle v. Lockwood, No. 16-50393, 2016 WL 6652702 (5th Cir. Nov. 10, 2016)"
STATUTE = "28 U.S.C. § 1291"


def cited(name: str, citation: str, pin: str | None = None) -> CitedAuthority:
    from lexlog.kb.explanation import pin_citation

    return CitedAuthority(name, pin, citation, pin_citation(citation, pin))


@pytest.mark.parametrize(
    ("authority", "pin", "short"),
    [
        (BACKE, "648", "*Backe*, 691 F.3d at 648"),
        (WESTBROOK, "slip op. 8", "*Westbrook*, slip op. at 8"),
        (RANDLE, "*3", "*Randle*, 2016 WL 6652702, at *3"),
        ("United States v. Smith, 1 F.4th 2 (5th Cir. 2021)", "5", "*Smith*, 1 F.4th at 5"),
        ("Texas v. Johnson, 491 U.S. 397 (1989)", "406", "*Johnson*, 491 U.S. at 406"),  # a State is not a short name
        ("Smith v. Jones, 2016 WL 1060253 (N.D. Tex. Mar. 16, 2016)", "*2", "*Smith*, 2016 WL 1060253, at *2"),
        (BACKE, None, None),  # no page: cited in full again
        (STATUTE, "(a)", None),  # a statute is always cited in full
    ],
)
def test_short_forms(authority: str, pin: str | None, short: str | None) -> None:
    assert short_form(cited("x", authority, pin)) == short


def test_id_follows_an_authority_cited_alone_and_short_forms_follow_one_cited_earlier() -> None:
    trail = CitationTrail()
    assert trail.sentence([cited("backe", BACKE, "648")]) == "*Backe v. LeBlanc*, 691 F.3d 645, 648 (5th Cir. 2012)."
    assert trail.sentence([cited("backe", BACKE, "647-49")]) == "*Id.* at 647-49."
    assert trail.sentence([cited("backe", BACKE)]) == "*Backe v. LeBlanc*, 691 F.3d 645 (5th Cir. 2012)."  # no page
    assert trail.sentence([cited("backe", BACKE)]) == "*Id.*"  # the abbreviation's period ends the sentence
    together = trail.sentence([cited("zapata", ZAPATA_CITE, "485"), cited("backe", BACKE, "648")])
    assert together == "*Zapata v. Melson*, 750 F.3d 481, 485 (5th Cir. 2014); *Backe*, 691 F.3d at 648."
    # after two authorities, Id. would be ambiguous: the short form it is
    assert trail.sentence([cited("backe", BACKE, "649")]) == "*Backe*, 691 F.3d at 649."


def test_a_string_cite_puts_statutes_first_then_courts_from_the_highest_newest_first() -> None:
    ordered = string_cite_order(
        [cited("w", WESTBROOK), cited("b", BACKE), cited("z", ZAPATA_CITE), cited("p", PEARSON), cited("s", STATUTE)]
    )
    assert [c.authority for c in ordered] == ["s", "p", "z", "b", "w"]
    # a constitution before statutes, secondary sources last; within a year, the later volume first; a Supreme
    # Court case quoted in a parenthetical does not make a circuit case the Supreme Court's
    ordered = string_cite_order([
        cited("zantiz", "Zantiz v. Seal, 602 F. App'x 154 (5th Cir. 2015)"),
        cited("restatement", "Restatement (Second) of Torts § 1 (1965)"),
        cited("webb", "Webb v. Livingston, 618 F. App'x 201 (5th Cir. 2015)"),
        cited("quoting", "Smith v. Jones, 1 F.4th 2 (5th Cir. 2016) (quoting Mitchell v. Forsyth, 472 U.S. 511 (1985))"),
        cited("statute", STATUTE),
        cited("constitution", "U.S. Const. amend. IV"),
    ])
    assert [c.authority for c in ordered] == ["constitution", "statute", "quoting", "webb", "zantiz", "restatement"]


def test_id_is_for_a_case_and_a_bare_id_only_after_a_bare_citation() -> None:
    trail = CitationTrail()
    trail.sentence([cited("westbrook", WESTBROOK, "slip op. 8")])
    # without a pin, Id. would repeat page 8: the case is cited again instead
    assert trail.sentence([cited("westbrook", WESTBROOK)]).startswith("*Westbrook v. Dallas Cnty.*, No. 3:16-cv-1802-B")
    assert trail.sentence([cited("westbrook", WESTBROOK, "slip op. 9")]) == "*Id.*, slip op. at 9."
    statutes = CitationTrail()
    statutes.sentence([cited("removal", "28 U.S.C. § 1446", "(b)(1)")])
    assert statutes.sentence([cited("removal", "28 U.S.C. § 1446", "(c)")]) == "28 U.S.C. § 1446(c)."


# --- golden memos of the bundled law -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "golden"),
    [
        ("appealable(zapata_order)", "zapata_appealable_memo.md"),
        ("appealable_on(zapata_order, not_narrowly_tailored)", "zapata_not_narrowly_tailored_memo.md"),
    ],
)
def test_the_bundled_laws_memos_read_as_their_golden_files(question: str, golden: str) -> None:
    memo = render_memo(build_memo(KnowledgeBase.from_files([ZAPATA]), question))
    memo = memo.replace(str(ROOT) + "/", "")
    assert memo == (GOLDEN / golden).read_text(), f"regenerate tests/data/golden/{golden} if the change is meant"


# --- the law of a date, cited to the authorities of that date -----------------------------------------------------


def _cited(answer: object) -> set[str]:
    return {citation.authority for node in walk(answer) if isinstance(node, (RuleStep, RuleAttempt)) for citation in node.rule.citations}


def test_the_law_of_an_earlier_date_is_cited_to_the_authorities_decided_by_then() -> None:
    # Zapata's case file states the law of April 18, 2014: Webb (2015) and Carswell (2022) cannot state it, though
    # they state the same rule later. Backe (2012), Gaines (1991) and Lion Boulos (1987) can.
    question = "appealable_on(zapata_order, not_narrowly_tailored)"
    knowledge_base = KnowledgeBase.from_files([ZAPATA])
    then = _cited(knowledge_base.why_not(question))
    today = _cited(knowledge_base.at(datetime.date(2026, 12, 4)).why_not(question))
    assert {"webb", "carswell"} <= today - then
    assert {"backe", "gaines", "lion_boulos"} <= then
    decided = {authority.name: authority.decided for authority in knowledge_base.authorities}
    assert all(decided.get(name) is None or decided[name] <= datetime.date(2014, 4, 18) for name in then)
