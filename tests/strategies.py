"""Hypothesis strategies that build syntax-tree objects directly.

Engine programs (`stratified_programs`): safe, stratified programs with recursion, negation, comparisons and
head arithmetic, plus their facts. Syntax (`printable_programs`): any program of every statement kind that the
printer can write and the parser must read back to the same tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from hypothesis import strategies as st

from lexlog.grammar.tree import Atom, BinaryOperation, Comparison, Constant, Literal, Rule, Term, Value, Variable

# A small domain: joins hit often, ints and strings mix, and "1" is not 1.
VALUES: tuple[Value, ...] = (0, 1, 2, 3, -1, -7, "a", "b", "1", "é")
values = st.sampled_from(VALUES)
# Facts draw mostly from a few values so that joins succeed often.
fact_values = st.one_of(st.sampled_from(VALUES[:3] + VALUES[6:8]), st.sampled_from(VALUES[:3] + VALUES[6:8]), values)


@dataclass(frozen=True)
class GeneratedProgram:
    """Rules, facts (by predicate key) and the level of every predicate (0: facts only)."""

    rules: tuple[Rule, ...]
    facts: dict[tuple[str, int], frozenset[tuple[Value, ...]]]
    levels: dict[tuple[str, int], int]

    @property
    def negation_free(self) -> bool:
        return not any(isinstance(item, Literal) and item.negated for rule in self.rules for item in rule.body)

    def source(self) -> str:
        """A readable rendering for failure reports (not meant to be parsed)."""
        lines = [repr(rule) for rule in self.rules]
        lines += [f"{key[0]}{row!r}." for key, rows in sorted(self.facts.items()) for row in sorted(rows, key=repr)]
        return "\n".join(lines)


def _term_of(draw, variables: list[str], allow_arithmetic: bool) -> Term:
    choice = draw(st.integers(0, 9))
    if choice < 6 and variables:
        return Variable(draw(st.sampled_from(variables)))
    if choice < 8 or not allow_arithmetic or not variables:
        return Constant(draw(values))
    operator = draw(st.sampled_from(["+", "-", "*", "/", "%"]))
    left = Variable(draw(st.sampled_from(variables)))
    right: Term = (
        Variable(draw(st.sampled_from(variables)))
        if draw(st.booleans())
        else Constant(draw(st.sampled_from([0, 1, 2, -3, "a"])))
    )
    return BinaryOperation(operator, left, right)


def _atom_arguments(draw, arity: int, variable_pool: list[str], used: list[str]) -> tuple[Term, ...]:
    """Arguments mixing constants, variables already used in the rule (joins) and new ones."""
    arguments: list[Term] = []
    for _ in range(arity):
        choice = draw(st.integers(0, 7))
        unused = [name for name in variable_pool if name not in used]
        if choice == 0:
            arguments.append(Constant(draw(fact_values)))
            continue
        if choice <= 3 and used or not unused:
            name = draw(st.sampled_from(used or variable_pool))
        else:
            name = draw(st.sampled_from(unused))
        if name not in used:
            used.append(name)
        arguments.append(Variable(name))
    return tuple(arguments)


@st.composite
def stratified_programs(
    draw,
    max_predicates: int = 6,
    max_rules: int = 8,
    max_facts: int = 20,
    negation: bool = True,
    comparisons: bool = True,
    arithmetic: bool = True,
) -> GeneratedProgram:
    """A safe, stratified program: predicates get levels; a rule's positive atoms come from its head's level or
    below (so recursion, also mutual, within a level), its negated atoms strictly from below.  Head arithmetic only
    in rules with no atom of their own level, so no cycle creates values and every model is finite."""
    count = draw(st.integers(2, max_predicates))
    keys: list[tuple[str, int]] = []
    levels: dict[tuple[str, int], int] = {}
    for index in range(count):
        key = (f"p{index}", draw(st.integers(0, 3)) if index else draw(st.integers(1, 3)))
        keys.append(key)
        levels[key] = 0 if index < 2 else draw(st.integers(0, 3))
    derived = [key for key in keys if levels[key] > 0]
    if not derived:
        levels[keys[-1]] = 1
        derived = [keys[-1]]

    rules: list[Rule] = []
    # Every derived predicate first gets a rule over lower levels (so relations fill up), then come random rules.
    heads = derived + draw(st.lists(st.sampled_from(derived), max_size=max(0, max_rules - len(derived))))
    for number, head_key in enumerate(heads):
        level = levels[head_key]
        lower_keys = [key for key in keys if levels[key] < level]
        positive_keys = lower_keys if number < len(derived) else [key for key in keys if levels[key] <= level]
        variable_pool = ["X", "Y", "Z", "W", "V"]
        used: list[str] = []
        body: list = []
        for _ in range(draw(st.integers(1, 3))):
            key = draw(st.sampled_from(positive_keys))
            body.append(Literal(Atom(key[0], _atom_arguments(draw, key[1], variable_pool, used))))
        bound = sorted(
            {argument.name for item in body for argument in item.atom.arguments if isinstance(argument, Variable)}
        )
        recursive = any(levels[item.atom.key] == level for item in body)
        if negation and lower_keys:
            for _ in range(draw(st.integers(0, 2))):
                key = draw(st.sampled_from(lower_keys))
                arguments = tuple(
                    Variable(draw(st.sampled_from(bound))) if bound and draw(st.integers(0, 4)) else Constant(draw(values))
                    for _ in range(key[1])
                )
                body.append(Literal(Atom(key[0], arguments), negated=True))
        if comparisons and bound:
            for _ in range(draw(st.integers(0, 2))):
                operator = draw(st.sampled_from(["=", "!=", "<", "<=", ">", ">="]))
                left = _term_of(draw, bound, allow_arithmetic=arithmetic)
                right = _term_of(draw, bound, allow_arithmetic=arithmetic)
                body.append(Comparison(operator, left, right))
        body = draw(st.permutations(body))
        head_arguments = tuple(
            _term_of(draw, bound, allow_arithmetic=arithmetic and not recursive) for _ in range(head_key[1])
        )
        rules.append(Rule(Atom(head_key[0], head_arguments), tuple(body)))

    facts: dict[tuple[str, int], set] = {}
    fact_keys = [key for key in keys if levels[key] == 0] + draw(st.lists(st.sampled_from(derived), max_size=1))
    for _ in range(draw(st.integers(min(4, max_facts), max_facts))):
        key = draw(st.sampled_from(fact_keys))
        row = tuple(draw(fact_values) for _ in range(key[1]))
        facts.setdefault(key, set()).add(row)
    return GeneratedProgram(tuple(rules), {key: frozenset(rows) for key, rows in facts.items()}, levels)


@st.composite
def extra_facts(draw, program: GeneratedProgram, max_facts: int = 6) -> dict[tuple[str, int], frozenset]:
    """More facts for a program's level-0 predicates."""
    keys = sorted(key for key, level in program.levels.items() if level == 0)
    result: dict[tuple[str, int], set] = {}
    for _ in range(draw(st.integers(1, max_facts))):
        key = draw(st.sampled_from(keys))
        result.setdefault(key, set()).add(tuple(draw(fact_values) for _ in range(key[1])))
    return {key: frozenset(rows) for key, rows in result.items()}


def merge_facts(*groups: dict) -> dict:
    merged: dict = {}
    for group in groups:
        for key, rows in group.items():
            merged[key] = frozenset(merged.get(key, frozenset()) | rows)
    return merged


def optional_values() -> st.SearchStrategy[Optional[Value]]:
    return st.one_of(st.none(), values)


# --- Syntax: any program the printer can write and the parser must read back ------------------------------------

from lexlog.grammar.tree import (  # noqa: E402 - the syntax section's own vocabulary
    NOTE_KINDS,
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
    Note,
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
# Mostly the real kinds; any other symbol too, for the tree keeps an unknown kind for the checks to report.
note_kinds = st.one_of(st.sampled_from(sorted(NOTE_KINDS)), symbols)
notes = st.builds(Note, note_kinds, st.text(max_size=30))
annotations = st.builds(
    Annotations,
    st.one_of(st.none(), symbols),
    st.lists(citations, max_size=3).map(tuple),
    notes=st.lists(notes, max_size=2).map(tuple),
)


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

printable_programs = st.lists(statements, max_size=8).map(lambda items: Program(tuple(items)))
