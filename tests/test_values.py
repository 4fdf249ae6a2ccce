"""Dates, exact numbers, integers of any size and the built-in functions: their meaning on both backends, the
checks that guard them, and how they read in JSON, batch cases, prose and fuzzing."""

from __future__ import annotations

import datetime
import json
from fractions import Fraction

import pytest

from lexlog.grammar import parse
from lexlog.grammar.values import decimal_text, integer_text, money_text, number_text
from lexlog.kb import KnowledgeBase, PostureSpace, check_source, run_batch
from lexlog.kb.atoms import AtomPattern
from lexlog.kb.functions import add_months, age, round_places, round_to_multiple
from lexlog.kb.json_values import from_json, loads, to_json

ENGINES = ["clingo", "pydatalog"]


def answers(source: str, query: str, engine: str) -> list[dict]:
    knowledge_base = KnowledgeBase(engine)
    knowledge_base.load_source(source, "values.dl")
    return [dict(answer) for answer in knowledge_base.query(query).answers]


@pytest.mark.parametrize("engine", ENGINES)
def test_the_36_day_removal_is_untimely(engine: str) -> None:
    source = "served(c1, 2024-01-05). removed(c1, 2024-02-10).\ntimely(C) :- served(C, S), removed(C, R), R - S <= 30.\nlate(C, R - S) :- served(C, S), removed(C, R)."
    assert answers(source, "timely(C)", engine) == []
    assert answers(source, "late(C, N)", engine) == [{"C": "c1", "N": 36}]


@pytest.mark.parametrize("engine", ENGINES)
def test_big_integers_decimals_and_dates_compare_across_kinds(engine: str) -> None:
    source = (
        "v(3000000000). v(-3000000000). v(75000.01). v(75000). v(2024-01-05). v(text). v(-0.5).\n"
        "above(X) :- v(X), X > 75000.\nsmall(X) :- v(X), X < 0.\nlater(X) :- v(X), X > 2000-01-01."
    )
    assert answers(source, "above(X)", engine) == [
        {"X": Fraction(7500001, 100)}, {"X": 3000000000}, {"X": datetime.date(2024, 1, 5)}, {"X": "text"}
    ]
    assert answers(source, "small(X)", engine) == [{"X": -3000000000}, {"X": Fraction(-1, 2)}]
    assert answers(source, "later(X)", engine) == [{"X": datetime.date(2024, 1, 5)}, {"X": "text"}]


@pytest.mark.parametrize("engine", ENGINES)
def test_three_equal_claims_are_three_rows_and_big_products_are_exact(engine: str) -> None:
    source = "amount(c1, 30000.10). amount(c2, 3000000000).\nsq(C, A * A) :- amount(C, A).\nhalf(C, A / 2) :- amount(C, A)."
    assert answers(source, "sq(C, S)", engine) == [
        {"C": "c1", "S": Fraction(90000600001, 100)}, {"C": "c2", "S": 9 * 10**18}
    ]
    assert answers(source, "half(C, H)", engine) == [{"C": "c1", "H": Fraction(300001, 20)}, {"C": "c2", "H": 1500000000}]


def test_rounding_modes() -> None:
    expected = {  # 2.5, -2.5, 3.5
        "half_up": (3, -3, 4), "half_down": (2, -2, 3), "half_even": (2, -2, 4), "down": (2, -2, 3),
        "up": (3, -3, 4), "floor": (2, -3, 3), "ceiling": (3, -2, 4),
    }
    for mode, values in expected.items():
        got = tuple(round_places(value, 0, mode) for value in (Fraction(5, 2), Fraction(-5, 2), Fraction(7, 2)))
        assert got == values, mode
    assert round_to_multiple(61234, 50, "floor") == 61200
    assert round_places(Fraction("61234.567"), 2, "half_up") == Fraction("61234.57")
    assert round_places(1234, -2, "half_up") == 1200
    assert round_places(1, 0, "sideways") is None and round_to_multiple(1, 0, "floor") is None


def test_month_end_rule_and_age() -> None:
    assert add_months(datetime.date(2023, 1, 31), 1) == datetime.date(2023, 2, 28)
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2024, 3, 31), -1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(9999, 12, 1), 1) is None
    assert age(datetime.date(2000, 2, 29), datetime.date(2001, 2, 28)) == 1
    assert age(datetime.date(2000, 2, 29), datetime.date(2001, 2, 27)) == 0
    assert age(datetime.date(2000, 3, 1), datetime.date(1999, 1, 1)) is None


def test_numbers_are_written_back_exactly() -> None:
    assert number_text(Fraction(1, 3)) == "(1 / 3)"
    assert number_text(Fraction(-1, 2)) == "-0.5"
    assert decimal_text(Fraction(3, 2), 2) == "1.50"
    assert money_text(80000) == "$80,000" and money_text(Fraction("-12.5")) == "-$12.50"
    big = 7 * 10**5000
    assert parse(f"p({integer_text(big)}).").statements[0].atom.arguments[0].value == big  # past Python's 4,300-digit limit


def test_values_in_json_both_ways() -> None:
    for value in (Fraction(1, 3), Fraction("75000.01"), datetime.date(2024, 1, 5), 2**80, "x"):
        assert from_json(json.loads(json.dumps(to_json(value)))) == value
    assert loads('{"a": 75000.01, "b": 1e3}') == {"a": Fraction("75000.01"), "b": 1000}
    with pytest.raises(ValueError, match="NaN"):
        loads('{"a": NaN}')
    with pytest.raises(ValueError, match="not true"):
        from_json(True)


def codes(source: str) -> list[str]:
    return [d.code for d in check_source(source, "bad.dl").diagnostics if d.is_error]


def test_checks_guard_functions_modes_types_and_undefined_values() -> None:
    assert codes("a(1). x(rond(A, 2, half_up)) :- a(A).") == ["unknown_function"]
    assert codes("a(1). x(round(A, 2)) :- a(A).") == ["unknown_function"]
    assert codes("a(1). x(round(A, 2, halfup)) :- a(A).") == ["unknown_rounding_mode"]
    assert codes("w(date(\"2024-13-01\")).") == ["undefined_value"]
    assert codes("a(1). w(X) :- a(X), X > 1 / 0.") == ["undefined_value"]
    assert codes("input s(Case, D: dte). s(c, 2024-01-05).") == ["unknown_type"]
    assert codes('input s(Case, D: date). s(c, "2024-01-05").') == ["type_mismatch"]
    assert codes("input s(Case, A: money). s(c, 2024-01-05).") == ["type_mismatch"]
    assert codes("input s(Case, A: integer). s(c, 1.5).") == ["type_mismatch"]
    assert codes("input s(Case, A: money). s(c, 1.5). s(d, 3000000000).") == []
    error = parse.__globals__["LexlogSyntaxError"]
    with pytest.raises(error, match="'2023-02-29' is not a date"):
        parse("p(2023-02-29).")


def test_a_query_with_a_wrong_type_is_refused_in_words() -> None:
    knowledge_base = KnowledgeBase("clingo")
    knowledge_base.load_source("input s(Case, D: date). s(c, 2024-01-05).", "typed.dl")
    from lexlog.kb import LexlogError

    with pytest.raises(LexlogError) as caught:
        knowledge_base.query('s(C, "2024-01-05")')
    assert [d.code for d in caught.value.diagnostics] == ["type_mismatch"]


def test_readings_write_dates_and_money_as_a_lawyer_does() -> None:
    knowledge_base = KnowledgeBase("clingo")
    knowledge_base.load_source(
        'input claim(Case, Amount: money, On: date) "{Case} claims {Amount}, filed {On}".\n'
        "claim(c1, 75000.01, 2024-01-05).",
        "read.dl",
    )
    reading = knowledge_base.vocabulary.reading(AtomPattern("claim", ("c1", Fraction("75000.01"), datetime.date(2024, 1, 5))))
    assert reading == "c1 claims $75,000.01, filed January 5, 2024"


def test_batch_reads_iso_strings_where_a_date_is_declared_and_refuses_wrong_types() -> None:
    knowledge_base = KnowledgeBase("clingo")
    knowledge_base.load_source(
        "input served(Case, D: date). input removed(Case, D: date). output late(Case).\n"
        "late(C) :- served(C, S), removed(C, R), R - S > 30.",
        "batch.dl",
    )
    lines = [
        json.dumps({"id": 1, "facts": {"served": [["c1", "2024-01-05"]], "removed": [["c1", {"date": "2024-02-10"}]]}}),
        json.dumps({"id": 2, "facts": {"served": [["c1", 5]]}}),
        json.dumps({"id": 3, "facts": {"served": [["c1", "2024-02-30"]]}}),
    ]
    outputs = list(run_batch(knowledge_base, lines))
    assert outputs[0] == {"id": 1, "conclusions": {"late": [["c1"]]}}
    assert "D is declared date, but a row has 5" in outputs[1].message
    assert 'but a row has "2024-02-30"' in outputs[2].message


def test_the_fuzzer_tries_dates_around_the_deadlines() -> None:
    knowledge_base = KnowledgeBase("clingo")
    knowledge_base.load_source(
        "input served(Case, D: date). input removed(Case, D: date). output late(Case).\n"
        "late(C) :- served(C, S), removed(C, R), R - S > 30.",
        "fuzz.dl",
    )
    dates = PostureSpace.of(knowledge_base).domains["D"]
    assert all(isinstance(value, datetime.date) for value in dates)
    assert {b - a for a in dates for b in dates} >= {datetime.timedelta(30), datetime.timedelta(31)}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_worked_example_passes_and_the_36_day_removal_is_untimely(engine: str) -> None:
    from lexlog.kb import bundled_example_files, run_tests

    files = bundled_example_files()
    assert any(path.endswith("removal.dl") for path in files)
    report = run_tests(files, engine)
    assert all(result.ok for result in report.files) and sum(result.passed for result in report.files) >= 9
    knowledge_base = KnowledgeBase(engine)
    knowledge_base.load_files([path for path in files if path.endswith("removal.dl")])
    assert knowledge_base.query("untimely_removal(acme)").holds
    assert knowledge_base.query("last_day_to_remove(acme, 2024-02-05), amount_in_controversy(paula, acme, 90000)").holds


@pytest.mark.parametrize("engine", ENGINES)
def test_a_recursion_without_end_stops_at_the_budget_with_a_clear_error(engine: str) -> None:
    from lexlog.kb import LexlogError

    runaway = "n(0).\nn(X + 1) :- n(X), X >= 0."  # the comparison passes the check but bounds nothing
    for limits, words in (({"budget": 2_000}, "after 2,000"), ({"seconds": 1}, "after 1 seconds")):
        knowledge_base = KnowledgeBase(engine, **limits)
        knowledge_base.load_source(runaway, "runaway.dl")
        with pytest.raises(LexlogError) as caught:
            knowledge_base.query("n(5)")
        assert caught.value.code == "evaluation_budget" and words in caught.value.diagnostics[0].message
    # the prompt's way of adding a fact keeps nothing it cannot evaluate
    bounded = KnowledgeBase(engine, budget=2_000)
    bounded.load_source("input start(N).\nn(X) :- start(X).\nn(X + 1) :- n(X), X >= 0.", "runaway.dl")
    with pytest.raises(LexlogError):
        bounded.assert_fact("start(0).", evaluate=True)
    assert bounded.asserted == []


def test_clingo_native_order_and_its_context_function_agree() -> None:
    """clingo compares natively when every value is a 32-bit integer, a date or a string, and in Python otherwise:
    the same comparisons must come out the same both ways, and as on pyDatalog."""
    values = "v(-5). v(0). v(7). v(2024-01-05). v(1999-12-31). v(9999-12-31). v(abc). v(\"Abc\"). v(\"\")."
    rules = "\n".join(f"r{n}(X, Y) :- v(X), v(Y), X {op} Y." for n, op in enumerate(("<", "<=", ">", ">=")))
    native = answers(f"{values}\n{rules}", "r0(X, Y), r1(X, Y), not r2(X, Y)", "clingo")
    computed_rule = "\nw(X + 1) :- v(X), X = 0."  # a computed value: clingo decides < in Python
    forced = answers(f"{values}\n{rules}{computed_rule}", "r0(X, Y), r1(X, Y), not r2(X, Y)", "clingo")
    reference = answers(f"{values}\n{rules}", "r0(X, Y), r1(X, Y), not r2(X, Y)", "pydatalog")
    assert native == forced == reference and len(native) == 9 * 8 // 2


def test_a_fact_with_a_computed_value_goes_in_and_out_as_text() -> None:
    from lexlog.kb import LexlogError

    knowledge_base = KnowledgeBase("clingo")
    knowledge_base.load_source("input p(X).", "p.dl")
    assert knowledge_base.assert_fact("p((1 / 3)).", evaluate=True).text == "p((1 / 3))"  # as a third is printed
    assert knowledge_base.query("p(X)").answers == ({"X": Fraction(1, 3)},)
    assert knowledge_base.retract_fact("p(1 / 3)") and knowledge_base.query("p(X)").answers == ()
    with pytest.raises(LexlogError) as caught:
        knowledge_base.assert_fact("p(1 / 0).")
    assert caught.value.code == "undefined_value" and caught.value.diagnostics[0].span.column == 3
