"""Files and their includes → one program, with the text of every file kept for error messages.

Each file is read and parsed once, however often it is included; an include cycle or a missing file is a
diagnostic, not an exception. Bundled libraries are read through importlib.resources, so an installed wheel
finds them from any directory.

What may be read (so that checking an untrusted file can neither hang, exhaust memory nor disclose other files):
every file must be a regular file (not a device, pipe, socket or directory) of at most MAX_SOURCE_BYTES; a file
named by an `include` must, in addition, be a `.dl` file, by the name written and by the file a link resolves to.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from typing import Iterable

from lexlog.grammar import Dialect, LexlogSyntaxError, parse, suggest
from lexlog.grammar.tree import Include, Program, Span, Statement
from lexlog.kb.diagnostics import Diagnostic

MAX_SOURCE_BYTES = 32 * 1024 * 1024  # far above any knowledge base; below what would exhaust memory
LIBRARY_PACKAGE = "lexlog.kb"
LIBRARY_FOLDER = "library"


@dataclass
class LoadedProgram:
    """Every statement of every file, in include order, with each file's text and what went wrong loading."""

    statements: list[Statement] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def program(self) -> Program:
        return Program(tuple(self.statements), self.files[0] if self.files else "<input>")


def library_names() -> list[str]:
    from importlib import resources  # imported when a library is named: it costs milliseconds at start-up

    folder = resources.files(LIBRARY_PACKAGE).joinpath(LIBRARY_FOLDER)
    return sorted(entry.name[:-3] for entry in folder.iterdir() if entry.name.endswith(".dl"))


def library_path(name: str) -> str:
    """The path of a bundled library file (`fifth_circuit_qi` → .../kb/library/fifth_circuit_qi.dl)."""
    from importlib import resources

    return str(resources.files(LIBRARY_PACKAGE).joinpath(LIBRARY_FOLDER, f"{name}.dl"))


def display_name(path: str) -> str:
    """A path as people should read it: relative to the working directory when it lies below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative


class Loader:
    """Reads files, follows includes, and collects diagnostics instead of stopping at the first problem."""

    def __init__(self, dialect: Dialect = "lexlog", already_loaded: Iterable[str] = ()) -> None:
        self.dialect: Dialect = dialect
        self.result = LoadedProgram()
        self._done: set[str] = {os.path.realpath(path) for path in already_loaded}
        self._stack: list[str] = []

    def load_file(self, path: str, included_from: Include | None = None) -> None:
        if "\x00" in path:  # no file has such a name, and the operating system refuses to look
            self._report("missing_include", included_from, f"cannot read {path!r}: the name contains a NUL character", None)
            return
        real = os.path.realpath(path)
        name = display_name(path)
        if real in self._stack:
            cycle = " -> ".join(display_name(p) for p in self._stack[self._stack.index(real) :]) + f" -> {name}"
            self._report("cyclic_include", included_from, f"include cycle: {cycle}", "remove one of these includes")
            return
        if real in self._done:
            return
        if included_from is not None and not included_from.library and not (path.endswith(".dl") and real.endswith(".dl")):
            self._report(
                "missing_include",
                included_from,
                f"cannot include '{name}': an include names a lexlog file ending in .dl",
                "include only .dl files; give other files on the command line",
            )
            return
        try:
            text = read_source(path)
        except (OSError, UnicodeDecodeError, SourceRefused) as error:
            reason = unreadable_reason(error)
            hint = _nearby_hint(path) if isinstance(error, FileNotFoundError) else None
            self._report("missing_include", included_from, f"cannot read '{name}': {reason}", hint)
            return
        self._done.add(real)
        self._stack.append(real)
        try:
            self.load_text(text, name, base_directory=os.path.dirname(os.path.abspath(path)))
        finally:
            self._stack.pop()

    def load_text(self, text: str, name: str, base_directory: str | None = None) -> None:
        self.result.sources[name] = text
        self.result.files.append(name)
        try:
            program = parse(text, name, self.dialect)
        except LexlogSyntaxError as error:
            self.result.diagnostics.append(Diagnostic.from_syntax_error(error))
            return
        base = base_directory or os.getcwd()
        for statement in program.statements:
            if isinstance(statement, Include):
                self._include(statement, base)
            else:
                self.result.statements.append(statement)

    def _include(self, include: Include, base: str) -> None:
        if include.library:
            if include.target not in library_names():
                close = suggest(include.target, library_names())
                hint = f"did you mean <{close}>?" if close else f"the bundled libraries are: {', '.join(library_names())}"
                self._report("missing_include", include, f"no bundled library named <{include.target}>", hint)
                return
            self.load_file(library_path(include.target), include)
            return
        self.load_file(os.path.join(base, include.target), include)

    def _report(self, code: str, include: Include | None, message: str, hint: str | None) -> None:
        span = include.span if include is not None else Span("<command line>", 0, 0, 0, 0)
        self.result.diagnostics.append(Diagnostic(code, "error", span, message, hint))


class SourceRefused(Exception):
    """A file the loader will not read; the message says why."""


def unreadable_reason(error: OSError | UnicodeDecodeError | SourceRefused) -> str:
    """Why `read_source` could not give a file's text, in the words every caller reports."""
    if isinstance(error, SourceRefused):
        return str(error)
    if isinstance(error, UnicodeDecodeError):
        return "it is not UTF-8 text"
    return _os_reason(error)


def read_source(path: str) -> str:
    """The text of a regular file of at most MAX_SOURCE_BYTES. Opening does not block (a pipe with no writer), and
    no more than the limit is ever read (files under /proc report a size of 0)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as stream:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory", path)
        if not stat.S_ISREG(mode):
            raise SourceRefused("it is not a regular file (a device, a pipe or a socket)")
        data = stream.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceRefused(f"it is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MiB")
    return data.decode("utf-8")


def _os_reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, IsADirectoryError):
        return "it is a directory"
    if isinstance(error, PermissionError):
        return "permission denied"
    return error.strerror or str(error)


def _nearby_hint(path: str) -> str | None:
    folder = os.path.dirname(path) or "."
    try:
        candidates = [entry for entry in os.listdir(folder) if entry.endswith(".dl")]
    except OSError:
        return None
    close = suggest(os.path.basename(path), candidates)
    return f"did you mean '{os.path.join(os.path.dirname(path), close)}'?" if close else None


def load_files(paths: list[str], dialect: Dialect = "lexlog") -> LoadedProgram:
    loader = Loader(dialect)
    for path in paths:
        loader.load_file(path)
    return loader.result


def load_source(text: str, name: str = "<input>", dialect: Dialect = "lexlog", base_directory: str | None = None) -> LoadedProgram:
    loader = Loader(dialect)
    loader.load_text(text, name, base_directory)
    return loader.result
