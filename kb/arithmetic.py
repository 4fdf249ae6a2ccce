"""Integer arithmetic and the total order of values: the one definition every evaluator shares.

Values are Python `str` and `int` (see `lexlog.grammar.tree.Value`).

* `+ - * / %` on integers; `/` truncates toward zero and `%` takes the sign of the dividend (C semantics, as
  clingo), so `a == (a / b) * b + a % b` always holds.
* Division or remainder by zero, and any arithmetic on a string, is *undefined*: `evaluate` returns `None` and the
  rule instance (or comparison) that needed the value produces nothing.
* The order used by `< <= > >=`: every integer comes before every string; integers by value, strings by Python's
  order (code points, which is also the byte order of their UTF-8 encodings).  `=` and `!=` compare values, so
  `1` and `"1"` differ.
"""

from __future__ import annotations

from typing import Mapping, Optional

from lexlog.grammar.tree import BinaryOperation, Comparison, Constant, Term, Value, Variable

Binding = Mapping[str, Value]
"""Variable name -> value."""


class UnboundVariable(KeyError):
    """A term mentions a variable the binding does not give a value to (a caller bug: rules are safe)."""


def is_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def truncated_divide(left: int, right: int) -> int:
    """`left / right` rounded toward zero; `right` must not be zero."""
    quotient = abs(left) // abs(right)
    return quotient if (left < 0) == (right < 0) else -quotient


def truncated_remainder(left: int, right: int) -> int:
    """The remainder of `truncated_divide`: it has the sign of `left`; `right` must not be zero."""
    return left - right * truncated_divide(left, right)


def apply_operator(operator: str, left: Optional[Value], right: Optional[Value]) -> Optional[int]:
    """`left operator right`, or None when undefined (a string operand, an undefined operand, division by zero)."""
    if not is_integer(left) or not is_integer(right):
        return None
    assert isinstance(left, int) and isinstance(right, int)
    if operator == "+":
        return left + right
    if operator == "-":
        return left - right
    if operator == "*":
        return left * right
    if operator == "/":
        return None if right == 0 else truncated_divide(left, right)
    if operator == "%":
        return None if right == 0 else truncated_remainder(left, right)
    raise ValueError(f"unknown arithmetic operator {operator!r}")


def evaluate(term: Term, binding: Binding) -> Optional[Value]:
    """The value of `term` under `binding`, or None when an operation in it is undefined.

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
    raise TypeError(f"not a term: {term!r}")


def sort_key(value: Value) -> tuple[int, Value]:
    """A key realising the total order: integers (by value) before strings (by Python order)."""
    if is_integer(value):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    raise TypeError(f"not a value: {value!r}")


def compare(operator: str, left: Value, right: Value) -> bool:
    """`left operator right` for two values, with `= !=` on values and `< <= > >=` on the total order."""
    if operator == "=":
        return left == right and type(left) is type(right)
    if operator == "!=":
        return not (left == right and type(left) is type(right))
    left_key, right_key = sort_key(left), sort_key(right)
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
