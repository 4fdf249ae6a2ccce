"""The values layer against the independent reference (tests/reference_fixpoint.py): arithmetic, the order and
every built-in function give the same value, or both none, on generated values of every kind.

The reference itself is first held to the documented examples (docs/language.md), so that the two cannot agree on a
shared misreading.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference_fixpoint as reference
from lexlog.grammar.tree import BinaryOperation, Call, Constant
from lexlog.kb import arithmetic, functions
from strategies import BIG_INTEGERS, DATES, DECIMALS, FUNCTION_STRINGS, NON_TERMINATING, ROUNDING_MODES

D = datetime.date

# --- the reference against the documented examples ---------------------------------------------------------------


@pytest.mark.parametrize(
    "mode, number, expected",
    [
        ("half_up", Fraction(5, 2), 3), ("half_up", Fraction(-5, 2), -3),
        ("half_down", Fraction(5, 2), 2), ("half_down", Fraction(-5, 2), -2),
        ("half_even", Fraction(5, 2), 2), ("half_even", Fraction(7, 2), 4), ("half_even", Fraction(-5, 2), -2),
        ("down", Fraction(27, 10), 2), ("down", Fraction(-27, 10), -2),
        ("up", Fraction(21, 10), 3), ("up", Fraction(-21, 10), -3),
        ("floor", Fraction(-21, 10), -3), ("floor", Fraction(29, 10), 2),
        ("ceiling", Fraction(-29, 10), -2), ("ceiling", Fraction(21, 10), 3),
        ("half_up", Fraction(24, 10), 2), ("half_down", Fraction(26, 10), 3), ("half_even", Fraction(-26, 10), -3),
    ],
)
def test_reference_rounding_modes_as_documented(mode, number, expected):
    assert reference.call("round", (number, 0, mode)) == expected
    assert type(reference.call("round", (number, 0, mode))) is int


def test_reference_documented_examples():
    call, arith = reference.call, reference._arith
    assert arith("/", 7, 2) == Fraction(7, 2)
    assert arith("*", arith("/", 10, 4), 4) == 10 and type(arith("*", arith("/", 10, 4), 4)) is int
    assert arith("%", -7, 2) == -1 and call("quotient", (-7, 2)) == -3 and call("quotient", (7, 2)) == 3
    assert arith("/", 30000, 3) == 10000 and type(arith("/", 30000, 3)) is int
    assert arith("+", 30000, Fraction(3000050, 100)) == Fraction(1200010, 20)
    assert call("round", (Fraction(61234567, 1000), 2, "half_up")) == Fraction(6123457, 100)
    assert call("round_to_multiple", (Fraction(61234567, 1000), 50, "floor")) == 61200
    assert call("round", (Fraction(61234567, 1000), -3, "half_even")) == 61000
    assert call("round_to_multiple", (7, 0, "floor")) is None and call("round", (7, 0, "nearest")) is None
    assert arith("-", D(2024, 2, 10), D(2024, 1, 5)) == 36
    assert arith("+", D(2024, 1, 5), 30) == D(2024, 2, 4) and arith("+", 30, D(2024, 1, 5)) == D(2024, 2, 4)
    assert arith("-", D(2024, 3, 1), 1) == D(2024, 2, 29)
    assert arith("+", D(9999, 12, 31), 1) is None and arith("-", D(1, 1, 1), 1) is None
    assert arith("+", D(2024, 1, 5), Fraction(1, 2)) is None and arith("+", D(2024, 1, 5), D(2024, 1, 5)) is None
    assert arith("+", "a", 1) is None and arith("/", 1, 0) is None and arith("%", 1, 0) is None
    assert call("add_months", (D(2024, 1, 31), 1)) == D(2024, 2, 29)
    assert call("add_months", (D(2023, 1, 31), 1)) == D(2023, 2, 28)
    assert call("add_months", (D(2024, 3, 31), -1)) == D(2024, 2, 29)
    assert call("add_years", (D(2024, 2, 29), 1)) == D(2025, 2, 28)
    assert call("add_months", (D(9999, 12, 1), 1)) is None and call("add_years", (D(1, 6, 1), -1)) is None
    assert call("age", (D(2000, 2, 29), D(2001, 2, 28))) == 1
    assert call("age", (D(2000, 2, 29), D(2018, 2, 28))) == 18 and call("age", (D(2000, 2, 29), D(2018, 2, 27))) == 17
    assert call("age", (D(2000, 3, 1), D(2000, 2, 29))) is None and call("age", (D(2000, 3, 1), D(2000, 3, 1))) == 0
    assert call("weekday", (D(2024, 1, 1),)) == 1 and call("weekday", (D(2024, 1, 7),)) == 7
    assert call("weekday", (D(1, 1, 1),)) == 1
    assert call("date", ("2017-02-03",)) == D(2017, 2, 3) and call("date", (2017, 2, 3)) == D(2017, 2, 3)
    assert call("date", ("2023-02-29",)) is None and call("date", (2023, 2, 29)) is None
    assert call("number", ("75000.01",)) == Fraction(7500001, 100) and call("number", ("75000.00",)) == 75000
    assert call("number", ("1e3",)) is None and call("number", ("",)) is None and call("number", ("1.",)) is None
    assert call("concat", ("Employer: ", "State of Texas")) == "Employer: State of Texas"
    assert call("length", ("State of Texas",)) == 14 and call("length", (3,)) is None
    assert call("lesser", (2500, Fraction(5, 2))) == Fraction(5, 2) and call("greater", (1, "a")) is None
    assert call("abs", (Fraction(-1, 3),)) == Fraction(1, 3) and call("year", (D(2024, 2, 29),)) == 2024
    assert call("no_such_function", (1,)) is None and call("round", (1, 2)) is None
    assert call("starts_with", ("State of Texas", "State of ")) == "true" and call("starts_with", ("a", "ab")) == "false"
    assert call("ends_with", ("Dallas County", " County")) == "true" and call("ends_with", ("y", "County")) == "false"
    assert call("contains", ("Acme Corp.", "State")) == "false" and call("contains", ("Acme", "")) == "true"
    assert call("contains", ("Acme", 1)) is None and call("starts_with", (1, "a")) is None
    # the order: numbers, then dates, then strings
    assert reference._compare("<", 10**40, D(1, 1, 1)) and reference._compare("<", D(9999, 12, 31), "")
    assert reference._compare("<", Fraction(1, 3), Fraction(1, 2)) and not reference._compare("=", 1, "1")
    assert not reference._compare("=", D(2024, 1, 5), "2024-01-05")


def test_reference_calendar_agrees_with_the_proleptic_gregorian_calendar():
    for date in DATES + (D(2000, 1, 1), D(2100, 3, 1), D(1600, 12, 31), D(4, 2, 29)):
        assert reference._day_number_of(date) == date.toordinal()
        assert reference._from_day_number(date.toordinal()) == date
        assert reference._weekday(date) == date.isoweekday()


# --- the product against the reference ---------------------------------------------------------------------------

small_numbers = st.one_of(
    st.integers(-50, 50),
    st.builds(Fraction, st.integers(-200, 200), st.integers(1, 12)),
)
numbers = st.one_of(
    small_numbers,
    st.sampled_from(BIG_INTEGERS + DECIMALS + NON_TERMINATING),
    st.integers(),
    st.builds(Fraction, st.integers(-(10**30), 10**30), st.integers(1, 10**12)),
).map(lambda number: number.numerator if isinstance(number, Fraction) and number.denominator == 1 else number)
dates = st.one_of(st.sampled_from(DATES), st.dates())
strings = st.one_of(
    st.sampled_from(FUNCTION_STRINGS + ROUNDING_MODES + ("", "a", "1", "é", " 12 ", "٣", "1.", ".5", "0001-01-01")),
    st.text(max_size=8),
    st.dates().map(lambda date: date.isoformat()),
    small_numbers.map(lambda number: str(number) if isinstance(number, int) else f"{float(number):.3f}"),
)
any_values = st.one_of(numbers, dates, strings)
text_parts = st.sampled_from(["", "a", "é", "half", "up", "2024", "-", "1", "1.", "de"])
day_counts = st.one_of(st.integers(-400, 400), st.integers(-4_000_000, 4_000_000), st.sampled_from([2**31, -(2**63)]))


def same(product, expected) -> bool:
    """Equal values of one kind, the product's numbers canonical (an integral number is an int)."""
    if expected is None or product is None:
        return product is None and expected is None
    if isinstance(product, Fraction) and product.denominator == 1:
        return False
    return type(product) is type(expected) and product == expected


@given(st.sampled_from(["+", "-", "*", "/", "%"]), any_values, any_values)
def test_arithmetic_equals_the_reference(operator, left, right):
    assert same(arithmetic.apply_operator(operator, left, right), reference._arith(operator, left, right))


@given(st.sampled_from(["+", "-"]), dates, day_counts, st.booleans())
def test_date_arithmetic_equals_the_reference(operator, date, days, swap):
    left, right = (days, date) if swap else (date, days)
    assert same(arithmetic.apply_operator(operator, left, right), reference._arith(operator, left, right))
    assert same(arithmetic.apply_operator("-", date, days), reference._arith("-", date, days))


@given(st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), any_values, any_values)
def test_the_order_equals_the_reference(operator, left, right):
    assert arithmetic.compare(operator, left, right) == reference._compare(operator, left, right)


modes = st.one_of(st.sampled_from(ROUNDING_MODES), strings, numbers)
places = st.one_of(st.integers(-4, 6), st.sampled_from([-1000, 1000, 1001, -1001, 2**63]), any_values)
multiples = st.one_of(small_numbers, st.sampled_from([Fraction(1, 100), 50, 0, -5]), any_values)
months = st.one_of(st.integers(-30, 30), st.integers(-120_000, 120_000), st.sampled_from([2**63, -(2**70)]), any_values)

ARGUMENTS = {
    ("round", 3): (numbers, places, modes),
    ("round_to_multiple", 3): (numbers, multiples, modes),
    ("quotient", 2): (numbers, st.one_of(numbers, any_values)),
    ("lesser", 2): (numbers, st.one_of(numbers, any_values)),
    ("greater", 2): (numbers, st.one_of(numbers, any_values)),
    ("abs", 1): (st.one_of(numbers, any_values),),
    ("number", 1): (st.one_of(strings, any_values),),
    ("date", 1): (st.one_of(strings, any_values),),
    ("date", 3): (
        st.one_of(st.integers(-2, 10_001), any_values),
        st.one_of(st.integers(-1, 14), any_values),
        st.one_of(st.integers(-1, 32), any_values),
    ),
    ("add_months", 2): (st.one_of(dates, any_values), months),
    ("add_years", 2): (st.one_of(dates, any_values), st.one_of(st.integers(-10_001, 10_001), months)),
    ("age", 2): (st.one_of(dates, any_values), st.one_of(dates, any_values)),
    ("year", 1): (st.one_of(dates, any_values),),
    ("month", 1): (st.one_of(dates, any_values),),
    ("day", 1): (st.one_of(dates, any_values),),
    ("weekday", 1): (st.one_of(dates, any_values),),
    ("concat", 2): (st.one_of(strings, any_values), st.one_of(strings, any_values)),
    ("length", 1): (st.one_of(strings, any_values),),
    ("starts_with", 2): (st.one_of(strings, any_values), st.one_of(text_parts, any_values)),
    ("ends_with", 2): (st.one_of(strings, any_values), st.one_of(text_parts, any_values)),
    ("contains", 2): (st.one_of(strings, any_values), st.one_of(text_parts, any_values)),
}


def test_the_reference_has_every_function_the_product_has():
    assert set(reference.FUNCTIONS) == set(functions.FUNCTIONS) == set(ARGUMENTS)


@settings(max_examples=3 * settings.default.max_examples)  # cheap: three times the profile's number
@given(st.data())
def test_every_function_equals_the_reference(data):
    name, arity = data.draw(st.sampled_from(sorted(ARGUMENTS)), label="function")
    arguments = tuple(
        data.draw(strategy, label=f"argument {index}") for index, strategy in enumerate(ARGUMENTS[(name, arity)])
    )
    assert same(functions.call(name, arguments), reference.call(name, arguments))


@given(dates, dates)
def test_age_is_the_greatest_whole_number_of_years_reached(birth, on):
    age = functions.age(birth, on)
    if on < birth:
        assert age is None
        return
    assert reference.call("add_years", (birth, age)) <= on
    after = reference.call("add_years", (birth, age + 1))
    assert after is None or after > on


def _calls(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.sampled_from(sorted(ARGUMENTS)).flatmap(
        lambda key: st.tuples(*[inner] * key[1]).map(lambda arguments: Call(key[0], arguments))
    )


value_constants = st.one_of(any_values, st.sampled_from(ROUNDING_MODES), st.integers(-3, 3)).map(Constant)
computed_terms = st.recursive(
    value_constants,
    lambda inner: st.one_of(
        st.builds(BinaryOperation, st.sampled_from(["+", "-", "*", "/", "%"]), inner, inner), _calls(inner)
    ),
    max_leaves=6,
)


@given(computed_terms)
def test_nested_computations_equal_the_reference(term):
    assert same(arithmetic.evaluate(term, {}), reference._value(term, {}))
