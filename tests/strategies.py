"""Hypothesis strategies that build syntax-tree objects directly.

Engine programs (`stratified_programs`): safe, stratified programs with recursion, negation, comparisons,
arithmetic and calls of the built-in functions (in comparisons, heads and, now and then, body atoms), plus their
facts.  Each program draws a small domain of values: the small core (ints and strings that join often) and, in most
programs, a few richer values (integers beyond 32 and 64 bits, exact decimals, fractions with no finite decimal
expansion, dates at month ends, 29 February, years 1 and 9999, strings that `number`, `date` and the rounding modes
read).  Syntax (`printable_programs`): any program of every statement kind that the printer can write and the parser
must read back to the same tree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

from hypothesis import strategies as st

from lexlog.grammar.tree import (
    Aggregate, Atom, BinaryOperation, Call, Comparison, Constant, Fact, Literal, Rule, Term, Value, Variable,
)

# A small domain: joins hit often, ints and strings mix, and "1" is not 1.
VALUES: tuple[Value, ...] = (0, 1, 2, 3, -1, -7, "a", "b", "1", "é")
COMMON: tuple[Value, ...] = VALUES[:3] + VALUES[6:8]
values = st.sampled_from(VALUES)
# Facts draw mostly from a few values so that joins succeed often.
fact_values = st.one_of(st.sampled_from(COMMON), st.sampled_from(COMMON), values)

# --- richer values -------------------------------------------------------------------------------------------------

BIG_INTEGERS: tuple[int, ...] = (
    2**31 - 1, 2**31, -(2**31), -(2**31) - 1,  # clingo's 32-bit numbers end here
    2**63 - 1, 2**63, -(2**63), -(2**63) - 1,  # and 64-bit integers here
    10**30 + 7, -(3**70),
)
DECIMALS: tuple[Fraction, ...] = (  # terminating decimal expansions
    Fraction(1, 2), Fraction(-5, 4), Fraction(7500001, 100), Fraction(1, 1000), Fraction(-3, 8), Fraction(25, 2),
)
NON_TERMINATING: tuple[Fraction, ...] = (Fraction(1, 3), Fraction(-22, 7))  # as `/` makes them
DATES: tuple[datetime.date, ...] = (
    datetime.date(2024, 1, 31), datetime.date(2024, 2, 29), datetime.date(2023, 2, 28), datetime.date(2000, 2, 29),
    datetime.date(1900, 2, 28), datetime.date(2024, 12, 31), datetime.date(2023, 3, 31), datetime.date(2024, 1, 5),
    datetime.date(1, 1, 1), datetime.date(9999, 12, 31), datetime.date(1, 12, 31), datetime.date(9999, 1, 31),
)
ROUNDING_MODES: tuple[str, ...] = ("half_up", "half_down", "half_even", "down", "up", "floor", "ceiling")
FUNCTION_STRINGS: tuple[str, ...] = (
    "half_up", "half_even", "floor", "75000.01", "-0.5", "+12", "2024-02-29", "2023-02-29",
)
RICH_VALUES: tuple[Value, ...] = BIG_INTEGERS + DECIMALS + NON_TERMINATING + DATES + FUNCTION_STRINGS

rich_values = st.one_of(
    st.sampled_from(RICH_VALUES),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.builds(lambda digits, places: Fraction(digits, 10**places), st.integers(-(10**9), 10**9), st.integers(1, 4)).map(
        lambda number: number.numerator if number.denominator == 1 else number
    ),
    st.dates(),
)


def _value_identity(value: Value) -> tuple:
    return (type(value).__name__, value)


@dataclass(frozen=True)
class Domain:
    """The values one program draws its constants and facts from: the core values and its rich ones."""

    rich: tuple[Value, ...] = ()
    focused: bool = False  # facts mostly of the rich values, so that the functions of their kind meet them
    calls: tuple[str, ...] = ()  # the functions (keys of _CALLS) for those values, drawn more often

    def value(self, draw) -> Value:
        return _pick(draw, VALUES + self.rich)

    def fact_value(self, draw) -> Value:
        """Mostly a few values, so that joins succeed often; in a focused domain mostly the rich ones."""
        branch = draw(st.integers(0, 2))
        if not self.rich:
            return _pick(draw, COMMON) if branch < 2 else self.value(draw)
        if self.focused:
            return _pick(draw, self.rich) if branch < 2 else _pick(draw, COMMON + self.rich)
        if branch == 0:
            return _pick(draw, COMMON + self.rich)
        return _pick(draw, self.rich) if branch == 1 else self.value(draw)

    def operand(self, draw) -> Value:
        """A constant on the right of an arithmetic operator."""
        extra = (Fraction(1, 2), 30, 2**40, datetime.date(2024, 2, 29)) if self.rich else ()
        return _pick(draw, (0, 1, 2, -3, "a") + extra + self.rich)


def _pick(draw, sequence):
    """`draw(st.sampled_from(sequence))` without building a strategy for every draw (generation is most of the
    time these tests take)."""
    return sequence[draw(st.integers(0, len(sequence) - 1))]


DATE_CALLS = ("add_months", "add_years", "age", "year", "month", "day", "weekday", "date")
NUMBER_CALLS = ("round", "round_to_multiple", "quotient", "lesser", "greater", "abs", "number")
_dates = st.one_of(st.sampled_from(DATES), st.dates())
_numbers = st.one_of(
    st.sampled_from(BIG_INTEGERS + DECIMALS + NON_TERMINATING), st.integers(min_value=-(2**80), max_value=2**80)
)
# Most programs get a few rich values in their domain: of every kind, or mostly dates (so that date arithmetic and
# the date functions meet dates), or mostly numbers; some get none, so the core domain alone is tried as well.
domains = st.one_of(
    st.just(Domain()),
    st.lists(rich_values, min_size=1, max_size=4, unique_by=_value_identity).map(lambda rich: Domain(tuple(rich))),
    st.lists(_dates, min_size=2, max_size=4, unique=True).map(lambda rich: Domain(tuple(rich), True, DATE_CALLS)),
    st.lists(_numbers, min_size=2, max_size=4, unique=True).map(lambda rich: Domain(tuple(rich), True, NUMBER_CALLS)),
)


@dataclass(frozen=True)
class GeneratedProgram:
    """Rules, facts (by predicate key) and the level of every predicate (0: facts only)."""

    rules: tuple[Rule, ...]
    facts: dict[tuple[str, int], frozenset[tuple[Value, ...]]]
    levels: dict[tuple[str, int], int]
    domain: Domain = field(default_factory=Domain)

    @property
    def negation_free(self) -> bool:
        return not any(isinstance(item, Literal) and item.negated for rule in self.rules for item in rule.body)

    def source(self) -> str:
        """The program as lexlog source, for failure reports (a fraction with no finite decimal prints as `(1 / 3)`,
        which reads back as that division: the same value)."""
        from lexlog.grammar.printer import print_statement

        lines = [print_statement(rule) for rule in self.rules]
        lines += [
            print_statement(Fact(Atom(key[0], tuple(Constant(value) for value in row))))
            for key, rows in sorted(self.facts.items())
            for row in sorted(rows, key=repr)
        ]
        return "\n".join(lines)


# --- computed terms --------------------------------------------------------------------------------------------------

# Each built-in function with, per argument after the first, the constants it is usually given (the first argument
# is always a variable or a computation over variables, so no computation is written with values only: the checks
# refuse one that has no value).  "mode" is a rounding mode: a constant one is always a real mode (an unknown one is
# a check error); a variable may hold any string.
_CALLS: dict[str, tuple[tuple[Value, ...] | str, ...]] = {
    "round": ((0, 1, 2, -1, -2, 3), "mode"),
    "round_to_multiple": ((50, Fraction(1, 2), Fraction(1, 100), 3, 0, -5), "mode"),
    "quotient": ((2, -3, 0, Fraction(1, 2)),),
    "lesser": ((0, 2, Fraction(-1, 2)),),
    "greater": ((0, 2, Fraction(-1, 2)),),
    "abs": (),
    "number": (),
    "date": (),
    "date/3": ((1, 2, 12, 13, 0), (1, 28, 29, 31)),
    "add_months": ((1, -1, 12, 13, -25, 0),),
    "add_years": ((1, -1, 4, 100, -2024),),
    "age": ((datetime.date(2024, 2, 28), datetime.date(2000, 2, 29)),),
    "year": (),
    "month": (),
    "day": (),
    "weekday": (),
    "concat": (("a", "é", ""),),
    "length": (),
    "starts_with": (("a", "", "half"),),
    "ends_with": (("a", "", "up"),),
    "contains": (("a", "é", "1"),),
}
_CALL_NAMES = sorted(_CALLS)


def _computed_of(draw, variables: list[str], domain: Domain, depth: int = 0) -> Term:
    """An operation or a call over `variables` (at least one of them in it), now and then nested once."""
    def first() -> Term:
        if depth == 0 and draw(st.integers(0, 5)) == 0:
            return _computed_of(draw, variables, domain, depth + 1)
        return Variable(_pick(draw, variables))

    if draw(st.booleans()):
        operator = _pick(draw, ["+", "-", "*", "/", "%"])
        left = first()
        right: Term = (
            Variable(_pick(draw, variables)) if draw(st.booleans()) else Constant(domain.operand(draw))
        )
        return BinaryOperation(operator, left, right)
    key = _pick(draw, domain.calls if domain.calls and draw(st.integers(0, 3)) else _CALL_NAMES)
    arguments = [first()]
    for options in _CALLS[key]:
        if draw(st.integers(0, 3)) == 0:
            arguments.append(Variable(_pick(draw, variables)))
        elif options == "mode":
            arguments.append(Constant(_pick(draw, ROUNDING_MODES)))
        else:
            arguments.append(Constant(_pick(draw, options)))
    return Call(key.split("/")[0], tuple(arguments))


def _term_of(draw, variables: list[str], allow_arithmetic: bool, domain: Domain = Domain()) -> Term:
    choice = draw(st.integers(0, 9))
    if choice < 6 and variables:
        return Variable(_pick(draw, variables))
    if choice < 8 or not allow_arithmetic or not variables:
        return Constant(domain.value(draw))
    return _computed_of(draw, variables, domain)


def _atom_arguments(draw, arity: int, variable_pool: list[str], used: list[str], domain: Domain) -> tuple[Term, ...]:
    """Arguments mixing constants, variables already used in the rule (joins) and new ones."""
    arguments: list[Term] = []
    for _ in range(arity):
        choice = draw(st.integers(0, 7))
        unused = [name for name in variable_pool if name not in used]
        if choice == 0:
            arguments.append(Constant(domain.fact_value(draw)))
            continue
        if choice <= 3 and used or not unused:
            name = _pick(draw, used or variable_pool)
        else:
            name = _pick(draw, unused)
        if name not in used:
            used.append(name)
        arguments.append(Variable(name))
    return tuple(arguments)


def _with_computations(draw, atom: Atom, bound: list[str], domain: Domain) -> Atom:
    """The atom with, now and then, a constant argument replaced by a computation over variables bound elsewhere."""
    if not bound:
        return atom
    arguments = tuple(
        _computed_of(draw, bound, domain)
        if isinstance(argument, Constant) and draw(st.integers(0, 9)) == 0
        else argument
        for argument in atom.arguments
    )
    return Atom(atom.predicate, arguments)


AGGREGATE_FUNCTIONS = ("count", "sum", "min", "max")


def _aggregate_of(draw, lower_keys: list, outside: list[str], domain: Domain, arithmetic: bool) -> Aggregate:
    """`N = f Term : { ... }` over predicates of lower levels: its atoms use the variables bound outside (the group)
    and variables of its own (A, B, C, which range), `_` now and then; a comparison and a negated atom over what its
    own atoms bind, now and then.  Safe on its own, as the checks require."""
    used: list[str] = []
    pool = ["A", "B", "C"] + outside
    inner: list = []
    for _ in range(draw(st.integers(1, 2))):
        key = _pick(draw, lower_keys)
        arguments = tuple(
            Variable("_") if isinstance(argument, Constant) and draw(st.booleans()) else argument
            for argument in _atom_arguments(draw, key[1], pool, used, domain)
        )
        inner.append(Literal(Atom(key[0], arguments)))
    bound = sorted({a.name for item in inner for a in item.atom.arguments if isinstance(a, Variable) and a.name != "_"})
    if bound and draw(st.integers(0, 2)) == 0:
        operator = _pick(draw, ["=", "!=", "<", "<=", ">", ">="])
        left = _term_of(draw, bound, allow_arithmetic=arithmetic, domain=domain)
        inner.append(Comparison(operator, left, _term_of(draw, bound, allow_arithmetic=arithmetic, domain=domain)))
    if draw(st.integers(0, 3)) == 0:
        key = _pick(draw, lower_keys)
        arguments = tuple(
            Variable(_pick(draw, bound)) if bound and draw(st.integers(0, 3)) else Constant(domain.value(draw))
            for _ in range(key[1])
        )
        inner.append(Literal(Atom(key[0], arguments), negated=True))
    function = _pick(draw, ("count",) + AGGREGATE_FUNCTIONS)  # count oftener: it always has a value
    term = None if function == "count" else _term_of(draw, bound, allow_arithmetic=arithmetic, domain=domain)
    return Aggregate(Variable("N"), function, term, tuple(draw(st.permutations(inner))))


@st.composite
def stratified_programs(
    draw,
    max_predicates: int = 6,
    max_rules: int = 8,
    max_facts: int = 20,
    negation: bool = True,
    comparisons: bool = True,
    arithmetic: bool = True,
    rich: bool = True,
    aggregates: Optional[bool] = None,
) -> GeneratedProgram:
    """A safe, stratified program: predicates get levels; a rule's positive atoms come from its head's level or
    below (so recursion, also mutual, within a level), its negated atoms strictly from below.  Head computations only
    in rules with no atom of their own level, so no cycle creates values and every model is finite.  With
    `arithmetic`, computations (operations and calls) stand in comparisons and heads, and now and then in body
    atoms over variables other atoms bind; with `rich`, the domain has richer values (see the module doc); with
    `aggregates` (by default as `negation`: neither is monotonic), now and then a rule aggregates over lower levels."""
    if aggregates is None:
        aggregates = negation
    domain = draw(domains) if rich else Domain()
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
            key = _pick(draw, positive_keys)
            body.append(Literal(Atom(key[0], _atom_arguments(draw, key[1], variable_pool, used, domain))))
        bound = sorted(
            {argument.name for item in body for argument in item.atom.arguments if isinstance(argument, Variable)}
        )
        if arithmetic:
            body = [Literal(_with_computations(draw, item.atom, bound, domain)) for item in body]
        recursive = any(levels[item.atom.key] == level for item in body)
        if negation and lower_keys:
            for _ in range(draw(st.integers(0, 2))):
                key = _pick(draw, lower_keys)
                arguments = tuple(
                    Variable(_pick(draw, bound))
                    if bound and draw(st.integers(0, 4))
                    else Constant(domain.value(draw))
                    for _ in range(key[1])
                )
                atom = Atom(key[0], arguments)
                if arithmetic:
                    atom = _with_computations(draw, atom, bound, domain)
                body.append(Literal(atom, negated=True))
        if aggregates and lower_keys and draw(st.integers(0, 13)) == 0:
            body.append(_aggregate_of(draw, lower_keys, bound, domain, arithmetic))
            bound = bound + ["N"]
        if comparisons and bound:
            for _ in range(draw(st.integers(0, 2))):
                operator = _pick(draw, ["=", "!=", "<", "<=", ">", ">="])
                left = _term_of(draw, bound, allow_arithmetic=arithmetic, domain=domain)
                right = _term_of(draw, bound, allow_arithmetic=arithmetic, domain=domain)
                body.append(Comparison(operator, left, right))
        body = draw(st.permutations(body))
        head_arguments = tuple(
            _term_of(draw, bound, allow_arithmetic=arithmetic and not recursive, domain=domain)
            for _ in range(head_key[1])
        )
        rules.append(Rule(Atom(head_key[0], head_arguments), tuple(body)))

    facts: dict[tuple[str, int], set] = {}
    fact_keys = [key for key in keys if levels[key] == 0] + draw(st.lists(st.sampled_from(derived), max_size=1))
    for _ in range(draw(st.integers(min(4, max_facts), max_facts))):
        key = _pick(draw, fact_keys)
        row = tuple(domain.fact_value(draw) for _ in range(key[1]))
        facts.setdefault(key, set()).add(row)
    return GeneratedProgram(tuple(rules), {key: frozenset(rows) for key, rows in facts.items()}, levels, domain)


@st.composite
def extra_facts(draw, program: GeneratedProgram, max_facts: int = 6) -> dict[tuple[str, int], frozenset]:
    """More facts for a program's level-0 predicates."""
    keys = sorted(key for key, level in program.levels.items() if level == 0)
    result: dict[tuple[str, int], set] = {}
    for _ in range(draw(st.integers(1, max_facts))):
        key = _pick(draw, keys)
        result.setdefault(key, set()).add(tuple(program.domain.fact_value(draw) for _ in range(key[1])))
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
    PARAMETER_TYPES,
    Aggregate,
    Annotations,
    Atom,
    Authority,
    BinaryOperation,
    Call,
    Citation,
    Comparison,
    Constant,
    ConstantReading,
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
from lexlog.grammar import KEYWORDS as GRAMMAR_KEYWORDS  # noqa: E402

KEYWORDS = GRAMMAR_KEYWORDS | {"at"}

symbols = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
predicate_names = symbols.filter(lambda name: name not in KEYWORDS)
variable_names = st.one_of(st.from_regex(r"[A-Z][A-Za-z0-9_]{0,5}", fullmatch=True), st.just("_"))
named_variables = st.from_regex(r"[A-Z][A-Za-z0-9_]{0,5}", fullmatch=True)
# Every value a constant can print as and read back as: integers of any size (in facts, also past the 4,300 digits
# Python converts at once), decimals with a finite expansion, dates of years 1 to 9999, symbols, strings (also
# `sum`, which after `=` would begin an aggregate).  Not a fraction with no finite decimal: it prints as `(1 / 3)`,
# which reads back as the operation, not a constant.
_huge_integers = st.builds(
    lambda digits, sign, tail: sign * (10**digits + tail),
    st.integers(4290, 4400),
    st.sampled_from([1, -1]),
    st.integers(0, 10**6),
)
_decimals = st.builds(
    lambda digits, places: Fraction(digits, 10**places), st.integers(-(10**40), 10**40), st.integers(0, 30)
).map(lambda number: number.numerator if number.denominator == 1 else number)
constants = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(Constant),
    symbols.map(Constant),
    st.sampled_from(AGGREGATE_FUNCTIONS).map(Constant),  # a symbol after `=` that would begin an aggregate
    st.text(max_size=12).map(Constant),
    st.one_of(st.integers(), st.integers(min_value=-(2**200), max_value=2**200)).map(Constant),
    _decimals.map(Constant),
    st.dates().map(Constant),
)
# Now and then, in facts: integers too long for Python's own conversion to text (slow to print and read: rarely).
ground_constants = st.one_of(constants, constants, constants, constants, constants, _huge_integers.map(Constant))
variables = variable_names.map(Variable)
OPERATORS = ["+", "-", "*", "/", "%"]
COMPARISONS = ["=", "!=", "<", "<=", ">", ">="]
# Any name: which functions exist is for the checks, not the parser.
function_names = st.one_of(st.sampled_from(sorted({name.split("/")[0] for name in _CALL_NAMES})), predicate_names)

terms = st.recursive(
    st.one_of(constants, variables),
    lambda inner: st.one_of(
        st.builds(BinaryOperation, st.sampled_from(OPERATORS), inner, inner),
        st.builds(BinaryOperation, st.sampled_from(OPERATORS), inner, inner),
        st.builds(Call, function_names, st.lists(inner, min_size=1, max_size=3).map(tuple)),
    ),
    max_leaves=5,
)


@st.composite
def atoms(draw, argument_terms=terms) -> Atom:
    return Atom(draw(predicate_names), tuple(draw(st.lists(argument_terms, max_size=4))))


ground_atoms = atoms(argument_terms=ground_constants)
literals = st.builds(Literal, atoms(), st.booleans())
comparisons = st.builds(Comparison, st.sampled_from(COMPARISONS), terms, terms)
plain_bodies = st.lists(st.one_of(literals, literals, comparisons), min_size=1, max_size=4).map(tuple)
inner_bodies = st.lists(st.one_of(literals, literals, comparisons), min_size=1, max_size=2).map(tuple)


@st.composite
def aggregates(draw, nested: bool = True) -> Aggregate:
    """`N = f Term : { ... }`: count takes no term, the others one (the parser says so otherwise); now and then a
    body with an aggregate of its own, for the checks, not the parser, refuse that."""
    function = draw(st.sampled_from(AGGREGATE_FUNCTIONS))
    term = None if function == "count" else draw(terms)
    body = draw(inner_bodies)
    if nested and draw(st.integers(0, 7)) == 0:
        body = body + (draw(_inner_aggregates),)
    return Aggregate(Variable(draw(named_variables)), function, term, body)


_inner_aggregates = aggregates(nested=False)
_aggregates = aggregates()


@st.composite
def _bodies(draw) -> tuple:
    """Literals and comparisons; now and then an aggregate among them (they are slow to draw: not too often)."""
    body = draw(plain_bodies)
    if draw(st.integers(0, 7)) == 0:
        position = draw(st.integers(0, len(body)))
        body = body[:position] + (draw(_aggregates),) + body[position:]
    return body


bodies = _bodies()
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


# Declared parameter types: the real ones mostly, any symbol too (the tree keeps an unknown type for the checks).
parameter_types = st.one_of(st.none(), st.sampled_from(sorted(PARAMETER_TYPES)), predicate_names)


@st.composite
def declarations(draw) -> Declaration:
    parameters = tuple(draw(st.lists(variable_names, max_size=3)))
    types = tuple(draw(parameter_types) for _ in parameters)
    if not any(types):
        types = ()  # untyped: the tree says so with no types at all
    return Declaration(
        draw(st.sampled_from(["input", "derived", "output"])),
        draw(predicate_names),
        parameters,
        draw(st.one_of(st.none(), st.text(max_size=30))),
        types=types,
    )


statements = st.one_of(
    st.builds(Fact, ground_atoms, annotations),
    st.builds(Rule, atoms(), bodies, annotations),
    bodiless_rules(),
    st.builds(Authority, symbols, st.text(max_size=30)),
    st.builds(ConstantReading, symbols, st.text(max_size=30)),
    declarations(),
    st.builds(Constraint, symbols, bodies, annotations),
    st.builds(Expectation, atoms(), st.booleans()),
    st.builds(Query, bodies),
    st.builds(Include, st.text(max_size=20), st.just(False)),
    st.builds(Include, symbols, st.just(True)),
)

printable_programs = st.lists(statements, max_size=8).map(lambda items: Program(tuple(items)))
