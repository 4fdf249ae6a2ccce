"""A knowledge base as the case page sees it: the facts and the form to add one, the conclusions, the authorities,
the date of the law, and each explanation in the formats the renderers give. Knows nothing of HTTP.

A what-if (facts dropped, facts supposed) is the page's own state, sent with every request: it is applied to a copy
of the loaded knowledge base (`KnowledgeBase.suppose`, then `retract_fact` on that copy), which never changes.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Optional

from lexlog.grammar import LexlogSyntaxError, Span, parse_atom, print_value
from lexlog.kb import Diagnostic, GroundAtom, KnowledgeBase, LexlogError, case_name, render_dated

# The export formats the page offers: the renderer's name, the media type and the file extension (and the memo).
_EXPORTS: dict[str, tuple[str, str, str]] = {
    "markdown": ("markdown", "text/markdown", "md"),
    "json": ("json", "application/json", "json"),
    "dot": ("dot", "text/vnd.graphviz", "dot"),
}
MAX_WHAT_IF_FACTS = 200  # a page that drops or supposes more is not a person's what-if
SUPPOSE_SOURCE = "<suppose>"


@dataclass(frozen=True)
class WhatIf:
    """The facts the page drops from the case and the facts it supposes, as lexlog source text, and the date whose
    law it asks for (`2022-12-01`, `today`, or an authority's name, as `--as-of` takes; None: the case's own)."""

    drop: tuple[str, ...] = ()
    suppose: tuple[str, ...] = ()
    as_of: Optional[str] = None

    @classmethod
    def of(cls, document: object) -> "WhatIf":
        """From the request's `what_if` object (`{"drop": [...], "suppose": [...], "as_of": ...}`); missing means
        none."""
        if document is None:
            return cls()
        if not isinstance(document, dict) or set(document) - {"drop", "suppose", "as_of"}:
            raise BadRequest('"what_if" must be an object with the lists "drop" and "suppose" and the text "as_of"')
        as_of = document.get("as_of")
        if as_of is not None and not (isinstance(as_of, str) and 0 < len(as_of.strip()) <= 200):
            raise BadRequest('"what_if.as_of" must be a date (YYYY-MM-DD), "today" or an authority\'s name')
        return cls(
            _texts(document.get("drop"), "drop"), _texts(document.get("suppose"), "suppose"), as_of and as_of.strip()
        )

    @property
    def empty(self) -> bool:
        return not self.drop and not self.suppose and self.as_of is None


class BadRequest(Exception):
    """A request the page could not have meant: the wrong shape, not a lexlog error in what it says."""


def _texts(value: object, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise BadRequest(f'"what_if.{name}" must be a list of facts, each a string')
    if len(value) > MAX_WHAT_IF_FACTS:
        raise BadRequest(f'"what_if.{name}" has {len(value)} facts; at most {MAX_WHAT_IF_FACTS} are taken')
    return tuple(dict.fromkeys(item.strip() for item in value))  # in order, once each


# --- the what-if ------------------------------------------------------------------------------------------------


def _error(code: str, span: Span, message: str, hint: Optional[str], text: str) -> LexlogError:
    return LexlogError([Diagnostic(code, "error", span, message, hint)], {span.file: text})


def _check_supposable(knowledge_base: KnowledgeBase, text: str) -> None:
    """A supposed fact is a fact of the case, never a conclusion: the knowledge base itself lets a what-if suppose
    one (the prompt's `:suppose`), but a lawyer's what-if on the page is about the facts. Everything else about the
    fact (its predicate, arity, types) is checked by the knowledge base, in its own words."""
    try:
        atom = parse_atom(text, SUPPOSE_SOURCE)
    except LexlogSyntaxError as error:
        raise LexlogError([Diagnostic.from_syntax_error(error)], {SUPPOSE_SOURCE: text}) from None
    inputs = sorted({d.predicate for d in knowledge_base.declarations if d.kind == "input"})
    others = {d.predicate for d in knowledge_base.declarations if d.kind != "input"}
    concluded = {rule.head.predicate for rule in knowledge_base.rules}
    if atom.predicate in inputs or atom.predicate not in concluded | others:
        return
    names = ", ".join(inputs[:12]) + (", ..." if len(inputs) > 12 else "")
    message = f"'{atom.predicate}' is a conclusion of the rules, not a fact of the case: it cannot be supposed"
    raise _error("not_an_input", atom.span, message, f"suppose a fact of an input predicate: {names}" if names else None, text)


def apply_what_if(knowledge_base: KnowledgeBase, what_if: WhatIf) -> KnowledgeBase:
    """A copy of the knowledge base with the what-if applied; raises LexlogError for a fact it cannot take."""
    if what_if.empty:
        return knowledge_base
    if what_if.as_of is not None:
        knowledge_base = knowledge_base.at_text(what_if.as_of)  # a copy judged by the law on that date
    for text in what_if.suppose:
        _check_supposable(knowledge_base, text)
    copied = knowledge_base.suppose(what_if.suppose)  # a copy even when nothing is supposed
    for text in what_if.drop:
        if not copied.retract_fact(text):
            span = Span("<drop>", 1, 1, 1, len(text) + 1)
            raise _error("not_a_fact", span, f"{text} is not a fact of the case: there is nothing to drop", None, text)
    return copied


class WhatIfCache:
    """The knowledge bases of the last few what-ifs, each evaluated once: a page asks for the case and then for the
    proofs of its conclusions under the same what-if, and each would otherwise evaluate it again."""

    def __init__(self, base: KnowledgeBase, size: int = 32) -> None:
        self.base, self.size = base, size
        self._entries: OrderedDict[WhatIf, KnowledgeBase] = OrderedDict()

    def get(self, what_if: WhatIf) -> KnowledgeBase:
        if what_if.empty:
            return self.base
        found = self._entries.get(what_if)
        if found is None:
            found = self._entries[what_if] = apply_what_if(self.base, what_if)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        self._entries.move_to_end(what_if)
        return found


# --- the case page ----------------------------------------------------------------------------------------------


@dataclass
class CaseView:
    """The page's document for one knowledge base under one what-if, compared with the case as loaded."""

    knowledge_base: KnowledgeBase
    base: KnowledgeBase
    what_if: WhatIf = field(default_factory=WhatIf)

    def document(self) -> dict[str, Any]:
        return {
            "files": self.knowledge_base.files,
            "as_of": self.as_of(),
            "inputs": self.declarations("input"),
            "outputs": self.declarations("output"),
            "facts": self.facts(),
            "conclusions": self.conclusions(),
            "lost": [_atom(self.base, atom) for atom in sorted(self.lost(), key=_order)],
            "authorities": self.authorities(),
            "constants": self.constants(),
            "what_if": {"drop": list(self.what_if.drop), "suppose": list(self.what_if.suppose), "as_of": self.what_if.as_of},
            "exports": export_formats(),
        }

    def as_of(self) -> dict[str, Any]:
        """The date whose law applies, where that date comes from, and the rules left out as not in force then."""
        knowledge_base = self.knowledge_base
        stated = sorted(knowledge_base.stated_dates)
        if self.what_if.as_of is not None:
            source = "what_if"  # asked for on the page
        elif knowledge_base.as_of is not None:
            source = "asked"  # --as-of
        elif len(stated) == 1:
            source = "stated"  # the case file's as_of
        else:
            source = "today"  # no date stated, or several cases stating different dates
        return {
            "date": knowledge_base.effective_date.isoformat(),
            "source": source,
            "stated": [date.isoformat() for date in stated],
            "left_out": [
                {
                    "label": entry.rule.annotations.label,
                    "head": entry.rule.head.predicate,
                    "file": entry.rule.span.file,
                    "line": entry.rule.span.line,
                    "reason": entry.reason,
                }
                for entry in knowledge_base.left_out
            ],
        }

    def declarations(self, kind: str) -> list[dict[str, Any]]:
        return [
            {
                "predicate": declaration.predicate,
                "parameters": list(declaration.parameters),
                "types": [declaration.type_of(position) for position in range(len(declaration.parameters))],
                "reading": declaration.reading,
            }
            for declaration in self.knowledge_base.declarations
            if declaration.kind == kind
        ]

    def facts(self) -> list[dict[str, Any]]:
        """Every fact of the case, the dropped ones too (marked, so the page can restore them), in file order."""
        origins = self.knowledge_base.facts()
        dropped = {atom: origin for atom, origin in self.base.facts().items() if atom not in origins}
        rows = [_fact(self.knowledge_base, atom, origin, dropped=False) for atom, origin in origins.items()]
        rows += [_fact(self.base, atom, origin, dropped=True) for atom, origin in dropped.items()]
        return sorted(rows, key=lambda row: (row["origin"]["kind"] != "file", row["origin"]["file"] or "", row["origin"]["line"] or 0))

    def conclusions(self) -> list[dict[str, Any]]:
        gained = self.gained()
        rows = []
        for atom in sorted(self._now, key=_order):
            row = _atom(self.knowledge_base, atom)
            row["new"] = atom in gained
            rows.append(row)
        return rows

    # Each knowledge base's conclusions are gathered once per document: the list, what was gained and what was lost
    # all compare the same two sets.
    @cached_property
    def _now(self) -> set[GroundAtom]:
        return self.knowledge_base.conclusions()

    @cached_property
    def _as_filed(self) -> set[GroundAtom]:
        return self._now if self.knowledge_base is self.base else self.base.conclusions()

    def gained(self) -> set[GroundAtom]:
        return self._now - self._as_filed

    def lost(self) -> set[GroundAtom]:
        return self._as_filed - self._now

    def authorities(self) -> list[dict[str, Any]]:
        return [
            {
                "name": authority.name,
                "citation": authority.citation,
                "case_name": case_name(authority.citation),
                "decided": authority.decided.isoformat() if authority.decided else None,
                "file": authority.span.file,
                "line": authority.span.line,
            }
            for authority in sorted(self.knowledge_base.authorities, key=lambda authority: authority.citation.lower())
        ]

    def constants(self) -> list[str]:
        """The values the case's facts mention, as source text: the form offers them as it is filled in."""
        values = {_value_text(atom, position) for atom in self.base.facts() for position in range(len(atom.arguments))}
        return sorted(values)


def _order(atom: GroundAtom) -> tuple[str, str]:
    return (atom.predicate, atom.text)


def _atom(knowledge_base: KnowledgeBase, atom: GroundAtom) -> dict[str, Any]:
    return {
        "predicate": atom.predicate,
        "text": atom.text,
        "arguments": [_value_text(atom, position) for position in range(len(atom.arguments))],
        "reading": knowledge_base.vocabulary.reading(atom),
    }


def _value_text(atom: GroundAtom, position: int) -> str:
    return print_value(atom.arguments[position])


def _fact(knowledge_base: KnowledgeBase, atom: GroundAtom, origin: Any, dropped: bool) -> dict[str, Any]:
    row = _atom(knowledge_base, atom)
    span = origin.span
    row["origin"] = {
        "kind": origin.kind,
        "file": span.file if span is not None else None,
        "line": span.line if span is not None else None,
        "description": origin.description,
    }
    row["dropped"] = dropped
    return row


# --- explanations -----------------------------------------------------------------------------------------------


def explanation_document(knowledge_base: KnowledgeBase, atom: str) -> dict[str, Any]:
    """The proof of an atom that follows (schema lexlog.explanation/2, with the rules not in force), and its text."""
    proof = knowledge_base.explain(atom)
    return {
        "atom": atom,
        "explanation": json.loads(render_dated(knowledge_base, proof, "json")),
        "text": render_dated(knowledge_base, proof, "text"),
    }


def why_not_document(knowledge_base: KnowledgeBase, atom: str) -> dict[str, Any]:
    """Why an atom (or a pattern with variables) does not follow; status `follows` carries the proof instead."""
    answer = knowledge_base.why_not(atom)
    return {
        "atom": atom,
        "status": answer.status,
        "explanation": json.loads(render_dated(knowledge_base, answer, "json")),
        "text": render_dated(knowledge_base, answer, "text"),
    }


def export_formats() -> list[str]:
    return [*_EXPORTS, "memo"]


@dataclass(frozen=True)
class Export:
    format: str
    media_type: str
    filename: str
    text: str


def export(knowledge_base: KnowledgeBase, atom: str, format: str) -> Export:
    """A conclusion's explanation in a format the page offers, as a file to save."""
    if format not in export_formats():
        raise BadRequest(f"unknown export format {format!r}; the formats are: {', '.join(export_formats())}")
    proof = knowledge_base.explain(atom)
    stem = _file_stem(atom)
    if format == "memo":
        from lexlog.kb import build_memo, render_memo  # the memo re-evaluates the case once per change it tries

        return Export("memo", "text/markdown", f"{stem}-memo.md", render_memo(build_memo(knowledge_base, atom)))
    renderer_name, media_type, extension = _EXPORTS[format]
    return Export(format, media_type, f"{stem}.{extension}", render_dated(knowledge_base, proof, renderer_name))


def _file_stem(atom: str) -> str:
    kept = "".join(character if character.isalnum() or character in "-_" else "-" for character in atom)
    return "-".join(part for part in kept.split("-") if part)[:80] or "explanation"


def required_text(document: dict[str, Any], name: str) -> str:
    value = document.get(name)
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f'the request needs "{name}", a non-empty string')
    return value.strip()
