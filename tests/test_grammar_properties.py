"""Properties of the parser and printer over generated programs and arbitrary text."""

from __future__ import annotations

from hypothesis import given, strategies as st

from lexlog.grammar import LexlogSyntaxError, parse, parse_atom, parse_body, print_program
from strategies import printable_programs as programs

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
def test_printed_programs_parse_back_to_the_same_tree(program) -> None:
    printed = print_program(program)
    assert parse(printed) == program


@given(programs)
def test_printing_is_idempotent(program) -> None:
    printed = print_program(program)
    assert print_program(parse(printed)) == printed


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
