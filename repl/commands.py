"""The prompt's commands: one small function each, taking the session and the argument text, returning the text to
show. The same table serves the terminal, piped input and `-c`.

A command that cannot do what was asked raises `CommandError` (shown as `error: ...`) or lets a `LexlogError`
through (shown with its caret rendering); the shell catches both, and anything else, so no input ends the session.
Everything here goes through `lexlog.kb`'s public face.
"""

from __future__ import annotations

import difflib
import os
import shlex
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from lexlog.grammar import ANNOTATIONS, KEYWORDS, Variable
from lexlog.kb import (
    DEFAULT_DEPTH,
    FORMATS,
    KnowledgeBase,
    LexlogError,
    QueryResult,
    check_files,
    library_names,
    library_path,
    note_text,
    render_dated,
    run_knowledge_base,
    run_tests,
    write_atomically,
)
from lexlog.repl.session_io import canonical, case_file_text, scan, split_statements, split_top_level, strip_comments

# The words that begin a statement other than a fact: every keyword but `not` and `decided`, and the annotations.
STATEMENT_KEYWORDS = (KEYWORDS - {"not", "decided"}) | {f"@{name}" for name in ANNOTATIONS}


class CommandError(Exception):
    """A command could not do what was asked; the message says why (and what to do)."""


class Quit(Exception):
    """`:quit`: leave the prompt."""


@dataclass
class Output:
    """A command's text, and whether it counts as a failure (piped input then exits 1)."""

    text: str
    ok: bool = True


def example_query(kb: KnowledgeBase) -> str:
    """A query worth suggesting on this knowledge base: the declared output that rests on the most predicates (on
    the tax library `tax(Person, Year, Amount)`, on the bundled law `leave_denied(Motion)`), else the head of the
    last rule, with the declared argument names as variables."""
    outputs = [d for d in kb.declarations if d.kind == "output"]
    if outputs:
        rests_on = _predicates_beneath(kb)
        chosen = max(outputs, key=lambda d: len(rests_on(d.predicate)))
        return f"?- {chosen.predicate}({', '.join(_variable_name(p) for p in chosen.parameters)})."
    if kb.rules:
        head = kb.rules[-1].head
        # the rule's own variable names where it has them (`~fly(X)`), else X1, X2, ...
        names = [
            argument.name if isinstance(argument, Variable) and not argument.name.startswith("_") else f"X{number}"
            for number, argument in enumerate(head.arguments, start=1)
        ]
        return f"?- {head.predicate}({', '.join(names)})." if names else f"?- {head.predicate}."
    return "?- p(X)."


def _predicates_beneath(kb: KnowledgeBase):
    """A function giving, for a predicate, every predicate its rules read, directly or through other rules."""
    bodies: dict[str, set[str]] = {}
    for rule in kb.rules:
        bodies.setdefault(rule.head.predicate, set()).update(_body_predicates(rule.body))

    def beneath(name: str) -> set[str]:
        found: set[str] = set()
        waiting = [name]
        while waiting:
            for other in bodies.get(waiting.pop(), ()):
                if other not in found:
                    found.add(other)
                    waiting.append(other)
        return found

    return beneath


def _body_predicates(body) -> set[str]:
    names: set[str] = set()
    for item in body:
        atom = getattr(item, "atom", None)
        if atom is not None:
            names.add(atom.predicate)
        names |= _body_predicates(getattr(item, "body", ()))
    return names


def example_fact(kb: KnowledgeBase) -> str:
    """A fact a user might type: the first declared input, its argument names as constants."""
    inputs = [d for d in kb.declarations if d.kind == "input"]
    if not inputs:
        return "p(a)."
    chosen = inputs[0]
    names = [_variable_name(p).lower() for p in chosen.parameters]
    return f"{chosen.predicate}({', '.join(names)})." if names else f"{chosen.predicate}."


def _variable_name(parameter: str) -> str:
    name = parameter.split(":")[0].strip()
    return name if name[:1].isupper() else name.capitalize()


@dataclass
class Session:
    """What the prompt holds: the knowledge base (files + assertions), assumptions, the last answers, settings."""

    kb: KnowledgeBase
    colour: bool = False
    depth: int = DEFAULT_DEPTH
    assumptions: list[str] = field(default_factory=list)
    last_query: Optional[tuple[KnowledgeBase, QueryResult]] = None
    last_query_seconds: Optional[float] = None
    _effective: Optional[KnowledgeBase] = None
    _saved: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    """The asserted and retracted facts when the session started or was last saved."""

    @classmethod
    def start(cls, files: list[str], engine: str, colour: bool = False) -> "Session":
        """A session on the files; raises LexlogError if they do not load."""
        kb = KnowledgeBase(engine)
        if files:
            kb.load_files(list(files))
        return cls(kb, colour)

    @property
    def current(self) -> KnowledgeBase:
        """The knowledge base questions are asked of: the session's, with the assumptions supposed."""
        if not self.assumptions:
            return self.kb
        if self._effective is None:
            self._effective = self.kb.suppose(self.assumptions)
        return self._effective

    def changed(self) -> None:
        """After any change: cached suppositions and remembered answers no longer apply."""
        self._effective = None
        self.last_query = None

    def fact_count(self) -> int:
        return len(self.current.facts())

    def _changes(self) -> tuple[frozenset[str], frozenset[str]]:
        return frozenset(atom.text for atom in self.kb.asserted), frozenset(atom.text for atom in self.kb.retracted)

    def unsaved(self) -> str:
        """What was asserted or retracted since the start or the last :save ('2 asserted facts, 1 retraction'), or
        '' when nothing was."""
        asserted, retracted = self._changes()
        saved_asserted, saved_retracted = self._saved
        if (asserted, retracted) == self._saved:
            return ""
        parts = []
        if asserted != saved_asserted:
            parts.append(f"{len(asserted)} asserted fact{'s' if len(asserted) != 1 else ''}")
        if retracted != saved_retracted:
            parts.append(f"{len(retracted)} retraction{'s' if len(retracted) != 1 else ''}")
        return " and ".join(parts)

    def mark_saved(self) -> None:
        self._saved = self._changes()


Handler = Callable[[Session, str], "str | Output"]


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    usage: str
    summary: str
    details: str = ""
    aliases: tuple[str, ...] = ()


COMMANDS: dict[str, Command] = {}
ALIASES: dict[str, str] = {}


def command(name: str, usage: str, summary: str, details: str = "", aliases: tuple[str, ...] = ()):
    def register(handler: Handler) -> Handler:
        COMMANDS[name] = Command(name, handler, usage, summary, details.strip(), aliases)
        for alias in aliases:
            ALIASES[alias] = name
        return handler

    return register


def command_names() -> list[str]:
    return sorted(COMMANDS)


def suggest_command(name: str) -> Optional[str]:
    """The closest command name: the longest shared prefix, else the most similar spelling."""
    names = command_names()
    best = max(names, key=lambda candidate: (len(os.path.commonprefix([name, candidate])), difflib.SequenceMatcher(None, name, candidate).ratio()))
    if os.path.commonprefix([name, best]) or difflib.SequenceMatcher(None, name, best).ratio() >= 0.5:
        return best
    return None


def execute(session: Session, text: str) -> Output:
    """Run one unit: a `:command ARGS` line, a query, or a fact to assert."""
    stripped = strip_comments(text).strip() if not text.lstrip().startswith(":") else text.strip()
    if not stripped:
        return Output("")
    if stripped.startswith(":"):
        name, _, argument = stripped[1:].partition(" ")
        name = name.strip().lower()
        name = ALIASES.get(name, name)
        if name not in COMMANDS:
            close = suggest_command(name)
            hint = f" — did you mean :{close}?" if close else " — :help lists the commands"
            raise CommandError(f"unknown command :{name}{hint}")
        result = COMMANDS[name].handler(session, argument.strip())
        return result if isinstance(result, Output) else Output(result)
    return statement(session, stripped)


# --- statements: queries and facts ---------------------------------------------------------------------------


def is_query(text: str) -> bool:
    text = text.strip()
    return text.startswith("?-") or text.endswith("?")


def statement(session: Session, text: str) -> Output:
    if is_query(text):
        return Output(ask(session, session.current, text))
    return Output(assert_facts(session, text))


def ask(session: Session, kb: KnowledgeBase, text: str) -> str:
    started = time.perf_counter()
    result = kb.query(text)
    session.last_query_seconds = time.perf_counter() - started
    session.last_query = (kb, result)
    return result.table()


def _fact_text(text: str) -> str:
    text = text.strip()
    if text.endswith("."):
        text = text[:-1].rstrip()
    return text


def _refuse_non_fact(text: str) -> None:
    first = text.split(None, 1)[0] if text.split() else ""
    if first in STATEMENT_KEYWORDS or ":-" in _outside_strings(text):
        raise CommandError(
            "only facts can be typed at the prompt; rules, declarations, authorities and expectations belong in a "
            "file: write them in a .dl file and :load it"
        )


def _outside_strings(text: str) -> str:
    return "".join(piece for piece, quoted in scan(text) if not quoted)


def assert_facts(session: Session, text: str) -> str:
    _refuse_non_fact(text)
    fact = _fact_text(text)
    already = any(atom.text == fact for atom in session.kb.facts())
    atom = session.kb.assert_fact(fact, evaluate=True)  # a fact the backend cannot evaluate is not kept
    session.changed()
    reply = f"asserted {atom.text}." + (" (it was already a fact)" if already else "")
    concluding = [rule for rule in session.kb.rules if rule.head.key == (atom.predicate, len(atom.arguments))]
    if concluding:
        # Kept, since a lawyer may mean to posit a conclusion, but said at once: it stands without the rules' conditions.
        count = len(concluding)
        reply += (
            f"\nwarning: {atom.predicate}/{len(atom.arguments)} is concluded by {count} rule{'s' if count != 1 else ''}; "
            f"as a fact it holds whether or not {'their' if count != 1 else 'its'} conditions do (:retract it to let "
            f"{'the rules' if count != 1 else 'the rule'} decide)"
        )
    return reply


def _facts_of(text: str) -> list[str]:
    """`a(x). b(y).` or `a(x), b(y)` as fact texts."""
    statements, rest = split_statements(text)
    pieces = statements + ([rest] if strip_comments(rest).strip() else [])
    facts: list[str] = []
    for piece in pieces:
        piece = strip_comments(piece).strip()
        _refuse_non_fact(piece)
        facts.extend(split_top_level(_fact_text(piece)))
    return facts


# --- explanations --------------------------------------------------------------------------------------------


def _answer_atom(session: Session, number_text: str) -> tuple[KnowledgeBase, str]:
    if session.last_query is None:
        raise CommandError(f"no answers to refer to: ask a query first (e.g. {example_query(session.kb)}), then :why 1")
    kb, result = session.last_query
    number = int(number_text)
    if not 1 <= number <= len(result.answers):
        count = len(result.answers)
        raise CommandError(f"there is no answer {number}: the last query ({result.query}) has {count} answer{'s' if count != 1 else ''}")
    atom = kb.answer_atom(result, number)
    if atom is None:
        raise CommandError(f"the query {result.query} has no positive atom to explain; ask :whynot about its atoms")
    return kb, atom.text


@command(
    "why",
    ":why ATOM | :why N",
    "the proof of an atom that follows (N: the Nth answer of the last query)",
    """
:why ATOM shows the proof tree of a ground atom that follows, with each rule's label, citations and notes.
:why N explains answer N of the last query: the query's first positive atom with that answer's values
(an argument the answer leaves open, such as _, takes its value from the first matching atom).
After :suppose, :why N explains in the supposed world, and supposed facts are marked as supposed.
""",
)
def why(session: Session, argument: str) -> str:
    if not argument:
        raise CommandError("usage: :why ATOM or :why N (an answer number of the last query)")
    if argument.isdigit():
        kb, atom = _answer_atom(session, argument)
    else:
        kb, atom = session.current, _fact_text(argument)
    return render_dated(kb, kb.explain(atom), "text", colour=session.colour)


def _take_option(words: list[str], name: str) -> Optional[str]:
    for index, word in enumerate(words):
        if word == name or word.startswith(name + "="):
            if "=" in word:
                value = word.split("=", 1)[1]
                del words[index]
                return value
            if index + 1 >= len(words):
                raise CommandError(f"{name} needs a value")
            value = words[index + 1]
            del words[index : index + 2]
            return value
    return None


def _split_options(argument: str, options: tuple[str, ...]) -> tuple[str, dict[str, Optional[str]]]:
    """The atom text and the `--option VALUE` pairs that follow it."""
    cut = len(argument)
    for option in options:
        position = _outside_strings_index(argument, option)
        if position is not None:
            cut = min(cut, position)
    head, tail = argument[:cut].strip(), argument[cut:]
    try:
        words = shlex.split(tail)
    except ValueError as error:
        raise CommandError(f"cannot read the options: {error}") from None
    values = {option: _take_option(words, option) for option in options}
    if words:
        raise CommandError(f"unexpected {' '.join(words)}; options: {', '.join(options)}")
    return head, values


def _outside_strings_index(text: str, needle: str) -> Optional[int]:
    position = 0
    for piece, quoted in scan(text):
        if not quoted and text.startswith(needle, position):
            return position
        position += len(piece)
    return None


def _depth(value: Optional[str], default: int) -> int:
    if value is None:
        return default
    # isascii: '²' is a digit to Python, but not a number int() reads; four digits are more levels than any proof has
    if not (value.isascii() and value.isdigit() and len(value) <= 4):
        raise CommandError(f"the depth is a number of levels (0, 1, 2, ... up to 9999), not {value!r}")
    return int(value)


@command(
    "whynot",
    ":whynot ATOM [--depth N]",
    "why an atom does not follow: each rule that could conclude it and the first condition that fails",
    """
ATOM may leave arguments open (appealable_on(westbrook_order, G)). --depth N (default: the :depth setting)
says how many levels of failing conditions to follow.
""",
)
def whynot(session: Session, argument: str) -> str:
    atom, options = _split_options(argument, ("--depth",))
    if not atom:
        raise CommandError("usage: :whynot ATOM [--depth N]")
    kb = session.current
    answer = kb.why_not(_fact_text(atom), _depth(options["--depth"], session.depth))
    return render_dated(kb, answer, "text", colour=session.colour)


@command(
    "explain",
    ":explain ATOM [--format text|md|memo|json|dot] [--out FILE] [--depth N]",
    "the proof (or, if ATOM does not follow, why not) in a chosen format, optionally written to a file",
    """
Formats: text (the tree), md (Markdown prose), memo (a Markdown memo: Question Presented, Short Answer, Discussion,
What Would Change the Answer), json (schema lexlog.explanation/2), dot (Graphviz).
--out FILE writes the explanation to FILE (atomically) instead of showing it.
""",
)
def explain(session: Session, argument: str) -> str:
    atom, options = _split_options(argument, ("--format", "--out", "--depth"))
    if not atom:
        raise CommandError("usage: :explain ATOM [--format text|md|memo|json|dot] [--out FILE]")
    chosen = (options["--format"] or "text").lower()
    if chosen not in FORMATS:
        raise CommandError(f"unknown format {chosen!r}; formats: text, md, memo, json, dot")
    kb, atom = session.current, _fact_text(atom)
    if FORMATS[chosen] == "memo":
        from lexlog.kb import build_memo, render_memo  # imported when asked for: not at the prompt's start

        memo = build_memo(kb, atom, _depth(options["--depth"], session.depth))
        return _shown_or_written(render_memo(memo), options["--out"], "memo")
    try:
        explanation = kb.explain(atom)
    except LexlogError as error:
        if error.code != "does_not_follow" and error.code != "not_ground":
            raise
        explanation = kb.why_not(atom, _depth(options["--depth"], session.depth))
    out = options["--out"]
    colour = session.colour and FORMATS[chosen] == "text" and out is None
    text = render_dated(kb, explanation, FORMATS[chosen], **({"colour": True} if colour else {}))
    return _shown_or_written(text, out, FORMATS[chosen])


def _shown_or_written(text: str, out: Optional[str], format: str) -> str:
    """The text to show, or, with `--out FILE`, the text written to FILE (atomically) and a line saying so."""
    if out is None:
        return text
    path = os.path.expanduser(out)
    try:
        write_atomically(path, text if text.endswith("\n") else text + "\n")
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror or error}") from None
    return f"wrote {path} ({format})"


@command(
    "asof",
    ":asof [DATE | today | AUTHORITY | off]",
    "apply the law in force on a date, and list the rules not in force then",
    """
:asof 2014-04-18 applies the rules in force on that date: a rule whose @since is later, or whose @until is not
later, does not fire. :asof zapata takes the decision date of the authority zapata; :asof today, today's law.
:asof off returns to the date the files state (as_of DATE.), or today. :asof alone shows the date and the
rules left out. Explanations end with the rules they would have used that were not in force.
""",
)
def asof(session: Session, argument: str) -> str:
    if argument == "off":
        session.kb = session.kb.at(None)
        session.changed()
    elif argument:
        session.kb = session.kb.at_text(argument)
        session.changed()
    kb = session.kb
    left_out = kb.left_out
    lines = [f"law as of {kb.effective_date.isoformat()}" + (": every rule is in force" if not left_out else f"; not in force ({len(left_out)}):")]
    lines += [f"  - {entry.rule.annotations.label or entry.rule.head.predicate}: {entry.reason}" for entry in left_out]
    return "\n".join(lines)


@command("depth", ":depth [N]", "show or set how deep :whynot follows failing conditions")
def depth(session: Session, argument: str) -> str:
    if argument:
        session.depth = _depth(argument, session.depth)
    return f"why-not depth: {session.depth}"


# --- what-ifs ------------------------------------------------------------------------------------------------


def _diff_lines(before: set, after: set) -> list[str]:
    lines = [f"- {atom.text}" for atom in sorted(before - after, key=lambda a: a.text)]
    lines += [f"+ {atom.text}" for atom in sorted(after - before, key=lambda a: a.text)]
    return lines


@command(
    "suppose",
    ":suppose FACT... ?- GOAL",
    "answer GOAL as if the facts held, without changing the session",
    """
:suppose finds_pleadings_overcome_qi(zapata_order). ?- appealable_on(zapata_order, G).
Facts are separated by '.' or ','. Then :why N explains in that supposed world, marking supposed facts.
Without a goal, shows which conclusions the facts would add (+) or remove (-).
""",
)
def suppose(session: Session, argument: str) -> str:
    position = _outside_strings_index(argument, "?-")
    facts_text, goal = (argument, None) if position is None else (argument[:position], argument[position:])
    if goal is None:
        statements, rest = split_statements(argument)
        if statements and statements[-1].endswith("?"):
            goal = statements[-1]
            facts_text = argument[: argument.rfind(goal)]
    facts = _facts_of(facts_text)
    if not facts:
        raise CommandError("usage: :suppose FACT... ?- GOAL (at least one fact)")
    base = session.current
    supposed = base.suppose(facts)
    heading = "supposing " + ", ".join(facts) + ":"
    if goal is None:
        lines = _diff_lines(base.conclusions(), supposed.conclusions())
        return "\n".join([heading, *(lines or ["no conclusion changes"])])
    return heading + "\n" + ask(session, supposed, goal)


@command(
    "assume",
    ":assume FACT...",
    "suppose facts until :forget (shown in the toolbar; explanations mark them supposed)",
)
def assume(session: Session, argument: str) -> str:
    facts = _facts_of(argument)
    if not facts:
        raise CommandError("usage: :assume FACT...")
    before = session.current
    trial = session.kb.suppose(session.assumptions + facts)  # raises, changing nothing, if a fact is wrong
    lines = _diff_lines(before.conclusions(), trial.conclusions())  # evaluates: raises before anything changes
    added = [fact for fact in facts if canonical(fact) not in {canonical(a) for a in session.assumptions}]
    session.assumptions.extend(added)
    session.changed()
    session._effective = trial
    return "\n".join([f"assuming {', '.join(facts)}", *lines])


@command("forget", ":forget FACT | :forget all", "drop an assumption (or all of them)")
def forget(session: Session, argument: str) -> str:
    if not argument:
        raise CommandError("usage: :forget FACT or :forget all")
    if not session.assumptions:
        raise CommandError("there are no assumptions to forget")
    before = session.current
    if argument.strip() == "all":
        dropped, session.assumptions = list(session.assumptions), []
    else:
        normal = {canonical(a): a for a in session.assumptions}
        dropped = []
        for fact in _facts_of(argument):
            key = canonical(fact)
            if key not in normal:
                raise CommandError(f"{fact} is not assumed; assumptions: {', '.join(session.assumptions)}")
            dropped.append(normal[key])
        session.assumptions = [a for a in session.assumptions if a not in dropped]
    session.changed()
    lines = _diff_lines(before.conclusions(), session.current.conclusions())
    return "\n".join([f"forgot {', '.join(dropped)}", *lines])


@command("retract", ":retract FACT", "remove a fact (asserted at the prompt or stated in a file)")
def retract(session: Session, argument: str) -> str:
    facts = _facts_of(argument)
    if not facts:
        raise CommandError("usage: :retract FACT")
    done = []
    for fact in facts:
        if not session.kb.retract_fact(fact):
            hint = " (it is assumed: :forget it)" if fact in session.assumptions else ""
            raise CommandError(f"{fact} is not a fact, so there is nothing to retract{hint}")
        done.append(fact)
    session.changed()
    return "retracted " + ", ".join(done) + "."


# --- files ---------------------------------------------------------------------------------------------------


def _warnings(diagnostics, session: Session) -> str:
    warnings = [d for d in diagnostics if not d.is_error]
    if not warnings:
        return ""
    return LexlogError(warnings, session.kb.sources).render(session.colour) + "\n"


@command("load", ":load FILE...", "add files (and what they include) to the session")
def load(session: Session, argument: str) -> str:
    try:
        paths = [os.path.expanduser(path) for path in shlex.split(argument)]
    except ValueError as error:
        raise CommandError(f"cannot read the file names: {error}") from None
    if not paths:
        raise CommandError("usage: :load FILE...")
    diagnostics = session.kb.load_files(paths)
    session.changed()
    return _warnings(diagnostics, session) + f"loaded {', '.join(paths)}: {session.fact_count()} facts, {len(session.kb.rules)} rules"


@command(
    "reload",
    ":reload",
    "read the loaded files again from disk, keep the session's facts, and show what changed in the conclusions",
)
def reload(session: Session, argument: str) -> str:
    if not session.kb.files:
        raise CommandError("no files are loaded; :load FILE first")
    before = session.current.conclusions()
    diagnostics = session.kb.reload()
    session.changed()
    lines = _diff_lines(before, session.current.conclusions())
    summary = f"reloaded {len(session.kb.files)} file{'s' if len(session.kb.files) != 1 else ''}"
    return _warnings(diagnostics, session) + "\n".join([summary + (":" if lines else "; no conclusion changed"), *lines])


@command(
    "save",
    ":save FILE",
    "write the session as a case file: an include for each loaded file, then the asserted facts",
)
def save(session: Session, argument: str) -> str:
    if not argument:
        raise CommandError("usage: :save FILE")
    path = os.path.expanduser(argument.strip().strip('"'))
    library = {os.path.abspath(library_path(name)): name for name in library_names()}
    facts = [atom.text for atom in session.kb.asserted]
    notes = []
    retracted = [atom.text for atom in session.kb.retracted]  # facts of the files, retracted in the session
    if retracted:
        notes.append("retracted in the session (a case file cannot retract; remove them from their files): " + ", ".join(retracted))
    if session.assumptions:
        notes.append("assumed, not saved: " + ", ".join(session.assumptions))
    as_of = None
    if session.kb.as_of is not None:
        # the date chosen with :asof; a loaded file that states its own makes the two disagree, so it is a note then
        date = session.kb.as_of.isoformat()
        if session.kb.stated_dates:
            notes.append(f"judged as of {date} at the prompt: load with --as-of {date}")
        else:
            as_of = date
    text = case_file_text(session.kb.files, facts, path, library, notes, as_of)
    try:
        write_atomically(path, text)
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror or error}") from None
    session.mark_saved()
    saved = f"saved {path}: {len(session.kb.files)} include{'s' if len(session.kb.files) != 1 else ''}, {len(facts)} fact{'s' if len(facts) != 1 else ''}"
    if retracted:  # a case file cannot take a fact back: the file says so in a comment, and so does the prompt
        saved += f"; not saved (a case file cannot retract): {', '.join(retracted)}"
    return saved


# --- the knowledge base --------------------------------------------------------------------------------------


def _predicate_filter(argument: str) -> Callable[[str, int], bool]:
    argument = argument.strip()
    if not argument:
        return lambda name, arity: True
    name, _, arity = argument.partition("/")
    if arity and not arity.isdigit():
        raise CommandError(f"write a predicate as name or name/arity, not {argument!r}")
    return lambda n, a: n == name and (not arity or a == int(arity))


def _known_predicates(kb: KnowledgeBase) -> set[str]:
    names = {d.predicate for d in kb.declarations} | {r.head.predicate for r in kb.rules}
    return names | {atom.predicate for atom in kb.facts()}


def _no_such_predicate(kb: KnowledgeBase, argument: str, what: str) -> CommandError:
    name = argument.partition("/")[0]
    known = _known_predicates(kb)
    if name in known:  # a known predicate that simply has none: no suggestion of its own name
        return CommandError(f"no {what} for {argument}")
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return CommandError(f"no {what} for {argument}" + (f" — did you mean {close[0]}?" if close else ""))


@command("facts", ":facts [PRED]", "the facts in force (PRED: name or name/arity), marked asserted or supposed")
def facts(session: Session, argument: str) -> str:
    wanted = _predicate_filter(argument)
    rows = []
    for atom, origin in session.current.facts().items():
        if wanted(atom.predicate, len(atom.arguments)):
            mark = {"asserted": "   % asserted", "supposed": "   % supposed"}.get(origin.kind, "")
            rows.append((atom.predicate, atom.text, mark))
    if not rows:
        if argument:
            raise _no_such_predicate(session.current, argument, "facts")
        return "no facts."
    rows.sort()
    return "\n".join(f"{text}.{mark}" for _p, text, mark in rows) + f"\n({len(rows)} fact{'s' if len(rows) != 1 else ''})"


def _location(span) -> str:
    file = getattr(span, "file", "") or ""
    line = getattr(span, "line", 0)
    if not file or not line:
        return ""
    return f"{os.path.relpath(file) if os.path.isabs(file) else file}:{line}"


@command("rules", ":rules [PRED|LABEL]", "the rules (canonical text with @label, @cite and @note), by head predicate or label")
def rules(session: Session, argument: str) -> str:
    kb = session.current
    wanted = _predicate_filter(argument)
    chosen = [
        rule for rule in kb.rules
        if wanted(rule.head.predicate, len(rule.head.arguments)) or (argument and rule.annotations.label == argument.strip())
    ]
    if not chosen:
        if argument:
            raise _no_such_predicate(kb, argument, "rules")
        return "no rules."
    blocks = [f"% {_location(rule.span)}\n{kb.statement_text(rule)}" for rule in chosen]
    return "\n\n".join(blocks) + f"\n({len(chosen)} rule{'s' if len(chosen) != 1 else ''})"


def _citing(kb: KnowledgeBase, name: str) -> list:
    return [rule for rule in kb.rules if any(c.authority == name for c in rule.annotations.citations)]


@command("authorities", ":authorities", "every authority: short name, how many rules rest on it, full citation")
def authorities(session: Session, argument: str) -> str:
    kb = session.current
    entries = sorted(kb.authorities, key=lambda a: a.name)
    if not entries:
        return "no authorities."
    width = max(len(a.name) for a in entries)
    lines = [f"{a.name.ljust(width)}  {len(_citing(kb, a.name)):>3} rule{'s' if len(_citing(kb, a.name)) != 1 else ' '}  {a.citation}" for a in entries]
    return "\n".join(lines)


@command(
    "cite",
    ":cite AUTHORITY",
    "the rules resting on an authority, and which current conclusions would fall without them",
    """
Evaluates a copy of the knowledge base without every rule that cites AUTHORITY and compares the conclusions
(atoms of output predicates): '- x' would no longer follow, '+ y' would follow only without those rules.
""",
)
def cite(session: Session, argument: str) -> str:
    name = argument.strip()
    if not name:
        raise CommandError("usage: :cite AUTHORITY (see :authorities)")
    kb = session.current
    known = {a.name: a for a in kb.authorities}
    if name not in known:
        close = difflib.get_close_matches(name, sorted(known), n=1)
        raise CommandError(f"no authority named {name}" + (f" — did you mean {close[0]}?" if close else "; see :authorities"))
    resting = _citing(kb, name)
    lines = [known[name].citation, ""]
    if not resting:
        lines.append("no rule cites it.")
        return "\n".join(lines)
    lines.append(f"{len(resting)} rule{'s' if len(resting) != 1 else ''} cite{'s' if len(resting) == 1 else ''} it:")
    rows = []
    for rule in resting:
        pins = [c.pin for c in rule.annotations.citations if c.authority == name and c.pin]
        label = rule.annotations.label or "(unlabelled)"
        clause = next(line for line in kb.statement_text(rule).splitlines() if not line.startswith("@"))
        head = clause.split(" :-")[0].rstrip(".")
        rows.append((label, head, f"at {', '.join(pins)}" if pins else "", f"({_location(rule.span)})"))
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for row, rule in zip(rows, resting):
        lines.append("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, [*widths, 0])).rstrip())
        # A note qualifies what the rule takes from the authority (later law, or the library's own reading).
        lines.extend("    " + note_text(note) for note in rule.annotations.notes)
    changes = _diff_lines(kb.conclusions(), kb.without_rules(resting).conclusions())
    lines.append("")
    if changes:
        falling = sum(1 for line in changes if line.startswith("-"))
        plural = "s" if falling != 1 else ""
        lines.append(
            f"without every rule that cites it (including rules that also cite other authorities), "
            f"{falling} conclusion{plural} would fall:"
        )
        lines.extend("  " + line for line in changes)
    else:
        lines.append("without them, every current conclusion still follows (other rules carry them).")
    return "\n".join(lines)


@command("check", ":check", "check the loaded files for errors and warnings")
def check(session: Session, argument: str) -> Output:
    if not session.kb.files:
        raise CommandError("no files are loaded")
    report = check_files(session.kb.files)
    text = report.render(session.colour)
    return Output((text + "\n\n" if text else "") + f"checked {len(session.kb.files)} files: {report.summary()}", report.ok)


@command(
    "test",
    ":test [--files]",
    "run the expectations and integrity constraints on the session (with its facts and assumptions)",
    "--files runs each loaded file on its own, as `lexlog test` does.",
)
def test(session: Session, argument: str) -> Output:
    if argument.strip() == "--files":
        report = run_tests(session.kb.files, session.kb.engine_name)
        lines = []
        for result in report.files:
            if result.error is not None:
                lines.append(f"ERROR {result.file}\n{result.error.render(session.colour)}")
            for failed in result.failed:
                lines.append(f"FAIL {_location(failed.expectation.span)} {failed.text}")
            for violation in result.violations:
                lines.append(f"VIOLATED constraint {violation.constraint.name} ({_location(violation.constraint.span)})")
        lines.append(report.summary())
        return Output("\n".join(lines), report.ok)
    if argument:
        raise CommandError("usage: :test [--files]")
    result = run_knowledge_base(session.current, "session")
    lines = [f"FAIL {_location(r.expectation.span)} {r.text}" for r in result.failed]
    lines += [
        f"VIOLATED constraint {v.constraint.name} ({_location(v.constraint.span)}) with "
        + ", ".join(f"{k} = {val}" for k, val in v.binding.items())
        for v in result.violations
    ]
    summary = f"{result.passed} passed, {len(result.failed)} failed"
    if result.violations:
        summary += f", {len(result.violations)} constraint violation{'s' if len(result.violations) != 1 else ''}"
    lines.append(summary)
    return Output("\n".join(lines), result.ok)


@command("help", ":help [COMMAND]", "the commands, or one command in detail", aliases=("h", "?"))
def help_(session: Session, argument: str) -> str:
    name = argument.strip().lstrip(":").lower()
    if name:
        name = ALIASES.get(name, name)
        if name not in COMMANDS:
            close = suggest_command(name)
            raise CommandError(f"unknown command :{name}" + (f" — did you mean :{close}?" if close else ""))
        entry = COMMANDS[name]
        return "\n".join(part for part in (entry.usage, "  " + entry.summary, entry.details) if part)
    width = max(len(c.usage) for c in COMMANDS.values())
    lines = [
        f"Ask:     {example_query(session.kb)}   or end a query with ?   (numbered answers; a ground query says yes/no)",
        f"Assert:  {example_fact(session.kb)}   (a fact for this session)",
        "",
    ]
    lines += [f"  {c.usage.ljust(width)}  {c.summary}" for c in sorted(COMMANDS.values(), key=lambda c: c.name)]
    lines += ["", "Statements may span lines until the closing '.' or '?'. Ctrl-C cancels, Ctrl-D leaves."]
    return "\n".join(lines)


@command("quit", ":quit", "leave the prompt (also Ctrl-D)", aliases=("q", "exit"))
def quit_(session: Session, argument: str) -> str:
    raise Quit()
