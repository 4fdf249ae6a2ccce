"""Golden tests: run every `expect` and every integrity constraint of a set of files, one knowledge base per file.

This is the one implementation behind `lexlog test` and the REPL's `:test`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from lexlog.grammar.tree import Atom, Constant, Constraint, Literal, Value, Variable
from lexlog.kb.diagnostics import LexlogError
from lexlog.kb.engines import DEFAULT_ENGINE
from lexlog.kb.explanation import Proof, WhyNot
from lexlog.kb.knowledge_base import ExpectationResult, KnowledgeBase, Violation


@dataclass
class FileTestResult:
    """What one file's expectations and constraints came to (or why it could not be loaded)."""

    file: str
    knowledge_base: KnowledgeBase | None = None
    expectations: list[ExpectationResult] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    error: LexlogError | None = None

    @property
    def passed(self) -> int:
        return sum(1 for result in self.expectations if result.passed)

    @property
    def failed(self) -> list[ExpectationResult]:
        return [result for result in self.expectations if not result.passed]

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failed and not self.violations

    def explain_failure(self, result: ExpectationResult, depth: int = 2) -> Union[Proof, WhyNot]:
        """Why a failed expectation failed: why the atom does not follow, or the proof that it does."""
        assert self.knowledge_base is not None
        atom = result.expectation.atom
        if result.expectation.positive:
            return self.knowledge_base.why_not(atom, depth)
        named = _name_anonymous(atom)
        answer = self.knowledge_base.query((Literal(named),)).answers[0]
        return self.knowledge_base.explain(_instantiate(named, answer))


@dataclass
class TestReport:
    files: list[FileTestResult]

    @property
    def passed(self) -> int:
        return sum(result.passed for result in self.files)

    @property
    def failed(self) -> int:
        return sum(len(result.failed) for result in self.files)

    @property
    def violations(self) -> int:
        return sum(len(result.violations) for result in self.files)

    @property
    def errors(self) -> int:
        return sum(1 for result in self.files if result.error is not None)

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.files)

    @property
    def tests_nothing(self) -> bool:
        """No file had an expectation or an integrity constraint: a green result would say nothing."""
        return not self.errors and all(
            not result.expectations
            and (result.knowledge_base is None or not result.knowledge_base.program.of_type(Constraint))
            for result in self.files
        )

    def summary(self) -> str:
        parts = [f"{self.passed} passed", f"{self.failed} failed"]
        if self.violations:
            parts.append(f"{self.violations} constraint violation{'s' if self.violations != 1 else ''}")
        if self.errors:
            parts.append(f"{self.errors} file{'s' if self.errors != 1 else ''} with errors")
        return ", ".join(parts)


def run_file(path: str, engine: str = DEFAULT_ENGINE, as_of: str | None = None) -> FileTestResult:
    """The file's expectations and constraints; `as_of` (a date, `today` or an authority) overrides its date."""
    knowledge_base = KnowledgeBase(engine)
    try:
        knowledge_base.load_files([path])
        if as_of is not None:
            knowledge_base = knowledge_base.at_text(as_of)
    except LexlogError as error:
        return FileTestResult(path, error=error)
    return run_knowledge_base(knowledge_base, path)


def run_knowledge_base(knowledge_base: KnowledgeBase, name: str) -> FileTestResult:
    return FileTestResult(name, knowledge_base, knowledge_base.expectations(), knowledge_base.violations())


def run_tests(paths: list[str], engine: str = DEFAULT_ENGINE, as_of: str | None = None) -> TestReport:
    return TestReport([run_file(path, engine, as_of) for path in paths])


def _name_anonymous(atom: Atom) -> Atom:
    """The atom with each `_` given its own name, so that a query reports its value."""
    arguments = tuple(
        Variable(f"Anonymous_{index}") if isinstance(argument, Variable) and argument.is_anonymous else argument
        for index, argument in enumerate(atom.arguments)
    )
    return Atom(atom.predicate, arguments, atom.span)


def _instantiate(atom: Atom, answer: dict[str, Value]) -> Atom:
    arguments = tuple(
        Constant(answer[argument.name]) if isinstance(argument, Variable) and argument.name in answer else argument
        for argument in atom.arguments
    )
    return Atom(atom.predicate, arguments, atom.span)
