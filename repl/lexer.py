"""A Pygments lexer for lexlog source and the prompt's commands: the REPL highlights input with it, and docs can
use it (`LexlogLexer`, aliases `lexlog`, `dl`).

Token choices: predicate names (an identifier before `(`, or a zero-arity head/atom) are `Name.Function`;
variables `Name.Variable`; symbols `Name.Constant`; `not`, `include`, `authority`, `input`, `derived`, `output`,
`constraint`, `expect`, `conflict`, `as_of`, `decided`, `at` are `Keyword`; the annotations (`@label`, `@defeasible`,
...) are `Name.Decorator`; `:-` and `?-` are
`Operator`; a prompt command (`:why`, `:suppose`) at the start of a line is `Keyword.Pseudo`; `--format`-style
options are `Name.Attribute`.
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, words

from lexlog.grammar import ANNOTATIONS, KEYWORDS as GRAMMAR_KEYWORDS
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


class LexlogLexer(RegexLexer):
    name = "lexlog"
    aliases = ["lexlog", "dl"]
    filenames = ["*.dl"]
    mimetypes = ["text/x-lexlog"]

    tokens = {
        "root": [
            (r"\s+", Whitespace),
            (r"%.*?$", Comment.Single),
            (r"//.*?$", Comment.Single),
            (r"/\*", Comment.Multiline, "block_comment"),
            (r"(?m)^(:[a-z]+)", Keyword.Pseudo),
            (r"--[a-z][a-z-]*", Name.Attribute),
            (r"@(" + "|".join(ANNOTATIONS) + r")\b", Name.Decorator),
            (r'"', String.Double, "string"),
            (r"<[A-Za-z_][A-Za-z0-9_]*>", String.Other),
            (r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9])", Literal.Date),
            (r"-?[0-9]+\.[0-9]+", Number.Float),
            (r"-?[0-9]+", Number.Integer),
            (r"(=)(\s*)(count|sum|min|max)\b", bygroups(Operator, Whitespace, Keyword)),
            (r":-|\?-", Operator),
            (r"!=|<=|>=|[=<>+*/%~-]", Operator),
            (words(KEYWORDS, suffix=r"\b"), Keyword),
            (r"([a-z][A-Za-z0-9_]*)(\s*)(\()", bygroups(Name.Function, Text, Punctuation)),
            (r"[A-Z_][A-Za-z0-9_]*", Name.Variable),
            (r"[a-z][A-Za-z0-9_]*(?=\s*(:-|\.\s*$|\.\s|\?|,\s*$))", Name.Function),
            (r"[a-z][A-Za-z0-9_]*", Name.Constant),
            (r"[(),.?;{}:]", Punctuation),
            (r".", Text),
        ],
        "string": [
            (r'\\(["\\ntr]|u[0-9A-Fa-f]{4})', String.Escape),
            (r'[^"\\\n]+', String.Double),
            (r'"', String.Double, "#pop"),
            (r"\n", Text, "#pop"),
            (r"\\", String.Double),
        ],
        "block_comment": [
            (r"[^*]+", Comment.Multiline),
            (r"\*/", Comment.Multiline, "#pop"),
            (r"\*", Comment.Multiline),
        ],
    }
