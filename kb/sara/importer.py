"""A SARA case file as a lexlog case over `<us_tax>`: the facts its clauses give, its question as a goal, and the
answer its label expects.

The case vocabulary is SARA's (events, roles and statute predicates keep their names), with these translations:
- a statute predicate the case states (`s151_c(alice, _, 2000, 2015)`) is written as the library's `stated_`
  input (`stated_s151_c(alice, unnamed_1, 2000, 2015)`): given facts add to what the library derives;
- a `_` in a fact is a value of its own, `unnamed_N`; a role fact whose event is left open
  (`purpose_(_, "agricultural labor")`) holds for every event the case names;
- dates written as strings are dates; SARA's auxiliary and list arguments are dropped where the library keeps none
  (`ARGUMENT_MAP`), and a list the question compares (`[2000]`) is compared as the rows it stands for;
- the question's years, amounts and dates are stated (`question_year(2017)`), so that provisions that are pure
  computations apply to them.
A construct that cannot be translated is a `SaraImportError` naming it and its line; a fact that the library has no
place for is left out with a warning, as SARA's own encoding ignores it.
"""

from __future__ import annotations

import datetime
import os
import re
import textwrap
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from lexlog.grammar.printer import print_atom, print_body_item
from lexlog.grammar.tree import Aggregate, Atom, BodyItem, Comparison, Constant, Declaration, Literal, Term, Variable
from lexlog.grammar.values import date_from_text
from lexlog.kb.checks import fits_type
from lexlog.kb.formatting import write_atomically
from lexlog.kb.loader import SourceRefused, read_source, unreadable_reason
from lexlog.kb.sara import prolog
from lexlog.kb.sara.prolog import CaseFile, Position, PrologSyntaxError, read_case_file
from lexlog.kb.sara.resolution import Interpreter, ResolutionError, Unnamed, ground_instances

ARGUMENT_MAP: Mapping[tuple[str, int], tuple[str, tuple[int, ...]]] = {
    ("s7703", 9): ("s7703", (0, 1, 8)),
    ("s151", 5): ("s151", (0, 1, 4)),
    ("s63_d", 4): ("s63_d", (0, 2, 3)),
    ("s3306_b", 11): ("s3306_b", (0, 1, 2, 3, 4, 9, 10)),
    ("s151_b", 3): ("s151_b_taxpayer", (0, 1, 2)),
    ("s151_b_applies", 2): ("s151_b_applies_taxpayer", (0, 1)),
}
"""SARA predicate and arity -> the library's predicate and the SARA argument positions it keeps."""

LIST_ROWS: Mapping[tuple[str, int], tuple[int, int]] = {("s63_d_2", 4): (1, 2)}
"""A SARA predicate whose arguments are parallel lists (who, amount) -> the positions of the two lists; the library
holds one row per element."""

ROLES = frozenset(
    "agent_ patient_ start_ end_ amount_ purpose_ means_ location_ type_ reason_ beneficiary_ destination_".split()
)
"""The role predicates: the event first, then the value."""

class SaraImportError(Exception):
    """A construct the importer cannot translate, with the line it is on."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Vocabulary:
    """What the importer needs of the library: its declarations by name."""

    declarations: Mapping[str, Declaration]

    @classmethod
    def of(cls, declarations: Iterable[Declaration]) -> "Vocabulary":
        return cls({d.predicate: d for d in declarations})

    def declared(self, name: str, arity: int) -> Declaration | None:
        declaration = self.declarations.get(name)
        return declaration if declaration is not None and len(declaration.parameters) == arity else None

    def event_types(self) -> set[str]:
        return {
            name
            for name, d in self.declarations.items()
            if d.kind == "input" and name.endswith("_") and len(d.parameters) == 1
        }


@dataclass(frozen=True)
class ImportedCase:
    """One SARA case as lexlog: facts (ground atoms), the question (a conjunction, or a rule when it compares a
    list), whether the label expects it to hold, and what the import had to leave out."""

    name: str
    text: str
    question: str
    facts: tuple[Atom, ...]
    goal: tuple[BodyItem, ...]
    expect_holds: bool
    uses_rule: bool = False
    impossible: str | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def is_tax_amount(self) -> bool:
        return len(self.goal) == 1 and isinstance(self.goal[0], Literal) and self.goal[0].atom.predicate == "tax"

    def lexlog_source(self) -> str:
        lines = [f"% SARA case {self.name} (Holzenberger, Blair-Stanek & Van Durme, NLLP 2020), imported by lexlog."]
        lines += _comment_block("Case", self.text) + _comment_block("Question", self.question)
        lines += [f"% Import: {warning}" for warning in self.warnings]
        lines += ["", "include <us_tax>.", ""]
        lines += [f"{print_atom(fact)}." for fact in self.facts]
        lines.append("")
        if self.impossible is not None:
            lines.append(f"% The question cannot hold: {self.impossible}.")
            return "\n".join(lines) + "\n"
        body = ", ".join(print_body_item(item) for item in self.goal)
        single = len(self.goal) == 1 and isinstance(self.goal[0], Literal) and not self.goal[0].negated
        if single and not self.uses_rule:
            assert isinstance(self.goal[0], Literal)
            lines.append(f"expect {'' if self.expect_holds else 'not '}{print_atom(self.goal[0].atom)}.")
        else:
            lines.append('derived question_holds() "the proposition the question asks about holds".')
            lines.append(f"question_holds :- {body}.")
            lines.append(f"expect {'' if self.expect_holds else 'not '}question_holds.")
        return "\n".join(lines) + "\n"


def _comment_block(title: str, text: str) -> list[str]:
    return [f"% {title}:"] + [f"%   {line}" for line in textwrap.wrap(text, 100)]


def write_lexlog_case(case: ImportedCase, directory: str) -> str:
    """Write the case as DIRECTORY/NAME.dl (the folder made if need be, the file replaced atomically); its path."""
    os.makedirs(directory, exist_ok=True)
    target = os.path.join(directory, f"{case.name}.dl")
    write_atomically(target, case.lexlog_source())
    return target


def case_name(path: str) -> str:
    """`cases/s151_a_pos.pl` -> `s151_a_pos`."""
    return re.sub(r"\.pl$", "", os.path.basename(path))


def import_case_file(path: str, vocabulary: Vocabulary) -> ImportedCase:
    """A case file, read as lexlog reads its own files (a regular file of bounded size, UTF-8)."""
    try:
        source = read_source(path)
    except (OSError, UnicodeDecodeError, SourceRefused) as error:
        raise SaraImportError(f"cannot read the file: {unreadable_reason(error)}") from None
    return import_case(source, case_name(path), vocabulary)


def import_case(source: str, name: str, vocabulary: Vocabulary) -> ImportedCase:
    try:
        case = read_case_file(source)
    except PrologSyntaxError as error:
        raise SaraImportError(error.message, error.position.line) from None
    warnings = [f"{repair} (SARA's file)" for repair in case.repaired]
    facts = _facts(case, vocabulary, warnings)
    goal, expect_holds = _split_negation(case.goal)
    translator = _GoalTranslator(vocabulary, case.goal_position)
    impossible: str | None = None
    try:
        body = translator.conjunction(goal)
    except _Impossible as reason:
        body, impossible = (), str(reason)
    facts += translator.question_facts()
    return ImportedCase(
        name=name,
        text=case.text,
        question=case.question,
        facts=tuple(_unique(facts)),
        goal=tuple(body),
        expect_holds=expect_holds,
        uses_rule=translator.uses_rule,
        impossible=impossible,
        warnings=tuple(warnings),
    )


def _unique(atoms: Iterable[Atom]) -> list[Atom]:
    seen: set[tuple] = set()
    result = []
    for atom in atoms:
        key = (atom.predicate, tuple((type(a.value), a.value) for a in atom.arguments if isinstance(a, Constant)))
        if key not in seen:
            seen.add(key)
            result.append(atom)
    return result


def _split_negation(goal: prolog.Term) -> tuple[prolog.Term, bool]:
    if isinstance(goal, prolog.Compound) and goal.name == "\\+" and len(goal.arguments) == 1:
        return goal.arguments[0], False
    return goal, True


# --- facts ----------------------------------------------------------------------------------------------------


def _facts(case: CaseFile, vocabulary: Vocabulary, warnings: list[str]) -> list[Atom]:
    try:
        interpreter = Interpreter(list(case.clauses))
        rows = {key: ground_instances(interpreter, key) for key in interpreter.heads()}
    except ResolutionError as error:
        raise SaraImportError(error.message, error.position.line if error.position else None) from None
    events = _events(rows, vocabulary)
    defined_by_case = {key for key in rows if not _is_vocabulary(key, vocabulary)}
    atoms: list[Atom] = []
    for key, found in rows.items():
        name, arity = key
        if key in defined_by_case:
            if _looks_like_statute(name) or name.endswith("_") or not _used_in_bodies(case, key):
                warnings.append(f"{name}/{arity} is not a predicate of <us_tax> with {arity} arguments; its facts are left out")
            continue
        target, positions = _target(key, vocabulary)
        for row in found:
            values = [_value(row[p]) for p in positions]
            if name in ROLES and isinstance(row[0], Unnamed):
                # `purpose_(_, X)`: the role holds of every event the case names.
                atoms += [_atom(target, [event] + values[1:]) for event in events]
                continue
            declaration = vocabulary.declared(target, len(values))
            if declaration is not None and not all(fits_type(v, declaration.type_of(i) or "") for i, v in enumerate(values)):
                warnings.append(f"{name}{_show_row(row)} does not fit the types of {target}; left out")
                continue
            atoms.append(_atom(target, values))
    return atoms


EVENT_PARAMETERS = frozenset({"Event", "Service", "Payment", "Plan"})
"""The parameter names by which a library predicate declares that an argument is an event."""


def _events(rows: Mapping[tuple[str, int], list[tuple]], vocabulary: Vocabulary) -> list[object]:
    """Every event the case names: the argument of an event type (`service_(e)`), the event of a role, and an
    argument a stated statute fact holds where the library declares an event (`stated_s3306_c(Service, ...)`)."""
    event_types = vocabulary.event_types()
    found: set[object] = set()
    for key, instances in rows.items():
        name = key[0]
        target, positions = _target(key, vocabulary)
        declaration = vocabulary.declared(target, len(positions))
        for row in instances:
            if name in event_types or name in ROLES:
                places = [0]
            elif declaration is not None:
                places = [p for i, p in enumerate(positions) if declaration.parameters[i] in EVENT_PARAMETERS]
            else:
                places = []
            found.update(_value(row[p]) for p in places if not isinstance(row[p], (Unnamed, prolog.PrologList)))
    return sorted(found, key=str)


def _is_vocabulary(key: tuple[str, int], vocabulary: Vocabulary) -> bool:
    target, positions = _target(key, vocabulary)
    return vocabulary.declared(target, len(positions)) is not None


def _target(key: tuple[str, int], vocabulary: Vocabulary) -> tuple[str, tuple[int, ...]]:
    """The library predicate a case's facts of `key` go to, and the SARA positions it keeps: the `stated_` input
    where the library has one (a statute predicate the case states), else the predicate itself."""
    name, arity = key
    mapped, positions = ARGUMENT_MAP.get(key, (name, tuple(range(arity))))
    stated = f"stated_{mapped}"
    if vocabulary.declared(stated, len(positions)) is not None:
        return stated, positions
    return mapped, positions


def _looks_like_statute(name: str) -> bool:
    return re.fullmatch(r"s\d+(_\w+)?", name) is not None


def _used_in_bodies(case: CaseFile, key: tuple[str, int]) -> bool:
    def mentions(term: prolog.Term) -> bool:
        if isinstance(term, prolog.Compound):
            return (term.name, len(term.arguments)) == key or any(mentions(a) for a in term.arguments)
        if isinstance(term, prolog.Atom):
            return (term.name, 0) == key
        return False

    return any(clause.body is not None and mentions(clause.body) for clause in case.clauses)


def _value(term) -> object:
    if isinstance(term, Unnamed):
        return term.name
    if isinstance(term, prolog.Integer):
        return term.value
    if isinstance(term, prolog.String):
        return _date_or_text(term.text)
    if isinstance(term, prolog.Atom):
        return term.name
    raise SaraImportError(f"a fact holds a {type(term).__name__.lower()} where a value is expected")


def _date_or_text(text: str) -> object:
    """SARA writes dates as strings: a string that is a date in the form YYYY-MM-DD is that date."""
    try:
        return date_from_text(text)
    except ValueError:
        return text


def _atom(name: str, values: Sequence[object]) -> Atom:
    return Atom(name, tuple(Constant(v) for v in values))


def _show_row(row: tuple) -> str:
    return "(" + ", ".join(str(_value(v)) if not isinstance(v, prolog.PrologList) else "[...]" for v in row) + ")"


# --- the question ---------------------------------------------------------------------------------------------


class _Impossible(Exception):
    """The question names a value its predicate can never hold (a person where an amount is declared)."""


class _GoalTranslator:
    def __init__(self, vocabulary: Vocabulary, position: Position) -> None:
        self.vocabulary = vocabulary
        self.line = position.line
        self.years: set[int] = set()
        self.amounts: set[object] = set()
        self.dates: set[datetime.date] = set()
        self.uses_rule = False
        self.fresh = 0

    def fail(self, message: str) -> SaraImportError:
        return SaraImportError(message, self.line)

    def conjunction(self, goal: prolog.Term) -> list[BodyItem]:
        if isinstance(goal, prolog.Compound) and goal.name == "," and len(goal.arguments) == 2:
            return self.conjunction(goal.arguments[0]) + self.conjunction(goal.arguments[1])
        return self.literal(goal)

    def literal(self, goal: prolog.Term) -> list[BodyItem]:
        if isinstance(goal, prolog.Atom):
            goal = prolog.Compound(goal.name, ())
        if not isinstance(goal, prolog.Compound):
            raise self.fail("the question is not a goal")
        name, arguments = goal.name, goal.arguments
        if name == "\\+" and len(arguments) == 1:
            try:
                inner = self.literal(arguments[0])
            except _Impossible:
                return []  # the negation of what cannot hold always holds
            if len(inner) != 1 or not isinstance(inner[0], Literal):
                raise self.fail("a negation inside the question must be of one atom")
            return [Literal(inner[0].atom, negated=not inner[0].negated)]
        if name == "var" and len(arguments) == 1:
            # An open end: the library writes a relationship with no end as `open`.
            return [Comparison("=", self.term(arguments[0], None), Constant("open"))]
        if name == "is_before" and len(arguments) == 2:
            return [Comparison("<=", self.term(arguments[0], "date"), self.term(arguments[1], "date"))]
        if name in ("==", "=") and len(arguments) == 2:
            return [Comparison("=", self.term(arguments[0], None), self.term(arguments[1], None))]
        if name in (",", ";", "->"):
            raise self.fail(f"'{name}' inside a negation or a disjunction in the question is not supported")
        key = (name, len(arguments))
        if key in LIST_ROWS:
            return self.list_rows(name, arguments)
        target, positions = ARGUMENT_MAP.get(key, (name, tuple(range(len(arguments)))))
        declaration = self.vocabulary.declared(target, len(positions))
        if declaration is None:
            raise self.fail(f"the question asks {name}/{len(arguments)}, which <us_tax> does not define")
        for position in set(range(len(arguments))) - set(positions):
            if not isinstance(arguments[position], prolog.Variable):
                raise self.fail(f"argument {position + 1} of {name}/{len(arguments)} is not kept by <us_tax>; the question gives it a value")
        terms = tuple(self.term(arguments[p], declaration.type_of(i), target) for i, p in enumerate(positions))
        return [Literal(Atom(target, terms))]

    def list_rows(self, name: str, arguments: Sequence[prolog.Term]) -> list[BodyItem]:
        who_position, amount_position = LIST_ROWS[(name, len(arguments))]
        lists = arguments[amount_position]
        if not isinstance(lists, prolog.PrologList) or not isinstance(arguments[who_position], prolog.Variable):
            raise self.fail(f"{name}/{len(arguments)} is supported with its list of amounts given and its list of persons open")
        declaration = self.vocabulary.declared(name, len(arguments))
        if declaration is None:
            raise self.fail(f"the question asks {name}/{len(arguments)}, which <us_tax> does not define")
        self.uses_rule = True
        fixed = {
            i: self.term(a, declaration.type_of(i), name)
            for i, a in enumerate(arguments)
            if i not in (who_position, amount_position)
        }

        def row(who: Term, amount: Term) -> Atom:
            terms = [fixed.get(i) for i in range(len(arguments))]
            terms[who_position], terms[amount_position] = who, amount
            return Atom(name, tuple(terms))

        expected = [self.term(item, declaration.type_of(amount_position), name) for item in lists.items]
        items: list[BodyItem] = []
        counts: dict[object, int] = {}
        for term in expected:
            if not isinstance(term, Constant):
                raise self.fail("the list in the question must hold values")
            counts[term.value] = counts.get(term.value, 0) + 1
        total = self.variable("Count")
        items.append(Aggregate(total, "count", None, (Literal(row(self.variable("Who"), self.variable("Amount"))),)))
        items.append(Comparison("=", total, Constant(len(expected))))
        for value, count in counts.items():
            each = self.variable("Count")
            items.append(Aggregate(each, "count", None, (Literal(row(self.variable("Who"), Constant(value))),)))
            items.append(Comparison("=", each, Constant(count)))
        return items

    def variable(self, stem: str) -> Variable:
        self.fresh += 1
        return Variable(f"{stem}{self.fresh}")

    def term(self, argument: prolog.Term, type_name: str | None, predicate: str = "") -> Term:
        if isinstance(argument, prolog.Variable):
            return Variable("_" if argument.is_anonymous else argument.name)
        if isinstance(argument, prolog.PrologList):
            raise self.fail(f"a list in an argument of {predicate} is not supported")
        if isinstance(argument, prolog.Compound):
            raise self.fail(f"a compound term {argument.name}/{len(argument.arguments)} in the question is not supported")
        value = _value(argument)
        if type_name and not fits_type(value, type_name):
            raise _Impossible(f"{value} is not of the type {type_name} that {predicate} declares there")
        if type_name == "integer" and isinstance(value, int):
            self.years.add(value)
        elif type_name == "money":
            self.amounts.add(value)
        elif isinstance(value, datetime.date):
            self.dates.add(value)
        return Constant(value)

    def question_facts(self) -> list[Atom]:
        facts = [_atom("question_year", [y]) for y in sorted(self.years)]
        facts += [_atom("question_amount", [a]) for a in sorted(self.amounts, key=str)]
        facts += [_atom("question_date", [d]) for d in sorted(self.dates)]
        return facts
