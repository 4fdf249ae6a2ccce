"""Values in JSON, both ways: the one encoding every JSON the product reads or writes uses.

* an integer is a JSON number (of any size), a string a JSON string;
* a number with a fractional part is `{"number": "75000.01"}` (`{"number": "1/3"}` when it has no exact decimal
  expansion): exact, where a JSON number would be read as binary floating point by most readers;
* a date is `{"date": "2024-01-05"}`.

Reading also takes a JSON number with a fraction or an exponent (`75000.01`, `1e3`) exactly, when the text is read
with `loads`.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from lexlog.grammar.values import (
    Value,
    canonical_number,
    date_from_text,
    decimal_text,
    integer_text,
    is_date,
    is_number,
)


def to_json(value: Value) -> Any:
    if isinstance(value, Fraction):
        text = decimal_text(value)
        return {"number": text if text is not None else f"{integer_text(value.numerator)}/{integer_text(value.denominator)}"}
    if is_date(value):
        return {"date": value.isoformat()}  # type: ignore[union-attr]
    return value


def _exact_number(text: str) -> int | Fraction:
    """A JSON number's text as an exact number (`json` hands fractions and exponents over as text here)."""
    try:
        return canonical_number(Fraction(text))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{text} is not a finite number") from None


def _not_finite(text: str) -> Any:
    raise ValueError(f"{text} is not a number JSON allows")


def loads(text: str) -> Any:
    """`json.loads`, with every number exact (no binary floating point) and NaN and Infinity refused."""
    return json.loads(text, parse_float=_exact_number, parse_constant=_not_finite)


def from_json(item: Any) -> Value:
    """The value a JSON item encodes (see the module documentation); `ValueError`, saying why, if none."""
    if isinstance(item, bool) or item is None:
        raise ValueError(f"values are strings, numbers or dates, not {json.dumps(item)}")
    if isinstance(item, (str, int, Fraction)):
        return item
    if isinstance(item, dict) and len(item) == 1:
        ((kind, text),) = item.items()
        if kind == "date" and isinstance(text, str):
            return date_from_text(text)
        if kind == "number" and isinstance(text, str):
            number = _exact_number(text.strip())
            if is_number(number):
                return number
    raise ValueError(
        'values are strings, integers, {"number": "75000.01"} or {"date": "2024-01-05"}, not '
        + json.dumps(item, default=str)[:80]
    )
