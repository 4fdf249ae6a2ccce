"""Diagnostics: what is wrong, where, and what to do about it; rendered with the source line and a caret."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Literal, Mapping

from lexlog.grammar import LexlogSyntaxError
from lexlog.grammar.tree import Span

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    """One finding. `code` is stable (tests, editors and CI key on it); the message is for people."""

    code: str
    severity: Severity
    span: Span
    message: str
    hint: str | None = None
    expected: tuple[str, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @classmethod
    def from_syntax_error(cls, error: LexlogSyntaxError) -> "Diagnostic":
        return cls(error.code, "error", error.span, error.message, error.hint, error.expected)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.span.file,
            "line": self.span.line,
            "column": self.span.column,
            "message": self.message,
            "hint": self.hint,
            "expected": list(self.expected),
        }


class LexlogError(Exception):
    """The project's one error type for bad input: carries every diagnostic, and the sources to show them."""

    def __init__(self, diagnostics: Iterable[Diagnostic], sources: Mapping[str, str] | None = None) -> None:
        self.diagnostics = tuple(diagnostics)
        self.sources = dict(sources or {})
        first = self.diagnostics[0] if self.diagnostics else None
        self.code = first.code if first else "error"
        super().__init__(first.message if first else "error")

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    def render(self, colour: bool = False) -> str:
        return render_all(self.diagnostics, self.sources, colour)

    def __str__(self) -> str:
        return self.render()


@dataclass
class SourceLines:
    """The text of each file, split into lines once."""

    sources: Mapping[str, str]
    _lines: dict[str, list[str]] = field(default_factory=dict)

    def line(self, file: str, number: int) -> str | None:
        if file not in self._lines:
            text = self.sources.get(file)
            if text is None:
                return None
            self._lines[file] = text.split("\n")
        lines = self._lines[file]
        return lines[number - 1] if 1 <= number <= len(lines) else None


_RED, _YELLOW, _BOLD, _CYAN, _RESET = "\x1b[31m", "\x1b[33m", "\x1b[1m", "\x1b[36m", "\x1b[0m"


def render(diagnostic: Diagnostic, sources: SourceLines | Mapping[str, str], colour: bool = False) -> str:
    """`file:line:col: error[code]: message`, the source line, a caret under the spot, expected and hint."""
    lines_of = sources if isinstance(sources, SourceLines) else SourceLines(sources)
    span = diagnostic.span
    severity = diagnostic.severity
    if colour:
        tint = _RED if severity == "error" else _YELLOW
        heading = f"{_BOLD}{span}{_RESET}: {tint}{_BOLD}{severity}[{diagnostic.code}]{_RESET}: {diagnostic.message}"
    else:
        heading = f"{span}: {severity}[{diagnostic.code}]: {diagnostic.message}"
    out = [heading]
    source_line = lines_of.line(span.file, span.line) if span.line else None
    if source_line is not None:
        gutter = str(span.line)
        pad = " " * len(gutter)
        visible = source_line.expandtabs(1).rstrip("\r")
        start = max(span.column, 1)
        width = span.end_column - span.column if span.end_line == span.line else len(visible) - start + 1
        width = max(1, min(width, max(1, len(visible) - start + 1)))
        caret = " " * (start - 1) + "^" * width
        if colour:
            caret = f"{_RED if severity == 'error' else _YELLOW}{caret}{_RESET}"
        out.append(f" {gutter} | {visible}")
        out.append(f" {pad} | {caret}")
    if diagnostic.expected:
        out.append(f"  expected: {', '.join(diagnostic.expected)}")
    if diagnostic.hint:
        out.append(f"  hint: {_CYAN + diagnostic.hint + _RESET if colour else diagnostic.hint}")
    return "\n".join(out)


def render_all(diagnostics: Iterable[Diagnostic], sources: Mapping[str, str], colour: bool = False) -> str:
    lines_of = SourceLines(sources)
    return "\n\n".join(render(diagnostic, lines_of, colour) for diagnostic in diagnostics)


def summary(diagnostics: Iterable[Diagnostic]) -> str:
    diagnostics = list(diagnostics)
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    return f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
