"""Canonical formatting of a source file (`lexlog fmt`), with syntax errors as diagnostics."""

from __future__ import annotations

import os
import tempfile

from lexlog.grammar import LexlogSyntaxError, parse, print_program
from lexlog.kb.diagnostics import Diagnostic, LexlogError


def format_source(text: str, name: str = "<input>") -> str:
    """The canonical text of a file; raises LexlogError when it does not parse. Comments are kept."""
    try:
        program = parse(text, name)
    except LexlogSyntaxError as error:
        raise LexlogError([Diagnostic.from_syntax_error(error)], {name: text}) from None
    return print_program(program)


def write_atomically(path: str, text: str) -> None:
    """Replace a file's contents so that a reader sees the old text or the new, never half of either."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".lexlog-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if os.path.exists(path):
            os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        else:  # mkstemp makes the file private; a new file gets the usual mode under the user's umask
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
