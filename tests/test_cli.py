"""The command line through the installed `lexlog` entry point (subprocess): query, explain, test, fuzz, batch."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lexlog.kb import bundled_case_files, library_path

LEXLOG = shutil.which("lexlog") or str(Path(sys.executable).with_name("lexlog"))
CASES = {Path(path).stem: path for path in bundled_case_files()}
ZAPATA = CASES["zapata"]


def lexlog(*arguments: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([LEXLOG, *arguments], capture_output=True, text=True, input=stdin, cwd=cwd, timeout=300)


def run_entry_point(arguments: list[str], then_print: str) -> str:
    """`lexlog ARGUMENTS` through the entry point in a fresh Python process; then `print(then_print)` there."""
    script = (
        "import gc, sys\n"
        "from lexlog.repl import start\n"
        f"sys.argv = ['lexlog', *{arguments!r}]\n"
        "status = start.main()\n"
        f"print({then_print})\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_entry_point_freezes_the_start_up_and_leaves_the_collector_running():
    # The command's own objects are collected as usual; what the imports made is frozen out of collections.
    output = run_entry_point(
        ["query", ZAPATA, "-q", "appealable(O)"],
        "status, gc.isenabled(), gc.get_freeze_count() > 10000, 'lexlog.kb.knowledge_base' in sys.modules",
    )
    assert output.splitlines()[-1] == "0 True True True"
    assert "zapata_order" in output


def test_a_query_does_not_import_what_it_does_not_use():
    # Start-up is most of a short query's cost: explanations, renderers, the prompt and the other commands' modules
    # are imported when first used.
    output = run_entry_point(
        ["query", "--json", ZAPATA, "-q", "appealable(O)"],
        "sorted(name for name in sys.modules if name.startswith(('lexlog', 'prompt_toolkit', 'pyDatalog')))",
    )
    loaded = set(ast.literal_eval(output.splitlines()[-1]))
    assert "lexlog.kb.knowledge_base" in loaded and "lexlog.kb.engines.clingo_engine" in loaded
    unused = {
        "lexlog.kb.explanation", "lexlog.kb.proofs", "lexlog.kb.whynot", "lexlog.kb.render.text",
        "lexlog.kb.render.markdown", "lexlog.kb.memo", "lexlog.kb.fuzz", "lexlog.kb.batch", "lexlog.kb.sara",
        "lexlog.grammar.statements", "lexlog.kb.defeasible", "lexlog.repl.shell", "prompt_toolkit", "pyDatalog",
    }
    assert loaded & unused == set()


# --- query ------------------------------------------------------------------------------------------------------


def test_query_table():
    result = lexlog("query", ZAPATA, "-q", "appealable_on(zapata_order, G)")
    assert result.returncode == 0, result.stderr
    assert "no_step_one_finding" in result.stdout and "refused_to_rule" in result.stdout
    # as of Zapata's date (its case file states it), without the later Carswell ground
    assert result.stdout.rstrip().endswith("(3 answers)") and "pending_motion_to_dismiss" not in result.stdout
    today = lexlog("query", "--as-of", "today", ZAPATA, "-q", "appealable_on(zapata_order, G)")
    assert "pending_motion_to_dismiss" in today.stdout and today.stdout.rstrip().endswith("(4 answers)")


def test_query_json_exact_shape():
    result = lexlog("query", ZAPATA, "-q", "appealable(O)", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"query": "appealable(O)", "answers": [{"O": "zapata_order"}]}


def test_query_json_ground_true_and_false():
    true = lexlog("query", ZAPATA, "-q", "appealable(zapata_order)", "--json")
    false = lexlog("query", ZAPATA, "-q", "no_appellate_jurisdiction(zapata_order)", "--json")
    assert json.loads(true.stdout) == {"query": "appealable(zapata_order)", "answers": [{}]}
    assert json.loads(false.stdout) == {"query": "no_appellate_jurisdiction(zapata_order)", "answers": []}
    assert true.returncode == false.returncode == 0


def test_query_fail_empty():
    empty = lexlog("query", ZAPATA, "-q", "leave_granted(M)", "--fail-empty")
    assert empty.returncode == 1 and "no answers." in empty.stdout
    answered = lexlog("query", ZAPATA, "-q", "appealable(O)", "--fail-empty")
    assert answered.returncode == 0


def test_query_input_error_has_caret_on_stderr():
    result = lexlog("query", ZAPATA, "-q", "appealable(O")
    assert result.returncode == 2 and result.stdout == ""
    assert "<query>:1:13" in result.stderr and "^" in result.stderr


def test_query_undefined_predicate_suggests():
    result = lexlog("query", ZAPATA, "-q", "appealabel(O)")
    assert result.returncode == 2 and "did you mean appealable?" in result.stderr


def test_query_missing_file_is_an_input_error(tmp_path):
    result = lexlog("query", str(tmp_path / "nowhere.dl"), "-q", "p(X)")
    assert result.returncode == 2 and "cannot read" in result.stderr


def test_engine_option_after_the_subcommand_and_before_it():
    after = lexlog("query", "--engine", "pydatalog", ZAPATA, "-q", "appealable(O)", "--json")
    before = lexlog("--engine", "pydatalog", "query", ZAPATA, "-q", "appealable(O)", "--json")
    assert after.returncode == before.returncode == 0
    assert json.loads(after.stdout) == json.loads(before.stdout) == {"query": "appealable(O)", "answers": [{"O": "zapata_order"}]}


# --- explain ----------------------------------------------------------------------------------------------------


def test_explain_text_proof_cites_authorities():
    result = lexlog("explain", ZAPATA, "vacate_and_remand(zapata_order)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("vacate_and_remand(zapata_order)")
    assert "by rule vacate_and_remand_appealable_order" in result.stdout
    assert "Backe v. LeBlanc, 691 F.3d 645, 649 (5th Cir. 2012)" in result.stdout


def test_explain_markdown_and_dot_and_json():
    markdown = lexlog("explain", ZAPATA, "appealable(zapata_order)", "--format", "md")
    assert markdown.returncode == 0 and markdown.stdout.startswith("The order zapata_order is immediately appealable")
    dot = lexlog("explain", ZAPATA, "--format", "dot", "appealable(zapata_order)")
    assert dot.returncode == 0 and dot.stdout.lstrip().startswith("digraph")
    document = json.loads(lexlog("explain", ZAPATA, "appealable(zapata_order)", "--format", "json").stdout)
    assert document["schema"] == "lexlog.explanation/2" and document["kind"] == "proof"
    assert document["nodes"][document["root"]]["atom"]["text"] == "appealable(zapata_order)"


def test_explain_atom_that_does_not_follow_prints_why_not_and_exits_1():
    result = lexlog("explain", ZAPATA, "step_one_met_as_to(zapata_order, melson)")
    assert result.returncode == 1
    assert "step_one_met_as_to(zapata_order, melson) does not follow; why not:" in result.stderr
    assert "finds_pleadings_overcome_qi(zapata_order): it does not follow that" in result.stdout
    assert "finds_pleadings_overcome_qi_as_to(zapata_order, melson): it does not follow that" in result.stdout


def test_explain_why_not_option():
    absent = lexlog("explain", ZAPATA, "step_one_met(zapata_order)", "--why-not", "--format", "json", "--depth", "1")
    assert absent.returncode == 0, absent.stderr
    document = json.loads(absent.stdout)
    assert document["kind"] == "why_not" and document["nodes"]["n0"]["status"] == "rules_fail"
    present = lexlog("explain", ZAPATA, "appealable(zapata_order)", "--why-not")
    assert present.returncode == 1 and "does follow" in present.stderr


def test_explain_pattern_why_not():
    result = lexlog("explain", ZAPATA, "--why-not", "leave_granted(M)")
    assert result.returncode == 0 and "leave_granted(M): it does not follow that" in result.stdout


def test_explain_bad_atom_and_missing_atom():
    bad = lexlog("explain", ZAPATA, "appealable(zapata_order")
    assert bad.returncode == 2 and "^" in bad.stderr
    missing = lexlog("explain", ZAPATA)
    assert missing.returncode == 2 and "FILE... ATOM" in missing.stderr


# --- test -------------------------------------------------------------------------------------------------------


FAILING_CASE = """\
include <fifth_circuit_qi>.
sued_individually(smith).
asserted_qi(smith, answer).
discovery_order(o1, smith).
expect appealable(o1).
expect step_one_met_as_to(o1, smith).
expect not discovery_stayed(smith).
"""


def test_test_bundled_cases_pass():
    result = lexlog("test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASS") >= 60 and "FAIL" not in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].endswith("passed, 0 failed")
    for path in CASES.values():
        assert path in result.stdout


def test_test_failures_are_explained(tmp_path):
    case = tmp_path / "case.dl"
    case.write_text(FAILING_CASE)
    result = lexlog("test", str(case))
    assert result.returncode == 1
    assert "PASS  expect appealable(o1)  (line 5)" in result.stdout
    assert "FAIL  expect step_one_met_as_to(o1, smith)  (line 6)" in result.stdout
    # the why-not of the positive failure and the proof of the negative one
    assert "finds_pleadings_overcome_qi(o1): it does not follow that" in result.stdout
    assert "by rule discovery_stayed_pending_qi_ruling" in result.stdout
    assert result.stdout.rstrip().endswith("1 passed, 2 failed")


def test_test_json_report(tmp_path):
    case = tmp_path / "case.dl"
    case.write_text(FAILING_CASE)
    result = lexlog("test", "--json", str(case), ZAPATA)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert (report["ok"], report["passed"], report["failed"], report["errors"]) == (False, 19, 2, 0)
    mine = report["files"][0]
    assert mine["file"] == str(case) and mine["ok"] is False
    failed = [item for item in mine["expectations"] if not item["passed"]]
    assert [item["line"] for item in failed] == [6, 7]
    assert failed[0]["explanation"]["kind"] == "why_not" and failed[1]["explanation"]["kind"] == "proof"
    assert report["files"][1]["ok"] is True


def test_test_load_error_exits_2(tmp_path):
    broken = tmp_path / "broken.dl"
    broken.write_text("include <fifth_circuit_qi>.\nappealable(o1.\n")
    result = lexlog("test", str(broken), ZAPATA)
    assert result.returncode == 2
    assert "broken.dl:2" in result.stdout and "1 file with errors" in result.stdout


def test_test_reports_violations(tmp_path):
    case = tmp_path / "violated.dl"
    case.write_text("input p(X).\nq(X) :- p(X).\nconstraint never_q :- q(X).\np(a).\n")
    result = lexlog("test", str(case))
    assert result.returncode == 1
    assert "VIOLATED  constraint never_q is violated with X = a" in result.stdout


# --- fuzz -------------------------------------------------------------------------------------------------------

PLANTED = """\
input employee(Person) "{Person} is an employee".
input manager_of(Manager, Person) "{Manager} manages {Person}".
input on_leave(Person) "{Person} is on leave".
input acting_for(Deputy, Manager) "{Deputy} acts for {Manager}".
output can_approve(Manager, Person) "{Manager} may approve the requests of {Person}".

@label manager_approves
can_approve(M, P) :- manager_of(M, P), employee(P), not on_leave(M).
% The planted mistake: a deputy inherits approval even while on leave.
@label deputy_approves
can_approve(D, P) :- acting_for(D, M), can_approve(M, P).

constraint approver_on_leave :- can_approve(M, _), on_leave(M).
"""


def test_fuzz_finds_planted_inconsistency_and_prints_minimal_case_file(tmp_path):
    knowledge_base = tmp_path / "planted.dl"
    knowledge_base.write_text(PLANTED)
    result = lexlog("fuzz", str(knowledge_base), "--max-examples", "300", "--seed", "1")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "violated approver_on_leave" in result.stderr and "postures/s" in result.stderr
    facts = sorted(line for line in result.stdout.splitlines() if line and not line.startswith(("%", "include")))
    # the smallest posture: someone manages an employee, a deputy on leave acts for them
    assert len(facts) == 4, result.stdout
    assert [fact.split("(")[0] for fact in facts] == ["acting_for", "employee", "manager_of", "on_leave"]
    assert "% constraint approver_on_leave is violated with M = " in result.stdout
    assert "by rule deputy_approves" in result.stdout
    # the output is a ready-to-load case file that reproduces the violation
    reproduction = tmp_path / "repro.dl"
    reproduction.write_text(result.stdout)
    check = lexlog("test", str(reproduction))
    assert check.returncode == 1 and "VIOLATED  constraint approver_on_leave" in check.stdout


def test_fuzz_is_deterministic_for_a_seed(tmp_path):
    knowledge_base = tmp_path / "planted.dl"
    knowledge_base.write_text(PLANTED)
    first = lexlog("fuzz", str(knowledge_base), "--max-examples", "200", "--seed", "7")
    second = lexlog("fuzz", str(knowledge_base), "--max-examples", "200", "--seed", "7")
    assert first.returncode == second.returncode == 1 and first.stdout == second.stdout


def test_fuzz_bundled_library_finds_nothing():
    result = lexlog("fuzz", "--max-examples", "150")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("no integrity constraint violated (26 constraints); tried ")
    assert "postures/s" in result.stdout


def test_fuzz_without_constraints(tmp_path):
    plain = tmp_path / "plain.dl"
    plain.write_text("input p(X).\nq(X) :- p(X).\n")
    result = lexlog("fuzz", str(plain))
    assert result.returncode == 0 and "no integrity constraints" in result.stdout


# --- batch ------------------------------------------------------------------------------------------------------


def _case(case_id, **facts):
    return json.dumps({"id": case_id, "facts": facts})


def test_batch_conclusions_per_case_and_bad_lines(tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        "\n".join(
            [
                _case("a", sued_individually=[["smith"]], asserted_qi=[["smith", "motion_to_dismiss"]],
                      discovery_order=[["o1", "smith"]], appealed=[["o1"]]),
                '{"id": "broken", "facts": ',
                _case("b", discovery_order=[["o1"]]),
                _case("c", discovery_ordr=[["o1", "smith"]]),
                "",
                _case(4, sued_individually=[["jones"]]),
            ]
        )
        + "\n"
    )
    result = lexlog("batch", "--cases", str(cases))
    assert result.returncode == 2  # bad lines: input errors, reported after every good case ran
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [output["id"] for output in outputs] == ["a", 4]
    first = outputs[0]["conclusions"]
    assert first["appealable"] == [["o1"]] and first["vacate_and_remand"] == [["o1"]]
    assert ["o1", "no_step_one_finding"] in first["appealable_on"]
    assert first["discovery_stayed"] == [["smith"]] and first["leave_granted"] == []
    assert outputs[1]["conclusions"]["qi_available"] == [["jones"]]
    assert "explanations" not in outputs[0]
    stderr = result.stderr.splitlines()
    assert stderr[0].startswith(f"{cases}:2: not JSON")
    assert stderr[1].startswith(f'{cases}:3: "discovery_order" takes 2 arguments')
    assert stderr[2].startswith(f"{cases}:4: 'discovery_ordr' is not an input predicate") and "did you mean discovery_order?" in stderr[2]
    assert len(stderr) == 3  # no progress bar when stderr is not a terminal


def test_batch_explain_from_stdin():
    line = _case("z", sued_individually=[["smith"]], asserted_qi=[["smith", "answer"]], discovery_order=[["o1", "smith"]])
    result = lexlog("batch", "--cases", "-", "--explain", stdin=line + "\n")
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["conclusions"]["appealable"] == [["o1"]]
    document = output["explanations"]["appealable(o1)"]
    assert document["schema"] == "lexlog.explanation/2" and document["kind"] == "proof"
    assert set(output["explanations"]) >= {"appealable(o1)", "qi_available(smith)", "discovery_stayed(smith)"}


def test_batch_on_other_files(tmp_path):
    knowledge_base = tmp_path / "kb.dl"
    knowledge_base.write_text(PLANTED)
    result = lexlog("batch", str(knowledge_base), "--cases", "-",
                    stdin=_case(1, employee=[["ann"]], manager_of=[["bob", "ann"]]) + "\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"id": 1, "conclusions": {"can_approve": [["bob", "ann"]]}}


def test_batch_unreadable_cases_file(tmp_path):
    result = lexlog("batch", "--cases", str(tmp_path / "none.jsonl"))
    assert result.returncode == 2 and "cannot read" in result.stderr


def test_repl_wiring_is_intact():
    """`lexlog [--engine E] [-c COMMANDS] [repl FILE...]` still reaches the prompt's runner (owned elsewhere)."""
    from lexlog.repl.cli import build_parser, run_repl

    arguments = build_parser().parse_args(["--engine", "pydatalog", "-c", ":quit", "repl", ZAPATA])
    assert arguments.engine == "pydatalog" and arguments.command_text == ":quit" and arguments.files == [ZAPATA]
    assert arguments.run is run_repl


def test_repl_takes_c_before_or_after_its_files():
    for arguments in (("-c", "appealable(O)?", "repl", ZAPATA), ("repl", ZAPATA, "-c", "appealable(O)?")):
        result = lexlog(*arguments)
        assert result.returncode == 0, result.stderr
        assert "1  zapata_order" in result.stdout


def test_fuzz_refuses_counts_out_of_range_as_usage_errors():
    for arguments in (("--max-examples", "0"), ("--max-examples", "-5"), ("--max-rows", "-1")):
        result = lexlog("fuzz", *arguments)
        assert result.returncode == 2, arguments
        assert "Traceback" not in result.stderr and "is less than" in result.stderr, arguments


def test_test_on_files_with_nothing_to_test_is_not_a_success(tmp_path):
    case = tmp_path / "facts.dl"
    case.write_text("p(a).\n")
    result = lexlog("test", str(case))
    assert result.returncode == 1
    assert "nothing to test: the files have no expect lines and no integrity constraints" in result.stderr


def test_explain_of_an_atom_with_variables_gives_advice_for_the_command_line_too(tmp_path) -> None:
    path = tmp_path / "rules.dl"
    path.write_text("p(a).\nq(X) :- p(X).\n", encoding="utf-8")
    done = lexlog("explain", str(path), "q(X)")
    assert done.returncode == 2
    assert "error[not_ground]" in done.stderr and "lexlog query on the command line" in done.stderr


def test_explain_as_a_memo():
    result = lexlog("explain", ZAPATA, "appealable(zapata_order)", "--format", "memo")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("## Question Presented\n\nWhether, under the law in force on April 18, 2014, ")
    absent = lexlog("explain", ZAPATA, "appealable_on(zapata_order, not_narrowly_tailored)", "--format", "memo")
    assert absent.returncode == 1 and "\n\nNo. It does not follow that" in absent.stdout
    misspelt = lexlog("explain", ZAPATA, "apealable(zapata_order)", "--format", "memo")
    assert misspelt.returncode == 2 and "did you mean appealable?" in misspelt.stderr and "Traceback" not in misspelt.stderr
