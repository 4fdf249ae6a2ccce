"""Renderers of explanations (`lexlog.kb.explanation`): text, Markdown, JSON and Graphviz DOT.

`render(explanation, "text" | "markdown" | "json" | "dot", **options)` picks one; each module also has its own
`render_*` function.  Every renderer takes a proof (`FactLeaf` / `RuleStep`) or a `WhyNot`.

A renderer's module is imported when first used (`__getattr__`): the command line needs `FORMATS` to read its
options, and a command that renders nothing does not pay for the renderers or the explanation types.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from lexlog.kb.explanation import Explanation

FORMATS: dict[str, str] = {"text": "text", "md": "markdown", "markdown": "markdown", "json": "json", "dot": "dot", "memo": "memo"}
"""The format names the front ends accept, each to what renders it: a renderer of `RENDERERS`, or `memo`, a memo
on the question (`lexlog.kb.render.memo`; it needs the knowledge base, not only the explanation)."""

_RENDERER_OF: dict[str, tuple[str, str]] = {
    "text": ("lexlog.kb.render.text", "render_text"),
    "markdown": ("lexlog.kb.render.markdown", "render_markdown"),
    "json": ("lexlog.kb.render.json", "render_json"),
    "dot": ("lexlog.kb.render.dot", "render_dot"),
}
_EXPORTS: dict[str, str] = {
    **{function: module for module, function in _RENDERER_OF.values()},
    "case_name": "lexlog.kb.render.bluebook",
    "note_text": "lexlog.kb.render._common",
    "SCHEMA": "lexlog.kb.render.json",
    "SCHEMA_ID": "lexlog.kb.render.json",
    "to_document": "lexlog.kb.render.json",
}


def renderer(format: str) -> Callable[..., str]:
    """The renderer of a format (text, markdown, json, dot)."""
    try:
        module, function = _RENDERER_OF[format]
    except KeyError:
        raise ValueError(f"unknown format {format!r}; known formats: {', '.join(_RENDERER_OF)}") from None
    return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]


def render(explanation: Explanation, format: str = "text", **options: Any) -> str:
    """The explanation in `format` (text, markdown, json, dot); options go to that renderer (e.g. colour=True)."""
    return renderer(format)(explanation, **options)


def __getattr__(name: str) -> object:
    if name == "RENDERERS":  # each format's renderer, as a dict
        return {format: renderer(format) for format in _RENDERER_OF}
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = ["FORMATS", "RENDERERS", "case_name", "note_text", "render", "renderer", *_EXPORTS]
