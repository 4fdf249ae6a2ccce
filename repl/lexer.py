"""A Pygments lexer for lexlog source and the prompt's commands: the REPL highlights input with it, and docs can
use it (`LexlogLexer`, aliases `lexlog`, `dl`).

Each token is the grammar's terminal of that name (`lexlog.grammar.terminal_patterns`): predicate names (an
identifier before `(`, or a zero-arity head/atom) are `Name.Function`; variables `Name.Variable`; symbols
`Name.Constant`; the grammar's keywords and a citation's `at` are `Keyword`; the annotations (`@label`,
`@defeasible`, ...) are `Name.Decorator`; `:-` and `?-` are `Operator`. The prompt adds its own: a command (`:why`,
`:suppose`) at the start of a line is `Keyword.Pseudo`; `--format`-style options are `Name.Attribute`; a string or
block comment not closed yet runs to the end of the line or text.
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, words

from lexlog.grammar import ANNOTATIONS, KEYWORDS as GRAMMAR_KEYWORDS, terminal_patterns
from pygments.token import (
    Comment,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

# The language's own keywords and annotations (one definition, in the grammar), and `at` of a citation.
KEYWORDS = (*sorted(GRAMMAR_KEYWORDS), "at")

# Every token the language has is the grammar's terminal of that name; only what the prompt adds (its commands and
# options) and what a half-typed line needs (a string or block comment not yet closed) are written here.
_T = terminal_patterns()
_OPERATORS = "|".join(
    _T[name] for name in ("NOT_EQUAL", "LESS_EQUAL", "GREATER_EQUAL", "EQUAL", "LT", "GT", "PLUS", "TIMES", "DIVIDE", "MOD", "TILDE", "MINUS")
)


class LexlogLexer(RegexLexer):
    name = "lexlog"
    aliases = ["lexlog", "dl"]
    filenames = ["*.dl"]
    mimetypes = ["text/x-lexlog"]

    tokens = {
        "root": [
            (_T["WHITESPACE"], Whitespace),
            (_T["LINE_COMMENT"], Comment.Single),
            (_T["BLOCK_COMMENT"], Comment.Multiline),
            (r"/\*", Comment.Multiline, "block_comment"),  # not closed yet: the rest is comment
            (r"(?m)^(:[a-z]+)", Keyword.Pseudo),
            (r"--[a-z][a-z-]*", Name.Attribute),
            (r"@(" + "|".join(ANNOTATIONS) + r")\b", Name.Decorator),
            (_T["STRING"], String.Double),
            (r'"[^"\n]*', String.Double),  # not closed yet
            (_T["LT"] + _T["SYMBOL"] + _T["GT"], String.Other),  # include <library>
            (_T["DATE_SHAPED"], Literal.Date),
            (_T["DECIMAL"], Number.Float),
            (_T["INT"], Number.Integer),
            (f"({_T['EQUAL']})(\\s*)({_T['AGGREGATE_FUNCTION']})", bygroups(Operator, Whitespace, Keyword)),
            (f"{_T['IF']}|{_T['QUERY']}", Operator),
            (_OPERATORS, Operator),
            (words(KEYWORDS, suffix=r"\b"), Keyword),
            (f"({_T['SYMBOL']})(\\s*)(\\()", bygroups(Name.Function, Text, Punctuation)),
            (_T["VARIABLE"], Name.Variable),
            (_T["SYMBOL"] + r"(?=\s*(:-|\.\s*$|\.\s|\?|,\s*$))", Name.Function),
            (_T["SYMBOL"], Name.Constant),
            (r"[(),.?;{}:]", Punctuation),
            (r".", Text),
        ],
        "block_comment": [
            (r"[^*]+", Comment.Multiline),
            (r"\*/", Comment.Multiline, "#pop"),
            (r"\*", Comment.Multiline),
        ],
    }
