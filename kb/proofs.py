"""Proofs: why a ground atom follows, as a well-founded tree of rule instances down to facts.

Once per model, `Prover` computes the derivation *rank* of every atom by a semi-naive pass over the rules
restricted to the model: base facts have rank 0; in round k every rule instance whose positive body atoms are
already ranked, with at least one of rank k-1, concludes its head at rank k unless the head already has a rank.
Negated atoms are read as "absent from the model" (the model is final, so no stratification is needed).  The
instance that first concludes an atom is remembered; its positive premises all have strictly smaller rank, so a
proof built from these instances is acyclic (cyclic data such as `edge(a, b). edge(b, a).` cannot make it loop)
and of the smallest height the model allows.

Proofs are built bottom-up with an explicit stack (a 10,000-step chain needs no recursion), and each atom's proof
is one shared node (see `lexlog.kb.explanation`).
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Iterable, Mapping, Optional, Sequence, Union

from lexlog.grammar.printer import print_body_item, print_term
from lexlog.grammar.tree import Aggregate, Atom, BodyItem, Comparison, Literal, Rule, Term, Value, Variable, term_variables
from lexlog.kb import arithmetic
from lexlog.kb.engines.base import Model, PredicateKey, Row
from lexlog.kb.atoms import source_text, FILE_FACT, AtomPattern, FactOrigin, GroundAtom, ground_atom, make_pattern
from lexlog.kb.explanation import (
    EMPTY_VOCABULARY,
    AbsentCheck,
    AggregateCheck,
    BindingItems,
    ComparisonCheck,
    Defeat,
    FactLeaf,
    Premise,
    Proof,
    RuleRef,
    RuleStep,
    Vocabulary,
    rule_ref,
)
from lexlog.kb.matching import (
    STEP_ATOM,
    Binding,
    ModelIndex,
    aggregate_contributions,
    aggregate_result,
    RowIndex,
    comparison_values,
    first_match,
    head_instance,
    match_atom,
    pattern_of,
    plan_body,
    row_sort_key,
    solve,
    unify_head,
)

if TYPE_CHECKING:
    from lexlog.kb.defeasible import Instance, Outcome

FactsArgument = Union[Mapping[GroundAtom, FactOrigin], Iterable[GroundAtom], None]


class NotDerivable(ValueError):
    """The atom asked to be proved is not in the model."""


class InconsistentModel(RuntimeError):
    """The model and the rules disagree: an atom of the model no fact or rule instance yields, or the reverse."""


def _facts_table(facts: FactsArgument) -> dict[GroundAtom, FactOrigin]:
    if facts is None:
        return {}
    if isinstance(facts, Mapping):
        return {ground_atom(atom): origin for atom, origin in facts.items()}  # type: ignore[misc]
    return {ground_atom(atom): FILE_FACT for atom in facts}  # type: ignore[misc]


def variable_order(rule: Rule) -> dict[str, int]:
    """Each variable's place of first occurrence in the rule (head first, then the body)."""
    from lexlog.grammar.tree import term_variables

    order: dict[str, int] = {}
    terms = list(rule.head.arguments)
    for item in rule.body:
        if isinstance(item, Literal):
            terms.extend(item.atom.arguments)
        elif isinstance(item, Aggregate):
            terms.append(item.result)  # the variables inside it are its own: the binding does not show them
        else:
            terms.extend((item.left, item.right))
    for term in terms:
        for variable in term_variables(term):
            order.setdefault(variable.name, len(order))
    return order


def binding_items(binding: Mapping[str, Value], rule: Optional[Rule] = None) -> BindingItems:
    """The binding as pairs: in the order the variables first occur in `rule`, else sorted by name."""
    if rule is None:
        return tuple(sorted(binding.items()))
    order = variable_order(rule)
    return tuple(sorted(binding.items(), key=lambda item: (order.get(item[0], len(order)), item[0])))


class Prover:
    """Proofs over one model: ranks computed once, proof nodes cached.

    `rules` are the program's normalised rules, `facts` the base facts with their origins (a mapping from
    `GroundAtom` to `FactOrigin`; a plain iterable of atoms means "from a file, place unknown").
    """

    def __init__(
        self,
        rules: Iterable[Rule],
        model: Model,
        facts: FactsArgument = None,
        vocabulary: Optional[Vocabulary] = None,
        outcome: Optional["Outcome"] = None,
    ) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        # a defeasible part's conclusions: proofs of its atoms then say what became of the rules for the contrary
        self.outcome = outcome
        self.model = model
        self.facts = _facts_table(facts)
        self.vocabulary = vocabulary or EMPTY_VOCABULARY
        self.index = ModelIndex(model)
        self._ranks: Optional[dict[tuple[PredicateKey, Row], int]] = None
        self._how: dict[tuple[PredicateKey, Row], tuple[Rule, BindingItems]] = {}
        self._proofs: dict[tuple[PredicateKey, Row], Proof] = {}
        self._rule_refs: dict[int, RuleRef] = {}
        self._rules_by_head: dict[PredicateKey, list[Rule]] = {}
        for rule in self.rules:
            self._rules_by_head.setdefault(rule.head.key, []).append(rule)
        self._types: dict[int, dict[str, str]] = {}

    # --- wording -------------------------------------------------------------------------------------------

    def rules_for(self, key: PredicateKey) -> Sequence[Rule]:
        return self._rules_by_head.get(key, ())

    def rule_ref(self, rule: Rule) -> RuleRef:
        ref = self._rule_refs.get(id(rule))
        if ref is None:
            ref = rule_ref(rule, self.vocabulary)
            self._rule_refs[id(rule)] = ref
        return ref

    def reading(self, atom: AtomPattern) -> Optional[str]:
        return self.vocabulary.reading(atom)

    def types(self, body: Sequence[BodyItem]) -> dict[str, str]:
        """`declared_types` of a rule body, worked out once per body (comparisons read them at every instance)."""
        found = self._types.get(id(body))
        if found is None:
            found = self._types[id(body)] = declared_types(body, self.vocabulary)
        return found

    def fact_predicates(self) -> set[PredicateKey]:
        return {atom.key for atom in self.facts}

    # --- ranks ---------------------------------------------------------------------------------------------

    @property
    def ranks(self) -> Mapping[tuple[PredicateKey, Row], int]:
        """The derivation rank of every atom of the model that a fact or rule instance yields."""
        if self._ranks is None:
            self._compute_ranks()
        assert self._ranks is not None
        return self._ranks

    def rank(self, atom: GroundAtom) -> Optional[int]:
        return self.ranks.get((atom.key, atom.row))

    def _compute_ranks(self) -> None:
        ranks: dict[tuple[PredicateKey, Row], int] = {}
        ranked = RowIndex()
        delta: dict[PredicateKey, list[Row]] = {}
        for atom in sorted(self.facts, key=lambda atom: (atom.key, row_sort_key(atom.row))):
            if self.model.holds(atom.predicate, atom.row) and (atom.key, atom.row) not in ranks:
                ranks[(atom.key, atom.row)] = 0
                ranked.add(atom.key, atom.row)
                delta.setdefault(atom.key, []).append(atom.row)

        # for each rule, its positive body atoms and the plan that starts from each of them
        positives: list[tuple[Rule, list[int]]] = []
        for rule in self.rules:
            indexes = [i for i, item in enumerate(rule.body) if isinstance(item, Literal) and not item.negated]
            positives.append((rule, indexes))
        plans: dict[tuple[int, int], tuple] = {}
        # Of the rule instances that conclude an atom in the same round, the proof takes one that rests on no rule
        # the library marks as its own reading (`@note library_reading`), where there is one: an explanation
        # should lead with what an authority states, not with the library's inference.
        own_readings = {id(rule) for rule in self.rules if rule.annotations.library_reading}
        leans_on_reading: set[tuple[PredicateKey, Row]] = set()

        def conclude(rule: Rule, binding: Binding, rank: int, new: dict[PredicateKey, list[Row]]) -> None:
            row = head_instance(rule.head, binding)
            if row is None:
                return
            key = rule.head.key
            earlier = ranks.get((key, row))
            if earlier is not None and not (earlier == rank and (key, row) in leans_on_reading):
                return
            if earlier is None and not self.model.holds(rule.head.predicate, row):
                return
            leans = bool(own_readings) and _leans_on_reading(rule, binding, own_readings, leans_on_reading)
            if earlier is not None and leans:
                return  # the instance found first leans on a reading too: keep it
            ranks[(key, row)] = rank
            self._how[(key, row)] = (rule, binding_items(binding, rule))
            if leans:
                leans_on_reading.add((key, row))
            else:
                leans_on_reading.discard((key, row))
            if earlier is None:
                new.setdefault(key, []).append(row)

        # round 1 also fires the rules without positive body atoms (facts written as rules, `p :- not q.`)
        new: dict[PredicateKey, list[Row]] = {}
        for rule, indexes in positives:
            if not indexes:
                for binding in solve(plan_body(rule.body), {}, ranked, self.index):
                    conclude(rule, binding, 1, new)
        rank = 1
        while delta or new:
            delta_index = RowIndex()
            for key, rows in delta.items():
                for row in rows:
                    delta_index.add(key, row)
            for rule_number, (rule, indexes) in enumerate(positives):
                for index in indexes:
                    literal = rule.body[index]
                    assert isinstance(literal, Literal)
                    rows = delta.get(literal.atom.key)
                    if not rows:
                        continue
                    steps = plans.get((rule_number, index))
                    if steps is None:
                        steps = plan_body(rule.body, (), first=index)
                        plans[(rule_number, index)] = steps
                    rest = steps[1:]
                    assert steps[0].mode == STEP_ATOM
                    for start in match_atom(literal.atom, {}, delta_index):
                        for binding in solve(rest, start, ranked, self.index):
                            conclude(rule, binding, rank, new)
            for key, rows in new.items():
                for row in rows:
                    ranked.add(key, row)
            delta = {key: sorted(rows, key=row_sort_key) for key, rows in new.items()}
            new = {}
            rank += 1
        self._ranks = ranks

    # --- proofs --------------------------------------------------------------------------------------------

    def holds(self, atom: GroundAtom) -> bool:
        return self.model.holds(atom.predicate, atom.row)

    def prove(self, atom: Union[GroundAtom, Atom, tuple]) -> Proof:
        """The proof of a ground atom of the model; raises `NotDerivable` if it is not in the model."""
        goal = ground_atom(atom)
        if not isinstance(goal, GroundAtom):
            raise ValueError(f"only a ground atom can be proved, not {goal.text}")
        if not self.holds(goal):
            raise NotDerivable(f"{goal.text} does not follow")
        ranks = self.ranks
        root = (goal.key, goal.row)
        if root not in ranks:
            raise InconsistentModel(f"{goal.text} is in the model, but no fact or rule instance yields it")
        # post-order over the chosen instances, with an explicit stack
        stack: list[tuple[tuple[PredicateKey, Row], bool]] = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if node in self._proofs:
                continue
            premises = self._premise_atoms(node)
            if not expanded:
                stack.append((node, True))
                for premise in premises:
                    if premise not in self._proofs:
                        stack.append((premise, False))
                continue
            self._proofs[node] = self._build(node)
        return self._proofs[root]

    def _premise_atoms(self, node: tuple[PredicateKey, Row]) -> list[tuple[PredicateKey, Row]]:
        how = self._how.get(node)
        if how is None or self._ranks.get(node) == 0:  # type: ignore[union-attr]
            return []
        rule, items = how
        binding = dict(items)
        premises = []
        for item in rule.body:
            if isinstance(item, Literal) and not item.negated:
                row = tuple(pattern_of(item.atom, binding))
                premises.append((item.atom.key, row))
            elif isinstance(item, Aggregate):
                for solution in aggregate_contributions(item, binding, self.index):
                    for inner in item.body:
                        if isinstance(inner, Literal) and not inner.negated:
                            premises.append((inner.atom.key, tuple(pattern_of(inner.atom, solution))))
        return premises  # type: ignore[return-value]

    def _build(self, node: tuple[PredicateKey, Row]) -> Proof:
        (predicate, _arity), row = node
        atom = GroundAtom(predicate, row)
        reading = self.reading(atom)
        if self.ranks[node] == 0:
            return FactLeaf(atom, reading, self.facts[atom])
        rule, items = self._how[node]
        binding = dict(items)
        premises: list[Premise] = []
        premises = self._premises(rule.body, binding)
        defeated = self.defeated_attackers(atom, rule) if self.outcome is not None else ()
        return RuleStep(atom, reading, self.rule_ref(rule), items, tuple(premises), self.ranks[node], defeated)

    # --- defeasible conclusions ------------------------------------------------------------------------------

    def defeated_attackers(self, atom: GroundAtom, proof_rule: Optional[Rule] = None) -> tuple[Defeat, ...]:
        """Each rule for the contrary of a defeasibly concluded atom, and why it did not prevail. An overriding rule
        other than `proof_rule` (the one the proof shows) comes with the proofs of its conditions."""
        outcome = self.outcome
        assert outcome is not None
        if atom.key not in outcome.layer.keys or atom in outcome.definitely:
            return ()
        winners = [i for i in outcome.rules_for(atom) if i.kind != "defeater" and outcome.applicable(i)]
        found = []
        for attacker in outcome.attackers(atom):
            ref = self.rule_ref(attacker.rule)
            refuted = next((c for c in attacker.body if c in outcome.not_defeasibly), None)
            unsupported = next((c for c in attacker.body if c in outcome.not_supported), None)
            winner = next((w for w in winners if outcome.beats(w, attacker)), None)
            defeater = attacker.kind == "defeater"
            if outcome.policy == "blocking" and refuted is not None:
                found.append(Defeat("inapplicable", ref, attacker.head, condition=refuted, defeater=defeater))
            elif outcome.policy == "propagating" and unsupported is not None:
                found.append(Defeat("unsupported", ref, attacker.head, condition=unsupported, defeater=defeater))
            elif winner is not None:
                # the overriding rule's own conditions, proved: the exception's footing is part of the answer
                premises = self._attacker_premises(winner) if winner.rule is not proof_rule else ()
                found.append(
                    Defeat("overridden", ref, attacker.head, by=self.rule_ref(winner.rule), premises=premises, defeater=defeater)
                )
        return tuple(found)

    def overruled(self, rule: Rule, atom: GroundAtom) -> Defeat:
        """Why a defeasible rule whose conditions hold does not conclude `atom` (see `Defeat`)."""
        outcome = self.outcome
        assert outcome is not None
        for contrary in outcome.contraries(atom):
            if contrary in outcome.definitely:
                proof = (self.prove(contrary),) if self.holds(contrary) else ()
                return Defeat("definite", None, contrary, premises=proof)
        own = next((i for i in outcome.rules_for(atom) if i.rule is rule), None)
        winners = [i for i in outcome.rules_for(atom) if i.kind != "defeater" and outcome.applicable(i)]
        propagating = outcome.policy == "propagating"
        for attacker in outcome.attackers(atom):
            counts = (
                all(c in outcome.supported for c in attacker.body) if propagating else outcome.applicable(attacker)
            )
            if counts and not any(outcome.beats(winner, attacker) for winner in winners):
                kind = "prevails" if own is not None and outcome.beats(attacker, own) else "conflicts"
                return Defeat(
                    kind,
                    self.rule_ref(attacker.rule),
                    attacker.head,
                    premises=self._attacker_premises(attacker),
                    defeater=attacker.kind == "defeater",
                )
        return Defeat("undecided", None, atom)

    def _attacker_premises(self, attacker: "Instance") -> tuple[Premise, ...]:
        """The proofs of an applicable attacker's conditions, under the first binding that gives its instance."""
        rule = attacker.rule
        start = unify_head(rule.head, attacker.head.arguments)
        if start is None:
            return ()
        for binding in solve(plan_body(rule.body, start.keys()), start, self.index, self.index):
            atoms = [
                GroundAtom(item.atom.predicate, tuple(pattern_of(item.atom, binding)))  # type: ignore[arg-type]
                for item in rule.body
                if isinstance(item, Literal) and not item.negated
            ]
            if not all(self.holds(atom) for atom in atoms):
                continue
            for atom in atoms:
                self.prove(atom)
            return tuple(self._premises(rule.body, binding))
        return ()

    def _premises(self, body: Sequence[BodyItem], binding: Mapping[str, Value]) -> list[Premise]:
        """One premise per body item under `binding` (the proofs of its positive atoms already built)."""
        premises: list[Premise] = []
        for item in body:
            if isinstance(item, Literal):
                if item.negated:
                    pattern = atom_pattern(item.atom, binding)
                    premises.append(AbsentCheck(pattern, self.reading(pattern), source_text(print_body_item(item))))
                else:
                    premises.append(self._proofs[(item.atom.key, tuple(pattern_of(item.atom, binding)))])  # type: ignore[arg-type]
            elif isinstance(item, Aggregate):
                premises.append(self._aggregate_check(item, binding))
            else:
                premises.append(comparison_check(item, binding, self.types(body)))
        return premises

    def aggregate_check(self, aggregate: Aggregate, binding: Mapping[str, Value]) -> AggregateCheck:
        """The aggregate under `binding` (its shared variables bound), with the proofs of what it took over."""
        for solution in aggregate_contributions(aggregate, binding, self.index):
            for inner in aggregate.body:
                if isinstance(inner, Literal) and not inner.negated:
                    self.prove(GroundAtom(inner.atom.predicate, tuple(pattern_of(inner.atom, solution))))  # type: ignore[arg-type]
        return self._aggregate_check(aggregate, binding)

    def _aggregate_check(self, aggregate: Aggregate, binding: Mapping[str, Value]) -> AggregateCheck:
        solutions = aggregate_contributions(aggregate, binding, self.index)
        values = tuple(None if aggregate.term is None else arithmetic.evaluate(aggregate.term, s) for s in solutions)
        inner = [premise for solution in solutions for premise in self._premises(aggregate.body, solution)]
        return AggregateCheck(
            aggregate.function,
            source_text(print_body_item(aggregate)),
            aggregate_result(aggregate, solutions),
            values,
            tuple(inner),
        )

    def proof_of_match(self, atom: Atom, binding: Mapping[str, Value]) -> Optional[Proof]:
        """The proof of the first atom of the model that `atom` matches under `binding` (open variables free)."""
        row = first_match(atom, binding, self.index)
        if row is None:
            return None
        return self.prove(GroundAtom(atom.predicate, row))


def atom_pattern(atom: Atom, binding: Mapping[str, Value]) -> AtomPattern:
    """A body atom under a binding: a `GroundAtom`, or a pattern whose open positions keep their variable names."""
    names = tuple(argument.name if isinstance(argument, Variable) else None for argument in atom.arguments)
    return make_pattern(atom.predicate, pattern_of(atom, binding), names)


def comparison_check(
    comparison: Comparison, binding: Mapping[str, Value], types: Mapping[str, str] = {}
) -> ComparisonCheck:
    """The comparison under `binding`; `types` (variable -> declared type, `declared_types`) types its sides."""
    left, right, holds = comparison_values(comparison, binding)
    return ComparisonCheck(
        comparison.operator,
        print_term(comparison.left),
        print_term(comparison.right),
        left,
        right,
        holds,
        _term_type(comparison.left, types),
        _term_type(comparison.right, types),
    )


def declared_types(body: Iterable[BodyItem], vocabulary: Vocabulary) -> dict[str, str]:
    """The declared type of each variable that stands as a whole argument of a body atom (`claim(P, D, C, Amount)`
    with `Amount: money` declared gives `{"Amount": "money"}`)."""
    types: dict[str, str] = {}
    for item in body:
        if not isinstance(item, Literal):
            continue
        declaration = vocabulary.declaration(item.atom.key)
        if declaration is None:
            continue
        for position, argument in enumerate(item.atom.arguments):
            type_name = declaration.type_of(position)
            if type_name is not None and isinstance(argument, Variable):
                types.setdefault(argument.name, type_name)
    return types


def _term_type(term: Term, types: Mapping[str, str]) -> Optional[str]:
    """A variable's declared type; for arithmetic, the type all its variables share (`A + B` of money is money)."""
    found = {types.get(variable.name) for variable in term_variables(term)}
    return found.pop() if len(found) == 1 else None


def _leans_on_reading(rule: Rule, binding: Binding, own_readings: set[int], leaning: set[tuple[PredicateKey, Row]]) -> bool:
    """Whether a rule instance is, or rests on an atom proved through, a rule the library marks as its own reading."""
    if id(rule) in own_readings:
        return True
    for item in rule.body:
        if isinstance(item, Literal) and not item.negated and (item.atom.key, pattern_of(item.atom, binding)) in leaning:
            return True
    return False


# --- one prover per model ----------------------------------------------------------------------------------------

_PROVERS: dict[int, tuple["weakref.ref[Model]", tuple[Rule, ...], int, int, Prover]] = {}


def _forget(key: int):
    def forget(_reference: object, provers: dict = _PROVERS) -> None:
        entry = provers.get(key)
        if entry is not None and entry[0]() is None:
            del provers[key]

    return forget


def prover_for(
    rules: Iterable[Rule],
    model: Model,
    facts: FactsArgument = None,
    vocabulary: Optional[Vocabulary] = None,
) -> Prover:
    """The cached `Prover` of this model (a new one if the model, rules, facts or vocabulary object changed)."""
    rules = tuple(rules)
    entry = _PROVERS.get(id(model))
    if entry is not None:
        reference, cached_rules, facts_id, vocabulary_id, prover = entry
        if (
            reference() is model
            and len(cached_rules) == len(rules)
            and all(a is b or a == b for a, b in zip(cached_rules, rules))
            and facts_id == id(facts)
            and vocabulary_id == id(vocabulary)
        ):
            return prover
    prover = Prover(rules, model, facts, vocabulary)
    key = id(model)
    _PROVERS[key] = (weakref.ref(model, _forget(key)), rules, id(facts), id(vocabulary), prover)
    return prover


def prove(
    atom: Union[GroundAtom, Atom, tuple],
    rules: Iterable[Rule],
    model: Model,
    facts: FactsArgument = None,
    vocabulary: Optional[Vocabulary] = None,
) -> Proof:
    """The proof that `atom` follows: a `FactLeaf` or a `RuleStep` (see `lexlog.kb.explanation`).

    Raises `NotDerivable` if the atom is not in the model.  Ranks and proofs are cached per model.
    """
    return prover_for(rules, model, facts, vocabulary).prove(atom)
