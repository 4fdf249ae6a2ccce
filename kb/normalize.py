"""Normal form of rules, the only form evaluation backends see.

`normalize_rule` makes two changes and nothing else:

1. every anonymous variable `_` becomes a fresh, uniquely named variable (`_G1`, `_G2`, ...);
2. every arithmetic argument of a body atom moves into a fresh variable and an `=` comparison:

   * positive atom: ``p(X + 1, Y)`` becomes ``p(_T1, Y), _T1 = X + 1``.  `_T1` is bound by the atom; the
     comparison, placed right after the atom, filters.
   * negated atom: ``not p(X + 1)`` becomes ``_T1 = X + 1, not p(_T1)``.  Here `_T1` occurs in no positive atom:
     the comparison *assigns* it (this is the one place a comparison binds; a backend evaluates such an `=`, whose
     left side is a variable no positive atom binds, as an assignment before the negated atom).

Fresh names never clash with a name already used in the rule.  Normalising twice changes nothing more.
"""

from __future__ import annotations

import itertools
from typing import Iterable

from lexlog.grammar.tree import (
    COMPUTED_TERMS,
    Aggregate,
    Atom,
    BinaryOperation,
    BodyItem,
    Call,
    Comparison,
    Literal,
    Rule,
    Term,
    Variable,
    term_variables,
)


class _FreshNames:
    def __init__(self, used: Iterable[str]):
        self.used = set(used)
        self.counters: dict[str, itertools.count] = {}

    def __call__(self, prefix: str) -> str:
        counter = self.counters.setdefault(prefix, itertools.count(1))
        while True:
            name = f"{prefix}{next(counter)}"
            if name not in self.used:
                self.used.add(name)
                return name


def _items_terms(items: Iterable[BodyItem | Atom]) -> list[Term]:
    terms: list[Term] = []
    for item in items:
        if isinstance(item, Atom):
            terms.extend(item.arguments)
        elif isinstance(item, Literal):
            terms.extend(item.atom.arguments)
        elif isinstance(item, Comparison):
            terms.extend((item.left, item.right))
        elif isinstance(item, Aggregate):
            terms.append(item.result)
            if item.term is not None:
                terms.append(item.term)
            terms.extend(_items_terms(item.body))
    return terms


def _used_names(items: Iterable[BodyItem | Atom]) -> set[str]:
    return {variable.name for term in _items_terms(items) for variable in term_variables(term)}


def _rename_anonymous(term: Term, fresh: _FreshNames) -> Term:
    if isinstance(term, Variable):
        return Variable(fresh("_G"), term.span) if term.is_anonymous else term
    if isinstance(term, BinaryOperation):
        left = _rename_anonymous(term.left, fresh)
        right = _rename_anonymous(term.right, fresh)
        if left is term.left and right is term.right:
            return term
        return BinaryOperation(term.operator, left, right, term.span)
    if isinstance(term, Call):
        arguments = tuple(_rename_anonymous(argument, fresh) for argument in term.arguments)
        if all(new is old for new, old in zip(arguments, term.arguments)):
            return term
        return Call(term.function, arguments, term.span)
    return term


def _rename_atom(atom: Atom, fresh: _FreshNames) -> Atom:
    arguments = tuple(_rename_anonymous(argument, fresh) for argument in atom.arguments)
    return Atom(atom.predicate, arguments, atom.span)


def _normalize_body(body: Iterable[BodyItem], fresh: _FreshNames) -> tuple[BodyItem, ...]:
    result: list[BodyItem] = []
    for item in body:
        if isinstance(item, Aggregate):
            term = None if item.term is None else _rename_anonymous(item.term, fresh)
            result.append(Aggregate(item.result, item.function, term, _normalize_body(item.body, fresh), item.span))
            continue
        if isinstance(item, Comparison):
            result.append(
                Comparison(
                    item.operator,
                    _rename_anonymous(item.left, fresh),
                    _rename_anonymous(item.right, fresh),
                    item.span,
                )
            )
            continue
        atom = _rename_atom(item.atom, fresh)
        arguments: list[Term] = []
        moved: list[Comparison] = []
        for argument in atom.arguments:
            if isinstance(argument, COMPUTED_TERMS):
                variable = Variable(fresh("_T"), argument.span)
                arguments.append(variable)
                moved.append(Comparison("=", variable, argument, argument.span))
            else:
                arguments.append(argument)
        literal = Literal(Atom(atom.predicate, tuple(arguments), atom.span), item.negated, item.span)
        if item.negated:
            result.extend(moved)
            result.append(literal)
        else:
            result.append(literal)
            result.extend(moved)
    return tuple(result)


def normalize_body(body: Iterable[BodyItem], reserved: Iterable[str] = ()) -> tuple[BodyItem, ...]:
    """The normal form of a body (a query's or a constraint's); fresh names avoid `reserved` and the body's own."""
    body = tuple(body)
    fresh = _FreshNames(_used_names(body) | set(reserved))
    return _normalize_body(body, fresh)


def normalize_rule(rule: Rule) -> Rule:
    """The rule in normal form (see the module documentation); annotations and spans are kept."""
    fresh = _FreshNames(_used_names((rule.head, *rule.body)))
    head = _rename_atom(rule.head, fresh)
    body = _normalize_body(rule.body, fresh)
    return Rule(head, body, rule.annotations, rule.span)


def is_normal(rule: Rule) -> bool:
    """Whether a rule is already in normal form."""
    for item in rule.body:
        if isinstance(item, Aggregate) and not is_normal(Rule(rule.head, item.body)):
            return False
        if isinstance(item, Literal):
            for argument in item.atom.arguments:
                if isinstance(argument, COMPUTED_TERMS):
                    return False
    return not any(variable.is_anonymous for term in _items_terms((rule.head, *rule.body)) for variable in term_variables(term))
