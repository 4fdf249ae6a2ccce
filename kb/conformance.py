"""The adapter between lexlog and the external `datalog-conformance` suite (its `DatalogEvaluator` protocol).

The suite's programs come as facts (predicate → rows of values) and rule strings harvested from Soufflé and other
systems: lower-case variables, upper-case predicate names, arithmetic in heads. They are read with the parser's
`souffle` dialect. The suite names expected errors in its own words; `SUITE_ERROR_NAMES` translates our stable
diagnostic codes into them (both vocabularies are listed in docs/conformance.md).
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from lexlog.grammar import Dialect, LexlogSyntaxError, parse
from lexlog.grammar.tree import NEGATION_PREFIX, Atom, Constant, Fact, Span, Statement, complement
from lexlog.kb import defeasible
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


class LexlogDefeasibleEvaluator:
    """The suite's `DefeasibleEvaluator` protocol: a theory (facts, strict and defeasible rules, defeaters,
    superiority, conflicts) evaluated on one lexlog backend under a policy, returned as the suite's sections:
    `definitely` (+Δ), `defeasibly` (+∂), `not_defeasibly` (-∂) and `undecided` (not +∂, and no contrary +Δ)."""

    engine = DEFAULT_ENGINE

    def __init__(self, engine: str | None = None, dialect: Dialect | None = None, specificity: bool = True) -> None:
        self.engine = engine or self.engine
        self.dialect = dialect
        # lex specialis on: the suite's basic folder expects the more specific of two contrary rules to prevail
        # where the theory states no priority (its DePYsible cases); no other case changes with it
        self.specificity = specificity

    def evaluate(self, theory: Any, policy: Any) -> dict[str, dict[str, set[tuple[Any, ...]]]]:
        policy_name = getattr(policy, "value", policy)
        if policy_name not in defeasible.POLICIES:
            raise ValueError(f"lexlog does not implement the {policy_name} policy (see docs/conformance.md)")
        knowledge_base = KnowledgeBase(self.engine, options=SOUFFLE_OPTIONS, policy=policy_name, specificity=self.specificity)
        names = _NamespacedNames()
        statements, sources = _theory_statements(theory, self.dialect, names)
        try:
            knowledge_base.load_statements(statements, sources)
        except LexlogError as error:
            raise ConformanceError(error) from None
        outcome = knowledge_base.defeasible_outcome
        model = knowledge_base.model
        sections: dict[str, dict[str, set[tuple[Any, ...]]]] = {name: {} for name in DEFEASIBLE_SECTIONS}

        def add(section: str, predicate: str, row: tuple[Any, ...]) -> None:
            sections[section].setdefault(names.original(predicate), set()).add(row)

        layer = outcome.layer.keys if outcome is not None else frozenset()
        for predicate, row in model.atoms():
            if (predicate, len(row)) not in layer:  # the plain part: facts and strict conclusions
                add("definitely", predicate, row)
                add("defeasibly", predicate, row)
        if outcome is not None:
            for section, literals in (
                ("definitely", outcome.definitely),
                ("defeasibly", outcome.defeasibly),
                ("not_defeasibly", outcome.not_defeasibly),
                ("undecided", outcome.undecided()),
            ):
                for literal in literals:
                    add(section, literal.predicate, literal.arguments)
        return sections


DEFEASIBLE_SECTIONS = ("definitely", "defeasibly", "not_defeasibly", "undecided")


class ClingoDefeasibleEvaluator(LexlogDefeasibleEvaluator):
    engine = "clingo"


class PyDatalogDefeasibleEvaluator(LexlogDefeasibleEvaluator):
    engine = "pydatalog"


class _NamespacedNames:
    """SPINdle's imported names (`b:flies`) as lexlog names (`b__flies`), and back."""

    def __init__(self) -> None:
        self.originals: dict[str, str] = {}

    def lexlog(self, text: str) -> str:
        def rename(match: re.Match[str]) -> str:
            name = f"{match.group(1)}__{match.group(2)}"
            self.originals[name] = match.group(0)
            return name

        return _NAMESPACED.sub(rename, text)

    def original(self, predicate: str) -> str:
        if predicate.startswith(NEGATION_PREFIX):
            return complement(self.original(complement(predicate)))
        return self.originals.get(predicate, predicate)


_NAMESPACED = re.compile(r"\b([a-z][A-Za-z0-9_]*):([a-z][A-Za-z0-9_]*)")


def _theory_statements(theory: Any, dialect: Dialect | None, names: _NamespacedNames) -> tuple[list[Statement], dict[str, str]]:
    """The theory as lexlog statements: its rules written as lexlog (`@label ID`, `@defeasible`, `@defeater`,
    `@overrides`) and parsed, so that they are checked and located like a file."""
    superior: dict[str, list[str]] = {}
    for winner, loser in theory.superiority:
        superior.setdefault(winner, []).append(loser)
    lines = []
    for kind, rules in (("strict", theory.strict_rules), ("defeasible", theory.defeasible_rules), ("defeater", theory.defeaters)):
        for rule in rules:
            lines.append(f"@label {rule.id}")
            if kind != "strict":
                lines.append(f"@{kind}")
            if rule.id in superior:
                lines.append("@overrides " + ", ".join(superior[rule.id]))
            body = ", ".join(names.lexlog(item) for item in rule.body)
            head = names.lexlog(rule.head)
            lines.append(f"{head} :- {body}." if body else f"{head}.")
    for first, second in theory.conflicts:
        if complement(first) != second:
            lines.append(f"conflict {first}, {second}.")
    text = "\n".join(lines)
    name = "<theory>"
    if dialect is None:
        dialect = "souffle" if _UPPER_PREDICATE.search(text) else "lexlog"
    facts = {names.lexlog(predicate): rows for predicate, rows in theory.facts.items()}
    statements, sources = _statements(facts, [], dialect)
    try:
        statements.extend(parse(text, name, dialect).statements)
    except LexlogSyntaxError as error:
        raise ConformanceError(LexlogError([Diagnostic.from_syntax_error(error)], {name: text})) from None
    sources[name] = text
    return statements, sources


# A predicate name that begins with a capital (Soufflé's `X(a, b)`): the theory is read in the souffle dialect.
_UPPER_PREDICATE = re.compile(r"(?:^|[\s,~])[A-Z][A-Za-z0-9_]*(?:\(|\.|\s*:-|,)", re.MULTILINE)
