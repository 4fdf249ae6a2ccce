"""Renderers of explanations (`lexlog.kb.explanation`): text, Markdown, JSON and Graphviz DOT.

`render(explanation, "text" | "markdown" | "json" | "dot", **options)` picks one; each module also has its own
`render_*` function.  Every renderer takes a proof (`FactLeaf` / `RuleStep`) or a `WhyNot`.
"""

from __future__ import annotations

from typing import Any, Callable

from lexlog.kb.explanation import Explanation
from lexlog.kb.render._common import note_text
from lexlog.kb.render.bluebook import case_name
from lexlog.kb.render.dot import render_dot
from lexlog.kb.render.json import SCHEMA, SCHEMA_ID, render_json, to_document
from lexlog.kb.render.markdown import render_markdown
from lexlog.kb.render.text import render_text

RENDERERS: dict[str, Callable[..., str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "dot": render_dot,
}


FORMATS: dict[str, str] = {"text": "text", "md": "markdown", "markdown": "markdown", "json": "json", "dot": "dot", "memo": "memo"}
"""The format names the front ends accept, each to what renders it: a renderer of `RENDERERS`, or `memo`, a memo
on the question (`lexlog.kb.render.memo`; it needs the knowledge base, not only the explanation)."""


def render(explanation: Explanation, format: str = "text", **options: Any) -> str:
    """The explanation in `format` (text, markdown, json, dot); options go to that renderer (e.g. colour=True)."""
    try:
        renderer = RENDERERS[format]
    except KeyError:
        raise ValueError(f"unknown format {format!r}; known formats: {', '.join(RENDERERS)}") from None
    return renderer(explanation, **options)


__all__ = [
    "case_name",
    "FORMATS",
    "RENDERERS",
    "SCHEMA",
    "SCHEMA_ID",
    "note_text",
    "render",
    "render_dot",
    "render_json",
    "render_markdown",
    "render_text",
    "to_document",
]
