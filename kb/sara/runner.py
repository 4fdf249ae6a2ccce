"""Deciding imported SARA cases on one loaded `<us_tax>`: each case's facts are supposed on the library, its question
asked, and the answer compared with the label."""

from __future__ import annotations

import glob
import os
import re
import time
from dataclasses import dataclass
from typing import Iterable, Iterator

from lexlog.grammar.tree import Atom, Constant, Literal, Variable
from lexlog.kb.diagnostics import LexlogError
from lexlog.kb.explanation import GroundAtom
from lexlog.kb.knowledge_base import KnowledgeBase
from lexlog.kb.loader import library_path
from lexlog.kb.sara.importer import ImportedCase, SaraImportError, Vocabulary, import_case_file


@dataclass(frozen=True)
class Outcome:
    """One case decided: whether it passed, and on a failure what was expected and what came out."""

    name: str
    passed: bool
    expected: str
    actual: str
    section: str
    numeric: bool

    def line(self) -> str:
        if self.passed:
            return f"PASS {self.name}"
        return f"FAIL {self.name}: expected {self.expected}, got {self.actual}"


def section_of(name: str) -> str:
    """`s151_d_3_B_pos` -> `§ 151`; `tax_case_20` -> `tax`."""
    match = re.match(r"s(\d+)", name)
    return f"§ {match.group(1)}" if match else "tax"


def case_files(directory: str) -> list[str]:
    def natural(path: str) -> list:
        return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", os.path.basename(path))]

    return sorted(glob.glob(os.path.join(directory, "*.pl")), key=natural)


class SaraRunner:
    """The tax library, loaded and checked once; cases are decided on it one by one."""

    def __init__(self, engine: str | None = None) -> None:
        options = {"engine": engine} if engine else {}
        self.library = KnowledgeBase.from_files([library_path("us_tax")], **options)
        self.engine = engine
        self.vocabulary = Vocabulary.of(self.library.declarations)

    def decide_file(self, path: str) -> Outcome:
        name = re.sub(r"\.pl$", "", os.path.basename(path))
        try:
            case = import_case_file(path, self.vocabulary)
        except SaraImportError as error:
            return Outcome(name, False, "a case lexlog can import", f"import error: {error}", section_of(name), name.startswith("tax"))
        return self.decide(case)

    def decide(self, case: ImportedCase) -> Outcome:
        expected = "yes" if case.expect_holds else "no"
        numeric = case.is_tax_amount
        if numeric:
            expected = _amount(case)
        try:
            holds = self._holds(case)
        except LexlogError as error:
            return Outcome(case.name, False, expected, f"error: {error}", section_of(case.name), numeric)
        passed = holds == case.expect_holds
        actual = ("yes" if holds else "no") if not numeric else (expected if passed else self._tax_amounts(case))
        return Outcome(case.name, passed, expected, actual, section_of(case.name), numeric)

    def case_knowledge_base(self, case: ImportedCase) -> KnowledgeBase:
        return self.library.suppose_ground(GroundAtom(f.predicate, tuple(a.value for a in f.arguments)) for f in case.facts)  # type: ignore[union-attr]

    def _holds(self, case: ImportedCase) -> bool:
        if case.impossible is not None:
            return False
        if case.uses_rule:
            options = {"engine": self.engine} if self.engine else {}
            knowledge_base = KnowledgeBase.from_source(case.lexlog_source(), f"{case.name}.dl", **options)
            return knowledge_base.holds("question_holds")
        return bool(self.case_knowledge_base(case).query(list(case.goal)).answers)

    def _tax_amounts(self, case: ImportedCase) -> str:
        goal = case.goal[0]
        assert isinstance(goal, Literal)
        person, year = goal.atom.arguments[0], goal.atom.arguments[1]
        asked = Atom("tax", (person, year, Variable("Amount")))
        answers = self.case_knowledge_base(case).query([Literal(asked)]).answers
        amounts = [str(answer["Amount"]) for answer in answers]
        return ", ".join(amounts) if amounts else "no tax figure"


def _amount(case: ImportedCase) -> str:
    goal = case.goal[0]
    assert isinstance(goal, Literal)
    amount = goal.atom.arguments[2]
    return str(amount.value) if isinstance(amount, Constant) else "?"


@dataclass(frozen=True)
class Summary:
    outcomes: tuple[Outcome, ...]
    seconds: float

    def count(self, numeric: bool | None = None, section: str | None = None) -> tuple[int, int]:
        chosen = [
            o for o in self.outcomes if (numeric is None or o.numeric == numeric) and (section is None or o.section == section)
        ]
        return sum(o.passed for o in chosen), len(chosen)

    def sections(self) -> list[str]:
        return sorted({o.section for o in self.outcomes}, key=lambda s: (s == "tax", int(s[2:]) if s != "tax" else 0))

    def last_line(self) -> str:
        passed, total = self.count()
        binary, binary_total = self.count(numeric=False)
        numeric, numeric_total = self.count(numeric=True)
        return (
            f"sara: {passed}/{total} pass (binary {binary}/{binary_total}, numeric {numeric}/{numeric_total}) "
            f"in {self.seconds:.1f} s"
        )


def run_cases(paths: Iterable[str], engine: str | None = None) -> Iterator[Outcome]:
    runner = SaraRunner(engine)
    for path in paths:
        yield runner.decide_file(path)


def summarize(paths: Iterable[str], engine: str | None = None, report=None) -> Summary:
    start = time.perf_counter()
    outcomes = []
    for outcome in run_cases(paths, engine):
        outcomes.append(outcome)
        if report is not None:
            report(outcome)
    return Summary(tuple(outcomes), time.perf_counter() - start)
