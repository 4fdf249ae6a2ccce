"""Many cases over one set of rules, evaluated in one pass: every predicate takes the case as an extra first
argument, every rule carries it through (a rule instance never mixes two cases), and the one model is split back
into a model per case, each the same as the case's own evaluation would give.

What it saves is the fixed cost of an evaluation (a backend run per aggregate stage, the rules handed over each
time), which dominates when each case is small: the SARA cases over `<us_tax>` are a few hundred facts each.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from lexlog.grammar.tree import Aggregate, Atom, BodyItem, Literal, Rule, Variable, term_variables
from lexlog.kb import aggregates
from lexlog.kb.dependency import strata
from lexlog.kb.engines.base import Engine, Model, PredicateKey, Row
from lexlog.kb.matching import item_variables

CASE_PREDICATE = "#case"
"""The auxiliary predicate that lists the cases; `#` begins no parsed name."""


def _case_variable(rules: Sequence[Rule]) -> Variable:
    """A variable no rule uses, to carry the case."""
    used = {name for rule in rules for name in _variable_names(rule)}
    name, number = "Case", 0
    while name in used:
        number += 1
        name = f"Case{number}"
    return Variable(name)


def _variable_names(rule: Rule) -> set[str]:
    names = {v.name for argument in rule.head.arguments for v in term_variables(argument)}
    for item in rule.body:
        names |= item_variables(item)
    return names


def _with_case(atom: Atom, case: Variable) -> Atom:
    return Atom(atom.predicate, (case, *atom.arguments), atom.span)


def _item_with_case(item: BodyItem, case: Variable) -> BodyItem:
    if isinstance(item, Literal):
        return Literal(_with_case(item.atom, case), item.negated, item.span)
    if isinstance(item, Aggregate):
        # The case is shared with the rest of the rule, so the aggregate is taken per case.
        body = tuple(_item_with_case(part, case) for part in item.body)
        return Aggregate(item.result, item.function, item.term, body, item.span)
    return item


def rules_with_case(rules: Sequence[Rule]) -> tuple[tuple[Rule, ...], ...]:
    """The rules, each predicate taking the case first, stratified; every body starts with `#case(Case)` so that a
    rule whose other atoms are negated or compared stays safe."""
    case = _case_variable(rules)
    carried = []
    for rule in rules:
        body = (Literal(Atom(CASE_PREDICATE, (case,))), *(_item_with_case(item, case) for item in rule.body))
        carried.append(Rule(_with_case(rule.head, case), body, rule.annotations, rule.span))
    return tuple(strata(carried))


def evaluate_cases(
    engine: Engine,
    case_strata: tuple[tuple[Rule, ...], ...],
    fact_sets: Sequence[Mapping[PredicateKey, frozenset[Row]]],
    budget: int = 0,
    seconds: float = 0,
) -> list[Model]:
    """The model of each fact set under the rules (`case_strata` from `rules_with_case`), from one evaluation."""
    facts: dict[PredicateKey, set[Row]] = {(CASE_PREDICATE, 1): {(number,) for number in range(len(fact_sets))}}
    for number, relations in enumerate(fact_sets):
        for (name, arity), rows in relations.items():
            facts.setdefault((name, arity + 1), set()).update((number, *row) for row in rows)
    model = aggregates.evaluate(
        engine, case_strata, {key: frozenset(rows) for key, rows in facts.items()}, budget, seconds
    )
    split: list[dict[PredicateKey, set[Row]]] = [{} for _ in fact_sets]
    for (name, arity), rows in model.relations.items():
        if name == CASE_PREDICATE:
            continue
        for row in rows:
            split[row[0]].setdefault((name, arity - 1), set()).add(row[1:])
    return [Model({key: frozenset(rows) for key, rows in relations.items()}) for relations in split]
