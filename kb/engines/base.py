"""The one narrow interface every evaluation backend implements.

A backend takes checked, normalised rules grouped into strata and the base facts, and returns the model: every
ground atom that follows. It knows nothing of explanations, files or the REPL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping, Protocol

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

    @property
    def rules(self) -> Iterator[Rule]:
        for stratum in self.strata:
            yield from stratum


@dataclass(frozen=True)
class Model:
    """Every ground atom that follows, by predicate."""

    relations: Relations = field(default_factory=dict)

    def rows(self, key: PredicateKey) -> frozenset[Row]:
        return self.relations.get(key, frozenset())

    def holds(self, predicate: str, row: Row) -> bool:
        return row in self.relations.get((predicate, len(row)), frozenset())

    def atoms(self) -> Iterable[tuple[str, Row]]:
        for (predicate, _arity), rows in sorted(self.relations.items()):
            for row in rows:
                yield predicate, row

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.relations.values())


class Engine(Protocol):
    """An evaluation backend."""

    name: str

    def evaluate(self, program: EvaluationProgram) -> Model: ...
