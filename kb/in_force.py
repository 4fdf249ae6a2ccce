"""Law in force on a date: which rules were law then, and, for the others, why not.

A rule is law from the date its `@since` states (a date, or the decision date of the authority it names) and ceases
to be law on the date its `@until` states. A rule that states no `@since` is law at every date: many rules cite a
later opinion for older law, so a citation alone says nothing of when a rule began.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Iterable, Mapping

from lexlog.grammar.tree import Authority, LawDate, Rule
from lexlog.grammar import print_value, suggest
from lexlog.grammar.values import date_from_text


@dataclass(frozen=True)
class LeftOut:
    """A rule not in force on the date asked about, with the reason in words."""

    rule: Rule
    reason: str


def law_date_value(law_date: LawDate, authorities: Mapping[str, Authority]) -> datetime.date | None:
    """The date a `@since`/`@until` stands for; None if it names an authority without a decision date."""
    if law_date.authority is None:
        return law_date.date  # type: ignore[return-value]
    authority = authorities.get(law_date.authority)
    return authority.decided if authority is not None else None  # type: ignore[return-value]


def _described(law_date: LawDate, when: datetime.date, authorities: Mapping[str, Authority]) -> str:
    shown = print_value(when)
    if law_date.authority is not None and law_date.authority in authorities:
        shown += f", the decision date of {authorities[law_date.authority].citation}"
    if law_date.reason:
        shown += f" ({law_date.reason})"
    return shown


def split_in_force(
    rules: Iterable[Rule], authorities: Iterable[Authority], as_of: datetime.date
) -> tuple[list[Rule], list[LeftOut]]:
    """The rules in force on `as_of`, and the others with why."""
    by_name = {authority.name: authority for authority in authorities}
    kept: list[Rule] = []
    left_out: list[LeftOut] = []
    for rule in rules:
        since, until = rule.annotations.since, rule.annotations.until
        start = law_date_value(since, by_name) if since is not None else None
        end = law_date_value(until, by_name) if until is not None else None
        if start is not None and as_of < start:
            left_out.append(LeftOut(rule, f"not yet law on {print_value(as_of)}: law from {_described(since, start, by_name)}"))  # type: ignore[arg-type]
        elif end is not None and as_of >= end:
            left_out.append(LeftOut(rule, f"no longer law on {print_value(as_of)}: ceased on {_described(until, end, by_name)}"))  # type: ignore[arg-type]
        else:
            kept.append(rule)
    return kept, left_out


def earliest_decision(authorities: Iterable[Authority]) -> datetime.date | None:
    dates = [authority.decided for authority in authorities if isinstance(authority.decided, datetime.date)]
    return min(dates) if dates else None  # type: ignore[type-var]


def resolve_as_of(text: str, authorities: Iterable[Authority], today: datetime.date | None = None) -> datetime.date:
    """`2014-04-18`, `today`, or an authority's name (its decision date); raises ValueError saying what is wrong."""
    text = text.strip()
    if text == "today":
        return today or datetime.date.today()
    by_name = {authority.name: authority for authority in authorities}
    if text in by_name:
        decided = by_name[text].decided
        if not isinstance(decided, datetime.date):
            raise ValueError(f"the authority '{text}' carries no decision date (authority {text} = \"...\" decided YYYY-MM-DD.)")
        return decided
    try:
        return date_from_text(text)
    except ValueError as error:
        close = suggest(text, by_name) if text[:1].isalpha() else None
        hint = f" (did you mean {close}?)" if close else ""
        detail = str(error).split(": ", 1)[1] if ": " in str(error) else ""
        reason = f" ({detail})" if detail and "YYYY-MM-DD" not in detail else ""
        raise ValueError(f"'{text}' is not a date (YYYY-MM-DD){reason}, 'today' or an authority's name{hint}") from None


def relevant(left_out: Iterable[LeftOut], predicates: set[str]) -> list[LeftOut]:
    """The rules left out that conclude one of `predicates` (those an explanation is about)."""
    return [entry for entry in left_out if entry.rule.head.predicate in predicates]
