"""The language: every construct parses to the tree it should, prints back, and bad text fails in words."""

from __future__ import annotations

import datetime

import pytest

from lexlog.grammar import LexlogSyntaxError, parse, parse_atom, parse_body, print_program
from lexlog.grammar.tree import (
    Atom,
    Authority,
    BinaryOperation,
    Citation,
    Comparison,
    Constant,
    Constraint,
    Expectation,
    Fact,
    Include,
    Literal,
    Note,
    Query,
    Rule,
    Variable,
)


def only(text: str, dialect: str = "lexlog"):
    statements = parse(text, "t.dl", dialect).statements  # type: ignore[arg-type]
    assert len(statements) == 1
    return statements[0]


def test_fact_with_symbol_string_and_integers() -> None:
    fact = only('p(a, "Two words", 42, -7).')
    assert fact == Fact(Atom("p", (Constant("a"), Constant("Two words"), Constant(42), Constant(-7))))


def test_symbol_and_identical_string_are_the_same_constant() -> None:
    assert only("p(abc).") == only('p("abc").')
    assert only('p("1").') != only("p(1).")


def test_zero_arity_atom_with_and_without_parentheses() -> None:
    assert only("stayed.") == only("stayed().") == Fact(Atom("stayed", ()))


def test_rule_with_negation_comparison_and_anonymous_variable() -> None:
    rule = only("h(X) :- b(X, Y), not c(Y), X != Y, d(_).")
    assert isinstance(rule, Rule)
    assert rule.head == Atom("h", (Variable("X"),))
    b, c, comparison, d = rule.body
    assert b == Literal(Atom("b", (Variable("X"), Variable("Y"))))
    assert c == Literal(Atom("c", (Variable("Y"),)), negated=True)
    assert comparison == Comparison("!=", Variable("X"), Variable("Y"))
    assert d.atom.arguments[0].is_anonymous


def test_arithmetic_precedence_and_left_associativity() -> None:
    rule = only("r(X - 1 - 2, X + 2 * 3 % 4) :- n(X).")
    first, second = rule.head.arguments
    assert first == BinaryOperation("-", BinaryOperation("-", Variable("X"), Constant(1)), Constant(2))
    assert second == BinaryOperation(
        "+", Variable("X"), BinaryOperation("%", BinaryOperation("*", Constant(2), Constant(3)), Constant(4))
    )


def test_parentheses_group_arithmetic() -> None:
    rule = only("r((X + 1) * 2) :- n(X).")
    assert rule.head.arguments[0] == BinaryOperation("*", BinaryOperation("+", Variable("X"), Constant(1)), Constant(2))


def test_every_comparison_operator() -> None:
    for operator in ["=", "!=", "<", "<=", ">", ">="]:
        rule = only(f"r(X) :- n(X), X {operator} 3.")
        assert rule.body[1] == Comparison(operator, Variable("X"), Constant(3))


def test_percent_after_an_operand_is_remainder_and_elsewhere_a_comment() -> None:
    rule = only("even(X) :- n(X), X % 2 = 0. % a comment\n")
    assert rule.body[1].left == BinaryOperation("%", Variable("X"), Constant(2))


def test_comments_of_all_three_kinds_are_ignored() -> None:
    program = parse("% one\n// two\n/* three\nlines */ p(a). /* inline */ q(b).")
    assert [s.atom.predicate for s in program.statements] == ["p", "q"]
    assert len(program.comments) == 4


def test_strings_with_escapes_and_unicode() -> None:
    fact = only(r'p("say \"hi\"\n\tback\\slash \u00e9 ✓ 中文").')
    assert fact.atom.arguments[0] == Constant('say "hi"\n\tback\\slash é ✓ 中文')


def test_authority() -> None:
    assert only('authority backe = "Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)".') == Authority(
        "backe", "Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)"
    )


def test_annotations_label_and_pin_cites_of_every_shape() -> None:
    rule = only(
        "@label no_finding\n@cite backe at 648, wicks at 994-95\n@cite westbrook at *3, zapata at 485 n.2, "
        'iqbal, hutcheson at "slip op. 4"\nh(X) :- b(X).'
    )
    assert rule.annotations.label == "no_finding"
    assert rule.annotations.citations == (
        Citation("backe", "648"),
        Citation("wicks", "994-95"),
        Citation("westbrook", "*3"),
        Citation("zapata", "485 n.2"),
        Citation("iqbal", None),
        Citation("hutcheson", "slip op. 4"),
    )


def test_notes_parse_among_label_and_cite_with_strings_unescaped() -> None:
    rule = only(
        '@label appeal_pending\n@note later_law "Carswell (2022) postdates \\"older\\" orders."\n'
        "@cite carswell at 311-12\n"
        '@note library_reading "the library\'s reading"\nh(X) :- b(X).'
    )
    assert rule.annotations.label == "appeal_pending"
    assert rule.annotations.citations == (Citation("carswell", "311-12"),)
    assert rule.annotations.notes == (
        Note("later_law", 'Carswell (2022) postdates "older" orders.'),
        Note("library_reading", "the library's reading"),
    )
    assert not rule.annotations.empty
    kind = rule.annotations.notes[0].span
    assert (kind.line, kind.column) == (2, 7)  # the note is located from its kind on


def test_notes_stand_before_facts_and_constraints_and_alone_make_annotations_non_empty() -> None:
    fact, constraint = parse('@note library_reading "x"\np(a).\n@note later_law "y"\nconstraint c :- p(a).').statements
    assert fact.annotations.notes == (Note("library_reading", "x"),) and fact.annotations.label is None
    assert constraint.annotations.notes == (Note("later_law", "y"),)
    assert not fact.annotations.empty


def test_printer_writes_notes_after_cite_and_reads_them_back() -> None:
    source = '@note later_law "a \\"b\\"\\nc"\n@cite backe at 648\n@label r\nh(X) :- b(X).\n'
    printed = print_program(parse(source))
    assert printed == '@label r\n@cite backe at 648\n@note later_law "a \\"b\\"\\nc"\nh(X) :- b(X).\n'
    assert parse(printed) == parse(source)


def test_declarations_of_each_kind() -> None:
    program = parse(
        'input discovery_order(Order, Defendant) "the order {Order} lets discovery proceed against {Defendant}".\n'
        "derived step_one_met(Order).\noutput appealable(Order) \"the order {Order} is immediately appealable\".\n"
        "input stay_in_force()."
    )
    kinds = [(d.kind, d.predicate, d.parameters) for d in program.statements]
    assert kinds == [
        ("input", "discovery_order", ("Order", "Defendant")),
        ("derived", "step_one_met", ("Order",)),
        ("output", "appealable", ("Order",)),
        ("input", "stay_in_force", ()),
    ]
    assert program.statements[0].reading == "the order {Order} lets discovery proceed against {Defendant}"
    assert program.statements[1].reading is None


def test_constraint_expectations_query_and_includes() -> None:
    program = parse(
        "constraint unreviewable :- appealable(O), no_appellate_jurisdiction(O).\n"
        "expect appealable(zapata_order).\nexpect not appealable(westbrook_order).\n"
        "?- appealable(O), not appealed(O).\n"
        'include "doctrine/stay.dl".\ninclude <fifth_circuit_qi>.'
    )
    constraint, yes, no, query, relative, library = program.statements
    assert isinstance(constraint, Constraint) and constraint.name == "unreviewable"
    assert yes == Expectation(Atom("appealable", (Constant("zapata_order"),)), True)
    assert no == Expectation(Atom("appealable", (Constant("westbrook_order"),)), False)
    assert isinstance(query, Query) and query.body[1].negated
    assert relative == Include("doctrine/stay.dl", False)
    assert library == Include("fifth_circuit_qi", True)


def test_bodiless_clause_with_a_variable_is_kept_as_a_rule_for_the_checks() -> None:
    assert isinstance(only("p(X)."), Rule)


def test_keywords_can_be_constants_in_arguments() -> None:
    fact = only("asserted_qi(smith, input, not, at, expect).")
    assert [a.value for a in fact.atom.arguments] == ["smith", "input", "not", "at", "expect"]


def test_spans_point_at_the_source() -> None:
    program = parse("p(a).\n\nh(X) :- b(X),\n    not c(X).", "f.dl")
    rule = program.statements[1]
    assert (rule.span.file, rule.span.line, rule.span.column) == ("f.dl", 3, 1)
    negated = rule.body[1]
    assert (negated.span.line, negated.span.column) == (4, 5)
    assert (negated.atom.arguments[0].span.line, negated.atom.arguments[0].span.column) == (4, 11)


def test_parse_atom_and_parse_body_entry_points() -> None:
    assert parse_atom("appealable(zapata_order).") == Atom("appealable", (Constant("zapata_order"),))
    body = parse_body("appealable(O), O != x")
    assert len(body) == 2


def test_souffle_dialect_reads_lower_case_variables_and_upper_case_predicates() -> None:
    rule = only("A(a, b, a+b) :- R(a,b).", "souffle")
    assert rule.head == Atom("A", (Variable("a"), Variable("b"), BinaryOperation("+", Variable("a"), Variable("b"))))
    assert only('grad(S) :- take(S,"his").', "souffle").body[0].atom.arguments[1] == Constant("his")


def test_souffle_dialect_takes_parenthesised_comparisons_and_a_missing_full_stop() -> None:
    rule = only("Fib(n, x + y) :- Fib(n - 1, x), Fib(n - 2, y), (n <= 25)", "souffle")
    assert rule.body[2] == Comparison("<=", Variable("n"), Constant(25))
    assert rule.body[0].atom.arguments[0] == BinaryOperation("-", Variable("n"), Constant(1))


# --- Errors -------------------------------------------------------------------------------------------------------


def syntax_error(text: str) -> LexlogSyntaxError:
    with pytest.raises(LexlogSyntaxError) as caught:
        parse(text, "bad.dl")
    return caught.value


def test_missing_full_stop_points_at_the_end_of_the_statement() -> None:
    error = syntax_error("p(X) :- q(X)\nr(a).")
    assert error.message == "missing '.' at the end of this statement"
    assert (error.span.line, error.span.column) == (1, 13)
    assert "'.'" in error.expected


def test_expected_tokens_are_said_in_words() -> None:
    error = syntax_error("p(X :- q.")
    assert error.message == "unexpected ':-'"
    assert "')'" in error.expected
    assert all(word.isupper() is False for word in error.expected)
    assert not any(name in " ".join(error.expected) for name in ["RPAR", "COMMA", "SYMBOL"])


def test_unclosed_string() -> None:
    error = syntax_error('p("abc).')
    assert error.message == "this string is not closed before the end of the line"
    assert (error.span.line, error.span.column) == (1, 3)


def test_upper_case_predicate_suggests_lower_case() -> None:
    error = syntax_error("Appealable(x).")
    assert "cannot name a predicate" in error.message
    assert error.hint == "did you mean 'appealable'?"


def test_wrong_rule_arrow_has_a_hint() -> None:
    assert syntax_error("p(x) := q(x).").hint == "a rule is written head :- body"


def test_reserved_word_as_predicate_has_a_hint() -> None:
    assert "reserved word" in (syntax_error("input(x).").hint or "")


def test_unknown_escape_is_located() -> None:
    error = syntax_error('p("a\\qb").')
    assert error.message == "unknown escape '\\q' in a string"
    assert error.span.column == 5


def test_end_of_input_inside_a_statement() -> None:
    error = syntax_error("p(x")
    assert error.message == "the input ended in the middle of a statement"


def test_two_labels_on_one_statement() -> None:
    assert syntax_error("@label a\n@label b\np(x).").message == "a statement has two @label lines"


def test_a_note_without_text_or_kind_says_how_notes_are_written() -> None:
    hint = 'a note is written @note KIND "text", where KIND is later_law, library_reading or benchmark_reading'
    missing_text = syntax_error("@note later_law\np(a).")
    assert missing_text.message == "unexpected name 'p'"
    assert missing_text.expected == ('a quoted string ("...")',)
    assert missing_text.hint == hint
    missing_kind = syntax_error('@note "why"\np(a).')
    assert missing_kind.message == "unexpected string '\"why\"'"
    assert (missing_kind.span.line, missing_kind.span.column) == (1, 7)
    assert missing_kind.hint == hint


def test_an_unknown_annotation_lists_them_all() -> None:
    error = syntax_error('@remark "x"\np(a).')
    assert error.message == "unexpected character '@'"
    assert error.hint == (
        'the annotations are @label NAME, @cite AUTHORITY at PAGE, @note KIND "text", @defeasible, @defeater, '
        "@overrides LABEL, @since DATE and @until DATE"
    )


def test_printer_round_trip_keeps_comments() -> None:
    source = "% the rule\n@label r\n@cite backe at 648\nh(X) :- b(X), not c(X).  % trailing\n\nb(a).\n"
    printed = print_program(parse(source))
    assert printed == source
    assert parse(printed) == parse(source)


def test_printer_breaks_long_bodies_over_lines() -> None:
    body = ", ".join(f"condition_number_{i}(X)" for i in range(8))
    printed = print_program(parse(f"h(X) :- {body}."))
    assert printed.splitlines()[0] == "h(X) :-"
    assert printed.splitlines()[1] == "    condition_number_0(X),"
    assert parse(printed) == parse(f"h(X) :- {body}.")


def test_a_date_shaped_literal_is_a_date_never_a_subtraction() -> None:
    fact = only("served_on(c1, 2024-01-05).")
    assert fact.atom.arguments[1] == Constant(datetime.date(2024, 1, 5))
    error = syntax_error("late(C) :- served(C, S), S > 2024-02-30.")
    assert error.message == "'2024-02-30' is not a date: day is out of range for month"
    assert (error.span.line, error.span.column) == (1, 30)
    assert error.hint == "dates are written YYYY-MM-DD: 2024-01-05"


def test_only_the_four_two_two_shape_is_a_date_and_only_in_lexlog() -> None:
    # 1-2-3 and 2024 - 1 - 5 written with spaces stay arithmetic; strings stay strings.
    for text in ("p(X) :- q(X), X = 1-2-3.", "p(X) :- q(X), X = 2024 - 1 - 5.", 'p("2024-01-05").', 'p("01").'):
        parse(text, "ok.dl")
    rule = only("A(x) :- B(x), x = 2024-01-05.", "souffle")
    assert rule.body[1].right == BinaryOperation("-", BinaryOperation("-", Constant(2024), Constant(1)), Constant(5))


def test_constructs_of_other_languages_are_refused_by_name_with_what_to_write() -> None:
    aggregate = syntax_error("total(D, S) :- claim(D, _), S = #sum{ A : claim(D, A) }.")
    assert aggregate.message == "'#sum' is clingo's aggregate syntax, which lexlog does not have"
    assert aggregate.span.column == 33 and aggregate.hint == (
        "lexlog writes an aggregate as Total = sum A : { claim(D, A) } (also count, min and max)"
    )
    disjunction = syntax_error("p(X) :- q(X) ; r(X).")
    assert disjunction.message == "';' (or) is not lexlog: a rule's body is a conjunction"
    assert disjunction.hint == "write one rule for each alternative: p(X) :- q(X).  p(X) :- r(X)."
    collector = syntax_error("all(L) :- findall(X, q(X), L).")
    assert collector.hint == "findall is Prolog's; lexlog aggregates instead: N = count : { q(X) } (also sum, min and max)"


def test_a_date_shaped_token_is_never_offered_as_expected() -> None:
    error = syntax_error("p(X) :- q(X), X = .")
    assert "a date" not in error.expected and "a number" in error.expected


def test_an_error_names_each_expected_kind_of_token_once() -> None:
    from lexlog.grammar import LexlogSyntaxError

    with pytest.raises(LexlogSyntaxError) as caught:
        parse('p("unclosed')
    assert caught.value.expected.count("a number") == 1  # an integer and a decimal are both "a number"


def test_a_comment_inside_a_statement_is_printed_above_it_not_below() -> None:
    from lexlog.grammar import print_program

    source = 'q(X) :- % why q\n  p(X),\n  % and r\n  r(X).\ns(a).\n'
    assert print_program(parse(source)) == "% why q\n% and r\nq(X) :- p(X), r(X).\ns(a).\n"


def test_a_constant_reading_parses_prints_and_keeps_the_word_free_elsewhere() -> None:
    from lexlog.grammar import ConstantReading

    program = parse('constant no_fact_question "the order identifies no question of fact".\np(constant).\n')
    reading = program.statements[0]
    assert reading == ConstantReading("no_fact_question", "the order identifies no question of fact")
    assert print_program(program).splitlines()[0] == 'constant no_fact_question "the order identifies no question of fact".'
    with pytest.raises(LexlogSyntaxError) as raised:
        parse("constant(x).", "case.dl")
    assert "'constant' is a reserved word" in str(raised.value.hint)
