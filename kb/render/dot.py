"""Explanations as a Graphviz DOT digraph: one node per explanation node, edges from conclusions to reasons.

A rule against a defeasible conclusion (a `Defeat`) is a node of its own, reached by a dashed edge labelled
`against` from the proof step it failed to stop, or `defeated by` from the why-not failure it explains.  Those
edges are written last, under an `edge [style="dashed", label=...]` default statement per label.

Every identifier is a quoted string; labels escape `"` and `\\` and write line breaks as `\\n`, so any user text
(quotes, newlines, Unicode) yields valid DOT.  Shared sub-proofs are one node with several incoming edges.
"""

from __future__ import annotations

from typing import Optional

from lexlog.kb.atoms import location
from lexlog.kb.explanation import (
    AbsentCheck,
    AggregateCheck,
    ComparisonCheck,
    Defeat,
    Explanation,
    FactLeaf,
    Failure,
    HeadMismatch,
    RuleAttempt,
    RuleStep,
    WhyNot,
    children,
)
from lexlog.kb.render._common import (
    aggregate_words,
    binding_text,
    citations_text,
    defeat_words,
    notes_text,
    rule_title,
    status_text,
    ways,
)

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
    "defeat": "#eceff1",
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
            parts.append(f"(and {node.omitted} more failing {ways(node.omitted)})")
        return "\n".join(parts), "attempt", "note"
    if isinstance(node, Failure):
        shown = binding_text(node.binding)
        lead = f"with {shown}\n" if shown else ""
        if node.kind == "defeated":
            return f"{lead}the conditions hold, but\n{node.condition} is defeated", "failure", "diamond"
        return f"{lead}{node.condition} fails", "failure", "diamond"
    if isinstance(node, Defeat):
        # the shared sentence, broken at its clauses so that the node stays narrow
        words = defeat_words(node) + (":" if node.premises else "")
        return words.replace(", but ", ",\nbut ").replace("; ", ";\n"), "defeat", "hexagon"
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
    contests: dict[str, list[str]] = {"against": [], "defeated by": []}
    node_id(explanation)
    position = 0
    while position < len(order):
        node = order[position]
        position += 1
        label, kind, shape = _label(node)
        tooltip: Optional[str] = None
        # a rule's source text on hover; a Defeat shows the rule that argues for the contrary
        rule = node.rule if isinstance(node, (RuleStep, RuleAttempt, Defeat)) else None
        if rule is not None:
            tooltip = rule.text
        attributes = f"label={quote(label)}, shape={quote(shape)}, fillcolor={quote(_COLOURS[kind])}"
        if tooltip is not None:
            attributes += f", tooltip={quote(tooltip)}"
        if isinstance(node, FactLeaf) and location(node.origin.span):
            attributes += f", URL={quote(location(node.origin.span))}"
        lines.append(f"  {quote(ids[id(node)])} [{attributes}];")
        for child in children(node):
            edge = f"  {quote(ids[id(node)])} -> {quote(node_id(child))};"
            if isinstance(child, Defeat):  # a contest, not a reason: drawn apart from the proof's edges
                contests["defeated by" if isinstance(node, Failure) else "against"].append(edge)
            else:
                edges.append(edge)
    lines.extend(edges)
    # Edges to defeats come last, each group after an `edge [...]` default that styles the edges below it.
    for label, group in contests.items():
        if group:
            lines.append(f"  edge [style={quote('dashed')}, label={quote(label)}];")
            lines.extend(group)
    lines.append("}")
    return "\n".join(lines) + "\n"


render = render_dot
