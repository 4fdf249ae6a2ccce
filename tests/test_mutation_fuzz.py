"""Mutants of the bundled law's files, at the level of bytes and of the grammar's tokens: every one is checked,
and each that checks clean is loaded with the seed cases and evaluated. Whatever a mutant is, the answer is a
located LexlogError or a model; never a traceback.

The default run tries a few dozen mutants; the long profile (`LEXLOG_PROFILE=long`) tries at least 5,000 and
prints its counts (docs/conformance.md).
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lexlog.grammar.parser import _parser
from lexlog.kb import KnowledgeBase, LexlogError, check_files

LIBRARY = Path(__file__).resolve().parent.parent / "kb" / "library"
RULE_FILES = sorted(path.name for path in LIBRARY.glob("*.dl") if path.name != "us_tax.dl")
CASES = sorted(path.name for path in (LIBRARY / "cases").glob("*.dl"))
LONG = os.environ.get("LEXLOG_PROFILE", "ci") == "long"


def tokens(text: str) -> list[tuple[int, int]]:
    """The (start, stop) of each token of a file that parses, as the grammar's own lexer and parser read it."""
    interactive = _parser().parse_interactive(text, start="start")
    return [(token.start_pos, token.end_pos) for token in interactive.iter_parse()]


def byte_mutant(text: str, rng: random.Random) -> str:
    """One to four deletions, insertions or replacements of a few characters anywhere."""
    for _ in range(rng.randint(1, 4)):
        position = rng.randint(0, len(text))
        action = rng.choice(["delete", "insert", "replace"])
        chunk = "".join(rng.choice('abXY_(),.:-%"\\ \n0123456789@<>=!~{}é\x00') for _ in range(rng.randint(1, 4)))
        if action == "delete":
            text = text[:position] + text[position + rng.randint(1, 8) :]
        else:
            text = text[:position] + chunk + text[position + (len(chunk) if action == "replace" else 0) :]
    return text


def token_mutant(text: str, spans: list[tuple[int, int]], rng: random.Random) -> str:
    """A token deleted, repeated, or replaced by another token of the file (most often one of the same spelling
    shape, so that many mutants still parse and reach the checks and the engine)."""
    start, stop = rng.choice(spans)
    action = rng.choice(["delete", "repeat", "replace", "replace", "replace"])
    if action == "delete":
        return text[:start] + text[stop:]
    if action == "repeat":
        return text[:stop] + " " + text[start:stop] + text[stop:]
    word = text[start:stop]
    same_shape = [span for span in spans if text[span[0] : span[1]][:1].isalpha() == word[:1].isalpha()]
    other_start, other_stop = rng.choice(same_shape or spans)
    return text[:start] + text[other_start:other_stop] + text[stop:]


@dataclass
class Counts:
    mutants: int = 0
    checked_clean: int = 0
    evaluated: int = 0
    tracebacks: list[str] = field(default_factory=list)


def try_mutant(folder: Path, name: str, text: str, counts: Counts) -> None:
    (folder / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    files = [str(folder / "cases" / case) for case in CASES]  # each includes the law
    counts.mutants += 1
    try:
        if check_files(files).errors:
            return
        counts.checked_clean += 1
        knowledge_base = KnowledgeBase.from_files(files)
        knowledge_base.conclusions()
        knowledge_base.violations()
        counts.evaluated += 1
    except LexlogError:
        pass
    except Exception as error:  # noqa: BLE001 - what this test exists to find
        counts.tracebacks.append(f"{name}: {type(error).__name__}: {error}\n--- mutant ---\n{text}")


def run(mutants_per_file: int, folder: Path, seed: int = 0) -> Counts:
    rng = random.Random(seed)
    counts = Counts()
    shutil.copytree(LIBRARY, folder, ignore=shutil.ignore_patterns("us_tax*", "examples", "hypotheticals"))
    for case in CASES:  # the cases include the copy, not the installed law
        path = folder / "cases" / case
        path.write_text(path.read_text(encoding="utf-8").replace("include <fifth_circuit_qi>.", 'include "../fifth_circuit_qi.dl".'), encoding="utf-8")
    files = [str(folder / "fifth_circuit_qi.dl"), *(str(folder / "cases" / case) for case in CASES)]
    assert not check_files(files).errors, "the copy of the law does not check clean before any mutation"
    for name in RULE_FILES:
        original = (LIBRARY / name).read_text(encoding="utf-8")
        spans = tokens(original)
        for number in range(mutants_per_file):
            mutant = token_mutant(original, spans, rng) if number % 2 else byte_mutant(original, rng)
            try_mutant(folder, name, mutant, counts)
        (folder / name).write_text(original, encoding="utf-8")
    return counts


def test_mutants_of_the_bundled_law_are_answered_without_a_traceback(tmp_path: Path, capsys) -> None:
    per_file = 5_000 // len(RULE_FILES) + 1 if LONG else 2
    counts = run(per_file, tmp_path / "library")
    with capsys.disabled():
        print(
            f"\nmutation fuzz: {counts.mutants} mutants of {len(RULE_FILES)} files, {counts.checked_clean} checked clean, "
            f"{counts.evaluated} evaluated, {len(counts.tracebacks)} tracebacks"
        )
    assert not counts.tracebacks, counts.tracebacks[0]
    if LONG:
        assert counts.mutants >= 5_000 and counts.evaluated >= counts.mutants / 5
    else:
        assert counts.mutants == per_file * len(RULE_FILES) and counts.evaluated > 0
