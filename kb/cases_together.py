"""Many cases over one set of rules, evaluated in one pass: every predicate takes the case as an extra first
argument, every rule carries it through (a rule instance never mixes two cases), and the one model is split back
into a model per case, each the same as the case's own evaluation would give.

What it saves is the fixed cost of an evaluation (a backend run per aggregate stage, the rules handed over each
time), which dominates when each case is small: the SARA cases over `<us_tax>` are a few hundred facts each.

`violated_cases` asks less: only which integrity constraints each case violates. Each constraint becomes a rule
concluding `#violated(N)` (`constraint_rules`), carried per case like every other rule, so one evaluation decides
every case (`lexlog fuzz`, thousands of postures). `engine_reading_only` gives a backend whose model holds just
those atoms: clingo then converts a few atoms back to values rather than every atom each case derives, most of
the cost of a small case.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from lexlog.grammar.tree import Aggregate, Atom, BodyItem, Constant, Constraint, Literal, Rule, Variable, term_variables
from lexlog.kb import aggregates
from lexlog.kb.dependency import strata
from lexlog.kb.engines import get_engine
from lexlog.kb.engines.base import Engine, Model, PredicateKey, Row
from lexlog.kb.engines.clingo_engine import ClingoEngine
from lexlog.kb.matching import item_variables
from lexlog.kb.normalize import normalize_rule

CASE_PREDICATE = "#case"
"""The auxiliary predicate that lists the cases; `#` begins no parsed name."""

VIOLATED_PREDICATE = "#violated"
"""`#violated(N)`: the body of the Nth constraint holds (`#violated(Case, N)` once carried per case)."""


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
    fact_sets: Sequence[Mapping[PredicateKey, Iterable[Row]]],
    budget: int = 0,
    seconds: float = 0,
) -> list[Model]:
    """The model of each fact set under the rules (`case_strata` from `rules_with_case`), from one evaluation."""
    model = aggregates.evaluate(engine, case_strata, _case_facts(fact_sets), budget, seconds)
    split: list[dict[PredicateKey, set[Row]]] = [{} for _ in fact_sets]
    for (name, arity), rows in model.relations.items():
        if name == CASE_PREDICATE:
            continue
        for row in rows:
            split[row[0]].setdefault((name, arity - 1), set()).add(row[1:])
    return [Model({key: frozenset(rows) for key, rows in relations.items()}) for relations in split]


def _case_facts(fact_sets: Sequence[Mapping[PredicateKey, Iterable[Row]]]) -> dict[PredicateKey, frozenset[Row]]:
    """Every fact set's rows, each taking its case's number first, and `#case(N)` for each case."""
    facts: dict[PredicateKey, set[Row]] = {(CASE_PREDICATE, 1): {(number,) for number in range(len(fact_sets))}}
    for number, relations in enumerate(fact_sets):
        for (name, arity), rows in relations.items():
            facts.setdefault((name, arity + 1), set()).update((number, *row) for row in rows)
    return {key: frozenset(rows) for key, rows in facts.items()}


# --- which cases violate a constraint -------------------------------------------------------------------------


def constraint_rules(constraints: Sequence[Constraint]) -> list[Rule]:
    """Each constraint as a normalised rule `#violated(N) :- body.`, N its position in `constraints`."""
    return [
        normalize_rule(Rule(Atom(VIOLATED_PREDICATE, (Constant(number),)), constraint.body, span=constraint.span))
        for number, constraint in enumerate(constraints)
    ]


def violated_cases(
    engine: Engine,
    case_strata: tuple[tuple[Rule, ...], ...],
    fact_sets: Sequence[Mapping[PredicateKey, Iterable[Row]]],
    budget: int = 0,
    seconds: float = 0,
) -> list[frozenset[int]]:
    """For each fact set, the numbers of the constraints it violates, from one evaluation of `case_strata` (from
    `rules_with_case` over the normalised rules and `constraint_rules`)."""
    model = aggregates.evaluate(engine, case_strata, _case_facts(fact_sets), budget, seconds)
    found: list[set[int]] = [set() for _ in fact_sets]
    for case, number in model.rows((VIOLATED_PREDICATE, 2)):
        found[case].add(number)  # type: ignore[index]
    return [frozenset(numbers) for numbers in found]


def engine_reading_only(name: str, key: PredicateKey, case_strata: tuple[tuple[Rule, ...], ...]) -> Engine:
    """The backend `name`, for evaluations of which only the atoms of `key` are read: with clingo and rules without
    aggregates (whose stages read each other's atoms), its models hold only those atoms and the facts; any other
    backend is returned as it is, and its models hold everything."""
    has_aggregates = any(aggregates.has_aggregates(rule) for stratum in case_strata for rule in stratum)
    return ClingoEngine(shown=key) if name == ClingoEngine.name and not has_aggregates else get_engine(name)
