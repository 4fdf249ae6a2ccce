"""The data types of explanations: proofs (why an atom follows) and why-not answers (why it does not).

Every renderer (`lexlog.kb.render`) reads these types and nothing else.  They are built by
`lexlog.kb.proofs` and `lexlog.kb.whynot`; see docs/explanations.md.

Design notes:

* Nodes are frozen dataclasses compared by *identity* (`eq=False`): a proof of a 10,000-step chain nests 10,000
  levels deep, and a structural `__eq__`/`__hash__`/`__repr__` would recurse that deep.  The same atom's proof is
  one shared object wherever it is used, so a proof is a DAG; renderers show a repeated node once and refer back to
  it (`walk` visits each node once, without recursion).
* Values are the language's values: `str` (symbols and strings are the same constant) and `int`.
* The atoms in them (`GroundAtom`, `AtomPattern`) and where a fact came from (`FactOrigin`) are in `lexlog.kb.atoms`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable, Iterator, Literal as TypingLiteral, Mapping, Optional, Union

from lexlog.grammar.printer import print_value
from lexlog.grammar.values import integer_text, is_date, is_number, money_text, number_text, terminating_places
from lexlog.grammar.tree import Authority, Citation, ConstantReading, Declaration, Note, Rule, Span, Value
from lexlog.kb.atoms import AtomPattern, FactOrigin, GroundAtom, PredicateKey, known_span, location

BindingItems = tuple[tuple[str, Value], ...]
"""A binding as sorted (variable name, value) pairs: hashable and printable in a stable order."""


# --- wording: authorities and readings -------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """What explanations are worded with: authorities (short name -> full citation, and the date each was decided
    where it is given), predicate declarations, the readings of constants (symbol -> the words that stand for it in
    prose), and the date whose law is explained (None: today's)."""

    authorities: Mapping[str, str] = field(default_factory=dict)
    declarations: Mapping[PredicateKey, Declaration] = field(default_factory=dict)
    constants: Mapping[str, str] = field(default_factory=dict)
    decided: Mapping[str, datetime.date] = field(default_factory=dict)
    as_of: Optional[datetime.date] = None

    @classmethod
    def of(cls, statements: Iterable[object], as_of: Optional[datetime.date] = None) -> "Vocabulary":
        """From statements (e.g. a parsed program's): every `Authority` and `Declaration` among them."""
        authorities: dict[str, str] = {}
        decided: dict[str, datetime.date] = {}
        declarations: dict[PredicateKey, Declaration] = {}
        constants: dict[str, str] = {}
        for statement in statements:
            if isinstance(statement, Authority):
                authorities[statement.name] = statement.citation
                if isinstance(statement.decided, datetime.date):
                    decided[statement.name] = statement.decided
            elif isinstance(statement, Declaration):
                declarations[statement.key] = statement
            elif isinstance(statement, ConstantReading):
                constants[statement.name] = statement.reading
        return cls(authorities, declarations, constants, decided, as_of)

    def decided_later(self, name: str) -> bool:
        """Whether the authority was decided after the date whose law is explained: it cannot state that law."""
        decided = self.decided.get(name)
        return self.as_of is not None and decided is not None and decided > self.as_of

    def citation(self, name: str) -> Optional[str]:
        entry = self.authorities.get(name)
        if isinstance(entry, Authority):
            return entry.citation
        return entry

    def declaration(self, key: PredicateKey) -> Optional[Declaration]:
        return self.declarations.get(key)

    def reading(self, atom: AtomPattern) -> Optional[str]:
        """The declaration's English reading with `{Name}` filled by the arguments (a symbol by its own reading,
        where it has one); an open argument reads 'some name' (`{Request}` -> "some request")."""
        declaration = self.declarations.get(atom.key)
        if declaration is None or declaration.reading is None:
            return None
        return fill_reading(
            declaration.reading, declaration.parameters, atom.arguments, declaration.types, self.constants
        )


EMPTY_VOCABULARY = Vocabulary()

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def value_words(value: Value, type_name: Optional[str] = None, constants: Mapping[str, str] = {}) -> str:
    """A value as it reads in U.S. prose: a symbol by its declared reading (`constants`), else a symbol or string
    itself; a date as "January 5, 2024"; a number in decimal notation, or as dollars ("$75,000.01") where its
    parameter is declared money."""
    if is_date(value):
        return f"{value:%B} {value.day}, {value.year}"  # type: ignore[union-attr]
    if is_number(value):
        if type_name == "money":
            return money_text(value)  # type: ignore[arg-type]
        if isinstance(value, Fraction) and terminating_places(value) is None:
            return f"{integer_text(value.numerator)}/{integer_text(value.denominator)}"
        return number_text(value)  # type: ignore[arg-type]
    return constants.get(value, value) if isinstance(value, str) else str(value)


_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|_+")


def _open_apposition(reading: str, name: str) -> str:
    """`the discovery request {Request}` with the request open reads "some discovery request", not "the discovery
    request some request", and `on the ground that {Ground}` reads "on some ground": a noun the placeholder only
    names again gives way to 'some'."""
    noun = _WORD_BOUNDARY.split(name)[-1].lower() if name else ""
    pattern = re.compile(r"\bthe ((?:[\w-]+ ){0,3}?)" + re.escape(noun) + r"(?: that)? \{" + re.escape(name) + r"\}")
    return pattern.sub(lambda found: f"some {found.group(1)}{noun}", reading) if noun else reading


def some_words(name: str) -> str:
    """An open argument in prose: `Request` -> "some request", `TaxYear` -> "some tax year"."""
    words = " ".join(part for part in _WORD_BOUNDARY.split(name) if part)
    return f"some {words.lower()}"


def fill_reading(
    reading: str,
    parameters: tuple[str, ...],
    arguments: tuple[Optional[Value], ...],
    types: tuple[Optional[str], ...] = (),
    constants: Mapping[str, str] = {},
) -> str:
    values = dict(zip(parameters, arguments))
    declared = dict(zip(parameters, types))
    for name in parameters:
        if values.get(name, "") is None:
            reading = _open_apposition(reading, name)

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        value = values[name]
        return some_words(name) if value is None else value_words(value, declared.get(name), constants)

    return _PLACEHOLDER.sub(replace, reading)


_YEAR_PARENTHETICAL = re.compile(r" \([^()]*\b\d{4}\)")
_EDITION_PARENTHETICAL = re.compile(r" \([^()]*\)$")
_SLIP_OPINION = re.compile(r"slip op\.?\s*(?:at\s+)?(.+)", re.IGNORECASE)


def pin_citation(citation: str, pin: Optional[str]) -> str:
    """The full citation with the pin cite put where it belongs: before the court-and-year parenthetical.

    `Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)` at `648` -> `Backe v. LeBlanc, 691 F.3d 645, 648 (5th Cir.
    2012)`; a star page reads `, at *3` (Westlaw); `slip op. 4` reads `, slip op. at 4`.  Without a parenthetical
    the pin goes at the end.  A subsection of a statute or rule attaches to its section: `28 U.S.C. § 1446` at
    `(b)(1)` -> `28 U.S.C. § 1446(b)(1)`, `Fed. R. Civ. P. 6` at `(a)(1)(C)` -> `Fed. R. Civ. P. 6(a)(1)(C)`, and
    before an edition's parenthetical: `26 U.S.C. § 151 (SARA ed.)` at `(d)` -> `26 U.S.C. § 151(d) (SARA ed.)`.
    """
    if not pin:
        return citation
    pin = pin.strip()
    slip = _SLIP_OPINION.fullmatch(pin)
    if pin.startswith("(") and _YEAR_PARENTHETICAL.search(citation) is None:
        # A subsection attaches to its section, before an edition parenthetical: `§ 151(d) (SARA ed.)`.
        edition = _EDITION_PARENTHETICAL.search(citation)
        if edition is not None:
            return citation[: edition.start()] + pin + citation[edition.start() :]
        return citation.rstrip(". ") + pin
    if slip:
        inserted = f", slip op. at {slip.group(1)}"
    elif pin.startswith("*"):
        inserted = f", at {pin}"
    else:
        inserted = f", {pin}"
    match = _YEAR_PARENTHETICAL.search(citation)
    if match is None:
        stripped = citation.rstrip(". ")
        return stripped + inserted
    return citation[: match.start()] + inserted + citation[match.start() :]


@dataclass(frozen=True)
class CitedAuthority:
    """One citation of a rule: the authority's short name, the pin cite, the full citation and both combined.

    `citation` and `pinned` are None when the authority is not in the registry.
    """

    authority: str
    pin: Optional[str] = None
    citation: Optional[str] = None
    pinned: Optional[str] = None

    @property
    def text(self) -> str:
        """The pinned full citation, or `name at pin` when the authority is unknown."""
        if self.pinned is not None:
            return self.pinned
        return self.authority if self.pin is None else f"{self.authority} at {self.pin}"


def merge_pins(citations: tuple[Citation, ...]) -> list[Citation]:
    """One citation per authority, its pins joined (`join_pins`), as a brief cites a case once."""
    merged: dict[str, list[Citation]] = {}
    for citation in citations:
        merged.setdefault(citation.authority, []).append(citation)
    result = []
    for authority, group in merged.items():
        pins = list(dict.fromkeys(c.pin.strip() for c in group if c.pin is not None))
        result.append(Citation(authority, join_pins(pins) if pins else None, group[0].span))
    return result


# A page, a span of pages (`484-85`: the end written with the digits that change), or a page's footnote (`163 n.8`).
_PAGE_PIN = re.compile(r"(?P<start>\d+)(?:[-\u2013](?P<end>\d+))?(?:\s*n\.\s*(?P<note>\d+))?")


def _page_span(pin: str) -> Optional[tuple[int, int, Optional[str]]]:
    """The first and last page a pin covers, and its footnote; None for any other pin (`*3`, `slip op. 4`, `(b)`)."""
    found = _PAGE_PIN.fullmatch(pin)
    if found is None:
        return None
    start_text, end_text, note = found.group("start"), found.group("end"), found.group("note")
    start = int(start_text)
    if end_text is None:
        return start, start, note
    end = int(start_text[: max(0, len(start_text) - len(end_text))] + end_text)  # 484-85 ends at 485
    return (start, end, note) if end >= start and note is None else None


def join_pins(pins: list[str]) -> str:
    """A citation's pins as a brief writes them (The Bluebook R. 3.2, 3.3): in page order, a page that a span
    already covers left out (`484-85` covers `485`), and a page with its footnote cited together (`163 & n.8`).
    Pins that are not pages (`*3`, `slip op. 4`) are only de-duplicated and kept in their order."""
    spans = {pin: _page_span(pin) for pin in pins}
    if any(span is None for span in spans.values()):
        return ", ".join(pins)
    ranges: dict[tuple[int, int], str] = {}
    footnotes: list[tuple[int, str]] = []
    for pin, (start, end, note) in spans.items():  # type: ignore[misc]
        if note is None:
            ranges.setdefault((start, end), pin)
        else:
            footnotes.append((start, note))

    def covered(start: int, end: int) -> bool:
        return any(first <= start and end <= last and (first, last) != (start, end) for first, last in ranges)

    parts: list[tuple[int, str]] = []
    for (start, end), pin in ranges.items():
        if not covered(start, end):
            notes = "".join(f" & n.{note}" for page, note in sorted(footnotes) if page == start == end)
            parts.append((start, pin + notes))
    parts += [(page, f"{page} n.{note}") for page, note in footnotes if (page, page) not in ranges or covered(page, page)]
    return ", ".join(text for _, text in sorted(parts))


def cite(citation: Citation, vocabulary: Vocabulary) -> CitedAuthority:
    full = vocabulary.citation(citation.authority)
    pinned = pin_citation(full, citation.pin) if full is not None else None
    return CitedAuthority(citation.authority, citation.pin, full, pinned)


@dataclass(frozen=True)
class RuleRef:
    """A rule as an explanation names it: its label, citations, where it is written, its source text, and its
    notes (`@note`), which every renderer shows wherever it shows the citations."""

    label: Optional[str]
    citations: tuple[CitedAuthority, ...]
    span: Optional[Span]
    text: str
    rule: Optional[Rule] = field(default=None, compare=False, repr=False)
    notes: tuple[Note, ...] = ()

    @property
    def name(self) -> str:
        """The label, else `the rule at file:line`, else the rule's text."""
        if self.label is not None:
            return self.label
        where = location(self.span)
        return f"the rule at {where}" if where else f"the rule {self.text}"


def rule_ref(rule: Rule, vocabulary: Vocabulary) -> RuleRef:
    from lexlog.grammar.printer import print_statement

    text = print_statement(Rule(rule.head, rule.body)).replace("\n", " ")
    text = re.sub(r"\s+", " ", text)
    citations = merge_pins(rule.annotations.citations)
    # The law on an earlier date is cited to the authorities of that date; a rule cited only to later ones keeps them.
    cited = [citation for citation in citations if not vocabulary.decided_later(citation.authority)] or citations
    citing = tuple(cite(citation, vocabulary) for citation in cited)
    return RuleRef(rule.annotations.label, citing, known_span(rule.span), text, rule, rule.annotations.notes)


# --- proofs --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class FactLeaf:
    """A base fact: the leaf of a proof."""

    atom: GroundAtom
    reading: Optional[str]
    origin: FactOrigin

    def __repr__(self) -> str:
        return f"FactLeaf({self.atom.text}, {self.origin.kind})"


@dataclass(frozen=True, eq=False)
class AbsentCheck:
    """A negated body literal that holds: the atom (pattern if it has open arguments) is absent from the model."""

    atom: AtomPattern
    reading: Optional[str]
    condition: str
    """The literal as written in the rule, e.g. `not q(X)`."""

    def __repr__(self) -> str:
        return f"AbsentCheck({self.atom.text})"


@dataclass(frozen=True, eq=False)
class ComparisonCheck:
    """A built-in comparison with its sides' source text and values; a value is None when undefined (e.g. 1/0).
    A side's type is the type declared for the variable it is (`money`, say), so that prose can say "$80,000"."""

    operator: str
    left: str
    right: str
    left_value: Optional[Value]
    right_value: Optional[Value]
    holds: bool
    left_type: Optional[str] = None
    right_type: Optional[str] = None

    @property
    def text(self) -> str:
        """The comparison with values, `3 < 5`; an undefined side is shown as written (`A / 0`)."""
        left = self.left if self.left_value is None else print_value(self.left_value)
        right = self.right if self.right_value is None else print_value(self.right_value)
        return f"{left} {self.operator} {right}"

    @property
    def undefined(self) -> bool:
        return self.left_value is None or self.right_value is None

    @property
    def source(self) -> str:
        """The comparison as written, `X < Y`."""
        return f"{self.left} {self.operator} {self.right}"

    def __repr__(self) -> str:
        return f"ComparisonCheck({self.text}, holds={self.holds})"


@dataclass(frozen=True, eq=False)
class RuleStep:
    """An atom concluded by a rule instance: one premise per body item, in body order."""

    atom: GroundAtom
    reading: Optional[str]
    rule: RuleRef
    binding: BindingItems
    premises: tuple["Premise", ...]
    rank: int
    """The derivation rank: 0 for facts, 1 + the largest rank of the positive premises."""
    defeated: tuple["Defeat", ...] = ()
    """For a defeasible conclusion: each rule for the contrary, and why it did not prevail."""

    def __repr__(self) -> str:
        return f"RuleStep({self.atom.text}, rule={self.rule.name}, rank={self.rank})"


DefeatKind = TypingLiteral["overridden", "inapplicable", "unsupported", "prevails", "conflicts", "definite", "undecided"]


@dataclass(frozen=True, eq=False)
class Defeat:
    """A contest between a defeasible conclusion and its contrary (see `lexlog.kb.defeasible`).

    In a proof, why a rule for the contrary did not prevail:
    * `overridden`   -- it applies, but `by`, an applicable rule for the conclusion, overrides it;
    * `inapplicable` -- its `condition` is refuted;
    * `unsupported`  -- (ambiguity propagation) its `condition` is not even supported.

    In a why-not, why a rule whose conditions hold did not conclude:
    * `prevails`  -- `rule`, for the contrary, applies and overrides it; `premises` prove its conditions;
    * `conflicts` -- `rule`, for the contrary, applies and neither overrides the other;
    * `definite`  -- the contrary `concludes` follows from facts and strict rules; `premises` hold its proof;
    * `undecided` -- the conclusion and its contrary depend on each other in a circle: neither is decided.
    """

    kind: DefeatKind
    rule: Optional[RuleRef]
    concludes: GroundAtom
    by: Optional[RuleRef] = None
    condition: Optional[GroundAtom] = None
    premises: tuple["Premise", ...] = ()
    defeater: bool = False
    """Whether `rule` is a defeater (it blocks the conclusion but concludes nothing itself)."""

    def __repr__(self) -> str:
        return f"Defeat({self.kind}, {self.concludes.text})"


@dataclass(frozen=True, eq=False)
class AggregateCheck:
    """An aggregate in a rule instance: its value and what it was taken over.

    `values` holds the term's value for each distinct solution of the aggregate's body (None for count), in order;
    `premises` the proofs of those solutions' atoms (and their other conditions), solution by solution.
    """

    function: str
    source: str
    """The aggregate as written, `T = sum A : { claim(P, A) }`."""
    value: Optional[Value]
    values: tuple[Optional[Value], ...]
    premises: tuple["Premise", ...]

    @property
    def text(self) -> str:
        """`sum = 90000 (3 rows)`: the aggregate's value and how many solutions it was taken over."""
        shown = "undefined" if self.value is None else print_value(self.value)
        count = len(self.values)
        return f"{self.function} = {shown} ({count} row{'' if count == 1 else 's'})"

    def __repr__(self) -> str:
        return f"AggregateCheck({self.source} -> {self.value!r})"


Proof = Union[FactLeaf, RuleStep]
Premise = Union[FactLeaf, RuleStep, AbsentCheck, ComparisonCheck, AggregateCheck]


# --- why not -------------------------------------------------------------------------------------------------------

WhyNotStatus = TypingLiteral["follows", "not_a_fact", "no_rule", "rules_fail", "cut_off", "see_above"]
"""
* `follows`    -- the goal does follow; `proof` proves it (an answer to a mistaken question, not an error).
* `not_a_fact` -- an input predicate (declared `input`, or stated by facts and concluded by no rule): not among
                  the facts.
* `no_rule`    -- no rule concludes the goal (none for the predicate, or none whose head fits) and no fact states it.
* `rules_fail` -- `attempts` gives, for every rule whose head fits the goal, why each way of trying it fails.
* `cut_off`    -- not explored: the depth limit was reached.
* `see_above`  -- the goal is already being explained further up (a cycle in the rules).
"""

FailureKind = TypingLiteral["missing", "present", "comparison", "aggregate", "head", "defeated"]


@dataclass(frozen=True, eq=False)
class HeadMismatch:
    """A rule whose head holds arithmetic: the body holds, but the head's value is not the goal's (or undefined)."""

    computed: Optional[GroundAtom]
    """The head the rule instance concludes, or None when its arithmetic is undefined (e.g. division by zero)."""


@dataclass(frozen=True, eq=False)
class Failure:
    """The first body condition that fails under one binding of a rule.

    * `missing`    -- a positive atom: no instance of `detail.goal` follows; `detail` is a nested `WhyNot`.
    * `present`    -- a negated atom: the atom does follow; `detail` is its proof.
    * `comparison` -- a comparison is false (or undefined); `detail` is the `ComparisonCheck` with the values.
    * `aggregate`  -- an aggregate has no value (max over no rows, a sum of a string) or not the one the goal
                      asks for; `detail` is the `AggregateCheck` with what it was taken over.
    * `head`       -- the whole body holds but the head's arithmetic gives another atom; `detail` a `HeadMismatch`.
    * `defeated`   -- the whole body holds, but the rule is defeasible and is defeated; `detail` is the `Defeat`.
    """

    binding: BindingItems
    condition_index: int
    """The index of the failing item in the rule's body; -1 for `head`."""
    condition: str
    """The failing body item as written, e.g. `not q(X)` or `X < Y`; the head for `head`."""
    kind: FailureKind
    detail: Union["WhyNot", FactLeaf, RuleStep, ComparisonCheck, "AggregateCheck", HeadMismatch, Defeat]


@dataclass(frozen=True, eq=False)
class RuleAttempt:
    """A rule whose head could conclude the goal, and every way it fails (at most `max_bindings` shown)."""

    rule: RuleRef
    head_binding: BindingItems
    failures: tuple[Failure, ...]
    omitted: int = 0
    """How many further failing bindings exist but are not shown."""


@dataclass(frozen=True, eq=False)
class WhyNot:
    """Why a goal (a ground atom, or a pattern with open arguments) does not follow."""

    goal: AtomPattern
    reading: Optional[str]
    status: WhyNotStatus
    attempts: tuple[RuleAttempt, ...] = ()
    proof: Optional[Proof] = None
    rules_for_predicate: int = 0
    """How many rules conclude the goal's predicate (some may have a head that cannot fit the goal)."""
    input_predicate: bool = False
    """Whether the predicate is an input one (declared `input`, or stated by facts): then it is also no fact."""

    def __repr__(self) -> str:
        return f"WhyNot({self.goal.text}, {self.status})"


Explanation = Union[FactLeaf, RuleStep, WhyNot]


# --- walking ---------------------------------------------------------------------------------------------------------

Node = Union[
    FactLeaf, RuleStep, AbsentCheck, ComparisonCheck, AggregateCheck, WhyNot, RuleAttempt, Failure, HeadMismatch, Defeat
]


def children(node: object) -> tuple[object, ...]:
    """The nodes directly below `node`, in order."""
    if isinstance(node, RuleStep):
        return node.premises + node.defeated
    if isinstance(node, (AggregateCheck, Defeat)):
        return node.premises
    if isinstance(node, WhyNot):
        if node.proof is not None:
            return (node.proof,)
        return node.attempts
    if isinstance(node, RuleAttempt):
        return node.failures
    if isinstance(node, Failure):
        return (node.detail,)
    return ()


def walk(root: object) -> Iterator[object]:
    """Every node reachable from `root`, each once, parents before children (depth first, no recursion)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack.extend(reversed(children(node)))
