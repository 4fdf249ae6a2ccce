"""Where statements end in text that arrives a line at a time (the prompt's input), as the grammar reads it.

The prompt runs each statement as soon as its closing `.` arrives, so it must know where statements end before
it has the whole input. `StatementReader` finds out with the grammar's own lexer and parser (lark's interactive
LALR parser, fed token by token, its state kept from one line to the next), so that the prompt and a file agree
on every token: a `%` is a comment or the remainder operator exactly where the parser says, a `.` inside a
string, a decimal or a pin cite (`485 n.2`) ends nothing. What the prompt adds to the language is the question
form `p(X)?`: a `?` where the grammar has no token ends a question.

A statement with a syntax error ends at the end of the line where the error is found: the prompt reports it at
once rather than waiting for a `.` (an unclosed `"` used to swallow every later line). Each line is read once, so
reading n lines costs O(n) whatever they hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional

from lark import Token
from lark.exceptions import UnexpectedInput
from lark.parsers.lalr_interactive_parser import InteractiveParser

from lexlog.grammar.parser import _comments, _dialect, _file, _parser, _term_depths
from lexlog.grammar.tree import Comment

EndingKind = Literal["statement", "question", "broken"]


@dataclass(frozen=True)
class Ending:
    """Where a statement ends in the text fed: just past its closing `.` (a statement) or `?` (a question), or, for a
    statement with a syntax error, at the end of that text."""

    offset: int
    kind: EndingKind


@dataclass
class StatementReader:
    """Reads lexlog text a line at a time and says where each statement ends (see the module documentation)."""

    comments: list[tuple[int, int]] = field(default_factory=list)
    """The comments the lexer skipped in the last text fed, as (start, stop) offsets in it."""
    _state: Optional[object] = None  # the parser's state while a statement is open
    _body: bool = False  # whether the open statement is read as a body (the prompt's `p(X), q(X)?`)
    _unit: list[str] = field(default_factory=list)  # the open statement's text before the text being read, in pieces
    _open: bool = False  # whether a token of an unfinished statement has been read
    _in_block_comment: bool = False

    @property
    def unfinished(self) -> bool:
        """Whether a statement (or a block comment) is open at the end of what was fed."""
        return self._open or self._in_block_comment

    def feed(self, text: str) -> list[Ending]:
        """The statements that end in `text` (a line, or several; never half of one)."""
        self.comments = []
        endings: list[Ending] = []
        position = 0
        while position < len(text):
            if self._in_block_comment:
                close = text.find("*/", position)
                stop = len(text) if close < 0 else close + 2
                self.comments.append((position, stop))
                self._unit.append(text[position:stop])
                self._in_block_comment = close < 0
                position = stop
                continue
            ending, position = self._read_piece(text[position:], text, position)
            if ending is not None:
                endings.append(ending)
        return endings

    def _read_piece(self, piece: str, text: str, base: int) -> tuple[Optional[Ending], int]:
        """Read `piece`, which begins at offset `base` of `text` (negative: it begins with the open statement's
        earlier text, read again), to the next statement's end: the ending and where reading goes on, or (None,
        where it stopped) when the text ends first or a block comment opens."""
        interactive = _parser().parse_interactive(piece, start="single_body" if self._body else "start")
        if self._state is not None:
            interactive = InteractiveParser(interactive.parser, self._state, interactive.lexer_thread)
        self._state = interactive.parser_state
        comments: list[Comment] = []
        variables = (_file.set("<input>"), _dialect.set("lexlog"), _term_depths.set({}), _comments.set(comments))
        try:
            for token in interactive.lexer_thread.lex(interactive.parser_state):
                interactive.feed_token(token)
                self._open = True
                if token.type == "DOT":
                    self._keep_comments(comments, piece, base)
                    return self._ended(base + _end_of(token), "statement")
            self._keep_comments(comments, piece, base)
            self._keep_unit(piece, base)
            return None, len(text)
        except UnexpectedInput as error:
            self._keep_comments(comments, piece, base)
            at = error.pos_in_stream if error.pos_in_stream is not None else len(piece)
            if at < len(piece) and piece[at] == "?" and not piece.startswith("?-", at):
                return self._ended(base + at + 1, "question")
            if piece.startswith("/*", at):  # a block comment that goes on past this text: read on after it
                self._keep_unit(piece[:at], base)
                self._in_block_comment = True
                return None, base + at
            if not self._body:
                # The prompt's other form, a body: asked with `?` (`p(X), q(X)?`) or typed as facts (`a(x), b(y).`).
                # Read the statement again from its start, as a body.
                self._body, self._state = True, None
                earlier = "".join(self._unit)
                return self._read_piece(earlier + piece, text, base - len(earlier))
            return self._ended(len(text), "broken")
        except Exception:  # noqa: BLE001 - any other refusal (a bad date, a term too deep) is its statement's syntax error
            self._keep_comments(comments, piece, base)
            return self._ended(len(text), "broken")
        finally:
            for variable, token in zip((_file, _dialect, _term_depths, _comments), variables):
                variable.reset(token)  # type: ignore[arg-type]

    def _keep_unit(self, piece: str, base: int) -> None:
        """Keep `piece` as the open statement's text: all of it when it was read again from the start (base < 0)."""
        if base < 0:
            self._unit = [piece]
        else:
            self._unit.append(piece)

    def _ended(self, offset: int, kind: EndingKind) -> tuple[Ending, int]:
        # Read again as a body, a statement may end in its earlier text (`x(1) % 2 = 1?`, where `%` first read as a
        # comment): it then ends where this text begins, which is read afresh.
        offset = max(offset, 0)
        self._state, self._open, self._body, self._unit = None, False, False, []
        return Ending(offset, kind), offset

    def _keep_comments(self, comments: list[Comment], piece: str, base: int) -> None:
        """Record the comments lexed in `piece` (which begins at offset `base` of the text fed) that lie in that text."""
        if not comments:
            return
        line_starts = [0]
        for _ in range(1, max(comment.span.line for comment in comments)):
            line_starts.append(piece.index("\n", line_starts[-1]) + 1)
        for comment in comments:
            start = base + line_starts[comment.span.line - 1] + comment.span.column - 1
            if start >= 0:
                self.comments.append((start, start + len(comment.text)))
        comments.clear()


def _end_of(token: Token) -> int:
    return token.end_pos if token.end_pos is not None else token.start_pos + len(token)


__all__ = ["Ending", "StatementReader"]
