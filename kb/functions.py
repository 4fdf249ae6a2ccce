"""The built-in functions a term may call (`round(X, 2, half_up)`, `add_months(D, 1)`): the one table of them.

Each function takes values and returns a value, or None when the result is *undefined* (a wrong kind of argument,
a date outside years 1-9999, an unknown rounding mode): the rule instance that needed it then produces nothing,
as with division by zero.  docs/language.md lists them for people; `FUNCTIONS` is what the checks, the engines
and the prompt's completion read.
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Callable, Mapping, Optional

from lexlog.grammar.values import (
    Number,
    Value,
    canonical_number,
    date_from_text,
    decimal_from_text,
    is_date,
    is_number,
)

ROUNDING_MODES: Mapping[str, str] = MappingProxyType(
    {
        "half_up": "to the nearest, a tie away from zero",
        "half_down": "to the nearest, a tie toward zero",
        "half_even": "to the nearest, a tie to the even neighbour",
        "down": "toward zero",
        "up": "away from zero",
        "floor": "toward negative infinity (the next lowest)",
        "ceiling": "toward positive infinity (the next highest)",
    }
)
"""The rounding modes `round` and `round_to_multiple` take, with what each does."""


@dataclass(frozen=True)
class Function:
    name: str
    parameters: tuple[str, ...]  # the arguments' names, for messages and completion
    apply: Callable[..., Optional[Value]]
    description: str

    @property
    def arity(self) -> int:
        return len(self.parameters)

    @property
    def signature(self) -> str:
        return f"{self.name}({', '.join(self.parameters)})"


_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?", re.ASCII)

# --- numbers -----------------------------------------------------------------------------------------------------


def _round_integer(number: Fraction, mode: str) -> Optional[int]:
    """`number` rounded to an integer by `mode` (see ROUNDING_MODES)."""
    below = math.floor(number)
    remainder = number - below
    if remainder == 0:
        return below
    above = below + 1
    positive = number > 0
    if mode == "floor":
        return below
    if mode == "ceiling":
        return above
    if mode == "down":
        return below if positive else above
    if mode == "up":
        return above if positive else below
    if remainder != Fraction(1, 2):
        if mode in ("half_up", "half_down", "half_even"):
            return below if remainder < Fraction(1, 2) else above
        return None
    if mode == "half_up":
        return above if positive else below
    if mode == "half_down":
        return below if positive else above
    if mode == "half_even":
        return below if below % 2 == 0 else above
    return None


def round_to_multiple(number: Value, multiple: Value, mode: Value) -> Optional[Number]:
    """`number` rounded to a multiple of `multiple` (a positive number) by `mode`."""
    if not is_number(number) or not is_number(multiple) or multiple <= 0 or not isinstance(mode, str):  # type: ignore[operator]
        return None
    if mode not in ROUNDING_MODES:
        return None
    steps = _round_integer(Fraction(number) / Fraction(multiple), mode)  # type: ignore[arg-type]
    return None if steps is None else canonical_number(steps * Fraction(multiple))  # type: ignore[arg-type]


def round_places(number: Value, places: Value, mode: Value) -> Optional[Number]:
    """`number` rounded to `places` decimal places (0: whole numbers; -2: hundreds) by `mode`."""
    if not isinstance(places, int) or isinstance(places, bool) or abs(places) > 1000:
        return None
    return round_to_multiple(number, canonical_number(Fraction(10) ** -places), mode)


def quotient(dividend: Value, divisor: Value) -> Optional[int]:
    """The quotient rounded toward zero (`quotient(7, 2)` is 3, `quotient(-7, 2)` is -3)."""
    if not is_number(dividend) or not is_number(divisor) or divisor == 0:
        return None
    return _round_integer(Fraction(dividend) / Fraction(divisor), "down")  # type: ignore[arg-type]


def lesser(left: Value, right: Value) -> Optional[Number]:
    if not is_number(left) or not is_number(right):
        return None
    return min(left, right)  # type: ignore[type-var, return-value]


def greater(left: Value, right: Value) -> Optional[Number]:
    if not is_number(left) or not is_number(right):
        return None
    return max(left, right)  # type: ignore[type-var, return-value]


def absolute(number: Value) -> Optional[Number]:
    return abs(number) if is_number(number) else None  # type: ignore[arg-type, return-value]


def number_from(text: Value) -> Optional[Number]:
    """The number a string writes in decimal notation (`"75000.01"`); a number is returned as it is."""
    if is_number(text):
        return text  # type: ignore[return-value]
    if not isinstance(text, str) or not _DECIMAL.fullmatch(text.strip()):
        return None
    stripped = text.strip()
    return decimal_from_text(stripped)


# --- dates -------------------------------------------------------------------------------------------------------


def make_date(*parts: Value) -> Optional[datetime.date]:
    """`date("2024-01-05")` from an ISO string, `date(2024, 1, 5)` from numbers; a date is returned as it is."""
    if len(parts) == 1:
        (text,) = parts
        if is_date(text):
            return text  # type: ignore[return-value]
        if not isinstance(text, str):
            return None
        try:
            return date_from_text(text.strip())
        except ValueError:
            return None
    if not all(isinstance(part, int) and not isinstance(part, bool) for part in parts):
        return None
    try:
        return datetime.date(*parts)  # type: ignore[arg-type]
    except (ValueError, OverflowError):
        return None


def add_months(date: Value, months: Value) -> Optional[datetime.date]:
    """`months` calendar months after `date` (before it, if negative).

    When the day does not exist in the month reached, the result is that month's last day: 31 January plus one
    month is 28 (or 29) February; 29 February plus one year is 28 February.
    """
    if not is_date(date) or not isinstance(months, int) or isinstance(months, bool):
        return None
    assert isinstance(date, datetime.date)
    years, month_index = divmod(date.month - 1 + months, 12)
    year = date.year + years
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        return None
    month = month_index + 1
    return datetime.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


def add_years(date: Value, years: Value) -> Optional[datetime.date]:
    """`years` years after `date`, with the month-end rule of `add_months`."""
    if not isinstance(years, int) or isinstance(years, bool) or abs(years) > 10_000:
        return None
    return add_months(date, 12 * years)


def age(birth: Value, on: Value) -> Optional[int]:
    """Whole years from `birth` to `on`: the greatest n with `add_years(birth, n) <= on` (so someone born on
    29 February is a year older on 28 February of a common year, by the month-end rule); undefined before birth."""
    if not is_date(birth) or not is_date(on) or on < birth:  # type: ignore[operator]
        return None
    assert isinstance(birth, datetime.date) and isinstance(on, datetime.date)
    years = on.year - birth.year
    reached = add_months(birth, 12 * years)
    if reached is None or reached > on:
        years -= 1
    return years


def _date_part(part: str) -> Callable[[Value], Optional[int]]:
    def apply(date: Value) -> Optional[int]:
        return getattr(date, part) if is_date(date) else None

    return apply


def weekday(date: Value) -> Optional[int]:
    """1 for Monday ... 7 for Sunday (ISO 8601)."""
    return date.isoweekday() if is_date(date) else None  # type: ignore[union-attr]


# --- strings -----------------------------------------------------------------------------------------------------


def concat(left: Value, right: Value) -> Optional[str]:
    if not isinstance(left, str) or not isinstance(right, str):
        return None
    return left + right


def length(text: Value) -> Optional[int]:
    return len(text) if isinstance(text, str) else None


def _string_test(test: Callable[[str, str], bool]) -> Callable[[Value, Value], Optional[str]]:
    """A test of two strings as a function: the symbol `true` or `false` (compare it: `contains(N, "State") = true`),
    undefined on a value that is not a string."""

    def apply(text: Value, part: Value) -> Optional[str]:
        if not isinstance(text, str) or not isinstance(part, str):
            return None
        return "true" if test(text, part) else "false"

    return apply


def _table(*functions: Function) -> Mapping[tuple[str, int], Function]:
    return MappingProxyType({(function.name, function.arity): function for function in functions})


FUNCTIONS: Mapping[tuple[str, int], Function] = _table(
    Function("round", ("Number", "Places", "Mode"), round_places, "Number rounded to Places decimal places by Mode"),
    Function(
        "round_to_multiple",
        ("Number", "Multiple", "Mode"),
        round_to_multiple,
        "Number rounded to a multiple of Multiple by Mode",
    ),
    Function("quotient", ("Dividend", "Divisor"), quotient, "the quotient rounded toward zero"),
    Function("lesser", ("A", "B"), lesser, "the lesser of two numbers"),
    Function("greater", ("A", "B"), greater, "the greater of two numbers"),
    Function("abs", ("Number",), absolute, "the absolute value"),
    Function("number", ("Text",), number_from, "the number a string writes (\"75000.01\")"),
    Function("date", ("Text",), make_date, "the date an ISO string names (\"2017-02-03\")"),
    Function("date", ("Year", "Month", "Day"), make_date, "the date of a year, month and day"),
    Function("add_months", ("Date", "Months"), add_months, "the date Months calendar months later"),
    Function("add_years", ("Date", "Years"), add_years, "the date Years years later"),
    Function("age", ("Birth", "On"), age, "whole years from Birth to On"),
    Function("year", ("Date",), _date_part("year"), "the year of a date"),
    Function("month", ("Date",), _date_part("month"), "the month of a date, 1 to 12"),
    Function("day", ("Date",), _date_part("day"), "the day of the month"),
    Function("weekday", ("Date",), weekday, "1 for Monday ... 7 for Sunday"),
    Function("concat", ("A", "B"), concat, "two strings joined"),
    Function("length", ("Text",), length, "the number of characters"),
    Function("starts_with", ("Text", "Prefix"), _string_test(str.startswith), "true if Text begins with Prefix, else false"),
    Function("ends_with", ("Text", "Suffix"), _string_test(str.endswith), "true if Text ends with Suffix, else false"),
    Function("contains", ("Text", "Part"), _string_test(str.__contains__), "true if Part occurs in Text, else false"),
)
"""Every built-in function, by (name, number of arguments)."""

FUNCTION_NAMES: frozenset[str] = frozenset(name for name, _arity in FUNCTIONS)


def call(name: str, arguments: tuple[Value, ...]) -> Optional[Value]:
    """The value of a built-in function on `arguments`, or None when undefined (or no such function)."""
    function = FUNCTIONS.get((name, len(arguments)))
    if function is None:
        return None
    return function.apply(*arguments)
