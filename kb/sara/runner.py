"""Deciding imported SARA cases on one loaded `<us_tax>`: each case's facts are supposed on the library, its question
asked, and the answer compared with the label."""

from __future__ import annotations

import glob
import os
import re
import time
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from lexlog.grammar.tree import Atom, Constant, Literal, Variable
from lexlog.kb.diagnostics import LexlogError
from lexlog.kb.atoms import GroundAtom
from lexlog.kb.knowledge_base import KnowledgeBase
from lexlog.kb.loader import library_path
from lexlog.kb.sara.importer import ImportedCase, SaraImportError, Vocabulary, case_name, import_case_file


CASES_TOGETHER = 64
"""Cases evaluated in one pass: enough to spread the fixed cost of an evaluation, few enough to keep the model small."""


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
    """`s151_d_3_B_pos` -> `§ 151`; `tax_case_20` -> `tax`; another name -> `other`."""
    match = re.match(r"s(\d+)_", name)
    if match:
        return f"§ {match.group(1)}"
    return "tax" if name.startswith("tax_case") else "other"


def case_files(directory: str) -> list[str]:
    def natural(path: str) -> list:
        return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", os.path.basename(path))]

    return sorted(glob.glob(os.path.join(directory, "*.pl")), key=natural)


class SaraRunner:
    """The tax library, loaded and checked once; cases are decided on it, many per evaluation."""

    def __init__(self, engine: str | None = None) -> None:
        options = {"engine": engine} if engine else {}
        self.library = KnowledgeBase.from_files([library_path("us_tax")], **options)
        self.engine = engine
        self.vocabulary = Vocabulary.of(self.library.declarations)

    def decide_file(self, path: str) -> Outcome:
        return next(self.decide_files([path]))

    def decide_files(self, paths: Sequence[str], together: int = CASES_TOGETHER) -> Iterator[Outcome]:
        """The outcome of each file, in order. Cases are imported, then decided `together` at a time in one
        evaluation (`KnowledgeBase.suppose_each`); a case whose question needs a rule of its own is decided alone."""
        for start in range(0, len(paths), together):
            imported: list[ImportedCase | Outcome] = [self._import(path) for path in paths[start : start + together]]
            plain = [case for case in imported if isinstance(case, ImportedCase) and not case.uses_rule and case.impossible is None]
            bases = dict(zip((case.name for case in plain), self._bases(plain)))
            for case in imported:
                yield case if isinstance(case, Outcome) else self.decide(case, bases.get(case.name))

    def _import(self, path: str) -> ImportedCase | Outcome:
        name = case_name(path)
        try:
            return import_case_file(path, self.vocabulary)
        except SaraImportError as error:
            where = f"{path}:{error.line}" if error.line else path
            return Outcome(name, False, "a case lexlog can import", f"{where}: {error.message}", section_of(name), name.startswith("tax_case"))

    def _bases(self, cases: Sequence[ImportedCase]) -> list[KnowledgeBase | LexlogError]:
        try:
            return list(self.library.suppose_each([_ground_facts(case) for case in cases]))
        except LexlogError:
            # One case the evaluation refuses (over budget, say) must not take the others with it: decide each alone.
            return [self._alone(case) for case in cases]

    def _alone(self, case: ImportedCase) -> KnowledgeBase | LexlogError:
        try:
            base = self.case_knowledge_base(case)
            base.model  # noqa: B018 - evaluate now, so that a refusal is this case's
            return base
        except LexlogError as error:
            return error

    def decide(self, case: ImportedCase, base: KnowledgeBase | LexlogError | None = None) -> Outcome:
        expected = "yes" if case.expect_holds else "no"
        numeric = case.is_tax_amount
        if numeric:
            expected = _amount(case)
        try:
            if isinstance(base, LexlogError):
                raise base
            holds = self._holds(case, base)
        except LexlogError as error:
            return Outcome(case.name, False, expected, f"error: {error}", section_of(case.name), numeric)
        passed = holds == case.expect_holds
        actual = ("yes" if holds else "no") if not numeric else (expected if passed else self._tax_amounts(case, base))
        return Outcome(case.name, passed, expected, actual, section_of(case.name), numeric)

    def case_knowledge_base(self, case: ImportedCase) -> KnowledgeBase:
        return self.library.suppose_ground(_ground_facts(case))

    def _holds(self, case: ImportedCase, base: KnowledgeBase | None) -> bool:
        if case.impossible is not None:
            return False
        if case.uses_rule:
            options = {"engine": self.engine} if self.engine else {}
            knowledge_base = KnowledgeBase.from_source(case.lexlog_source(), f"{case.name}.dl", **options)
            return knowledge_base.holds("question_holds")
        base = base if base is not None else self.case_knowledge_base(case)
        return bool(base.query(list(case.goal)).answers)

    def _tax_amounts(self, case: ImportedCase, base: KnowledgeBase | LexlogError | None) -> str:
        goal = case.goal[0]
        assert isinstance(goal, Literal)
        person, year = goal.atom.arguments[0], goal.atom.arguments[1]
        asked = Atom("tax", (person, year, Variable("Amount")))
        base = base if isinstance(base, KnowledgeBase) else self.case_knowledge_base(case)
        answers = base.query([Literal(asked)]).answers
        amounts = [str(answer["Amount"]) for answer in answers]
        return ", ".join(amounts) if amounts else "no tax figure"


def _ground_facts(case: ImportedCase) -> list[GroundAtom]:
    return [GroundAtom(f.predicate, tuple(a.value for a in f.arguments)) for f in case.facts]  # type: ignore[union-attr]


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
        return sorted({o.section for o in self.outcomes}, key=lambda s: (not s.startswith("§"), int(s[2:]) if s.startswith("§") else 0, s))

    def last_line(self) -> str:
        passed, total = self.count()
        binary, binary_total = self.count(numeric=False)
        numeric, numeric_total = self.count(numeric=True)
        return (
            f"sara: {passed}/{total} pass (binary {binary}/{binary_total}, numeric {numeric}/{numeric_total}) "
            f"in {self.seconds:.1f} s"
        )


def run_cases(paths: Iterable[str], engine: str | None = None, together: int = CASES_TOGETHER) -> Iterator[Outcome]:
    yield from SaraRunner(engine).decide_files(list(paths), together)


def summarize(paths: Iterable[str], engine: str | None = None, report=None, together: int = CASES_TOGETHER) -> Summary:
    """Every case decided, in order, timed from loading the library to the last answer."""
    start = time.perf_counter()
    outcomes = []
    for outcome in run_cases(paths, engine, together):
        outcomes.append(outcome)
        if report is not None:
            report(outcome)
    return Summary(tuple(outcomes), time.perf_counter() - start)
