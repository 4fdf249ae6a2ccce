"""Explanations as JSON, schema `lexlog.explanation/2` (documented field by field in docs/explanations.md).

The document is flat: every node has an id, and nodes refer to each other by id, so a proof that shares
sub-proofs is written once per node and a 10,000-step proof needs no deep nesting.

    {"schema": "lexlog.explanation/2", "kind": "proof" | "why_not", "root": "n0", "nodes": {"n0": {...}, ...}}

`SCHEMA` is the JSON Schema (draft 2020-12) of the document; `to_document` builds the document as Python data,
`render_json` serialises it.

Version 2 added defeasible logic: `defeat` nodes, a rule node's `defeated` (the rules against its conclusion) and
the failure kind `defeated` (whose `detail` is a `defeat` node).
"""

from __future__ import annotations

from typing import Any, Optional, get_args

from lexlog.grammar.tree import NOTE_KINDS, Span
from lexlog.kb.atoms import AtomPattern
from lexlog.kb.explanation import (
    AbsentCheck,
    AggregateCheck,
    BindingItems,
    ComparisonCheck,
    Defeat,
    DefeatKind,
    Explanation,
    FactLeaf,
    Failure,
    FailureKind,
    HeadMismatch,
    RuleAttempt,
    RuleRef,
    RuleStep,
    WhyNot,
)
from lexlog.kb.json_values import json_text, to_json
from lexlog.kb.render.bluebook import case_name

SCHEMA_ID = "lexlog.explanation/2"


def _span(span: Optional[Span]) -> Optional[dict[str, Any]]:
    if span is None:
        return None
    return {
        "file": span.file,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


def _atom(atom: AtomPattern) -> dict[str, Any]:
    variables = [atom.variable(position) for position in range(len(atom.arguments))]
    arguments = [None if value is None else to_json(value) for value in atom.arguments]
    return {"predicate": atom.predicate, "arguments": arguments, "variables": variables, "text": atom.text}


def _binding(binding: BindingItems) -> dict[str, Any]:
    return {name: to_json(value) for name, value in binding}


def _rule(rule: RuleRef) -> dict[str, Any]:
    return {
        "label": rule.label,
        "text": rule.text,
        "span": _span(rule.span),
        "citations": [
            {
                "authority": citation.authority,
                "pin": citation.pin,
                "citation": citation.citation,
                "pinned": citation.pinned,
                "text": citation.text,
                "case_name": case_name(citation.text),
            }
            for citation in rule.citations
        ],
        "notes": [{"kind": note.kind, "text": note.text} for note in rule.notes],
    }


def to_document(explanation: Explanation) -> dict[str, Any]:
    """The JSON document (as Python data) of a proof or a why-not answer."""
    ids: dict[int, str] = {}
    order: list[object] = []

    def node_id(node: object) -> str:
        key = id(node)
        if key not in ids:
            ids[key] = f"n{len(ids)}"
            order.append(node)
        return ids[key]

    node_id(explanation)
    nodes: dict[str, Any] = {}
    position = 0
    while position < len(order):
        node = order[position]
        position += 1
        nodes[ids[id(node)]] = _node(node, node_id)
    kind = "why_not" if isinstance(explanation, WhyNot) else "proof"
    return {"schema": SCHEMA_ID, "kind": kind, "root": ids[id(explanation)], "nodes": nodes}


def _node(node: object, node_id) -> dict[str, Any]:
    if isinstance(node, FactLeaf):
        return {
            "type": "fact",
            "atom": _atom(node.atom),
            "reading": node.reading,
            "origin": {"kind": node.origin.kind, "span": _span(node.origin.span)},
        }
    if isinstance(node, RuleStep):
        return {
            "type": "rule",
            "atom": _atom(node.atom),
            "reading": node.reading,
            "rank": node.rank,
            "rule": _rule(node.rule),
            "binding": _binding(node.binding),
            "premises": [node_id(premise) for premise in node.premises],
            "defeated": [node_id(defeat) for defeat in node.defeated],
        }
    if isinstance(node, Defeat):
        return {
            "type": "defeat",
            "kind": node.kind,
            "rule": None if node.rule is None else _rule(node.rule),
            "concludes": _atom(node.concludes),
            "by": None if node.by is None else _rule(node.by),
            "condition": None if node.condition is None else _atom(node.condition),
            "defeater": node.defeater,
            "premises": [node_id(premise) for premise in node.premises],
        }
    if isinstance(node, AbsentCheck):
        return {"type": "absent", "atom": _atom(node.atom), "reading": node.reading, "condition": node.condition}
    if isinstance(node, AggregateCheck):
        return {
            "type": "aggregate",
            "function": node.function,
            "source": node.source,
            "value": None if node.value is None else to_json(node.value),
            "values": [None if value is None else to_json(value) for value in node.values],
            "premises": [node_id(premise) for premise in node.premises],
            "text": node.text,
        }
    if isinstance(node, ComparisonCheck):
        return {
            "type": "comparison",
            "operator": node.operator,
            "left": {"source": node.left, "value": None if node.left_value is None else to_json(node.left_value)},
            "right": {"source": node.right, "value": None if node.right_value is None else to_json(node.right_value)},
            "holds": node.holds,
            "text": node.text,
        }
    if isinstance(node, HeadMismatch):
        return {"type": "head_mismatch", "computed": None if node.computed is None else _atom(node.computed)}
    if isinstance(node, WhyNot):
        return {
            "type": "why_not",
            "goal": _atom(node.goal),
            "reading": node.reading,
            "status": node.status,
            "proof": None if node.proof is None else node_id(node.proof),
            "rules_for_predicate": node.rules_for_predicate,
            "input_predicate": node.input_predicate,
            "attempts": [_attempt(attempt, node_id) for attempt in node.attempts],
        }
    raise TypeError(f"cannot render {node!r}")  # pragma: no cover


def _attempt(attempt: RuleAttempt, node_id) -> dict[str, Any]:
    return {
        "rule": _rule(attempt.rule),
        "head_binding": _binding(attempt.head_binding),
        "failures": [_failure(failure, node_id) for failure in attempt.failures],
        "omitted": attempt.omitted,
    }


def _failure(failure: Failure, node_id) -> dict[str, Any]:
    return {
        "binding": _binding(failure.binding),
        "condition_index": failure.condition_index,
        "condition": failure.condition,
        "kind": failure.kind,
        "detail": node_id(failure.detail),
    }


def render_json(explanation: Explanation, indent: Optional[int] = 2) -> str:
    """The JSON text of `to_document(explanation)` (UTF-8 characters kept, not escaped)."""
    return json_text(to_document(explanation), indent=indent) + "\n"


render = render_json

# --- the schema ------------------------------------------------------------------------------------------------

# A value (see lexlog.kb.json_values): a string, an integer, {"number": "75000.01"} or {"date": "2024-01-05"}.
_TAGGED = {
    "type": "object",
    "minProperties": 1,
    "maxProperties": 1,
    "properties": {"number": {"type": "string"}, "date": {"type": "string"}},
    "additionalProperties": False,
}
_VALUE = {"anyOf": [{"type": ["string", "integer"]}, _TAGGED]}
_VALUE_OR_NULL = {"anyOf": [{"type": ["string", "integer", "null"]}, _TAGGED]}
_NULLABLE_STRING = {"type": ["string", "null"]}
_SPAN = {
    "oneOf": [
        {"type": "null"},
        {
            "type": "object",
            "required": ["file", "line", "column", "end_line", "end_column"],
            "additionalProperties": False,
            "properties": {
                "file": {"type": "string"},
                "line": {"type": "integer"},
                "column": {"type": "integer"},
                "end_line": {"type": "integer"},
                "end_column": {"type": "integer"},
            },
        },
    ]
}
_ATOM = {
    "type": "object",
    "required": ["predicate", "arguments", "variables", "text"],
    "additionalProperties": False,
    "properties": {
        "predicate": {"type": "string"},
        "arguments": {"type": "array", "items": _VALUE_OR_NULL},
        "variables": {"type": "array", "items": {"type": ["string", "null"]}},
        "text": {"type": "string"},
    },
}
_GROUND_ATOM = {**_ATOM, "properties": {**_ATOM["properties"], "arguments": {"type": "array", "items": _VALUE}}}
_BINDING = {"type": "object", "additionalProperties": _VALUE}
_ID = {"type": "string", "pattern": "^n[0-9]+$"}
# the schema's enums are the explanation types' own (one definition)
_DEFEAT_KINDS: tuple[str, ...] = get_args(DefeatKind)
_FAILURE_KINDS: tuple[str, ...] = get_args(FailureKind)
_RULE = {
    "type": "object",
    "required": ["label", "text", "span", "citations"],
    "additionalProperties": False,
    "properties": {
        "label": _NULLABLE_STRING,
        "text": {"type": "string"},
        "span": _SPAN,
        "citations": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["authority", "pin", "citation", "pinned", "text"],
                "additionalProperties": False,
                "properties": {
                    "authority": {"type": "string"},
                    "pin": _NULLABLE_STRING,
                    "citation": _NULLABLE_STRING,
                    "pinned": _NULLABLE_STRING,
                    "text": {"type": "string"},
                    # The italic part of `text`; not required, so that documents written before it still validate.
                    "case_name": _NULLABLE_STRING,
                },
            },
        },
        # Always written; not required, so that documents written before notes existed still validate.
        "notes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["kind", "text"],
                "additionalProperties": False,
                "properties": {"kind": {"enum": list(NOTE_KINDS)}, "text": {"type": "string"}},
            },
        },
    },
}


def _object(type_name: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type", *properties],
        "additionalProperties": False,
        "properties": {"type": {"const": type_name}, **properties},
    }


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://lexlog.invalid/schema/explanation-2.json",
    "title": SCHEMA_ID,
    "type": "object",
    "required": ["schema", "kind", "root", "nodes"],
    "additionalProperties": False,
    "properties": {
        "schema": {"const": SCHEMA_ID},
        "kind": {"enum": ["proof", "why_not"]},
        "root": _ID,
        "nodes": {
            "type": "object",
            "propertyNames": {"pattern": "^n[0-9]+$"},
            "additionalProperties": {
                "oneOf": [
                    _object(
                        "fact",
                        {
                            "atom": _GROUND_ATOM,
                            "reading": _NULLABLE_STRING,
                            "origin": {
                                "type": "object",
                                "required": ["kind", "span"],
                                "additionalProperties": False,
                                "properties": {"kind": {"enum": ["file", "asserted", "supposed"]}, "span": _SPAN},
                            },
                        },
                    ),
                    _object(
                        "rule",
                        {
                            "atom": _GROUND_ATOM,
                            "reading": _NULLABLE_STRING,
                            "rank": {"type": "integer", "minimum": 1},
                            "rule": _RULE,
                            "binding": _BINDING,
                            "premises": {"type": "array", "items": _ID},
                            "defeated": {"type": "array", "items": _ID},
                        },
                    ),
                    _object(
                        "defeat",
                        {
                            "kind": {"enum": list(_DEFEAT_KINDS)},
                            "rule": {"oneOf": [{"type": "null"}, _RULE]},
                            "concludes": _GROUND_ATOM,
                            "by": {"oneOf": [{"type": "null"}, _RULE]},
                            "condition": {"oneOf": [{"type": "null"}, _GROUND_ATOM]},
                            "defeater": {"type": "boolean"},
                            "premises": {"type": "array", "items": _ID},
                        },
                    ),
                    _object("absent", {"atom": _ATOM, "reading": _NULLABLE_STRING, "condition": {"type": "string"}}),
                    _object(
                        "aggregate",
                        {
                            "function": {"enum": ["count", "sum", "min", "max"]},
                            "source": {"type": "string"},
                            "value": _VALUE_OR_NULL,
                            "values": {"type": "array", "items": _VALUE_OR_NULL},
                            "premises": {"type": "array", "items": _ID},
                            "text": {"type": "string"},
                        },
                    ),
                    _object(
                        "comparison",
                        {
                            "operator": {"enum": ["=", "!=", "<", "<=", ">", ">="]},
                            "left": {
                                "type": "object",
                                "required": ["source", "value"],
                                "additionalProperties": False,
                                "properties": {"source": {"type": "string"}, "value": _VALUE_OR_NULL},
                            },
                            "right": {
                                "type": "object",
                                "required": ["source", "value"],
                                "additionalProperties": False,
                                "properties": {"source": {"type": "string"}, "value": _VALUE_OR_NULL},
                            },
                            "holds": {"type": "boolean"},
                            "text": {"type": "string"},
                        },
                    ),
                    _object("head_mismatch", {"computed": {"oneOf": [{"type": "null"}, _GROUND_ATOM]}}),
                    _object(
                        "why_not",
                        {
                            "goal": _ATOM,
                            "reading": _NULLABLE_STRING,
                            "status": {"enum": ["follows", "not_a_fact", "no_rule", "rules_fail", "cut_off", "see_above"]},
                            "proof": {"oneOf": [{"type": "null"}, _ID]},
                            "rules_for_predicate": {"type": "integer", "minimum": 0},
                            "input_predicate": {"type": "boolean"},
                            "attempts": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["rule", "head_binding", "failures", "omitted"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "rule": _RULE,
                                        "head_binding": _BINDING,
                                        "omitted": {"type": "integer", "minimum": 0},
                                        "failures": {
                                            "type": "array",
                                            "items": {
                                                "type": "object",
                                                "required": ["binding", "condition_index", "condition", "kind", "detail"],
                                                "additionalProperties": False,
                                                "properties": {
                                                    "binding": _BINDING,
                                                    "condition_index": {"type": "integer", "minimum": -1},
                                                    "condition": {"type": "string"},
                                                    "kind": {"enum": list(_FAILURE_KINDS)},
                                                    "detail": _ID,
                                                },
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    ),
                ]
            },
        },
    },
}


def check_references(document: dict[str, Any]) -> list[str]:
    """What the schema cannot say: every id referred to names a node, and each of a rule's `defeated` and the
    `detail` of a `defeated` failure names a `defeat` node. Returns the problems found (none: [])."""
    problems = []
    nodes = document.get("nodes", {})
    referred = [document.get("root")]
    defeats: list[Any] = []  # ids that must name a `defeat` node
    for node in nodes.values():
        if node.get("type") in ("rule", "aggregate", "defeat"):
            referred.extend(node["premises"])
        if node.get("type") == "rule":
            referred.extend(node.get("defeated", []))
            defeats.extend(node.get("defeated", []))
        elif node.get("type") == "why_not":
            if node["proof"] is not None:
                referred.append(node["proof"])
            for attempt in node["attempts"]:
                referred.extend(failure["detail"] for failure in attempt["failures"])
                defeats.extend(failure["detail"] for failure in attempt["failures"] if failure["kind"] == "defeated")
    for reference in referred:
        if reference not in nodes:
            problems.append(f"no node {reference!r}")
    for reference in defeats:
        if reference in nodes and nodes[reference].get("type") != "defeat":
            problems.append(f"node {reference!r} is not a defeat")
    return problems


__all__ = ["SCHEMA", "SCHEMA_ID", "check_references", "render_json", "to_document"]
