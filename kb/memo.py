"""A memo on one question: whether an atom follows, why, and what single change to the case would change the answer.

The explanation alone cannot say what would change the answer: a conclusion may rest on several grounds, so a
fact its proof uses need not be decisive. The memo therefore tries each candidate change on a copy of the knowledge
base and keeps those that do change the answer:

* when the answer is yes, dropping each fact the proof rests on, and supposing each atom whose absence it relies on;
* when the answer is no, supposing each missing fact the why-not names, and dropping each fact of a proof that
  blocked a rule (`not ...` that held).

The knowledge base asked is never changed. `lexlog.kb.render.memo` renders a `Memo` as Markdown.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal as TypingLiteral, Mapping, Optional, Union

from lexlog.grammar.tree import Atom, Constant, Literal, Rule, Value, Variable
from lexlog.kb.diagnostics import LexlogError
from lexlog.kb.atoms import ANONYMOUS_NAME, INTERNAL_NAME, AtomPattern, FactOrigin, GroundAtom
from lexlog.kb.explanation import AbsentCheck, FactLeaf, Failure, Proof, RuleStep, WhyNot, walk
from lexlog.kb.in_force import LeftOut
from lexlog.kb.matching import pattern_of
from lexlog.kb.whynot import DEFAULT_DEPTH

if TYPE_CHECKING:
    from lexlog.kb.knowledge_base import KnowledgeBase

MAX_TRIALS = 40
"""At most this many single changes are tried (each is one evaluation); the memo says how many were left out."""

MAX_PARTIES = 50
"""A memo's why-not details this many failing ways of applying each rule (one per officer, say), where an
explanation details five: a memo names every party, and its paragraphs merge the ways that fail alike."""


@dataclass(frozen=True)
class Change:
    """One change to the case that, made alone, changes the answer: a fact dropped, or an atom supposed."""

    kind: TypingLiteral["drop", "suppose"]
    atom: GroundAtom
    reading: Optional[str]
    origin: Optional[FactOrigin] = None
    """Where a dropped fact comes from."""


@dataclass(frozen=True)
class OtherWays:
    """The other ways a proof step's rule reaches the same conclusion: the values its varying variables take in
    each (`names`, by their declared parameter names where they have one, such as `Defendant`)."""

    names: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    library_readings: tuple[bool, ...] = ()
    """For each row: whether that way rests on a rule the library marks as its own reading of the authorities."""


@dataclass(frozen=True)
class Memo:
    """What a memo on one question says; `explanation` is the proof (answer yes) or the why-not (answer no)."""

    question: AtomPattern
    reading: Optional[str]
    holds: bool
    explanation: Union[Proof, WhyNot]
    changes: tuple[Change, ...]
    tried: int
    """How many single changes were tried."""
    untried: int
    """How many candidate changes were left untried (past `MAX_TRIALS`)."""
    as_of: datetime.date
    """The date whose law answered."""
    left_out: tuple[LeftOut, ...] = ()
    """Rules not in force on that date that bear on the question."""
    constants: Mapping[str, str] = field(default_factory=dict)
    """The readings of constants, for the values a why-not names (`D = aguilar` reads "Aguilar")."""
    other_ways: Mapping[GroundAtom, OtherWays] = field(default_factory=dict)
    """For a "yes": each proof step whose rule also concludes its atom in other ways (for other officers, on other
    grounds), with those ways."""


def build_memo(kb: KnowledgeBase, atom: Union[str, Atom], depth: int = DEFAULT_DEPTH) -> Memo:
    """The memo on `atom` (ground, or a pattern such as `appealable_on(zapata_order, G)`: "does some instance
    follow?"). Raises LexlogError for a question that is not one (a misspelt predicate, a wrong arity)."""
    why = kb.why_not(atom, depth, MAX_PARTIES)
    holds = why.status == "follows"
    explanation: Union[Proof, WhyNot] = why.proof if holds and why.proof is not None else why
    candidates = _candidates(explanation, kb.facts())
    other_ways = _other_ways(kb, explanation) if holds else {}
    changes: list[Change] = []
    for kind, ground, reading, origin in candidates[:MAX_TRIALS]:
        if _answer_with(kb, kind, ground, why.goal, holds) != holds:
            changes.append(Change(kind, ground, reading, origin))
    return Memo(
        why.goal,
        why.reading,
        holds,
        explanation,
        tuple(changes),
        min(len(candidates), MAX_TRIALS),
        max(0, len(candidates) - MAX_TRIALS),
        kb.effective_date,
        tuple(kb.left_out_for(explanation)),
        kb.vocabulary.constants,
        other_ways,
    )


def _other_ways(kb: KnowledgeBase, proof: Union[Proof, WhyNot]) -> dict[GroundAtom, OtherWays]:
    found: dict[GroundAtom, OtherWays] = {}
    for node in walk(proof):
        if not isinstance(node, RuleStep) or node.rule.rule is None:
            continue
        ways = kb.ways(node)
        if len(ways) < 2:
            continue
        own = dict(node.binding)
        # an anonymous variable (`_G1`) is shown by its declared name; arithmetic's own (`_T1`) follows from the rest
        shown = [name for name in ways[0] if ANONYMOUS_NAME.fullmatch(name) or not INTERNAL_NAME.fullmatch(name)]
        varying = [name for name in shown if len({way.get(name) for way in ways}) > 1]
        if not varying:
            continue
        others = [way for way in ways if any(way[name] != own.get(name) for name in varying)]
        rows = tuple(tuple(way[name] for name in varying) for way in others)
        readings = tuple(_rests_on_reading(kb, node.rule.rule, way) for way in others)
        found[node.atom] = OtherWays(tuple(_declared_name(kb, node.rule.rule, name) for name in varying), rows, readings)
    return found


def _rests_on_reading(kb: KnowledgeBase, rule: Rule, way: dict[str, Value]) -> bool:
    """Whether the proof of a way's positive premises uses a rule marked as the library's own reading."""
    for item in rule.body:
        if isinstance(item, Literal) and not item.negated:
            premise = Atom(item.atom.predicate, tuple(Constant(value) for value in pattern_of(item.atom, way)))
            if any(_is_library_reading(node) for node in walk(kb.explain(premise))):
                return True
    return False


def _is_library_reading(node: object) -> bool:
    return isinstance(node, RuleStep) and node.rule.rule is not None and node.rule.rule.annotations.library_reading


def _declared_name(kb: KnowledgeBase, rule: Rule, variable: str) -> str:
    """A rule variable by the declared parameter it first stands for in the body (`_G1` in `appealable_by(O, _, G)`
    is `Defendant`); its own name where no declaration names it."""
    for item in rule.body:
        if isinstance(item, Literal) and not item.negated:
            declaration = kb.vocabulary.declaration(item.atom.key)
            for position, argument in enumerate(item.atom.arguments):
                if isinstance(argument, Variable) and argument.name == variable and declaration is not None:
                    return declaration.parameters[position]
    return variable


Candidate = tuple[str, GroundAtom, Optional[str], Optional[FactOrigin]]


def _candidates(explanation: Union[Proof, WhyNot], facts: dict[GroundAtom, FactOrigin]) -> list[Candidate]:
    """The single changes worth trying, each once, in the order the explanation meets them."""
    found: dict[tuple[str, GroundAtom], Candidate] = {}

    def add(kind: str, atom: AtomPattern, reading: Optional[str]) -> None:
        if isinstance(atom, GroundAtom) and (kind, atom) not in found:
            found[(kind, atom)] = (kind, atom, reading, facts.get(atom) if kind == "drop" else None)

    for node in walk(explanation):
        if isinstance(node, FactLeaf):
            add("drop", node.atom, node.reading)
        elif isinstance(node, AbsentCheck):
            add("suppose", node.atom, node.reading)
        elif isinstance(node, Failure) and node.kind == "missing" and isinstance(node.detail, WhyNot):
            if node.detail.status == "not_a_fact":
                add("suppose", node.detail.goal, node.detail.reading)
    return list(found.values())


def _answer_with(kb: KnowledgeBase, kind: str, atom: GroundAtom, question: AtomPattern, holds: bool) -> bool:
    """Whether the question follows once the one change is made, on a copy (`holds`, the answer now, when the
    knowledge base refuses the change: a fact it cannot take changes nothing)."""
    try:
        if kind == "suppose":
            changed = kb.suppose_ground([atom])
        else:
            changed = kb.suppose([])
            changed.retract_fact(atom.text)
    except LexlogError:
        return holds
    return changed.query(question.text).holds
