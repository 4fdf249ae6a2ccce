"""The syntax tree: frozen dataclasses, each node carrying where it came from.

Spans never take part in equality, so a tree parsed from printed source equals the original tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal as TypingLiteral, Mapping, Union

from lexlog.grammar.values import Value  # a number, a date or a string (see lexlog.grammar.values)


@dataclass(frozen=True)
class Span:
    """A region of source text; lines and columns count from 1, the end is exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


UNKNOWN_SPAN = Span("<unknown>", 0, 0, 0, 0)


def _span() -> Span:
    return field(default=UNKNOWN_SPAN, compare=False, repr=False)  # type: ignore[return-value]




@dataclass(frozen=True)
class Variable:
    name: str
    span: Span = _span()

    @property
    def is_anonymous(self) -> bool:
        return self.name == "_"


@dataclass(frozen=True)
class Constant:
    value: Value
    span: Span = _span()


ArithmeticOperator = TypingLiteral["+", "-", "*", "/", "%"]


@dataclass(frozen=True)
class BinaryOperation:
    """Arithmetic: `left op right`."""

    operator: ArithmeticOperator
    left: Term
    right: Term
    span: Span = _span()


@dataclass(frozen=True)
class Call:
    """A built-in function applied to terms: `round(X, 2, half_up)`, `add_months(D, 1)`.

    The parser takes any name; which functions exist, and with how many arguments, is the knowledge base's to
    check (`lexlog.kb.functions`).
    """

    function: str
    arguments: tuple[Term, ...]
    span: Span = _span()


Term = Union[Variable, Constant, BinaryOperation, Call]
COMPUTED_TERMS = (BinaryOperation, Call)
"""The terms whose value is computed from others (for `isinstance`)."""


@dataclass(frozen=True)
class Atom:
    predicate: str
    arguments: tuple[Term, ...] = ()
    span: Span = _span()

    @property
    def arity(self) -> int:
        return len(self.arguments)

    @property
    def key(self) -> tuple[str, int]:
        return (self.predicate, len(self.arguments))


@dataclass(frozen=True)
class Literal:
    """An atom in a body, possibly negated."""

    atom: Atom
    negated: bool = False
    span: Span = _span()


ComparisonOperator = TypingLiteral["=", "!=", "<", "<=", ">", ">="]


@dataclass(frozen=True)
class Comparison:
    operator: ComparisonOperator
    left: Term
    right: Term
    span: Span = _span()


AGGREGATE_FUNCTIONS: Mapping[str, str] = MappingProxyType(
    {
        "count": "the number of",
        "sum": "the sum of",
        "min": "the least of",
        "max": "the greatest of",
    }
)
"""The aggregate functions, each with the words explanations use for it."""


@dataclass(frozen=True)
class Aggregate:
    """`Result = sum Term : { body }`: the function over one term per distinct binding of the body's variables.

    The variables the body shares with the rest of the rule are fixed by it (they group); the others range. `term` is
    None for `count`.
    """

    result: Variable
    function: str
    term: Term | None
    body: tuple[BodyItem, ...]
    span: Span = _span()


BodyItem = Union[Literal, Comparison, Aggregate]


@dataclass(frozen=True)
class Citation:
    """An authority's short name and an optional pin cite (`648`, `994-95`, `*3`, `485 n.2`)."""

    authority: str
    pin: str | None = None
    span: Span = _span()


NOTE_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "later_law": "later law",
        "library_reading": "the library's own reading, no authority states it in terms",
        "benchmark_reading": "the reading a benchmark's labels require, against the authority's words",
    }
)
"""The kinds a `@note` may have, each with the words explanations use for it: the one list of them.

`later_law`: the rule rests on law decided after some of the events it may be applied to.
`library_reading`: the rule is the knowledge base's own reading, not a proposition an authority states in terms.
`benchmark_reading`: the rule departs from the cited authority's words because a benchmark's labelled answers
require it (the SARA tax cases); the note says where and why.
"""


@dataclass(frozen=True)
class Note:
    """`@note KIND "text"`: what a reader of the rule should know about its footing (see `NOTE_KINDS`).

    The kind is kept as written, known or not, so that the checks can name an unknown one; the span runs from the
    kind to the end of the text.
    """

    kind: str
    text: str
    span: Span = _span()


RuleKind = TypingLiteral["strict", "defeasible", "defeater"]

RULE_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "strict": "a strict rule: its conclusion follows whenever its conditions hold",
        "defeasible": "a defeasible rule: its conclusion follows unless a rule for the contrary is not defeated",
        "defeater": "a defeater: it concludes nothing, but blocks the contrary conclusion",
    }
)
"""The kinds of rule (`@defeasible`, `@defeater`; a rule marked neither is strict), each with its words."""

NEGATION_PREFIX = "~"
"""Strong negation: `~fly(X)` is a predicate of its own, `~fly`, that conflicts with `fly`."""


def complement(predicate: str) -> str:
    """`fly` ↔ `~fly`."""
    return predicate[1:] if predicate.startswith(NEGATION_PREFIX) else NEGATION_PREFIX + predicate


@dataclass(frozen=True)
class RuleReference:
    """A rule named by its `@label`, as in `@overrides general_rule`."""

    label: str
    span: Span = _span()


@dataclass(frozen=True)
class LawDate:
    """When a rule becomes law (`@since`) or ceases to be (`@until`): a date, or an authority whose decision
    date it is, with an optional reason (`@until 2024-06-01 "overruled by ..."`)."""

    date: Value | None = None
    authority: str | None = None
    reason: str | None = None
    span: Span = _span()


@dataclass(frozen=True)
class Annotations:
    """What stands before a rule, fact or constraint: a stable label, citations and notes; for a rule, also its
    kind, the rules it overrides and when it is in force."""

    label: str | None = None
    citations: tuple[Citation, ...] = ()
    label_span: Span = _span()
    notes: tuple[Note, ...] = ()
    kind: RuleKind = "strict"
    overrides: tuple[RuleReference, ...] = ()
    since: LawDate | None = None
    until: LawDate | None = None
    kind_span: Span = _span()

    @property
    def library_reading(self) -> bool:
        """Whether a note marks the statement as the library's own reading of the authorities, which no authority
        states in terms (`@note library_reading "..."`)."""
        return any(note.kind == "library_reading" for note in self.notes)

    @property
    def empty(self) -> bool:
        return (
            self.label is None
            and not self.citations
            and not self.notes
            and self.kind == "strict"
            and not self.overrides
            and self.since is None
            and self.until is None
        )

    @property
    def defeasible_part(self) -> bool:
        """Whether the annotations make the rule part of the defeasible layer (a kind or a priority)."""
        return self.kind != "strict" or bool(self.overrides)


NO_ANNOTATIONS = Annotations()


@dataclass(frozen=True)
class Fact:
    atom: Atom
    annotations: Annotations = NO_ANNOTATIONS
    span: Span = _span()


@dataclass(frozen=True)
class Rule:
    head: Atom
    body: tuple[BodyItem, ...]
    annotations: Annotations = NO_ANNOTATIONS
    span: Span = _span()


@dataclass(frozen=True)
class Authority:
    """A registry entry: short name, full citation and, optionally, the date it was decided or enacted."""

    name: str
    citation: str
    span: Span = _span()
    decided: Value | None = None


@dataclass(frozen=True)
class Conflict:
    """`conflict guilty, innocent.`: atoms of the two predicates with the same arguments are contrary
    conclusions, as `fly(X)` and `~fly(X)` always are."""

    first: str
    second: str
    span: Span = _span()


@dataclass(frozen=True)
class ConstantReading:
    """`constant no_fact_question "the order identifies no question of fact".`: how a symbol reads in
    explanations, wherever a predicate's reading puts it."""

    name: str
    reading: str
    span: Span = _span()


DeclarationKind = TypingLiteral["input", "derived", "output"]

PARAMETER_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "integer": "an integer",
        "number": "a number",
        "money": "a sum of money",
        "date": "a date",
        "string": "a string or symbol",
    }
)
"""The types a declared parameter may have (`input served_on(Case, Date: date).`), each with its words."""


@dataclass(frozen=True)
class Declaration:
    """A predicate's kind, its argument names and its English reading."""

    kind: DeclarationKind
    predicate: str
    parameters: tuple[str, ...]
    reading: str | None = None
    span: Span = _span()
    # One per parameter: its declared type (a key of PARAMETER_TYPES, or as written if unknown), or None.
    types: tuple[str | None, ...] = ()

    def type_of(self, position: int) -> str | None:
        return self.types[position] if position < len(self.types) else None

    @property
    def key(self) -> tuple[str, int]:
        return (self.predicate, len(self.parameters))


@dataclass(frozen=True)
class Constraint:
    """A named body that must never hold."""

    name: str
    body: tuple[BodyItem, ...]
    annotations: Annotations = NO_ANNOTATIONS
    span: Span = _span()


@dataclass(frozen=True)
class Expectation:
    """A golden test: the atom must follow (positive) or must not (negative)."""

    atom: Atom
    positive: bool = True
    span: Span = _span()


@dataclass(frozen=True)
class Query:
    body: tuple[BodyItem, ...]
    span: Span = _span()


@dataclass(frozen=True)
class Include:
    """Another file: a path relative to this one, or a bundled library by name."""

    target: str
    library: bool = False
    span: Span = _span()


@dataclass(frozen=True)
class Comment:
    """A comment, kept so that the printer can put it back; it has no meaning."""

    text: str
    span: Span = _span()


@dataclass(frozen=True)
class AsOf:
    """`as_of 2014-04-18.`: the date whose law a case file is judged by (its decision date, say), unless the
    user asks for another (`--as-of`, `:asof`)."""

    date: Value
    span: Span = _span()


Statement = Union[
    Fact, Rule, Authority, Declaration, Constraint, Expectation, Query, Include, Conflict, AsOf, ConstantReading
]


@dataclass(frozen=True)
class Program:
    statements: tuple[Statement, ...] = ()
    file: str = field(default="<input>", compare=False)
    comments: tuple[Comment, ...] = field(default=(), compare=False, repr=False)

    def of_type(self, kind: type) -> list:
        return [statement for statement in self.statements if isinstance(statement, kind)]


def term_variables(term: Term) -> list[Variable]:
    """The variables of a term, left to right, repeats included."""
    if isinstance(term, Variable):
        return [term]
    if isinstance(term, BinaryOperation):
        return term_variables(term.left) + term_variables(term.right)
    if isinstance(term, Call):
        return [variable for argument in term.arguments for variable in term_variables(argument)]
    return []


def atom_variables(atom: Atom) -> list[Variable]:
    return [variable for argument in atom.arguments for variable in term_variables(argument)]


def is_ground(atom: Atom) -> bool:
    return all(isinstance(argument, Constant) for argument in atom.arguments)
