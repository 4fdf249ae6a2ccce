"""Rule bodies against a model: the bindings that satisfy a body, and heads unified with atoms.

Used by proofs and why-not answers.  The model is final, so a negated atom holds when no row of the model
matches it; comparisons and head arithmetic use `lexlog.kb.arithmetic`.

Rules are normalised (`lexlog.kb.normalize`): body atoms hold only variables and constants.  A body is evaluated
by a *plan*: positive atoms left to right; a comparison or negated atom as soon as its variables are bound; an `=`
whose one side is a lone unbound variable and whose other side is bound *assigns* (as `lexlog.kb.normalize`
produces before a negated atom); a negated atom with variables no other item binds (`not p(X, _G1)`) last, as
"no `p(X, anything)`".  The plan keeps each item's index in the body, so "the first condition that fails" can be
named.

`ModelIndex` indexes a model per predicate and argument position, lazily, on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Collection, Iterable, Iterator, Mapping, Optional, Sequence

from lexlog.grammar.tree import (
    COMPUTED_TERMS,
    Aggregate,
    Atom,
    BodyItem,
    Comparison,
    Constant,
    Literal,
    Rule,
    Term,
    Value,
    Variable,
    term_variables,
)
from lexlog.kb import arithmetic
from lexlog.kb.engines.base import Model, PredicateKey, Row

Binding = dict[str, Value]


def row_sort_key(row: Sequence[Value]) -> tuple:
    return tuple(arithmetic.sort_key(value) for value in row)


def sorted_rows(rows: Iterable[Row]) -> list[Row]:
    """Distinct rows in the total order of values (`row_sort_key`).

    Python's own order on tuples is that order wherever it compares two values of one kind (numbers, dates or
    strings), and it refuses (TypeError) to compare values of two kinds; a sort that completes compared only values
    of one kind, so its order is the total order. Only rows whose columns mix kinds pay for the key.
    """
    ordered = list(rows)
    try:
        ordered.sort()
    except TypeError:
        ordered.sort(key=row_sort_key)
    return ordered


def same_value(left: Value, right: Value) -> bool:
    """Value equality of the language: `1` and `"1"` differ."""
    return left == right and type(left) is type(right)


class RowIndex:
    """Rows of relations with lazily built per-position indexes; rows can be added (the index is kept up to date)."""

    def __init__(self) -> None:
        self._rows: dict[PredicateKey, list[Row]] = {}
        self._sets: dict[PredicateKey, set[Row]] = {}
        self._positions: dict[tuple[PredicateKey, int], dict[Value, list[Row]]] = {}

    def add(self, key: PredicateKey, row: Row) -> None:
        rows = self._sets.setdefault(key, set())
        if row in rows:
            return
        rows.add(row)
        self._rows.setdefault(key, []).append(row)
        for position in range(len(row)):
            index = self._positions.get((key, position))
            if index is not None:
                index.setdefault(row[position], []).append(row)

    def contains(self, key: PredicateKey, row: Row) -> bool:
        rows = self._sets.get(key)
        return rows is not None and row in rows

    def rows(self, key: PredicateKey) -> Sequence[Row]:
        return self._rows.get(key, ())

    def _position(self, key: PredicateKey, position: int) -> dict[Value, list[Row]]:
        index = self._positions.get((key, position))
        if index is None:
            index = {}
            for row in self._rows.get(key, ()):
                index.setdefault(row[position], []).append(row)
            self._positions[(key, position)] = index
        return index

    def match(self, key: PredicateKey, bound: Sequence[tuple[int, Value]]) -> Iterable[Row]:
        """The rows whose argument at each bound position is the given value, in a stable order."""
        if not bound:
            return self._rows.get(key, ())
        if len(bound) == key[1]:
            row = tuple(value for _position, value in sorted(bound, key=lambda pair: pair[0]))
            return (row,) if self.contains(key, row) else ()
        # the most selective bound position
        best: Optional[list[Row]] = None
        for position, value in bound:
            candidates = self._position(key, position).get(value, [])
            if best is None or len(candidates) < len(best):
                best = candidates
                if not best:
                    return ()
        assert best is not None
        return [row for row in best if all(same_value(row[position], value) for position, value in bound)]


class ModelIndex(RowIndex):
    """A model's relations, indexed lazily (rows sorted once per predicate, for stable answers); membership is the
    model's own."""

    def __init__(self, model: Model) -> None:
        super().__init__()
        self.model = model
        self._loaded: set[PredicateKey] = set()

    def _load(self, key: PredicateKey) -> None:
        if key in self._loaded:
            return
        self._loaded.add(key)
        self._rows[key] = sorted_rows(self.model.rows(key))

    def contains(self, key: PredicateKey, row: Row) -> bool:
        return row in self.model.rows(key)

    def rows(self, key: PredicateKey) -> Sequence[Row]:
        self._load(key)
        return super().rows(key)

    def _position(self, key: PredicateKey, position: int) -> dict[Value, list[Row]]:
        self._load(key)
        return super()._position(key, position)

    def match(self, key: PredicateKey, bound: Sequence[tuple[int, Value]]) -> Iterable[Row]:
        self._load(key)
        return super().match(key, bound)

    def add(self, key: PredicateKey, row: Row) -> None:  # pragma: no cover - a model is final
        raise TypeError("a model index is read-only")


# --- plans ---------------------------------------------------------------------------------------------------------

STEP_ATOM = "atom"
STEP_FILTER = "filter"
STEP_ASSIGN = "assign"
STEP_NEGATION = "negation"
STEP_AGGREGATE = "aggregate"


@dataclass(frozen=True)
class Step:
    """One body item in evaluation order: `index` is its position in the body."""

    index: int
    item: BodyItem
    mode: str
    target: Optional[str] = None
    """For an assignment, the variable it binds."""
    source: Optional[Term] = None
    """For an assignment, the term whose value it takes."""


def _vars(term: Term) -> set[str]:
    return {variable.name for variable in term_variables(term)}


def item_variables(item: BodyItem) -> set[str]:
    if isinstance(item, Literal):
        return {name for argument in item.atom.arguments for name in _vars(argument)}
    if isinstance(item, Aggregate):
        inner = {name for part in item.body for name in item_variables(part)}
        term = _vars(item.term) if item.term is not None else set()
        return inner | term | {item.result.name}
    return _vars(item.left) | _vars(item.right)


def aggregate_shared(aggregate: Aggregate, others: Iterable[BodyItem]) -> tuple[str, ...]:
    """The variables an aggregate shares with the rest of its body: they name the group it computes."""
    outside = {name for item in others if item is not aggregate for name in item_variables(item)}
    inner: list[str] = []
    for part in aggregate.body:
        for name in sorted(item_variables(part)):
            if name in outside and name not in inner and name not in ("_", aggregate.result.name):
                inner.append(name)
    return tuple(inner)


def aggregate_contributions(aggregate: Aggregate, binding: Mapping[str, Value], rows: "RowIndex") -> list[Binding]:
    """One binding per distinct solution of the aggregate's body (its shared variables fixed by `binding`), in a
    stable order: what it counts, adds or compares."""
    steps = plan_body(aggregate.body, binding.keys())
    distinct: dict[frozenset, Binding] = {}
    for solution in solve(steps, binding, rows):
        distinct.setdefault(frozenset(solution.items()), solution)
    return sorted(distinct.values(), key=lambda found: row_sort_key([found[name] for name in sorted(found)]))


def aggregate_result(aggregate: Aggregate, contributions: Sequence[Binding]) -> Optional[Value]:
    if aggregate.term is None:  # count
        return arithmetic.aggregate(aggregate.function, [None] * len(contributions))
    return arithmetic.aggregate(aggregate.function, [_value_or_none(aggregate.term, found) for found in contributions])


class UnsafeRule(ValueError):
    """A comparison whose variables no item binds (the checks reject such rules before they reach here)."""


def plan_body(body: Sequence[BodyItem], bound: Iterable[str] = (), first: Optional[int] = None) -> tuple[Step, ...]:
    """The evaluation order of a body given the variables already bound (see the module documentation).

    `first` puts that positive atom first (semi-naive evaluation starts from the atom holding new rows).
    """
    bound_set = set(bound)
    pending = list(range(len(body)))
    steps: list[Step] = []

    def take_ready() -> bool:
        for index in pending:
            item = body[index]
            if isinstance(item, Aggregate):
                if set(aggregate_shared(item, body)) <= bound_set:
                    pending.remove(index)
                    steps.append(Step(index, item, STEP_AGGREGATE, item.result.name))
                    bound_set.add(item.result.name)
                    return True
                continue
            if isinstance(item, Literal) and not item.negated:
                continue
            if item_variables(item) <= bound_set:
                pending.remove(index)
                if isinstance(item, Literal):
                    steps.append(Step(index, item, STEP_NEGATION))
                else:
                    steps.append(Step(index, item, STEP_FILTER))
                return True
        for index in pending:
            item = body[index]
            if isinstance(item, Comparison) and item.operator == "=":
                for target, source in ((item.left, item.right), (item.right, item.left)):
                    if (
                        isinstance(target, Variable)
                        and target.name not in bound_set
                        and _vars(source) <= bound_set
                    ):
                        pending.remove(index)
                        steps.append(Step(index, item, STEP_ASSIGN, target.name, source))
                        bound_set.add(target.name)
                        return True
        return False

    def take_atom(index: int) -> None:
        pending.remove(index)
        item = body[index]
        steps.append(Step(index, item, STEP_ATOM))
        bound_set.update(item_variables(item))

    if first is not None:
        take_atom(first)
    while pending:
        if take_ready():
            continue
        positive = [index for index in pending if isinstance(body[index], Literal) and not body[index].negated]
        if positive:
            take_atom(positive[0])
            continue
        negations = [index for index in pending if isinstance(body[index], Literal)]
        if negations:
            # variables only this negated atom has: "no row matches, whatever they are"
            index = negations[0]
            pending.remove(index)
            steps.append(Step(index, body[index], STEP_NEGATION))
            continue
        raise UnsafeRule(f"a comparison has variables no body atom binds: {body[pending[0]]!r}")
    return tuple(steps)


# --- evaluation ----------------------------------------------------------------------------------------------------


def bound_positions(atom: Atom, binding: Mapping[str, Value]) -> list[tuple[int, Value]]:
    bound = []
    for position, argument in enumerate(atom.arguments):
        if isinstance(argument, Constant):
            bound.append((position, argument.value))
        elif isinstance(argument, Variable) and argument.name in binding:
            bound.append((position, binding[argument.name]))
        elif isinstance(argument, COMPUTED_TERMS):
            raise ValueError("body atoms must be normalised (no arithmetic): see lexlog.kb.normalize")
    return bound


def match_atom(atom: Atom, binding: Mapping[str, Value], rows: "RowIndex") -> Iterator[Binding]:
    """Every extension of `binding` that makes `atom` one of `rows` (repeated variables must agree)."""
    bound = bound_positions(atom, binding)
    for row in rows.match(atom.key, bound):
        extended = dict(binding)
        ok = True
        for position, argument in enumerate(atom.arguments):
            if isinstance(argument, Variable):
                known = extended.get(argument.name)
                if known is None and argument.name not in extended:
                    extended[argument.name] = row[position]
                elif not same_value(known, row[position]):  # type: ignore[arg-type]
                    ok = False
                    break
        if ok:
            yield extended


def atom_answers(atom: Atom, variables: Sequence[str], rows: Collection[Row]) -> Collection[Row]:
    """The distinct values of `variables` (each an argument of `atom`) over the rows (distinct) that `atom` matches:
    a query of one atom, answered from its relation's rows with no index to build."""
    constants = [(position, argument.value) for position, argument in enumerate(atom.arguments) if isinstance(argument, Constant)]
    first: dict[str, int] = {}
    repeats: list[tuple[int, int]] = []  # a variable's later position, and its first
    for position, argument in enumerate(atom.arguments):
        if isinstance(argument, Variable):
            if argument.name in first:
                repeats.append((position, first[argument.name]))
            else:
                first[argument.name] = position
        elif not isinstance(argument, Constant):
            raise ValueError("body atoms must be normalised (no arithmetic): see lexlog.kb.normalize")
    if constants or repeats:
        rows = [
            row for row in rows
            if all(same_value(row[position], value) for position, value in constants)
            and all(same_value(row[position], row[earlier]) for position, earlier in repeats)
        ]
    positions = [first[name] for name in variables]
    if positions == list(range(len(atom.arguments))):
        return rows  # every argument a variable asked for, in order: the rows themselves
    return {tuple(row[position] for position in positions) for row in rows}


def pattern_of(atom: Atom, binding: Mapping[str, Value]) -> tuple[Optional[Value], ...]:
    """The atom's arguments under `binding`; None where a variable is unbound."""
    values: list[Optional[Value]] = []
    for argument in atom.arguments:
        if isinstance(argument, Constant):
            values.append(argument.value)
        elif isinstance(argument, Variable):
            values.append(binding.get(argument.name))
        else:
            values.append(None)
    return tuple(values)


def first_match(atom: Atom, binding: Mapping[str, Value], rows: "RowIndex") -> Optional[Row]:
    """A row the atom matches under `binding` (open variables taking any values), or None."""
    for extended in match_atom(atom, binding, rows):
        return tuple(
            argument.value if isinstance(argument, Constant) else extended[argument.name]  # type: ignore[union-attr]
            for argument in atom.arguments
        )
    return None


def evaluate_side(term: Term, binding: Mapping[str, Value]) -> Optional[Value]:
    return arithmetic.evaluate(term, binding)


def _value_or_none(term: Term, binding: Mapping[str, Value]) -> Optional[Value]:
    try:
        return arithmetic.evaluate(term, binding)
    except arithmetic.UnboundVariable:
        return None


def comparison_values(comparison: Comparison, binding: Mapping[str, Value]) -> tuple[Optional[Value], Optional[Value], bool]:
    """Both sides' values (None when undefined, or unbound: the target of a failed assignment) and whether the
    comparison holds."""
    left = _value_or_none(comparison.left, binding)
    right = _value_or_none(comparison.right, binding)
    holds = left is not None and right is not None and arithmetic.compare(comparison.operator, left, right)
    return left, right, holds


def apply_step(step: Step, binding: Binding, positive: "RowIndex", negative: "RowIndex") -> Iterator[Binding]:
    """The bindings after one step: several for an atom, at most one otherwise."""
    if step.mode == STEP_ATOM:
        assert isinstance(step.item, Literal)
        yield from match_atom(step.item.atom, binding, positive)
    elif step.mode == STEP_NEGATION:
        assert isinstance(step.item, Literal)
        if first_match(step.item.atom, binding, negative) is None:
            yield binding
    elif step.mode == STEP_FILTER:
        assert isinstance(step.item, Comparison)
        if arithmetic.comparison_holds(step.item, binding):
            yield binding
    elif step.mode == STEP_AGGREGATE:
        assert isinstance(step.item, Aggregate)
        # over the complete relations, as a negation is: what it aggregates lies in lower strata
        value = aggregate_result(step.item, aggregate_contributions(step.item, binding, negative))
        if value is not None:
            known = binding.get(step.item.result.name)
            if known is None and step.item.result.name not in binding:
                extended = dict(binding)
                extended[step.item.result.name] = value
                yield extended
            elif known is not None and same_value(known, value):
                yield binding
    elif step.mode == STEP_ASSIGN:
        assert step.source is not None and step.target is not None
        value = arithmetic.evaluate(step.source, binding)
        if value is not None:
            extended = dict(binding)
            extended[step.target] = value
            yield extended
    else:  # pragma: no cover
        raise ValueError(step.mode)


def solve(
    steps: Sequence[Step],
    binding: Mapping[str, Value],
    positive: "RowIndex",
    negative: Optional["RowIndex"] = None,
    on_fail: Optional[Callable[[int, Binding], None]] = None,
) -> Iterator[Binding]:
    """Every binding satisfying the steps from `binding` on, in order.

    Positive atoms are matched against `positive`, negated ones against `negative` (default: the same rows).
    `on_fail(step_number, binding)` is told of every binding that reaches a step and cannot get past it.
    """
    negative = positive if negative is None else negative
    # an explicit stack of iterators: bodies are short, but no recursion is needed either
    start = dict(binding)
    if not steps:
        yield start
        return
    stack: list[tuple[int, Binding, Iterator[Binding], bool]] = [(0, start, apply_step(steps[0], start, positive, negative), False)]
    while stack:
        number, current, iterator, produced = stack[-1]
        following = next(iterator, None)
        if following is None:
            stack.pop()
            if not produced and on_fail is not None:
                on_fail(number, current)
            continue
        if not produced:
            stack[-1] = (number, current, iterator, True)
        if number + 1 == len(steps):
            yield following
        else:
            stack.append((number + 1, following, apply_step(steps[number + 1], following, positive, negative), False))


def satisfying_bindings(
    rule: Rule, model: "ModelIndex", binding: Optional[Mapping[str, Value]] = None
) -> Iterator[Binding]:
    """Every binding (extending `binding`) under which the rule's body holds in the model."""
    binding = dict(binding or {})
    steps = plan_body(rule.body, binding.keys())
    yield from solve(steps, binding, model)


# --- heads ---------------------------------------------------------------------------------------------------------


def unify_head(head: Atom, goal: Sequence[Optional[Value]]) -> Optional[Binding]:
    """The binding that makes `head` fit `goal` (None entries are open), or None if it cannot.

    Arithmetic head arguments are not inverted: they are checked with `head_instance` once the body binds.
    """
    if len(head.arguments) != len(goal):
        return None
    binding: Binding = {}
    for argument, value in zip(head.arguments, goal):
        if value is None:
            continue
        if isinstance(argument, Constant):
            if not same_value(argument.value, value):
                return None
        elif isinstance(argument, Variable):
            if argument.name in binding:
                if not same_value(binding[argument.name], value):
                    return None
            else:
                binding[argument.name] = value
        elif isinstance(argument, COMPUTED_TERMS):
            # a constant arithmetic argument can be checked now
            if not _vars(argument):
                computed = arithmetic.evaluate(argument, {})
                if computed is None or not same_value(computed, value):
                    return None
    return binding


def head_instance(head: Atom, binding: Mapping[str, Value]) -> Optional[Row]:
    """The head's row under a binding of all its variables, or None when its arithmetic is undefined."""
    values = []
    for argument in head.arguments:
        value = arithmetic.evaluate(argument, binding)
        if value is None:
            return None
        values.append(value)
    return tuple(values)


def fits(row: Row, goal: Sequence[Optional[Value]]) -> bool:
    return len(row) == len(goal) and all(want is None or same_value(want, got) for want, got in zip(goal, row))


def rule_instances(rule: Rule, goal: Sequence[Optional[Value]], model: "ModelIndex") -> Iterator[tuple[Binding, Row]]:
    """Every (binding, head row) of the rule that concludes an atom fitting `goal`, against the model."""
    start = unify_head(rule.head, goal)
    if start is None:
        return
    for binding in satisfying_bindings(rule, model, start):
        row = head_instance(rule.head, binding)
        if row is not None and fits(row, goal):
            yield binding, row
