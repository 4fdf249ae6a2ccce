"""Property tests: generated safe, stratified programs (recursion, negation, comparisons, arithmetic and calls of the
built-in functions, aggregates) over values of every kind (integers past 32 and 64 bits, exact decimals and
fractions, dates, strings; see tests/strategies.py).

Both backends must equal each other and the brute-force reference fixpoint (tests/reference_fixpoint.py), which
shares no code with them.  Sizes come from the hypothesis profile (conftest.py): `ci` by default,
`LEXLOG_PROFILE=long` for a longer run.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from lexlog.grammar.printer import print_value
from lexlog.grammar.tree import Atom, Constant, Fact
from lexlog.kb import CheckOptions, KnowledgeBase, aggregates
from lexlog.kb.dependency import strata
from lexlog.kb.atoms import GroundAtom
from lexlog.kb.engines import ENGINES, get_engine
from lexlog.kb.engines.base import EvaluationProgram, Model
from lexlog.kb.normalize import normalize_rule
from reference_fixpoint import fixpoint
from strategies import GeneratedProgram, extra_facts, merge_facts, stratified_programs

ENGINE_NAMES = sorted(ENGINES)


def evaluation_program(program: GeneratedProgram, facts=None) -> EvaluationProgram:
    rules = [normalize_rule(rule) for rule in program.rules]
    return EvaluationProgram(tuple(strata(rules)), program.facts if facts is None else facts)


def evaluate(name: str, program: GeneratedProgram, facts=None) -> Model:
    """The model on one backend, through `lexlog.kb.aggregates` as the knowledge base evaluates (the backends never
    see an aggregate; a program without one goes to the backend as it is)."""
    program = evaluation_program(program, facts)
    return aggregates.evaluate(get_engine(name), program.strata, program.facts)


@given(stratified_programs())
def test_backends_equal_each_other_and_the_reference(program):
    note(program.source())
    expected = fixpoint(program.rules, program.facts)
    for name in ENGINE_NAMES:
        model = evaluate(name, program)
        assert dict(model.relations) == expected, name


@given(stratified_programs(negation=False, arithmetic=False, max_rules=6))
def test_recursive_negation_free_programs_equal_the_reference(program):
    note(program.source())
    expected = fixpoint(program.rules, program.facts)
    for name in ENGINE_NAMES:
        assert dict(evaluate(name, program).relations) == expected, name


@pytest.mark.parametrize("name", ENGINE_NAMES)
@given(data=st.data())
def test_adding_facts_to_a_negation_free_program_never_removes_an_answer(name, data):
    program = data.draw(stratified_programs(negation=False))
    more = data.draw(extra_facts(program))
    note(program.source())
    note(repr(more))
    before = evaluate(name, program)
    after = evaluate(name, program, merge_facts(program.facts, more))
    for key, rows in before.relations.items():
        assert rows <= after.rows(key), key


@pytest.mark.parametrize("name", ENGINE_NAMES)
@given(data=st.data())
def test_assert_then_retract_restores_the_model(name, data):
    """Through the knowledge base's own assert and retract: asserting facts gives the reference model with them, and
    retracting them again gives back the model from before, on one backend that evaluated all three."""
    program = data.draw(stratified_programs())
    more = data.draw(extra_facts(program))
    note(program.source())
    note(repr(more))
    knowledge_base = KnowledgeBase(name, options=CheckOptions(undefined_is_error=False))  # a predicate may be empty
    facts = [Fact(Atom(key[0], tuple(Constant(v) for v in row))) for key, rows in program.facts.items() for row in rows]
    knowledge_base.load_statements([*program.rules, *facts])
    before = dict(knowledge_base.model.relations)
    added = [GroundAtom(key[0], row) for key, rows in more.items() for row in rows if row not in program.facts.get(key, ())]
    for atom in added:
        knowledge_base.assert_fact(_fact_text_or_atom(atom))
    assert dict(knowledge_base.model.relations) == fixpoint(program.rules, merge_facts(program.facts, more))
    for atom in added:
        assert knowledge_base.retract_fact(_fact_text_or_atom(atom)), atom.text
    assert dict(knowledge_base.model.relations) == before


@pytest.mark.parametrize("name", ENGINE_NAMES)
@given(data=st.data())
def test_cases_evaluated_together_each_equal_the_reference(name, data):
    """`suppose_each` evaluates several postures in one pass (the case as an extra argument of every predicate):
    each posture's model must be the reference model of the program with that posture's facts, as if alone."""
    program = data.draw(stratified_programs())
    postures = data.draw(st.lists(extra_facts(program), min_size=1, max_size=4))
    note(program.source())
    note(repr(postures))
    knowledge_base = KnowledgeBase(name, options=CheckOptions(undefined_is_error=False))
    facts = [Fact(Atom(key[0], tuple(Constant(v) for v in row))) for key, rows in program.facts.items() for row in rows]
    knowledge_base.load_statements([*program.rules, *facts])
    grounds = [[GroundAtom(key[0], row) for key, rows in posture.items() for row in rows] for posture in postures]
    together = knowledge_base.suppose_each(grounds)
    for posture, copy in zip(postures, together):
        assert dict(copy.model.relations) == fixpoint(program.rules, merge_facts(program.facts, posture))


def _fact_text_or_atom(atom: GroundAtom):
    """The fact as text, as a user types it; as a tree when it holds a fraction with no finite decimal, which prints
    as a division (`p((1 / 3))`) that assert_fact does not evaluate."""
    if any(isinstance(value, Fraction) and "/" in print_value(value) for value in atom.arguments):
        return Atom(atom.predicate, tuple(Constant(value) for value in atom.arguments))
    return atom.text


# --- found by the properties above, kept as plain examples ---------------------------------------------------------


@pytest.mark.parametrize("name", ENGINE_NAMES)
def test_a_comparison_on_an_aggregate_result_may_come_before_the_aggregate(name):
    """The group with no rows (quinn) takes `N = 0`: the comparison on N, written first, must wait for it."""
    source = "party(paula). party(quinn). claim(paula, c1).\nfew(P, N) :- party(P), N < 2, N = count : { claim(P, _) }."
    knowledge_base = KnowledgeBase(name)
    knowledge_base.load_source(source, "few.dl")
    assert knowledge_base.model.rows(("few", 2)) == {("paula", 1), ("quinn", 0)}
