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
import re
import sys
from fractions import Fraction
from typing import Any

from lexlog.grammar.values import (
    Value,
    canonical_number,
    date_from_text,
    decimal_text,
    integer_from_digits,
    integer_text,
    is_date,
    is_number,
)

MAX_EXPONENT = 10_000
"""The largest exponent a JSON number may have (`1e10000`): `1e999999999` would take hours to make exact."""

_EXPONENT = re.compile(r"[eE]([+-]?\d+)$")


def to_json(value: Value) -> Any:
    if isinstance(value, Fraction):
        text = decimal_text(value)
        return {"number": text if text is not None else f"{integer_text(value.numerator)}/{integer_text(value.denominator)}"}
    if is_date(value):
        return {"date": value.isoformat()}  # type: ignore[union-attr]
    return value


def _exact_number(text: str) -> int | Fraction:
    """A JSON number's text as an exact number (`json` hands fractions and exponents over as text here)."""
    exponent = _EXPONENT.search(text)
    if exponent is not None:
        digits = exponent.group(1).lstrip("+-").lstrip("0")
        if len(digits) > len(str(MAX_EXPONENT)) or (digits and int(digits) > MAX_EXPONENT):
            raise ValueError(f"{text[:40]} has an exponent beyond {MAX_EXPONENT:,}")
    try:
        return canonical_number(Fraction(text))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{text} is not a finite number") from None


def _not_finite(text: str) -> Any:
    raise ValueError(f"{text} is not a number JSON allows")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; a key given twice is refused (most readers keep the last silently)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"the key {json.dumps(key)} is given twice in one object")
        found[key] = value
    return found


def loads(text: str) -> Any:
    """`json.loads`, with every number exact (no binary floating point, integers of any length), NaN and Infinity
    refused, a key twice in an object refused, and nesting too deep for Python refused. Raises ValueError saying why
    (json.JSONDecodeError, a ValueError, for text that is not JSON)."""
    try:
        return json.loads(
            text, parse_float=_exact_number, parse_int=integer_from_digits, parse_constant=_not_finite, object_pairs_hook=_object
        )
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None


def json_text(item: Any, indent: int | None = None) -> str:
    """`json.dumps` as the product writes JSON: UTF-8 text rather than escapes, and integers of any length (Python
    refuses to write one of more than 4,300 digits unless told; a value of the language may be longer)."""
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return json.dumps(item, ensure_ascii=False, indent=indent)
    finally:
        sys.set_int_max_str_digits(limit)


def has_lone_surrogate(text: str) -> bool:
    """Whether a string holds half of a UTF-16 surrogate pair (`"\\ud800"` in JSON): not text, and not writable
    as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def from_json(item: Any) -> Value:
    """The value a JSON item encodes (see the module documentation); `ValueError`, saying why, if none."""
    if isinstance(item, bool) or item is None:
        raise ValueError(f"values are strings, numbers or dates, not {json.dumps(item)}")
    if isinstance(item, str) and has_lone_surrogate(item):
        raise ValueError(f"{json.dumps(item)} holds a lone UTF-16 surrogate: not text")
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
