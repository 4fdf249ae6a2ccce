"""Why-not answers: why a ground atom (or any instance of a pattern) does not follow.

For the goal, in order:

1. it does follow -> status `follows`, with its proof (the question was mistaken; not an error);
2. no rule concludes its predicate -> `not_a_fact` for an input predicate (declared `input` or stated by facts),
   else `no_rule`;
3. no rule's head fits the goal (a constant or repeated variable in the head disagrees) -> `no_rule`;
4. otherwise `rules_fail`: for every rule whose head fits, the bindings tried -- the head unified with the goal,
   then each way of satisfying the body from left to right (see `lexlog.kb.matching` for the order) -- each with
   the FIRST body condition that fails under it:

   * a positive atom with no instance in the model: a nested why-not of that atom (a pattern when some of its
     variables are still unbound), explored to `depth` levels, then `cut_off`; a goal already being explained
     further up is `see_above` (cycles in the rules terminate);
   * a negated atom that does follow: the proof of the atom that holds;
   * a comparison that is false or undefined: the comparison with its values;
   * for a head with arithmetic, a body that holds but whose head value is not the goal's.

At most `max_bindings` failing bindings are detailed per rule; `omitted` counts the rest.
"""

from __future__ import annotations

from typing import Iterable, Optional, Union

from lexlog.grammar.printer import print_atom, print_body_item
from lexlog.grammar.tree import Aggregate, Atom, Comparison, Literal, Rule
from lexlog.kb.engines.base import Model
from lexlog.kb.atoms import ANONYMOUS_NAME, source_text, AtomPattern, GroundAtom, ground_atom
from lexlog.kb.explanation import Failure, HeadMismatch, RuleAttempt, Vocabulary, WhyNot
from lexlog.kb.matching import (
    STEP_AGGREGATE,
    STEP_ASSIGN,
    STEP_ATOM,
    STEP_FILTER,
    STEP_NEGATION,
    Binding,
    head_instance,
    plan_body,
    solve,
    unify_head,
)
from lexlog.kb.proofs import (
    FactsArgument,
    InconsistentModel,
    Prover,
    atom_pattern,
    binding_items,
    comparison_check,
    prover_for,
)

DEFAULT_DEPTH = 2
DEFAULT_MAX_BINDINGS = 5


class WhyNotBuilder:
    """Why-not answers over one model (a `Prover` supplies the index, the wording and the proofs)."""

    def __init__(self, prover: Prover, depth: int = DEFAULT_DEPTH, max_bindings: int = DEFAULT_MAX_BINDINGS) -> None:
        if depth < 0:
            raise ValueError("depth must be at least 0")
        if max_bindings < 1:
            raise ValueError("max_bindings must be at least 1")
        self.prover = prover
        self.depth = depth
        self.max_bindings = max_bindings
        self._memo: dict[AtomPattern, tuple[WhyNot, int]] = {}

    def explain(self, goal: AtomPattern) -> WhyNot:
        return self._explain(goal, self.depth, ())

    def _first_row(self, goal: AtomPattern):
        bound = [(position, value) for position, value in enumerate(goal.arguments) if value is not None]
        for row in self.prover.index.match(goal.key, bound):
            if goal.matches(row):
                return row
        return None

    def _explain(self, goal: AtomPattern, depth: int, path: tuple[AtomPattern, ...]) -> WhyNot:
        prover = self.prover
        reading = prover.reading(goal)
        row = self._first_row(goal)
        if row is not None:
            return WhyNot(goal, reading, "follows", proof=prover.prove(GroundAtom(goal.predicate, row)))
        rules = prover.rules_for(goal.key)
        declaration = prover.vocabulary.declaration(goal.key)
        input_predicate = (declaration is not None and declaration.kind == "input") or (
            goal.key in prover.fact_predicates()
        )
        if not rules:
            return WhyNot(goal, reading, "not_a_fact" if input_predicate else "no_rule", input_predicate=input_predicate)
        fitting = [rule for rule in rules if unify_head(rule.head, goal.arguments) is not None]
        if not fitting:
            return WhyNot(goal, reading, "no_rule", rules_for_predicate=len(rules), input_predicate=input_predicate)
        if goal in path:
            return WhyNot(goal, reading, "see_above", rules_for_predicate=len(rules), input_predicate=input_predicate)
        if depth < 0:
            return WhyNot(goal, reading, "cut_off", rules_for_predicate=len(rules), input_predicate=input_predicate)
        memo = self._memo.get(goal)
        if memo is not None and memo[1] >= depth:
            return memo[0]
        inner_path = path + (goal,)
        attempts = tuple(self._attempt(rule, goal, depth, inner_path) for rule in fitting)
        node = WhyNot(
            goal, reading, "rules_fail", attempts, rules_for_predicate=len(rules), input_predicate=input_predicate
        )
        self._memo[goal] = (node, depth)
        return node

    def _attempt(self, rule: Rule, goal: AtomPattern, depth: int, path: tuple[AtomPattern, ...]) -> RuleAttempt:
        prover = self.prover
        start = unify_head(rule.head, goal.arguments)
        assert start is not None
        steps = plan_body(rule.body, start.keys())
        types = prover.types(rule.body)
        failures: list[Failure] = []
        count = 0

        seen: set[tuple[int, tuple]] = set()

        def on_fail(number: int, binding: Binding) -> None:
            nonlocal count
            items = binding_items(binding, rule)
            # Bindings that differ only in an anonymous variable fail the same way: say it once.
            visible = tuple(item for item in items if not ANONYMOUS_NAME.fullmatch(item[0]))
            if (number, visible) in seen:
                return
            seen.add((number, visible))
            count += 1
            if len(failures) >= self.max_bindings:
                return
            step = steps[number]
            item = step.item
            condition = source_text(print_body_item(item))
            if step.mode == STEP_ATOM:
                assert isinstance(item, Literal)
                pattern = atom_pattern(item.atom, binding)
                detail = self._explain(pattern, depth - 1, path)
                failures.append(Failure(items, step.index, condition, "missing", detail))
            elif step.mode == STEP_NEGATION:
                assert isinstance(item, Literal)
                proof = prover.proof_of_match(item.atom, binding)
                if proof is None:  # pragma: no cover - the negation failed, so a row matched
                    raise InconsistentModel(f"{condition} failed, yet nothing matches it")
                failures.append(Failure(items, step.index, condition, "present", proof))
            elif step.mode == STEP_FILTER:
                assert isinstance(item, Comparison)
                failures.append(Failure(items, step.index, condition, "comparison", comparison_check(item, binding, types)))
            elif step.mode == STEP_AGGREGATE:
                assert isinstance(item, Aggregate)
                failures.append(Failure(items, step.index, condition, "aggregate", prover.aggregate_check(item, binding)))
            elif step.mode == STEP_ASSIGN:
                assert isinstance(item, Comparison)
                # an assignment fails only when its value is undefined (division by zero, arithmetic on a string)
                failures.append(Failure(items, step.index, condition, "comparison", comparison_check(item, binding, types)))
            else:  # pragma: no cover
                raise ValueError(step.mode)

        for binding in solve(steps, start, prover.index, prover.index, on_fail):
            row = head_instance(rule.head, binding)
            if row is not None and goal.matches(row) and prover.outcome is not None and goal.key in prover.outcome.layer.keys:
                count += 1
                if len(failures) < self.max_bindings:
                    defeat = prover.overruled(rule, GroundAtom(rule.head.predicate, row))
                    failures.append(Failure(binding_items(binding, rule), -1, print_atom(rule.head), "defeated", defeat))
                continue
            if row is not None and goal.matches(row):
                raise InconsistentModel(
                    f"the rule {print_atom(rule.head)} :- ... concludes {goal.text} under {dict(binding)}, "
                    "but the model lacks it"
                )
            count += 1
            if len(failures) < self.max_bindings:
                computed = None if row is None else GroundAtom(rule.head.predicate, row)
                failures.append(
                    Failure(binding_items(binding, rule), -1, print_atom(rule.head), "head", HeadMismatch(computed))
                )
        return RuleAttempt(prover.rule_ref(rule), binding_items(start, rule), tuple(failures), count - len(failures))


def why_not(
    goal: Union[GroundAtom, AtomPattern, Atom, tuple],
    rules: Iterable[Rule],
    model: Model,
    facts: FactsArgument = None,
    vocabulary: Optional[Vocabulary] = None,
    depth: int = DEFAULT_DEPTH,
    max_bindings: int = DEFAULT_MAX_BINDINGS,
) -> WhyNot:
    """Why `goal` does not follow (see the module documentation); a `WhyNot` with status `follows` if it does.

    `goal` is a ground atom, or a pattern (a tree `Atom` with variables, or an `AtomPattern` with None) meaning
    "any instance".  `depth` bounds the nesting of why-nots for missing sub-goals (0: none explored).
    """
    prover = prover_for(rules, model, facts, vocabulary)
    return explain_absence(prover, goal, depth, max_bindings)


def explain_absence(
    prover: Prover,
    goal: Union[GroundAtom, AtomPattern, Atom, tuple],
    depth: int = DEFAULT_DEPTH,
    max_bindings: int = DEFAULT_MAX_BINDINGS,
) -> WhyNot:
    """`why_not` with a `Prover` in hand."""
    return WhyNotBuilder(prover, depth, max_bindings).explain(ground_atom(goal))
