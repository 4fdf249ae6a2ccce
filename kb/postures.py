"""Case postures: sets of input facts, generated from a knowledge base's input vocabulary.

One module for every generator of postures: `lexlog fuzz` and the batch benchmark (plain `random`, seeded:
`PostureSpace.random_posture`), and the property tests of the bundled library (hypothesis: `posture_strategy`).

A `PostureSpace` is what may be generated for a knowledge base:

* the input predicates: those declared `input`; without any declaration, every predicate used in a rule or
  constraint body that no rule concludes;
* for each argument position a *sort*, inferred: positions that input declarations give the same parameter
  name (`Defendant`), and positions that a rule, constraint or query joins by one variable or compares, hold the
  same kind of thing (union-find); `discovery_order(O, D)` and `sued_individually(D)` draw their defendants from
  one pool, and never from the pool of orders;
* for each sort a domain: the constants the files use in a position of that sort (`motion_to_dismiss` in
  `asserted_qi(D, motion_to_dismiss)`, a constant a variable of the sort is compared with, the constants of a
  case file's facts), then `fresh` new constants named after the sort (`order1`, `order2`, ...). Constants the
  files use come first, so shrinking (fuzz's or hypothesis's) moves towards them.

A `Posture` is a set of ground input atoms. It converts to and from the JSON facts object of `lexlog batch`
(`{"discovery_order": [["o1", "smith"]]}`) and prints as a ready-to-load case file (`case_file`).
"""

from __future__ import annotations

import datetime
import os
import random as random_module
import re
from dataclasses import dataclass, field
from functools import cached_property
from fractions import Fraction
from typing import Any, Callable, Iterable, Mapping, Sequence

from lexlog.grammar import print_atom
from lexlog.grammar.tree import Aggregate, Atom, Comparison, Constant, Constraint, Expectation, Fact, Literal, Query, Rule, Value, Variable
from lexlog.grammar.values import canonical_number, is_date, order_key
from lexlog.kb.checks import fits_type
from lexlog.kb.atoms import GroundAtom
from lexlog.kb.json_values import from_json, to_json
from lexlog.kb.knowledge_base import KnowledgeBase
from lexlog.kb.loader import library_names, library_path

PredicateKey = tuple[str, int]


@dataclass(frozen=True)
class Posture:
    """A case posture: ground atoms of input predicates, in a canonical order (by predicate, then row)."""

    atoms: tuple[GroundAtom, ...] = ()

    @classmethod
    def of(cls, atoms: Iterable[GroundAtom]) -> "Posture":
        unique = {(atom.predicate, tuple(atom.arguments)): atom for atom in atoms}
        return cls(tuple(unique[key] for key in sorted(unique, key=_sort_key)))

    def __len__(self) -> int:
        return len(self.atoms)

    def __iter__(self):
        return iter(self.atoms)

    def with_atoms(self, atoms: Iterable[GroundAtom]) -> "Posture":
        return Posture.of([*self.atoms, *atoms])

    def values(self) -> set[Value]:
        return {value for atom in self.atoms for value in atom.arguments}

    def to_json(self) -> dict[str, list[list[Any]]]:
        """`{"discovery_order": [["o1", "smith"]], ...}`: the facts object of a `lexlog batch` case (values as
        `lexlog.kb.json_values` writes them)."""
        facts: dict[str, list[list[Any]]] = {}
        for atom in self.atoms:
            facts.setdefault(atom.predicate, []).append([to_json(value) for value in atom.arguments])
        return facts

    @classmethod
    def from_json(cls, facts: Any) -> "Posture":
        """The posture of a JSON facts object; raises ValueError saying what is wrong with it."""
        if not isinstance(facts, Mapping):
            raise ValueError('"facts" must be an object mapping each predicate to a list of rows')
        atoms = []
        for predicate, rows in facts.items():
            if not isinstance(predicate, str) or not re.fullmatch(r"[a-z][A-Za-z0-9_]*", predicate):
                raise ValueError(f"{predicate!r} is not a predicate name")
            if not isinstance(rows, list):
                raise ValueError(f'"{predicate}": expected a list of rows (lists of values), got {_json_type(rows)}')
            for row in rows:
                if not isinstance(row, list):
                    raise ValueError(f'"{predicate}": each row must be a list of values, got {_json_type(row)}')
                try:
                    values = tuple(from_json(item) for item in row)
                except ValueError as error:
                    raise ValueError(f'"{predicate}": {error}') from None
                atoms.append(GroundAtom(predicate, values))
        return cls.of(atoms)

    def facts_text(self, predicate_order: Sequence[str] = ()) -> str:
        """The facts in canonical lexlog syntax, one a line; grouped in `predicate_order` (e.g. the vocabulary's
        order) where given, the rest after them."""
        rank = {name: index for index, name in enumerate(predicate_order)}
        atoms = sorted(self.atoms, key=lambda atom: rank.get(atom.predicate, len(rank)))  # stable: rows stay sorted
        return "".join(f"{print_atom(_tree_atom(atom))}.\n" for atom in atoms)


def case_file(
    posture: Posture, files: Sequence[str] = (), comments: Sequence[str] = (), predicate_order: Sequence[str] = ()
) -> str:
    """A ready-to-load case file: `%` comment lines, an include for each file, then the posture's facts.

    A file of the bundled library is included by name (`include <fifth_circuit_qi>.`), any other by its
    absolute path, so the case file loads from wherever it is saved.
    """
    lines = [f"% {line}".rstrip() for comment in comments for line in comment.splitlines()]
    if lines:
        lines.append("")
    for path in files:
        lines.append(f"include {_include_target(path)}.")
    if files:
        lines.append("")
    text = "\n".join(lines) + ("\n" if lines else "")
    return text + (posture.facts_text(predicate_order) if posture.atoms else "% (no facts)\n")


def _include_target(path: str) -> str:
    absolute = os.path.abspath(path)
    for name in library_names():
        if os.path.abspath(library_path(name)) == absolute:
            return f"<{name}>"
    return '"' + absolute.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- the space of postures ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputPredicate:
    name: str
    sorts: tuple[str, ...]

    @property
    def key(self) -> PredicateKey:
        return (self.name, len(self.sorts))


@dataclass(frozen=True)
class PostureSpace:
    """The input predicates, the sort of each argument position and each sort's domain."""

    predicates: tuple[InputPredicate, ...]
    domains: Mapping[str, tuple[Value, ...]]
    goals: tuple["_Clause", ...] = ()
    rules: Mapping[PredicateKey, tuple["_Clause", ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, knowledge_base: KnowledgeBase, fresh: int = 3) -> "PostureSpace":
        """The space of `knowledge_base`'s postures, with `fresh` new constants in each sort."""
        program = knowledge_base.program
        concluded = {rule.head.key for rule in program.of_type(Rule)}
        inputs: dict[PredicateKey, tuple[str, ...]] = {}
        for declaration in knowledge_base.declarations:
            if declaration.kind == "input":
                inputs[declaration.key] = tuple(
                    name if name and not name.startswith("_") else f"{declaration.predicate}_{position + 1}"
                    for position, name in enumerate(declaration.parameters)
                )
        if not inputs:  # nothing declared: what a body uses and no rule concludes
            for statement in program.statements:
                for atom in _body_atoms(statement):
                    if atom.key not in concluded and atom.key not in inputs:
                        inputs[atom.key] = tuple(f"{atom.predicate}_{position + 1}" for position in range(atom.arity))
        sorts = _Sorts()
        # Positions an input declaration gives the same parameter name hold the same kind of thing.
        by_name: dict[str, tuple] = {}
        for key, names in inputs.items():
            for position, name in enumerate(names):
                sorts.union(by_name.setdefault(name, (key, position)), (key, position))
        # Positions a rule, constraint or query joins by a variable, or compares, hold the same kind of thing.
        for number, statement in enumerate(program.statements):
            atoms = list(_body_atoms(statement))
            if isinstance(statement, Rule):
                atoms.append(statement.head)
            elif isinstance(statement, (Fact, Expectation)):
                atoms.append(statement.atom)
            for atom in atoms:
                for position, argument in enumerate(atom.arguments):
                    node = (atom.key, position)
                    if isinstance(argument, Variable) and not argument.is_anonymous:
                        sorts.union(node, ("variable", number, argument.name))
                    elif isinstance(argument, Constant):
                        sorts.add_constant(node, argument.value)
            for item in getattr(statement, "body", ()):
                if isinstance(item, Comparison):
                    left, right = item.left, item.right
                    if isinstance(left, Variable) and isinstance(right, Variable):
                        sorts.union(("variable", number, left.name), ("variable", number, right.name))
                    for variable, other in ((left, right), (right, left)):
                        if isinstance(variable, Variable) and isinstance(other, Constant):
                            sorts.add_constant(("variable", number, variable.name), other.value)
        # Each group is named by the first parameter name given to one of its input positions.
        names: dict[tuple, str] = {}
        for key, parameters in inputs.items():
            for position, name in enumerate(parameters):
                names.setdefault(sorts.find((key, position)), name)
        # A declared type (Date: date, Amount: money) makes the whole group's fresh values of that type.
        declared_types: dict[tuple, str] = {}
        for declaration in knowledge_base.declarations:
            if declaration.kind == "input" and declaration.key in inputs:
                for position, type_name in enumerate(declaration.types):
                    if type_name in TYPED_FRESH_VALUES:
                        declared_types.setdefault(sorts.find((declaration.key, position)), type_name)
        taken_names: set[str] = set()
        domains: dict[str, tuple[Value, ...]] = {}
        predicates = []
        for key, parameters in inputs.items():
            position_sorts = []
            for position in range(len(parameters)):
                root = sorts.find((key, position))
                name = names[root]
                if name not in domains and root in declared_types:
                    domains[name] = typed_domain(declared_types[root], sorts.constants(root), fresh)
                if name not in domains:
                    constants = sorts.constants(root)
                    base, number, pool = _fresh_base(name), 1, list(constants)
                    while len(pool) < len(constants) + fresh or not pool:
                        candidate = f"{base}{number}"
                        number += 1
                        if candidate not in constants and candidate not in taken_names:
                            pool.append(candidate)
                    taken_names.update(value for value in pool if isinstance(value, str))
                    domains[name] = tuple(pool)
                position_sorts.append(name)
            predicates.append(InputPredicate(key[0], tuple(position_sorts)))

        def domain_of(node: tuple) -> tuple[Value, ...]:
            root = sorts.find(node)
            return domains[names[root]] if root in names else tuple(sorts.constants(root)) or ("c1",)

        def clause(number: int, head: Atom | None, body) -> _Clause:
            positives = tuple(item.atom for item in body if isinstance(item, Literal) and not item.negated)
            variables = {}
            for atom in positives + ((head,) if head is not None else ()):
                for argument in atom.arguments:
                    if isinstance(argument, Variable) and not argument.is_anonymous:
                        variables[argument.name] = domain_of(("variable", number, argument.name))
            anonymous = {(atom.key, position): domain_of((atom.key, position)) for atom in positives for position in range(atom.arity)}
            return _Clause(head, positives, variables, anonymous)

        outputs = {d.key for d in knowledge_base.declarations if d.kind == "output"} or concluded
        goals, rules = [], {}
        for number, statement in enumerate(program.statements):
            if isinstance(statement, Rule):
                built = clause(number, statement.head, statement.body)
                rules.setdefault(statement.head.key, []).append(built)
                if statement.head.key in outputs:
                    goals.append(built)
            elif isinstance(statement, Constraint):
                goals.append(clause(number, None, statement.body))
        return cls(tuple(predicates), domains, tuple(goals), {key: tuple(found) for key, found in rules.items()})

    def unfold(self, goal: "_Clause", choose: Callable[[Sequence[Any]], Any], depth: int = 10) -> list[GroundAtom]:
        """Input facts that support one instance of `goal` (a rule or a constraint body): each positive body atom
        is instantiated (unbound variables chosen from their sort with `choose`), kept if it is an input, and
        otherwise unfolded through a rule (chosen with `choose`) whose head matches it, `depth` levels deep.
        Negated atoms and comparisons are ignored: the noise facts may or may not defeat them."""
        inputs = self.input_keys
        found: list[GroundAtom] = []
        stack: list[tuple[_Clause, dict[str, Value], int]] = [(goal, {}, 0)]
        while stack:
            clause, binding, level = stack.pop()
            for key, steps in clause.steps:
                values: list[Value] = []
                for kind, payload, domain in steps:
                    if kind is _VALUE:
                        values.append(payload)
                    elif kind is _ANY:
                        values.append(choose(domain))
                    elif kind is _VARIABLE:
                        if payload not in binding:
                            binding[payload] = choose(domain)
                        values.append(binding[payload])
                    else:  # arithmetic: not unfolded
                        break
                else:
                    ground = GroundAtom(key[0], tuple(values))
                    if key in inputs:
                        found.append(ground)
                    elif level < depth:
                        matching = [(rule, head) for rule in self.rules.get(key, ()) if (head := rule.match(ground)) is not None]
                        if matching:
                            rule, head = choose(matching)
                            stack.append((rule, head, level + 1))
        return found

    def random_atoms(
        self, rng: random_module.Random, max_rows: int = 3, density: float = 0.3, max_goals: int = 3
    ) -> list[GroundAtom]:
        """The atoms of `random_posture`, as drawn (repeats included, in no canonical order): what a search that
        makes thousands of postures and keeps one needs."""
        atoms: list[GroundAtom] = []
        if self.goals:
            for _ in range(rng.randint(0, max_goals)):
                atoms += self.unfold(rng.choice(self.goals), rng.choice)
        if max_rows < 1:
            return atoms
        choice, draw = rng.choice, rng.random
        for predicate in self.predicates:
            if draw() >= density:
                continue
            domains = [self.domains[sort] for sort in predicate.sorts]
            for _ in range(rng.randint(1, max_rows)):
                atoms.append(GroundAtom(predicate.name, tuple([choice(domain) for domain in domains])))
        return atoms

    def random_posture(
        self, rng: random_module.Random, max_rows: int = 3, density: float = 0.3, max_goals: int = 3
    ) -> Posture:
        """A posture drawn with `rng` (plain `random`: `lexlog fuzz`, benchmarks): the support of up to `max_goals`
        goals (`unfold`), plus noise: each predicate gets, with probability `density`, between 1 and `max_rows`
        rows."""
        return Posture.of(self.random_atoms(rng, max_rows, density, max_goals))

    @cached_property
    def input_keys(self) -> frozenset[PredicateKey]:
        return frozenset(predicate.key for predicate in self.predicates)

    @property
    def is_empty(self) -> bool:
        return not self.predicates

    @property
    def predicate_order(self) -> tuple[str, ...]:
        return tuple(predicate.name for predicate in self.predicates)

    def domain(self, predicate: InputPredicate, position: int) -> tuple[Value, ...]:
        return self.domains[predicate.sorts[position]]


def posture_strategy(space: PostureSpace, max_rows: int = 4, max_goals: int = 3):
    """A hypothesis strategy of postures in `space`: the support of up to `max_goals` goals (an output's rule or
    a constraint's body, `PostureSpace.unfold`), plus, for each input predicate, a list of up to `max_rows`
    distinct rows. Shrinks towards fewer goals, fewer facts and the constants the files use."""
    from hypothesis import strategies as st

    if space.is_empty:
        return st.just(Posture())

    def rows(predicate: InputPredicate):
        if not predicate.sorts:
            return st.lists(st.just(()), max_size=1)
        row = st.tuples(*(st.sampled_from(space.domains[sort]) for sort in predicate.sorts))
        return st.lists(row, max_size=max_rows, unique=True)

    noise = st.tuples(*(rows(predicate) for predicate in space.predicates))

    @st.composite
    def postures(draw) -> Posture:
        atoms: list[GroundAtom] = []
        if space.goals and max_goals:
            choose = lambda options: options[draw(st.integers(0, len(options) - 1))]  # noqa: E731
            for _ in range(draw(st.integers(0, max_goals))):
                atoms += space.unfold(choose(space.goals), choose)
        for predicate, found in zip(space.predicates, draw(noise)):
            atoms += (GroundAtom(predicate.name, row) for row in found)
        return Posture.of(atoms)

    return postures()


_VALUE, _ANY, _VARIABLE, _COMPUTED = "value", "any", "variable", "computed"
"""What the generator does with an argument of a body atom: take the constant, choose any value of the position's
sort, take (or choose, the first time) the variable's value, or give up on the atom (arithmetic)."""


@dataclass(frozen=True, eq=False)
class _Clause:
    """A rule (or a constraint's body, with no head) as the generator unfolds it."""

    head: Atom | None
    positives: tuple[Atom, ...]
    variables: Mapping[str, tuple[Value, ...]]  # each named variable's domain
    anonymous: Mapping[tuple[PredicateKey, int], tuple[Value, ...]]  # the domain of a `_` at a position

    @cached_property
    def steps(self) -> tuple[tuple[PredicateKey, tuple[tuple[str, Any, tuple[Value, ...]], ...]], ...]:
        """Each positive atom's key and, per argument, (what to do, the constant or variable name, the domain to
        choose from): worked out once, as `unfold` walks the clause thousands of times."""
        steps = []
        for atom in self.positives:
            arguments = []
            for position, argument in enumerate(atom.arguments):
                if isinstance(argument, Constant):
                    arguments.append((_VALUE, argument.value, ()))
                elif isinstance(argument, Variable) and argument.is_anonymous:
                    arguments.append((_ANY, None, self.anonymous[(atom.key, position)]))
                elif isinstance(argument, Variable):
                    arguments.append((_VARIABLE, argument.name, self.variables[argument.name]))
                else:
                    arguments.append((_COMPUTED, None, ()))
            steps.append((atom.key, tuple(arguments)))
        return tuple(steps)

    @cached_property
    def _head_steps(self) -> tuple[tuple[str, Any], ...] | None:
        """The head's arguments as (what, the constant or variable name); None if it computes one."""
        assert self.head is not None
        steps = []
        for argument in self.head.arguments:
            if isinstance(argument, Constant):
                steps.append((_VALUE, argument.value))
            elif isinstance(argument, Variable):
                steps.append((_ANY, None) if argument.is_anonymous else (_VARIABLE, argument.name))
            else:
                return None
        return tuple(steps)

    def match(self, ground: GroundAtom) -> dict[str, Value] | None:
        """The binding under which the head is `ground`, or None."""
        steps = self._head_steps
        if steps is None:
            return None  # arithmetic in the head
        binding: dict[str, Value] = {}
        for (kind, payload), value in zip(steps, ground.arguments):
            if kind is _VALUE:
                if payload != value:
                    return None
            elif kind is _VARIABLE and binding.setdefault(payload, value) != value:
                return None
        return binding


# --- helpers ------------------------------------------------------------------------------------------------------


def _sort_key(key: tuple[str, tuple[Value, ...]]) -> tuple:
    predicate, row = key
    return (predicate, len(row), tuple(order_key(value) for value in row))


def _tree_atom(atom: GroundAtom) -> Atom:
    return Atom(atom.predicate, tuple(Constant(value) for value in atom.arguments))


def _json_type(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__
    )


# Fresh values of a typed group: around the deadlines, thresholds and ages rules are written with.
TYPED_FRESH_VALUES: Mapping[str, tuple[Value, ...]] = {
    "date": tuple(datetime.date(2024, 1, 1) + datetime.timedelta(days=offset) for offset in (0, 1, 29, 30, 31, 59, 366)),
    "money": (0, 1, Fraction(1, 100), 75000, Fraction(7500001, 100), 1_000_000, 3_000_000_000),
    "number": (0, 1, -1, Fraction(1, 2), 100, 10**10),
    "integer": (0, 1, -1, 2, 18, 100, 10**10),
}


def typed_domain(type_name: str, constants: Iterable[Value], fresh: int) -> tuple[Value, ...]:
    """The values a fuzzer tries in a group declared `type_name`: the program's own constants of that type, each
    with its neighbours (a day, a cent or one either side), and the type's usual values (`TYPED_FRESH_VALUES`,
    whatever `fresh` is: they are chosen to straddle common thresholds)."""
    own = [value for value in constants if fits_type(value, type_name)]
    step: Value = 1 if type_name in ("date", "integer") else (Fraction(1, 100) if type_name == "money" else 1)
    pool: list[Value] = []
    for value in own:
        if is_date(value):
            neighbours = [value + datetime.timedelta(days=d) for d in (-1, 0, 1) if _date_in_range(value, d)]  # type: ignore[operator]
        else:
            neighbours = [canonical_number(value - step), value, canonical_number(value + step)]  # type: ignore[operator]
        pool.extend(neighbours)
    pool.extend(TYPED_FRESH_VALUES[type_name])
    return tuple(dict.fromkeys(pool))


def _date_in_range(value: datetime.date, days: int) -> bool:
    try:
        value + datetime.timedelta(days=days)
    except OverflowError:
        return False
    return True


def _fresh_base(sort: str) -> str:
    """`Order` -> `order`, `DiscoveryRequest` -> `discovery_request`, `p_1` -> `p_1_`."""
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", sort).lower().lstrip("_") or "c"
    if not snake[0].isalpha():
        snake = "c" + snake
    return snake + "_" if snake[-1].isdigit() else snake


def _body_atoms(statement) -> Iterable[Atom]:
    """The atoms of a rule's, constraint's or query's body (negated ones and those inside aggregates too)."""
    items = list(getattr(statement, "body", ()) if isinstance(statement, (Rule, Constraint, Query)) else ())
    while items:
        item = items.pop(0)
        if isinstance(item, Literal):
            yield item.atom
        elif isinstance(item, Aggregate):
            items.extend(item.body)


class _Sorts:
    """Union-find over argument positions and variables, each group with the constants seen in it."""

    def __init__(self) -> None:
        self.parent: dict[tuple, tuple] = {}
        self.seen: dict[tuple, list[Value]] = {}

    def find(self, node: tuple) -> tuple:
        self.parent.setdefault(node, node)
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, first: tuple, second: tuple) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self.parent[b] = a
            merged = self.seen.setdefault(a, [])
            merged.extend(value for value in self.seen.pop(b, []) if value not in merged)

    def add_constant(self, node: tuple, value: Value) -> None:
        values = self.seen.setdefault(self.find(node), [])
        if value not in values:
            values.append(value)

    def constants(self, root: tuple) -> list[Value]:
        return list(self.seen.get(root, []))


__all__ = ["InputPredicate", "Posture", "PostureSpace", "case_file", "posture_strategy"]
