"""The lexlog language: grammar, parser, syntax tree and printer. Knows nothing of evaluation."""

from lexlog.grammar.errors import LexlogSyntaxError
from lexlog.grammar.parser import (
    ANNOTATIONS,
    DIALECTS,
    KEYWORDS,
    Dialect,
    parse,
    parse_atom,
    parse_body,
    terminal_patterns,
)
from lexlog.grammar.suggestions import NameIndex, suggest
from lexlog.grammar.printer import print_atom, print_body_item, print_program, print_statement, print_term, print_value
from lexlog.grammar.tree import *  # noqa: F401,F403 - the tree is this package's vocabulary

__all__ = [
    "ANNOTATIONS",
    "DIALECTS",
    "KEYWORDS",
    "Dialect",
    "Ending",
    "StatementReader",
    "LexlogSyntaxError",
    "NameIndex",
    "parse",
    "parse_atom",
    "parse_body",
    "print_atom",
    "print_body_item",
    "print_program",
    "print_statement",
    "print_term",
    "print_value",
    "suggest",
    "terminal_patterns",
]


def __getattr__(name: str) -> object:
    # The prompt's statement reader is imported when first asked for: a command that reads files does not use it.
    if name in ("Ending", "StatementReader"):
        from lexlog.grammar import statements

        return getattr(statements, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
