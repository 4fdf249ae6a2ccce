"""What every renderer shares: one-line text, bindings, citations, and the words for each why-not status."""

from __future__ import annotations

from typing import Callable, Collection, Iterable, Optional

from lexlog.grammar.printer import print_value
from lexlog.grammar.tree import NOTE_KINDS, Note, Value
from lexlog.grammar.values import is_date, is_number
from lexlog.kb.atoms import INTERNAL_NAME, AtomPattern, FactOrigin, location
from lexlog.kb.explanation import (
    AbsentCheck,
    AggregateCheck,
    BindingItems,
    ComparisonCheck,
    Defeat,
    FactLeaf,
    Failure,
    RuleRef,
    RuleStep,
    WhyNot,
    value_words,
)


def and_list(items: list[str], separator: str = ", ") -> str:
    """`a`, `a and b`, `a, b, and c`: the serial comma of U.S. legal prose (`;` as the separator between items that
    have commas of their own)."""
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2 and separator == ", ":
        return " and ".join(items)
    return separator.join(items[:-1]) + f"{separator.rstrip()} and " + items[-1]


def ways(count: int) -> str:
    """`way` or `ways`, for "and 3 more ways of applying it"."""
    return "way" if count == 1 else "ways"


def oneline(text: str) -> str:
    """Text on one line: control characters (newline, tab, ...) shown as escapes, everything else kept."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif not char.isprintable() and char != " ":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


def is_internal(name: str) -> bool:
    """A variable made by normalization (`_G1` for `_`, `_T1` for moved arithmetic): not shown in prose."""
    return INTERNAL_NAME.fullmatch(name) is not None


def binding_text(binding: BindingItems, internal: bool = False) -> str:
    """`O = zapata_order, N = -3` (values as lexlog source); normalisation's own variables left out by default."""
    return ", ".join(
        f"{name} = {print_value(value)}" for name, value in binding if internal or not is_internal(name)
    )


def values_taken(failures: Iterable[Failure], leave_out: Collection[str] = ()) -> dict[str, list[Value]]:
    """Each variable of the failures' bindings once, with every value it takes among them, in order (normalization's
    own variables and those in `leave_out` left out): what a sentence covering several failures lists."""
    taken: dict[str, list[Value]] = {}
    for failure in failures:
        for name, value in failure.binding:
            if name not in leave_out and not is_internal(name):
                values = taken.setdefault(name, [])
                if value not in values:
                    values.append(value)
    return taken


def citations_text(rule: RuleRef) -> str:
    """The rule's citations, pin cites inserted, separated by `; `; empty when it cites nothing."""
    return "; ".join(citation.text for citation in rule.citations)


def note_kind_words(kind: str) -> str:
    """`later law`; a kind the checks would reject (never loaded) is shown as written."""
    return NOTE_KINDS.get(kind, kind)


def note_text(note: Note) -> str:
    """`note (later law): Carswell (2022) postdates ...`, on one line."""
    return f"note ({note_kind_words(note.kind)}): {oneline(note.text)}"


def notes_text(rule: RuleRef) -> list[str]:
    """One `note (...): ...` line per note of the rule, in the order written."""
    return [note_text(note) for note in rule.notes]


def rule_title(rule: RuleRef) -> str:
    """`rule appeal_no_step_one (doctrine.dl:12)`, or `the rule at doctrine.dl:12`, or the rule's text."""
    where = location(rule.span)
    if rule.label is not None:
        return f"rule {rule.label}" + (f" ({where})" if where else "")
    if where:
        return f"the rule at {where}"
    return f"the rule {rule.text}"


def origin_text(origin: FactOrigin) -> str:
    return origin.description


STATUS_WORDS = {
    "follows": "it does follow",
    "not_a_fact": "it is not among the facts",
    "no_rule": "no rule concludes it",
    "rules_fail": "every rule that could conclude it fails",
    "cut_off": "not explored further (depth limit)",
    "see_above": "already being explained above (the rules are recursive)",
}


def status_text(node: WhyNot) -> str:
    """The status in words, with the detail a reader needs (how many rules there are, input predicates)."""
    text = STATUS_WORDS[node.status]
    if node.status == "no_rule":
        predicate = f"{node.goal.predicate}/{len(node.goal.arguments)}"
        if node.rules_for_predicate:
            plural = "rule concludes" if node.rules_for_predicate == 1 else "rules conclude"
            text += f" ({node.rules_for_predicate} {plural} {predicate}, none with a head that fits)"
        text += ", and no fact states it"
    elif node.status == "rules_fail" and node.input_predicate:
        text = "it is not among the facts, and " + text
    return text


def subject(atom_text: str, reading: Optional[str]) -> str:
    return oneline(reading) if reading else atom_text


_NUMBER_WORDS = {"<": "is less than", "<=": "is at most", ">": "exceeds", ">=": "is at least", "=": "equals", "!=": "does not equal"}
_DATE_WORDS = {"<": "is before", "<=": "is on or before", ">": "is after", ">=": "is on or after", "=": "is", "!=": "is not"}
_OTHER_WORDS = {"=": "is", "!=": "is not"}
_OPPOSITE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "=": "!=", "!=": "="}


def comparison_words(check: ComparisonCheck) -> Optional[str]:
    """A comparison as a sentence says it: `$80,000 exceeds $75,000`, `May 1, 2024 is after April 15, 2024`. A
    false comparison says what holds instead (`17 >= 18` reads `17 is less than 18`). None when a side is undefined
    or the values have no words for the operator (`"b" < "c"`): the caller shows the comparison as written."""
    left, right = check.left_value, check.right_value
    if left is None or right is None:
        return None
    operator = check.operator if check.holds else _OPPOSITE[check.operator]
    if is_number(left) and is_number(right):
        words = _NUMBER_WORDS
    elif is_date(left) and is_date(right):
        words = _DATE_WORDS
    else:
        words = _OTHER_WORDS
    if operator not in words:
        return None
    left_words = oneline(value_words(left, check.left_type or check.right_type))
    right_words = oneline(value_words(right, check.right_type or check.left_type))
    return f"{left_words} {words[operator]} {right_words}"


def is_shared_kind(node: object) -> bool:
    """Nodes worth showing once and referring back to when repeated."""
    return isinstance(node, (RuleStep, WhyNot)) or isinstance(node, FactLeaf)


def aggregate_words(check: AggregateCheck) -> str:
    """`30000 + 30000 + 30000` for a sum, `3 rows` for a count, `the greatest of 30000, 80000` for max."""
    shown = [value_text(value) for value in check.values]
    if check.function == "count":
        return ""  # the count is the number of rows the text already gives
    if not shown:
        return "over no rows"
    if check.function == "sum":
        return " + ".join(shown)
    return f"the {'least' if check.function == 'min' else 'greatest'} of {', '.join(shown)}"


def value_text(value: Optional[Value]) -> str:
    return "undefined" if value is None else oneline(print_value(value))


def _atom_text(atom: AtomPattern) -> str:
    return oneline(atom.text)


def defeat_words(
    defeat: Defeat,
    atom: Callable[[AtomPattern], str] = _atom_text,
    title: Callable[[str], str] = oneline,
) -> str:
    """What a `Defeat` says, on one line, without final punctuation (a renderer adds `:` when it shows the
    premises below).  `atom` words an atom and `title` a rule's title, so that each renderer can escape or mark
    them up its own way; the sentences are the same everywhere.

    A `Defeat` carries no readings (it names atoms, not proofs of them), so its atoms are shown as written.
    """

    def name(rule: Optional[RuleRef], defeater: bool = False) -> str:
        if rule is None:  # pragma: no cover - a Defeat of these kinds always names its rule
            return "a rule"
        shown = rule_title(rule)
        if defeater:  # the title's first "rule" is its own word: `defeater hurt (a.dl:8)`, `the defeater at a.dl:8`
            shown = shown.replace("rule", "defeater", 1)
        return title(shown)

    who = name(defeat.rule, defeat.defeater)
    concludes = atom(defeat.concludes)
    # a defeater concludes nothing: it only argues against the conclusion
    verb = "argues for" if defeat.defeater else "concludes"
    because = "; it applies because" if defeat.premises else ""
    if defeat.kind in ("overridden", "inapplicable", "unsupported"):
        lead = f"{who} would {'argue for' if defeat.defeater else 'conclude'} {concludes}, but "
        if defeat.kind == "overridden":
            return lead + f"{name(defeat.by)} overrides it"
        condition = "its condition" if defeat.condition is None else f"its condition {atom(defeat.condition)}"
        return lead + condition + (" does not hold" if defeat.kind == "inapplicable" else " is not even supported")
    if defeat.kind in ("prevails", "conflicts"):
        if defeat.kind == "prevails":
            claim = f"{verb} {concludes} and overrides this rule"
        elif defeat.premises:  # the premises below say that it applies
            claim = f"{verb} {concludes}, and neither rule overrides the other"
        else:
            claim = f"{verb} {concludes} and applies, and neither rule overrides the other"
        if defeat.defeater:
            blocker = who if who.startswith("the ") else "the " + who
            return f"{blocker} blocks it: it {claim}{because}"
        return f"{who} {claim}{because}"
    if defeat.kind == "definite":
        return f"the contrary {concludes} follows from facts and strict rules"
    return "the conclusion and its contrary depend on each other in a circle: neither is decided"


__all__ = [
    "AbsentCheck",
    "aggregate_words",
    "STATUS_WORDS",
    "binding_text",
    "citations_text",
    "comparison_words",
    "defeat_words",
    "note_kind_words",
    "note_text",
    "notes_text",
    "oneline",
    "origin_text",
    "rule_title",
    "status_text",
    "subject",
    "value_text",
]
