"""The adapter between lexlog and the external `datalog-conformance` suite (its `DatalogEvaluator` protocol).

The suite's programs come as facts (predicate → rows of values) and rule strings harvested from Soufflé and other
systems: lower-case variables, upper-case predicate names, arithmetic in heads. They are read with the parser's
`souffle` dialect. The suite names expected errors in its own words; `SUITE_ERROR_NAMES` translates our stable
diagnostic codes into them (both vocabularies are listed in docs/conformance.md).
"""

from __future__ import annotations

from typing import Any, Mapping

from lexlog.grammar import Dialect, LexlogSyntaxError, parse
from lexlog.grammar.tree import Atom, Constant, Fact, Span, Statement
from lexlog.kb.checks import CheckOptions
from lexlog.kb.diagnostics import Diagnostic, LexlogError
from lexlog.kb.engines import DEFAULT_ENGINE
from lexlog.kb.knowledge_base import KnowledgeBase

# Our code → the suite's name for the same error, where they differ.
SUITE_ERROR_NAMES = {"anonymous_in_head": "safety_violations"}
SAFETY_CODES = {"unbound_variable", "anonymous_in_head"}
# Soufflé-style programs name relations without declaring them: one with no facts and no rules is empty.
SOUFFLE_OPTIONS = CheckOptions(undefined_is_error=False)


class ConformanceError(Exception):
    """A program the suite expects to be rejected; `code` is in the suite's vocabulary."""

    def __init__(self, error: LexlogError) -> None:
        first = error.errors[0] if error.errors else error.diagnostics[0]
        self.code = SUITE_ERROR_NAMES.get(first.code, first.code)
        self.diagnostics = error.diagnostics
        super().__init__(error.render())


class SafetyViolationError(ConformanceError):
    """A rule whose variables are not all bound by positive atoms (the suite names this class in its cases)."""


class LexlogEvaluator:
    """Evaluates a suite program on one lexlog backend and returns every relation of the model."""

    engine = DEFAULT_ENGINE
    dialect: Dialect = "souffle"

    def __init__(self, engine: str | None = None, dialect: Dialect | None = None) -> None:
        self.engine = engine or self.engine
        self.dialect = dialect or self.dialect

    def evaluate(self, program: Any) -> dict[str, set[tuple[Any, ...]]]:
        knowledge_base = KnowledgeBase(self.engine, dialect=self.dialect, options=SOUFFLE_OPTIONS)
        statements, sources = _statements(program.facts, program.rules, self.dialect)
        try:
            knowledge_base.load_statements(statements, sources)
        except LexlogError as error:
            codes = {d.code for d in error.errors}
            raise (SafetyViolationError if codes <= SAFETY_CODES else ConformanceError)(error) from None
        relations: dict[str, set[tuple[Any, ...]]] = {}
        for predicate, row in knowledge_base.model.atoms():
            relations.setdefault(predicate, set()).add(row)
        return relations


class ClingoEvaluator(LexlogEvaluator):
    """For the suite's `--datalog-evaluator` option: the clingo backend, Soufflé dialect."""

    engine = "clingo"


class PyDatalogEvaluator(LexlogEvaluator):
    """For the suite's `--datalog-evaluator` option: the pyDatalog backend, Soufflé dialect."""

    engine = "pydatalog"


def dialect_of_source(source: str) -> Dialect:
    """The dialect of a harvested program, by the system it was harvested from (`nemo/...`, `souffle/...`)."""
    return "nemo" if source.startswith("nemo/") else "souffle"


def _statements(facts: Mapping[str, list[tuple[Any, ...]]], rules: list[str], dialect: Dialect) -> tuple[list[Statement], dict[str, str]]:
    statements: list[Statement] = []
    sources: dict[str, str] = {}
    for predicate, rows in facts.items():
        name = f"<facts of {predicate}>"
        for number, row in enumerate(rows, start=1):
            span = Span(name, number, 1, number, 1)
            statements.append(Fact(Atom(predicate, tuple(Constant(value, span) for value in row), span), span=span))
    for number, text in enumerate(rules, start=1):
        name = f"<rule {number}>"
        sources[name] = text
        try:
            statements.extend(parse(text, name, dialect).statements)
        except LexlogSyntaxError as error:
            raise ConformanceError(LexlogError([Diagnostic.from_syntax_error(error)], sources)) from None
    return statements, sources
