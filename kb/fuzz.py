"""Fuzzing a knowledge base for violations of its integrity constraints.

The one implementation behind `lexlog fuzz` (and anything else that fuzzes: the REPL, the property tests).
Hypothesis searches case postures generated from the knowledge base's input vocabulary (`lexlog.kb.postures`)
for one under which some `constraint` holds, shrinks it to a minimal posture, and the result prints it as a
ready-to-load case file together with the explanation of the violation: a proof of each positive condition of
the constraint's body under the violating binding, a why-not of each negated one.

Each posture is evaluated on the one knowledge base loaded at the start (`KnowledgeBase.suppose_ground`): no
file is parsed again per posture.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Optional, Sequence, Union

from lexlog.grammar import print_atom, print_value
from lexlog.grammar.printer import print_citation
from lexlog.grammar.tree import Atom, BinaryOperation, Call, Comparison, Constant, Constraint, Literal, Term, Value, Variable
from lexlog.kb.diagnostics import LexlogError
from lexlog.kb.explanation import Proof, WhyNot
from lexlog.kb.knowledge_base import KnowledgeBase, Violation
from lexlog.kb.postures import Posture, PostureSpace, case_file, posture_strategy

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


@dataclass
class FuzzResult:
    """What a fuzzing run found: the minimal violating posture (or none), and how many postures it tried."""

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

    @property
    def found(self) -> bool:
        return self.posture is not None

    @property
    def rate(self) -> float:
        return self.tried / self.seconds if self.seconds > 0 else float("inf")

    def statistics(self) -> str:
        """`tried 2000 postures in 9.1 s (220 postures/s), seed 0`."""
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
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis.errors import NoSuchExample

    files = list(files) or knowledge_base.files
    space = PostureSpace.of(knowledge_base, fresh)
    constraints = len(knowledge_base.program.of_type(Constraint))
    tried = 0

    def violated(posture: Posture) -> bool:
        nonlocal tried
        tried += 1
        return bool(knowledge_base.suppose_ground(posture.atoms).violations())

    started = time.perf_counter()
    result = FuzzResult(files, seed, max_examples, 0, 0.0, constraints, space)
    if constraints:
        options = settings(
            max_examples=max_examples,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            phases=(Phase.generate, Phase.shrink),
        )
        try:
            minimal = find(posture_strategy(space, max_rows), violated, settings=options, random=random.Random(seed))
        except NoSuchExample:
            minimal = None
        if minimal is not None:
            minimal = _one_minimal(minimal, violated)
            result.posture = minimal
            result.knowledge_base = knowledge_base.suppose_ground(minimal.atoms)
            result.violations = result.knowledge_base.violations()
    result.tried = tried
    result.seconds = time.perf_counter() - started
    return result


def _one_minimal(posture: Posture, violated) -> Posture:
    """Drop facts one at a time while the posture still violates a constraint: no single fact of the result can
    be left out (hypothesis's shrinking works on its choices, which need not be the facts)."""
    atoms = list(posture.atoms)
    changed = True
    while changed:
        changed = False
        for index in range(len(atoms) - 1, -1, -1):
            candidate = Posture.of(atoms[:index] + atoms[index + 1 :])
            if violated(candidate):
                atoms, changed = list(candidate.atoms), True
                break
    return Posture.of(atoms)


def fuzz_files(paths: Sequence[str], engine: Optional[str] = None, **options) -> FuzzResult:
    """Load the files into one knowledge base and fuzz it. Raises LexlogError if they do not load."""
    knowledge_base = KnowledgeBase.from_files(paths, engine) if engine else KnowledgeBase.from_files(paths)
    return fuzz_knowledge_base(knowledge_base, files=paths, **options)


__all__ = [
    "ConditionReason",
    "FuzzResult",
    "LexlogError",
    "explain_violation",
    "fuzz_knowledge_base",
    "fuzz_files",
    "render_violation",
    "violation_heading",
]
