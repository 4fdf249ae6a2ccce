"""Reading the Prolog subset SARA's case files are written in: terms, clauses, and the case file's four parts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Union

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedInput


@dataclass(frozen=True)
class Position:
    line: int
    column: int


@dataclass(frozen=True)
class Atom:
    """A Prolog atom (`alice`, `'bob_maintains_household_'`)."""

    name: str


@dataclass(frozen=True)
class String:
    """A double-quoted string (`"2017-01-01"`, `"usa"`)."""

    text: str


@dataclass(frozen=True)
class Integer:
    value: int


@dataclass(frozen=True)
class Variable:
    """A variable; each `_` is its own (its name is made unique when read)."""

    name: str

    @property
    def is_anonymous(self) -> bool:
        return self.name.startswith("_")


@dataclass(frozen=True)
class Compound:
    """`name(arguments)`; the control constructs are compounds too: `,`, `;`, `->`, `\\+`, and comparisons."""

    name: str
    arguments: tuple["Term", ...]
    position: Position | None = None


@dataclass(frozen=True)
class PrologList:
    items: tuple["Term", ...]


Term = Union[Atom, String, Integer, Variable, Compound, PrologList]


@dataclass(frozen=True)
class Clause:
    """A fact (`body` is None), a rule, or a directive (`head` is None)."""

    head: Term | None
    body: Term | None
    position: Position


class PrologSyntaxError(Exception):
    def __init__(self, message: str, position: Position) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = resources.files("lexlog.kb.sara").joinpath("prolog.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def _unquote(text: str) -> str:
    body = text[1:-1]
    if text[0] == "'":
        body = body.replace("''", "'")
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


class _ToTerms(Transformer):
    def __init__(self, line_offset: int = 0) -> None:
        super().__init__()
        self.anonymous = 0
        self.line_offset = line_offset

    def start(self, clauses):
        return list(clauses)

    @v_args(meta=True)
    def clause(self, meta, children):
        (term,) = children
        position = Position(meta.line + self.line_offset, meta.column)
        if isinstance(term, tuple) and term[0] == "rule":
            return Clause(term[1], term[2], position)
        if isinstance(term, tuple) and term[0] == "directive":
            return Clause(None, term[1], position)
        return Clause(term, None, position)

    def rule(self, children):
        return ("rule", children[0], children[1])

    def directive(self, children):
        return ("directive", children[0])

    def _chain(self, name: str, children: list) -> Term:
        # An aliased `?rule` is kept even with one child; a one-child chain is that child.
        result = children[-1]
        for child in reversed(children[:-1]):
            result = Compound(name, (child, result))
        return result

    def disjunction(self, children):
        return self._chain(";", children)

    def implication(self, children):
        return self._chain("->", children)

    def conjunction(self, children):
        return self._chain(",", children)

    def negation(self, children):
        return Compound("\\+", (children[0],))

    def comparison(self, children):
        if len(children) == 1:
            return children[0]
        left, operator, right = children
        return Compound(str(operator), (left, right))

    @v_args(meta=True)
    def compound(self, meta, children):
        name = children[0]
        text = _unquote(str(name)) if str(name).startswith("'") else str(name)
        return Compound(text, tuple(children[1:]), Position(meta.line + self.line_offset, meta.column))

    def atom(self, children):
        return Atom(str(children[0]))

    def quoted_atom(self, children):
        return Atom(_unquote(str(children[0])))

    def string(self, children):
        return String(_unquote(str(children[0])))

    def integer(self, children):
        return Integer(int(children[0]))

    def variable(self, children):
        name = str(children[0])
        if name == "_":
            self.anonymous += 1
            name = f"_{self.anonymous}"
        return Variable(name)

    def list(self, children):
        return PrologList(tuple(child for child in children if child is not None))


def parse_clauses(text: str, line_offset: int = 0) -> list[Clause]:
    """The clauses of a Prolog text; `line_offset` is added to every line (for a part of a larger file)."""
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        position = Position(error.line + line_offset if error.line > 0 else line_offset + 1, max(error.column, 1))
        found = getattr(error, "token", None)
        what = f"unexpected {str(found)!r}" if isinstance(found, Token) and str(found) else "unexpected input"
        raise PrologSyntaxError(what, position) from None
    return _ToTerms(line_offset).transform(tree)


@dataclass(frozen=True)
class CaseFile:
    """A SARA case file's four parts: the case in English, the question, the clauses, and the test goal."""

    text: str
    question: str
    clauses: tuple[Clause, ...]
    goal: Term
    goal_position: Position
    repaired: tuple[str, ...] = ()


_HEADERS = ("% Text", "% Question", "% Facts", "% Test")
_LOAD_DIRECTIVE = re.compile(r":-\s*(?:discontiguous\s+[^.]*|\[[^\]]*\])\s*\.")


def read_case_file(source: str) -> CaseFile:
    """Split a case file at its four `% ...` headers and read the facts and the test goal.

    A facts part whose last clause lacks its final period (two of SARA's files) would make Prolog read the test
    directive as that clause's body; the headers say where the facts end, so the period is supplied and noted.
    """
    lines = source.splitlines()
    starts: dict[str, int] = {}
    for number, line in enumerate(lines):
        header = line.strip()
        if header in _HEADERS and header not in starts:
            starts[header] = number
    missing = [header for header in _HEADERS if header not in starts]
    if missing:
        raise PrologSyntaxError(f"the case file has no '{missing[0]}' part", Position(1, 1))

    def part(header: str) -> tuple[list[str], int]:
        begin = starts[header] + 1
        later = [n for n in starts.values() if n > starts[header]]
        end = min(later) if later else len(lines)
        return lines[begin:end], begin

    def comment_text(header: str) -> str:
        body, _ = part(header)
        return " ".join(line.lstrip("%").strip() for line in body if line.strip().startswith("%")).strip()

    facts_lines, facts_start = part("% Facts")
    # `:- discontiguous p/n.` and `:- [statutes/prolog/init].` only load the statutes and silence warnings.
    facts_lines = ["" if _LOAD_DIRECTIVE.fullmatch(line.strip()) else line for line in facts_lines]
    repaired: list[str] = []
    facts_text = "\n".join(facts_lines)
    stripped = re.sub(r"%[^\n]*", "", facts_text).rstrip()
    if stripped and not stripped.endswith("."):
        last = max(n for n, line in enumerate(facts_lines) if re.sub(r"%.*", "", line).strip())
        facts_lines[last] = facts_lines[last].rstrip() + "."
        facts_text = "\n".join(facts_lines)
        repaired.append(f"line {facts_start + last + 1}: the last fact has no final period; read as ending there")
    clauses = parse_clauses(facts_text, facts_start)
    test_lines, test_start = part("% Test")
    tests = [c for c in parse_clauses("\n".join(test_lines), test_start) if c.head is None]
    goals = [c for c in tests if not (isinstance(c.body, Atom) and c.body.name == "halt")]
    if len(goals) != 1:
        raise PrologSyntaxError(f"the test part has {len(goals)} goals; a case has exactly one", Position(test_start + 1, 1))
    return CaseFile(comment_text("% Text"), comment_text("% Question"), tuple(clauses), goals[0].body, goals[0].position, tuple(repaired))
