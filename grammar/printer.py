"""Syntax tree → canonical lexlog source (`lexlog fmt`). `parse(print_program(tree)) == tree` holds.

Comments are put back where they stood: before the statement that follows them, or at the end of the line
they ended. The printer writes the default dialect.
"""

from __future__ import annotations

import re

from lexlog.grammar.parser import KEYWORDS as RESERVED_WORDS
from lexlog.grammar.tree import (
    AGGREGATE_FUNCTIONS,
    Aggregate,
    Annotations,
    Atom,
    Authority,
    BinaryOperation,
    BodyItem,
    Call,
    AsOf,
    Citation,
    Conflict,
    ConstantReading,
    LawDate,
    Constant,
    Constraint,
    Declaration,
    Expectation,
    Fact,
    Include,
    Literal,
    Note,
    Program,
    Query,
    Rule,
    Statement,
    Term,
    Value,
    Variable,
)
from lexlog.grammar.values import is_date, is_number, number_text

LINE_WIDTH = 100
INDENT = "    "
# A symbol spelt like a keyword is printed quoted; `at` too, for it is a keyword inside citations.
KEYWORDS = RESERVED_WORDS | {"at"} | set(AGGREGATE_FUNCTIONS)  # `X = sum` would begin an aggregate
_SYMBOL = re.compile(r"[a-z][A-Za-z0-9_]*")
_PIN = re.compile(r"\*?[0-9]+(?:[-–]\*?[0-9]+)?(?:[ \t]*nn?\.[ \t]*[0-9]+(?:[-–][0-9]+)?)?")
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "%": 2}


def print_program(program: Program) -> str:
    """The whole program as canonical source, comments kept."""
    comments = sorted(program.comments, key=lambda comment: (comment.span.line, comment.span.column))
    lines: list[str] = []
    last_line = 0
    index = 0
    for statement in program.statements:
        start = statement.span.line
        while index < len(comments) and (start == 0 or comments[index].span.line < start):
            _blank_line_if_gap(lines, last_line, comments[index].span.line)
            lines.append(comments[index].text)
            last_line = comments[index].span.end_line
            index += 1
        _blank_line_if_gap(lines, last_line, start)
        text = print_statement(statement)
        end = statement.span.end_line
        # A comment inside a statement that spans lines goes on a line of its own above it: the canonical text of
        # the statement has no place for it, and below it would read as the next statement's.
        while index < len(comments) and end and comments[index].span.line < end:
            lines.append(comments[index].text)
            index += 1
        trailing = []
        while index < len(comments) and end and comments[index].span.line == end:
            trailing.append(comments[index].text)
            last_line = comments[index].span.end_line
            index += 1
        if trailing:
            text += "  " + " ".join(trailing)
        lines.append(text)
        last_line = max(last_line, end)
    for comment in comments[index:]:
        _blank_line_if_gap(lines, last_line, comment.span.line)
        lines.append(comment.text)
        last_line = comment.span.end_line
    return "\n".join(lines) + "\n" if lines else ""


def _blank_line_if_gap(lines: list[str], last_line: int, next_line: int) -> None:
    if lines and last_line and next_line and next_line > last_line + 1 and lines[-1] != "":
        lines.append("")


def print_statement(statement: Statement) -> str:
    if isinstance(statement, Fact):
        return _annotated(statement.annotations, print_atom(statement.atom) + ".")
    if isinstance(statement, Rule):
        if not statement.body:
            return _annotated(statement.annotations, print_atom(statement.head) + ".")
        return _annotated(statement.annotations, _clause(print_atom(statement.head) + " :-", statement.body))
    if isinstance(statement, Constraint):
        return _annotated(statement.annotations, _clause(f"constraint {statement.name} :-", statement.body))
    if isinstance(statement, Authority):
        decided = f" decided {print_value(statement.decided)}" if statement.decided is not None else ""
        return f"authority {statement.name} = {print_string(statement.citation)}{decided}."
    if isinstance(statement, AsOf):
        return f"as_of {print_value(statement.date)}."
    if isinstance(statement, Conflict):
        return f"conflict {statement.first}, {statement.second}."
    if isinstance(statement, ConstantReading):
        return f"constant {statement.name} {print_string(statement.reading)}."
    if isinstance(statement, Declaration):
        reading = f" {print_string(statement.reading)}" if statement.reading is not None else ""
        parameters = ", ".join(
            name if statement.type_of(position) is None else f"{name}: {statement.type_of(position)}"
            for position, name in enumerate(statement.parameters)
        )
        return f"{statement.kind} {statement.predicate}({parameters}){reading}."
    if isinstance(statement, Expectation):
        return f"expect {'' if statement.positive else 'not '}{print_atom(statement.atom)}."
    if isinstance(statement, Query):
        return _clause("?-", statement.body)
    if isinstance(statement, Include):
        return f"include <{statement.target}>." if statement.library else f"include {print_string(statement.target)}."
    raise TypeError(f"not a statement: {statement!r}")


def _clause(lead: str, body: tuple[BodyItem, ...]) -> str:
    items = [print_body_item(item) for item in body]
    one_line = f"{lead} {', '.join(items)}."
    if len(one_line) <= LINE_WIDTH:
        return one_line
    return lead + "\n" + ",\n".join(INDENT + item for item in items) + "."


def _annotated(annotations: Annotations, text: str) -> str:
    lines = []
    if annotations.label is not None:
        lines.append(f"@label {annotations.label}")
    if annotations.citations:
        lines.append("@cite " + ", ".join(print_citation(citation) for citation in annotations.citations))
    lines.extend(print_note(note) for note in annotations.notes)
    if annotations.kind != "strict":
        lines.append(f"@{annotations.kind}")
    if annotations.overrides:
        lines.append("@overrides " + ", ".join(reference.label for reference in annotations.overrides))
    for keyword, law_date in (("since", annotations.since), ("until", annotations.until)):
        if law_date is not None:
            lines.append(f"@{keyword} {print_law_date(law_date)}")
    lines.append(text)
    return "\n".join(lines)


def print_citation(citation: Citation) -> str:
    if citation.pin is None:
        return citation.authority
    bare = _PIN.fullmatch(citation.pin) and citation.pin == " ".join(citation.pin.split())
    pin = citation.pin if bare else print_string(citation.pin)
    return f"{citation.authority} at {pin}"


def print_law_date(law_date: LawDate) -> str:
    """`2022-11-29`, or the authority's name; then the reason, if any."""
    when = law_date.authority if law_date.authority is not None else print_value(law_date.date)  # type: ignore[arg-type]
    return when if law_date.reason is None else f"{when} {print_string(law_date.reason)}"


def print_note(note: Note) -> str:
    return f"@note {note.kind} {print_string(note.text)}"


def print_body_item(item: BodyItem) -> str:
    if isinstance(item, Literal):
        return ("not " if item.negated else "") + print_atom(item.atom)
    if isinstance(item, Aggregate):
        term = "" if item.term is None else f" {print_term(item.term)}"
        body = ", ".join(print_body_item(inner) for inner in item.body)
        return f"{item.result.name} = {item.function}{term} : {{ {body} }}"
    return f"{print_term(item.left)} {item.operator} {print_term(item.right)}"


def print_atom(atom: Atom) -> str:
    if not atom.arguments:
        return atom.predicate
    return f"{atom.predicate}({', '.join(print_term(argument) for argument in atom.arguments)})"


def print_term(term: Term) -> str:
    if isinstance(term, Variable):
        return term.name
    if isinstance(term, Constant):
        return print_value(term.value)
    if isinstance(term, Call):
        return f"{term.function}({', '.join(print_term(argument) for argument in term.arguments)})"
    return _operation(term)


def _operation(term: BinaryOperation) -> str:
    precedence = _PRECEDENCE[term.operator]
    left = print_term(term.left)
    if isinstance(term.left, BinaryOperation) and _PRECEDENCE[term.left.operator] < precedence:
        left = f"({left})"
    right = print_term(term.right)
    if isinstance(term.right, BinaryOperation) and _PRECEDENCE[term.right.operator] <= precedence:
        right = f"({right})"
    return f"{left} {term.operator} {right}"


def print_value(value: Value) -> str:
    """A constant as source: a bare symbol when it reads as one, else a quoted string; numbers in decimal
    notation; dates as YYYY-MM-DD."""
    if is_number(value):
        return number_text(value)  # type: ignore[arg-type]
    if is_date(value):
        return value.isoformat()  # type: ignore[union-attr]
    if _SYMBOL.fullmatch(value) and value not in KEYWORDS:
        return value
    return print_string(value)


def print_string(text: str) -> str:
    out = ['"']
    for char in text:
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif ord(char) < 0x20 or ord(char) == 0x7F or 0xD800 <= ord(char) <= 0xDFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)
