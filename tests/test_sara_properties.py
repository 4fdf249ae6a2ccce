"""Properties of <us_tax> over generated single-return cases: tax is never negative; within one filing status it
never falls as taxable income rises; the standard deduction and the exemptions are never negative. Both engines."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lexlog.kb.atoms import GroundAtom
from lexlog.kb.knowledge_base import KnowledgeBase
from lexlog.kb.loader import library_path

YEARS = (2015, 2017, 2019)
STATUSES = ("unmarried", "joint", "separate")


@pytest.fixture(scope="module", params=["clingo", "pydatalog"])
def library(request) -> KnowledgeBase:
    return KnowledgeBase.from_files([library_path("us_tax")], engine=request.param)


def _facts(status: str, year: int, income: int, spouse_income: int, itemized: int, born: int) -> list[GroundAtom]:
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    facts = [
        GroundAtom("income_", ("alice_income",)),
        GroundAtom("agent_", ("alice_income", "alice")),
        GroundAtom("amount_", ("alice_income", income)),
        GroundAtom("start_", ("alice_income", last)),
        GroundAtom("birth_", ("alice_birth",)),
        GroundAtom("agent_", ("alice_birth", "alice")),
        GroundAtom("start_", ("alice_birth", datetime.date(born, 6, 1))),
        GroundAtom("question_year", (year,)),
    ]
    if status != "unmarried":
        facts += [
            GroundAtom("marriage_", ("wedding",)),
            GroundAtom("agent_", ("wedding", "alice")),
            GroundAtom("agent_", ("wedding", "bob")),
            GroundAtom("start_", ("wedding", datetime.date(year - 3, 5, 1))),
            GroundAtom("income_", ("bob_income",)),
            GroundAtom("agent_", ("bob_income", "bob")),
            GroundAtom("amount_", ("bob_income", spouse_income)),
            GroundAtom("start_", ("bob_income", last)),
        ]
    if status == "joint":
        facts += [
            GroundAtom("joint_return_", ("return",)),
            GroundAtom("agent_", ("return", "alice")),
            GroundAtom("agent_", ("return", "bob")),
            GroundAtom("start_", ("return", first)),
            GroundAtom("end_", ("return", last)),
        ]
    if itemized:
        facts += [
            GroundAtom("deduction_", ("alice_deduction",)),
            GroundAtom("agent_", ("alice_deduction", "alice")),
            GroundAtom("amount_", ("alice_deduction", itemized)),
            GroundAtom("start_", ("alice_deduction", last)),
        ]
    return facts


def _values(knowledge_base: KnowledgeBase, goal: str, variable: str) -> list:
    return [answer[variable] for answer in knowledge_base.query(goal).answers]


cases = st.fixed_dictionaries(
    {
        "status": st.sampled_from(STATUSES),
        "year": st.sampled_from(YEARS),
        "spouse_income": st.integers(0, 400_000),
        "itemized": st.one_of(st.just(0), st.integers(1, 80_000)),
        "born": st.integers(1930, 1995),
    }
)
PROPERTY_SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY_SETTINGS
@given(case=cases, incomes=st.lists(st.integers(0, 900_000), min_size=2, max_size=2, unique=True))
def test_tax_is_never_negative_and_never_falls_as_taxable_income_rises(library, case, incomes):
    figures = []
    for income in sorted(incomes):
        knowledge_base = library.suppose_ground(_facts(income=income, **case))
        taxes = _values(knowledge_base, f"tax(alice, {case['year']}, T)", "T")
        taxable = _values(knowledge_base, f"s63(alice, {case['year']}, I)", "I")
        assert len(taxes) == 1, f"one tax figure, not {taxes}"
        assert taxes[0] >= 0
        figures.append((max(taxable), taxes[0]))
    (low_income, low_tax), (high_income, high_tax) = figures
    if low_income <= high_income:
        assert low_tax <= high_tax, figures
    else:
        assert high_tax <= low_tax, figures


@PROPERTY_SETTINGS
@given(case=cases, income=st.integers(0, 900_000))
def test_the_standard_deduction_and_the_exemptions_are_never_negative(library, case, income):
    knowledge_base = library.suppose_ground(_facts(income=income, **case))
    year = case["year"]
    deductions = _values(knowledge_base, f"s63_c(alice, {year}, D)", "D")
    exemptions = _values(knowledge_base, f"s151_a(alice, E, {year})", "E")
    assert all(value >= 0 for value in deductions + exemptions)
    assert exemptions, "every taxpayer has at least the own exemption figured"
