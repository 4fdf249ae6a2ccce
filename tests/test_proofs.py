"""Proofs: every node is a rule instance that holds in the model, leaves are facts, proofs are acyclic and of
minimal rank, every derived atom has one, and long or cyclic data neither loops nor recurses too deep.

The helpers at the top (`build`, `check_proof`, `reference_ranks`, the program strategy) are shared with
test_whynot.py and test_render.py.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Optional

import pytest
from hypothesis import given, strategies as st

from lexlog.grammar import Fact, Rule, parse
from lexlog.grammar.tree import Comparison, Literal
from lexlog.kb import arithmetic
from lexlog.kb.dependency import strata
from lexlog.kb.engines import EvaluationProgram, get_engine
from lexlog.kb.engines.base import Model
from lexlog.kb.atoms import ASSERTED, SUPPOSED, AtomPattern, FactOrigin, GroundAtom
from lexlog.kb.explanation import AbsentCheck, ComparisonCheck, FactLeaf, RuleStep, Vocabulary, pin_citation, walk
from lexlog.kb.matching import first_match, head_instance, pattern_of
from lexlog.kb.normalize import normalize_rule
from lexlog.kb.proofs import NotDerivable, Prover, atom_pattern, prove, prover_for

# --- helpers shared by the explanation tests -------------------------------------------------------------------


@dataclass
class Built:
    rules: list[Rule]
    model: Model
    facts: dict[GroundAtom, FactOrigin]
    vocabulary: Vocabulary
    prover: Prover


def build(text: str, extra_facts: Optional[dict[GroundAtom, FactOrigin]] = None, file: str = "case.dl") -> Built:
    """Parse, normalise, evaluate with clingo; facts keep their file origin (plus `extra_facts`)."""
    program = parse(text, file)
    rules = [normalize_rule(rule) for rule in program.of_type(Rule)]
    facts: dict[GroundAtom, FactOrigin] = {}
    for fact in program.of_type(Fact):
        facts[GroundAtom(fact.atom.predicate, tuple(a.value for a in fact.atom.arguments))] = FactOrigin("file", fact.span)
    facts.update(extra_facts or {})
    relations: dict = {}
    for atom in facts:
        relations.setdefault(atom.key, set()).add(atom.row)
    model = get_engine("clingo").evaluate(
        EvaluationProgram(tuple(strata(rules)), {key: frozenset(rows) for key, rows in relations.items()})
    )
    vocabulary = Vocabulary.of(program.statements)
    return Built(rules, model, facts, vocabulary, Prover(rules, model, facts, vocabulary))


def _matches_model(model: Model, pattern: AtomPattern) -> bool:
    return any(pattern.matches(row) for row in model.rows(pattern.key))


def check_proof(proof, built: Built) -> None:
    """Every node valid, the DAG acyclic, ranks strictly decreasing along positive premises."""
    model, facts = built.model, built.facts
    for node in walk(proof):
        if isinstance(node, FactLeaf):
            assert node.atom in facts, node.atom.text
            assert model.holds(node.atom.predicate, node.atom.row)
        elif isinstance(node, RuleStep):
            assert model.holds(node.atom.predicate, node.atom.row), node.atom.text
            rule = node.rule.rule
            assert rule is not None and rule in built.rules
            binding = dict(node.binding)
            assert head_instance(rule.head, binding) == node.atom.row
            assert len(node.premises) == len(rule.body)
            for item, premise in zip(rule.body, node.premises):
                if isinstance(item, Literal) and not item.negated:
                    assert isinstance(premise, (FactLeaf, RuleStep))
                    assert premise.atom.row == pattern_of(item.atom, binding)
                    assert premise.atom.predicate == item.atom.predicate
                    premise_rank = 0 if isinstance(premise, FactLeaf) else premise.rank
                    assert premise_rank < node.rank
                elif isinstance(item, Literal):
                    assert isinstance(premise, AbsentCheck)
                    assert premise.atom == atom_pattern(item.atom, binding)
                    assert not _matches_model(model, premise.atom)
                else:
                    assert isinstance(item, Comparison) and isinstance(premise, ComparisonCheck)
                    assert premise.holds and arithmetic.comparison_holds(item, binding)
        else:
            assert isinstance(node, (AbsentCheck, ComparisonCheck)), node
    # acyclic: an iterative depth-first search with colours
    state: dict[int, int] = {}
    stack = [(proof, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            state[id(node)] = 2
            continue
        if state.get(id(node)) == 2:
            continue
        assert state.get(id(node)) != 1, "cycle in a proof"
        state[id(node)] = 1
        stack.append((node, True))
        for child in getattr(node, "premises", ()):
            assert state.get(id(child)) != 1, "cycle in a proof"
            if state.get(id(child)) != 2:
                stack.append((child, False))


def reference_ranks(built: Built) -> dict[tuple[str, tuple], int]:
    """Minimal derivation ranks by brute force: stage k holds what rule instances over stages < k yield."""
    model = built.model
    known: dict[tuple[str, tuple], int] = {
        (atom.predicate, atom.row): 0 for atom in built.facts if model.holds(atom.predicate, atom.row)
    }
    domain = sorted({value for _p, row in model.atoms() for value in row} | {0}, key=arithmetic.sort_key)
    stage = 0
    while True:
        stage += 1
        new = {}
        for rule in built.rules:
            names = sorted({v.name for item in rule.body if isinstance(item, Literal) and not item.negated
                            for v in item.atom.arguments if hasattr(v, "name")})
            for values in itertools.product(domain, repeat=len(names)):
                binding = dict(zip(names, values))
                ok = True
                for item in rule.body:
                    if isinstance(item, Literal) and not item.negated:
                        row = pattern_of(item.atom, binding)
                        if known.get((item.atom.predicate, row), stage) >= stage:
                            ok = False
                            break
                if not ok:
                    continue
                for item in rule.body:
                    if isinstance(item, Comparison):
                        if not _bind_or_check(item, binding):
                            ok = False
                            break
                    elif item.negated:
                        if _matches_model(model, atom_pattern(item.atom, binding)):
                            ok = False
                            break
                if not ok:
                    continue
                row = head_instance(rule.head, binding)
                if row is not None and (rule.head.predicate, row) not in known:
                    new[(rule.head.predicate, row)] = stage
        if not new:
            return known
        known.update(new)


def _bind_or_check(item: Comparison, binding: dict) -> bool:
    from lexlog.grammar.tree import Variable

    if item.operator == "=" and isinstance(item.left, Variable) and item.left.name not in binding:
        value = arithmetic.evaluate(item.right, binding)
        if value is None:
            return False
        binding[item.left.name] = value
        return True
    return arithmetic.comparison_holds(item, binding)


# --- generated programs ----------------------------------------------------------------------------------------

BASE = [("a", 1), ("b", 2)]
DERIVED = [("p", 1), ("q", 2), ("r", 1), ("s", 0)]
"""Derived predicates in stratum order: a rule uses itself and earlier ones positively, only earlier ones negated."""
CONSTANTS = ["1", "2", "3", "k"]
VARIABLES = ["X", "Y", "Z"]


@st.composite
def programs(draw) -> str:
    lines = []
    for predicate, arity in BASE + DERIVED[:2]:
        rows = draw(st.sets(st.tuples(*[st.sampled_from(CONSTANTS)] * arity), max_size=5 if predicate in "ab" else 1))
        for row in sorted(rows):
            lines.append(f"{predicate}({', '.join(row)})." if arity else f"{predicate}.")
    for level, (head, arity) in enumerate(DERIVED):
        for _ in range(draw(st.integers(1, 3))):
            body = []
            bound: list[str] = []
            for _ in range(draw(st.integers(1, 3))):
                predicate, body_arity = draw(st.sampled_from(BASE + DERIVED[: min(level + 1, 3)]))
                arguments = [draw(st.sampled_from(VARIABLES + CONSTANTS[:2])) for _ in range(body_arity)]
                bound.extend(argument for argument in arguments if argument in VARIABLES)
                body.append(f"{predicate}({', '.join(arguments)})" if body_arity else predicate)
            choices = sorted(set(bound)) + CONSTANTS[:2]
            if draw(st.booleans()):
                predicate, body_arity = draw(st.sampled_from(BASE + DERIVED[:level]))
                arguments = [draw(st.sampled_from(choices + ["_"])) for _ in range(body_arity)]
                body.append("not " + (f"{predicate}({', '.join(arguments)})" if body_arity else predicate))
            if bound and draw(st.booleans()):
                operator = draw(st.sampled_from(["=", "!=", "<", "<=", ">", ">="]))
                body.append(f"{draw(st.sampled_from(choices))} {operator} {draw(st.sampled_from(choices))}")
            head_arguments = [draw(st.sampled_from(choices)) for _ in range(arity)]
            head_text = f"{head}({', '.join(head_arguments)})" if arity else head
            lines.append(f"{head_text} :- {', '.join(body)}.")
    # arithmetic in a head of a predicate nothing depends on
    if draw(st.booleans()):
        lines.append("t(X + 1, X * 2) :- a(X), X < 100.")
    return "\n".join(lines) + "\n"


# --- tests -----------------------------------------------------------------------------------------------------


def test_a_fact_proves_itself_with_its_origin():
    built = build("a(1).\n")
    proof = built.prover.prove(GroundAtom("a", (1,)))
    assert isinstance(proof, FactLeaf)
    assert proof.origin.kind == "file" and proof.origin.span.line == 1 and proof.origin.span.file == "case.dl"


def test_asserted_and_supposed_facts_keep_their_origin():
    built = build("p(X) :- a(X).\n", {GroundAtom("a", (1,)): ASSERTED, GroundAtom("a", (2,)): SUPPOSED})
    one, two = built.prover.prove(("p", (1,))), built.prover.prove(("p", (2,)))
    assert one.premises[0].origin.kind == "asserted"
    assert two.premises[0].origin.kind == "supposed"
    assert "what-if" in two.premises[0].origin.description


def test_rule_step_has_rule_citations_reading_and_premises():
    built = build(
        'authority backe = "Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)".\n'
        'output appealable(Order) "the order {Order} is immediately appealable".\n'
        "discovery_order(zapata_order, melson).\n"
        "@label no_step_one\n@cite backe at 648\n"
        "appealable(O) :- discovery_order(O, D), not finds(O), 1 < 2.\n"
    )
    proof = built.prover.prove(("appealable", ("zapata_order",)))
    check_proof(proof, built)
    assert proof.reading == "the order zapata_order is immediately appealable"
    assert proof.rule.label == "no_step_one"
    assert proof.rule.citations[0].pinned == "Backe v. LeBlanc, 691 F.3d 645, 648 (5th Cir. 2012)"
    assert proof.rule.span.line == 4
    assert dict(proof.binding) == {"O": "zapata_order", "D": "melson"}
    fact, absent, comparison = proof.premises
    assert isinstance(fact, FactLeaf) and isinstance(absent, AbsentCheck) and isinstance(comparison, ComparisonCheck)
    assert absent.atom == GroundAtom("finds", ("zapata_order",))
    assert comparison.text == "1 < 2" and comparison.holds
    assert proof.rule.notes == ()


def test_proof_steps_and_why_not_attempts_carry_the_rules_notes_in_order():
    from lexlog.grammar.tree import Note
    from lexlog.kb.whynot import explain_absence

    built = build(
        'b(1).\n@note later_law "Decided in 2022."\n@note library_reading "Our reading."\nh(X) :- b(X).\n'
    )
    notes = (Note("later_law", "Decided in 2022."), Note("library_reading", "Our reading."))
    assert built.prover.prove(("h", (1,))).rule.notes == notes
    (attempt,) = explain_absence(built.prover, ("h", (2,)), 1).attempts
    assert attempt.rule.notes == notes


def test_negation_with_anonymous_variable_is_an_open_pattern():
    built = build("a(1). a(2). b(2, 3).\np(X) :- a(X), not b(X, _).\n")
    proof = built.prover.prove(("p", (1,)))
    check_proof(proof, built)
    assert proof.premises[1].atom.arguments == (1, None)
    assert proof.premises[1].atom.text == "b(1, _)"
    with pytest.raises(NotDerivable):
        built.prover.prove(("p", (2,)))


def test_arithmetic_in_heads_and_bodies():
    built = build("n(3). n(-4).\nnext(X, X + 1) :- n(X).\nhalf(Y) :- n(X), Y = X / 2.\nm(X) :- n(X), n(X + 7).\n")
    proof = built.prover.prove(("next", (-4, -3)))
    check_proof(proof, built)
    check_proof(built.prover.prove(("half", (-2,))), built)
    check_proof(built.prover.prove(("m", (-4,))), built)


def test_zero_arity_and_rules_without_positive_atoms():
    built = build("go :- not stop.\nready :- go.\n")
    proof = built.prover.prove(("ready", ()))
    check_proof(proof, built)
    assert proof.rank == 2 and proof.premises[0].rank == 1


def test_cyclic_data_terminates_with_minimal_rank():
    text = (
        "edge(a, b). edge(b, a). edge(b, c). edge(c, a).\n"
        "path(X, Y) :- path(X, Z), edge(Z, Y).\n"
        "path(X, Y) :- edge(X, Y).\n"
        "reach(X) :- reach(Y), edge(Y, X).\nreach(a).\n"
    )
    built = build(text)
    ranks = reference_ranks(built)
    for predicate, row in built.model.atoms():
        proof = built.prover.prove((predicate, row))
        check_proof(proof, built)
        assert (proof.rank if isinstance(proof, RuleStep) else 0) == ranks[(predicate, row)]
    # path(a, b) is an edge: the recursive rule, listed first, must not be chosen at a higher rank
    assert built.prover.prove(("path", ("a", "b"))).rank == 1


def test_a_ten_thousand_step_chain_needs_no_recursion():
    n = 10_000
    text = "\n".join(f"e({i}, {i + 1})." for i in range(n)) + "\nr(0).\nr(Y) :- r(X), e(X, Y).\n"
    built = build(text)
    proof = built.prover.prove(("r", (n,)))
    assert proof.rank == n
    depth = 0
    node = proof
    while isinstance(node, RuleStep):
        depth += 1
        node = node.premises[0]
    assert depth == n and isinstance(node, FactLeaf)
    assert sum(1 for _ in walk(proof)) == 2 * n + 1


def test_prove_refuses_an_atom_that_does_not_follow():
    built = build("a(1).\n")
    with pytest.raises(NotDerivable):
        built.prover.prove(("a", (2,)))


def test_module_function_caches_one_prover_per_model():
    built = build("a(1). p(X) :- a(X).\n")
    first = prover_for(built.rules, built.model, built.facts, built.vocabulary)
    assert prover_for(built.rules, built.model, built.facts, built.vocabulary) is first
    proof = prove(("p", (1,)), built.rules, built.model, built.facts, built.vocabulary)
    assert proof is first.prove(("p", (1,)))


def test_strings_and_integers_are_different_constants():
    built = build('a(1). a("1").\np(X) :- a(X), X = "1".\n')
    check_proof(built.prover.prove(("p", ("1",))), built)
    with pytest.raises(NotDerivable):
        built.prover.prove(("p", (1,)))


@pytest.mark.parametrize(
    "citation, pin, expected",
    [
        ("Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)", "648", "Backe v. LeBlanc, 691 F.3d 645, 648 (5th Cir. 2012)"),
        (
            "Westbrook v. Dallas County, No. 3:15-CV-2497-L, 2016 WL 1060253 (N.D. Tex. Mar. 16, 2016)",
            "*3",
            "Westbrook v. Dallas County, No. 3:15-CV-2497-L, 2016 WL 1060253, at *3 (N.D. Tex. Mar. 16, 2016)",
        ),
        ("Zapata v. Melson, 750 F.3d 481 (5th Cir. 2014)", "485 n.2", "Zapata v. Melson, 750 F.3d 481, 485 n.2 (5th Cir. 2014)"),
        (
            "Gaines v. Davis, 928 F.2d 705 (5th Cir. 1991) (per curiam)",
            "707-08",
            "Gaines v. Davis, 928 F.2d 705, 707-08 (5th Cir. 1991) (per curiam)",
        ),
        (
            "Zapata v. Melson, No. 13-40762 (5th Cir. Apr. 18, 2014)",
            "slip op. 4",
            "Zapata v. Melson, No. 13-40762, slip op. at 4 (5th Cir. Apr. 18, 2014)",
        ),
        ("Restatement (Second) of Torts § 46", "cmt. d", "Restatement (Second) of Torts § 46, cmt. d"),
        ("Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)", None, "Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)"),
        ("26 U.S.C. § 151 (SARA ed.)", "(d)(3)(A)", "26 U.S.C. § 151(d)(3)(A) (SARA ed.)"),
        ("28 U.S.C. § 1446", "(b)(1)", "28 U.S.C. § 1446(b)(1)"),
    ],
)
def test_pin_cites_go_before_the_court_and_year(citation, pin, expected):
    assert pin_citation(citation, pin) == expected


@given(programs())
def test_generated_programs_every_atom_has_a_valid_minimal_acyclic_proof(text):
    built = build(text)
    ranks = reference_ranks(built)
    for predicate, row in built.model.atoms():
        proof = built.prover.prove((predicate, row))
        check_proof(proof, built)
        assert (proof.rank if isinstance(proof, RuleStep) else 0) == ranks[(predicate, row)]
    assert len(ranks) == len(built.model)


@pytest.mark.parametrize(
    ("pins", "joined"),
    [
        (["484-85", "485"], "484-85"),  # a span covers a page within it
        (["647-49", "648"], "647-49"),
        (["485", "484-85", "490"], "484-85, 490"),  # page order
        (["1346-47", "1346"], "1346-47"),
        (["99-101", "100"], "99-101"),  # a span's end written in full when more digits change
        (["163", "163 n.8"], "163 & n.8"),  # a page and its footnote together
        (["162 n.7", "163"], "162 n.7, 163"),
        (["310", "311-12"], "310, 311-12"),  # neighbouring pins are not run together
        (["484-85", "484\u201385"], "484-85"),  # the same span written with an en dash
        (["*3", "*5"], "*3, *5"),  # star pages: kept as written
        (["8", "slip op. 4"], "8, slip op. 4"),
    ],
)
def test_a_citations_pins_are_joined_as_a_brief_writes_them(pins: list[str], joined: str) -> None:
    from lexlog.kb.explanation import join_pins

    assert join_pins(pins) == joined


def test_a_rule_citing_one_authority_at_overlapping_pins_cites_it_once() -> None:
    from lexlog.grammar import parse
    from lexlog.kb.explanation import merge_pins

    (rule,) = parse("@cite zapata at 484-85, zapata at 485, zantiz at 163, zantiz at 163 n.8\np(a) :- q(a).").statements
    assert [(citation.authority, citation.pin) for citation in merge_pins(rule.annotations.citations)] == [
        ("zapata", "484-85"),
        ("zantiz", "163 & n.8"),
    ]


def test_a_proof_leads_with_a_rule_an_authority_states_over_one_the_library_reads_for_itself() -> None:
    from lexlog.kb import KnowledgeBase

    kb = KnowledgeBase.from_source(
        'authority backe = "Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)".\n'
        "p(a). q(a).\n"
        '@note library_reading "The library infers this."\nr(X) :- p(X).\n'
        "@cite backe at 648\nr(X) :- q(X).\n"
        "s(X) :- r(X).\n"
    )
    step = kb.explain("r(a)")
    assert step.rule.citations and not step.rule.notes  # the cited rule, though the library's reading comes first
    assert kb.explain("s(a)").premises[0] is step
    only_reading = KnowledgeBase.from_source('p(a).\n@note library_reading "The library infers this."\nr(X) :- p(X).\n')
    assert only_reading.explain("r(a)").rule.notes  # with no other way, the library's reading it is
