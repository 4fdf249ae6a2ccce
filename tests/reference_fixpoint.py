"""A brute-force naive fixpoint, written only for the tests: slow, obvious, and independent of the engines.

It shares no code with the backends or with `lexlog.kb.arithmetic`: its arithmetic uses `fractions` and its order
a plain sort key; it stratifies by its own obvious level computation, not the product's `strata()`, so a
stratification bug cannot fool both sides.  Rules are evaluated level by level; in a level, every rule is
re-applied to everything known until nothing changes.  Rules may be normalised or not: body atoms may
hold arithmetic (matched by evaluating it once the other atoms bound its variables) and `_` is fresh each time.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Iterable, Iterator, Optional

from lexlog.grammar.tree import BinaryOperation, Comparison, Constant, Literal, Rule, Variable


def _is_int(value) -> bool:
    return type(value) is int


def _arith(operator: str, a, b):
    if not (_is_int(a) and _is_int(b)):
        return None
    if operator == "+":
        return a + b
    if operator == "-":
        return a - b
    if operator == "*":
        return a * b
    if b == 0:
        return None
    if operator == "/":  # exact: an integral quotient is an int, any other a Fraction
        exact = Fraction(a, b)
        return exact.numerator if exact.denominator == 1 else exact
    return a - b * math.trunc(Fraction(a, b))


def _value(term, binding: dict):
    if isinstance(term, Constant):
        return term.value
    if isinstance(term, Variable):
        return binding[term.name]
    left, right = _value(term.left, binding), _value(term.right, binding)
    if left is None or right is None:
        return None
    return _arith(term.operator, left, right)


def _key(value):
    return (1, value) if isinstance(value, str) else (0, value)


def _compare(operator: str, a, b) -> bool:
    same = type(a) is type(b) and a == b
    return {
        "=": same,
        "!=": not same,
        "<": _key(a) < _key(b),
        "<=": _key(a) <= _key(b),
        ">": _key(a) > _key(b),
        ">=": _key(a) >= _key(b),
    }[operator]


def _has_unbound(term, binding: dict) -> bool:
    if isinstance(term, Variable):
        return term.is_anonymous or term.name not in binding
    if isinstance(term, BinaryOperation):
        return _has_unbound(term.left, binding) or _has_unbound(term.right, binding)
    return False


def _unify(arguments, row, binding: dict) -> Optional[dict]:
    """Extend binding so the plain arguments equal row; arithmetic arguments are checked later."""
    result = dict(binding)
    for argument, value in zip(arguments, row):
        if isinstance(argument, Constant):
            if not (type(argument.value) is type(value) and argument.value == value):
                return None
        elif isinstance(argument, Variable):
            if argument.is_anonymous:
                continue
            if argument.name in result:
                if not (type(result[argument.name]) is type(value) and result[argument.name] == value):
                    return None
            else:
                result[argument.name] = value
    return result


def _arithmetic_ok(arguments, row, binding: dict) -> bool:
    for argument, value in zip(arguments, row):
        if isinstance(argument, BinaryOperation):
            computed = _value(argument, binding)
            if computed is None or not (type(computed) is type(value) and computed == value):
                return False
    return True


def _bindings(positives: list, known: dict, binding: dict, rows: tuple = ()) -> Iterator[tuple[dict, tuple]]:
    """Every binding of the positive atoms' plain variables, with the row each atom matched."""
    if not positives:
        yield binding, rows
        return
    atom = positives[0]
    for row in list(known.get(atom.key, ())):
        extended = _unify(atom.arguments, row, binding)
        if extended is not None:
            yield from _bindings(positives[1:], known, extended, rows + (row,))


def _matches_some(atom, known: dict, binding: dict) -> bool:
    for row in known.get(atom.key, ()):
        extended = _unify(atom.arguments, row, binding)
        if extended is not None and _arithmetic_ok(atom.arguments, row, extended):
            return True
    return False


def _apply(rule: Rule, known: dict) -> Iterator[tuple]:
    positives = [item.atom for item in rule.body if isinstance(item, Literal) and not item.negated]
    for binding, rows in _bindings(positives, known, {}):
        binding = dict(binding)
        if not all(_arithmetic_ok(atom.arguments, row, binding) for atom, row in zip(positives, rows)):
            continue
        ok = True
        pending = [item for item in rule.body if not (isinstance(item, Literal) and not item.negated)]
        # assignments first (`_T = expr` whose variable no positive atom binds), then the rest
        for item in pending:
            if (
                isinstance(item, Comparison)
                and item.operator == "="
                and isinstance(item.left, Variable)
                and item.left.name not in binding
            ):
                value = _value(item.right, binding)
                if value is None:
                    ok = False
                    break
                binding[item.left.name] = value
        if not ok:
            continue
        for item in pending:
            if isinstance(item, Comparison):
                left, right = _value(item.left, binding), _value(item.right, binding)
                if left is None or right is None or not _compare(item.operator, left, right):
                    ok = False
                    break
            elif _matches_some(item.atom, known, binding):
                ok = False
                break
        if not ok:
            continue
        row = tuple(_value(argument, binding) for argument in rule.head.arguments)
        if all(value is not None for value in row):
            yield rule.head.key, row


def fixpoint(rules: Iterable[Rule], facts: dict) -> dict:
    """Every atom that follows, as {predicate key: frozenset of rows}; empty relations left out."""
    known: dict = {key: set(rows) for key, rows in facts.items()}
    for stratum in _levels(list(rules)):
        changed = True
        while changed:
            changed = False
            for rule in stratum:
                for key, row in list(_apply(rule, known)):
                    if row not in known.setdefault(key, set()):
                        known[key].add(row)
                        changed = True
    return {key: frozenset(rows) for key, rows in known.items() if rows}


def _levels(rules: list[Rule]) -> list[list[Rule]]:
    """Rules grouped by the level of their head: a head's level is at least each positive body predicate's and
    above each negated one's. Raised until nothing changes (a stratified program settles within as many rounds as
    it has predicates)."""
    level: dict = {}
    for _ in range(len({rule.head.key for rule in rules}) + 2):
        changed = False
        for rule in rules:
            needed = 0
            for item in rule.body:
                if isinstance(item, Literal):
                    below = level.get(item.atom.key, 0)
                    needed = max(needed, below + 1 if item.negated else below)
            if needed > level.get(rule.head.key, 0):
                level[rule.head.key] = needed
                changed = True
        if not changed:
            break
    else:
        raise ValueError("the program is not stratified")
    grouped: dict[int, list[Rule]] = {}
    for rule in rules:
        grouped.setdefault(level.get(rule.head.key, 0), []).append(rule)
    return [grouped[number] for number in sorted(grouped)]

