"""Explanations as a Graphviz DOT digraph: one node per explanation node, edges from conclusions to reasons.

Every identifier is a quoted string; labels escape `"` and `\\` and write line breaks as `\\n`, so any user text
(quotes, newlines, Unicode) yields valid DOT.  Shared sub-proofs are one node with several incoming edges.
"""

from __future__ import annotations

from typing import Optional

from lexlog.kb.explanation import (
    AbsentCheck,
    AggregateCheck,
    ComparisonCheck,
    Explanation,
    FactLeaf,
    Failure,
    HeadMismatch,
    RuleAttempt,
    RuleStep,
    WhyNot,
    children,
    location,
)
from lexlog.kb.render._common import aggregate_words, binding_text, citations_text, notes_text, rule_title, status_text

_COLOURS = {
    "fact": "#e8f5e9",
    "rule": "#e3f2fd",
    "absent": "#f3e5f5",
    "comparison": "#fffde7",
    "aggregate": "#fffde7",
    "why_not": "#ffebee",
    "attempt": "#fff3e0",
    "failure": "#fbe9e7",
    "head": "#fbe9e7",
}


def quote(text: str) -> str:
    """A DOT quoted string: `\\` and `"` escaped, line breaks as `\\n` (centred lines), other text kept.

    Graphviz's lexer knows one escape, `\\"`; a backslash anywhere else is an ordinary character that the label
    escapes then read (`\\\\` is a backslash).  A text ending in a backslash gets a space after it, or the closing
    quote would read as escaped.
    """
    out = ['"']
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\\\r")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\\\u{ord(char):04x}")
        else:
            out.append(char)
    if text.endswith("\\"):
        out.append(" ")  # DOT reads `\\"` as an escaped quote: a final backslash must not meet the closing quote
    out.append('"')
    return "".join(out)


def _label(node: object) -> tuple[str, str, str]:
    """(label, kind, shape) of a node."""
    if isinstance(node, FactLeaf):
        return f"{node.atom.text}\n{node.reading or ''}\n{node.origin.description}".replace("\n\n", "\n"), "fact", "box"
    if isinstance(node, RuleStep):
        parts = [node.atom.text]
        if node.reading:
            parts.append(node.reading)
        parts.append("by " + rule_title(node.rule))
        cited = citations_text(node.rule)
        if cited:
            parts.append(cited)
        parts.extend(notes_text(node.rule))
        shown = binding_text(node.binding)
        if shown:
            parts.append(shown)
        return "\n".join(parts), "rule", "box"
    if isinstance(node, AbsentCheck):
        parts = [f"not {node.atom.text}"]
        if node.reading:
            parts.append(f"it does not follow that {node.reading}")
        parts.append("absent from the model")
        return "\n".join(parts), "absent", "box"
    if isinstance(node, AggregateCheck):
        words = aggregate_words(node)
        return f"{node.text}\n{words + chr(10) if words else ''}({node.source})", "aggregate", "ellipse"
    if isinstance(node, ComparisonCheck):
        verdict = "holds" if node.holds else "is false"
        return f"{node.text} {verdict}\n({node.source})", "comparison", "ellipse"
    if isinstance(node, WhyNot):
        parts = [f"{node.goal.text} does not follow" if node.status != "follows" else f"{node.goal.text} does follow"]
        if node.reading:
            parts.append(node.reading)
        if node.status != "follows":
            parts.append(status_text(node))
        return "\n".join(parts), "why_not", "octagon"
    if isinstance(node, RuleAttempt):
        parts = [rule_title(node.rule)]
        cited = citations_text(node.rule)
        if cited:
            parts.append(cited)
        parts.extend(notes_text(node.rule))
        if node.omitted:
            parts.append(f"(and {node.omitted} more failing way(s))")
        return "\n".join(parts), "attempt", "note"
    if isinstance(node, Failure):
        shown = binding_text(node.binding)
        lead = f"with {shown}\n" if shown else ""
        return f"{lead}{node.condition} fails", "failure", "diamond"
    if isinstance(node, HeadMismatch):
        computed = "undefined" if node.computed is None else node.computed.text
        return f"the head is {computed}", "head", "ellipse"
    raise TypeError(f"cannot render {node!r}")  # pragma: no cover


def render_dot(explanation: Explanation, name: str = "explanation") -> str:
    """A proof or a why-not answer as a DOT `digraph`."""
    ids: dict[int, str] = {}
    order: list[object] = []

    def node_id(node: object) -> str:
        key = id(node)
        if key not in ids:
            ids[key] = f"n{len(ids)}"
            order.append(node)
        return ids[key]

    lines = [
        f"digraph {quote(name)} {{",
        '  graph [rankdir="TB"];',
        '  node [fontname="Helvetica", style="filled", fillcolor="white"];',
    ]
    edges: list[str] = []
    node_id(explanation)
    position = 0
    while position < len(order):
        node = order[position]
        position += 1
        label, kind, shape = _label(node)
        tooltip: Optional[str] = None
        if isinstance(node, RuleStep):
            tooltip = node.rule.text
        elif isinstance(node, RuleAttempt):
            tooltip = node.rule.text
        attributes = f"label={quote(label)}, shape={quote(shape)}, fillcolor={quote(_COLOURS[kind])}"
        if tooltip is not None:
            attributes += f", tooltip={quote(tooltip)}"
        if isinstance(node, FactLeaf) and location(node.origin.span):
            attributes += f", URL={quote(location(node.origin.span))}"
        lines.append(f"  {quote(ids[id(node)])} [{attributes}];")
        for child in children(node):
            edges.append(f"  {quote(ids[id(node)])} -> {quote(node_id(child))};")
    lines.extend(edges)
    lines.append("}")
    return "\n".join(lines) + "\n"


render = render_dot
