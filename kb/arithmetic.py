"""Arithmetic, built-in function calls and the total order of values: the one definition every evaluator shares.

Values are numbers, dates and strings (see `lexlog.grammar.values`).

* Numbers are exact: `+ - *` as in school; `/` is exact division (`7 / 2` is 3.5; `quotient` rounds toward
  zero); `%` is the remainder of `quotient`, with the sign of the dividend (`-7 % 2` is -1), so
  `a == quotient(a, b) * b + a % b` always holds.
* Dates: `date + days`, `days + date` and `date - days` are dates; `date - date` is the number of days between.
* Division or remainder by zero, arithmetic on a string, a date outside years 1-9999, a call a function cannot
  answer: the value is *undefined*, `evaluate` returns None and the rule instance (or comparison) that needed it
  produces nothing.
* The order used by `< <= > >=`: numbers (by value), then dates (in time), then strings (by code point, which is
  also the byte order of their UTF-8 encodings).  `=` and `!=` compare values, so `1` and `"1"` differ.
"""

from __future__ import annotations

import datetime
from fractions import Fraction
from typing import Mapping, Optional

from lexlog.grammar.tree import (
    BinaryOperation,
    Call,
    Comparison,
    Constant,
    Term,
    Value,
    Variable,
)
from lexlog.grammar.values import (
    canonical_number,
    is_date,
    is_number,
    order_key,
    same_value,
)
from lexlog.kb import functions

Binding = Mapping[str, Value]
"""Variable name -> value."""


class UnboundVariable(KeyError):
    """A term mentions a variable the binding does not give a value to (a caller bug: rules are safe)."""


def is_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def apply_operator(operator: str, left: Optional[Value], right: Optional[Value]) -> Optional[Value]:
    """`left operator right`, or None when undefined."""
    if is_number(left) and is_number(right):
        return _number_operation(operator, left, right)  # type: ignore[arg-type]
    if is_date(left) or is_date(right):
        return _date_operation(operator, left, right)
    return None


def _number_operation(operator: str, left: int | Fraction, right: int | Fraction) -> Optional[int | Fraction]:
    if operator == "+":
        return canonical_number(left + right)
    if operator == "-":
        return canonical_number(left - right)
    if operator == "*":
        return canonical_number(left * right)
    if operator == "/":
        return None if right == 0 else canonical_number(Fraction(left) / Fraction(right))
    if operator == "%":
        whole = functions.quotient(left, right)
        return None if whole is None else canonical_number(left - right * whole)
    raise ValueError(f"unknown arithmetic operator {operator!r}")


def _date_operation(operator: str, left: Optional[Value], right: Optional[Value]) -> Optional[Value]:
    try:
        if operator == "-" and is_date(left) and is_date(right):
            return (left - right).days  # type: ignore[operator]
        if operator == "+" and is_date(left) and is_integer(right):
            return left + datetime.timedelta(days=right)  # type: ignore[operator, arg-type]
        if operator == "+" and is_integer(left) and is_date(right):
            return right + datetime.timedelta(days=left)  # type: ignore[operator, arg-type]
        if operator == "-" and is_date(left) and is_integer(right):
            return left - datetime.timedelta(days=right)  # type: ignore[operator, arg-type]
    except OverflowError:  # before year 1 or after 9999
        return None
    return None


def evaluate(term: Term, binding: Binding) -> Optional[Value]:
    """The value of `term` under `binding`, or None when an operation or call in it is undefined.

    Raises `UnboundVariable` if the term mentions a variable `binding` lacks.
    """
    if isinstance(term, Constant):
        return term.value
    if isinstance(term, Variable):
        try:
            return binding[term.name]
        except KeyError:
            raise UnboundVariable(term.name) from None
    if isinstance(term, BinaryOperation):
        left = evaluate(term.left, binding)
        if left is None:
            return None
        right = evaluate(term.right, binding)
        if right is None:
            return None
        return apply_operator(term.operator, left, right)
    if isinstance(term, Call):
        arguments = []
        for argument in term.arguments:
            value = evaluate(argument, binding)
            if value is None:
                return None
            arguments.append(value)
        return functions.call(term.function, tuple(arguments))
    raise TypeError(f"not a term: {term!r}")


def aggregate(function: str, values: list[Optional[Value]]) -> Optional[Value]:
    """count, sum, min or max of `values` (one per distinct binding of an aggregate's body; None where the term
    is undefined). count counts; sum adds numbers (0 for none; undefined if any term is undefined or not a
    number); min and max take the least and greatest in the total order (undefined for none)."""
    if function == "count":
        return len(values)
    if any(value is None for value in values):
        return None
    if function == "sum":
        if not all(is_number(value) for value in values):
            return None
        return canonical_number(sum((Fraction(value) for value in values), Fraction(0)))  # type: ignore[arg-type]
    if not values:
        return None
    if function == "min":
        return min(values, key=order_key)  # type: ignore[arg-type]
    if function == "max":
        return max(values, key=order_key)  # type: ignore[arg-type]
    raise ValueError(f"unknown aggregate {function!r}")


def sort_key(value: Value) -> tuple[int, Value]:
    """A key realising the total order: numbers, then dates, then strings."""
    return order_key(value)


def compare(operator: str, left: Value, right: Value) -> bool:
    """`left operator right` for two values, with `= !=` on values and `< <= > >=` on the total order."""
    if operator == "=":
        return same_value(left, right)
    if operator == "!=":
        return not same_value(left, right)
    left_key, right_key = order_key(left), order_key(right)
    if operator == "<":
        return left_key < right_key
    if operator == "<=":
        return left_key <= right_key
    if operator == ">":
        return left_key > right_key
    if operator == ">=":
        return left_key >= right_key
    raise ValueError(f"unknown comparison operator {operator!r}")


def comparison_holds(comparison: Comparison, binding: Binding) -> bool:
    """Whether a comparison holds under `binding`; False when either side is undefined."""
    left = evaluate(comparison.left, binding)
    if left is None:
        return False
    right = evaluate(comparison.right, binding)
    if right is None:
        return False
    return compare(comparison.operator, left, right)
