"""Reading the prompt's input as units (commands and statements) and writing a session out as a case file.

The same reader serves the terminal (each accepted entry), piped stdin and `-c`:

* a line whose first non-blank character is `:` (with nothing pending) is one command, the whole line;
* anything else is lexlog text, read until a statement ends: a `.` or a `?` outside strings and comments
  (`?-` opens a query). One line may hold several statements; one statement may span several lines.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Literal

UnitKind = Literal["command", "statement", "incomplete"]


@dataclass(frozen=True)
class Unit:
    kind: UnitKind
    text: str
    line: int = 1
    """The input line the unit starts on (1-based), for messages in piped input."""


_COMMAND = re.compile(r"\s*:[A-Za-z?]")
_OPERAND_END = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_)")


def _segments(text: str) -> Iterator[tuple[str, int, int]]:
    """The text as ("comment" | "string" | "char" | "end", start, stop) pieces, read as the grammar reads it:
    `%` is a comment except where it is the remainder operator, and "end" is a statement's closing `.` or `?`."""
    index, depth, in_body, last, length = 0, 0, False, "", len(text)
    while index < length:
        char = text[index]
        if char == '"':
            stop = index + 1
            while stop < length and text[stop] != '"':
                stop += 2 if text[stop] == "\\" else 1
            yield "string", index, min(stop + 1, length)
            index, last = stop + 1, '"'
            continue
        if (char == "%" and not _is_remainder(last, depth, in_body)) or text.startswith("//", index):
            newline = text.find("\n", index)
            stop = length if newline < 0 else newline
            yield "comment", index, stop
            index = stop
            continue
        if text.startswith("/*", index):
            end = text.find("*/", index + 2)
            stop = length if end < 0 else end + 2
            yield "comment", index, stop
            index = stop
            continue
        if text.startswith((":-", "?-"), index):
            in_body = True
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif (char == "." and not _decimal_point(text, index)) or (char == "?" and not text.startswith("?-", index)):
            yield "end", index, index + 1
            index, depth, in_body, last = index + 1, 0, False, ""
            continue
        if not char.isspace():
            last = char
        yield "char", index, index + 1
        index += 1


def split_statements(text: str) -> tuple[list[str], str]:
    """The complete statements in `text` (each with its `.` or `?`), and the incomplete rest.

    Comments are kept inside the statement they stand in (the parser skips them); a comment or blank text after
    the last statement is returned as the rest.
    """
    statements: list[str] = []
    start = 0
    for kind, _begin, stop in _segments(text):
        if kind == "end":
            statements.append(text[start:stop].strip())
            start = stop
    return statements, text[start:]


def _decimal_point(text: str, index: int) -> bool:
    """Whether the `.` at `index` is inside a decimal number (`75000.01`), as the grammar's DECIMAL reads it."""
    return 0 < index < len(text) - 1 and text[index - 1].isdigit() and text[index + 1].isdigit()


def _is_remainder(last: str, depth: int, in_body: bool) -> bool:
    """Whether a `%` is the remainder operator, as the grammar reads it: after an operand inside parentheses, or
    after a name or number in a body (`X % 2 = 0`); after an atom's `)` at the top of a body it opens a comment."""
    if depth > 0:
        return last in _OPERAND_END
    return in_body and last in _OPERAND_END and last != ")"


def is_blank(text: str) -> bool:
    """Whether text holds nothing but whitespace and comments."""
    statements, rest = split_statements(text)
    return not statements and not strip_comments(rest).strip()


def strip_comments(text: str) -> str:
    return "".join(text[begin:stop] for kind, begin, stop in _segments(text) if kind != "comment")


def is_complete(text: str) -> bool:
    """Whether an entry at the prompt is ready to run: a command, or lexlog text ending with a whole statement."""
    stripped = text.strip()
    if not stripped or stripped.startswith(":"):
        return True
    if stripped.splitlines()[-1].lstrip().startswith(":"):
        return True  # a command typed under an unfinished statement runs now; the statement is reported unfinished
    statements, rest = split_statements(text)
    return bool(statements) and not strip_comments(rest).strip()


def is_command(text: str) -> bool:
    return text.lstrip().startswith(":")


class UnitReader:
    """Turns lines into units; keeps an unfinished statement until its end arrives."""

    def __init__(self) -> None:
        self._pending = ""
        self._pending_line = 1
        self._line = 0

    def feed(self, line: str) -> list[Unit]:
        self._line += 1
        if is_command(line) and (not strip_comments(self._pending).strip() or _COMMAND.match(line)):
            # A `:name` line is a command even after an unfinished statement, which is then reported incomplete
            # (a continuation line may begin with `:-`, never with `:` and a letter).
            units = self.finish()
            return units + [Unit("command", line.strip(), self._line)]
        if not self._pending.strip():
            self._pending_line = self._line
        self._pending += line if line.endswith("\n") else line + "\n"
        statements, rest = split_statements(self._pending)
        self._pending = rest if strip_comments(rest).strip() else ""
        units = [Unit("statement", statement, self._pending_line) for statement in statements]
        if statements:
            self._pending_line = self._line
        return units

    def finish(self) -> list[Unit]:
        """What is left at the end of input: an unfinished statement, reported as incomplete."""
        pending, self._pending = self._pending, ""
        if strip_comments(pending).strip():
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
