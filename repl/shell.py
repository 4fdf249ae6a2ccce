"""The interactive prompt (`lexlog`, `lexlog repl FILE...`) and its script form (`lexlog < session.txt`, `-c`).

A thin loop over the command table in `lexlog.repl.commands`: read a unit (a `:command` line, a query, a fact),
run it, show the text. Every `LexlogError` is shown with its caret rendering, every other exception in one line
(`internal error: ...`); Ctrl-C cancels the line or a long evaluation; nothing ends the session but `:quit` or
Ctrl-D.
"""

from __future__ import annotations

import os
import sys
from typing import IO, Iterable, Optional

from lexlog.kb import KnowledgeBase, LexlogError
from lexlog.repl.commands import CommandError, Output, Quit, Session, example_query, execute
from lexlog.repl.session_io import Unit, is_complete, read_units, split_command_text

EXIT_OK, EXIT_FAILED, EXIT_LOAD_ERROR = 0, 1, 2

PROMPT = "lexlog> "
CONTINUATION = "   ...> "


def _colour_for(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in os.environ


def _write(stream: IO[str], text: str) -> None:
    stream.write(text if text.endswith("\n") else text + "\n")
    stream.flush()


def perform(session: Session, unit: Unit, out: IO[str], err: IO[str], located: bool = False) -> bool:
    """Run one unit; show its output or its error. True if it did what was asked. Raises Quit only."""
    where = f"line {unit.line}: " if located else ""
    if unit.kind == "incomplete":
        _write(err, f"{where}error: incomplete statement (it needs a closing '.' or '?'): {unit.text}")
        return False
    try:
        output: Output = execute(session, unit.text)
    except Quit:
        raise
    except LexlogError as error:
        _write(err, (where.rstrip() + "\n" if located else "") + error.render(session.colour))
        return False
    except CommandError as error:
        _write(err, f"{where}error: {error}")
        return False
    except KeyboardInterrupt:
        _write(err, f"{where}canceled")
        return False
    except Exception as error:  # noqa: BLE001 - no input may end the session
        message = " ".join(str(error).split()) or "no message"
        _write(err, f"{where}internal error: {type(error).__name__}: {message}")
        return False
    if output.text:
        _write(out, output.text)
    return output.ok


def run_script(session: Session, lines: Iterable[str], out: IO[str], err: IO[str]) -> int:
    """Piped input or `-c`: no prompts, no colour, only results; 1 if any command failed."""
    failed = False
    try:
        for unit in read_units(lines):
            if not perform(session, unit, out, err, located=True):
                failed = True
    except Quit:
        pass
    return EXIT_FAILED if failed else EXIT_OK


def run(files: list[str], engine: str, command_text: Optional[str] = None, as_of: Optional[str] = None) -> int:
    """The entry point `lexlog` calls: a script (`-c` or piped stdin) or the interactive prompt."""
    interactive = command_text is None and sys.stdin.isatty()
    colour = interactive and _colour_for(sys.stdout)
    try:
        session = Session.start(files, engine, colour)
        if as_of is not None:
            session.kb = session.kb.at_text(as_of)
    except LexlogError as error:
        _write(sys.stderr, error.render(colour or (not interactive and _colour_for(sys.stderr))))
        if not interactive:
            return EXIT_LOAD_ERROR
        _write(sys.stderr, "starting with an empty knowledge base; fix the files and :load them")
        session = Session(KnowledgeBase(engine), colour)
    if command_text is not None:
        return run_script(session, split_command_text(command_text), sys.stdout, sys.stderr)
    if not interactive:
        return run_script(session, sys.stdin, sys.stdout, sys.stderr)
    return Shell(session).loop()


# --- the interactive prompt ----------------------------------------------------------------------------------


def history_path() -> str:
    """`$XDG_DATA_HOME/lexlog/history`, or `~/.local/share/lexlog/history`."""
    base = os.environ.get("XDG_DATA_HOME", "")
    if not base or not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "lexlog", "history")


def make_history():
    """A persistent history in the user's data folder (created), or an in-memory one if that is not writable."""
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    path = history_path()
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError:
        return InMemoryHistory()
    return FileHistory(path)


STYLE_RULES = {
    "pygments.keyword": "ansiblue bold",
    "pygments.keyword.pseudo": "ansimagenta bold",
    "pygments.name.function": "ansigreen bold",
    "pygments.name.variable": "ansiyellow",
    "pygments.name.constant": "ansicyan",
    "pygments.name.decorator": "ansimagenta",
    "pygments.name.attribute": "ansiblue",
    "pygments.string": "ansired",
    "pygments.number": "ansicyan",
    "pygments.operator": "bold",
    "pygments.comment": "ansibrightblack italic",
    "prompt": "bold",
    "continuation": "ansibrightblack",
    "bottom-toolbar": "noreverse bg:ansiblue fg:ansiwhite",
}


def _key_bindings():
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event) -> None:  # a statement runs once it is complete; until then Enter starts a new line
        buffer = event.current_buffer
        if buffer.complete_state is not None and buffer.complete_state.current_completion is not None:
            buffer.complete_state = None  # Enter on a menu choice accepts the choice
            return
        if is_complete(buffer.text):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    @bindings.add("escape", "enter")
    def _run_now(event) -> None:
        event.current_buffer.validate_and_handle()

    return bindings


class Shell:
    """The prompt_toolkit loop. `input`/`output` are prompt_toolkit's (tests pass a pipe and a dummy output);
    results are written to `stdout`."""

    def __init__(self, session: Session, input=None, output=None, stdout: Optional[IO[str]] = None, history=None) -> None:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.lexers import PygmentsLexer
        from prompt_toolkit.styles import Style

        from lexlog.repl.completion import LexlogCompleter
        from lexlog.repl.lexer import LexlogLexer

        self.session = session
        self.stdout = stdout or sys.stdout
        self.prompt_session: PromptSession = PromptSession(
            message=[("class:prompt", PROMPT)],
            multiline=True,
            prompt_continuation=lambda width, line_number, wrap_count: (
                [("class:continuation", CONTINUATION.rjust(width))] if not wrap_count else " " * width
            ),
            lexer=PygmentsLexer(LexlogLexer),
            completer=LexlogCompleter(lambda: self.session),
            complete_while_typing=False,
            history=history if history is not None else make_history(),
            bottom_toolbar=self.toolbar,
            key_bindings=_key_bindings(),
            style=Style.from_dict(STYLE_RULES),
            include_default_pygments_style=False,
            input=input,
            output=output,
        )

    def toolbar(self) -> str:
        session = self.session
        try:
            files = [os.path.basename(path) for path in session.kb.files]
            shown = ", ".join(files[:4]) + (f" +{len(files) - 4}" if len(files) > 4 else "") if files else "no files"
            parts = [shown, f"{session.fact_count()} facts"]
            if session.assumptions:
                parts.append("assuming (supposed): " + ", ".join(session.assumptions))
            if session.last_query_seconds is not None:
                parts.append(f"last query {session.last_query_seconds * 1000:.1f} ms")
            return " " + " | ".join(parts) + " "
        except Exception as error:  # noqa: BLE001 - the toolbar must never take the prompt down
            return f" toolbar: {type(error).__name__} "

    def banner(self) -> str:
        kb = self.session.kb
        return (
            f"lexlog — {len(kb.files)} file{'s' if len(kb.files) != 1 else ''}, {self.session.fact_count()} facts, "
            f"{len(kb.rules)} rules. Ask {example_query(kb)} — :help lists the commands, Ctrl-D leaves."
        )

    def loop(self) -> int:
        _write(self.stdout, self.banner())
        warned = ""  # the unsaved changes last warned about: leaving a second time leaves
        while True:
            try:
                text = self.prompt_session.prompt()
                for unit in read_units(text.splitlines()):
                    perform(self.session, unit, self.stdout, self.stdout)
            except KeyboardInterrupt:
                continue
            except (EOFError, Quit):
                unsaved = self.session.unsaved()
                if not unsaved or unsaved == warned:
                    break
                warned = unsaved
                _write(self.stdout, f"{unsaved} since the last :save would be lost: :save FILE keeps them; Ctrl-D or :quit again leaves.")
        return EXIT_OK
