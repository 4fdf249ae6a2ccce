"""The one error type the grammar raises: a syntax error that knows where it is."""

from __future__ import annotations

from dataclasses import dataclass

from lexlog.grammar.tree import Span


@dataclass
class LexlogSyntaxError(Exception):
    """Text that is not lexlog. `expected` lists, in words, what could have stood at `span`."""

    message: str
    span: Span
    expected: tuple[str, ...] = ()
    hint: str | None = None
    code: str = "syntax_error"

    def __str__(self) -> str:
        return f"{self.span}: {self.message}"
