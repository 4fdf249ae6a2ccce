"""The rules an explanation leaves out because they were not law on the date asked about, in words.

    Not in force on 2014-04-18:
      - rule appeal_pending_motion_to_dismiss (appellate_jurisdiction.dl:139): not yet law on 2014-04-18: law
        from 2022-11-30, the decision date of Carswell v. Camp, 54 F.4th 307 (5th Cir. 2022)
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from lexlog.grammar import print_value
from lexlog.kb.atoms import location
from lexlog.kb.in_force import LeftOut
from lexlog.kb.json_values import json_text

if TYPE_CHECKING:
    from lexlog.kb.knowledge_base import KnowledgeBase


def _rule_name(entry: LeftOut) -> str:
    label = entry.rule.annotations.label
    where = location(entry.rule.span)
    return f"rule {label} ({where})" if label else f"the rule for {entry.rule.head.predicate} ({where})"


def left_out_text(left_out: list[LeftOut], as_of: datetime.date) -> str:
    if not left_out:
        return ""
    lines = [f"Not in force on {print_value(as_of)}:"]
    lines += [f"  - {_rule_name(entry)}: {entry.reason}" for entry in left_out]
    return "\n".join(lines) + "\n"


def left_out_markdown(left_out: list[LeftOut], as_of: datetime.date) -> str:
    if not left_out:
        return ""
    lines = [f"**Not in force on {print_value(as_of)}:**", ""]
    lines += [f"- {_rule_name(entry)}: {entry.reason}" for entry in left_out]
    return "\n".join(lines) + "\n"


def left_out_json(left_out: list[LeftOut]) -> list[dict[str, object]]:
    return [
        {"label": entry.rule.annotations.label, "file": entry.rule.span.file, "line": entry.rule.span.line, "reason": entry.reason}
        for entry in left_out
    ]


def render_dated(knowledge_base: "KnowledgeBase", explanation: object, format: str = "text", **options: object) -> str:
    """The explanation in `format`, then the rules it leaves out as not in force on the knowledge base's date (in
    JSON, `as_of` and a `not_in_force` list beside the document's own keys)."""
    from lexlog.kb.render import render, to_document

    left_out = knowledge_base.left_out_for(explanation)
    when = knowledge_base.effective_date
    if format == "json":
        document = to_document(explanation)  # type: ignore[arg-type]
        if left_out:
            document["as_of"] = print_value(when)
            document["not_in_force"] = left_out_json(left_out)
        return json_text(document, indent=2)
    rendered = render(explanation, format, **options)  # type: ignore[arg-type]
    if format == "text":
        return rendered + left_out_text(left_out, when)
    if format == "markdown":
        return rendered + ("\n" + left_out_markdown(left_out, when) if left_out else "")
    return rendered
