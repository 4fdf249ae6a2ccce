"""Fuzzing a knowledge base for violations of its integrity constraints.

The one implementation behind `lexlog fuzz` (and anything else that fuzzes, such as the tests). It draws case
postures from the knowledge base's input vocabulary (`lexlog.kb.postures`) until one makes some `constraint` hold,
shrinks that posture to a 1-minimal one (no single fact can be left out), and the result prints it as a
ready-to-load case file together with the explanation of the violation: a proof of each positive condition of the
constraint's body under the violating binding, a why-not of each negated one.

The search. One `random.Random(seed)` draws every posture (`PostureSpace.random_atoms`: the support of a few
conclusions or constraint bodies, plus noise facts), so a seed gives the same search. Postures are decided a chunk
at a time, every posture of a chunk a case of one evaluation on the one knowledge base loaded at the start
(`ViolationJudge`; `lexlog.kb.cases_together.violated_cases`, each constraint compiled into a rule concluding
`#violated(Case, N)`): a posture costs a fraction of its own evaluation, and no file is parsed again. The search
stops at the first chunk with a violating posture and takes its smallest one.

Shrinking (`shrink`) drops blocks of facts, then single facts, while a violation remains (delta debugging), moves
values towards the front of their sort's domain (the constants the files use, then `order1` before `order2`), and
drops facts again; each step decides all of its candidates in one evaluation.

Why not hypothesis, which this module used before: drawing its ~150 choices per posture took more time than
deciding the posture, it hands over one posture at a time (so nothing could be decided together), its shrinking
works on its choices rather than on the facts (a 1-minimal posture needed a pass of our own anyway), and it kept a
database in the current directory (`.hypothesis/`). The property tests of the bundled law still use it, through
`lexlog.kb.postures.posture_strategy`.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import AbstractSet, Optional, Sequence, Union

from lexlog.grammar import print_atom, print_value
from lexlog.grammar.printer import print_citation
from lexlog.grammar.tree import Aggregate, Atom, BinaryOperation, Call, Comparison, Constant, Constraint, Literal, Term, Value, Variable
from lexlog.kb import cases_together
from lexlog.kb.diagnostics import LexlogError
from lexlog.kb.engines.base import EvaluationBudgetExceeded, PredicateKey, Row
from lexlog.kb.atoms import GroundAtom
from lexlog.kb.explanation import Proof, WhyNot
from lexlog.kb.knowledge_base import KnowledgeBase, Violation
from lexlog.kb.postures import Posture, PostureSpace, case_file

Explanation = Union[Proof, WhyNot]


# --- explaining a violation ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionReason:
    """One condition of a violated constraint's body, instantiated by the violating binding, and why it holds:
    a proof (positive atom), a why-not (negated atom), or nothing (a comparison, whose values say it all)."""

    condition: str
    explanation: Optional[Explanation]


def explain_violation(knowledge_base: KnowledgeBase, violation: Violation) -> list[ConditionReason]:
    """Why each condition of the constraint's body holds under the violation's binding."""
    binding = violation.binding
    reasons = []
    for item in violation.constraint.body:
        if isinstance(item, Comparison):
            left, right = _substitute(item.left, binding), _substitute(item.right, binding)
            reasons.append(ConditionReason(f"{_term_text(left)} {item.operator} {_term_text(right)}", None))
            continue
        atom = Atom(item.atom.predicate, tuple(_substitute(argument, binding) for argument in item.atom.arguments))
        if item.negated:
            reasons.append(ConditionReason(f"not {print_atom(atom)}", knowledge_base.why_not(atom)))
            continue
        named = _name_open(atom)
        answers = knowledge_base.query((Literal(named),)).answers
        ground = Atom(named.predicate, tuple(_substitute(argument, answers[0] if answers else {}) for argument in named.arguments))
        reasons.append(ConditionReason(print_atom(ground), knowledge_base.explain(ground)))
    return reasons


def violation_heading(violation: Violation) -> str:
    """`constraint stayed_yet_permitted is violated with D = defendant1, R = request1`."""
    binding = ", ".join(f"{name} = {print_value(value)}" for name, value in violation.binding.items())
    return f"constraint {violation.constraint.name} is violated" + (f" with {binding}" if binding else "")


def render_violation(knowledge_base: KnowledgeBase, violation: Violation, colour: bool = False) -> str:
    """The violation as text: the heading, the constraint's citations and notes, then each condition with its reason."""
    from lexlog.kb.render import note_text, render

    lines = [violation_heading(violation)]
    citations = violation.constraint.annotations.citations
    if citations:
        lines.append("  cited: " + ", ".join(print_citation(citation) for citation in citations))
    lines.extend("  " + note_text(note) for note in violation.constraint.annotations.notes)
    for reason in explain_violation(knowledge_base, violation):
        if reason.explanation is None:
            lines.append(f"  - {reason.condition}: holds")
            continue
        lines.append(f"  - {reason.condition}:")
        text = render(reason.explanation, "text", colour=colour)
        lines.extend("      " + line for line in text.splitlines())
    return "\n".join(lines)


def _substitute(term: Term, binding: dict[str, Value]) -> Term:
    if isinstance(term, Variable) and term.name in binding:
        return Constant(binding[term.name])
    if isinstance(term, BinaryOperation):
        return BinaryOperation(term.operator, _substitute(term.left, binding), _substitute(term.right, binding))
    if isinstance(term, Call):
        return Call(term.function, tuple(_substitute(argument, binding) for argument in term.arguments))
    return term


def _term_text(term: Term) -> str:
    from lexlog.grammar import print_term

    return print_term(term)


def _name_open(atom: Atom) -> Atom:
    """Each anonymous variable given its own name, so that a query reports its value."""
    arguments = tuple(
        Variable(f"Open_{index}") if isinstance(argument, Variable) and argument.name.startswith("_") else argument
        for index, argument in enumerate(atom.arguments)
    )
    return Atom(atom.predicate, arguments, atom.span)


# --- the search ---------------------------------------------------------------------------------------------------

FIRST_CHUNK = 25
"""Postures decided in the first evaluation: a violation that is easy to reach is found at once ..."""
CHUNK = 200
"""... then twice as many each time, up to this many: past it an evaluation gets no cheaper per posture."""
DENSITY = 0.3
"""The chance that a posture has noise facts of a given input predicate (`PostureSpace.random_atoms`)."""


@dataclass
class FuzzTimings:
    """Where a fuzzing run's time went, in seconds: building the space and the evaluation (`setup`), drawing the
    search's postures (`generating`), deciding them (`evaluating`), and shrinking the first violating one."""

    setup: float = 0.0
    generating: float = 0.0
    evaluating: float = 0.0
    shrinking: float = 0.0


@dataclass
class FuzzResult:
    """What a fuzzing run found: the minimal violating posture (or none), and how many postures it tried: those
    drawn in the search, and `shrink_tried` smaller ones while shrinking."""

    files: list[str]
    seed: int
    max_examples: int
    tried: int
    seconds: float
    constraints: int
    space: PostureSpace
    posture: Optional[Posture] = None
    knowledge_base: Optional[KnowledgeBase] = None  # the knowledge base under the minimal posture
    violations: list[Violation] = field(default_factory=list)
    shrink_tried: int = 0
    preconditions: tuple[str, ...] = ()  # the constraints over inputs alone, taken as preconditions (`preconditions`)
    unshrunk_facts: int = 0  # the facts of the violating posture found, before shrinking
    timings: FuzzTimings = field(default_factory=FuzzTimings)

    @property
    def found(self) -> bool:
        return self.posture is not None

    @property
    def rate(self) -> float:
        return self.tried / self.seconds if self.seconds > 0 else float("inf")

    def statistics(self) -> str:
        """`tried 2000 postures in 1.6 s (1250 postures/s), seed 0`."""
        return f"tried {self.tried} postures in {self.seconds:.1f} s ({self.rate:.0f} postures/s), seed {self.seed}"

    def case_file(self, explain: bool = True) -> str:
        """The minimal posture as a ready-to-load case file: the violated constraints and (with `explain`) their
        explanations as `%` comments, an include for each file, then the facts."""
        assert self.posture is not None and self.knowledge_base is not None
        comments = ["lexlog fuzz: a minimal posture under which an integrity constraint is violated"]
        comments.append(f"(seed {self.seed}; {self.tried} postures tried)")
        for violation in self.violations:
            comments.append("")
            comments.append(render_violation(self.knowledge_base, violation) if explain else violation_heading(violation))
        return case_file(self.posture, self.files, comments, self.space.predicate_order)


def fuzz_knowledge_base(
    knowledge_base: KnowledgeBase,
    max_examples: int = 1000,
    seed: int = 0,
    max_rows: int = 4,
    fresh: int = 3,
    files: Sequence[str] = (),
) -> FuzzResult:
    """Search postures of the knowledge base's inputs for a violated integrity constraint; shrink it.

    Deterministic for a given `seed`. `files` are the files the case file should include (default: the
    knowledge base's own files). Raises LexlogError only if the knowledge base itself cannot be evaluated.
    """
    started = time.perf_counter()
    files = list(files) or knowledge_base.files
    space = PostureSpace.of(knowledge_base, fresh)
    constraints = len(knowledge_base.program.of_type(Constraint))
    result = FuzzResult(files, seed, max_examples, 0, 0.0, constraints, space)
    if constraints:
        judge = ViolationJudge(knowledge_base)
        result.preconditions = tuple(sorted(judge.preconditions))
        result.timings.setup = time.perf_counter() - started
        first = _search(space, judge, random.Random(seed), max_examples, max_rows, result.timings)
        if first is not None:
            shrinking = time.perf_counter()
            searched = judge.decided
            result.unshrunk_facts = len(set(first))
            result.posture = shrink(first, judge, space)
            result.shrink_tried = judge.decided - searched
            result.timings.shrinking = time.perf_counter() - shrinking
            result.knowledge_base = knowledge_base.suppose_ground(result.posture.atoms)
            result.violations = [v for v in result.knowledge_base.violations() if v.constraint.name not in judge.preconditions]
            if not result.violations:  # the evaluation of many postures together disagrees with a posture's own
                facts = result.posture.facts_text()
                raise RuntimeError(f"lexlog fuzz: a posture decided as violating violates nothing alone:\n{facts}")
        result.tried = judge.decided
    result.seconds = time.perf_counter() - started
    return result


def preconditions(knowledge_base: KnowledgeBase) -> frozenset[str]:
    """The constraints whose bodies name only input predicates that no rule concludes (`constraint two_domiciles :-
    domicile(P, A), domicile(P, B), A != B.`): they say which postures can happen, not what the rules must never
    conclude, so fuzz draws only postures that meet them and reports only the other constraints."""
    inputs = {d.key for d in knowledge_base.declarations if d.kind == "input"}
    inputs -= {rule.head.key for rule in knowledge_base.rules}
    found = set()
    for constraint in knowledge_base.program.of_type(Constraint):
        atoms = [item.atom for item in constraint.body if isinstance(item, Literal)]
        atoms += [inner.atom for item in constraint.body if isinstance(item, Aggregate) for inner in item.body if isinstance(inner, Literal)]
        if atoms and all(atom.key in inputs for atom in atoms):
            found.add(constraint.name)
    return frozenset(found)


def _search(
    space: PostureSpace,
    judge: "ViolationJudge",
    rng: random.Random,
    max_examples: int,
    max_rows: int,
    timings: FuzzTimings,
) -> Optional[list[GroundAtom]]:
    """Draw up to `max_examples` postures, a chunk at a time, each chunk decided in one evaluation; the smallest
    violating posture of the first chunk with one (the first drawn of the smallest), or None."""
    drawn, size = 0, FIRST_CHUNK
    while drawn < max_examples:
        generating = time.perf_counter()
        chunk = [space.random_atoms(rng, max_rows, DENSITY) for _ in range(min(size, max_examples - drawn))]
        evaluating = time.perf_counter()
        verdicts = judge.violating(chunk)
        timings.generating += evaluating - generating
        timings.evaluating += time.perf_counter() - evaluating
        drawn += len(chunk)
        violating = [atoms for atoms, violated in zip(chunk, verdicts) if violated]
        if violating:
            return min(violating, key=lambda atoms: len(set(atoms)))
        size = min(2 * size, CHUNK)
    return None


class ViolationJudge:
    """Decides which postures violate an integrity constraint, many at a time (`violating`), and counts them.

    The postures of one call are cases of one evaluation (`lexlog.kb.cases_together.violated_cases`: every
    constraint a rule concluding `#violated(Case, N)`), on a backend that reads back only those atoms. A program
    with a defeasible part, which is decided per case after its backend evaluation, and a call whose cases together
    exceed the evaluation budget that each keeps to alone, are decided one posture at a time, as `lexlog test` would
    (`KnowledgeBase.suppose_ground(...).violations()`).
    """

    def __init__(self, knowledge_base: KnowledgeBase) -> None:
        self.knowledge_base = knowledge_base
        self.decided = 0
        constraints = knowledge_base.program.of_type(Constraint)
        self.preconditions = preconditions(knowledge_base)
        self.precondition_numbers = frozenset(n for n, c in enumerate(constraints) if c.name in self.preconditions)
        case_strata = knowledge_base.case_strata()  # None: a defeasible part, decided per case
        self.one_at_a_time = case_strata is None
        if case_strata is not None:
            self.case_strata = case_strata
            violated = (cases_together.VIOLATED_PREDICATE, 2)
            self.engine = cases_together.engine_reading_only(knowledge_base.engine_name, violated, self.case_strata)
        self.base: dict[PredicateKey, set[Row]] = {}  # the facts of the files and the session, in every case
        for atom in knowledge_base.facts():
            self.base.setdefault(atom.key, set()).add(atom.arguments)

    def violating(self, postures: Sequence[Sequence[GroundAtom]]) -> list[bool]:
        """Whether each posture (input atoms) violates a constraint of the rules, and meets every precondition
        (`preconditions`): a posture the law says cannot happen shows no defect of the rules."""
        self.decided += len(postures)
        if not self.one_at_a_time:
            fact_sets = [self._facts(atoms) for atoms in postures]
            kb = self.knowledge_base
            try:
                found = cases_together.violated_cases(self.engine, self.case_strata, fact_sets, kb.budget, kb.seconds)
                return [_shows_a_defect(numbers, self.precondition_numbers) for numbers in found]
            except EvaluationBudgetExceeded:
                pass  # decided one at a time below, where a posture that alone exceeds the budget is an error
        return [self._counts(self.knowledge_base.suppose_ground(atoms).violations()) for atoms in postures]

    def _counts(self, violations: Sequence[Violation]) -> bool:
        return _shows_a_defect({violation.constraint.name for violation in violations}, self.preconditions)

    def _facts(self, atoms: Sequence[GroundAtom]) -> dict[PredicateKey, list[Row]]:
        facts = {key: list(rows) for key, rows in self.base.items()}
        for atom in atoms:
            facts.setdefault(atom.key, []).append(atom.arguments)
        return facts


def _shows_a_defect(violated: AbstractSet[object], preconditions: AbstractSet[object]) -> bool:
    """A posture violating `violated` (constraints, by name or number) shows a defect of the rules: it violates one
    that is not a precondition, and meets every precondition (a posture the law says cannot happen shows none)."""
    return bool(violated - preconditions) and not violated & preconditions


# --- shrinking ----------------------------------------------------------------------------------------------------


def shrink(atoms: Sequence[GroundAtom], judge: ViolationJudge, space: PostureSpace) -> Posture:
    """A 1-minimal posture within a violating one: facts dropped while a violation remains, then values replaced
    by earlier ones of their sort's domain (the constants the files use come first, then `order1` before
    `order2`), then facts dropped again, so that no single fact of the result can be left out. Each step decides
    all its candidates in one evaluation."""
    posture = _one_minimal(Posture.of(atoms), judge)
    return _one_minimal(_simpler_values(posture, judge, space), judge)


def _one_minimal(posture: Posture, judge: ViolationJudge) -> Posture:
    """Drop facts while a violation remains, a block at a time (delta debugging): split the facts into `parts`
    blocks and keep the first posture without one block that still violates, with one block fewer; if none does,
    split finer. At one fact a block, a posture that keeps none is one from which no single fact can go."""
    atoms = list(posture.atoms)
    parts = 2
    while atoms:
        parts = min(parts, len(atoms))
        size = -(-len(atoms) // parts)  # ceiling: `parts` blocks at most
        candidates = [atoms[:start] + atoms[start + size :] for start in range(0, len(atoms), size)]
        kept = next((c for c, violated in zip(candidates, judge.violating(candidates)) if violated), None)
        if kept is not None:
            atoms, parts = kept, max(parts - 1, 2)
        elif size > 1:
            parts = 2 * parts
        else:
            break
    return Posture.of(atoms)


def _simpler_values(posture: Posture, judge: ViolationJudge, space: PostureSpace) -> Posture:
    """Replace a value (everywhere it stands in a position of its sort) by an earlier one of the sort's domain
    while a violation remains: each step lowers a value's place in its domain, so this ends."""
    sorts = {predicate.key: predicate.sorts for predicate in space.predicates}
    while True:
        candidates = []
        for value, sort in _values_with_sorts(posture, sorts):
            domain = space.domains[sort]
            if value in domain:
                for simpler in domain[: domain.index(value)]:
                    candidates.append(_replaced(posture, sorts, sort, value, simpler))
        if not candidates:
            return posture
        verdicts = judge.violating([candidate.atoms for candidate in candidates])
        simpler_posture = next((candidate for candidate, violated in zip(candidates, verdicts) if violated), None)
        if simpler_posture is None:
            return posture
        posture = simpler_posture


def _values_with_sorts(posture: Posture, sorts: dict[PredicateKey, tuple[str, ...]]) -> list[tuple[Value, str]]:
    """Each (value, sort) of the posture's arguments, in order of first appearance."""
    found: dict[tuple[Value, str], None] = {}
    for atom in posture.atoms:
        for value, sort in zip(atom.arguments, sorts.get(atom.key, ())):
            found.setdefault((value, sort), None)
    return list(found)


def _replaced(
    posture: Posture, sorts: dict[PredicateKey, tuple[str, ...]], sort: str, old: Value, new: Value
) -> Posture:
    """The posture with `new` for `old` wherever `old` stands in a position of `sort`."""
    atoms = []
    for atom in posture.atoms:
        row_sorts = sorts.get(atom.key, ())
        row = tuple(new if value == old and of == sort else value for value, of in zip(atom.arguments, row_sorts))
        atoms.append(GroundAtom(atom.predicate, row) if row_sorts else atom)
    return Posture.of(atoms)


def fuzz_files(paths: Sequence[str], engine: Optional[str] = None, **options) -> FuzzResult:
    """Load the files into one knowledge base and fuzz it. Raises LexlogError if they do not load."""
    knowledge_base = KnowledgeBase.from_files(paths, engine) if engine else KnowledgeBase.from_files(paths)
    return fuzz_knowledge_base(knowledge_base, files=paths, **options)


__all__ = [
    "ConditionReason",
    "FuzzResult",
    "FuzzTimings",
    "LexlogError",
    "ViolationJudge",
    "explain_violation",
    "fuzz_knowledge_base",
    "fuzz_files",
    "render_violation",
    "shrink",
    "violation_heading",
]
