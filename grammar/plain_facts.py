"""Parsing a large file's plain facts without lark's parser, for speed.

A file of a few megabytes is mostly facts, one a line: `edge(node1, "label 1"). % a comment`. Through lark's
lexer and LALR parser each such line costs tens of microseconds in Python, most of a 10 MB file's minute. This
module reads those lines with one regular expression, made of the grammar's own terminal patterns (SYMBOL, INT,
STRING, the line comment), and builds each fact, its spans and its comment as lark's parse does (the values by the
parse's own `decode_string` and `integer_from_digits`). Every other line goes to lark, in runs of consecutive
lines.

It applies only where it cannot change the reading: to a file of `PLAIN_FACTS_FROM` bytes or more, in the lexlog
dialect, with no block comment (whose inside may look like a fact), and only when each run handed to lark parses
as whole statements on its own (a run that ends inside a statement, or before the statement an annotation belongs
to, means a "fact" line was part of something else); otherwise, or on any syntax error, the whole file is parsed
by lark as before, so errors read exactly as they always did. A property test compares the two readings.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Optional

from lexlog.grammar.errors import LexlogSyntaxError
from lexlog.grammar.parser import _PROLOG_COLLECTORS, KEYWORDS, _comments, _run, decode_string, terminal_patterns
from lexlog.grammar.tree import NO_ANNOTATIONS, Atom, Comment, Constant, Fact, Span, Statement
from lexlog.grammar.values import integer_from_digits

PLAIN_FACTS_FROM = 256 * 1024
"""The size from which a file's plain facts are read here: below it, lark's parse is quick anyway."""

MAX_LARK_RUNS = 64
"""More runs of other lines than this (facts and rules interleaved): lark reads the whole file, since each run is
parsed with the lines before it given as blank lines, to keep its line numbers."""

_BLANK = re.compile(r"[ \t]*")


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A plain fact line, an argument of one, and a comment line, from the grammar's terminal patterns."""
    terminals = terminal_patterns()
    argument = f"(?:{terminals['SYMBOL']}|{terminals['INT']}|{terminals['STRING']})"
    comment = f"(?:{terminals['LINE_COMMENT']})"
    fact = re.compile(
        rf"[ \t]*(?P<name>{terminals['SYMBOL']})[ \t]*\((?P<arguments>[ \t]*{argument}[ \t]*(?:,[ \t]*{argument}[ \t]*)*)\)"
        rf"[ \t]*\.[ \t]*(?P<comment>{comment})?"
    )
    return fact, re.compile(argument), re.compile(rf"[ \t]*(?P<comment>{comment})")


def parse_with_plain_facts(text: str, file: str) -> Optional[tuple[list[Statement], list[Comment]]]:
    """The statements and comments of a lexlog file, its plain fact lines read here; None where the module
    documentation says lark must read the whole file."""
    if len(text) < PLAIN_FACTS_FROM or "/*" in text:
        return None
    fact_line, _, comment_line = _patterns()
    lines = text.split("\n")
    return _read(lines, file, fact_line, comment_line)


def _read(
    lines: list[str], file: str, fact_line: re.Pattern[str], comment_line: re.Pattern[str]
) -> Optional[tuple[list[Statement], list[Comment]]]:
    """The lines read: plain facts and comment lines here, runs of other lines by lark; None if a run is not whole
    statements on its own, or there are too many runs."""
    statements: list[Statement] = []
    comments: list[Comment] = []
    run_start: Optional[int] = None  # the first line of the current run of other lines
    runs = 0
    for number, line in enumerate(lines):
        fact = fact_line.fullmatch(line)
        plain = fact is not None and fact.group("name") not in KEYWORDS
        comment = None if plain else comment_line.fullmatch(line)
        if not plain and comment is None and not _BLANK.fullmatch(line):
            if run_start is None:
                run_start = number
            continue
        if run_start is not None:
            runs += 1
            if runs > MAX_LARK_RUNS or not _parse_run(lines, run_start, number, file, statements, comments):
                return None
            run_start = None
        if fact is not None and plain:
            built = _fact(fact, number + 1, file, comments)
            if built is None:
                return None
            statements.append(built)
        elif comment is not None:
            comments.append(_comment(comment, number + 1, file))
    if run_start is not None and not _parse_run(lines, run_start, len(lines), file, statements, comments):
        return None
    return statements, comments


def _parse_run(lines: list[str], start: int, stop: int, file: str, statements: list, comments: list) -> bool:
    """Parse lines start..stop-1 with lark (earlier lines given as blank lines), adding their statements and
    comments; False if they are not whole statements on their own (or do not parse)."""
    found: list[Comment] = []
    token = _comments.set(found)
    try:
        parsed = _run("\n" * start + "\n".join(lines[start:stop]), file, "lexlog", "start")
    except LexlogSyntaxError:
        return False
    finally:
        _comments.reset(token)
    statements.extend(parsed)
    comments.extend(found)
    return True


def _fact(match: re.Match[str], line: int, file: str, comments: list[Comment]) -> Optional[Fact]:
    """The fact on a plain fact line, with the spans lark's parse gives it (columns from 1, each end just past the
    last character); None for a name the parse refuses (a Prolog collector such as `findall`)."""
    _, argument, _ = _patterns()
    text = match.string
    name = match.group("name")
    if _PROLOG_COLLECTORS.fullmatch(f"{name}("):  # a name the parse refuses as Prolog's: left to it, to say so
        return None
    arguments = []
    for found in argument.finditer(text, match.start("arguments"), match.end("arguments")):
        value = found.group(0)
        if value.startswith('"'):
            constant = decode_string(value)
        elif value[0].isdigit():
            constant = integer_from_digits(value)
        else:
            constant = value
        arguments.append(Constant(constant, Span(file, line, found.start() + 1, line, found.end() + 1)))
    start = match.start("name") + 1
    closing = text.index(")", match.end("arguments"))
    dot = text.index(".", closing)
    if match.group("comment") is not None:
        comments.append(_comment(match, line, file))
    atom = Atom(name, tuple(arguments), Span(file, line, start, line, closing + 2))
    return Fact(atom, NO_ANNOTATIONS, Span(file, line, start, line, dot + 2))


def _comment(match: re.Match[str], line: int, file: str) -> Comment:
    text = match.group("comment")
    column = match.start("comment") + 1
    return Comment(text, Span(file, line, column, line, column + len(text)))
