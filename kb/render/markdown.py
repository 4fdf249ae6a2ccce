"""Explanations as Markdown prose a lawyer can paste into a memo, with nested reasons as nested bullets.

    The order zapata_order is immediately appealable because the order zapata_order lets discovery proceed
    against melson and it does not follow that the order zapata_order explicitly finds that the pleadings,
    taken as true, overcome qualified immunity (Backe v. LeBlanc, 691 F.3d 645, 648 (5th Cir. 2012)).

    - The order zapata_order lets discovery proceed against melson (fact, case.dl:3).
    - ...

A rule's `@note` is an italic line under the sentence that uses the rule, after a hard line break (`\\` at the
end of the line): `_Note (later law): ..._`.

Sentences use the predicates' English readings (`{Name}` filled in); an atom without a reading appears as code.
Citations are the full citations with the pin cite inserted.  User text is escaped so that it cannot turn into
Markdown markup; a proof of any depth renders (no recursion).
"""

from __future__ import annotations

import re
from typing import Optional

from lexlog.grammar.printer import print_value

from lexlog.kb.atoms import AtomPattern, FactOrigin, location
from lexlog.kb.explanation import (
    AbsentCheck,
    AggregateCheck,
    ComparisonCheck,
    Defeat,
    Explanation,
    FactLeaf,
    Failure,
    HeadMismatch,
    RuleAttempt,
    RuleRef,
    RuleStep,
    WhyNot,
)
from lexlog.kb.render.bluebook import case_name, string_cite_order
from lexlog.kb.render._common import (
    aggregate_words,
    and_list,
    binding_text,
    comparison_words,
    defeat_words,
    note_kind_words,
    oneline,
    status_text,
    values_taken,
    ways,
)

MAX_NESTING = 40
"""Bullets nest at most this deep; deeper reasons stay at that level, marked `(level N)`."""

_SPECIAL = re.compile(r"([\\`\[\]<>#|!])")


def escape(text: str) -> str:
    """Prose safe in Markdown: markup characters escaped, `*` and `_` only where they could mark emphasis.

    A `*` after a space (`at *3`) cannot close emphasis, and the others are escaped, so it stays literal; an
    underscore inside a word (`zapata_order`) never marks emphasis in CommonMark and is kept as is.
    """
    text = _SPECIAL.sub(r"\\\1", oneline(text))
    out = []
    for index, char in enumerate(text):
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if char == "*" and not (before == " " and not after.isspace()):
            out.append("\\*")
        elif char == "_" and not (before.isalnum() and after.isalnum()):
            out.append("\\_")
        else:
            out.append(char)
    return "".join(out)


def code(text: str) -> str:
    """An inline code span holding `text` (fence longer than any run of backticks inside)."""
    text = oneline(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def capitalize(text: str) -> str:
    """The text with its first letter a capital, for the start of a sentence."""
    if text and text[0].islower():
        return text[0].upper() + text[1:]
    return text


def opening(atom: AtomPattern, reading: Optional[str]) -> str:
    """An atom's words at the start of a sentence: capitalised, unless the reading opens with one of the atom's
    values as written (an identifier such as `oilco_llc` keeps its case; a constant with a reading, `Melson`, has
    its own)."""
    text = _subject(atom.text, reading)
    if reading and any(_opens_with(reading, value) for value in atom.arguments if isinstance(value, str)):
        return text
    return capitalize(text)


def _opens_with(text: str, word: str) -> bool:
    return bool(word) and text.startswith(word) and not text[len(word) : len(word) + 1].isalnum()


def _subject(atom_text: str, reading: Optional[str]) -> str:
    """What an atom says: its reading, else the atom as code followed by 'holds'."""
    return escape(reading) if reading else f"{code(atom_text)} holds"


def _absent_phrase(node: AbsentCheck) -> str:
    if node.reading:
        return f"it does not follow that {escape(node.reading)}"
    return f"{code(node.atom.text)} does not follow"


def premise_phrase(premise: object) -> str:
    if isinstance(premise, (RuleStep, FactLeaf)):
        return _subject(premise.atom.text, premise.reading)
    if isinstance(premise, AbsentCheck):
        return _absent_phrase(premise)
    if isinstance(premise, ComparisonCheck):
        return _comparison_phrase(premise)
    if isinstance(premise, AggregateCheck):
        return f"{code(premise.source)} gives {code(premise.text)}"
    raise TypeError(premise)  # pragma: no cover


def _comparison_phrase(check: ComparisonCheck) -> str:
    """`$80,000 exceeds $75,000`, or the comparison as code when it has no words (`A / 0 > 1`)."""
    words = comparison_words(check)
    return escape(words) if words is not None else code(check.text)


def numbered_reasons(phrases: list[str]) -> str:
    """The reasons for a conclusion as a brief lists them: one as it is; several numbered, `(1) ...; and (2) ...`,
    so that clauses with commas and "and"s of their own do not run together."""
    if len(phrases) <= 1:
        return "".join(phrases)
    numbered = [f"({number}) {phrase}" for number, phrase in enumerate(phrases, 1)]
    return "; ".join(numbered[:-1]) + "; and " + numbered[-1]


def citation_markdown(text: str) -> str:
    """A full citation in Markdown, the case name in italics as a brief prints it (The Bluebook R. 2.1(a)):
    `*Backe v. LeBlanc*, 691 F.3d 645, 648 (5th Cir. 2012)`. A statute or rule has no case name and is left as is."""
    name = case_name(text)
    if name is None:
        return escape(text)
    return f"*{escape(name)}*{escape(text[len(name):])}"


def _authority(rule: RuleRef) -> str:
    """` (*Backe v. LeBlanc*, 691 F.3d 645, 648 (5th Cir. 2012); ...)`, or ` (rule label)`, or ''."""
    if rule.citations:
        return " (" + "; ".join(citation_markdown(citation.text) for citation in string_cite_order(rule.citations)) + ")"
    if rule.label is not None:
        return f" (rule {escape(rule.label)})"
    return ""


def note_lines(node: object) -> list[str]:
    """The notes of the rule a step or an attempt uses, each an italic line: `_Note (later law): ..._`."""
    rule = node.rule if isinstance(node, (RuleStep, RuleAttempt)) else None
    if rule is None:
        return []
    return [f"_Note ({escape(note_kind_words(note.kind))}): {escape(note.text.strip())}_" for note in rule.notes]


def _under(sentence: str, notes: list[str], indent: str) -> str:
    """The sentence with each note on a line of its own beneath it (a backslash ends a line: a hard line break,
    which keeps a list tight where a blank line would not)."""
    return sentence + "".join(f"\\\n{indent}{note}" for note in notes)


def fact_note(node: FactLeaf) -> str:
    return origin_note(node.origin)


def origin_note(origin: FactOrigin) -> str:
    """Where a fact comes from, as a parenthetical says it: `fact, case.dl:9`, `asserted in the session`, ..."""
    if origin.kind == "asserted":
        return "asserted in the session"
    if origin.kind == "supposed":
        return "supposed, for the sake of argument"
    where = location(origin.span)
    return f"fact, {escape(where)}" if where else "fact"


def _defeat_words(node: Defeat) -> str:
    """The shared words of a `Defeat` (see `_common.defeat_words`), atoms as code and rule titles escaped."""
    return defeat_words(node, atom=lambda atom: code(atom.text), title=escape)


def _defeat_sentence(node: Defeat) -> tuple[str, list[object]]:
    """A rule against a proof's conclusion, and why it did not prevail: `Against this conclusion, rule ...`."""
    ending = ":" if node.premises else "."
    return f"Against this conclusion, {_defeat_words(node)}{ending}", list(node.premises)


def _proof_sentence(node: object) -> tuple[str, list[object]]:
    """A proof node's sentence and the nodes to explain beneath it."""
    if isinstance(node, FactLeaf):
        return f"{opening(node.atom, node.reading)} ({fact_note(node)}).", []
    if isinstance(node, RuleStep):
        reasons = numbered_reasons([premise_phrase(premise) for premise in node.premises])
        because = f" because {reasons}" if reasons else ""
        sentence = f"{opening(node.atom, node.reading)}{because}{_authority(node.rule)}."
        below: list[object] = [
            premise for premise in node.premises if isinstance(premise, (RuleStep, FactLeaf, AggregateCheck))
        ]
        return sentence, below + list(node.defeated)
    if isinstance(node, AggregateCheck):
        words = aggregate_words(node)
        sentence = f"{code(node.source)} gives {code(node.text)}{': ' + escape(words) if words else ''}."
        return sentence, [premise for premise in node.premises if isinstance(premise, (RuleStep, FactLeaf))]
    if isinstance(node, AbsentCheck):
        return capitalize(_absent_phrase(node)) + ".", []
    if isinstance(node, ComparisonCheck):
        words = comparison_words(node)
        if words is not None:
            return capitalize(escape(words)) + ".", []
        return f"{code(node.text)} {'holds' if node.holds else 'does not hold'}.", []
    raise TypeError(node)  # pragma: no cover


def does_not_follow(node: WhyNot) -> str:
    if node.reading:
        return f"it does not follow that {escape(node.reading)}"
    return f"{code(node.goal.text)} does not follow"


def _why_not_sentence(node: WhyNot) -> tuple[str, list[object]]:
    if node.status == "follows":
        assert node.proof is not None
        return f"{opening(node.goal, node.reading)}: it does follow.", [node.proof]
    text = f"{capitalize(does_not_follow(node))}: {escape(status_text(node))}"
    return text + ("." if node.status != "rules_fail" else ":"), list(node.attempts)


def _attempt_sentence(node: RuleAttempt) -> tuple[str, list[object]]:
    name = f"rule {escape(node.rule.label)}" if node.rule.label else "the rule " + code(node.rule.text)
    cites = "; ".join(citation_markdown(citation.text) for citation in string_cite_order(node.rule.citations))
    sentence = f"Under {name}" + (f" ({cites})" if cites else "") + ":"
    below: list[object] = _alike_merged(node.failures)
    if node.omitted:
        below.append(f"And {node.omitted} more {ways(node.omitted)} of applying it, each failing.")
    return sentence, below


def _alike_merged(failures: tuple[Failure, ...]) -> list[object]:
    """The failures of one rule, those that fail alike (the same condition, the same words, nothing beneath) as one
    sentence that lists the values they differ in: `With D = aguilar, alvarez, and breuer, the condition ...`."""
    merged: list[object] = []
    alike: dict[str, list[Failure]] = {}
    for failure in failures:
        sentence, below = _failure_sentence(failure, "")
        if below:
            merged.append(failure)
        elif sentence in alike:
            alike[sentence].append(failure)
        else:
            alike[sentence] = [failure]
            merged.append(alike[sentence])
    return [item[0] if isinstance(item, list) and len(item) == 1 else item for item in merged]


def _merged_binding(failures: list[Failure]) -> str:
    """`D = aguilar, alvarez, and breuer, O = zapata_order`: each variable once, with every value it takes."""
    taken = values_taken(failures)
    return ", ".join(f"{name} = {and_list([print_value(value) for value in values])}" for name, values in taken.items())


def _failure_sentence(node: Failure, shown: Optional[str] = None) -> tuple[str, list[object]]:
    """A failure's sentence, led by its binding (`shown` in its place when given) and the nodes beneath it."""
    shown = binding_text(node.binding) if shown is None else shown
    lead = f"With {escape(shown)}, " if shown else ""
    detail = node.detail
    if node.kind == "defeated":
        assert isinstance(detail, Defeat)
        # the premises of the contrary rule are listed in full: no sentence above names them
        ending = ":" if detail.premises else "."
        return f"{lead}every condition holds, but {_defeat_words(detail)}{ending}", list(detail.premises)
    if node.kind == "head":
        assert isinstance(detail, HeadMismatch)
        result = "is undefined" if detail.computed is None else f"gives {code(detail.computed.text)}"
        return f"{lead}every condition holds, but the conclusion {code(node.condition)} {result}.", []
    condition = f"the condition {code(node.condition)} fails"
    if node.kind == "comparison":
        assert isinstance(detail, ComparisonCheck)
        words = comparison_words(detail)
        if words is not None:
            return capitalize(f"{lead}{condition}: {escape(words)}."), []
        verdict = "is undefined" if detail.undefined else "is false"
        return capitalize(f"{lead}{condition}: {code(detail.text)} {verdict}."), []
    if node.kind == "aggregate":
        assert isinstance(detail, AggregateCheck)
        return capitalize(f"{lead}{condition}: it gives {code(detail.text)}."), [detail]
    if node.kind == "present":
        assert isinstance(detail, (FactLeaf, RuleStep))
        return capitalize(f"{lead}{condition}, because:"), [detail]
    assert isinstance(detail, WhyNot)
    if detail.status in ("rules_fail",):
        return capitalize(f"{lead}{condition}: {does_not_follow(detail)}, because:"), list(detail.attempts)
    if detail.status == "follows":  # pragma: no cover - a failed atom does not follow
        return capitalize(f"{lead}{condition}."), [detail]
    return capitalize(f"{lead}{condition}: {does_not_follow(detail)}; {escape(status_text(detail))}."), []


def render_markdown(explanation: Explanation) -> str:
    """A proof or a `WhyNot` as Markdown: a paragraph for the conclusion, nested bullets for the reasons."""
    lines: list[str] = []
    seen: set[int] = set()
    stack: list[tuple[int, object]] = [(-1, explanation)]
    while stack:
        depth, node = stack.pop()
        below: list[object] = []
        notes: list[str] = []
        if isinstance(node, str):
            sentence = node
        elif isinstance(node, (RuleStep, WhyNot)) and id(node) in seen:
            if isinstance(node, RuleStep):
                sentence = f"{opening(node.atom, node.reading)} (as shown above)."
            else:
                sentence = f"{capitalize(does_not_follow(node))} (as explained above)."
        else:
            if isinstance(node, (RuleStep, WhyNot)):
                seen.add(id(node))
            notes = note_lines(node)
            if isinstance(node, (FactLeaf, RuleStep, AbsentCheck, ComparisonCheck, AggregateCheck)):
                sentence, below = _proof_sentence(node)
            elif isinstance(node, WhyNot):
                sentence, below = _why_not_sentence(node)
            elif isinstance(node, RuleAttempt):
                sentence, below = _attempt_sentence(node)
            elif isinstance(node, Failure):
                sentence, below = _failure_sentence(node)
            elif isinstance(node, list):  # failures alike (`_alike_merged`)
                sentence, below = _failure_sentence(node[0], _merged_binding(node))
            elif isinstance(node, Defeat):
                sentence, below = _defeat_sentence(node)
            else:  # pragma: no cover
                raise TypeError(f"cannot render {node!r}")
        if depth < 0:
            lines.append(_under(sentence, notes, ""))
            if below:
                lines.append("")
        else:
            indent = "  " * min(depth, MAX_NESTING)
            if depth <= MAX_NESTING:
                lines.append(indent + "- " + _under(sentence, notes, indent + "  "))
            else:  # deeper reasons stay at the last nesting level, numbered
                lines.append(indent + f"- (level {depth}) " + _under(sentence, notes, indent + "  "))
        for item in reversed(below):
            stack.append((depth + 1, item))
    return "\n".join(lines) + "\n"


render = render_markdown
