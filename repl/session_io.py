"""Reading the prompt's input as units (commands and statements) and writing a session out as a case file.

The same reader serves the terminal (each accepted entry), piped stdin and `-c`:

* a line whose first non-blank character is `:` (with nothing pending) is one command, the whole line;
* anything else is lexlog text, read until a statement ends, as the grammar's own lexer and parser read it
  (`lexlog.grammar.StatementReader`): at its closing `.`, or at a `?` that ends a question (`?-` opens a query).
  One line may hold several statements; one statement may span several lines; a statement with a syntax error
  ends with its line, so that the error shows at once.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Literal

from lexlog.grammar import StatementReader

UnitKind = Literal["command", "statement", "incomplete"]


@dataclass(frozen=True)
class Unit:
    kind: UnitKind
    text: str
    line: int = 1
    """The input line the unit starts on (1-based), for messages in piped input."""


_COMMAND = re.compile(r"\s*:[A-Za-z?]")


def _lines(text: str) -> list[str]:
    """The text as lines, each with its newline (the last one given one)."""
    return [line if line.endswith("\n") else line + "\n" for line in text.splitlines()]


class _Statements:
    """Statement texts from lines, as the grammar reads them (`StatementReader`): each complete statement's text
    from its first line to its closing `.` or `?` (or, with a syntax error, to the end of that line)."""

    def __init__(self) -> None:
        self.reader = StatementReader()
        self._pending: list[str] = []  # the text of the open statement so far, line by line

    @property
    def pending(self) -> str:
        return "".join(self._pending)

    def feed(self, line: str) -> list[str]:
        statements: list[str] = []
        start = 0
        for ending in self.reader.feed(line):
            statements.append((self.pending + line[start : ending.offset]).strip())
            self._pending, start = [], ending.offset
        if self.reader.unfinished:
            self._pending.append(line[start:])
        else:
            self._pending = []
        return statements


def split_statements(text: str) -> tuple[list[str], str]:
    """The complete statements in `text` (each with its `.` or `?`), and the unfinished rest ('' when only
    whitespace and comments follow the last one)."""
    splitter = _Statements()
    statements = [statement for line in _lines(text) for statement in splitter.feed(line)]
    return statements, splitter.pending


def strip_comments(text: str) -> str:
    """The text without its comments, as the grammar's lexer finds them."""
    kept: list[str] = []
    reader = StatementReader()
    for line in _lines(text):
        reader.feed(line)
        position = 0
        for start, stop in sorted(reader.comments):
            kept.append(line[position:start])
            position = max(position, stop)
        kept.append(line[position:])
    return "".join(kept).rstrip("\n") if not text.endswith("\n") else "".join(kept)


def is_complete(text: str) -> bool:
    """Whether an entry at the prompt is ready to run: a command, or lexlog text ending with a whole statement (or
    with a syntax error, which is shown at once)."""
    stripped = text.strip()
    if not stripped or stripped.startswith(":"):
        return True
    if stripped.splitlines()[-1].lstrip().startswith(":"):
        return True  # a command typed under an unfinished statement runs now; the statement is reported unfinished
    statements, rest = split_statements(text)
    return bool(statements) and not rest


def is_command(text: str) -> bool:
    return text.lstrip().startswith(":")


class UnitReader:
    """Turns lines into units; keeps an unfinished statement until its end arrives. Each line is read once."""

    def __init__(self) -> None:
        self._statements = _Statements()
        self._pending_line = 1
        self._line = 0

    def feed(self, line: str) -> list[Unit]:
        self._line += 1
        if is_command(line) and (not self._statements.reader.unfinished or _COMMAND.match(line)):
            # A `:name` line is a command even after an unfinished statement, which is then reported incomplete
            # (a continuation line may begin with `:-`, never with `:` and a letter).
            units = self.finish()
            return units + [Unit("command", line.strip(), self._line)]
        if not self._statements.reader.unfinished:
            self._pending_line = self._line
        units = []
        for statement in self._statements.feed(line if line.endswith("\n") else line + "\n"):
            units.append(Unit("statement", statement, self._pending_line))
            self._pending_line = self._line
        return units

    def finish(self) -> list[Unit]:
        """What is left at the end of input: an unfinished statement, reported as incomplete."""
        pending = self._statements.pending
        self._statements = _Statements()
        if pending.strip():
            return [Unit("incomplete", pending.strip(), self._pending_line)]
        return []


def read_units(lines: Iterable[str]) -> Iterator[Unit]:
    reader = UnitReader()
    for line in lines:
        yield from reader.feed(line.rstrip("\n"))
    yield from reader.finish()


def scan(text: str) -> Iterator[tuple[str, bool]]:
    """The text piece by piece, each with whether it lies inside a double-quoted string; an escape is one piece."""
    quoted, index = False, 0
    while index < len(text):
        char = text[index]
        if quoted and char == "\\" and index + 1 < len(text):
            yield text[index : index + 2], True
            index += 2
            continue
        if char == '"':
            yield char, True
            quoted = not quoted
        else:
            yield char, quoted
        index += 1


def canonical(text: str) -> str:
    """Text without whitespace outside strings, for comparing what people typed."""
    return "".join(piece for piece, quoted in scan(text) if quoted or not piece.isspace())


def split_command_text(text: str) -> list[str]:
    """`-c` text as input lines: `;` (outside strings) separates commands, and ends a statement that has no closing
    `.` or `?` of its own; within a piece, newlines continue a statement as in piped input."""
    pieces, current = [], []
    for piece, quoted in scan(text):
        if piece == ";" and not quoted:
            pieces.append("".join(current))
            current = []
        else:
            current.append(piece)
    pieces.append("".join(current))
    lines: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        piece_lines = piece.split("\n")
        if not is_command(piece_lines[-1].strip()) and not is_complete(piece):
            piece_lines[-1] += "."
        lines.extend(piece_lines)
    return lines


def split_top_level(text: str, separators: str = ",") -> list[str]:
    """Split at separators outside parentheses and strings: `a(x, y), b(z)` -> `a(x, y)`, `b(z)`."""
    parts, current, depth = [], [], 0
    for piece, quoted in scan(text):
        if not quoted and piece == "(":
            depth += 1
        elif not quoted and piece == ")":
            depth -= 1
        elif not quoted and piece in separators and depth <= 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(piece)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def case_file_text(
    files: list[str], facts: list[str], target: str, library: dict[str, str], notes: list[str] = (), as_of: str | None = None
) -> str:
    """A case file that rebuilds the session: an include for each loaded file, then the session's facts.

    `library` maps a bundled library's path to its name, so that it is included as `<name>`; other files are
    included relative to the target file's folder when that is possible.
    """
    folder = os.path.dirname(os.path.abspath(target))
    lines = ["% lexlog session: the loaded files and the facts asserted at the prompt.", ""]
    for path in files:
        absolute = os.path.abspath(path)
        if absolute in library:
            lines.append(f"include <{library[absolute]}>.")
            continue
        try:
            shown = os.path.relpath(absolute, folder)
        except ValueError:  # another drive
            shown = absolute
        lines.append(f"include {_quote(shown)}.")
    for note in notes:
        lines.append(f"% {note}")
    if as_of is not None:
        lines.append(f"as_of {as_of}.")
    if facts:
        lines.append("")
        lines.extend(f"{fact}." for fact in facts)
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
