"""The pyDatalog backend: pyDatalog evaluates the joins, a stratified semi-naive loop here drives it.

pyDatalog's own tabled resolution of recursive rules hangs on cyclic data and answers negation over cycles wrongly
(see docs/engines.md for the cause in `pyEngine.py`).  So it is never handed a recursive rule.  Instead:

* every predicate is a pyDatalog relation holding facts only; each rule becomes a pyDatalog clause
  ``query(Vars) <= a1 & a2 & ...`` over its positive body atoms, whose atoms are all fact-only relations, so
  pyDatalog's resolution of it is a plain, non-recursive join;
* strata are evaluated in order.  In a stratum, every rule is first joined over the full relations; then, round after
  round, each rule with a body atom of the stratum is joined once per such atom with that atom replaced by the
  relation of the previous round's new facts (the delta, placed first), until a round adds nothing;
* negated atoms (over completed lower strata), comparisons and head arithmetic are applied in Python to each
  answer of the join, with `lexlog.kb.arithmetic`.

Nothing is ever parsed or evaluated from text: clauses are built from `pyDatalog.pyEngine` objects (`Const`, `Var`,
`Literal`, `Clause`), and constants are data.  Each evaluation runs in its own `pyDatalog.Logic`, installed for the
current thread and removed afterwards, so evaluations in different threads never see each other's facts.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

from pyDatalog import pyEngine
from pyDatalog.Logic import Logic

from lexlog.grammar.tree import COMPUTED_TERMS, Comparison, Constant, Literal, Rule, Value, Variable
from lexlog.kb import arithmetic
from lexlog.kb.engines.base import EvaluationProgram, Model, PredicateKey, Row, budget_of, deadline_of, out_of_time, over_budget


@dataclass
class _Negation:
    key: PredicateKey
    arguments: tuple
    # Variables bound when the negation is checked, in a fixed order; a row of the negated relation "matches" the
    # literal when its constants agree and its values for these variables are the binding's.
    bound: tuple[str, ...]


@dataclass
class _CompiledRule:
    rule: Rule
    positives: list[tuple[PredicateKey, tuple]]
    variables: tuple[str, ...]  # variables of the positive atoms, first occurrence order: the join's answer columns
    steps: list  # Comparison or _Negation, in body order
    recursive_positions: list[int]  # indices into positives whose predicate belongs to the rule's stratum


def _compile(rule: Rule, stratum_keys: set[PredicateKey]) -> _CompiledRule:
    positives = []
    variables: list[str] = []
    for item in rule.body:
        if isinstance(item, Literal) and not item.negated:
            for argument in item.atom.arguments:
                if isinstance(argument, COMPUTED_TERMS):
                    raise ValueError(f"rule is not normalised (arithmetic in a body atom): {rule}")
                if isinstance(argument, Variable) and argument.name not in variables:
                    variables.append(argument.name)
            positives.append((item.atom.key, item.atom.arguments))
    bound = set(variables)
    steps: list = []
    for item in rule.body:
        if isinstance(item, Comparison):
            steps.append(item)
            if item.operator == "=" and isinstance(item.left, Variable):
                bound.add(item.left.name)
        elif item.negated:
            names = []
            for argument in item.atom.arguments:
                if isinstance(argument, Variable) and argument.name in bound and argument.name not in names:
                    names.append(argument.name)
            steps.append(_Negation(item.atom.key, item.atom.arguments, tuple(names)))
    recursive = [index for index, (key, _) in enumerate(positives) if key in stratum_keys]
    return _CompiledRule(rule, positives, tuple(variables), steps, recursive)


def _match(arguments: tuple, row: Row) -> Optional[dict[str, Value]]:
    """The binding under which `arguments` (variables and constants) equal `row`, or None."""
    binding: dict[str, Value] = {}
    for argument, value in zip(arguments, row):
        if isinstance(argument, Constant):
            if not arithmetic.compare("=", argument.value, value):
                return None
        else:
            previous = binding.setdefault(argument.name, value)
            if previous is not value and not arithmetic.compare("=", previous, value):
                return None
    return binding


class _PyDatalogSession:
    """A fresh pyDatalog logic installed for the current thread while the session is open."""

    def __enter__(self) -> "_PyDatalogSession":
        self._previous_logic = getattr(Logic.tl, "logic", None)
        self._previous_counter = getattr(pyEngine.Fresh_var.tl, "counter", None)
        Logic()  # a new, empty logic for this thread (and pyEngine.clear())
        self.logic = Logic.tl.logic
        return self

    def __exit__(self, *exc_info) -> None:
        if self._previous_logic is None:
            del Logic.tl.logic
        else:
            Logic.tl.logic = self._previous_logic
        if self._previous_counter is not None:
            pyEngine.Fresh_var.tl.counter = self._previous_counter


class _Evaluation:
    def __init__(self, program: EvaluationProgram):
        self.program = program
        self.known: dict[PredicateKey, set[Row]] = defaultdict(set)
        self.full_names: dict[PredicateKey, str] = {}
        self.delta_names: dict[PredicateKey, str] = {}
        self.delta_clauses: dict[PredicateKey, list] = defaultdict(list)
        self.queries: dict[tuple[int, Optional[int]], tuple] = {}
        self.counter = 0

    # --- names -----------------------------------------------------------------------------------------------
    # Predicate names are numbered, never the user's: pyDatalog gives meaning to '.', ']', a leading '~' and
    # '_pyD_' in predicate names, and looks names up in a process-wide table of Python resolvers.

    def _fresh(self, kind: str) -> str:
        self.counter += 1
        return f"lexlog_{kind}{self.counter}"

    def full_name(self, key: PredicateKey) -> str:
        name = self.full_names.get(key)
        if name is None:
            name = self.full_names[key] = self._fresh("r")
        return name

    def delta_name(self, key: PredicateKey) -> str:
        name = self.delta_names.get(key)
        if name is None:
            name = self.delta_names[key] = self._fresh("d")
        return name

    # --- facts -----------------------------------------------------------------------------------------------

    @staticmethod
    def _fact(name: str, row: Row):
        return pyEngine.Clause(pyEngine.Literal(name, [pyEngine.Const(value) for value in row]), [])

    def add_facts(self, key: PredicateKey, rows: Iterable[Row]) -> None:
        name = self.full_name(key)
        known = self.known[key]
        for row in rows:
            if row not in known:
                known.add(row)
                pyEngine.assert_(self._fact(name, row))

    def set_delta(self, key: PredicateKey, rows: Iterable[Row]) -> None:
        for clause in self.delta_clauses.pop(key, ()):
            pyEngine.retract(clause)
        name = self.delta_name(key)
        clauses = self.delta_clauses[key]
        for row in rows:
            clause = self._fact(name, row)
            pyEngine.assert_(clause)
            clauses.append(clause)

    # --- joins -----------------------------------------------------------------------------------------------

    @staticmethod
    def _terms(arguments: tuple, variable_ids: dict[str, int]) -> list:
        terms = []
        for argument in arguments:
            if isinstance(argument, Constant):
                terms.append(pyEngine.Const(argument.value))
            else:
                terms.append(pyEngine.Var(f"V{variable_ids[argument.name]}"))
        return terms

    def _query(self, index: int, compiled: _CompiledRule, delta_position: Optional[int]):
        """The pyDatalog query predicate for one rule, joined over full relations or with one delta first."""
        cache_key = (index, delta_position)
        query = self.queries.get(cache_key)
        if query is None:
            variable_ids = {name: position for position, name in enumerate(compiled.variables)}
            body = []
            order = list(range(len(compiled.positives)))
            if delta_position is not None:
                order.remove(delta_position)
                order.insert(0, delta_position)
            for position in order:
                key, arguments = compiled.positives[position]
                name = self.delta_name(key) if position == delta_position else self.full_name(key)
                body.append(pyEngine.Literal(name, self._terms(arguments, variable_ids)))
            query_name = self._fresh("q")
            head_terms = [pyEngine.Var(f"V{position}") for position in range(len(compiled.variables))]
            pyEngine.assert_(pyEngine.Clause(pyEngine.Literal(query_name, head_terms), body))
            query = self.queries[cache_key] = (query_name, len(head_terms))
        return query

    def join(self, index: int, compiled: _CompiledRule, delta_position: Optional[int]) -> list[tuple]:
        if not compiled.positives:
            return [()] if delta_position is None else []
        query_name, width = self._query(index, compiled, delta_position)
        goal = pyEngine.Literal(query_name, [pyEngine.Var(f"V{position}") for position in range(width)])
        answers = goal.ask()
        if answers is True:
            return [()]
        return list(answers or ())

    # --- the rest of a rule, in Python ---------------------------------------------------------------------

    def negation_index(self, negation: _Negation) -> set[tuple]:
        cache = self.negation_cache
        key = id(negation)
        if key not in cache:
            index = set()
            for row in self.known.get(negation.key, ()):
                binding = _match(negation.arguments, row)
                if binding is not None:
                    index.add(tuple(binding[name] for name in negation.bound))
            cache[key] = index
        return cache[key]

    def consequences(self, compiled: _CompiledRule, answers: list[tuple]) -> Iterator[tuple[PredicateKey, Row]]:
        head = compiled.rule.head
        for answer in answers:
            binding = dict(zip(compiled.variables, answer))
            if self._passes(compiled, binding):
                row = []
                for argument in head.arguments:
                    value = arithmetic.evaluate(argument, binding)
                    if value is None:
                        break
                    row.append(value)
                else:
                    yield head.key, tuple(row)

    def _passes(self, compiled: _CompiledRule, binding: dict[str, Value]) -> bool:
        for step in compiled.steps:
            if isinstance(step, Comparison):
                left = step.left
                if step.operator == "=" and isinstance(left, Variable) and left.name not in binding:
                    value = arithmetic.evaluate(step.right, binding)  # an assignment (see lexlog.kb.normalize)
                    if value is None:
                        return False
                    binding[left.name] = value
                elif not arithmetic.comparison_holds(step, binding):
                    return False
            else:
                probe = tuple(binding[name] for name in step.bound)
                if probe in self.negation_index(step):
                    return False
        return True

    # --- strata ----------------------------------------------------------------------------------------------

    def run(self) -> Model:
        self.budget, self.derived, self.deadline = budget_of(self.program), 0, deadline_of(self.program)
        for key, rows in self.program.facts.items():
            self.add_facts(key, rows)
        for stratum in self.program.strata:
            self.run_stratum(stratum)
        return Model({key: frozenset(rows) for key, rows in self.known.items() if rows})

    def run_stratum(self, stratum: tuple[Rule, ...]) -> None:
        self.negation_cache: dict[int, set[tuple]] = {}
        self.queries = {}
        stratum_keys = {rule.head.key for rule in stratum}
        compiled = [_compile(rule, stratum_keys) for rule in stratum]
        new = self._collect(
            self.consequences(rule, self.join(index, rule, None)) for index, rule in enumerate(compiled)
        )
        while new:
            self.derived += sum(len(rows) for rows in new.values())
            if self.derived > self.budget:
                raise over_budget(self.budget, "atoms derived")
            if time.monotonic() > self.deadline:
                raise out_of_time(self.program)
            for key, rows in new.items():
                self.add_facts(key, rows)
                self.set_delta(key, rows)
            for key in list(self.delta_clauses):
                if key not in new:
                    self.set_delta(key, ())
            new = self._collect(
                self.consequences(rule, self.join(index, rule, position))
                for index, rule in enumerate(compiled)
                for position in rule.recursive_positions
                if rule.positives[position][0] in new
            )
        for key in list(self.delta_clauses):
            self.set_delta(key, ())

    def _collect(self, batches: Iterable[Iterator[tuple[PredicateKey, Row]]]) -> dict[PredicateKey, set[Row]]:
        new: dict[PredicateKey, set[Row]] = defaultdict(set)
        for batch in batches:
            for key, row in batch:
                if row not in self.known.get(key, ()):
                    new[key].add(row)
        return {key: rows for key, rows in new.items() if rows}


class PyDatalogEngine:
    """Evaluates with pyDatalog joins under a stratified semi-naive loop; see the module documentation."""

    name = "pydatalog"

    def evaluate(self, program: EvaluationProgram) -> Model:
        with _PyDatalogSession():
            return _Evaluation(program).run()
