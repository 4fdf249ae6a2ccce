"""The SARA tax cases (tests/data/sara) imported into lexlog and decided on the bundled <us_tax>, and the importer
itself: Prolog reading, the case rules' expansion, the translations, and located errors for what it cannot take."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pytest

from lexlog.kb.sara.importer import SaraImportError, import_case
from lexlog.kb.sara.runner import SaraRunner, case_files, summarize

CASES = os.path.join(os.path.dirname(__file__), "data", "sara", "cases")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALL_CASES = case_files(CASES)
# pyDatalog takes several times clingo's time per case: the default run decides every eighth case on it (each
# section is represented), the long profile the rest.
PYDATALOG_SAMPLE = ALL_CASES[::8]
PYDATALOG_REST = [path for path in ALL_CASES if path not in PYDATALOG_SAMPLE]


def _name(path: str) -> str:
    return os.path.basename(path)[:-3]


@pytest.fixture(scope="module")
def runner() -> SaraRunner:
    return SaraRunner("clingo")


@pytest.fixture(scope="module")
def pydatalog_runner() -> SaraRunner:
    return SaraRunner("pydatalog")


def _case(facts: str, goal: str, question: str = "Does it hold? Entailment") -> str:
    return textwrap.dedent(
        f"""\
        % Text
        % A made-up case.

        % Question
        % {question}

        % Facts
        :- [statutes/prolog/init].
        {facts}

        % Test
        :- {goal}.
        :- halt.
        """
    )


def test_the_256_training_cases_are_present():
    assert len(ALL_CASES) == 256
    assert {os.path.basename(p).split("_")[0] for p in PYDATALOG_SAMPLE} >= {"s1", "s2", "s63", "s151", "s152", "s3306", "tax"}


@pytest.fixture(scope="module")
def clingo_outcomes(runner):
    """Every case decided once, as bench_sara.py decides them (many in one evaluation); each test reads its own."""
    return {outcome.name: outcome for outcome in runner.decide_files(ALL_CASES)}


@pytest.mark.parametrize("path", ALL_CASES, ids=_name)
def test_each_case_is_decided_as_labelled_on_clingo(clingo_outcomes, path):
    outcome = clingo_outcomes[_name(path)]
    assert outcome.passed, outcome.line()


@pytest.fixture(scope="module")
def pydatalog_sample_outcomes(pydatalog_runner):
    return {outcome.name: outcome for outcome in pydatalog_runner.decide_files(PYDATALOG_SAMPLE)}


@pytest.mark.parametrize("path", PYDATALOG_SAMPLE, ids=_name)
def test_a_sample_of_the_cases_is_decided_as_labelled_on_pydatalog(pydatalog_sample_outcomes, path):
    outcome = pydatalog_sample_outcomes[_name(path)]
    assert outcome.passed, outcome.line()


@pytest.mark.long
@pytest.mark.parametrize("path", PYDATALOG_REST, ids=_name)
def test_the_other_cases_are_decided_as_labelled_on_pydatalog(pydatalog_runner, path):
    outcome = pydatalog_runner.decide_file(path)
    assert outcome.passed, outcome.line()


def test_a_case_decided_alone_gets_the_answer_it_gets_among_others(runner, clingo_outcomes):
    for path in ALL_CASES[::16]:
        assert runner.decide_file(path) == clingo_outcomes[_name(path)]


# --- the importer ---------------------------------------------------------------------------------------------


def test_an_underscore_in_a_fact_is_a_value_of_its_own(runner):
    case = import_case(_case("s151_c(alice,_,2000,2015).\ns151_c(bob,_,2000,2015).", "s151_c(alice,_,2000,2015)"), "t", runner.vocabulary)
    stated = [f for f in case.facts if f.predicate == "stated_s151_c"]
    assert len(stated) == 2
    unnamed = {f.arguments[1].value for f in stated}
    assert len(unnamed) == 2 and all(re.fullmatch(r"unnamed_\d+", str(v)) for v in unnamed)


def test_a_role_fact_with_an_open_event_holds_for_every_event(runner):
    facts = "service_(s1).\nservice_(s2).\npayment_(p1).\npurpose_(_,\"agricultural labor\")."
    case = import_case(_case(facts, "service_(s1)"), "t", runner.vocabulary)
    purposes = sorted(f.arguments[0].value for f in case.facts if f.predicate == "purpose_")
    assert purposes == ["p1", "s1", "s2"]


def test_case_rules_are_expanded_into_their_ground_facts(runner):
    facts = textwrap.dedent(
        """\
        upkeep(Year,Event) :- between(2015,2017,Year), atom_concat('bob_pays_',Year,Event).
        payment_(Event) :- upkeep(_,Event).
        start_(Event,Day) :- upkeep(Year,Event), first_day_year(Year,Day).
        """
    )
    case = import_case(_case(facts, "payment_(bob_pays_2016)"), "t", runner.vocabulary)
    texts = {f"{f.predicate}({', '.join(str(a.value) for a in f.arguments)})" for f in case.facts}
    assert {"payment_(bob_pays_2015)", "payment_(bob_pays_2017)", "start_(bob_pays_2016, 2016-01-01)"} <= texts
    assert not any(f.predicate == "upkeep" for f in case.facts), "a case-local helper is not a fact of the library"


def test_a_missing_final_period_before_the_test_is_supplied_and_noted(runner):
    source = _case("income_(e).\nagent_(e,alice)", "income_(e)")
    case = import_case(source, "t", runner.vocabulary)
    assert any("no final period" in warning for warning in case.warnings)
    assert case.goal and case.expect_holds


def test_a_fact_the_library_has_no_place_for_is_left_out_with_a_warning(runner):
    case = import_case(_case("income_(e).\npatient(bob_birth,charlie).", "income_(e)"), "t", runner.vocabulary)
    assert any(w.startswith("patient/2 is not a predicate of <us_tax>") for w in case.warnings)
    assert all(f.predicate != "patient" for f in case.facts)


def test_a_construct_it_cannot_translate_is_a_located_error(runner):
    source = _case("income_(e).\nincome_(X) :- msort([b,a],X).", "income_(e)")
    with pytest.raises(SaraImportError) as error:
        import_case(source, "t", runner.vocabulary)
    assert error.value.line == 10 and "msort/2" in error.value.message


def test_a_question_about_an_unknown_provision_is_a_located_error(runner):
    with pytest.raises(SaraImportError) as error:
        import_case(_case("income_(e).", "s9999_a(alice,2017)"), "t", runner.vocabulary)
    assert "s9999_a/2" in error.value.message and error.value.line == 12


def test_a_question_naming_a_person_where_an_amount_belongs_cannot_hold(runner):
    case = import_case(_case("income_(e).", "\\+ s151_a(alice,bob,2015)", "Contradiction"), "t", runner.vocabulary)
    assert case.impossible is not None and "bob" in case.impossible
    assert runner.decide(case).passed


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    (tmp_path / "a_bad.pl").write_text(_case("income_(e) :- nonsense(.", "income_(e)"))
    (tmp_path / "b_good.pl").write_text(_case("income_(e).\nagent_(e,alice).", "income_(e)"))
    summary = summarize(case_files(str(tmp_path)), "clingo")
    assert [o.passed for o in summary.outcomes] == [False, True]
    assert summary.outcomes[0].actual.endswith("a_bad.pl:9: unexpected '.'")


def test_the_runner_prints_one_line_per_case_and_the_summary_last(tmp_path):
    (tmp_path / "s151_x_pos.pl").write_text(_case("income_(e).\nagent_(e,alice).", "income_(e)"))
    (tmp_path / "s151_x_neg.pl").write_text(_case("income_(e).", "\\+ income_(f)", "Contradiction"))
    result = subprocess.run(
        [sys.executable, os.path.join(ROOT, "bench", "bench_sara.py"), "--cases", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "PASS s151_x_neg" and lines[1] == "PASS s151_x_pos"
    assert re.fullmatch(r"sara: 2/2 pass \(binary 2/2, numeric 0/0\) in \d+\.\d s", lines[-1])
    assert result.returncode == 0


def test_lexlog_import_sara_writes_cases_that_lexlog_test_passes(tmp_path):
    bad = tmp_path / "broken.pl"
    bad.write_text(_case("income_(e) :- nonsense(.", "income_(e)"))
    good = os.path.join(CASES, "s151_a_pos.pl")
    out = tmp_path / "out"
    imported = subprocess.run(
        [sys.executable, "-m", "lexlog.repl.cli", "import-sara", good, str(bad), "--out", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert imported.returncode == 2
    assert f"{bad}:9: unexpected '.'" in imported.stderr
    written = (out / "s151_a_pos.dl").read_text()
    assert "include <us_tax>." in written and "stated_s151_c(alice, unnamed_1, 2000, 2015)." in written
    tested = subprocess.run(
        [sys.executable, "-m", "lexlog.repl.cli", "test", str(out / "s151_a_pos.dl")], capture_output=True, text=True, check=False
    )
    assert tested.returncode == 0 and "1 passed, 0 failed" in tested.stdout


def test_a_negated_literal_that_cannot_hold_drops_out_of_a_conjunction(runner):
    case = import_case(_case("income_(e).\nagent_(e,alice).", "income_(e), \\+ s151_a(alice,bob,2015)"), "t", runner.vocabulary)
    assert case.impossible is None
    assert [item.atom.predicate for item in case.goal] == ["income_"]
    assert runner.decide(case).passed


def test_an_unreadable_or_non_utf8_file_is_a_located_failure(tmp_path):
    (tmp_path / "a_latin1.pl").write_bytes(b"% Text\n% caf\xe9\n")
    (tmp_path / "b_folder.pl").mkdir()
    outcomes = list(summarize(case_files(str(tmp_path)), "clingo").outcomes)
    assert [o.passed for o in outcomes] == [False, False]
    assert outcomes[0].actual.endswith("a_latin1.pl: cannot read the file: it is not UTF-8 text")
    assert outcomes[1].actual.endswith("b_folder.pl: cannot read the file: it is a directory")
