"""Defeasible logic over a backend's model: strict rules, defeasible rules, defeaters and a superiority relation.

The semantics is the standard one of defeasible logic (Antoniou, Billington, Governatori & Maher, "Representation
results for defeasible logic", ACM Trans. Comput. Logic 2 (2001) 255): definite provability (+Δ, -Δ) from facts and
strict rules; defeasible provability (+∂, -∂), where a conclusion holds when some strict or defeasible rule for it
applies, its contrary is not definite, and every rule for the contrary (defeaters included) either does not apply or
is beaten by an applicable rule for the conclusion that is superior to it. Two policies: ambiguity *blocking* (the
default, above) and ambiguity *propagating*, where an attacker counts unless it is not even supported (+Σ, -Σ, after
Antoniou, Billington, Governatori, Maher & Rock, "A family of defeasible reasoning logics and its implementation",
ECAI 2000).

How it is computed, the same on every backend:

1. The *defeasible layer* is every predicate a defeasible rule or defeater concludes, the contraries of those
   (`~p` for `p`, and the predicates a `conflict` statement pairs), and every predicate a rule concludes from
   one of them. Everything else is the *plain part*, evaluated exactly as a program without these constructs.
   Negation as failure (`not`) may only apply to the plain part: the checks refuse `not` of a layer predicate
   (an exception is written as a defeasible rule that overrides, not as `not`).
2. The backend evaluates the plain part together with generated rules that ground the layer: for each layer
   predicate, the atoms that might follow (`#possible`, every layer rule read as plain, defeaters aside); for each
   layer rule, its instances (`#instance`: the head's values, then each positive condition's values) whose plain
   conditions hold.
3. This module computes the four conclusions for each ground literal of the layer from those instances, by
   fixpoints, and the model is the plain part's atoms with the layer atoms that are defeasibly provable (+∂).
   With lex specialis (opt-in, `prefer_specific`), the more specific of two contrary instances is first made
   superior to the other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Literal as TypingLiteral, Mapping

from lexlog.grammar.tree import Atom, BodyItem, Comparison, Conflict, Literal, Rule, Variable, complement
from lexlog.kb import aggregates
from lexlog.kb.engines.base import Engine, Model, PredicateKey, Row
from lexlog.kb.atoms import GroundAtom
from lexlog.kb.matching import ModelIndex, head_instance, plan_body, solve

Policy = TypingLiteral["blocking", "propagating"]
POLICIES: tuple[Policy, ...] = ("blocking", "propagating")
GENERATED_PREFIX = "#defeasible"


def contraries_of(conflicts: Iterable[Conflict]) -> dict[str, set[str]]:
    """Predicate name → the names whose atoms (same arguments) contradict it, beyond `~p` for `p`."""
    declared: dict[str, set[str]] = defaultdict(set)
    for conflict in conflicts:
        declared[conflict.first].add(conflict.second)
        declared[conflict.second].add(conflict.first)
    return declared


def contrary_names(predicate: str, declared: Mapping[str, set[str]]) -> set[str]:
    return {complement(predicate)} | declared.get(predicate, set())


def layer_keys(rules: Iterable[Rule], conflicts: Iterable[Conflict]) -> set[PredicateKey]:
    """The predicates of the defeasible layer (see the module documentation)."""
    rules = list(rules)
    declared = contraries_of(conflicts)
    layer: set[PredicateKey] = set()
    pending = [rule.head.key for rule in rules if rule.annotations.kind != "strict"]
    pending += [(name, arity) for conflict in conflicts for name in (conflict.first, conflict.second) for arity in _arities(rules, name)]
    while pending:
        key = pending.pop()
        if key in layer:
            continue
        layer.add(key)
        pending.extend((name, key[1]) for name in contrary_names(key[0], declared))
        for rule in rules:
            if rule.head.key not in layer and any(
                isinstance(item, Literal) and not item.negated and item.atom.key == key for item in rule.body
            ):
                pending.append(rule.head.key)
    return layer


def _arities(rules: list[Rule], name: str) -> set[int]:
    found = {rule.head.arity for rule in rules if rule.head.predicate == name}
    found |= {item.atom.arity for rule in rules for item in rule.body if isinstance(item, Literal) and item.atom.predicate == name}
    return found


# --- the ground theory ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instance:
    """A layer rule with values for its variables: its head and its layer conditions (the plain ones hold)."""

    rule: Rule
    number: int
    head: GroundAtom
    body: tuple[GroundAtom, ...]
    conditions: tuple[GroundAtom, ...] = ()
    """Every positive condition, plain or of the layer (what `more specific` compares)."""

    @property
    def kind(self) -> str:
        return self.rule.annotations.kind


@dataclass(frozen=True)
class Layer:
    """What the backend evaluates for a program with a defeasible part: the plain rules and the generated ones."""

    rules: tuple[Rule, ...]
    """The layer's rules (normalised), numbered by position."""
    keys: frozenset[PredicateKey]
    generated: tuple[Rule, ...]
    superior: Mapping[int, frozenset[int]]
    """Rule number → the numbers of the rules it overrides."""
    declared_conflicts: Mapping[str, set[str]]
    strict_rules: tuple[Rule, ...] = ()
    """Every strict rule without negation or aggregates: what the specificity comparison may chain through."""


def build_layer(rules: list[Rule], conflicts: list[Conflict]) -> tuple[list[Rule], Layer]:
    """Split normalised rules into the plain part and the layer; generate the rules that ground the layer."""
    keys = layer_keys(rules, conflicts)
    plain = [rule for rule in rules if rule.head.key not in keys]
    layered = tuple(rule for rule in rules if rule.head.key in keys)
    generated: list[Rule] = []
    for key in sorted(keys):
        variables = tuple(Variable(f"V{position}") for position in range(key[1]))
        generated.append(Rule(Atom(_possible(key[0]), variables), (Literal(Atom(key[0], variables)),)))
    for number, rule in enumerate(layered):
        body = tuple(_possible_literal(item, keys) for item in rule.body)
        if rule.annotations.kind != "defeater":
            generated.append(Rule(Atom(_possible(rule.head.predicate), rule.head.arguments), body))
        conditions = _positive_atoms(rule)
        arguments = rule.head.arguments + tuple(argument for atom in conditions for argument in atom.arguments)
        generated.append(Rule(Atom(_instance(number), arguments), body))
    labels: dict[str, list[int]] = defaultdict(list)
    for number, rule in enumerate(layered):
        if rule.annotations.label is not None:
            labels[rule.annotations.label].append(number)
    superior = {
        number: frozenset(beaten for reference in rule.annotations.overrides for beaten in labels.get(reference.label, ()))
        for number, rule in enumerate(layered)
        if rule.annotations.overrides
    }
    strict = tuple(
        rule
        for rule in rules
        if rule.annotations.kind == "strict"
        and all(isinstance(item, Comparison) or (isinstance(item, Literal) and not item.negated) for item in rule.body)
    )
    return plain, Layer(layered, frozenset(keys), tuple(generated), superior, contraries_of(conflicts), strict)


def _positive_atoms(rule: Rule) -> list[Atom]:
    return [item.atom for item in rule.body if isinstance(item, Literal) and not item.negated]


def _possible(predicate: str) -> str:
    return f"{GENERATED_PREFIX}_possible {predicate}"


def _instance(number: int) -> str:
    return f"{GENERATED_PREFIX}_instance {number}"


def _in_layer(item: object, keys: frozenset[PredicateKey] | set[PredicateKey]) -> bool:
    return isinstance(item, Literal) and not item.negated and item.atom.key in keys


def _possible_literal(item: BodyItem, keys: set[PredicateKey]) -> BodyItem:
    """A layer condition reads the atoms that might follow; any other condition stays as it is."""
    if isinstance(item, Literal) and _in_layer(item, keys):
        return Literal(Atom(_possible(item.atom.predicate), item.atom.arguments, item.atom.span), False, item.span)
    return item


def instances(layer: Layer, model: Model) -> list[Instance]:
    """Every instance of the layer's rules whose plain conditions hold, read from the backend's model."""
    found = []
    for number, rule in enumerate(layer.rules):
        conditions = _positive_atoms(rule)
        width = rule.head.arity + sum(atom.arity for atom in conditions)
        for row in sorted(model.rows((_instance(number), width)), key=repr):
            head = GroundAtom(rule.head.predicate, row[: rule.head.arity])
            position, ground = rule.head.arity, []
            for atom in conditions:
                ground.append(GroundAtom(atom.predicate, row[position : position + atom.arity]))
                position += atom.arity
            body = tuple(atom for atom in ground if atom.key in layer.keys)
            found.append(Instance(rule, number, head, body, tuple(ground)))
    return found


# --- the proof conditions ------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """The conclusions of the layer for each of its ground literals, and what they rest on."""

    policy: Policy
    facts: frozenset[GroundAtom]
    instances: list[Instance]
    layer: Layer
    definitely: set[GroundAtom] = field(default_factory=set)
    not_definitely: set[GroundAtom] = field(default_factory=set)
    defeasibly: set[GroundAtom] = field(default_factory=set)
    not_defeasibly: set[GroundAtom] = field(default_factory=set)
    supported: set[GroundAtom] = field(default_factory=set)
    not_supported: set[GroundAtom] = field(default_factory=set)

    def literals(self) -> set[GroundAtom]:
        found = set(self.facts)
        # a ground head stands for a literal even when its rule has no instance (a condition that never holds)
        found |= {GroundAtom(rule.head.predicate, ()) for rule in self.layer.rules if not rule.head.arguments}
        for instance in self.instances:
            found.add(instance.head)
            found.update(instance.body)
        found |= {contrary for literal in list(found) for contrary in self.contraries(literal)}
        return found

    def contraries(self, literal: GroundAtom) -> list[GroundAtom]:
        names = contrary_names(literal.predicate, self.layer.declared_conflicts)
        return [GroundAtom(name, literal.arguments) for name in sorted(names)]

    def rules_for(self, literal: GroundAtom) -> list[Instance]:
        return self._by_head.get(literal, [])

    def attackers(self, literal: GroundAtom) -> list[Instance]:
        """The instances (defeaters included) that conclude a contrary of the literal."""
        return [instance for contrary in self.contraries(literal) for instance in self.rules_for(contrary)]

    def beats(self, winner: Instance, loser: Instance) -> bool:
        """Whether `winner` is superior to `loser`: stated (`@overrides`), or, with specificity, more specific."""
        return loser.number in self.layer.superior.get(winner.number, ()) or (id(winner), id(loser)) in self.more_specific

    def applicable(self, instance: Instance) -> bool:
        """Every layer condition is defeasibly provable."""
        return all(condition in self.defeasibly for condition in instance.body)

    def discarded(self, instance: Instance) -> bool:
        """Some layer condition is refuted (-∂)."""
        return any(condition in self.not_defeasibly for condition in instance.body)

    def undecided(self) -> set[GroundAtom]:
        """Literals not defeasibly provable (+∂) whose contrary is not definitely provable (+Δ): those left open
        or refuted only defeasibly (both sides of an unresolved conflict, say), not those a strict contrary settles."""
        return {
            literal
            for literal in self.literals()
            if literal not in self.defeasibly
            and not any(contrary in self.definitely for contrary in self.contraries(literal))
        }

    def __post_init__(self) -> None:
        by_head: dict[GroundAtom, list[Instance]] = defaultdict(list)
        for instance in self.instances:
            by_head[instance.head].append(instance)
        self._by_head = dict(by_head)
        self.more_specific: set[tuple[int, int]] = set()
        """(id of an instance, id of an instance for the contrary that it is more specific than), with specificity."""


def prefer_specific(outcome: Outcome) -> None:
    """Lex specialis: of two instances for contrary conclusions, the one whose conditions, with what strict rules
    conclude from them, include all the other's conditions (and not the reverse) is superior. Scared chickens fly,
    chickens do not, birds fly: a scared chicken flies; a chicken (a bird, by a strict rule) does not."""
    closures: dict[int, frozenset[GroundAtom]] = {}

    def closure(instance: Instance) -> frozenset[GroundAtom]:
        if id(instance) not in closures:
            closures[id(instance)] = strict_closure(outcome.layer.strict_rules, instance.conditions)
        return closures[id(instance)]

    stated = outcome.layer.superior
    for instance in outcome.instances:
        for attacker in outcome.attackers(instance.head):
            if attacker.number in stated.get(instance.number, ()) or instance.number in stated.get(attacker.number, ()):
                continue  # an @overrides between the two rules decides; specificity only orders what it leaves open
            if set(attacker.conditions) <= closure(instance) and not set(instance.conditions) <= closure(attacker):
                outcome.more_specific.add((id(instance), id(attacker)))


def strict_closure(rules: tuple[Rule, ...], atoms: tuple[GroundAtom, ...]) -> frozenset[GroundAtom]:
    """The atoms with everything the strict rules (positive, without aggregates) conclude from them alone."""
    known: set[GroundAtom] = set(atoms)
    while True:
        relations: dict[PredicateKey, set[Row]] = defaultdict(set)
        for atom in known:
            relations[atom.key].add(atom.arguments)
        index = ModelIndex(Model({key: frozenset(rows) for key, rows in relations.items()}))
        new = set()
        for rule in rules:
            for binding in solve(plan_body(rule.body), {}, index, index):
                row = head_instance(rule.head, binding)
                if row is not None and GroundAtom(rule.head.predicate, row) not in known:
                    new.add(GroundAtom(rule.head.predicate, row))
        if not new:
            return frozenset(known)
        known |= new


def decide(outcome: Outcome, specificity: bool = False) -> Outcome:
    """Fill in the conclusions by iterating the proof conditions to their least fixpoint (with `specificity`,
    after deriving the superiority of the more specific instance; see `prefer_specific`)."""
    if specificity:
        prefer_specific(outcome)
    literals = outcome.literals()
    strict = {literal: [i for i in outcome.rules_for(literal) if i.kind == "strict"] for literal in literals}
    # what each literal is contested by does not change between rounds: gathered once, not on every round
    contests = {
        literal: _Contest(
            [i for i in outcome.rules_for(literal) if i.kind != "defeater"],
            outcome.contraries(literal),
            outcome.attackers(literal),
        )
        for literal in literals
    }
    changed = True
    while changed:
        changed = False
        for literal in literals:
            if literal not in outcome.definitely and (
                literal in outcome.facts or any(all(b in outcome.definitely for b in i.body) for i in strict[literal])
            ):
                outcome.definitely.add(literal)
                changed = True
            if literal not in outcome.not_definitely and literal not in outcome.facts and all(
                any(b in outcome.not_definitely for b in i.body) for i in strict[literal]
            ):
                outcome.not_definitely.add(literal)
                changed = True
            if outcome.policy == "propagating":
                changed |= _support_step(outcome, literal, contests[literal])
            changed |= _defeasible_step(outcome, literal, contests[literal])
    return outcome


@dataclass(frozen=True)
class _Contest:
    """A literal's rules (defeaters aside), its contraries, and the rules for them (defeaters included)."""

    supporting: list[Instance]
    contraries: list[GroundAtom]
    attackers: list[Instance]


def _defeasible_step(outcome: Outcome, literal: GroundAtom, contest: _Contest) -> bool:
    changed = False
    supporting, contraries, attackers = contest.supporting, contest.contraries, contest.attackers
    propagating = outcome.policy == "propagating"
    if literal not in outcome.defeasibly:
        applicable = [i for i in supporting if outcome.applicable(i)]
        if literal in outcome.definitely or (
            applicable
            and all(c in outcome.not_definitely for c in contraries)
            and all(
                (_unsupported(outcome, attacker) if propagating else outcome.discarded(attacker))
                or any(outcome.beats(winner, attacker) for winner in applicable)
                for attacker in attackers
            )
        ):
            outcome.defeasibly.add(literal)
            changed = True
    if literal not in outcome.not_defeasibly and literal in outcome.not_definitely:
        if (
            all(outcome.discarded(i) for i in supporting)
            or any(c in outcome.definitely for c in contraries)
            or any(
                (_all_supported(outcome, attacker) if propagating else outcome.applicable(attacker))
                and all(outcome.discarded(t) or not outcome.beats(t, attacker) for t in supporting)
                for attacker in attackers
            )
        ):
            outcome.not_defeasibly.add(literal)
            changed = True
    return changed


def _unsupported(outcome: Outcome, instance: Instance) -> bool:
    return any(condition in outcome.not_supported for condition in instance.body)


def _all_supported(outcome: Outcome, instance: Instance) -> bool:
    return all(condition in outcome.supported for condition in instance.body)


def _support_step(outcome: Outcome, literal: GroundAtom, contest: _Contest) -> bool:
    """Support (+Σ, -Σ), for ambiguity propagation: a chain of rules not beaten by an applicable attacker."""
    changed = False
    supporting, attackers = contest.supporting, contest.attackers
    if literal not in outcome.supported and (
        literal in outcome.definitely
        or any(
            _all_supported(outcome, rule)
            and all(outcome.discarded(s) or not outcome.beats(s, rule) for s in attackers)
            for rule in supporting
        )
    ):
        outcome.supported.add(literal)
        changed = True
    if literal not in outcome.not_supported and literal in outcome.not_definitely and all(
        _unsupported(outcome, rule) or any(outcome.applicable(s) and outcome.beats(s, rule) for s in attackers)
        for rule in supporting
    ):
        outcome.not_supported.add(literal)
        changed = True
    return changed


# --- evaluation ----------------------------------------------------------------------------------------------------


def evaluate(
    engine: Engine,
    plain_strata: tuple[tuple[Rule, ...], ...],
    layer: Layer,
    facts: Mapping[PredicateKey, frozenset[Row]],
    budget: int = 0,
    seconds: float = 0,
    policy: Policy = "blocking",
    specificity: bool = False,
) -> tuple[Model, Outcome]:
    """The model (the plain part's atoms and the layer's +∂ atoms) and the layer's conclusions."""
    grounded = aggregates.evaluate(engine, plain_strata, facts, budget, seconds)
    layer_facts = frozenset(
        GroundAtom(key[0], row) for key, rows in facts.items() if key in layer.keys for row in rows
    )
    outcome = decide(Outcome(policy, layer_facts, instances(layer, grounded), layer), specificity)
    relations: dict[PredicateKey, set[Row]] = defaultdict(set)
    for key, rows in grounded.relations.items():
        if not key[0].startswith(GENERATED_PREFIX) and key not in layer.keys:
            relations[key].update(rows)
    for literal in outcome.defeasibly:
        relations[literal.key].add(literal.arguments)
    return Model({key: frozenset(rows) for key, rows in relations.items() if rows}), outcome
