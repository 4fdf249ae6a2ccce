"""Every check code, with its message, location and hint."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from lexlog.grammar import NameIndex
from lexlog.kb import check_files, check_source
from lexlog.kb.diagnostics import Diagnostic

AUTHORITIES = 'authority backe = "Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)".\n'


def findings(text: str, code: str | None = None) -> list[Diagnostic]:
    report = check_source(text, "case.dl")
    return [d for d in report.diagnostics if code is None or d.code == code]


def one(text: str, code: str) -> Diagnostic:
    found = findings(text, code)
    assert len(found) == 1, found
    return found[0]


def test_a_clean_program_has_no_findings() -> None:
    text = AUTHORITIES + "input e(A, B).\n@cite backe at 648\np(X, Y) :- e(X, Y), not e(Y, X), X != Y.\ne(a, b).\n"
    assert findings(text) == []


def test_head_variable_not_bound_by_the_body_is_unbound_variable() -> None:
    found = one("q(a).\np(X) :- q(Y).", "unbound_variable")
    assert found.message == "'X' in the head is not bound by a positive atom of the body"
    assert (found.span.line, found.span.column) == (2, 3)
    assert found.hint == "add a positive condition that binds X, such as a fact about it"


def test_negated_variable_not_bound_is_unbound_variable() -> None:
    found = one("person(a).\nbanned(a, b).\nok(X) :- person(X), not banned(X, Y).", "unbound_variable")
    assert found.message == "'Y' in 'not banned(...)' is not bound by a positive atom of the body"
    assert found.span.column == 35


def test_comparison_variable_not_bound_is_unbound_variable_with_did_you_mean() -> None:
    found = one("n(1).\nbig(Number) :- n(Number), Numbr > 3.", "unbound_variable")
    assert found.message == "'Numbr' in the comparison is not bound by a positive atom of the body"
    assert found.hint == "did you mean Number?"


def test_comparisons_never_bind() -> None:
    found = findings("n(1).\np(Y) :- n(X), Y = X + 1.", "unbound_variable")
    assert [d.message for d in found] == [
        "'Y' in the head is not bound by a positive atom of the body",
        "'Y' in the comparison is not bound by a positive atom of the body",
    ]


def test_arithmetic_arguments_do_not_bind() -> None:
    found = findings("fib(0, 0).\nfib(1, 1).\nfib(N, A + B) :- fib(N - 1, A), fib(N - 2, B).", "unbound_variable")
    assert {d.message for d in found} == {
        "'N' in the head is not bound by a positive atom of the body",
        "'N' in arithmetic is not bound by a positive atom of the body",
    }


def test_anonymous_variable_in_a_head() -> None:
    found = one("ok(a).\nok(_) :- ok(_).", "anonymous_in_head")
    assert found.message == "the anonymous variable '_' cannot stand in a head: it would conclude every value"


def test_unsafe_query_and_constraint() -> None:
    assert one("p(a).\n?- p(X), not q(Y).\nq(b).", "unbound_variable").span.line == 2
    assert one("p(a).\nconstraint c :- p(X), X < Z.", "unbound_variable").span.line == 2


def test_arity_mismatch_names_the_first_use() -> None:
    found = one("fib(0, 0, 2).\nfib(1, 1).", "arity_mismatch")
    assert found.message == "'fib' has 2 arguments here but 3 arguments where it is used at case.dl:1:1"
    assert found.span.line == 2


def test_arity_mismatch_against_a_declaration() -> None:
    found = one("input order(O, D).\norder(o1).", "arity_mismatch")
    assert "where it is declared at case.dl:1:1" in found.message


def test_cyclic_negation_names_the_cycle() -> None:
    found = one("move(a, b).\nwin(X) :- move(X, Y), not win(Y).", "cyclic_negation")
    assert found.message == "'win' depends on its own negation: win -> not win"
    assert found.span.column == 23


def test_cyclic_negation_through_two_predicates() -> None:
    found = one("base(a).\na(X) :- base(X), not b(X).\nb(X) :- base(X), a(X).", "cyclic_negation")
    assert found.message == "'a' depends on its own negation: a -> not b -> a"


def test_undefined_predicate_suggests_the_close_name() -> None:
    found = one("order(o1).\nfails_step_one(O) :- order(O).\nappealable(O) :- fails_step_on(O).", "undefined_predicate")
    assert found.message == "'fails_step_on' is used but never defined: no facts, no rules, no declaration"
    assert found.hint == "did you mean fails_step_one?"


def test_declared_input_without_facts_is_defined() -> None:
    assert findings("input order(O).\nopen(O) :- order(O).", "undefined_predicate") == []


def test_rule_for_an_input_predicate() -> None:
    found = one("input order(O).\nthing(a).\norder(X) :- thing(X).", "rule_for_input")
    assert "declared input at case.dl:1:1" in found.message


def test_unknown_authority_suggests_the_registered_one() -> None:
    found = one(AUTHORITIES + "q(a).\n@cite bakce at 648\np(X) :- q(X).", "unknown_authority")
    assert found.message == "no authority named 'bakce'"
    assert found.hint == "did you mean backe?"
    assert (found.span.column, found.span.end_column) == (7, 12)


def test_duplicate_label() -> None:
    text = AUTHORITIES + "q(a).\n@label r\n@cite backe\np(X) :- q(X).\n@label r\n@cite backe\ns(X) :- q(X)."
    found = one(text, "duplicate_label")
    assert found.message == "the label 'r' is already used at case.dl:3:8"


def test_duplicate_authority_and_declaration() -> None:
    assert one(AUTHORITIES + 'authority backe = "Other v. Other".', "duplicate_authority")
    assert one("input p(A).\ninput p(B).\np(a).", "duplicate_declaration")


def test_reading_with_an_unknown_placeholder() -> None:
    found = one('input order(Order) "the order {Ordr}".\norder(a).', "bad_reading")
    assert found.hint == "did you mean {Order}?"


def test_uncited_rule_is_a_warning_in_a_file_that_uses_authorities() -> None:
    found = one(AUTHORITIES + "q(a).\np(X) :- q(X).", "uncited_rule")
    assert found.severity == "warning"
    assert findings("q(a).\np(X) :- q(X).", "uncited_rule") == []


def test_unknown_note_kind_is_located_at_the_kind_with_did_you_mean() -> None:
    found = one(AUTHORITIES + 'q(a).\n@cite backe\n@note  later_lw "Decided in 2022."\np(X) :- q(X).', "unknown_note_kind")
    assert found.severity == "error"
    assert found.message == "no note kind named 'later_lw'"
    assert found.hint == "did you mean later_law?"
    assert (found.span.line, found.span.column, found.span.end_column) == (4, 8, 16)


def test_unknown_note_kind_far_from_any_lists_the_kinds() -> None:
    found = one('q(a).\n@note dictum "x"\np(X) :- q(X).', "unknown_note_kind")
    assert found.hint == "the kinds are: later_law, library_reading, benchmark_reading"


def test_empty_note_text_is_an_error() -> None:
    for text in ('""', '"   "'):
        found = one(f"q(a).\n@note later_law {text}\np(X) :- q(X).", "empty_note")
        assert found.severity == "error"
        assert found.message == "the later_law note has no text"
        assert (found.span.line, found.span.column) == (2, 7)
        assert found.hint == "write what a reader of the rule should know, or remove the @note line"
    assert findings('q(a).\n@note later_law "x"\np(X) :- q(X).') == []


def test_a_library_reading_note_exempts_a_rule_from_uncited_rule_but_later_law_does_not() -> None:
    reading = AUTHORITIES + 'q(a).\n@note library_reading "No authority says so in terms."\np(X) :- q(X).'
    assert findings(reading) == []
    later = one(AUTHORITIES + 'q(a).\n@note later_law "Decided in 2022."\np(X) :- q(X).', "uncited_rule")
    assert later.message == "the rule for 'p' cites no authority"
    assert later.hint == 'add @cite AUTHORITY at PAGE before the rule, or @note library_reading "..." if no authority states it'


def test_declared_predicate_never_used_is_a_warning() -> None:
    found = one("input unused(A).\np(a).", "unused_predicate")
    assert found.severity == "warning"


def test_all_findings_are_reported_not_just_the_first() -> None:
    text = "p(X) :- q(Y).\nq(a, b).\nq(a).\nr(X) :- s(X).\nw(X) :- q(X), not w(X)."
    codes = {d.code for d in findings(text)}
    assert {"unbound_variable", "arity_mismatch", "undefined_predicate", "cyclic_negation"} <= codes


def test_missing_and_cyclic_includes(tmp_path: Path) -> None:
    (tmp_path / "a.dl").write_text('include "b.dl".\np(a).\n')
    (tmp_path / "b.dl").write_text('include "a.dl".\ninclude "nowhere.dl".\n')
    report = check_files([str(tmp_path / "a.dl")])
    codes = sorted(d.code for d in report.diagnostics)
    assert codes == ["cyclic_include", "missing_include"]
    cyclic = next(d for d in report.diagnostics if d.code == "cyclic_include")
    assert cyclic.message.startswith("include cycle: ") and cyclic.message.count("a.dl") == 2


def test_unknown_library_suggests_a_bundled_one(tmp_path: Path) -> None:
    (tmp_path / "case.dl").write_text("include <fifth_circuit>.\n")
    report = check_files([str(tmp_path / "case.dl")])
    (found,) = report.diagnostics
    assert found.code == "missing_include"
    assert found.hint == "did you mean <fifth_circuit_qi>?"


def test_syntax_errors_become_located_diagnostics_with_a_caret(tmp_path: Path) -> None:
    (tmp_path / "bad.dl").write_text("p(a).\nq(X) :- p(X)\nr(b).\n")
    report = check_files([str(tmp_path / "bad.dl")])
    (found,) = report.errors
    assert found.code == "syntax_error"
    rendered = report.render()
    assert "bad.dl:2:13: error[syntax_error]: missing '.' at the end of this statement" in rendered
    assert " 2 | q(X) :- p(X)\n   |             ^" in rendered


def test_the_bundled_library_checks_clean_without_uncited_rules() -> None:
    from lexlog.kb import bundled_hypothetical_files, bundled_library_files

    report = check_files(bundled_library_files() + bundled_hypothetical_files())
    assert report.errors == ()
    assert report.diagnostics == ()


def test_a_fact_stating_a_conclusion_is_a_warning() -> None:
    found = one("input order(O).\noutput appealable(O).\nappealable(O) :- order(O).\nappealable(o9).", "fact_for_conclusion")
    assert found.severity == "warning"
    assert found.message.startswith("'appealable' is declared output at case.dl:2:1")


def test_recursive_arithmetic_without_a_bound_is_an_error_naming_the_cycle() -> None:
    found = one("n(0).\nn(X + 1) :- n(X).", "unbounded_arithmetic")
    assert found.severity == "error"
    assert (found.span.line, found.span.column) == (2, 3)
    assert found.message.endswith("with no comparison to bound them: n -> n")
    assert found.hint == "bound the recursion with a comparison on X, such as X < 100"
    through = one("a(0).\na(X + 1) :- b(X).\nb(X) :- a(X).", "unbounded_arithmetic")
    assert through.message.endswith(": a -> b -> a")


def test_bounded_or_non_recursive_arithmetic_passes() -> None:
    for text in (
        "n(0).\nn(X + 1) :- n(X), X < 10.",  # bounded by a comparison
        "m(1).\nn(X + 1) :- m(X).",  # not recursive
        "n(0).\nn(1 + 1) :- n(0).",  # no variable: one value
    ):
        assert findings(text, "unbounded_arithmetic") == [], text


def test_an_equation_meant_to_compute_a_value_gets_a_hint_that_equality_does_not_bind() -> None:
    found = findings("a(1). a(2).\ntotal(S) :- a(A1), a(A2), S = A1 + A2.", "unbound_variable")
    assert len(found) == 2
    for diagnostic in found:
        assert diagnostic.hint == (
            "'S = ...' compares, it does not bind S: write the arithmetic where S is used, for example in the head"
        )


def test_includes_read_only_regular_dl_files(tmp_path: Path) -> None:
    """Checking an untrusted file must not hang, exhaust memory, or print another file's contents."""
    os.mkfifo(tmp_path / "pipe.dl")
    (tmp_path / "env.dl").symlink_to("/proc/self/environ")
    cases = {
        'include "/dev/zero".': "cannot include '/dev/zero': an include names a lexlog file ending in .dl",
        'include "/proc/self/environ".': "an include names a lexlog file ending in .dl",
        'include "/dev/stdin".': "an include names a lexlog file ending in .dl",
        'include "env.dl".': "an include names a lexlog file ending in .dl",  # a .dl link to another file
        'include "pipe.dl".': "pipe.dl': it is not a regular file (a device, a pipe or a socket)",
    }
    for text, message in cases.items():
        case = tmp_path / "case.dl"
        case.write_text(text + "\n")
        report = check_files([str(case)])
        assert [d.code for d in report.errors] == ["missing_include"], text
        assert message in report.errors[0].message, text
        assert "PATH=" not in report.render()


def test_a_file_larger_than_the_limit_or_not_regular_is_refused_on_the_command_line(tmp_path: Path, monkeypatch) -> None:
    from lexlog.kb import loader

    big = tmp_path / "big.dl"
    big.write_text("p(a).\n" * 10)
    monkeypatch.setattr(loader, "MAX_SOURCE_BYTES", 20)
    assert "it is larger than" in check_files([str(big)]).errors[0].message
    assert "not a regular file" in check_files(["/dev/zero"]).errors[0].message


def test_an_include_naming_a_nul_character_is_a_located_error(tmp_path: Path) -> None:
    case = tmp_path / "case.dl"
    case.write_text('include "a\\u0000b.dl".\n')
    (error,) = check_files([str(case)]).errors
    assert error.code == "missing_include" and error.message.endswith("the name contains a NUL character")
    assert (error.span.line, error.span.column) == (1, 1)


def test_a_constant_has_one_reading_and_no_placeholders() -> None:
    report = check_source('constant a "x {Y}".\nconstant b "B".\nconstant b "C".\nconstant b "B".\np(a). p(b).\n')
    codes = [(d.code, d.span.line) for d in report.diagnostics]
    assert ("bad_reading", 1) in codes
    assert ("duplicate_constant", 3) in codes
    assert ("duplicate_constant", 4) not in codes  # the same reading again is no conflict


# --- 'did you mean' over many names ------------------------------------------------------------------------------

_NAMES = st.text(alphabet="abcde_", min_size=1, max_size=12)


@given(st.lists(_NAMES, max_size=60), _NAMES)
def test_the_name_index_suggests_what_difflib_over_every_name_suggests(known: list[str], name: str) -> None:
    expected = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.6)
    assert NameIndex(known).closest(name) == (expected[0] if expected else None)


def test_a_check_with_thousands_of_undefined_names_does_not_compare_each_with_every_name(monkeypatch) -> None:
    # 3,000 rules, each using a predicate nothing defines, among 6,000 defined names of the same length: compared one
    # by one that was 18 million comparisons (minutes); no hint is given among so many names.
    compared: list[int] = []
    close_matches = difflib.get_close_matches
    monkeypatch.setattr(difflib, "get_close_matches", lambda name, names, **options: compared.append(len(names)) or close_matches(name, names, **options))
    rules = [f"head_{number:05d}(X) :- body_{number:05d}(X), not gone_{number:05d}(X).\nbody_{number:05d}(a)." for number in range(3_000)]
    report = check_source("\n".join(rules) + "\n", "many.dl")
    undefined = [d for d in report.diagnostics if d.code == "undefined_predicate"]
    assert len(undefined) == 3_000
    assert sum(compared) == 0 and all(d.hint.startswith("declare it") for d in undefined)
    # a misspelling in a small program still gets its hint
    small = check_source("fails_step_one(o).\nappealable(O) :- fails_step_on(O).\n", "small.dl")
    assert [d.hint for d in small.diagnostics if d.code == "undefined_predicate"] == ["did you mean fails_step_one?"]
