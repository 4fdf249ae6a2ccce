"""Properties of the parser and printer over generated programs and arbitrary text."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, strategies as st

import reference_fixpoint as reference
from lexlog.grammar import LexlogSyntaxError, parse, parse_atom, parse_body, print_program
from lexlog.grammar.printer import print_value
from lexlog.grammar.tree import Constant
from lexlog.grammar.values import terminating_places
from strategies import printable_programs as programs
from strategies import rich_values

VALID_SOURCE = """% the careful procedure
authority backe = "Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)".
input discovery_order(Order, Defendant) "the order {Order} lets discovery proceed against {Defendant}".
@label no_finding
@cite backe at 648, zapata at 485 n.2
appealable(O) :- discovery_order(O, _), not finds(O), X = 1 + 2 * 3, X % 2 != "a\\"b".
constraint c :- appealable(O), no_jurisdiction(O).
expect not appealable(o1).
?- appealable(O).
include <fifth_circuit_qi>.
/* end */
"""


@given(programs)
def test_printed_programs_parse_back_to_the_same_tree_and_print_the_same(program) -> None:
    # one test for both properties: each drew the same 200 programs, and printing is the costly half
    printed = print_program(program)
    parsed = parse(printed)
    assert parsed == program
    assert print_program(parsed) == printed


def parses_or_fails_in_words(text: str) -> None:
    for entry in (parse, parse_atom, parse_body):
        try:
            entry(text, "fuzz.dl")
        except LexlogSyntaxError as error:
            assert error.message
            assert error.span.file == "fuzz.dl"


@given(st.text())
def test_arbitrary_text_raises_only_syntax_errors(text: str) -> None:
    parses_or_fails_in_words(text)


@given(st.text(alphabet=st.sampled_from(list("pqX_(),.:-!=<>%/*+\"\\ \n@?0123456789abnot")), max_size=60))
def test_text_of_language_characters_raises_only_syntax_errors(text: str) -> None:
    parses_or_fails_in_words(text)


@st.composite
def mutated_sources(draw) -> str:
    text = VALID_SOURCE
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        position = draw(st.integers(min_value=0, max_value=len(text)))
        action = draw(st.sampled_from(["delete", "insert", "replace"]))
        if action == "delete":
            length = draw(st.integers(min_value=1, max_value=8))
            text = text[:position] + text[position + length :]
        else:
            chunk = draw(st.text(min_size=1, max_size=4))
            end = position + (len(chunk) if action == "replace" else 0)
            text = text[:position] + chunk + text[end:]
    return text


@given(mutated_sources())
def test_mutated_valid_files_raise_only_syntax_errors(text: str) -> None:
    parses_or_fails_in_words(text)


def test_the_valid_source_used_for_mutation_parses() -> None:
    assert len(parse(VALID_SOURCE).statements) == 7


# --- values: every kind prints as a literal that reads back as the same value --------------------------------------

ROUND_TRIP_SOURCE = """input served(Case, On: date, Amount: money, Note) "{Case} was served on {On}".
derived due(Case, Day: date).
claim(c1, 75000.01, -0.5, 3000000000, -9223372036854775809, 0001-01-01, 9999-12-31, 2024-02-29).
due(C, add_months(S, 1)) :- served(C, S, A, _), round(A / 3, 2, half_even) > 0.33, date("2024-01-31") < S.
late(C, quotient(R - S, 7), lesser(A, 75000.01) * 1.5) :- served(C, S, A, _), removed(C, R), R - S > 30.
total(C, T) :- case(C), T = sum A : { served(C, _, A, _) }.
"""


def test_a_symbol_spelt_like_an_aggregate_prints_so_that_it_reads_back() -> None:
    """After `=`, `count`, `sum`, `min` and `max` begin an aggregate, so the symbol must be printed quoted."""
    program = parse('p(X) :- q(X), X = "sum", Y = "count", r(Y).')
    assert parse(print_program(program)) == program


def test_dates_decimals_big_integers_calls_and_types_print_and_read_back() -> None:
    program = parse(ROUND_TRIP_SOURCE)
    assert parse(print_program(program)) == program
    assert print_program(parse(print_program(program))) == print_program(program)


@given(st.one_of(rich_values, st.fractions(max_denominator=10**6), st.integers(), st.dates(), st.text(max_size=8)))
def test_every_value_prints_as_source_that_reads_back_as_it(value) -> None:
    """A fraction with no finite decimal expansion reads back as the division `(1 / 3)`: the same value."""
    if isinstance(value, Fraction) and value.denominator == 1:
        value = value.numerator
    (rule,) = parse(f"p(X) :- q(X), X = {print_value(value)}.").statements
    term = rule.body[1].right
    computed = reference._value(term, {})
    assert type(computed) is type(value) and computed == value
    if not (isinstance(value, Fraction) and terminating_places(value) is None):
        assert term == Constant(value)
