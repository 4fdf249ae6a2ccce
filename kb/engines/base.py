"""The one narrow interface every evaluation backend implements.

A backend takes checked, normalised rules grouped into strata and the base facts, and returns the model: every
ground atom that follows. It knows nothing of explanations, files or the REPL.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Collection, Iterable, Iterator, Mapping, Protocol

from lexlog.grammar.tree import Rule, Value

PredicateKey = tuple[str, int]
"""A predicate is its name and arity: `p/2` and `p/3` are different predicates."""

Row = tuple[Value, ...]
Relations = Mapping[PredicateKey, frozenset[Row]]


@dataclass(frozen=True)
class EvaluationProgram:
    """What a backend evaluates.

    `strata` are in evaluation order; a stratum's negated atoms refer only to earlier strata. Every rule is
    normalised (see `lexlog.kb.normalize`): body atoms hold only variables and constants, no variable is anonymous,
    arithmetic appears only in comparisons and heads.
    """

    strata: tuple[tuple[Rule, ...], ...]
    facts: Relations
    budget: int = 0
    """The work the backend may do before it stops with `EvaluationBudgetExceeded`; 0 for `DEFAULT_BUDGET`."""
    seconds: float = 0
    """The time it may take before it stops the same way; 0 for `DEFAULT_SECONDS`."""

    @property
    def rules(self) -> Iterator[Rule]:
        for stratum in self.strata:
            yield from stratum


class ListedRelations(Mapping[PredicateKey, frozenset[Row]]):
    """Relations as a backend produced them, each a collection of distinct rows (a list, in the order the backend
    produced them, or a set), made a set only when first looked up: a question that reads one relation's rows in
    order needs no set at all (`Model.distinct_rows`), and a backend's order sorts faster than a set's."""

    def __init__(self, listed: Mapping[PredicateKey, Collection[Row]]) -> None:
        self.listed = listed
        self._sets: dict[PredicateKey, frozenset[Row]] = {}

    def __getitem__(self, key: PredicateKey) -> frozenset[Row]:
        rows = self._sets.get(key)
        if rows is None:
            listed = self.listed[key]
            rows = self._sets[key] = listed if isinstance(listed, frozenset) else frozenset(listed)
        return rows

    def __iter__(self) -> Iterator[PredicateKey]:
        return iter(self.listed)

    def __len__(self) -> int:
        return len(self.listed)


@dataclass(frozen=True)
class Model:
    """Every ground atom that follows, by predicate."""

    relations: Relations = field(default_factory=dict)

    def rows(self, key: PredicateKey) -> frozenset[Row]:
        return self.relations.get(key, frozenset())

    def distinct_rows(self, key: PredicateKey) -> Collection[Row]:
        """A relation's rows, each once, as the model holds them: for reading them all, not for membership."""
        if isinstance(self.relations, ListedRelations):
            return self.relations.listed.get(key, ())
        return self.rows(key)

    def holds(self, predicate: str, row: Row) -> bool:
        return row in self.relations.get((predicate, len(row)), frozenset())

    def atoms(self) -> Iterable[tuple[str, Row]]:
        for (predicate, _arity), rows in sorted(self.relations.items()):
            for row in rows:
                yield predicate, row

    def __len__(self) -> int:
        return sum(len(self.distinct_rows(key)) for key in self.relations)


DEFAULT_BUDGET = 5_000_000
"""Work: atoms derived (pyDatalog) or values computed by arithmetic and calls (clingo, whose grounding is where a
recursion that never ends spends its memory). Two and a half times the 2,000-chain's two million atoms: far more
than a legal knowledge base derives, far less than fills memory (a runaway recursion on clingo stopped after 73 s with a
285 MB peak; docs/engines.md)."""

DEFAULT_SECONDS = 300.0
"""Time, for work the count above does not see (a pyDatalog recursion deriving one atom a round)."""


class EvaluationBudgetExceeded(RuntimeError):
    """The evaluation did more work than its budget allows: atoms derived, or values computed by arithmetic and
    calls (where a recursion that never ends spends its time and memory)."""


def budget_of(program: EvaluationProgram) -> int:
    return program.budget or DEFAULT_BUDGET


def deadline_of(program: EvaluationProgram) -> float:
    """When the evaluation must stop, on `time.monotonic()`'s clock."""
    return time.monotonic() + (program.seconds or DEFAULT_SECONDS)


def out_of_time(program: EvaluationProgram) -> EvaluationBudgetExceeded:
    seconds = program.seconds or DEFAULT_SECONDS
    return EvaluationBudgetExceeded(
        f"the evaluation stopped after {seconds:g} seconds: a recursive rule may derive new values without end"
    )


def over_budget(budget: int, what: str) -> EvaluationBudgetExceeded:
    return EvaluationBudgetExceeded(
        f"the evaluation stopped after {budget:,} {what}: a recursive rule may derive new values without end"
    )


class Engine(Protocol):
    """An evaluation backend."""

    name: str

    def evaluate(self, program: EvaluationProgram) -> Model: ...
