"""The fast reading of a large file's plain fact lines (`lexlog.grammar.plain_facts`) gives what lark's parse gives:
the same statements, the same spans, the same comments, the same error."""

from __future__ import annotations

import gc
from dataclasses import fields, is_dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lexlog.grammar import LexlogSyntaxError, parse
from lexlog.grammar import plain_facts
from lexlog.grammar.tree import Span

# Lines of every kind that meets the fast reading: facts it takes, lines it must leave to lark (rules whose
# continuation lines look like facts, annotations that belong to the next fact, keywords, Prolog's collectors,
# numbers and dates it does not read), comments, and lines that do not parse.
LINES = [
    'edge(a, b).', 'edge(node1, "label, with (comma).").', 'p( 12 ,x ). % trailing', 'p("a \\" quote"). // slashes',
    'q(b).%tight', '  indented(a).', 'big(123456789012345678901234567890).', 'p("%").', "r(1.5).", "d(2024-01-05).",
    "neg(-3).", "v(X).", "include(a).", "findall(a).", "not(a).", "% a comment line", "// another", "", "   ",
    "p(X) :-", "  q(X).", "r(Y) :- s(Y),", "  t(a).", "@label first", "@cite zapata at 485 n.2", "f(a). g(b).",
    'input edge(From, To) "an edge from {From} to {To}".', "p(a", "broken(.", "h(a) % remainder after an operand",
    "~neg(a).", "zero.", "e(a,b) .", "sum(a, 1).", "count(b).", "as_of(x).", "constraint(c).", "date(d).",
]


def _walk(node: Any, found: list) -> None:
    """Every span in a tree, in order (spans take no part in equality, so they are compared apart)."""
    if isinstance(node, Span):
        found.append(node)
    elif isinstance(node, (tuple, list)):
        for item in node:
            _walk(item, found)
    elif is_dataclass(node):
        for item in fields(node):
            _walk(getattr(node, item.name), found)


def _read(text: str, fast: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(plain_facts, "PLAIN_FACTS_FROM", 0 if fast else 10**12)
    try:
        program = parse(text, "f.dl")
    except LexlogSyntaxError as error:
        return ("error", str(error), error.span, error.expected, error.hint)
    spans: list = []
    _walk(program.statements, spans)
    return ("program", program.statements, spans, [(comment.text, comment.span) for comment in program.comments])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=30))
def test_the_fast_reading_gives_what_lark_gives(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert _read(text, True, monkeypatch) == _read(text, False, monkeypatch)


def test_the_fast_reading_is_taken_for_a_large_file_of_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    run = plain_facts._run
    monkeypatch.setattr(plain_facts, "_run", lambda *arguments: calls.append(1) or run(*arguments))
    text = "p(X) :- q(X).\n" + "".join(f'q(a{number}). % {number}\n' for number in range(30_000))
    assert len(text) > plain_facts.PLAIN_FACTS_FROM
    program = parse(text, "big.dl")
    assert len(program.statements) == 30_001 and len(program.comments) == 30_000
    assert calls == [1]  # lark read the one rule; the 30,000 facts were read by the fast reading


@pytest.mark.parametrize("fact_lines", [True, False], ids=["fast reading", "lark"])
def test_a_large_file_is_parsed_without_garbage_collection(fact_lines: bool) -> None:
    # Its tree has no cycles: the collector would walk the growing heap again and again and free nothing.
    rows = [f'q(a{number}, "b {number}"). % {number}' if fact_lines else f"q(a{number}) :- r({number})." for number in range(12_000 if fact_lines else 5_000)]
    text = "\n".join(rows) + "\n"
    assert (len(text) >= plain_facts.PLAIN_FACTS_FROM) == fact_lines
    collections: list[str] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(phase)

    gc.collect()
    gc.callbacks.append(count)
    try:
        program = parse(text, "big.dl")
    finally:
        gc.callbacks.remove(count)
    assert len(program.statements) == len(rows) and gc.isenabled()
    assert len(collections) <= 1  # the one the resumed collector may start as the parse returns (dozens unpaused)
