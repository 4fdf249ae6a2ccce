"""Loading and checking files as one step: what `lexlog check` and every other entry point start with."""

from __future__ import annotations

from dataclasses import dataclass

from lexlog.grammar import Dialect
from lexlog.grammar.tree import Program
from lexlog.kb.checks import CheckOptions, check
from lexlog.kb.diagnostics import Diagnostic, render_all, summary
from lexlog.kb.loader import LoadedProgram, load_files, load_source


@dataclass(frozen=True)
class CheckReport:
    """Every diagnostic for a set of files, the program they make and their sources."""

    program: Program
    diagnostics: tuple[Diagnostic, ...]
    sources: dict[str, str]

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def ok(self) -> bool:
        return not self.errors

    def render(self, colour: bool = False) -> str:
        return render_all(self.diagnostics, self.sources, colour)

    def summary(self) -> str:
        return summary(self.diagnostics)


def _report(loaded: LoadedProgram, options: CheckOptions) -> CheckReport:
    program = loaded.program()
    diagnostics = list(loaded.diagnostics)
    diagnostics.extend(check(program, options))
    return CheckReport(program, tuple(diagnostics), dict(loaded.sources))


def check_files(paths: list[str], dialect: Dialect = "lexlog", options: CheckOptions = CheckOptions()) -> CheckReport:
    return _report(load_files(paths, dialect), options)


def check_source(
    text: str, name: str = "<input>", dialect: Dialect = "lexlog", options: CheckOptions = CheckOptions()
) -> CheckReport:
    return _report(load_source(text, name, dialect), options)
