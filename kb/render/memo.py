"""A memo in Markdown, ready to paste: Question Presented, Short Answer, Discussion, What Would Change the Answer.

    ## Question Presented

    Whether, under the law in force on April 18, 2014, the order zapata_order is immediately appealable on the
    ground that the discovery the order allows is not narrowly tailored ...

    ## Short Answer

    No. It does not follow that ..., because (1) the case file does not state that the order zapata_order allows
    general discovery ...; and (2) ...

    ## Discussion

    Under rule appeal_general_discovery, with D = Aguilar, Alvarez, ..., it does not follow that .... *Carswell v.
    Camp*, 54 F.4th 307, 311 (5th Cir. 2022); ....

    Under rule appeal_untailored_request, ... *Carswell*, 54 F.4th at 311; ....

    ## What Would Change the Answer

    Each of these changes, made alone, would make the answer yes:

    - if it were shown that the order zapata_order allows general discovery, not confined to identified questions of
      fact

The Discussion has one paragraph per rule the answer turns on, in the order the reasoning meets them, each followed
by its citation sentence (full citation first, then *Id.* and short forms: `lexlog.kb.render.citation_forms`). What
would change the answer is what `lexlog.kb.memo` tried on the knowledge base, not a guess from the proof.
"""

from __future__ import annotations

from typing import Optional

from lexlog.kb.explanation import (
    AggregateCheck,
    ComparisonCheck,
    Defeat,
    FactLeaf,
    Failure,
    RuleAttempt,
    RuleRef,
    RuleStep,
    WhyNot,
    value_words,
    walk,
)
from lexlog.kb.memo import Change, Memo, OtherWays
from lexlog.kb.render._common import and_list, comparison_words, defeat_words, status_text, values_taken, ways
from lexlog.kb.render.citation_forms import CitationTrail
from lexlog.kb.render.in_force import left_out_markdown
from lexlog.kb.render.markdown import (
    capitalize,
    code,
    does_not_follow,
    escape,
    fact_note,
    note_lines,
    numbered_reasons,
    opening,
    origin_note,
    premise_phrase,
)

MAX_SHORT_REASONS = 4
"""The Short Answer of a "no" names at most this many of the conditions that fail; the Discussion has them all."""

_LEAF_STATUSES = ("not_a_fact", "no_rule", "cut_off", "see_above")


def render_memo(memo: Memo) -> str:
    """The memo as Markdown."""
    sections = [
        ("Question Presented", [_question(memo)]),
        ("Short Answer", [_short_answer(memo)]),
        ("Discussion", _discussion(memo)),
        ("What Would Change the Answer", [_what_would_change(memo)]),
    ]
    lines: list[str] = []
    for title, paragraphs in sections:
        lines += [f"## {title}", ""]
        for paragraph in paragraphs:
            lines += [paragraph, ""]
    dated = left_out_markdown(list(memo.left_out), memo.as_of)
    if dated:
        lines.append(dated.rstrip("\n"))
    return "\n".join(lines).rstrip("\n") + "\n"


def _question(memo: Memo) -> str:
    proposition = escape(memo.reading) if memo.reading else f"{code(memo.question.text)} follows"
    return f"Whether, under the law in force on {escape(value_words(memo.as_of))}, {proposition}."


# --- the short answer ---------------------------------------------------------------------------------------------


def _short_answer(memo: Memo) -> str:
    explanation = memo.explanation
    if memo.holds:
        if isinstance(explanation, FactLeaf):
            return f"Yes. {_fact_sentence(explanation)}"
        assert isinstance(explanation, RuleStep)
        reasons = numbered_reasons([premise_phrase(premise) for premise in explanation.premises])
        return f"Yes. {opening(explanation.atom, explanation.reading)}" + (f" because {reasons}." if reasons else ".")
    assert isinstance(explanation, WhyNot)
    denial = capitalize(does_not_follow(explanation))
    if explanation.status != "rules_fail":
        return f"No. {denial}: {escape(status_text(explanation))}."
    reasons = _failing_conditions(explanation)
    if not reasons:
        return f"No. {denial}: {escape(status_text(explanation))}."
    shown = reasons[:MAX_SHORT_REASONS]
    more = len(reasons) - len(shown)
    tail = f" (and {more} other condition{'s' if more != 1 else ''}, set out below)" if more else ""
    return f"No. {denial}, because {numbered_reasons(shown)}{tail}."


def _fact_sentence(fact: FactLeaf) -> str:
    return f"{opening(fact.atom, fact.reading)}: the case file states it ({fact_note(fact)})."


def _failing_conditions(root: WhyNot) -> list[str]:
    """The distinct conditions at the bottom of a why-not: what no rule could get past."""
    found: dict[str, None] = {}
    for node in walk(root):
        if isinstance(node, Failure):
            phrase = _leaf_phrase(node)
            if phrase is not None:
                found.setdefault(phrase)
    return list(found)


def _leaf_phrase(failure: Failure) -> Optional[str]:
    """A failure's words when nothing below it explains it further; None when a nested why-not does."""
    detail = failure.detail
    if failure.kind == "missing":
        assert isinstance(detail, WhyNot)
        if detail.status == "not_a_fact" and detail.reading:
            return f"the case file does not state that {escape(detail.reading)}"
        return does_not_follow(detail) if detail.status in _LEAF_STATUSES else None
    return _failure_phrase(failure)


def _failure_phrase(failure: Failure) -> str:
    detail = failure.detail
    if failure.kind == "missing":
        assert isinstance(detail, WhyNot)
        phrase = does_not_follow(detail)
        return phrase + (f" ({escape(status_text(detail))})" if detail.status in _LEAF_STATUSES else "")
    if failure.kind == "present":
        assert isinstance(detail, (FactLeaf, RuleStep))
        return f"it follows that {premise_phrase(detail)}" if detail.reading else premise_phrase(detail)
    if failure.kind == "comparison":
        assert isinstance(detail, ComparisonCheck)
        words = comparison_words(detail)
        return escape(words) if words is not None else f"{code(detail.text)} does not hold"
    if failure.kind == "aggregate":
        assert isinstance(detail, AggregateCheck)
        return f"{code(detail.source)} gives {code(detail.text)}"
    if failure.kind == "defeated":
        assert isinstance(detail, Defeat)
        return escape(defeat_words(detail))
    return f"its conclusion {code(failure.condition)} is not the one asked about"


# --- the discussion -----------------------------------------------------------------------------------------------


def _discussion(memo: Memo) -> list[str]:
    trail = CitationTrail()
    if memo.holds:
        if isinstance(memo.explanation, FactLeaf):
            return [_fact_sentence(memo.explanation)]
        return [_step_paragraph(node, trail, memo) for node in walk(memo.explanation) if isinstance(node, RuleStep)]
    assert isinstance(memo.explanation, WhyNot)
    paragraphs = [capitalize(does_not_follow(memo.explanation)) + "."]
    # Attempts of one rule that fail alike (the same rule tried for each officer, say) make one paragraph.
    alike: dict[tuple[RuleRef, tuple[str, ...]], list[tuple[RuleAttempt, list[tuple[Failure, str]]]]] = {}
    for node in walk(memo.explanation):
        if isinstance(node, RuleAttempt):
            phrased = [(failure, _failure_phrase(failure)) for failure in node.failures]
            key = (node.rule, tuple(dict.fromkeys(phrase for _, phrase in phrased)))
            alike.setdefault(key, []).append((node, phrased))
    for attempts in alike.values():
        paragraphs.append(_attempt_paragraph(attempts, trail, memo))
    return paragraphs


def _step_paragraph(step: RuleStep, trail: CitationTrail, memo: Memo) -> str:
    reasons = []
    for premise in step.premises:
        phrase = premise_phrase(premise)
        reasons.append(f"{phrase} ({fact_note(premise)})" if isinstance(premise, FactLeaf) else phrase)
    sentence = opening(step.atom, step.reading) + (f" because {numbered_reasons(reasons)}." if reasons else ".")
    others = memo.other_ways.get(step.atom)
    if others is not None:
        sentence += " " + _other_ways_sentence(others, memo)
    return _with_citations_and_notes(sentence, step, trail)


def _other_ways_sentence(others: OtherWays, memo: Memo) -> str:
    """`The same rule reaches it as well with Defendant = Alvarez, Breuer, and Voth, each on its own.`"""
    def words(value: object) -> str:
        return escape(value_words(value, None, memo.constants))

    def marked(text: str, number: int) -> str:
        reading = number < len(others.library_readings) and others.library_readings[number]
        return text + (" (on the library's own reading of the authorities)" if reading else "")

    if len(others.names) == 1:
        values = [marked(words(row[0]), number) for number, row in enumerate(others.rows)]
        joined = and_list(values, "; " if any("," in value for value in values) else ", ")
        return f"The same rule reaches it as well with {escape(others.names[0])} = {joined}, each on its own."
    rows = [marked("(" + ", ".join(words(value) for value in row) + ")", number) for number, row in enumerate(others.rows)]
    return f"The same rule reaches it as well with ({', '.join(map(escape, others.names))}) = {and_list(rows, '; ')}, each on its own."


def _attempt_paragraph(
    attempts: list[tuple[RuleAttempt, list[tuple[Failure, str]]]], trail: CitationTrail, memo: Memo
) -> str:
    """Why a rule does not apply: each distinct failing condition once, with the values it fails for."""
    first = attempts[0][0]
    name = f"rule {escape(first.rule.label)}" if first.rule.label else "the rule " + code(first.rule.text)
    groups: dict[str, list[Failure]] = {}
    for _attempt, phrased in attempts:
        for failure, phrase in phrased:
            groups.setdefault(phrase, []).append(failure)
    fixed = {name for attempt, _ in attempts for name, _value in attempt.head_binding}
    clauses = [_where(failures, fixed, memo) + phrase for phrase, failures in groups.items()]
    text = f"Under {name}, " + "; ".join(clauses)
    omitted = sum(attempt.omitted for attempt, _ in attempts)
    if omitted:
        text += f"; and {omitted} more {ways(omitted)} of applying it fail as well"
    return _with_citations_and_notes(text + ".", first, trail)


def _where(failures: list[Failure], fixed: set[str], memo: Memo) -> str:
    """`with D = Aguilar, Alvarez, and Breuer, `: the values of the variables the question does not fix (the head's
    are the question's own) where they differ between the failures a clause covers, else all of them; '' when there
    are none."""
    taken = values_taken(failures, fixed)
    shown = {name: values for name, values in taken.items() if len(values) > 1} or taken
    if not shown:
        return ""
    parts = [
        f"{escape(name)} = {and_list([escape(value_words(value, None, memo.constants)) for value in values])}"
        for name, values in shown.items()
    ]
    return "with " + ", ".join(parts) + ", "


def _with_citations_and_notes(sentence: str, node: object, trail: CitationTrail) -> str:
    rule = node.rule  # type: ignore[attr-defined]
    citations = trail.sentence(rule.citations)
    paragraph = sentence + (f" {citations}" if citations else "")
    return "".join([paragraph] + [f"\\\n{note}" for note in note_lines(node)])


# --- what would change the answer -----------------------------------------------------------------------------------


def _what_would_change(memo: Memo) -> str:
    other = "no" if memo.holds else "yes"
    if memo.changes:
        lines = [f"Each of these changes, made alone, would make the answer {other}:", ""]
        lines += [f"- {_change_words(change)}" for change in memo.changes]
        text = "\n".join(lines)
    elif memo.tried == 0:
        text = "No fact of the case could be dropped or supposed alone to try: " + _what_it_turns_on(memo)
    else:
        text = (
            f"No single change tried makes the answer {other}: {memo.tried} were tried, each on a copy of the case "
            + ("(each fact the answer rests on dropped, each condition it relies on being absent supposed)."
               if memo.holds else "(each missing fact supposed, each fact that blocked a rule dropped).")
        )
        if not memo.holds:
            text += " The conditions each rule lacks are set out in the Discussion."
    if memo.untried:
        text += f"\n\n{memo.untried} further change{'s were' if memo.untried != 1 else ' was'} not tried."
    return text


def _what_it_turns_on(memo: Memo) -> str:
    """Why no single fact was tried: values compared, rules not in force on the date, or the conditions the
    Discussion sets out."""
    reasons = []
    if any(isinstance(node, ComparisonCheck) for node in walk(memo.explanation)):
        reasons.append("on the values compared")
    if memo.left_out:
        reasons.append(f"on the date (rules not in force on {escape(value_words(memo.as_of))} bear on it; see below)")
    reasons.append("on the conditions set out in the Discussion")
    return "the answer turns " + and_list(reasons, "; ") + "."


def _change_words(change: Change) -> str:
    proposition = escape(change.reading) if change.reading else f"{code(change.atom.text)} held"
    if change.kind == "drop":
        where = f" ({origin_note(change.origin)})" if change.origin is not None else ""
        return f"if it were not so that {proposition}{where}"
    return f"if it were shown that {proposition}"


render = render_memo
