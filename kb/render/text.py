"""Explanations as an indented plain-text tree, citations inline; optional ANSI colour.

    appealable(zapata_order): the order zapata_order is immediately appealable
      by rule no_step_one (doctrine.dl:7) -- Backe v. LeBlanc, 691 F.3d 645, 648 (5th Cir. 2012)
      note (later law): decided after some of the orders it is applied to
      with O = zapata_order, D = melson
      - discovery_order(zapata_order, melson): the order zapata_order lets discovery proceed against melson
          fact at case.dl:3
      - not finds_pleadings_overcome_qi(zapata_order): not provable, absent from the model

Each `@note` of a rule is a line under the rule's line, its kind in words.  A node met a second time (proofs
share sub-proofs) is shown as `... (shown above)`.  The tree is produced without recursion, so a 10,000-step
proof renders.
"""

from __future__ import annotations

from typing import Union

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
)
from lexlog.kb.render._common import (
    aggregate_words,
    binding_text,
    comparison_words,
    citations_text,
    defeat_words,
    notes_text,
    oneline,
    rule_title,
    status_text,
    ways,
)

INDENT = "  "
MAX_INDENT = 40
"""Deeper levels are not indented further (a 10,000-step proof would be mostly spaces): they carry `[level N]`."""


def _pad(depth: int) -> str:
    if depth <= MAX_INDENT:
        return INDENT * depth
    return INDENT * MAX_INDENT + f"[level {depth}] "

_RESET = "\x1b[0m"
_STYLES = {
    "atom": "\x1b[1m",  # bold
    "ok": "\x1b[32m",  # green
    "fail": "\x1b[31m",  # red
    "cite": "\x1b[36m",  # cyan
    "note": "\x1b[33m",  # yellow
    "dim": "\x1b[2m",
}


class _Writer:
    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def style(self, kind: str, text: str) -> str:
        if not self.colour or not text:
            return text
        return f"{_STYLES[kind]}{text}{_RESET}"


def _headline(atom_text: str, reading: Union[str, None], w: _Writer, bullet: str) -> str:
    text = bullet + w.style("atom", oneline(atom_text))
    if reading:
        text += ": " + oneline(reading)
    return text


def _rule_lines(step_rule, w: _Writer) -> str:
    line = "by " + rule_title(step_rule)
    cited = citations_text(step_rule)
    if cited:
        line += " -- " + w.style("cite", oneline(cited))
    return line


def render_text(explanation: Explanation, colour: bool = False) -> str:
    """A proof (`FactLeaf`/`RuleStep`) or a `WhyNot` as an indented tree; `colour` adds ANSI colours."""
    w = _Writer(colour)
    lines: list[str] = []
    seen: set[int] = set()
    # the stack holds ("line", depth, text) and ("node", depth, node, bullet) items
    stack: list[tuple] = [("node", 0, explanation, "")]
    while stack:
        entry = stack.pop()
        if entry[0] == "line":
            lines.append(_pad(entry[1]) + entry[2])
            continue
        _kind, depth, node, bullet = entry
        out: list[tuple] = []  # items in output order

        def line(text: str, extra: int = 0) -> None:
            out.append(("line", depth + extra, text))

        def child(item: object, extra: int = 1, child_bullet: str = "- ") -> None:
            out.append(("node", depth + extra, item, child_bullet))

        repeated = isinstance(node, (RuleStep, WhyNot)) and id(node) in seen
        if isinstance(node, (RuleStep, WhyNot)):
            seen.add(id(node))
        if isinstance(node, FactLeaf):
            line(_headline(node.atom.text, node.reading, w, bullet))
            line(w.style("ok", node.origin.description), 2 if bullet else 1)
        elif isinstance(node, RuleStep):
            if repeated:
                line(_headline(node.atom.text, node.reading, w, bullet) + w.style("dim", " (shown above)"))
            else:
                line(_headline(node.atom.text, node.reading, w, bullet))
                extra = 2 if bullet else 1
                line(_rule_lines(node.rule, w), extra)
                for note in notes_text(node.rule):
                    line(w.style("note", note), extra)
                if binding_text(node.binding):
                    line("with " + oneline(binding_text(node.binding)), extra)
                for premise in node.premises:
                    child(premise, extra)
                # after the reasons for the conclusion, the rules against it and why they did not prevail
                for defeat in node.defeated:
                    child(defeat, extra, "- against: ")
        elif isinstance(node, Defeat):
            line(bullet + defeat_words(node) + (":" if node.premises else ""))
            for premise in node.premises:
                child(premise, 2 if bullet else 1)
        elif isinstance(node, AbsentCheck):
            text = bullet + w.style("atom", "not " + oneline(node.atom.text))
            if node.reading:
                text += ": it does not follow that " + oneline(node.reading)
            line(text)
            line(w.style("ok", "not provable: absent from the model"), 2 if bullet else 1)
        elif isinstance(node, AggregateCheck):
            words = aggregate_words(node)
            line(f"{bullet}{oneline(node.text)}{': ' + words if words else ''} ({oneline(node.source)})")
            for premise in node.premises:
                child(premise, 2 if bullet else 1)
        elif isinstance(node, ComparisonCheck):
            verdict = w.style("ok", "holds") if node.holds else w.style("fail", "is false")
            if node.undefined:
                verdict = w.style("fail", "is undefined")
            words = comparison_words(node)
            line(f"{bullet}{oneline(node.text)} {verdict} ({oneline(node.source)})" + (f": {words}" if words else ""))
        elif isinstance(node, WhyNot):
            head = w.style("atom", oneline(node.goal.text))
            if node.status == "follows":
                line(f"{bullet}{head} does follow:")
                assert node.proof is not None
                child(node.proof, 2 if bullet else 1, "")
            elif repeated:
                line(f"{bullet}{head} does not follow" + w.style("dim", " (explained above)"))
            else:
                # the reading is said as what does not follow, never as a bare proposition that would read as if it held
                if node.reading:
                    text = f"{bullet}{head}: it does not follow that {oneline(node.reading)}; "
                else:
                    text = f"{bullet}{head} does not follow: "
                line(text + w.style("fail", status_text(node)))
                for attempt in node.attempts:
                    child(attempt, 2 if bullet else 1, "")
        elif isinstance(node, RuleAttempt):
            line(_rule_lines(node.rule, w).replace("by ", "", 1) + ":")
            for note in notes_text(node.rule):
                line(w.style("note", note), 1)
            for failure in node.failures:
                child(failure, 1, "")
            if node.omitted:
                line(w.style("dim", f"... and {node.omitted} more {ways(node.omitted)} of trying it, each failing"), 1)
        elif isinstance(node, Failure):
            shown = binding_text(node.binding)
            with_binding = f"with {oneline(shown)}" if shown else "as it stands"
            detail = node.detail
            if node.kind == "missing":
                assert isinstance(detail, WhyNot)
                line(f"{with_binding}: {w.style('fail', oneline(node.condition))} fails, nothing matches it")
                child(detail, 1, "- ")
            elif node.kind == "present":
                line(f"{with_binding}: {w.style('fail', oneline(node.condition))} fails, because this holds:")
                child(detail, 1, "- ")
            elif node.kind in ("comparison", "aggregate"):
                assert isinstance(detail, (ComparisonCheck, AggregateCheck))
                line(f"{with_binding}: {w.style('fail', oneline(node.condition))} fails")
                child(detail, 1, "- ")
            elif node.kind == "defeated":
                assert isinstance(detail, Defeat)
                # the Defeat's words finish the line, so its premises hang directly under the failure
                words = defeat_words(detail) + (":" if detail.premises else "")
                line(f"{with_binding}: the conditions hold, but {w.style('fail', words)}")
                for premise in detail.premises:
                    child(premise, 1, "- ")
            else:
                assert isinstance(detail, HeadMismatch)
                computed = "is undefined" if detail.computed is None else f"is {oneline(detail.computed.text)}"
                line(f"{with_binding}: the body holds, but the head {oneline(node.condition)} {w.style('fail', computed)}")
        else:  # pragma: no cover
            raise TypeError(f"cannot render {node!r}")
        stack.extend(reversed(out))
    return "\n".join(lines) + "\n"


render = render_text
