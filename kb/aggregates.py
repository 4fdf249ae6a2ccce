"""Evaluation around aggregates: the backends never see one.

An aggregate needs what it counts or adds complete before it is computed (the checks refuse an aggregate over a
predicate that depends on its result), so the strata are evaluated in *stages*: a stratum with a rule that
aggregates over predicates of stage k belongs to stage k + 1 or later. Before each stage, every aggregate of its
rules is computed here, over the model of the stages before, with `lexlog.kb.matching` (the same code that
explains it), and handed to the backend as rows of an auxiliary predicate `#aggregateN(Shared..., Result)`; the
rule reads that predicate instead of the aggregate. A count or sum over no rows is 0: the rule gets a second
version, for the groups with no rows (`not #aggregateN_some(Shared...)`, `Result = 0`). A program without
aggregates is one stage: exactly what the backend evaluated before aggregates existed. Auxiliary names begin with
`#`, which no parsed name can.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Mapping

from lexlog.grammar.tree import Aggregate, Atom, BodyItem, Comparison, Constant, Literal, Rule, Variable
from lexlog.kb.engines.base import Engine, EvaluationProgram, Model, PredicateKey, Row
from lexlog.kb.identity_cache import IdentityCache
from lexlog.kb.matching import ModelIndex, aggregate_contributions, aggregate_result, aggregate_shared

AUXILIARY_PREFIX = "#aggregate"
ZERO_FOR_NO_ROWS = ("count", "sum")


def has_aggregates(rule: Rule) -> bool:
    return any(isinstance(item, Aggregate) for item in rule.body)


def stages(strata: tuple[tuple[Rule, ...], ...]) -> list[tuple[tuple[Rule, ...], ...]]:
    """The strata grouped into stages, in evaluation order (see the module documentation)."""
    stage_of: dict[PredicateKey, int] = {}
    numbered: list[tuple[int, tuple[Rule, ...]]] = []
    for stratum in strata:
        heads = {rule.head.key for rule in stratum}
        stage = 0
        for rule in stratum:
            for item in rule.body:
                if isinstance(item, Literal) and item.atom.key not in heads:
                    stage = max(stage, stage_of.get(item.atom.key, 0))
                elif isinstance(item, Aggregate):
                    for inner in item.body:
                        if isinstance(inner, Literal):
                            stage = max(stage, stage_of.get(inner.atom.key, 0) + 1)
        for key in heads:
            stage_of[key] = stage
        numbered.append((stage, stratum))
    grouped: dict[int, list[tuple[Rule, ...]]] = {}
    for stage, stratum in numbered:  # stable: dependencies keep their order within a stage
        grouped.setdefault(stage, []).append(stratum)
    return [tuple(grouped[stage]) for stage in sorted(grouped)]


@dataclass(frozen=True)
class _AuxiliaryAggregate:
    """One aggregate of a stage, replaced by the auxiliary predicate `name` (and `name_some` for count and sum)."""

    aggregate: Aggregate
    shared: tuple[str, ...]
    name: str

    @property
    def zero_for_no_rows(self) -> bool:
        return self.aggregate.function in ZERO_FOR_NO_ROWS

    def rows(self, index: ModelIndex) -> tuple[set[Row], set[Row]]:
        """The auxiliary rows over a model: (group..., result) for each group with rows, and the groups."""
        rows: set[Row] = set()
        groups: set[Row] = set()
        # every group with rows: solve the aggregate's body with nothing fixed, then group by the shared variables
        for solution in aggregate_contributions(self.aggregate, {}, index):
            group = tuple(solution[variable] for variable in self.shared)
            if group in groups:
                continue
            groups.add(group)
            value = aggregate_result(
                self.aggregate, aggregate_contributions(self.aggregate, dict(zip(self.shared, group)), index)
            )
            if value is not None:
                rows.add((*group, value))
        return rows, groups


@dataclass(frozen=True)
class _Stage:
    """A stage's rules with each aggregate replaced by an auxiliary predicate, and what the stage reads."""

    strata: tuple[tuple[Rule, ...], ...]
    auxiliaries: tuple[_AuxiliaryAggregate, ...]
    used: frozenset[PredicateKey]


@dataclass
class _StageRewriter:
    """Replaces each aggregate of a stage's rules by an auxiliary predicate (rows computed per evaluation)."""

    counter: itertools.count
    auxiliaries: list[_AuxiliaryAggregate] = field(default_factory=list)

    def rules(self, rule: Rule) -> list[Rule]:
        if not has_aggregates(rule):
            return [rule]
        # each aggregate: the literal that reads its rows, and for count and sum the version for no rows; each
        # alternative is (items that go first, items in the aggregate's place)
        alternatives: list[list[tuple[tuple[BodyItem, ...], tuple[BodyItem, ...]]]] = []
        for item in rule.body:
            if isinstance(item, Aggregate):
                alternatives.append(self._aggregate(item, aggregate_shared(item, rule.body)))
            else:
                alternatives.append([((), (item,))])
        versions = []
        for choice in itertools.product(*alternatives):
            # `Result = 0` first: it binds a variable the rest may use, whatever order the backend takes
            first = [part for front, _rest in choice for part in front]
            rest = [part for _front, parts in choice for part in parts]
            versions.append(Rule(rule.head, (*first, *rest), rule.annotations, rule.span))
        return versions

    def _aggregate(
        self, aggregate: Aggregate, shared: tuple[str, ...]
    ) -> list[tuple[tuple[BodyItem, ...], tuple[BodyItem, ...]]]:
        auxiliary = _AuxiliaryAggregate(aggregate, shared, f"{AUXILIARY_PREFIX}{next(self.counter)}")
        self.auxiliaries.append(auxiliary)
        span = aggregate.span
        variables = tuple(Variable(variable, span) for variable in shared)
        reads: tuple[BodyItem, ...] = (Literal(Atom(auxiliary.name, (*variables, aggregate.result), span), False, span),)
        if not auxiliary.zero_for_no_rows:
            return [((), reads)]
        zero: tuple[BodyItem, ...] = (Comparison("=", aggregate.result, Constant(0, span), span),)
        none: tuple[BodyItem, ...] = (Literal(Atom(f"{auxiliary.name}_some", variables, span), True, span),)
        return [((), reads), (zero, none)]


_PLANS: IdentityCache[tuple[_Stage, ...] | None] = IdentityCache(16)


def _plan(strata: tuple[tuple[Rule, ...], ...]) -> tuple[_Stage, ...] | None:
    """The stages of a program, rewritten once per set of strata (a knowledge base and its copies share theirs), so
    that each evaluation only computes the aggregates' rows and the backend sees the same rules every time; None for
    a program without aggregates."""
    return _PLANS.get(strata, lambda: _stages_rewritten(strata))


def _stages_rewritten(strata: tuple[tuple[Rule, ...], ...]) -> tuple[_Stage, ...] | None:
    if not any(has_aggregates(rule) for stratum in strata for rule in stratum):
        return None
    counter = itertools.count(1)
    planned = []
    for stage in stages(strata):
        rewriter = _StageRewriter(counter)
        rewritten = tuple(tuple(version for rule in stratum for version in rewriter.rules(rule)) for stratum in stage)
        planned.append(_Stage(rewritten, tuple(rewriter.auxiliaries), frozenset(_relations_used(rewritten))))
    return tuple(planned)


def evaluate(
    engine: Engine,
    strata: tuple[tuple[Rule, ...], ...],
    facts: Mapping[PredicateKey, frozenset[Row]],
    budget: int = 0,
    seconds: float = 0,
) -> Model:
    """The model of the rules over the facts, stage by stage (see the module documentation); `budget` bounds each
    stage's work (see `EvaluationProgram.budget`)."""
    plan = _plan(strata)
    if plan is None:
        return engine.evaluate(EvaluationProgram(strata, facts, budget, seconds))
    known: dict[PredicateKey, set[Row]] = {key: set(rows) for key, rows in facts.items()}
    for stage in plan:
        index = ModelIndex(_freeze(known))
        # Only the relations the stage's rules read or extend go to the backend: the rest are already known, and
        # handing them over again would cost a conversion each way per stage.
        inputs = {key: frozenset(rows) for key, rows in known.items() if key in stage.used}
        for auxiliary in stage.auxiliaries:
            rows, groups = auxiliary.rows(index)
            inputs[(auxiliary.name, len(auxiliary.shared) + 1)] = frozenset(rows)
            if auxiliary.zero_for_no_rows:
                inputs[(f"{auxiliary.name}_some", len(auxiliary.shared))] = frozenset(groups)
        model = engine.evaluate(EvaluationProgram(stage.strata, inputs, budget, seconds))
        for key, rows in model.relations.items():
            if not key[0].startswith(AUXILIARY_PREFIX):
                known.setdefault(key, set()).update(rows)
    return _freeze(known)


def _relations_used(strata: tuple[tuple[Rule, ...], ...]) -> set[PredicateKey]:
    used: set[PredicateKey] = set()
    for stratum in strata:
        for rule in stratum:
            used.add(rule.head.key)
            used.update(item.atom.key for item in rule.body if isinstance(item, Literal))
    return used


def _freeze(relations: dict[PredicateKey, set[Row]]) -> Model:
    return Model({key: frozenset(rows) for key, rows in relations.items() if rows})
