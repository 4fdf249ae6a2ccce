"""Atoms as the knowledge base keeps them: ground atoms and patterns over values, and where a base fact came from.

What the knowledge base's state, batch runs and postures are made of; the explanation types
(`lexlog.kb.explanation`) build on them. Kept apart so that a command that only queries does not load the
explanation side.

An `AtomPattern` may leave arguments open (`None`, printed `_`): "no `p(a, _)` follows" is a pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal as TypingLiteral, Optional, Union

from lexlog.grammar.printer import print_value
from lexlog.grammar.tree import UNKNOWN_SPAN, Atom, Constant, Span, Value, Variable

PredicateKey = tuple[str, int]


# --- atoms -------------------------------------------------------------------------------------------------------


INTERNAL_NAME = re.compile(r"_[GT][0-9]+")
"""The names normalization gives variables: `_G1` for an anonymous `_`, `_T1` for arithmetic moved out of an atom."""
_ANONYMOUS = re.compile(r"(?<![A-Za-z0-9_])_G[0-9]+(?![A-Za-z0-9_])")
ANONYMOUS_NAME = re.compile(r"_G[0-9]+")
"""The name normalization gives an anonymous variable `_`."""


def source_text(text: str) -> str:
    """Source text of a normalised body item with the renamed anonymous variables (`_G1`) written `_` again."""
    return _ANONYMOUS.sub("_", text)


@dataclass(frozen=True)
class AtomPattern:
    """A predicate applied to values; `None` stands for an open argument ("any value").

    `variables`, when given, names the variable at each open position (None at bound positions and for an
    anonymous one): open positions with the same name must take the same value, so `b(X, X)` is not `b(_, _)`.
    """

    predicate: str
    arguments: tuple[Optional[Value], ...] = ()
    variables: tuple[Optional[str], ...] = ()

    @property
    def key(self) -> PredicateKey:
        return (self.predicate, len(self.arguments))

    @property
    def is_ground(self) -> bool:
        return all(argument is not None for argument in self.arguments)

    def variable(self, position: int) -> Optional[str]:
        if position < len(self.variables) and self.arguments[position] is None:
            return self.variables[position]
        return None

    @property
    def text(self) -> str:
        """The atom as lexlog source: `p(a, "two words", -3)`, an open argument as its variable or `_`."""
        if not self.arguments:
            return self.predicate
        shown = []
        for position, argument in enumerate(self.arguments):
            if argument is None:
                name = self.variable(position)
                shown.append("_" if name is None or INTERNAL_NAME.fullmatch(name) else name)
            else:
                shown.append(print_value(argument))
        return f"{self.predicate}({', '.join(shown)})"

    def matches(self, row: tuple[Value, ...]) -> bool:
        """Whether a row is an instance of the pattern (bound values equal, same-named open positions equal)."""
        if len(row) != len(self.arguments):
            return False
        seen: dict[str, Value] = {}
        for position, (want, got) in enumerate(zip(self.arguments, row)):
            if want is None:
                name = self.variable(position)
                if name is not None:
                    if name in seen and not (seen[name] == got and type(seen[name]) is type(got)):
                        return False
                    seen.setdefault(name, got)
            elif not (want == got and type(want) is type(got)):
                return False
        return True

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class GroundAtom(AtomPattern):
    """An atom whose every argument is a value."""

    arguments: tuple[Value, ...] = ()
    variables: tuple[Optional[str], ...] = ()

    @property
    def row(self) -> tuple[Value, ...]:
        return self.arguments


def ground_atom(atom: Union[GroundAtom, AtomPattern, Atom, tuple]) -> AtomPattern:
    """A `GroundAtom` (or `AtomPattern` if open) from a tree `Atom`, a pattern, or `(predicate, row)`.

    A tree atom's variables become open positions named by the variable (`_` is anonymous); any other term
    (arithmetic) is open and anonymous.
    """
    if isinstance(atom, AtomPattern):
        if type(atom) is AtomPattern and atom.is_ground:
            return GroundAtom(atom.predicate, tuple(atom.arguments))  # type: ignore[arg-type]
        return atom
    if isinstance(atom, Atom):
        arguments = tuple(argument.value if isinstance(argument, Constant) else None for argument in atom.arguments)
        names = tuple(
            argument.name if isinstance(argument, Variable) and not argument.is_anonymous else None
            for argument in atom.arguments
        )
        return ground_atom(make_pattern(atom.predicate, arguments, names))
    if isinstance(atom, tuple) and len(atom) == 2 and isinstance(atom[0], str):
        return ground_atom(AtomPattern(atom[0], tuple(atom[1])))
    raise TypeError(f"not an atom: {atom!r}")


def make_pattern(
    predicate: str, arguments: tuple[Optional[Value], ...], variables: tuple[Optional[str], ...] = ()
) -> AtomPattern:
    """A `GroundAtom` when every argument is given, else an `AtomPattern` naming its open positions."""
    if all(argument is not None for argument in arguments):
        return GroundAtom(predicate, arguments)  # type: ignore[arg-type]
    names = tuple(None if argument is not None else name for argument, name in zip(arguments, variables or (None,) * len(arguments)))
    if all(name is None for name in names):
        names = ()
    return AtomPattern(predicate, arguments, names)


# --- where facts come from ---------------------------------------------------------------------------------------

FactOriginKind = TypingLiteral["file", "asserted", "supposed"]


@dataclass(frozen=True)
class FactOrigin:
    """Where a base fact comes from: a file (with its span), asserted in the session, or supposed (a what-if)."""

    kind: FactOriginKind = "file"
    span: Optional[Span] = None

    def __post_init__(self) -> None:
        if self.kind not in ("file", "asserted", "supposed"):
            raise ValueError(f"unknown fact origin {self.kind!r}")
        if self.span is not None and self.span == UNKNOWN_SPAN:
            object.__setattr__(self, "span", None)

    @property
    def description(self) -> str:
        if self.kind == "asserted":
            return "asserted in the session"
        if self.kind == "supposed":
            return "supposed (what-if)"
        return f"fact at {location(self.span)}" if self.span is not None else "fact"


FILE_FACT = FactOrigin("file")
ASSERTED = FactOrigin("asserted")
SUPPOSED = FactOrigin("supposed")


def location(span: Optional[Span]) -> str:
    """`file:line` of a span, or '' when unknown."""
    if span is None or span == UNKNOWN_SPAN:
        return ""
    return f"{span.file}:{span.line}"


def known_span(span: Optional[Span]) -> Optional[Span]:
    return None if span is None or span == UNKNOWN_SPAN else span
