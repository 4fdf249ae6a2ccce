"""The REPL driven as a user drives it: keys through prompt_toolkit's pipe input, and piped stdin to `lexlog`."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from lexlog.kb import DEFAULT_ENGINE, KnowledgeBase, LexlogError, bundled_case_files, bundled_library_files
from lexlog.repl import commands as commands_module
from lexlog.repl.commands import Session, execute
from lexlog.repl.completion import LexlogCompleter
from lexlog.repl.shell import Shell, history_path, make_history
from lexlog.repl.session_io import is_complete, read_units, split_command_text, split_statements

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def zapata_file() -> str:
    return next(path for path in bundled_case_files() if path.endswith("zapata.dl"))


@pytest.fixture(scope="module")
def bundled() -> KnowledgeBase:
    return KnowledgeBase.from_files(bundled_library_files())


def drive(keys: str, files: list[str] | None = None, session: Session | None = None) -> tuple[str, Session]:
    """Type `keys` at the prompt (Enter is \\r, Tab is \\t), then end the input (Ctrl-D); return what was shown."""
    session = session or Session.start(bundled_library_files() if files is None else files, DEFAULT_ENGINE)
    shown = io.StringIO()
    with create_pipe_input() as keyboard:
        keyboard.send_text(keys)
        keyboard.close()
        Shell(session, input=keyboard, output=DummyOutput(), stdout=shown, history=InMemoryHistory()).loop()
    return shown.getvalue(), session


def lexlog_command() -> list[str]:
    found = shutil.which("lexlog")
    return [found] if found else [sys.executable, "-m", "lexlog.repl.cli"]


def run_piped(tmp_path: Path, text: str, *arguments: str) -> subprocess.CompletedProcess:
    script = tmp_path / "session.txt"
    script.write_text(text, encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    with open(script, encoding="utf-8") as stdin:
        return subprocess.run(
            [*lexlog_command(), *arguments], stdin=stdin, capture_output=True, text=True, env=env, timeout=120
        )


# --- a small knowledge base of our own, for editing on disk -------------------------------------------------

RULES = """\
authority smith = "Smith v. Jones, 1 F.4th 1 (5th Cir. 2021)".
authority doe = "Doe v. Roe, 2 F.4th 2 (5th Cir. 2022)".
input p(X) "{X} is p".
input q(X) "{X} is q".
output ok(X) "{X} is ok".
output flagged(X) "{X} is flagged".

@label ok_unless_q
@cite smith at 5
ok(X) :- p(X), not q(X).

@label flagged_if_q
@cite doe at 7, smith at 9
flagged(X) :- q(X).
"""


def write_small_kb(folder: Path, case_facts: str = "p(a). p(b). q(b).") -> tuple[Path, Path]:
    rules = folder / "rules.dl"
    case = folder / "case.dl"
    rules.write_text(RULES, encoding="utf-8")
    case.write_text(f'include "rules.dl".\n{case_facts}\n', encoding="utf-8")
    return rules, case


# --- answers ------------------------------------------------------------------------------------------------


def test_query_prints_numbered_table_and_ground_query_says_yes_or_no() -> None:
    shown, _ = drive("appealable(O)?\r?- appealable(zapata_order).\rappealable(westbrook_order)?\r")
    assert re.search(r"^#\s+O\s*$", shown, re.M)
    assert re.search(r"^1\s+zapata_order\s*$", shown, re.M)
    assert "(1 answer)" in shown
    assert re.search(r"^yes\.$", shown, re.M)
    assert re.search(r"^no\.$", shown, re.M)


def test_multi_line_statement_runs_at_its_closing_full_stop(bundled: KnowledgeBase) -> None:
    shown, _ = drive("?- appealable_on(zapata_order,\r     G).\r")
    expected = bundled.query("appealable_on(zapata_order, G)")
    assert len(expected.answers) >= 2
    for number, answer in enumerate(expected.answers, 1):
        assert re.search(rf"^{number}\s+{answer['G']}\s*$", shown, re.M)


def test_why_n_explains_the_nth_answer_of_the_last_query(bundled: KnowledgeBase) -> None:
    expected = bundled.query("appealable_on(zapata_order, G)").answers[1]["G"]
    shown, _ = drive("appealable_on(zapata_order, G)?\r:why 2\r")
    heading = re.search(rf"^appealable_on\(zapata_order, {expected}\): ", shown, re.M)
    assert heading is not None
    proof = shown[heading.start() :]
    assert "by rule " in proof
    assert "fact at " in shown and "zapata.dl" in shown


def test_why_n_uses_the_first_positive_atom_and_fills_open_arguments() -> None:
    shown, _ = drive("?- not qi_decided(melson), appealable_on(O, _).\r:why 1\r")
    assert re.search(r"^appealable_on\(zapata_order, [a-z_]+\): ", shown, re.M)


def test_why_atom_and_why_without_answers() -> None:
    shown, _ = drive(":why vacate_and_remand(zapata_order)\r:why 1\r:why appealable(westbrook_order)\r")
    assert re.search(r"^vacate_and_remand\(zapata_order\): ", shown, re.M)
    assert "no answers to refer to" in shown
    assert "error[does_not_follow]" in shown and ":whynot appealable(westbrook_order)" in shown


def test_whynot_with_depth_option_and_setting() -> None:
    shown, session = drive(
        ":whynot appealable(westbrook_order)\r:depth 1\r:whynot appealable(westbrook_order) --depth 3\r"
    )
    assert shown.count("appealable(westbrook_order): it does not follow that") == 2
    assert "every rule that could conclude it fails" in shown
    assert "why-not depth: 1" in shown and session.depth == 1


def test_explain_formats_and_out_file(tmp_path: Path) -> None:
    target = tmp_path / "proof.json"
    shown, _ = drive(
        ":explain appealable(zapata_order) --format md\r"
        f":explain appealable(zapata_order) --format json --out {target}\r"
        ":explain appealable(westbrook_order) --format dot\r"
    )
    assert "The order zapata_order is immediately appealable" in shown  # Markdown prose, from the readings
    assert f"wrote {target}" in shown
    assert '"lexlog.explanation/2"' in target.read_text(encoding="utf-8") or "lexlog.explanation" in target.read_text(encoding="utf-8")
    assert "digraph" in shown  # the why-not of an atom that does not follow, as DOT


def test_explain_as_a_memo_shown_or_written(tmp_path: Path) -> None:
    target = tmp_path / "memo.md"
    shown, _ = drive(
        ":explain appealable(zapata_order) --format memo\r"
        f":explain appealable(westbrook_order) --format memo --out {target}\r"
    )
    assert "## Question Presented" in shown and "Yes. The order zapata_order is immediately appealable" in shown
    assert f"wrote {target} (memo)" in shown
    written = target.read_text(encoding="utf-8")
    assert "## Short Answer\n\nNo. It does not follow that the order westbrook_order is immediately appealable" in written
    assert "## What Would Change the Answer" in written


# --- facts and what-ifs -------------------------------------------------------------------------------------


def test_assert_and_retract_change_the_answers() -> None:
    shown, session = drive(
        "discovery_stayed(melson)?\rqi_decided(melson).\rdiscovery_stayed(melson)?\r"
        ":facts qi_decided\r:retract qi_decided(melson)\rdiscovery_stayed(melson)?\r"
    )
    answers = re.findall(r"^(yes|no)\.$", shown, re.M)
    assert answers == ["yes", "no", "yes"]
    assert "asserted qi_decided(melson)." in shown
    assert "qi_decided(melson).   % asserted" in shown
    assert "retracted qi_decided(melson)." in shown
    assert session.kb.asserted == []


def test_suppose_marks_supposed_facts_and_leaves_the_session_unchanged() -> None:
    shown, session = drive(
        ":suppose finds_pleadings_overcome_qi(zapata_order). ?- step_one_met_as_to(zapata_order, D).\r:why 1\r"
        "step_one_met_as_to(zapata_order, aguilar)?\r:facts finds_pleadings_overcome_qi\r"
    )
    assert "supposing finds_pleadings_overcome_qi(zapata_order):" in shown
    assert re.search(r"^1\s+aguilar\s*$", shown, re.M)
    assert re.search(r"^step_one_met_as_to\(zapata_order, aguilar\): ", shown, re.M)
    assert "supposed (what-if)" in shown
    assert re.search(r"^no\.$", shown, re.M)  # afterwards the session is as it was
    assert "no facts for finds_pleadings_overcome_qi" in shown
    assert "did you mean finds_pleadings_overcome_qi?" not in shown  # a known name is not suggested as its own fix
    assert session.kb.asserted == [] and session.assumptions == []


def test_suppose_without_goal_shows_the_conclusions_that_change() -> None:
    shown, _ = drive(":suppose qi_decided(melson)\r")
    assert "- discovery_stayed(melson)" in shown


def test_assume_and_forget_show_in_the_toolbar_and_mark_supposed() -> None:
    session = Session.start(bundled_library_files(), DEFAULT_ENGINE)
    shell = Shell(session, input=None, output=DummyOutput(), stdout=io.StringIO(), history=InMemoryHistory())
    assert "assuming" not in shell.toolbar()
    assert "- discovery_stayed(melson)" in execute(session, ":assume qi_decided(melson)").text
    assert "assuming (supposed): qi_decided(melson)" in shell.toolbar()
    assert execute(session, "discovery_stayed(melson)?").text == "no."
    assert "supposed (what-if)" in execute(session, ":why qi_decided(melson)").text
    assert "+ discovery_stayed(melson)" in execute(session, ":forget all").text
    assert execute(session, "discovery_stayed(melson)?").text == "yes."
    assert session.assumptions == [] and session.kb.asserted == []


# --- files --------------------------------------------------------------------------------------------------


def test_save_then_load_the_saved_file_gives_the_same_answers(tmp_path: Path) -> None:
    saved = tmp_path / "my_case.dl"
    shown, session = drive(
        f"qi_decided(melson).\rfinds_pleadings_overcome_qi(zapata_order).\r:save {saved}\r", files=[zapata_file()]
    )
    assert f"saved {saved}: 1 include, 2 facts" in shown
    text = saved.read_text(encoding="utf-8")
    assert "include <fifth_circuit_qi>." not in text or "zapata.dl" in text
    assert "qi_decided(melson)." in text and "finds_pleadings_overcome_qi(zapata_order)." in text
    again = Session.start([str(saved)], DEFAULT_ENGINE)
    assert again.kb.conclusions() == session.kb.conclusions()
    for goal in ("appealable_on(zapata_order, G)", "discovery_stayed(D)", "step_one_met(O)"):
        assert again.kb.query(goal).answers == session.kb.query(goal).answers


def test_save_includes_the_bundled_library_by_name(tmp_path: Path) -> None:
    saved = tmp_path / "s.dl"
    _, session = drive(f"qi_decided(melson).\r:save {saved}\r")
    text = saved.read_text(encoding="utf-8")
    assert "include <fifth_circuit_qi>." in text
    assert Session.start([str(saved)], DEFAULT_ENGINE).kb.conclusions() == session.kb.conclusions()


def test_reload_reports_what_changed_and_keeps_assertions(tmp_path: Path) -> None:
    _, case = write_small_kb(tmp_path)
    session = Session.start([str(case)], DEFAULT_ENGINE)
    assert execute(session, "p(c).").ok
    case.write_text('include "rules.dl".\np(b). p(d).\n', encoding="utf-8")  # p(a) and q(b) gone, p(d) new
    shown = execute(session, ":reload").text
    assert "- ok(a)" in shown and "+ ok(b)" in shown and "+ ok(d)" in shown and "- flagged(b)" in shown
    assert "ok(c)" not in shown  # the asserted p(c) was kept, so ok(c) did not change
    assert execute(session, "ok(c)?").text == "yes."
    assert "no conclusion changed" in execute(session, ":reload").text


def test_reload_with_a_broken_file_changes_nothing(tmp_path: Path) -> None:
    _, case = write_small_kb(tmp_path)
    shown, session = drive(f":load {case}\rp(z).\r", files=[])
    assert "loaded" in shown
    case.write_text('include "rules.dl".\np(a\n', encoding="utf-8")
    shown, session = drive(":reload\rok(z)?\rok(a)?\r", session=session)
    assert "error[" in shown and "^" in shown
    assert re.findall(r"^(yes|no)\.$", shown, re.M) == ["yes", "yes"]


def test_cite_lists_the_rules_and_the_conclusions_that_would_fall(bundled: KnowledgeBase) -> None:
    shown, _ = drive(":cite backe\r")
    labels = [r.annotations.label for r in bundled.rules if any(c.authority == "backe" for c in r.annotations.citations)]
    assert labels
    assert f"{len(labels)} rules cite it:" in shown
    for label in labels:
        assert label in shown
    assert "would fall:" in shown
    assert "- appealable(zapata_order)" in shown


def test_cite_on_a_small_kb_and_unknown_authority(tmp_path: Path) -> None:
    _, case = write_small_kb(tmp_path)
    session = Session.start([str(case)], DEFAULT_ENGINE)
    shown = execute(session, ":cite doe").text
    assert "flagged_if_q" in shown and "at 7" in shown and "- flagged(b)" in shown and "ok(a)" not in shown
    with pytest.raises(commands_module.CommandError, match="did you mean smith"):
        execute(session, ":cite smyth")


def test_facts_rules_authorities(tmp_path: Path) -> None:
    _, case = write_small_kb(tmp_path)
    session = Session.start([str(case)], DEFAULT_ENGINE)
    assert execute(session, ":facts p").text.splitlines()[:2] == ["p(a).", "p(b)."]
    rules = execute(session, ":rules ok").text
    assert "@label ok_unless_q\n@cite smith at 5\nok(X) :- p(X), not q(X)." in rules
    assert "rules.dl:" in rules
    authorities = execute(session, ":authorities").text
    assert re.search(r"^smith\s+2 rules\s+Smith v\. Jones", authorities, re.M)


def test_check_and_test_commands() -> None:
    session = Session.start([zapata_file()], DEFAULT_ENGINE)
    checked = execute(session, ":check")
    assert "checked 1 files" in checked.text and checked.ok
    tested = execute(session, ":test")
    assert re.search(r"\d+ passed, 0 failed", tested.text) and tested.ok
    execute(session, "finds_pleadings_overcome_qi(zapata_order).")
    tested = execute(session, ":test")
    assert not tested.ok and "FAIL" in tested.text and "expect not step_one_met(zapata_order)" in tested.text


def test_help_lists_every_command() -> None:
    text = execute(Session.start([], DEFAULT_ENGINE), ":help").text
    for name in ("why", "whynot", "explain", "suppose", "assume", "forget", "retract", "load", "reload", "save",
                 "facts", "rules", "authorities", "cite", "check", "test", "help", "quit", "depth"):
        assert f":{name}" in text
    assert ":suppose FACT... ?- GOAL" in execute(Session.start([], DEFAULT_ENGINE), ":help suppose").text


# --- errors never end the session ---------------------------------------------------------------------------


def test_errors_never_end_the_session_and_keep_assertions(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(session: Session, argument: str) -> str:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setitem(
        commands_module.COMMANDS, "boom", commands_module.Command("boom", boom, ":boom", "raises")
    )
    shown, session = drive(
        "qi_decided(melson).\r"
        "?- appealable(O\r.\r"  # a syntax error, finished on the next line
        ":foo\r"
        "discovery_ordr(o1, smith).\r"
        "ok(X) :- p(X).\r"
        ":why 99\r"
        ":load /nonexistent/file.dl\r"
        ":explain appealable(zapata_order) --format bogus\r"
        ":boom\r"
        ":retract nothing_here(x)\r"
        "?- qi_decided(melson).\r"
    )
    assert "error[syntax_error]" in shown and re.search(r"^\s+\|\s+\^", shown, re.M)
    assert "unknown command :foo — did you mean :f" in shown
    assert "did you mean discovery_order?" in shown
    assert "only facts can be typed at the prompt" in shown
    assert "no answers to refer to" in shown or "there is no answer 99" in shown
    assert "/nonexistent/file.dl" in shown
    assert "unknown format 'bogus'" in shown
    assert "internal error: RuntimeError: boom second line" in shown
    assert "nothing to retract" in shown
    # the last answer, then leaving warns of the one assertion, which every error above kept
    assert shown.rstrip().endswith("yes.\n1 asserted fact since the last :save would be lost: :save FILE keeps them; Ctrl-D or :quit again leaves.")
    assert [atom.text for atom in session.kb.asserted] == ["qi_decided(melson)"]


def test_unknown_command_suggests_the_closest() -> None:
    with pytest.raises(commands_module.CommandError, match=r"unknown command :fatcs — did you mean :facts\?"):
        execute(Session.start([], DEFAULT_ENGINE), ":fatcs")


def test_quit_ends_the_loop() -> None:
    shown, _ = drive(":quit\rappealable(O)?\r")
    assert "zapata_order" not in shown


# --- piped stdin and -c -------------------------------------------------------------------------------------


def test_piped_stdin_prints_only_results(tmp_path: Path) -> None:
    result = run_piped(
        tmp_path,
        "% a session\n?- appealable(O).\nappealable(zapata_order)?\n?- appealable_on(zapata_order,\n   G).\n"
        ":whynot appealable(westbrook_order) --depth 1\n:cite backe\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert out.startswith("#  O\n")
    assert "lexlog>" not in out and "..." not in out.split("(1 answer)")[0]
    assert not ANSI.search(out)
    assert re.search(r"^yes\.$", out, re.M)
    assert "appealable(westbrook_order): it does not follow that" in out
    assert "- appealable(zapata_order)" in out


def test_piped_failure_exits_1_and_later_commands_still_run(tmp_path: Path) -> None:
    result = run_piped(tmp_path, "qi_decided(melson).\n:nonsense\n?- appealable(O.\ndiscovery_stayed(melson)?\n?- unfinished(X\n")
    assert result.returncode == 1
    assert "line 2: error: unknown command :nonsense" in result.stderr
    assert "line 3:\n<query>:1:13: error[syntax_error]" in result.stderr
    assert "line 5: error: incomplete statement (it needs a closing '.' or '?'): ?- unfinished(X" in result.stderr
    assert "asserted qi_decided(melson)." in result.stdout
    assert result.stdout.rstrip().endswith("no.")


def test_piped_save_then_load_the_saved_file(tmp_path: Path) -> None:
    saved = tmp_path / "saved.dl"
    first = run_piped(tmp_path, f"qi_decided(melson).\n:save {saved}\ndiscovery_stayed(D)?\n", "repl", zapata_file())
    assert first.returncode == 0, first.stderr
    second = run_piped(tmp_path, "discovery_stayed(D)?\n", "repl", str(saved))
    assert second.returncode == 0, second.stderr
    table = first.stdout[first.stdout.index("#  D"):]
    assert "melson" not in table and table == second.stdout


def test_command_text_separated_by_semicolons(tmp_path: Path) -> None:
    result = run_piped(tmp_path, "", "-c", "qi_decided(melson); discovery_stayed(melson)?; :retract qi_decided(melson); ?- discovery_stayed(\n  melson).")
    assert result.returncode == 0, result.stderr
    assert re.findall(r"^(yes|no)\.$", result.stdout, re.M) == ["no", "yes"]
    failed = run_piped(tmp_path, "", "-c", ":why 3")
    assert failed.returncode == 1


def test_load_error_at_start_exits_2_when_piped(tmp_path: Path) -> None:
    broken = tmp_path / "broken.dl"
    broken.write_text("p(a\n", encoding="utf-8")
    result = run_piped(tmp_path, "p(a)?\n", "repl", str(broken))
    assert result.returncode == 2 and "error[" in result.stderr


# --- pieces -------------------------------------------------------------------------------------------------


def test_statement_splitting() -> None:
    assert split_statements('a(x). b("a. b?"). ?- p(X), q(X). r(X)? % rest') == (
        ["a(x).", 'b("a. b?").', "?- p(X), q(X).", "r(X)?"],
        "",  # only a comment follows: nothing is left open
    )
    assert split_statements("p(X) :- q(X, N % 2). % c")[0] == ["p(X) :- q(X, N % 2)."]
    assert is_complete(":why 1") and is_complete("p(X)?") and not is_complete("?- p(X),")
    units = list(read_units(["a(x).", "?- p(X,", "  Y).", ":why 1", "b("]))
    assert [(u.kind, u.text, u.line) for u in units] == [
        ("statement", "a(x).", 1),
        ("statement", "?- p(X,\n  Y).", 2),
        ("command", ":why 1", 4),
        ("incomplete", "b(", 5),
    ]
    assert split_command_text('a(x); ?- p("a;b")\n  ; :why 1;?- q(X,\nY)') == ["a(x).", '?- p("a;b").', ":why 1", "?- q(X,", "Y)."]
    # A command on the last line of a piece ends it; only an unfinished statement gets a full stop.
    assert split_command_text("appealable(O)?\n:why 1") == ["appealable(O)?", ":why 1"]
    # a decimal point is not the end of a statement
    assert split_command_text("claim(c1, 0.01). q(1.5, 2)") == ["claim(c1, 0.01). q(1.5, 2)."]


def completions(text: str) -> list[str]:
    session = Session.start(bundled_library_files(), DEFAULT_ENGINE)
    completer = LexlogCompleter(lambda: session)
    return [c.text for c in completer.get_completions(Document(text), CompleteEvent(completion_requested=True))]


def test_completion_of_commands_predicates_constants_and_authorities() -> None:
    assert completions(":ci") == [":cite"]
    assert ":whynot" in completions(":wh") and ":why" in completions(":wh")
    assert "vacate_and_remand" in completions("?- vacate_and_r")
    assert "zapata_order" in completions("?- appealable(zapata_o")
    assert completions(":cite bac") == ["backe"]
    assert "markdown" in completions(":explain appealable(zapata_order) --format ma")
    assert "--format" in completions(":explain appealable(zapata_order) --f")
    assert completions("?- appealable(O") == []
    # where a value goes, the built-in functions, and inside a call the rounding modes
    assert "add_months" in completions("?- served(C, D), E > add_mo") and "add_years" not in completions("?- p(add_mo")
    assert "half_even" in completions("?- p(round(A, 2, half_e")


def test_history_in_the_user_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prompt_toolkit.history import FileHistory, InMemoryHistory as Memory

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert history_path() == str(tmp_path / "data" / "lexlog" / "history")
    assert isinstance(make_history(), FileHistory) and (tmp_path / "data" / "lexlog").is_dir()
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert history_path() == str(tmp_path / "home" / ".local" / "share" / "lexlog" / "history")
    blocker = tmp_path / "a_file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))  # a file where the folder should be: not writable
    assert isinstance(make_history(), Memory)


def test_lexer_tokens() -> None:
    from pygments.token import Keyword, Name, Operator

    from lexlog.repl.lexer import LexlogLexer

    tokens = [(kind, text) for kind, text in LexlogLexer().get_tokens("?- appealable(O), not stayed(x).\n:why 1") if text.strip()]
    assert (Operator, "?-") in tokens
    assert (Name.Function, "appealable") in tokens and (Name.Function, "stayed") in tokens
    assert (Name.Variable, "O") in tokens and (Name.Constant, "x") in tokens
    assert (Keyword, "not") in tokens and (Keyword.Pseudo, ":why") in tokens


def test_ctrl_c_during_evaluation_cancels_and_keeps_the_session(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(session: Session, argument: str) -> str:
        raise KeyboardInterrupt

    monkeypatch.setitem(commands_module.COMMANDS, "slow", commands_module.Command("slow", slow, ":slow", "interrupted"))
    shown, session = drive("qi_decided(melson).\r:slow\rqi_decided(melson)?\r")
    assert "canceled" in shown and "yes.\n1 asserted fact since the last :save would be lost" in shown
    assert [atom.text for atom in session.kb.asserted] == ["qi_decided(melson)"]


def test_percent_is_read_at_the_prompt_as_the_grammar_reads_it() -> None:
    # After an operand in a body `%` is the remainder (so `a(x) % note` goes on, and the `.` below it is a syntax
    # error, as in a file); after a statement's end it opens a comment.
    statements, rest = split_statements("?- n(X), X % 2 = 0. % even ones\nb(x) :- a(x) % note\n.")
    assert statements == ["?- n(X), X % 2 = 0.", "b(x) :- a(x) % note\n."] and rest == ""
    from lexlog.grammar import LexlogSyntaxError, parse

    with pytest.raises(LexlogSyntaxError):
        parse(statements[1])
    assert is_complete("?- n(X), X % 2 = 0.")
    assert not is_complete("?- n(X), X % 2 =")


def test_a_command_under_an_unfinished_statement_runs_at_once() -> None:
    assert is_complete("appealable(O)\n:facts appealed")
    assert not is_complete("appealable(O)\n  , appealed(O)")


# --- notes ----------------------------------------------------------------------------------------------------

NOTED = """\
authority carswell = "Carswell v. Camp, 54 F.4th 307 (5th Cir. 2022)".
input order(O) "{O} is an order".
input pending_mtd(O) "a motion to dismiss is pending when {O} is entered".
output appealable(O) "{O} is immediately appealable".
output leave_denied(O) "leave is denied in {O}".

@label appeal_pending_motion_to_dismiss
@cite carswell at 311-12
@note later_law "Carswell (2022) postdates orders entered before it."
appealable(O) :- order(O), pending_mtd(O).

@label leave_denied_while_mtd_pending
@note library_reading "No authority says this in terms."
leave_denied(O) :- appealable(O).

order(a). order(b). pending_mtd(a).
"""
LATER_LAW = "note (later law): Carswell (2022) postdates orders entered before it."
READING = "note (the library's own reading, no authority states it in terms): No authority says this in terms."


def noted_file(folder: Path) -> str:
    path = folder / "noted.dl"
    path.write_text(NOTED, encoding="utf-8")
    return str(path)


def test_why_shows_each_rules_notes_under_it(tmp_path: Path) -> None:
    shown, _ = drive(":why leave_denied(a)\r", files=[noted_file(tmp_path)])
    lines = [ANSI.sub("", line) for line in shown.splitlines()]
    at = lines.index("leave_denied(a): leave is denied in a")
    assert lines[at + 1].startswith("  by rule leave_denied_while_mtd_pending (")
    assert lines[at + 2] == "  " + READING
    assert lines[at + 3] == "  with O = a"
    assert "      " + LATER_LAW in lines


def test_whynot_explain_cite_and_rules_show_notes(tmp_path: Path) -> None:
    session = Session.start([noted_file(tmp_path)], DEFAULT_ENGINE)
    whynot = execute(session, ":whynot leave_denied(b)").text.splitlines()
    assert whynot[1].startswith("  rule leave_denied_while_mtd_pending (") and whynot[2] == "    " + READING
    assert "            " + LATER_LAW in whynot
    memo = execute(session, ":explain appealable(a) --format md").text
    assert "(*Carswell v. Camp*, 54 F.4th 307, 311-12 (5th Cir. 2022)).\\\n_Note (later law): Carswell (2022) postdates" in memo
    document = execute(session, ":explain appealable(a) --format json").text
    assert '"notes": [\n' in document and '"kind": "later_law"' in document
    assert "\\n" + LATER_LAW + "\\n" in execute(session, ":explain appealable(a) --format dot").text
    cited = execute(session, ":cite carswell").text.splitlines()
    row = next(n for n, line in enumerate(cited) if line.startswith("  appeal_pending_motion_to_dismiss"))
    assert cited[row + 1] == "    " + LATER_LAW
    rules = execute(session, ":rules leave_denied").text
    assert '@label leave_denied_while_mtd_pending\n@note library_reading "No authority says this in terms."\n' in rules


def test_a_note_typed_at_the_prompt_is_refused_like_a_rule(tmp_path: Path) -> None:
    session = Session.start([noted_file(tmp_path)], DEFAULT_ENGINE)
    with pytest.raises(commands_module.CommandError, match="only facts can be typed at the prompt"):
        execute(session, '@note later_law "x" order(c).')


def test_lexer_marks_note_as_an_annotation() -> None:
    from pygments.token import Name

    from lexlog.repl.lexer import LexlogLexer

    tokens = [(kind, text) for kind, text in LexlogLexer().get_tokens('@note later_law "x"\np(a).') if text.strip()]
    assert tokens[0] == (Name.Decorator, "@note")


def test_a_supposed_or_typed_fact_of_an_unknown_predicate_is_an_error_not_a_silent_no_op() -> None:
    """`:suppose court_ruled_on_qi(aguilar) ?- qi_pending(aguilar).` once answered yes: the supposition did nothing."""
    session = Session.start(bundled_library_files(), DEFAULT_ENGINE)
    for typed in (":suppose court_ruled_on_qi(aguilar) ?- qi_pending(aguilar).", "qi_decidd(aguilar).", ":assume frobnicate(x)"):
        with pytest.raises(LexlogError) as caught:
            execute(session, typed)
        assert caught.value.code == "undefined_predicate"
        assert "is not a predicate of this knowledge base: the fact would change nothing" in caught.value.render()
    assert session.kb.asserted == [] and session.assumptions == []
    assert execute(session, "qi_decided(aguilar).").text == "asserted qi_decided(aguilar)."


def test_asof_changes_the_law_applied_and_keeps_the_session(tmp_path: Path) -> None:
    session = Session.start(bundled_library_files(), DEFAULT_ENGINE)
    execute(session, "sued_individually(officer_x).")
    shown = execute(session, ":asof zapata").text
    assert shown.startswith("law as of 2014-04-18; not in force (5):") and "appeal_pending_motion_to_dismiss" in shown
    assert "pending_motion_to_dismiss" not in execute(session, "appealable_on(zapata_order, G)?").text
    assert "Not in force on 2014-04-18:" in execute(session, ":whynot appealable_on(zapata_order, pending_motion_to_dismiss)").text
    assert [atom.text for atom in session.kb.asserted] == ["sued_individually(officer_x)"]  # nothing lost
    with pytest.raises(LexlogError, match="is not a date"):
        execute(session, ":asof 2014-02-30")
    assert session.kb.effective_date.isoformat() == "2014-04-18"  # a bad date changes nothing
    execute(session, ":asof today")
    assert "pending_motion_to_dismiss" in execute(session, "appealable_on(zapata_order, G)?").text
    saved = tmp_path / "case.dl"
    execute(session, f":save {saved}")
    assert "judged as of" in saved.read_text()  # the loaded case files state their own dates: a note, not as_of


def test_the_suggested_query_keeps_the_rule_s_own_variable_names(tmp_path: Path) -> None:
    source = tmp_path / "birds.dl"
    source.write_text("@defeasible\nfly(X) :- bird(X).\nbird(tweety).\n")
    assert commands_module.example_query(KnowledgeBase.from_files([str(source)])) == "?- fly(X)."


def test_a_file_fact_asserted_again_then_retracted_is_gone(tmp_path: Path) -> None:
    rules = tmp_path / "rules.dl"
    rules.write_text("p(a).\nq(X) :- p(X).\n", encoding="utf-8")
    saved = tmp_path / "saved.dl"
    result = run_piped(tmp_path, "", "repl", str(rules), "-c", f"p(a).; :retract p(a); p(a)?; q(a)?; :save {saved}")
    assert result.returncode == 0, result.stderr
    assert "already a fact" in result.stdout and "retracted p(a)." in result.stdout
    assert re.findall(r"^(yes|no)\.$", result.stdout, re.M) == ["no", "no"]
    assert "retracted in the session" in saved.read_text(encoding="utf-8")  # :save says what a case file cannot


def test_leaving_with_unsaved_facts_warns_once_and_a_save_clears_it(tmp_path: Path) -> None:
    shown, _ = drive("qi_decided(melson).\r")  # then Ctrl-D, and Ctrl-D again (the input has ended)
    assert shown.count("1 asserted fact since the last :save would be lost") == 1
    shown, _ = drive("qi_decided(melson).\r:quit\r:quit\r")
    assert shown.count("would be lost") == 1
    shown, _ = drive(f"qi_decided(melson).\r:save {tmp_path / 'case.dl'}\r")
    assert "would be lost" not in shown
    shown, _ = drive("qi_decided(melson).\r:retract qi_decided(melson)\r")  # nothing left to lose
    assert "would be lost" not in shown


def test_save_says_what_a_case_file_cannot_keep(tmp_path: Path) -> None:
    rules = tmp_path / "rules.dl"
    rules.write_text("p(a).\n", encoding="utf-8")
    shown, _ = drive(f":retract p(a)\r:save {tmp_path / 'case.dl'}\r", files=[str(rules)])
    assert "not saved (a case file cannot retract): p(a)" in shown


def test_a_depth_that_is_not_a_number_of_levels_is_refused_plainly() -> None:
    shown, session = drive(":depth -3\r:depth ²\r:depth 99999999999999999999\r:depth 2\r")
    assert shown.count("the depth is a number of levels (0, 1, 2, ... up to 9999), not") == 3
    assert "internal error" not in shown and session.depth == 2


def test_a_typed_fact_of_a_concluded_predicate_is_kept_with_a_warning_at_once() -> None:
    shown, session = drive("appealable(zapata_order).\rqi_decided(melson).\r")
    assert "asserted appealable(zapata_order).\nwarning: appealable/1 is concluded by 1 rule; as a fact it holds" in shown
    assert shown.count("warning:") == 1  # qi_decided is an input: no warning
    assert {atom.text for atom in session.kb.asserted} == {"appealable(zapata_order)", "qi_decided(melson)"}


def test_the_prompt_reads_statements_with_the_grammars_own_lexer() -> None:
    # a pin cite's "n." and a decimal's "." end nothing; a string's "." and "?" end nothing
    statements, rest = split_statements('@cite zapata at 485 n.2\np(a). q(1.5, "a. b? c").')
    assert statements == ["@cite zapata at 485 n.2\np(a).", 'q(1.5, "a. b? c").'] and rest == ""
    # a question may be a body over several lines; facts may be typed with commas
    assert split_statements("appealable(O)\n  , appealed(O)?")[0] == ["appealable(O)\n  , appealed(O)?"]
    assert split_statements("a(x), b(y).")[0] == ["a(x), b(y)."]
    # a block comment may span lines, inside a statement or between two
    assert split_statements("q(a, /* one\ntwo */ b). /* three\nfour */ r(c).")[0] == ["q(a, /* one\ntwo */ b).", "/* three\nfour */ r(c)."]


def test_an_unclosed_string_is_an_error_at_once_not_a_wait() -> None:
    units = list(read_units(['p("unclosed).', "q(a).", "r(b)."]))
    assert [(unit.kind, unit.text) for unit in units] == [("statement", 'p("unclosed).'), ("statement", "q(a)."), ("statement", "r(b).")]
    assert is_complete('p("unclosed')  # shown at once at the prompt, rather than waiting for more lines
    shown, session = drive('p("unclosed\rqi_decided(melson).\r')
    assert "error[syntax_error]" in shown and "asserted qi_decided(melson)." in shown


def test_reading_is_linear_in_the_lines_read() -> None:
    # A statement left open (no full stop) before thousands of comment lines: each line is read once. Counted in
    # lexer tokens, not seconds: 8,000 lines of comments after the open statement lex as 8,000 comments.
    from lexlog.grammar import parser as parser_module

    lines = ["p(a)"] + [f"% comment {number}" for number in range(8_000)] + ["."]
    counted = {"comments": 0}
    keep = parser_module._keep_comment

    def counting(token):
        counted["comments"] += 1
        return keep(token)

    parser_module._keep_comment = counting
    try:
        parser_module._parser.cache_clear()
        units = list(read_units(lines))
    finally:
        parser_module._keep_comment = keep
        parser_module._parser.cache_clear()
    assert [unit.text.splitlines()[0] for unit in units] == ["p(a)"] and units[0].text.endswith(".")
    assert counted["comments"] == 8_000
