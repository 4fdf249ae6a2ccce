"""The checks of a program's defeasible part and of its dates in force (run with the other checks).

An `@overrides` must name a rule's label, and the superiority relation must have no cycle; `not` may not apply to a
predicate of the defeasible layer (see `lexlog.kb.defeasible`), nor may an aggregate; `@since` and `@until` must name
a date or an authority that carries its decision date, and a rule must not cease before it begins.
"""

from __future__ import annotations

import datetime
from typing import Iterable, Iterator

from lexlog.grammar import NameIndex, print_value
from lexlog.grammar.tree import Aggregate, AsOf, Authority, Conflict, Constraint, Fact, Literal, Program, Rule, Span, complement
from lexlog.kb.diagnostics import Diagnostic
from lexlog.kb.in_force import earliest_decision, law_date_value


def uses_defeasible_logic(rules: Iterable[Rule], conflicts: Iterable[Conflict] = ()) -> bool:
    """Whether a program has anything of defeasible logic; one without means what it meant before (and neither
    its checks nor its evaluation import `lexlog.kb.defeasible`)."""
    return any(rule.annotations.defeasible_part for rule in rules) or any(True for _ in conflicts)


def defeasible_part(program: Program, options: object) -> Iterator[Diagnostic]:
    rules: list[Rule] = program.of_type(Rule)
    conflicts: list[Conflict] = program.of_type(Conflict)
    if not uses_defeasible_logic(rules, conflicts):
        return
    from lexlog.kb.defeasible import layer_keys  # only for a program that has a defeasible part

    yield from _unknown_labels(rules)
    yield from _superiority_cycles(rules)
    for conflict in conflicts:
        if conflict.first == conflict.second:
            yield Diagnostic(
                "self_conflict", "error", conflict.span, f"'{conflict.first}' cannot conflict with itself",
                f"every {conflict.first} atom would attack itself and none could follow; name two predicates",
            )
    keys = layer_keys(rules, conflicts)
    for rule in rules:
        for item in rule.body:
            if isinstance(item, Literal) and item.negated and item.atom.key in keys:
                yield Diagnostic(
                    "negation_of_defeasible",
                    "error",
                    item.span,
                    f"'not {item.atom.predicate}': '{item.atom.predicate}' is concluded defeasibly, and 'not' applies "
                    "only to what strict rules and facts settle",
                    f"write the exception as a rule for the contrary ({complement(item.atom.predicate)}) that "
                    "overrides the general rule (@overrides LABEL), or test the conditions themselves",
                )
            if isinstance(item, Aggregate) and (rule.head.key in keys or any(
                isinstance(inner, Literal) and inner.atom.key in keys for inner in item.body
            )):
                yield Diagnostic(
                    "aggregate_over_defeasible",
                    "error",
                    item.span,
                    f"an aggregate in a rule for or over a defeasibly concluded predicate ('{rule.head.predicate}')",
                    "aggregate over facts and strict conclusions only",
                )


def as_of_findings(stated: list[AsOf], authorities: Iterable[Authority]) -> Iterator[Diagnostic]:
    """A date before every dated authority (no law of the knowledge base existed yet: most likely a typo in the
    year). Files stating different dates are not an error: several cases loaded together are judged by today's law
    (`KnowledgeBase.effective_date`)."""
    earliest = earliest_decision(authorities)
    for statement in stated:
        if earliest is not None and statement.date < earliest:  # type: ignore[operator]
            yield as_of_too_early(statement.date, earliest, statement.span)  # type: ignore[arg-type]


def as_of_too_early(as_of: datetime.date, earliest: datetime.date, span: Span) -> Diagnostic:
    return Diagnostic(
        "as_of_before_authorities",
        "warning",
        span,
        f"the date {print_value(as_of)} precedes every authority of the knowledge base (the earliest was decided "
        f"{print_value(earliest)})",
        "check the year",
    )


def _rule_annotations_elsewhere(program: Program) -> Iterator[Diagnostic]:
    """Annotations that only a rule can carry, where they would be silently ignored: `@since`/`@until` before a
    fact or a constraint, a rule kind or `@overrides` before a constraint. (A fact marked `@defeasible` is a
    presumption, read as a rule without conditions.)"""
    for statement in [*program.of_type(Fact), *program.of_type(Constraint)]:
        annotations = statement.annotations
        what = "a fact" if isinstance(statement, Fact) else "a constraint"
        for law_date in (annotations.since, annotations.until):
            if law_date is not None:
                yield Diagnostic(
                    "date_on_non_rule", "error", law_date.span, f"@since and @until date rules, not {what}",
                    "a fact holds in the case whatever the date, and a constraint always applies: remove it",
                )
        if isinstance(statement, Constraint) and (annotations.kind != "strict" or annotations.overrides):
            yield Diagnostic(
                "kind_on_constraint", "error", annotations.kind_span if annotations.kind != "strict" else annotations.overrides[0].span,
                f"@{annotations.kind if annotations.kind != 'strict' else 'overrides'} applies to rules, not {what}",
                "remove it",
            )


def _unknown_labels(rules: list[Rule]) -> Iterator[Diagnostic]:
    labels = {rule.annotations.label for rule in rules if rule.annotations.label is not None}
    strict = {rule.annotations.label for rule in rules if rule.annotations.kind == "strict" and rule.annotations.label}
    for rule in rules:
        for reference in rule.annotations.overrides:
            if reference.label in strict:
                yield Diagnostic(
                    "overrides_strict_rule",
                    "warning",
                    reference.span,
                    f"@overrides names '{reference.label}', a strict rule: a strict rule's conclusion is not overridden",
                    f"mark the rule {reference.label} @defeasible if an exception may defeat it",
                )
    hints = NameIndex(labels)
    for rule in rules:
        for reference in rule.annotations.overrides:
            if reference.label not in labels:
                close = hints.closest(reference.label)
                yield Diagnostic(
                    "unknown_rule_label",
                    "error",
                    reference.span,
                    f"@overrides names '{reference.label}', but no rule has that label",
                    f"did you mean {close}?" if close else "name the rule overridden by its @label",
                )


def _superiority_cycles(rules: list[Rule]) -> Iterator[Diagnostic]:
    """A rule that overrides, through a chain of overrides, itself: the relation must be acyclic."""
    beats: dict[str, set[str]] = {}
    where = {}
    for rule in rules:
        label = rule.annotations.label
        if label is not None and rule.annotations.overrides:
            beats.setdefault(label, set()).update(reference.label for reference in rule.annotations.overrides)
            where[label] = rule.annotations.overrides[0].span
    reported: set[frozenset[str]] = set()
    for start in sorted(beats):
        path = _path(beats, start, start)
        if path and frozenset(path) not in reported:
            reported.add(frozenset(path))
            yield Diagnostic(
                "superiority_cycle",
                "error",
                where[start],
                "the rules override one another in a circle: " + " over ".join([*path, start]),
                "superiority must run one way: remove one of the @overrides",
            )


def _path(beats: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    stack, seen = [(start, [start])], set()
    while stack:
        label, path = stack.pop()
        for beaten in sorted(beats.get(label, ())):
            if beaten == goal:
                return path
            if beaten not in seen:
                seen.add(beaten)
                stack.append((beaten, path + [beaten]))
    return None


def dates_in_force(program: Program, options: object) -> Iterator[Diagnostic]:
    authorities = {authority.name: authority for authority in program.of_type(Authority)}
    yield from as_of_findings(program.of_type(AsOf), authorities.values())
    yield from _rule_annotations_elsewhere(program)
    hints = NameIndex(authorities)
    for rule in program.of_type(Rule):
        dates = {}
        for keyword, law_date in (("since", rule.annotations.since), ("until", rule.annotations.until)):
            if law_date is None:
                continue
            if law_date.authority is not None:
                authority = authorities.get(law_date.authority)
                if authority is None:
                    close = hints.closest(law_date.authority)
                    yield Diagnostic(
                        "unknown_authority", "error", law_date.span, f"@{keyword} names no authority '{law_date.authority}'",
                        f"did you mean {close}?" if close else "write a date (2022-11-29) or an authority's name",
                    )
                    continue
                if authority.decided is None:
                    yield Diagnostic(
                        "undated_authority", "error", law_date.span,
                        f"@{keyword} {law_date.authority}: the authority carries no decision date",
                        f'add it: authority {authority.name} = "..." decided YYYY-MM-DD.',
                    )
                    continue
            dates[keyword] = law_date_value(law_date, authorities)
        if "since" in dates and "until" in dates and dates["until"] <= dates["since"]:  # type: ignore[operator]
            yield Diagnostic(
                "empty_time_in_force", "error", rule.annotations.until.span,  # type: ignore[union-attr]
                f"the rule ceases to be law ({print_value(dates['until'])}) no later than it becomes law "
                f"({print_value(dates['since'])})", "the @until date must be later than the @since date",
            )
