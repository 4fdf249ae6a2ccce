"""Tab completion at the prompt: commands, predicate names, constants (from the model and the facts), authorities,
and the options of :explain/:whynot."""

from __future__ import annotations

import re
from typing import Callable, Iterable

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from lexlog.kb import FUNCTIONS, ROUNDING_MODES
from lexlog.repl.commands import COMMANDS, FORMATS, Session

_WORD = re.compile(r"[A-Za-z0-9_]*$")
_OPTIONS = {"explain": ("--format", "--out", "--depth"), "whynot": ("--depth",), "test": ("--files",)}


class Vocabulary:
    """What can be completed, computed from a knowledge base once per change (a session's `current` object)."""

    def __init__(self, session: Session) -> None:
        kb = session.current
        self.predicates: dict[str, str] = {}
        for declaration in kb.declarations:
            arity = len(declaration.parameters)
            self.predicates[declaration.predicate] = f"{declaration.kind} {declaration.predicate}/{arity}"
        for rule in kb.rules:
            self.predicates.setdefault(rule.head.predicate, f"derived {rule.head.predicate}/{len(rule.head.arguments)}")
        constants: set[str] = set()
        for atom in kb.facts():
            self.predicates.setdefault(atom.predicate, f"fact {atom.predicate}/{len(atom.arguments)}")
            constants.update(value for value in atom.arguments if isinstance(value, str))
        for _predicate, row in kb.model.atoms():
            constants.update(value for value in row if isinstance(value, str))
        self.constants = sorted(c for c in constants if re.fullmatch(r"[a-z][A-Za-z0-9_]*", c))
        self.authorities = {a.name: a.citation for a in kb.authorities}


class LexlogCompleter(Completer):
    """Completes against the session as it is now; the vocabulary is rebuilt when the knowledge base changes."""

    def __init__(self, session_of: Callable[[], Session]) -> None:
        self._session_of = session_of
        self._cached: tuple[int, int, Vocabulary] | None = None

    def vocabulary(self) -> Vocabulary:
        session = self._session_of()
        current = session.current
        key = (id(current), id(current.model))
        if self._cached is None or self._cached[:2] != key:
            self._cached = (*key, Vocabulary(session))
        return self._cached[2]

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        before = document.text_before_cursor
        stripped = before.lstrip()
        word = _WORD.search(before).group(0)  # type: ignore[union-attr]
        if stripped.startswith(":") and " " not in stripped:
            typed = stripped[1:]
            for name in sorted(COMMANDS):
                if name.startswith(typed):
                    yield Completion(":" + name, -len(stripped), display_meta=COMMANDS[name].summary)
            return
        command = stripped[1:].split(" ", 1)[0] if stripped.startswith(":") else None
        if command is not None:
            previous = before[: len(before) - len(word)].rstrip().rsplit(" ", 1)[-1]
            if command == "help":
                for name in sorted(COMMANDS):
                    if name.startswith(word):
                        yield Completion(name, -len(word), display_meta=COMMANDS[name].summary)
                return
            if previous == "--format":
                for name in FORMATS:
                    if name.startswith(word):
                        yield Completion(name, -len(word))
                return
            if before.endswith("-") or before.rsplit(" ", 1)[-1].startswith("--"):
                dashes = before.rsplit(" ", 1)[-1]
                for option in _OPTIONS.get(command, ()):
                    if option.startswith(dashes):
                        yield Completion(option, -len(dashes))
                return
            if command == "cite":
                for name, citation in sorted(self.vocabulary().authorities.items()):
                    if name.startswith(word):
                        yield Completion(name, -len(word), display_meta=citation)
                return
            if command in ("load", "save"):
                return
        if not word or word[0].isupper() or word[0] == "_" or word[0].isdigit():
            return
        vocabulary = self.vocabulary()
        after = document.text_after_cursor
        inside = before.count("(") > before.count(")")
        for name, meta in sorted(vocabulary.predicates.items()):
            if name.startswith(word):
                yield Completion(name, -len(word), display_meta=meta)
        if inside or not after.startswith("("):
            for constant in vocabulary.constants:
                if constant.startswith(word) and constant not in vocabulary.predicates:
                    yield Completion(constant, -len(word), display_meta="constant")
        if inside or re.search(r"[=<>]\s*[a-z_]*$", before):  # where a value goes: the built-in functions
            for function in sorted(FUNCTIONS.values(), key=lambda f: (f.name, f.arity)):
                if function.name.startswith(word) and function.name not in vocabulary.predicates:
                    yield Completion(function.name, -len(word), display_meta=f"{function.signature}: {function.description}")
            for mode, words in ROUNDING_MODES.items():
                if inside and mode.startswith(word):
                    yield Completion(mode, -len(word), display_meta=f"rounding mode: {words}")
