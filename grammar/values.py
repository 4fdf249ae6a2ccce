"""The language's values, how literals become values and how values are written back as literals.

A value is one of four kinds:

* a **number**: exact, never binary floating point.  An integral number is a Python `int` (any size); any other is
  a `fractions.Fraction` whose denominator is not 1.  `canonical_number` keeps every number in that form, so two
  equal numbers are always the same Python value (`75000.00` is the integer 75000, `1.50` the fraction 3/2);
* a **date**: a `datetime.date` (the proleptic Gregorian calendar, years 1 to 9999);
* a **string**: a `str`.  A symbol (`melson`) and the string `"melson"` are the same value.

The total order every comparison uses puts numbers (by value) before dates (in time) before strings (by code
point).  `=` compares values: `1` and `"1"` differ, `2024-01-05` and `"2024-01-05"` differ.
"""

from __future__ import annotations

import datetime
from fractions import Fraction
from typing import Union

Number = Union[int, Fraction]
Value = Union[str, int, Fraction, datetime.date]

# Python refuses to convert integers of more than 4,300 digits to or from text (a guard against slow quadratic
# conversions); literals and printed values go through these chunked helpers instead.
_CHUNK_DIGITS = 1000


def canonical_number(number: Number) -> Number:
    """A fraction with denominator 1 as the `int` it equals; anything else unchanged."""
    if isinstance(number, Fraction) and number.denominator == 1:
        return number.numerator
    return number


def is_number(value: object) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or isinstance(value, Fraction)


def is_date(value: object) -> bool:
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def kind_of(value: Value) -> str:
    """`number`, `date` or `string`."""
    if is_number(value):
        return "number"
    if is_date(value):
        return "date"
    if isinstance(value, str):
        return "string"
    raise TypeError(f"not a value: {value!r}")


def order_key(value: Value) -> tuple[int, Value]:
    """A key realising the total order: numbers, then dates, then strings."""
    kind = type(value)  # the common kinds first: this key sorts every answer and every indexed row
    if kind is int:
        return (0, value)
    if kind is str:
        return (2, value)
    if is_number(value):
        return (0, value)
    if is_date(value):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    raise TypeError(f"not a value: {value!r}")


def same_value(left: Value, right: Value) -> bool:
    """`=` on values: equal and of one kind (so `1` is not `"1"`)."""
    return left == right and kind_of(left) == kind_of(right)


# --- literals ----------------------------------------------------------------------------------------------------


def integer_from_digits(digits: str) -> int:
    """`int(digits)` for a string of decimal digits of any length, with a leading minus sign or none."""
    if digits.startswith("-"):
        return -integer_from_digits(digits[1:])
    if len(digits) <= _CHUNK_DIGITS:
        return int(digits)
    value = 0
    for start in range(0, len(digits), _CHUNK_DIGITS):
        chunk = digits[start : start + _CHUNK_DIGITS]
        value = value * 10 ** len(chunk) + int(chunk)
    return value


def decimal_from_text(text: str) -> Number:
    """The exact number a decimal literal (`75000.01`, `-0.5`, `12`) writes."""
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    whole, _, fraction = text.partition(".")
    numerator = integer_from_digits((whole or "0") + fraction)
    return canonical_number(Fraction(sign * numerator, 10 ** len(fraction)))


def date_from_text(text: str) -> datetime.date:
    """The date an ISO `YYYY-MM-DD` text names; `ValueError` (saying why) when it names none."""
    parts = text.split("-")
    if len(parts) != 3 or [len(part) for part in parts] != [4, 2, 2] or not all(p.isascii() and p.isdigit() for p in parts):
        raise ValueError(f"'{text}' is not a date in the form YYYY-MM-DD")
    year, month, day = (int(part) for part in parts)
    try:
        return datetime.date(year, month, day)
    except ValueError as error:
        raise ValueError(f"'{text}' is not a date: {error}") from None


# --- writing values back ---------------------------------------------------------------------------------------


def integer_text(number: int) -> str:
    """`str(number)` for an integer of any size."""
    try:
        return str(number)
    except ValueError:  # more digits than Python converts at once
        pass
    sign, number = ("-", -number) if number < 0 else ("", number)
    chunks: list[str] = []
    base = 10**_CHUNK_DIGITS
    while number:
        number, chunk = divmod(number, base)
        chunks.append(str(chunk))
    head, *rest = reversed(chunks)
    return sign + head + "".join(chunk.rjust(_CHUNK_DIGITS, "0") for chunk in rest)


def terminating_places(number: Fraction) -> int | None:
    """How many decimal places write `number` exactly, or None when its decimal expansion never ends."""
    denominator = number.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    return max(twos, fives) if denominator == 1 else None


def decimal_text(number: Fraction, places: int | None = None) -> str | None:
    """`number` in decimal notation with `places` places (at least its exact ones), or None if it has no exact
    decimal expansion."""
    exact = terminating_places(number)
    if exact is None:
        return None
    places = exact if places is None else max(places, exact)
    scaled = abs(number) * 10**places
    assert scaled.denominator == 1
    digits = integer_text(scaled.numerator).rjust(places + 1, "0")
    sign = "-" if number < 0 else ""
    if places == 0:
        return sign + digits
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def number_text(number: Number) -> str:
    """A number as lexlog writes it: `12`, `-0.5`, `75000.01`; a fraction with no exact decimal as `(1 / 3)`."""
    if isinstance(number, int):
        return integer_text(number)
    text = decimal_text(number)
    if text is not None:
        return text
    return f"({integer_text(number.numerator)} / {integer_text(number.denominator)})"


def money_text(number: Number) -> str:
    """A number as a sum of dollars: `$80,000`, `$75,000.01`, `-$12.50`."""
    sign = "-" if number < 0 else ""
    number = abs(number)
    if isinstance(number, int):
        return f"{sign}${number:,}" if number < 10**4000 else f"{sign}${integer_text(number)}"
    text = decimal_text(number, 2)
    if text is None:
        return sign + "$" + number_text(number)
    whole, _, cents = text.partition(".")
    return f"{sign}${int(whole):,}.{cents}" if len(whole) < 4000 else f"{sign}${whole}.{cents}"
