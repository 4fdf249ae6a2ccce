"""A brute-force naive fixpoint, written only for the tests: slow, obvious, and independent of the engines.

It shares no code with the backends, with `lexlog.kb.arithmetic`, `lexlog.kb.functions`, `lexlog.kb.aggregates`
or `lexlog.grammar.values`: its numbers are `fractions` (canonical: an integral number is an `int`), its dates are
counted in days by its own calendar arithmetic (only the `datetime.date` container is Python's), its order a plain
sort key, and its built-in functions and aggregates are written here again from their documented meaning
(docs/language.md).  It stratifies by its own obvious level computation, not the product's `strata()`, so a
stratification bug cannot fool both sides.  Rules are evaluated level by level; in a level, every rule is
re-applied to everything known until nothing changes.  Rules may be normalised or not: body atoms may hold
computations (matched by evaluating them once the other atoms bound their variables; in a negated atom, a
computation that has no value makes the rule instance produce nothing, as it does once normalised) and `_` is fresh
each time.  An aggregate is computed directly for each binding of the rest of the rule's positive atoms, over the
distinct solutions of its braces (`_` included), not in stages over auxiliary predicates as the product does.
"""

from __future__ import annotations

import datetime
from fractions import Fraction
from typing import Iterable, Iterator, Optional

from lexlog.grammar.tree import Aggregate, Atom, BinaryOperation, Call, Comparison, Constant, Literal, Rule, Variable

# --- kinds -------------------------------------------------------------------------------------------------------


def _is_int(value) -> bool:
    return type(value) is int


def _is_number(value) -> bool:
    return type(value) is int or type(value) is Fraction


def _is_date(value) -> bool:
    return type(value) is datetime.date


def _is_string(value) -> bool:
    return type(value) is str


def _canonical(number):
    """An integral Fraction as the int it equals."""
    if type(number) is Fraction and number.denominator == 1:
        return int(number.numerator)
    return number


def _toward_zero(exact: Fraction) -> int:
    """The integer part of an exact number (truncation), by integer division on its magnitude."""
    magnitude = abs(exact.numerator) // exact.denominator
    return magnitude if exact >= 0 else -magnitude


# --- the calendar: years 1 to 9999, counted in days from 0001-01-01 (day 1, a Monday) ---------------------------


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _month_length(year: int, month: int) -> int:
    if month == 2:
        return 29 if _leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _days_before_year(year: int) -> int:
    previous = year - 1
    return previous * 365 + previous // 4 - previous // 100 + previous // 400


def _day_number(year: int, month: int, day: int) -> int:
    return _days_before_year(year) + sum(_month_length(year, m) for m in range(1, month)) + day


LAST_DAY = _day_number(9999, 12, 31)


def _day_number_of(date: datetime.date) -> int:
    return _day_number(date.year, date.month, date.day)


def _from_day_number(number: int) -> Optional[datetime.date]:
    if not 1 <= number <= LAST_DAY:
        return None
    year = max(1, (number * 400) // 146097)  # never more than one too high or too low
    while year > 1 and _days_before_year(year) >= number:
        year -= 1
    while _days_before_year(year + 1) < number:
        year += 1
    rest = number - _days_before_year(year)
    month = 1
    while rest > _month_length(year, month):
        rest -= _month_length(year, month)
        month += 1
    return datetime.date(year, month, rest)


def _make_date(year, month, day) -> Optional[datetime.date]:
    if not (_is_int(year) and _is_int(month) and _is_int(day)):
        return None
    if not (1 <= year <= 9999 and 1 <= month <= 12 and 1 <= day <= _month_length(year, month)):
        return None
    return datetime.date(year, month, day)


# --- arithmetic --------------------------------------------------------------------------------------------------


def _arith(operator: str, a, b):
    """`a operator b`, or None when it has no value."""
    if _is_number(a) and _is_number(b):
        if operator == "+":
            return _canonical(Fraction(a) + Fraction(b))
        if operator == "-":
            return _canonical(Fraction(a) - Fraction(b))
        if operator == "*":
            return _canonical(Fraction(a) * Fraction(b))
        if b == 0:
            return None
        exact = Fraction(a) / Fraction(b)
        if operator == "/":
            return _canonical(exact)
        return _canonical(Fraction(a) - Fraction(b) * _toward_zero(exact))  # %: the remainder of the truncation
    if operator == "+" and _is_date(a) and _is_int(b):
        return _from_day_number(_day_number_of(a) + b)
    if operator == "+" and _is_int(a) and _is_date(b):
        return _from_day_number(_day_number_of(b) + a)
    if operator == "-" and _is_date(a) and _is_int(b):
        return _from_day_number(_day_number_of(a) - b)
    if operator == "-" and _is_date(a) and _is_date(b):
        return _day_number_of(a) - _day_number_of(b)
    return None


# --- built-in functions ------------------------------------------------------------------------------------------

MODES = ("half_up", "half_down", "half_even", "down", "up", "floor", "ceiling")


def _to_integer(exact: Fraction, mode: str) -> int:
    """`exact` rounded to a whole number: on its magnitude, then the sign put back (floor and ceiling by sign)."""
    sign = -1 if exact < 0 else 1
    magnitude = abs(exact)
    low = magnitude.numerator // magnitude.denominator  # toward zero
    rest = magnitude - low
    if rest == 0:
        return sign * low
    high = low + 1  # away from zero
    if mode == "down":
        chosen = low
    elif mode == "up":
        chosen = high
    elif mode == "floor":
        chosen = low if sign > 0 else high
    elif mode == "ceiling":
        chosen = high if sign > 0 else low
    elif rest < Fraction(1, 2):
        chosen = low
    elif rest > Fraction(1, 2):
        chosen = high
    elif mode == "half_up":
        chosen = high
    elif mode == "half_down":
        chosen = low
    else:  # half_even: the neighbour that is even (the sign does not change evenness)
        chosen = low if low % 2 == 0 else high
    return sign * chosen


def _round_to_multiple(number, multiple, mode):
    if not (_is_number(number) and _is_number(multiple) and _is_string(mode)) or multiple <= 0 or mode not in MODES:
        return None
    steps = _to_integer(Fraction(number) / Fraction(multiple), mode)
    return _canonical(steps * Fraction(multiple))


# round(X, Places, Mode) refuses |Places| > 1000 (lexlog.kb.functions.round_places; not in docs/language.md): the
# reference keeps that limit, which also keeps it from computing 10 ** (2 ** 63) for a big integer.
PLACES_LIMIT = 1000


def _round(number, places, mode):
    if not _is_int(places) or abs(places) > PLACES_LIMIT:
        return None
    multiple = Fraction(1, 10**places) if places >= 0 else Fraction(10 ** (-places))
    return _round_to_multiple(number, _canonical(multiple), mode)


def _quotient(a, b):
    if not (_is_number(a) and _is_number(b)) or b == 0:
        return None
    return _toward_zero(Fraction(a) / Fraction(b))


def _lesser(a, b):
    if not (_is_number(a) and _is_number(b)):
        return None
    return a if Fraction(a) <= Fraction(b) else b


def _greater(a, b):
    if not (_is_number(a) and _is_number(b)):
        return None
    return a if Fraction(a) >= Fraction(b) else b


def _abs(a):
    if not _is_number(a):
        return None
    return -a if a < 0 else a


_DIGITS = "0123456789"


def _number(text):
    """A number as it is; a string in decimal notation (an optional sign, ASCII digits, optionally a point and
    more digits; surrounding whitespace ignored) as the exact number it writes."""
    if _is_number(text):
        return text
    if not _is_string(text):
        return None
    text = text.strip()
    sign = 1
    if text[:1] in ("+", "-"):
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    whole, point, fraction = text.partition(".")
    if not whole or not all(character in _DIGITS for character in whole):
        return None
    if point and (not fraction or not all(character in _DIGITS for character in fraction)):
        return None
    value = Fraction(0)
    for character in whole:
        value = value * 10 + _DIGITS.index(character)
    scale = Fraction(1)
    for character in fraction:
        scale /= 10
        value += scale * _DIGITS.index(character)
    return _canonical(sign * value)


def _date(*parts):
    """date(D) of a date is D; date("YYYY-MM-DD") (surrounding whitespace ignored); date(Year, Month, Day)."""
    if len(parts) == 3:
        return _make_date(*parts)
    (text,) = parts
    if _is_date(text):
        return text
    if not _is_string(text):
        return None
    text = text.strip()
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    fields = (text[0:4], text[5:7], text[8:10])
    if not all(character in _DIGITS for field in fields for character in field):
        return None
    return _make_date(*(int(field) for field in fields))


def _add_months(date, months):
    """The month-end rule: the day clamped to the last day of the month reached."""
    if not (_is_date(date) and _is_int(months)):
        return None
    count = date.year * 12 + (date.month - 1) + months
    year, month = count // 12, count % 12 + 1
    if not 1 <= year <= 9999:
        return None
    return datetime.date(year, month, min(date.day, _month_length(year, month)))


def _add_years(date, years):
    if not _is_int(years):
        return None
    return _add_months(date, 12 * years)


def _age(birth, on):
    """The greatest n with add_years(birth, n) <= on; none when on is before birth."""
    if not (_is_date(birth) and _is_date(on)) or _day_number_of(on) < _day_number_of(birth):
        return None
    years = max(0, on.year - birth.year - 2)
    while True:
        following = _add_years(birth, years + 1)
        if following is None or _day_number_of(following) > _day_number_of(on):
            return years
        years += 1


def _part(name: str):
    def apply(date):
        if not _is_date(date):
            return None
        return {"year": date.year, "month": date.month, "day": date.day}[name]

    return apply


def _weekday(date):
    """ISO: 1 Monday ... 7 Sunday; day 1 (0001-01-01) was a Monday."""
    if not _is_date(date):
        return None
    return (_day_number_of(date) - 1) % 7 + 1


def _concat(a, b):
    return a + b if _is_string(a) and _is_string(b) else None


def _length(text):
    return len(text) if _is_string(text) else None


def _starts_with(text, prefix):
    if not (_is_string(text) and _is_string(prefix)):
        return None
    return "true" if text[: len(prefix)] == prefix else "false"


def _ends_with(text, suffix):
    if not (_is_string(text) and _is_string(suffix)):
        return None
    return "true" if len(suffix) <= len(text) and text[len(text) - len(suffix) :] == suffix else "false"


def _contains(text, part):
    if not (_is_string(text) and _is_string(part)):
        return None
    found = any(text[start : start + len(part)] == part for start in range(len(text) - len(part) + 1))
    return "true" if found else "false"


FUNCTIONS = {
    ("round", 3): _round,
    ("round_to_multiple", 3): _round_to_multiple,
    ("quotient", 2): _quotient,
    ("lesser", 2): _lesser,
    ("greater", 2): _greater,
    ("abs", 1): _abs,
    ("number", 1): _number,
    ("date", 1): _date,
    ("date", 3): _date,
    ("add_months", 2): _add_months,
    ("add_years", 2): _add_years,
    ("age", 2): _age,
    ("year", 1): _part("year"),
    ("month", 1): _part("month"),
    ("day", 1): _part("day"),
    ("weekday", 1): _weekday,
    ("concat", 2): _concat,
    ("length", 1): _length,
    ("starts_with", 2): _starts_with,
    ("ends_with", 2): _ends_with,
    ("contains", 2): _contains,
}


def call(name: str, arguments: tuple):
    """A built-in function's value, or None (also for a function that does not exist)."""
    function = FUNCTIONS.get((name, len(arguments)))
    return None if function is None else function(*arguments)


# --- terms, comparisons ------------------------------------------------------------------------------------------

COMPUTED = (BinaryOperation, Call)


def _value(term, binding: dict):
    if isinstance(term, Constant):
        return term.value
    if isinstance(term, Variable):
        return binding[term.name]
    if isinstance(term, Call):
        arguments = tuple(_value(argument, binding) for argument in term.arguments)
        if any(argument is None for argument in arguments):
            return None
        return call(term.function, arguments)
    left, right = _value(term.left, binding), _value(term.right, binding)
    if left is None or right is None:
        return None
    return _arith(term.operator, left, right)


def _kind(value) -> int:
    if _is_number(value):
        return 0
    if _is_date(value):
        return 1
    assert _is_string(value), value
    return 2


def _key(value):
    """Numbers by value, then dates in time, then strings by code point."""
    kind = _kind(value)
    if kind == 0:
        return (0, Fraction(value), "")
    if kind == 1:
        return (1, Fraction(_day_number_of(value)), "")
    return (2, Fraction(0), value)


def _same(a, b) -> bool:
    return _kind(a) == _kind(b) and a == b


def _compare(operator: str, a, b) -> bool:
    same = _same(a, b)
    return {
        "=": same,
        "!=": not same,
        "<": _key(a) < _key(b),
        "<=": _key(a) <= _key(b),
        ">": _key(a) > _key(b),
        ">=": _key(a) >= _key(b),
    }[operator]


def value_sort_key(value):
    """The language's order, for tests that sort values."""
    return _key(value)


# --- evaluation --------------------------------------------------------------------------------------------------


def _unify(arguments, row, binding: dict) -> Optional[dict]:
    """Extend binding so the plain arguments equal row; computed arguments are checked later."""
    result = dict(binding)
    for argument, value in zip(arguments, row):
        if isinstance(argument, Constant):
            if not _same(argument.value, value):
                return None
        elif isinstance(argument, Variable):
            if argument.is_anonymous:
                continue
            if argument.name in result:
                if not _same(result[argument.name], value):
                    return None
            else:
                result[argument.name] = value
    return result


def _computed_ok(arguments, row, binding: dict) -> bool:
    for argument, value in zip(arguments, row):
        if isinstance(argument, COMPUTED):
            computed = _value(argument, binding)
            if computed is None or not _same(computed, value):
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
        if extended is not None and _computed_ok(atom.arguments, row, extended):
            return True
    return False


def _solutions(body, known: dict, binding: dict) -> Iterator[dict]:
    """Every binding (extending `binding`) under which the body holds: positive atoms first, then aggregates (their
    groups are bound by then), then assignments (`_T = expr` whose variable nothing else binds), then comparisons
    and negated atoms."""
    positives = [item.atom for item in body if isinstance(item, Literal) and not item.negated]
    aggregates = [item for item in body if isinstance(item, Aggregate)]
    pending = [item for item in body if isinstance(item, Comparison) or isinstance(item, Literal) and item.negated]
    for found, rows in _bindings(positives, known, binding):
        found = dict(found)
        if not all(_computed_ok(atom.arguments, row, found) for atom, row in zip(positives, rows)):
            continue
        ok = True
        for aggregate in aggregates:
            value = _aggregate(aggregate, known, found)
            name = aggregate.result.name
            if value is None or (name in found and not _same(found[name], value)):
                ok = False
                break
            found[name] = value
        if not ok:
            continue
        for item in pending:
            if (
                isinstance(item, Comparison)
                and item.operator == "="
                and isinstance(item.left, Variable)
                and item.left.name not in found
            ):
                value = _value(item.right, found)
                if value is None:
                    ok = False
                    break
                found[item.left.name] = value
        if not ok:
            continue
        for item in pending:
            if isinstance(item, Comparison):
                left, right = _value(item.left, found), _value(item.right, found)
                if left is None or right is None or not _compare(item.operator, left, right):
                    ok = False
                    break
            else:
                # a computation in a negated atom that has no value: the instance needs it, so produces nothing
                if any(
                    isinstance(argument, COMPUTED) and _value(argument, found) is None
                    for argument in item.atom.arguments
                ):
                    ok = False
                    break
                if _matches_some(item.atom, known, found):
                    ok = False
                    break
        if ok:
            yield found


# --- aggregates: `R = f Term : { body }`, the body's variables bound outside it fixed (the group), the others ranging


def _named_anonymous(items, counter: list) -> tuple:
    """The body with every `_` a variable of its own, so that it counts in telling solutions apart."""

    def term(node):
        if isinstance(node, Variable) and node.is_anonymous:
            counter[0] += 1
            return Variable(f"_anonymous{counter[0]}")
        if isinstance(node, BinaryOperation):
            return BinaryOperation(node.operator, term(node.left), term(node.right))
        if isinstance(node, Call):
            return Call(node.function, tuple(term(argument) for argument in node.arguments))
        return node

    result = []
    for item in items:
        if isinstance(item, Literal):
            atom = item.atom
            result.append(Literal(Atom(atom.predicate, tuple(term(a) for a in atom.arguments)), item.negated))
        elif isinstance(item, Comparison):
            result.append(Comparison(item.operator, term(item.left), term(item.right)))
        else:
            result.append(item)
    return tuple(result)


def _aggregate(aggregate, known: dict, binding: dict):
    """count, sum, min or max over one term per distinct solution of the braces; None when it has no value."""
    body = _named_anonymous(aggregate.body, [0])
    distinct = {}
    for solution in _solutions(body, known, binding):
        distinct.setdefault(frozenset((name, _kind(value), value) for name, value in solution.items()), solution)
    solutions = list(distinct.values())
    if aggregate.function == "count":
        return len(solutions)
    terms = [_value(aggregate.term, solution) for solution in solutions]
    if any(term is None for term in terms):
        return None
    if aggregate.function == "sum":
        if not all(_is_number(term) for term in terms):
            return None
        total = Fraction(0)
        for term in terms:
            total += term
        return _canonical(total)
    if not terms:
        return None
    best = terms[0]
    for term in terms[1:]:
        if (_key(term) < _key(best)) if aggregate.function == "min" else (_key(term) > _key(best)):
            best = term
    return best


def _apply(rule: Rule, known: dict) -> Iterator[tuple]:
    for binding in _solutions(rule.body, known, {}):
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
    above each negated one's and each one an aggregate takes. Raised until nothing changes (a stratified program settles within as many rounds as
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
                elif isinstance(item, Aggregate):  # what an aggregate takes must be complete: strictly below
                    for inner in item.body:
                        if isinstance(inner, Literal):
                            needed = max(needed, level.get(inner.atom.key, 0) + 1)
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
