"""Static checks, run before any evaluation: they are about meaning, not syntax.

Each check is a small function from the program to diagnostics; `check` runs them all and returns every finding,
errors and warnings together, in source order.

Codes (stable): unbound_variable, anonymous_in_head, arity_mismatch, cyclic_negation, undefined_predicate,
rule_for_input, unknown_authority, duplicate_label, duplicate_authority, duplicate_declaration, bad_reading,
unknown_note_kind, empty_note, unbounded_arithmetic, unknown_function, unknown_rounding_mode, undefined_value,
cyclic_aggregate, aggregate_outside_rule, nested_aggregate,
unknown_type, type_mismatch; warnings: uncited_rule, fact_for_conclusion, unused_predicate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from lexlog.grammar import NameIndex, suggest
from lexlog.grammar.tree import (
    COMPUTED_TERMS,
    NOTE_KINDS,
    PARAMETER_TYPES,
    Aggregate,
    Atom,
    Authority,
    BinaryOperation,
    BodyItem,
    Call,
    Comparison,
    Constant,
    ConstantReading,
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
    Term,
    Variable,
    atom_variables,
    complement,
    term_variables,
)
from lexlog.grammar.values import is_date, is_number
from lexlog.kb import arithmetic
from lexlog.kb.defeasible_checks import dates_in_force, defeasible_part
from lexlog.kb.dependency import DependencyGraph, describe_cycle, describe_recursion
from lexlog.kb.diagnostics import Diagnostic
from lexlog.kb.functions import FUNCTION_NAMES, FUNCTIONS, ROUNDING_MODES
from lexlog.kb.matching import aggregate_shared

PredicateKey = tuple[str, int]


@dataclass(frozen=True)
class CheckOptions:
    """`undefined_is_error`: an undeclared predicate with no facts and no rules is an error (else it is empty)."""

    undefined_is_error: bool = True


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
        elif isinstance(item, Aggregate):
            bound.add(item.result.name)  # the aggregate's value
    return bound


def unbound_in_body(body: Iterable[BodyItem], bound: set[str]) -> Iterator[tuple[Variable, str]]:
    """Variables of negated atoms, comparisons and arithmetic in atoms that no positive atom binds."""
    for item in body:
        if isinstance(item, Aggregate):
            yield from _unbound_in_aggregate(item)
            continue
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


def _unbound_in_aggregate(aggregate: Aggregate) -> Iterator[tuple[Variable, str]]:
    """An aggregate's body must be safe on its own: its atoms bind every variable of its term, negations and
    comparisons (a variable it shares with the rule is fixed by the rule, but is bound inside too, so that what is
    counted or added can be listed); its result stands outside it."""
    inner = body_bound_variables(aggregate.body)
    yield from unbound_in_body(aggregate.body, inner)
    for variable in term_variables(aggregate.term) if aggregate.term is not None else ():
        if variable.name not in inner:
            yield variable, f"'{variable.name}' in the term of {aggregate.function} is not bound by an atom inside it"
    for item in aggregate.body:
        for variable in _item_variables(item):
            if variable.name == aggregate.result.name:
                yield variable, f"'{variable.name}' is the result of {aggregate.function}, so it cannot stand inside it"


def _ungrouped(body: tuple[BodyItem, ...], bound: set[str]) -> Iterator[Diagnostic]:
    """A variable an aggregate shares with the rest of the rule names its group, so an atom outside the aggregate
    must bind it (`party(P), T = sum A : { claim(P, A) }`); otherwise there is no telling which groups have none."""
    for item in body:
        if not isinstance(item, Aggregate):
            continue
        outer = body_bound_variables(other for other in body if other is not item) - {item.result.name}
        for name in aggregate_shared(item, body):
            if name not in outer:
                variable = next(v for v in _item_variables(item) if v.name == name)
                yield Diagnostic(
                    "unbound_variable",
                    "error",
                    variable.span,
                    f"'{name}' is shared by {item.function} and the rest of the rule, but no positive atom outside "
                    f"the {item.function} binds it: it names the group {item.function} is taken over",
                    f"bind {name} outside it, for example with a fact about each {name}",
                )


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
            yield from _ungrouped(statement.body, bound)
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
    if isinstance(item, Aggregate):
        term = term_variables(item.term) if item.term is not None else []
        return [item.result, *term, *(v for inner in item.body for v in _item_variables(inner))]
    return [v for argument in item.atom.arguments for v in term_variables(argument)]


# --- Names and arities -----------------------------------------------------------------------------------------


def _atoms(statement: Statement) -> Iterator[tuple[Atom, str]]:
    """Every atom of a statement, with its role: 'head', 'fact', 'body', 'expect'."""
    if isinstance(statement, Fact):
        yield statement.atom, "fact"
    elif isinstance(statement, Rule):
        yield statement.head, "head"
        yield from ((atom, "body") for atom in _body_atoms(statement.body))
    elif isinstance(statement, (Constraint, Query)):
        yield from ((atom, "body") for atom in _body_atoms(statement.body))
    elif isinstance(statement, Expectation):
        yield statement.atom, "expect"


def _body_atoms(body: Iterable[BodyItem]) -> Iterator[Atom]:
    """The atoms of a body, those inside aggregates included."""
    for item in body:
        if isinstance(item, Literal):
            yield item.atom
        elif isinstance(item, Aggregate):
            yield from _body_atoms(item.body)


def _aggregates(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    """Aggregates stand in rules (a constraint or query uses a predicate a rule defines with one), one level deep."""
    for statement in program.statements:
        for item in getattr(statement, "body", ()):
            if not isinstance(item, Aggregate):
                continue
            if not isinstance(statement, Rule):
                yield Diagnostic(
                    "aggregate_outside_rule",
                    "error",
                    item.span,
                    f"{item.function} stands in a {'constraint' if isinstance(statement, Constraint) else 'query'}: "
                    "aggregates stand in rules",
                    f"define a predicate with a rule, total(P, {item.result.name}) :- party(P), "
                    f"{item.result.name} = {item.function} ... : {{ ... }}., and use it here",
                )
            for inner in item.body:
                if isinstance(inner, Aggregate):
                    yield Diagnostic(
                        "nested_aggregate",
                        "error",
                        inner.span,
                        f"{inner.function} stands inside {item.function}",
                        "compute the inner aggregate in a rule of its own and use its predicate here",
                    )


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
    # `~p` and `p` are one predicate's two sides: where one is defined, the other may be asked about.
    known |= {(complement(name), arity) for name, arity in known}
    known_names = {name for name, _ in known}
    hints = NameIndex(known_names)
    reported: set[tuple[str, int, int]] = set()
    for statement in program.statements:
        for atom, role in _atoms(statement):
            if role in {"fact", "head"} or atom.key in known or atom.predicate in known_names:
                continue  # a wrong arity of a known name is arity_mismatch's to report
            where = (atom.span.file, atom.span.line, atom.span.column)
            if where in reported:
                continue
            reported.add(where)
            close = hints.closest(atom.predicate)
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
        if edge.aggregate:
            yield Diagnostic(
                "cyclic_aggregate",
                "error",
                edge.literal.span,
                f"'{edge.head[0]}' depends on its own {edge.aggregate}: {cycle}",
                "an aggregate needs what it counts or adds complete first: aggregate over a predicate that does "
                "not depend on the result",
            )
            continue
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
        # a variable an atom outside the recursion binds takes finitely many values (`legal_holiday(Day)`)
        compared |= {
            variable.name
            for item in rule.body
            if isinstance(item, Literal) and not item.negated and id(item) not in recursion
            for variable in atom_variables(item.atom)
        }
        for argument in rule.head.arguments:
            names = {variable.name for variable in term_variables(argument)}
            if isinstance(argument, COMPUTED_TERMS) and names and not names & compared:
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
    hints = NameIndex(authorities)
    for statement in program.statements:
        annotations = getattr(statement, "annotations", None)
        if annotations is None:
            continue
        for citation in annotations.citations:
            if citation.authority not in authorities:
                close = hints.closest(citation.authority)
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
    constants: dict[str, ConstantReading] = {}
    for constant in program.of_type(ConstantReading):
        earlier_constant = constants.setdefault(constant.name, constant)
        if earlier_constant.reading != constant.reading:
            yield Diagnostic(
                "duplicate_constant",
                "error",
                constant.span,
                f"the constant '{constant.name}' already has another reading, at {earlier_constant.span}",
                "give each constant one reading",
            )


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _readings(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    for constant in program.of_type(ConstantReading):
        if _PLACEHOLDER.search(constant.reading):
            yield Diagnostic(
                "bad_reading",
                "error",
                constant.span,
                f"the reading of the constant '{constant.name}' has a {{placeholder}}, but a constant has no arguments",
                "write the words the constant stands for",
            )
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
        if rule.annotations.library_reading:
            continue
        if rule.body and not rule.annotations.citations and rule.span.file in files_using_authorities:
            yield Diagnostic(
                "uncited_rule",
                "warning",
                rule.head.span,
                f"the rule for '{rule.head.predicate}' cites no authority",
                'add @cite AUTHORITY at PAGE before the rule, or @note library_reading "..." if no authority states it',
            )


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


# --- Values and functions ---------------------------------------------------------------------------------------


def _statement_terms(statement: Statement) -> Iterator[Term]:
    """Every term written in a statement, outermost first, the terms inside operations and calls included."""
    roots: list[Term] = []
    for atom, _role in _atoms(statement):
        roots.extend(atom.arguments)
    items = list(getattr(statement, "body", ()))
    while items:
        item = items.pop(0)
        if isinstance(item, Comparison):
            roots.extend((item.left, item.right))
        elif isinstance(item, Aggregate):
            if item.term is not None:
                roots.append(item.term)
            items.extend(item.body)
    stack = list(reversed(roots))
    while stack:
        term = stack.pop()
        yield term
        if isinstance(term, BinaryOperation):
            stack.extend((term.right, term.left))
        elif isinstance(term, Call):
            stack.extend(reversed(term.arguments))


def _functions(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    """A call of a function lexlog does not have, or with the wrong number of arguments; a rounding mode it does
    not know."""
    for statement in program.statements:
        for term in _statement_terms(statement):
            if not isinstance(term, Call):
                continue
            function = FUNCTIONS.get((term.function, len(term.arguments)))
            if function is None:
                yield _unknown_function(term)
            elif term.function in ("round", "round_to_multiple"):
                mode = term.arguments[2]
                if isinstance(mode, Constant) and mode.value not in ROUNDING_MODES:
                    known = ", ".join(ROUNDING_MODES)
                    guess = suggest(str(mode.value), ROUNDING_MODES)
                    yield Diagnostic(
                        "unknown_rounding_mode",
                        "error",
                        mode.span,
                        f"'{mode.value}' is not a rounding mode",
                        f"did you mean '{guess}'?" if guess else f"the modes are {known}",
                    )


def _unknown_function(call: Call) -> Diagnostic:
    known = sorted((f for (name, _arity), f in FUNCTIONS.items() if name == call.function), key=lambda f: f.arity)
    if known:
        arities = " or ".join(str(function.arity) for function in known)
        return Diagnostic(
            "unknown_function",
            "error",
            call.span,
            f"'{call.function}' takes {arities} argument{'s' if arities != '1' else ''}, not {len(call.arguments)}",
            "write " + " or ".join(function.signature for function in known),
        )
    guess = suggest(call.function, FUNCTION_NAMES)
    hint = f"did you mean '{guess}'?" if guess else "docs/language.md lists the functions"
    if guess is None and call.function in ("sum", "count", "min", "max", "avg", "mean"):
        hint = f"over many rows, an aggregate: Total = {call.function} A : {{ claim(P, A) }}"
        if call.function == "count":
            hint = "over many rows, an aggregate: N = count : { claim(P, K) }"
    return Diagnostic(
        "unknown_function",
        "error",
        call.span,
        f"'{call.function}' is not a function lexlog has (an atom cannot stand inside another atom)",
        hint,
    )


def _ground_values(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    """A computation written with values only (`date("2024-13-01")`, `1 / 0`) that has no value: it would make
    the rule or fact it stands in silently produce nothing."""
    for statement in program.statements:
        for term in _statement_terms(statement):
            if not isinstance(term, COMPUTED_TERMS) or term_variables(term):
                continue
            if isinstance(term, Call) and (term.function, len(term.arguments)) not in FUNCTIONS:
                continue  # unknown_function says what is wrong
            if arithmetic.evaluate(term, {}) is None:
                yield undefined_value(term.span)


def undefined_value(span: Span) -> Diagnostic:
    """A computation written with values only that has none: the one wording for every place that finds one."""
    return Diagnostic(
        "undefined_value",
        "error",
        span,
        "this computation has no value (a wrong kind of value, a date that does not exist, a division by zero, or "
        "a date outside years 1 to 9999)",
        "correct the values; a rule or fact that needs it would produce nothing",
    )


def fits_type(value: object, type_name: str) -> bool:
    """Whether a value is of a declared parameter type (see PARAMETER_TYPES)."""
    if type_name == "integer":
        return arithmetic.is_integer(value)
    if type_name in ("number", "money"):
        return is_number(value)
    if type_name == "date":
        return is_date(value)
    if type_name == "string":
        return isinstance(value, str)
    return True


def _declared_types(program: Program, options: CheckOptions) -> Iterator[Diagnostic]:
    """A declared type lexlog does not know; a value written where a parameter of another type is declared."""
    typed: dict[PredicateKey, Declaration] = {}
    for declaration in program.of_type(Declaration):
        for position, type_name in enumerate(declaration.types):
            if type_name is not None and type_name not in PARAMETER_TYPES:
                guess = suggest(type_name, PARAMETER_TYPES)
                yield Diagnostic(
                    "unknown_type",
                    "error",
                    declaration.span,
                    f"'{type_name}' (the type of {declaration.parameters[position]}) is not a type",
                    f"did you mean '{guess}'?" if guess else f"the types are {', '.join(PARAMETER_TYPES)}",
                )
        if any(declaration.types):
            typed.setdefault(declaration.key, declaration)
    if not typed:
        return
    for statement in program.statements:
        for atom, _role in _atoms(statement):
            declaration = typed.get(atom.key)
            if declaration is None:
                continue
            for position, argument in enumerate(atom.arguments):
                type_name = declaration.type_of(position)
                if type_name is None or type_name not in PARAMETER_TYPES or not isinstance(argument, Constant):
                    continue
                if not fits_type(argument.value, type_name):
                    yield Diagnostic(
                        "type_mismatch",
                        "error",
                        argument.span,
                        f"{declaration.parameters[position]} of '{atom.predicate}' is declared {type_name} "
                        f"({PARAMETER_TYPES[type_name]}), but this is {_kind_words(argument.value)}",
                        _type_hint(type_name),
                    )


def _kind_words(value: object) -> str:
    if is_date(value):
        return "a date"
    if is_number(value):
        return "an integer" if arithmetic.is_integer(value) else "a number with a fractional part"
    return "a string or symbol"


def _type_hint(type_name: str) -> str:
    return {
        "integer": "write a whole number: 42",
        "number": "write a number: 42 or 75000.01",
        "money": "write the amount as a number, without '$' or commas: 75000.01",
        "date": "write the date as YYYY-MM-DD, without quotes: 2024-01-05",
        "string": 'write a symbol or a quoted string: melson, "Dallas County"',
    }[type_name]


def check_query(program: Program, body: tuple[BodyItem, ...], options: CheckOptions = CheckOptions()) -> list[Diagnostic]:
    """The errors of a query against a program already checked: safety, arity and undefined names."""
    span = body[0].span if body else Span("<query>", 0, 0, 0, 0)
    query = Query(body, span)
    declarations = tuple(program.of_type(Declaration))
    declared = {d.key for d in declarations}
    if declarations and all(atom.key in declared for atom, _role in _atoms(query)):
        # Every predicate the query names is declared, and a declaration is all these checks need of the program to
        # judge the query (its arity, its types, that it is defined): check the query against the declarations
        # alone rather than the whole program again, a cost per query that grows with the knowledge base.
        with_query = Program(declarations + (query,), program.file)
    else:
        with_query = Program(program.statements + (query,), program.file)
    runs = (_safety, _arity, _undefined, _aggregates, _functions, _ground_values, _declared_types)
    found = [d for run in runs for d in run(with_query, options) if d.is_error]
    return [d for d in found if d.span.file == span.file]


CHECKS: tuple[Callable[[Program, CheckOptions], Iterable[Diagnostic]], ...] = (
    _safety,
    defeasible_part,
    dates_in_force,
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
    _aggregates,
    _functions,
    _ground_values,
    _declared_types,
)
