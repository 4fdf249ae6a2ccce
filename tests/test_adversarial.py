"""Hostile and unlucky input around the engines: where files are written, what a bad write leaves behind.

Each test names the finding it covers; the policies are in docs/cli.md ("Writing files").
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from lexlog.kb import write_atomically
from lexlog.kb import formatting
from lexlog.repl.cli import main

UNFORMATTED = "p(a) .\n"
FORMATTED = "p(a).\n"


def test_fmt_in_place_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path: Path, capsys) -> None:
    target = tmp_path / "real.dl"
    target.write_text(UNFORMATTED, encoding="utf-8")
    link = tmp_path / "link.dl"
    link.symlink_to("real.dl")
    assert main(["fmt", "-i", str(link)]) == 0
    assert link.is_symlink() and os.readlink(link) == "real.dl"
    assert target.read_text(encoding="utf-8") == FORMATTED


def test_fmt_in_place_keeps_hard_links_one_file(tmp_path: Path) -> None:
    first = tmp_path / "first.dl"
    first.write_text(UNFORMATTED, encoding="utf-8")
    second = tmp_path / "second.dl"
    os.link(first, second)
    assert main(["fmt", "-i", str(second)]) == 0
    assert os.stat(first).st_ino == os.stat(second).st_ino and os.stat(first).st_nlink == 2
    assert first.read_text(encoding="utf-8") == FORMATTED


@pytest.mark.parametrize("kind", ["fifo", "link to a device", "directory"])
def test_writes_refuse_what_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "out.dl"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "link to a device":
        path.symlink_to("/dev/null")
    else:
        path.mkdir()
    with pytest.raises(OSError) as refused:
        write_atomically(str(path), "p(a).\n")
    assert "not a regular file" in refused.value.strerror
    # left as it was, with no temporary file beside it
    unchanged = {"fifo": stat.S_ISFIFO(os.lstat(path).st_mode), "link to a device": path.is_symlink(), "directory": path.is_dir()}
    assert unchanged[kind] and os.listdir(tmp_path) == ["out.dl"]


def test_save_at_the_prompt_to_a_pipe_is_an_error_not_a_replacement(tmp_path: Path, capsys) -> None:
    rules = tmp_path / "rules.dl"
    rules.write_text("p(a).\n", encoding="utf-8")
    pipe = tmp_path / "pipe.dl"
    os.mkfifo(pipe)
    assert main(["repl", str(rules), "-c", f":save {pipe}"]) == 1
    assert "cannot write" in capsys.readouterr().err
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)


def test_a_full_disk_leaves_the_original_and_no_temporary_file(tmp_path: Path, monkeypatch, capsys) -> None:
    path = tmp_path / "rules.dl"
    path.write_text(UNFORMATTED, encoding="utf-8")

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(formatting.os, "fsync", full)
    assert main(["fmt", "-i", str(path)]) == 2
    assert f"{path}: cannot write: No space left on device" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == UNFORMATTED and os.listdir(tmp_path) == ["rules.dl"]


def test_a_temporary_file_left_by_a_killed_write_is_reused_not_piled_up(tmp_path: Path) -> None:
    path = tmp_path / "case.dl"
    stale = tmp_path / ".case.dl.lexlog-tmp"
    stale.write_text("half a fi", encoding="utf-8")  # what kill -9 during a write leaves
    write_atomically(str(path), "p(a).\n")
    assert sorted(os.listdir(tmp_path)) == ["case.dl"] and path.read_text(encoding="utf-8") == "p(a).\n"


def test_a_link_planted_at_the_temporary_name_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (tmp_path / ".case.dl.lexlog-tmp").symlink_to(victim)
    with pytest.raises(OSError):
        write_atomically(str(tmp_path / "case.dl"), "p(a).\n")
    assert victim.read_text(encoding="utf-8") == "keep me"


def test_a_new_file_gets_the_usual_mode_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.dl"
    write_atomically(str(fresh), "p(a).\n")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(os.stat(fresh).st_mode) == 0o666 & ~umask
    kept = tmp_path / "kept.dl"
    kept.write_text("q.\n", encoding="utf-8")
    os.chmod(kept, 0o600)
    write_atomically(str(kept), "p(a).\n")
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600


def test_a_file_name_with_a_nul_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(OSError) as refused:
        write_atomically(str(tmp_path / "a\x00b.dl"), "p(a).\n")
    assert "NUL" in refused.value.strerror


# --- terms nested past what the tools can walk ---------------------------------------------------------------------

DEEP_TERMS = {
    "a sum of 1,000 terms": "p(X) :- q(Y), X = " + " + ".join(["Y"] * 1_000) + ".",
    "3,000 minus signs": "p(X) :- q(Y), X = " + "-" * 3_000 + "Y.",
    "calls 500 deep": "p(X) :- q(Y), X = " + "abs(" * 500 + "Y" + ")" * 500 + ".",
}


@pytest.mark.parametrize("name", DEEP_TERMS)
@pytest.mark.parametrize("command", ["check", "fmt", "query"])
def test_a_term_nested_too_deep_is_a_located_error_in_every_command(tmp_path: Path, capsys, name: str, command: str) -> None:
    path = tmp_path / "deep.dl"
    path.write_text("q(1).\n" + DEEP_TERMS[name] + "\n", encoding="utf-8")
    arguments = [command, str(path)] + (["-q", "p(X)"] if command == "query" else [])
    assert main(arguments) == 2
    captured = capsys.readouterr()
    report = captured.out + captured.err
    assert "deep.dl:2:" in report and "nests operators, minus signs or calls more than 100 deep" in report
    assert "Traceback" not in report and "RecursionError" not in report


def test_a_term_at_the_depth_limit_is_evaluated(tmp_path: Path, capsys) -> None:
    path = tmp_path / "deep.dl"
    path.write_text("q(1).\np(" + " + ".join(["Y"] * 101) + ") :- q(Y).\n", encoding="utf-8")  # 100 additions
    assert main(["query", "--json", str(path), "-q", "p(X)"]) == 0
    assert '"X": 101' in capsys.readouterr().out


def test_an_integer_of_5000_digits_checks_formats_and_answers(tmp_path: Path, capsys) -> None:
    digits = "9" * 5_000
    path = tmp_path / "big.dl"
    path.write_text(f"p({digits}).\n", encoding="utf-8")
    assert main(["check", str(path)]) == 0
    capsys.readouterr()
    assert main(["fmt", str(path)]) == 0 and capsys.readouterr().out == f"p({digits}).\n"
    assert main(["query", "--json", str(path), "-q", "p(X)"]) == 0
    assert capsys.readouterr().out.strip() == f'{{"query": "p(X)", "answers": [{{"X": {digits}}}]}}'
