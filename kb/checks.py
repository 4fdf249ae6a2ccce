"""Static checks, run before any evaluation: they are about meaning, not syntax.

Each check is a small function from the program to diagnostics; `check` runs them all and returns every finding,
errors and warnings together, in source order.

Codes (stable): unbound_variable, anonymous_in_head, arity_mismatch, cyclic_negation, undefined_predicate,
rule_for_input, unknown_authority, duplicate_label, duplicate_authority, duplicate_declaration, bad_reading,
unknown_note_kind, empty_note, unbounded_arithmetic, integer_out_of_range; warnings: uncited_rule,
fact_for_conclusion, unused_predicate.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from lexlog.grammar import suggest
from lexlog.grammar.tree import (
    NOTE_KINDS,
    Atom,
    Authority,
    BinaryOperation,
    BodyItem,
    Comparison,
    Constant,
    Constraint,
    Declaration,
    Expectation,
    Fact,
    Literal,
    Note,
    Program,
    Query,
    Rule,
    Span,
    Statement,
    Variable,
    term_variables,
)
from lexlog.kb.dependency import DependencyGraph, describe_cycle, describe_recursion
from lexlog.kb.diagnostics import Diagnostic

PredicateKey = tuple[str, int]


@dataclass(frozen=True)
class CheckOptions:
    """`undefined_is_error`: an undeclared predicate with no facts and no rules is an error (else it is empty).
    `integer_limits`: the integers the evaluating backend holds, (least, greatest), named `backend`; None for any."""

    undefined_is_error: bool = True
    integer_limits: tuple[int, int] | None = None
    backend: str = ""


def check(program: Program, options: CheckOptions = CheckOptions()) -> list[Diagnostic]:
    """Every finding in the program, in source order."""
    found: list[Diagnostic] = []
    for run in CHECKS:
        found.extend(run(program, options))
    return sorted(found, key=lambda d: (d.span.file, d.span.line, d.span.column, d.code))


# --- Safety ---------------------------------------------------------------------------------------------------


def body_bound_variables(body: Iterable[BodyItem]) -> set[str]:
    """Variables bound by positive body atoms: those standing as a whole argument (not inside arithmetic)."""
    bound: set[str] = set()
    for item in body:
        if isinstance(item, Literal) and not item.negated:
            for argument in item.atom.arguments:
                if isinstance(argument, Variable) and not argument.is_anonymous:
                    bound.add(argument.name)
    return bound


def unbound_in_body(body: Iterable[BodyItem], bound: set[str]) -> Iterator[tuple[Variable, str]]:
    """Variables of negated atoms, comparisons and arithmetic in atoms that no positive atom binds."""
    for item in body:
        if isinstance(item, Comparison):
            for variable in term_variables(item.left) + term_variables(item.right):
                if variable.name not in bound:
                    where = "an anonymous variable '_'" if variable.is_anonymous else f"'{variable.name}'"
                    yield variable, f"{where} in the comparison is not bound by a positive atom of the body"
            continue
        for argument in item.atom.arguments:
            if item.negated and isinstance(argument, Variable):
                if not argument.is_anonymous and argument.name not in bound:
                    yield argument, f"'{argument.name}' in 'not {item.atom.predicate}(...)' is not bound by a positive atom of the body"
            elif not isinstance(argument, Variable):
                for variable in term_variables(argument):
                    if variable.name not in bound:
                        yield variable, f"'{variable.name}' in arithmetic is not bound by a positive atom of the body"


def _safety(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    for statement in program.statements:
        if isinstance(statement, Rule):
            bound = body_bound_variables(statement.body)
            for argument in statement.head.arguments:
                for variable in term_variables(argument):
                    if variable.is_anonymous:
                        yield Diagnostic(
                            "anonymous_in_head",
                            "error",
                            variable.span,
                            "the anonymous variable '_' cannot stand in a head: it would conclude every value",
                            "name the variable and bind it in the body",
                        )
                    elif variable.name not in bound:
                        yield _unbound(variable, f"'{variable.name}' in the head is not bound by a positive atom of the body", statement.body)
            for variable, message in unbound_in_body(statement.body, bound):
                yield _unbound(variable, message, statement.body)
        elif isinstance(statement, (Constraint, Query)):
            bound = body_bound_variables(statement.body)
            for variable, message in unbound_in_body(statement.body, bound):
                yield _unbound(variable, message, statement.body)


def _unbound(variable: Variable, message: str, body: Iterable[BodyItem]) -> Diagnostic:
    body = list(body)
    hint = f"add a positive condition that binds {variable.name}, such as a fact about it"
    equation = _defining_equation(variable, body)
    if equation is not None:
        # As in Datalog generally (not as in Souffle or clingo): '=' compares; it never assigns.
        hint = (
            f"'{variable.name} = ...' compares, it does not bind {variable.name}: write the arithmetic where "
            f"{variable.name} is used, for example in the head"
        )
    elif variable.is_anonymous:
        hint = "'_' matches anything, so it cannot be tested; name it and bind it in a positive atom"
    else:
        names = {v.name for item in body for v in _item_variables(item) if not v.is_anonymous}
        close = suggest(variable.name, names - {variable.name})
        if close:
            hint = f"did you mean {close}?"
    return Diagnostic("unbound_variable", "error", variable.span, message, hint)


def _defining_equation(variable: Variable, body: list[BodyItem]) -> Comparison | None:
    """`S = A1 + A2` in the body, with `variable` alone on one side: the user meant to compute it there."""
    for item in body:
        if isinstance(item, Comparison) and item.operator == "=":
            for side in (item.left, item.right):
                if isinstance(side, Variable) and side.name == variable.name:
                    return item
    return None


def _item_variables(item: BodyItem) -> list[Variable]:
    if isinstance(item, Comparison):
        return term_variables(item.left) + term_variables(item.right)
    return [v for argument in item.atom.arguments for v in term_variables(argument)]


# --- Names and arities -----------------------------------------------------------------------------------------


def _atoms(statement: Statement) -> Iterator[tuple[Atom, str]]:
    """Every atom of a statement, with its role: 'head', 'fact', 'body', 'expect'."""
    if isinstance(statement, Fact):
        yield statement.atom, "fact"
    elif isinstance(statement, Rule):
        yield statement.head, "head"
        yield from ((item.atom, "body") for item in statement.body if isinstance(item, Literal))
    elif isinstance(statement, (Constraint, Query)):
        yield from ((item.atom, "body") for item in statement.body if isinstance(item, Literal))
    elif isinstance(statement, Expectation):
        yield statement.atom, "expect"


def _arity(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    first_seen: dict[str, tuple[int, Span, str]] = {}
    for declaration in program.of_type(Declaration):
        first_seen.setdefault(declaration.predicate, (len(declaration.parameters), declaration.span, "declared"))
    for statement in program.statements:
        for atom, _role in _atoms(statement):
            if atom.predicate not in first_seen:
                first_seen[atom.predicate] = (atom.arity, atom.span, "used")
                continue
            arity, span, how = first_seen[atom.predicate]
            if atom.arity != arity:
                yield Diagnostic(
                    "arity_mismatch",
                    "error",
                    atom.span,
                    f"'{atom.predicate}' has {_count(atom.arity)} here but {_count(arity)} where it is {how} at {span}",
                    f"write {atom.predicate} with {_count(arity)} everywhere, or rename one of them",
                )


def _count(arity: int) -> str:
    return "no arguments" if arity == 0 else f"{arity} argument{'s' if arity != 1 else ''}"


def _defined_keys(program: Program) -> tuple[set[PredicateKey], set[PredicateKey], set[PredicateKey]]:
    """(declared, with facts, with rules)."""
    declared = {d.key for d in program.of_type(Declaration)}
    with_facts = {f.atom.key for f in program.of_type(Fact)}
    with_rules = {r.head.key for r in program.of_type(Rule)}
    return declared, with_facts, with_rules


def _undefined(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    declared, with_facts, with_rules = _defined_keys(program)
    known = declared | with_facts | with_rules
    known_names = {name for name, _ in known}
    reported: set[tuple[str, int, int]] = set()
    for statement in program.statements:
        for atom, role in _atoms(statement):
            if role in {"fact", "head"} or atom.key in known or atom.predicate in known_names:
                continue  # a wrong arity of a known name is arity_mismatch's to report
            where = (atom.span.file, atom.span.line, atom.span.column)
            if where in reported:
                continue
            reported.add(where)
            close = suggest(atom.predicate, known_names)
            hint = f"did you mean {close}?" if close else "declare it (input ...) or add facts or rules for it"
            severity = "error" if options.undefined_is_error else "warning"
            yield Diagnostic(
                "undefined_predicate",
                severity,
                atom.span,
                f"'{atom.predicate}' is used but never defined: no facts, no rules, no declaration",
                hint,
            )


def _rules_for_inputs(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    inputs = {d.key: d for d in program.of_type(Declaration) if d.kind == "input"}
    for rule in program.of_type(Rule):
        declaration = inputs.get(rule.head.key)
        if declaration is not None:
            yield Diagnostic(
                "rule_for_input",
                "error",
                rule.head.span,
                f"'{rule.head.predicate}' is declared input at {declaration.span}, so only facts may state it",
                "declare it derived, or conclude a different predicate",
            )


# --- Negation ----------------------------------------------------------------------------------------------------


def _stratification(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    graph = DependencyGraph.of_rules(program.of_type(Rule))
    for edge, path in graph.negative_cycles():
        cycle = describe_cycle(edge, path)
        yield Diagnostic(
            "cyclic_negation",
            "error",
            edge.literal.span,
            f"'{edge.head[0]}' depends on its own negation: {cycle}",
            "negation must be stratified: break the cycle, for example by concluding a separate predicate",
        )


_BOUNDING = ("<", "<=", ">", ">=")


def _unbounded_arithmetic(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    """A recursive rule whose head computes a value by arithmetic can derive new values without end (`n(X + 1) :-
    n(X)`) unless a comparison on the arithmetic's variables bounds it (`X < 10`): refused before evaluation."""
    recursion = {id(edge.literal): (edge, path) for edge, path in DependencyGraph.of_rules(program.of_type(Rule)).cycles()}
    for rule in program.of_type(Rule):
        through = [recursion[id(item)] for item in rule.body if isinstance(item, Literal) and id(item) in recursion]
        positive = [(edge, path) for edge, path in through if not edge.negative]
        if not positive:
            continue
        compared = {
            variable.name
            for item in rule.body
            if isinstance(item, Comparison) and item.operator in _BOUNDING
            for variable in term_variables(item.left) + term_variables(item.right)
        }
        for argument in rule.head.arguments:
            names = {variable.name for variable in term_variables(argument)}
            if isinstance(argument, BinaryOperation) and names and not names & compared:
                yield Diagnostic(
                    "unbounded_arithmetic",
                    "error",
                    argument.span,
                    f"'{rule.head.predicate}' computes new values by arithmetic in a recursive rule, with no comparison "
                    f"to bound them: {describe_recursion(*positive[0])}",
                    f"bound the recursion with a comparison on {sorted(names)[0]}, such as {sorted(names)[0]} < 100",
                )


# --- Authorities, labels, declarations ---------------------------------------------------------------------------


def _citations(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    authorities = {a.name for a in program.of_type(Authority)}
    for statement in program.statements:
        annotations = getattr(statement, "annotations", None)
        if annotations is None:
            continue
        for citation in annotations.citations:
            if citation.authority not in authorities:
                close = suggest(citation.authority, authorities)
                hint = f"did you mean {close}?" if close else f'add: authority {citation.authority} = "Full citation".'
                start = citation.span
                name_span = Span(start.file, start.line, start.column, start.line, start.column + len(citation.authority))
                yield Diagnostic("unknown_authority", "error", name_span, f"no authority named '{citation.authority}'", hint)


def _notes(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    for statement in program.statements:
        annotations = getattr(statement, "annotations", None)
        for note in annotations.notes if annotations is not None else ():
            if note.kind not in NOTE_KINDS:
                yield _unknown_note_kind(note)
            if not note.text.strip():
                yield Diagnostic(
                    "empty_note",
                    "error",
                    note.span,
                    f"the {note.kind} note has no text",
                    "write what a reader of the rule should know, or remove the @note line",
                )


def _unknown_note_kind(note: Note) -> Diagnostic:
    close = suggest(note.kind, set(NOTE_KINDS))
    hint = f"did you mean {close}?" if close else f"the kinds are: {', '.join(NOTE_KINDS)}"
    start = note.span
    kind_span = Span(start.file, start.line, start.column, start.line, start.column + len(note.kind))
    return Diagnostic("unknown_note_kind", "error", kind_span, f"no note kind named '{note.kind}'", hint)


def _duplicates(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    labels: dict[str, Span] = {}
    for statement in program.statements:
        annotations = getattr(statement, "annotations", None)
        if annotations is None or annotations.label is None:
            continue
        if annotations.label in labels:
            yield Diagnostic(
                "duplicate_label",
                "error",
                annotations.label_span,
                f"the label '{annotations.label}' is already used at {labels[annotations.label]}",
                "labels name one statement each; choose another",
            )
        else:
            labels[annotations.label] = annotations.label_span
    authorities: dict[str, Authority] = {}
    for authority in program.of_type(Authority):
        earlier = authorities.get(authority.name)
        if earlier is not None and earlier.citation != authority.citation:
            yield Diagnostic(
                "duplicate_authority",
                "error",
                authority.span,
                f"the authority '{authority.name}' is already defined at {earlier.span} with another citation",
                "keep one registry entry per authority",
            )
        authorities.setdefault(authority.name, authority)
    declarations: dict[PredicateKey, Declaration] = {}
    for declaration in program.of_type(Declaration):
        earlier_declaration = declarations.get(declaration.key)
        if earlier_declaration is not None and earlier_declaration != declaration:
            yield Diagnostic(
                "duplicate_declaration",
                "error",
                declaration.span,
                f"'{declaration.predicate}' is already declared at {earlier_declaration.span}",
                "declare each predicate once",
            )
        declarations.setdefault(declaration.key, declaration)


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _readings(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    for declaration in program.of_type(Declaration):
        if declaration.reading is None:
            continue
        for name in _PLACEHOLDER.findall(declaration.reading):
            if name not in declaration.parameters:
                close = suggest(name, declaration.parameters)
                hint = f"did you mean {{{close}}}?" if close else f"the arguments are {', '.join(declaration.parameters) or 'none'}"
                yield Diagnostic(
                    "bad_reading",
                    "error",
                    declaration.span,
                    f"the reading of '{declaration.predicate}' names {{{name}}}, which is not one of its arguments",
                    hint,
                )


# --- Warnings ----------------------------------------------------------------------------------------------------


def _uncited(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    files_using_authorities = {a.span.file for a in program.of_type(Authority)}
    for statement in program.statements:
        annotations = getattr(statement, "annotations", None)
        if annotations is not None and annotations.citations:
            files_using_authorities.add(statement.span.file)
    for rule in program.of_type(Rule):
        # A library_reading note declares that no authority states the rule: it is uncited on purpose.
        if _reads_for_itself(rule):
            continue
        if rule.body and not rule.annotations.citations and rule.span.file in files_using_authorities:
            yield Diagnostic(
                "uncited_rule",
                "warning",
                rule.head.span,
                f"the rule for '{rule.head.predicate}' cites no authority",
                'add @cite AUTHORITY at PAGE before the rule, or @note library_reading "..." if no authority states it',
            )


def _reads_for_itself(rule: Rule) -> bool:
    return any(note.kind == "library_reading" for note in rule.annotations.notes)


def _facts_for_conclusions(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    """A case file states inputs; a fact of a declared derived or output predicate skips the doctrine."""
    concluded = {d.key: d for d in program.of_type(Declaration) if d.kind in ("derived", "output")}
    for fact in program.of_type(Fact):
        declaration = concluded.get(fact.atom.key)
        if declaration is not None:
            yield Diagnostic(
                "fact_for_conclusion",
                "warning",
                fact.atom.span,
                f"'{fact.atom.predicate}' is declared {declaration.kind} at {declaration.span}: stating it as a fact "
                "skips the rules that decide it",
                "state the input facts the rules reason from instead",
            )


def _integer_range(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    """An integer written in the program that the evaluating backend cannot hold: refused before evaluation."""
    if options.integer_limits is None:
        return
    least, greatest = options.integer_limits
    for constant in integer_constants(program.statements):
        if not least <= constant.value <= greatest:
            yield Diagnostic(
                "integer_out_of_range",
                "error",
                constant.span,
                f"{constant.value} is beyond the integers the {options.backend or 'evaluating'} backend holds "
                f"({least} to {greatest})",
                "evaluate with --engine pydatalog, which holds integers of any size",
            )


def integer_constants(node: Any) -> Iterator[Constant]:
    """Every integer constant written anywhere in a syntax-tree node (statements, an atom, a term)."""
    if isinstance(node, Constant):
        if isinstance(node.value, int) and not isinstance(node.value, bool):
            yield node
    elif isinstance(node, (tuple, list)):
        for item in node:
            yield from integer_constants(item)
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for item in dataclasses.fields(node):
            if item.name != "span":
                yield from integer_constants(getattr(node, item.name))


def _unused(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    used: set[PredicateKey] = set()
    for statement in program.statements:
        used.update(atom.key for atom, _role in _atoms(statement))
    for declaration in program.of_type(Declaration):
        if declaration.key not in used:
            yield Diagnostic(
                "unused_predicate",
                "warning",
                declaration.span,
                f"'{declaration.predicate}' is declared but never used",
                "use it in a rule, or remove the declaration",
            )


def check_query(program: Program, body: tuple[BodyItem, ...], options: CheckOptions = CheckOptions()) -> list[Diagnostic]:
    """The errors of a query against a program already checked: safety, arity and undefined names."""
    span = body[0].span if body else Span("<query>", 0, 0, 0, 0)
    with_query = Program(program.statements + (Query(body, span),), program.file)
    found = [d for run in (_safety, _arity, _undefined) for d in run(with_query, options) if d.is_error]
    return [d for d in found if d.span.file == span.file]


CHECKS: tuple[Callable[[Program, CheckOptions], Iterable[Diagnostic]], ...] = (
    _safety,
    _arity,
    _undefined,
    _rules_for_inputs,
    _stratification,
    _unbounded_arithmetic,
    _citations,
    _notes,
    _duplicates,
    _readings,
    _uncited,
    _facts_for_conclusions,
    _unused,
    _integer_range,
)
