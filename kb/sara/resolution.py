"""The ground facts a SARA case's own clauses give: a small Prolog interpreter for the finite generators its rules
are (`between/3`, `member/2`, `atom_concat/3`, if-then-else, the date helpers), run on each head with every argument
open. An argument a solution leaves open (a `_` in a fact) becomes a constant of its own, `unnamed_N`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Iterator, Mapping

from lexlog.grammar.values import date_from_text
from lexlog.kb.sara.prolog import Atom, Clause, Compound, Integer, Position, PrologList, String, Term, Variable

Substitution = Mapping[str, Term]

STEP_LIMIT = 2_000_000
"""Resolution steps one case may take; SARA's generators need a few thousand."""


class ResolutionError(Exception):
    def __init__(self, message: str, position: Position | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Unnamed:
    """A value a case leaves unnamed: one individual, distinct from every named one."""

    number: int

    @property
    def name(self) -> str:
        return f"unnamed_{self.number}"


def walk(term: Term, substitution: Substitution) -> Term:
    while isinstance(term, Variable) and term.name in substitution:
        term = substitution[term.name]
    return term


def resolve(term: Term, substitution: Substitution) -> Term:
    term = walk(term, substitution)
    if isinstance(term, Compound):
        return Compound(term.name, tuple(resolve(a, substitution) for a in term.arguments), term.position)
    if isinstance(term, PrologList):
        return PrologList(tuple(resolve(a, substitution) for a in term.items))
    return term


def unify(left: Term, right: Term, substitution: dict[str, Term]) -> dict[str, Term] | None:
    left, right = walk(left, substitution), walk(right, substitution)
    if isinstance(left, Variable):
        if isinstance(right, Variable) and right.name == left.name:
            return substitution
        return {**substitution, left.name: right}
    if isinstance(right, Variable):
        return {**substitution, right.name: left}
    if isinstance(left, Compound) and isinstance(right, Compound) and left.name == right.name:
        return _unify_all(left.arguments, right.arguments, substitution)
    if isinstance(left, PrologList) and isinstance(right, PrologList):
        return _unify_all(left.items, right.items, substitution)
    return substitution if left == right else None


def _unify_all(lefts: tuple[Term, ...], rights: tuple[Term, ...], substitution: dict[str, Term]) -> dict[str, Term] | None:
    if len(lefts) != len(rights):
        return None
    for left, right in zip(lefts, rights):
        substitution = unify(left, right, substitution)
        if substitution is None:
            return None
    return substitution


def _text(term: Term) -> str | None:
    if isinstance(term, Atom):
        return term.name
    if isinstance(term, String):
        return term.text
    if isinstance(term, Integer):
        return str(term.value)
    return None


def _date(term: Term) -> datetime.date | None:
    text = _text(term)
    try:
        return date_from_text(text) if text else None
    except ValueError:
        return None


class Interpreter:
    """SLD resolution over one case's clauses and the built-ins SARA's case rules use."""

    def __init__(self, clauses: list[Clause]) -> None:
        self.clauses: dict[tuple[str, int], list[Clause]] = {}
        for clause in clauses:
            if clause.head is None:
                continue
            key = _key(clause.head)
            if key is None:
                raise ResolutionError("a clause's head must be an atom or a compound term", clause.position)
            self.clauses.setdefault(key, []).append(clause)
        self.renaming = 0
        self.steps = 0
        self.unnamed = 0  # values left open so far, numbered across every head of the case

    def heads(self) -> list[tuple[str, int]]:
        return list(self.clauses)

    def solutions(self, goal: Term) -> Iterator[dict[str, Term]]:
        yield from self._solve(goal, {})

    def _rename(self, clause: Clause) -> tuple[Term, Term | None]:
        self.renaming += 1
        suffix = f"#{self.renaming}"

        def rename(term: Term) -> Term:
            if isinstance(term, Variable):
                return Variable(term.name + suffix)
            if isinstance(term, Compound):
                return Compound(term.name, tuple(rename(a) for a in term.arguments), term.position)
            if isinstance(term, PrologList):
                return PrologList(tuple(rename(a) for a in term.items))
            return term

        assert clause.head is not None
        return rename(clause.head), rename(clause.body) if clause.body is not None else None

    def _solve(self, goal: Term, substitution: dict[str, Term]) -> Iterator[dict[str, Term]]:
        self.steps += 1
        if self.steps > STEP_LIMIT:
            raise ResolutionError(f"the case's rules take more than {STEP_LIMIT:,} steps; are they finite?")
        goal = walk(goal, substitution)
        if isinstance(goal, Variable):
            raise ResolutionError("a variable stands where a goal is expected")
        if isinstance(goal, Atom):
            goal = Compound(goal.name, ())
        if not isinstance(goal, Compound):
            raise ResolutionError(f"{_show(goal)} is not a goal")
        name, arguments = goal.name, goal.arguments
        if name == "," and len(arguments) == 2:
            for middle in self._solve(arguments[0], substitution):
                yield from self._solve(arguments[1], middle)
        elif name == ";" and len(arguments) == 2:
            condition = walk(arguments[0], substitution)
            if isinstance(condition, Compound) and condition.name == "->" and len(condition.arguments) == 2:
                first = next(iter(self._solve(condition.arguments[0], substitution)), None)
                if first is not None:
                    yield from self._solve(condition.arguments[1], first)
                else:
                    yield from self._solve(arguments[1], substitution)
            else:
                yield from self._solve(arguments[0], substitution)
                yield from self._solve(arguments[1], substitution)
        elif name == "->" and len(arguments) == 2:
            first = next(iter(self._solve(arguments[0], substitution)), None)
            if first is not None:
                yield from self._solve(arguments[1], first)
        elif name == "\\+" and len(arguments) == 1:
            if next(iter(self._solve(arguments[0], substitution)), None) is None:
                yield substitution
        elif name in ("true",) and not arguments:
            yield substitution
        elif name in ("fail", "false") and not arguments:
            return
        elif (name, len(arguments)) in self.clauses:
            for clause in self.clauses[(name, len(arguments))]:
                head, body = self._rename(clause)
                unified = unify(head, goal, substitution)
                if unified is None:
                    continue
                if body is None:
                    yield unified
                else:
                    yield from self._solve(body, unified)
        elif (name, len(arguments)) in BUILTINS:
            yield from BUILTINS[(name, len(arguments))](self, [walk(a, substitution) for a in arguments], substitution)
        else:
            raise ResolutionError(
                f"the case's rules call {name}/{len(arguments)}, which is neither defined in the case nor a built-in "
                f"the importer knows ({', '.join(sorted(f'{n}/{a}' for n, a in BUILTINS))})",
                goal.position,
            )


def _between(interpreter, arguments, substitution):
    low, high, value = arguments
    if not isinstance(low, Integer) or not isinstance(high, Integer):
        raise ResolutionError("between/3 needs whole-number bounds")
    if isinstance(value, Integer):
        if low.value <= value.value <= high.value:
            yield substitution
        return
    for number in range(low.value, high.value + 1):
        unified = unify(value, Integer(number), substitution)
        if unified is not None:
            yield unified


def _member(interpreter, arguments, substitution):
    element, items = arguments
    if not isinstance(items, PrologList):
        raise ResolutionError("member/2 needs a list written out")
    for item in items.items:
        unified = unify(element, item, substitution)
        if unified is not None:
            yield unified


def _atom_concat(interpreter, arguments, substitution):
    first, second, whole = arguments
    left, right = _text(first), _text(second)
    if left is None or right is None:
        raise ResolutionError("atom_concat/3 is supported with its first two arguments given")
    unified = unify(whole, Atom(left + right), substitution)
    if unified is not None:
        yield unified


def _compare_structurally(equal: bool):
    def builtin(interpreter, arguments, substitution):
        left, right = (resolve(a, substitution) for a in arguments)
        if (left == right) == equal:
            yield substitution

    return builtin


def _unify_builtin(interpreter, arguments, substitution):
    unified = unify(arguments[0], arguments[1], substitution)
    if unified is not None:
        yield unified


def _not_unifiable(interpreter, arguments, substitution):
    if unify(arguments[0], arguments[1], substitution) is None:
        yield substitution


def _var(interpreter, arguments, substitution):
    if isinstance(arguments[0], Variable):
        yield substitution


def _nonvar(interpreter, arguments, substitution):
    if not isinstance(arguments[0], Variable):
        yield substitution


def _year_day(month_day: str):
    def builtin(interpreter, arguments, substitution):
        year, day = arguments
        if not isinstance(year, Integer):
            raise ResolutionError("first_day_year/2 and last_day_year/2 need the year given")
        unified = unify(day, String(f"{year.value:04d}-{month_day}"), substitution)
        if unified is not None:
            yield unified

    return builtin


def _is_before(interpreter, arguments, substitution):
    first, second = (_date(a) for a in arguments)
    if first is None or second is None:
        raise ResolutionError("is_before/2 needs two dates given as \"YYYY-MM-DD\"")
    if first <= second:
        yield substitution


def _split_string(interpreter, arguments, substitution):
    text, separators, padding, parts = (_text(a) if not isinstance(a, Variable) else None for a in arguments[:3]) + (
        arguments[3],
    )
    if text is None or separators is None or padding is None:
        raise ResolutionError("split_string/4 needs its first three arguments given")
    pieces: list[str] = []
    current = ""
    for character in text:
        if character in separators:
            pieces.append(current)
            current = ""
        else:
            current += character
    pieces.append(current)
    result = PrologList(tuple(String(piece.strip(padding)) for piece in pieces))
    unified = unify(parts, result, substitution)
    if unified is not None:
        yield unified


def _atom_number(interpreter, arguments, substitution):
    text = _text(arguments[0])
    if text is None:
        raise ResolutionError("atom_number/2 is supported with its first argument given")
    try:
        number = int(text)
    except ValueError:
        return
    unified = unify(arguments[1], Integer(number), substitution)
    if unified is not None:
        yield unified


BUILTINS = {
    ("between", 3): _between,
    ("member", 2): _member,
    ("atom_concat", 3): _atom_concat,
    ("==", 2): _compare_structurally(True),
    ("\\==", 2): _compare_structurally(False),
    ("=", 2): _unify_builtin,
    ("\\=", 2): _not_unifiable,
    ("var", 1): _var,
    ("nonvar", 1): _nonvar,
    ("first_day_year", 2): _year_day("01-01"),
    ("last_day_year", 2): _year_day("12-31"),
    ("is_before", 2): _is_before,
    ("split_string", 4): _split_string,
    ("atom_number", 2): _atom_number,
}


def _key(term: Term) -> tuple[str, int] | None:
    if isinstance(term, Atom):
        return term.name, 0
    if isinstance(term, Compound):
        return term.name, len(term.arguments)
    return None


def _show(term: Term) -> str:
    text = _text(term)
    return text if text is not None else type(term).__name__


GroundArgument = Atom | String | Integer | Unnamed | PrologList


def ground_instances(interpreter: Interpreter, key: tuple[str, int]) -> list[tuple[GroundArgument, ...]]:
    """Every answer to `name(X1, ..., Xn)` with its arguments resolved, without repeats; an argument left open is a
    fresh `Unnamed`, numbered after those the interpreter has given before."""
    name, arity = key
    variables = tuple(Variable(f"Head{position}") for position in range(arity))
    goal: Term = Compound(name, variables) if arity else Atom(name)
    instances: list[tuple[GroundArgument, ...]] = []
    seen: set[tuple] = set()

    def fresh() -> Unnamed:
        interpreter.unnamed += 1
        return Unnamed(interpreter.unnamed)

    for solution in interpreter.solutions(goal):
        open_names: dict[str, Unnamed] = {}
        row = tuple(_ground(resolve(variable, solution), open_names, fresh) for variable in variables)
        if row not in seen:
            seen.add(row)
            instances.append(row)
    return instances


def _ground(term: Term, open_names: dict[str, Unnamed], fresh) -> GroundArgument:
    if isinstance(term, Variable):
        if term.name not in open_names:
            open_names[term.name] = fresh()
        return open_names[term.name]
    if isinstance(term, PrologList):
        return PrologList(tuple(_ground(item, open_names, fresh) for item in term.items))
    if isinstance(term, Compound):
        raise ResolutionError(f"a fact's argument is a compound term ({term.name}/{len(term.arguments)}); facts hold values")
    return term
