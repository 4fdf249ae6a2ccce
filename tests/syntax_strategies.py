"""Hypothesis strategies for syntax trees: any program the printer can write and the parser must read back."""

from __future__ import annotations

from hypothesis import strategies as st

from lexlog.grammar.tree import (
    Annotations,
    Atom,
    Authority,
    BinaryOperation,
    Citation,
    Comparison,
    Constant,
    Constraint,
    Declaration,
    Expectation,
    Fact,
    Include,
    Literal,
    Program,
    Query,
    Rule,
    Variable,
)

KEYWORDS = {"authority", "input", "derived", "output", "constraint", "expect", "include", "not", "at"}

symbols = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
predicate_names = symbols.filter(lambda name: name not in KEYWORDS)
variable_names = st.one_of(st.from_regex(r"[A-Z][A-Za-z0-9_]{0,5}", fullmatch=True), st.just("_"))
named_variables = st.from_regex(r"[A-Z][A-Za-z0-9_]{0,5}", fullmatch=True)
constants = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(Constant),
    symbols.map(Constant),
    st.text(max_size=12).map(Constant),
)
variables = variable_names.map(Variable)
OPERATORS = ["+", "-", "*", "/", "%"]
COMPARISONS = ["=", "!=", "<", "<=", ">", ">="]

terms = st.recursive(
    st.one_of(constants, variables),
    lambda inner: st.builds(BinaryOperation, st.sampled_from(OPERATORS), inner, inner),
    max_leaves=5,
)


@st.composite
def atoms(draw, argument_terms=terms) -> Atom:
    return Atom(draw(predicate_names), tuple(draw(st.lists(argument_terms, max_size=4))))


ground_atoms = atoms(argument_terms=constants)
literals = st.builds(Literal, atoms(), st.booleans())
comparisons = st.builds(Comparison, st.sampled_from(COMPARISONS), terms, terms)
bodies = st.lists(st.one_of(literals, literals, comparisons), min_size=1, max_size=4).map(tuple)
pins = st.one_of(
    st.none(),
    st.from_regex(r"\*?[0-9]{1,4}(-[0-9]{1,3})?( n\.[0-9])?", fullmatch=True),
    st.text(max_size=10),
)
citations = st.builds(Citation, symbols, pins)
annotations = st.builds(Annotations, st.one_of(st.none(), symbols), st.lists(citations, max_size=3).map(tuple))


@st.composite
def bodiless_rules(draw) -> Rule:
    atom = draw(atoms())
    if all(isinstance(argument, Constant) for argument in atom.arguments):
        atom = Atom(atom.predicate, atom.arguments + (Variable(draw(named_variables)),))
    return Rule(atom, (), draw(annotations))


statements = st.one_of(
    st.builds(Fact, ground_atoms, annotations),
    st.builds(Rule, atoms(), bodies, annotations),
    bodiless_rules(),
    st.builds(Authority, symbols, st.text(max_size=30)),
    st.builds(
        Declaration,
        st.sampled_from(["input", "derived", "output"]),
        predicate_names,
        st.lists(variable_names, max_size=3).map(tuple),
        st.one_of(st.none(), st.text(max_size=30)),
    ),
    st.builds(Constraint, symbols, bodies, annotations),
    st.builds(Expectation, atoms(), st.booleans()),
    st.builds(Query, bodies),
    st.builds(Include, st.text(max_size=20), st.just(False)),
    st.builds(Include, symbols, st.just(True)),
)

programs = st.lists(statements, max_size=8).map(lambda items: Program(tuple(items)))
