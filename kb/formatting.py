"""Canonical formatting of a source file (`lexlog fmt`), with syntax errors as diagnostics."""

from __future__ import annotations

import os
import stat

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
    """Replace a file's contents so that a reader sees the old text or the new, never half of either.

    The policy for what `path` may be (docs/cli.md, "Writing files"):
    * a symbolic link: the file it leads to is written, and the link stays a link;
    * a regular file with other hard links: written in place, so that every name still shows the same file (the
      text is written to a temporary file first, so a full disk fails before the file is touched);
    * anything else that is not a regular file (a pipe, a device, a directory): refused with OSError;
    * a regular file or a new name: the text goes to `.NAME.lexlog-tmp` beside it, then replaces it in one rename.
      The temporary file has one name per target, so one left by a killed process is reused by the next write.
    Raises OSError (with `strerror` saying why) when the file cannot be written."""
    if "\x00" in path:
        raise OSError(0, "a file name cannot hold a NUL character")
    target = os.path.realpath(path)
    try:
        existing: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        raise OSError(0, "it is not a regular file (a pipe, a device or a directory): lexlog writes only regular files")
    folder, name = os.path.split(target)
    temporary = os.path.join(folder, f".{name}.lexlog-tmp")
    mode = existing.st_mode & 0o7777 if existing is not None else 0o666 & ~_umask()
    # O_NOFOLLOW: a link planted at the temporary name is not followed; O_TRUNC: a stale temporary is reused.
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if existing is not None and existing.st_nlink > 1:
            _copy_in_place(temporary, target)
            os.unlink(temporary)
            return
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        if os.path.lexists(temporary):
            os.unlink(temporary)
        raise


def _copy_in_place(source: str, target: str) -> None:
    """Write `source`'s bytes over `target`'s, keeping `target` the same file (its hard links, owner and mode)."""
    with open(source, "rb") as reading, open(target, "r+b") as writing:
        data = reading.read()
        writing.write(data)
        writing.truncate(len(data))
        writing.flush()
        os.fsync(writing.fileno())


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
