"""Batch evaluation: many cases against one knowledge base, JSON lines in, JSON lines out.

The one implementation behind `lexlog batch` (and anything else that runs cases in bulk). Each input line is one
case, `{"id": ..., "facts": {"discovery_order": [["o1", "smith"]], ...}}`; each output line holds the case's id and
every conclusion the knowledge base's declared `output` predicates take for it,
`{"id": ..., "conclusions": {"appealable": [["o1"]], "leave_granted": [], ...}}` (every output predicate, in
declaration order, rows sorted; a knowledge base that declares no output reports every predicate a rule concludes),
and, when asked, `"explanations": {"appealable(o1)": <lexlog.explanation/2 document>, ...}`.

The knowledge base is loaded once; no file is parsed again per case. The lines are taken a chunk at a time
(`CHUNK_SIZE` cases): the chunk's valid cases are supposed on the knowledge base and evaluated together, in one
backend evaluation (`KnowledgeBase.suppose_each`), which gives each case the model its own evaluation would give at
a fraction of the cost; the outputs come back in input order. A line that is not a valid case is reported
(`BatchError`, with its line number) and skipped; the other cases still run. A chunk that cannot be evaluated
together (the evaluation budget stops it) is decided case by case, so that only a case at fault fails.

`lexlog.kb.batch_workers` spreads the chunks over worker processes, `lexlog.kb.batch_dask` over a Dask cluster;
both give the same output lines as one process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterable, Iterator, Sequence, Union

from lexlog.grammar import print_atom, print_value, suggest
from lexlog.grammar.tree import Atom, Constant, Declaration, Rule, Value
from lexlog.grammar.values import date_from_text
from lexlog.kb.checks import fits_type
from lexlog.kb.diagnostics import LexlogError
from lexlog.kb.atoms import GroundAtom
from lexlog.kb.json_values import has_lone_surrogate, json_text, loads, to_json
from lexlog.kb.knowledge_base import KnowledgeBase
from lexlog.kb.matching import sorted_rows
from lexlog.kb.postures import Posture, PostureSpace
from lexlog.kb.render.json import to_document

PredicateKey = tuple[str, int]

CHUNK_SIZE = 250
"""Cases evaluated together. Past a few hundred, a larger chunk saves little more per case (bench/bench_batch_scale.py),
and a chunk is also the unit of work handed to a worker process or a Dask worker."""

NumberedLine = tuple[int, str]
"""An input line and its number (from 1), as error messages cite it."""


@dataclass(frozen=True)
class Case:
    id: Union[str, int, float, None]
    posture: Posture
    line: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "facts": self.posture.to_json()}


@dataclass(frozen=True)
class BatchError:
    """A line that is not a valid case: where and why. Its case is skipped."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class BatchRunner:
    """Evaluates cases against one loaded knowledge base."""

    def __init__(self, knowledge_base: KnowledgeBase, explain: bool = False) -> None:
        self.knowledge_base = knowledge_base
        self.explain = explain
        outputs = [d.key for d in knowledge_base.declarations if d.kind == "output"]
        if not outputs:
            outputs = list(dict.fromkeys(rule.head.key for rule in knowledge_base.program.of_type(Rule)))
        self.outputs: list[PredicateKey] = outputs
        self.inputs: dict[str, int] = {predicate.name: len(predicate.sorts) for predicate in PostureSpace.of(knowledge_base, 0).predicates}
        self.declarations: dict[PredicateKey, Declaration] = {
            d.key: d for d in knowledge_base.declarations if d.kind == "input" and any(d.types)
        }

    # --- parsing ------------------------------------------------------------------------------------------------

    def parse(self, line: str, number: int = 0) -> Case:
        """The case on one line; raises ValueError saying what is wrong with it."""
        if has_lone_surrogate(line):  # bytes that are not UTF-8, read with errors="surrogateescape"
            raise ValueError("the line is not UTF-8 text")
        try:
            document = loads(line)
        except json.JSONDecodeError as error:
            # the column in the line (a line's text ends with its newline, where JSON cut short is found wanting)
            raise ValueError(f"not JSON: {error.msg} (column {error.pos + 1})") from None
        if not isinstance(document, dict):
            raise ValueError('a case is a JSON object: {"id": ..., "facts": {...}}')
        if "id" not in document:
            raise ValueError('the case has no "id"')
        case_id = document["id"]
        if isinstance(case_id, bool) or not isinstance(case_id, (str, int)):
            raise ValueError(f'"id" must be a string or a whole number, not {_kind_of_json(case_id)}')
        if isinstance(case_id, str) and has_lone_surrogate(case_id):
            raise ValueError('"id" holds a lone UTF-16 surrogate: not text')
        unknown = sorted(set(document) - {"id", "facts"})
        if unknown:
            raise ValueError(f"unknown field{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} (a case has \"id\" and \"facts\")")
        posture = Posture.from_json(document.get("facts", {}))
        for atom in posture.atoms:
            self._check_atom(atom)
        return Case(case_id, Posture.of(self._typed(atom) for atom in posture.atoms), number)

    def _typed(self, atom: GroundAtom) -> GroundAtom:
        """The atom with its values read as its declaration types them: an ISO date string where a date is
        declared is that date; any other value of the wrong type is refused."""
        declaration = self.declarations.get((atom.predicate, len(atom.arguments)))
        if declaration is None:
            return atom
        values = []
        for position, value in enumerate(atom.arguments):
            type_name = declaration.type_of(position)
            if type_name == "date" and isinstance(value, str):
                try:
                    value = date_from_text(value)
                except ValueError:
                    pass
            if type_name is not None and not fits_type(value, type_name):
                raise ValueError(
                    f'"{atom.predicate}": {declaration.parameters[position]} is declared {type_name}, '
                    f"but a row has {json_text(to_json(value))}"
                )
            values.append(value)
        return GroundAtom(atom.predicate, tuple(values))

    def _check_atom(self, atom: GroundAtom) -> None:
        arity = self.inputs.get(atom.predicate)
        if arity is None:
            close = suggest(atom.predicate, set(self.inputs))
            hint = f"; did you mean {close}?" if close else f"; the inputs are {', '.join(sorted(self.inputs))}"
            raise ValueError(f"'{atom.predicate}' is not an input predicate of the knowledge base{hint}")
        if arity != len(atom.arguments):
            raise ValueError(
                f'"{atom.predicate}" takes {arity} argument{"s" if arity != 1 else ""}, '
                f"but a row has {len(atom.arguments)}: {json_text([to_json(value) for value in atom.arguments])}"
            )

    # --- evaluating ---------------------------------------------------------------------------------------------

    def evaluate(self, case: Case) -> dict[str, Any]:
        """The output line for a case, evaluated on its own: its id, its conclusions and (with `explain`) their
        explanations. Raises LexlogError (the evaluation budget stopped it)."""
        return self._output(case, self.knowledge_base.suppose_ground(case.posture.atoms))

    def evaluate_together(self, cases: Sequence[Case]) -> list[Union[dict[str, Any], BatchError]]:
        """The output line of each case, the cases evaluated in one pass; the same lines as `evaluate` gives each
        case, or a `BatchError` for a case whose own evaluation fails."""
        try:
            suppositions = self.knowledge_base.suppose_each([case.posture.atoms for case in cases])
        except LexlogError:
            # The budget stopped the cases together: decide each alone, so that only a case at fault fails.
            return [self._evaluate_alone(case) for case in cases]
        return [self._output_or_error(case, supposition) for case, supposition in zip(cases, suppositions)]

    def _evaluate_alone(self, case: Case) -> Union[dict[str, Any], BatchError]:
        try:
            return self.evaluate(case)
        except LexlogError as error:
            return BatchError(case.line, error.render(False))

    def _output_or_error(self, case: Case, supposition: KnowledgeBase) -> Union[dict[str, Any], BatchError]:
        try:
            return self._output(case, supposition)
        except LexlogError as error:  # a defeasible part is decided per case, so its evaluation may fail here
            return BatchError(case.line, error.render(False))

    def _output(self, case: Case, supposition: KnowledgeBase) -> dict[str, Any]:
        model = supposition.model
        ordered = {key: sorted_rows(model.rows(key)) for key in self.outputs}
        conclusions: dict[str, list[list[Value]]] = {}
        for key, rows in ordered.items():
            conclusions.setdefault(key[0], []).extend([to_json(value) for value in row] for row in rows)
        result: dict[str, Any] = {"id": case.id, "conclusions": conclusions}
        violations = supposition.violations()
        if violations:  # facts the law says cannot all hold: the conclusions drawn from them are not to be relied on
            result["violations"] = [
                {"constraint": violation.constraint.name, "binding": {name: to_json(value) for name, value in violation.binding.items()}}
                for violation in violations
            ]
        if self.explain:
            explanations = {}
            for key, rows in ordered.items():
                for row in rows:
                    atom = Atom(key[0], tuple(Constant(value) for value in row))
                    explanations[print_atom(atom)] = to_document(supposition.explain(atom))
            result["explanations"] = explanations
        return result

    def run(self, lines: Iterable[str], chunk_size: int = CHUNK_SIZE) -> Iterator[Union[dict[str, Any], BatchError]]:
        """One output per non-blank line, in input order: the case's result, or a `BatchError` for a line that is
        not a case. The lines are read and evaluated `chunk_size` at a time."""
        for chunk in numbered_chunks(lines, chunk_size):
            yield from self.run_chunk(chunk)

    def run_chunk(self, chunk: Sequence[NumberedLine]) -> list[Union[dict[str, Any], BatchError]]:
        """The output of each line of a chunk, in order; its valid cases evaluated together."""
        parsed: list[Union[Case, BatchError]] = []
        for number, line in chunk:
            try:
                parsed.append(self.parse(line, number))
            except ValueError as error:
                parsed.append(BatchError(number, str(error)))
        cases = [item for item in parsed if isinstance(item, Case)]
        evaluated = iter(self.evaluate_together(cases) if cases else [])
        return [item if isinstance(item, BatchError) else next(evaluated) for item in parsed]

    def output_lines(self, chunk: Sequence[NumberedLine]) -> list[OutputLine]:
        """`run_chunk` with each output as its JSON line (`output_text`): what a worker sends back."""
        return [
            output if isinstance(output, BatchError) else CaseLine(number, json_text(output["id"]), output_text(output))
            for (number, _), output in zip(chunk, self.run_chunk(chunk))
        ]

    def run_lines(self, lines: Iterable[str], chunk_size: int = CHUNK_SIZE) -> Iterator[OutputLine]:
        """`run` with each output as its JSON line, in this process."""
        for chunk in numbered_chunks(lines, chunk_size):
            yield from self.output_lines(chunk)


@dataclass(frozen=True)
class CaseLine:
    """A case's output line (JSON, without the newline), the number of its input line and its id as JSON."""

    line: int
    id: str
    text: str


OutputLine = Union[CaseLine, BatchError]
"""A case's output line, or why its input line was not a case."""


def with_unique_ids(outputs: Iterable[OutputLine]) -> Iterator[OutputLine]:
    """The outputs, each case whose id an earlier case had replaced by a `BatchError`: an output that two cases share
    an id could not be told apart."""
    first_lines: dict[str, int] = {}
    for output in outputs:
        if isinstance(output, CaseLine):
            first = first_lines.setdefault(output.id, output.line)
            if first != output.line:
                yield BatchError(output.line, f"the id {output.id} is already the id of the case on line {first}: ids must be unique")
                continue
        yield output


def _kind_of_json(item: Any) -> str:
    """`true`, `null`, `an object`, `an array`, `1.5`: what a JSON item is, for a message."""
    if isinstance(item, dict):
        return "an object"
    if isinstance(item, list):
        return "an array"
    return print_value(item) if isinstance(item, Fraction) else json_text(item)


def numbered_chunks(lines: Iterable[str], size: int = CHUNK_SIZE) -> Iterator[list[NumberedLine]]:
    """The non-blank lines with their numbers, `size` at a time; read lazily, so standard input streams."""
    chunk: list[NumberedLine] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        chunk.append((number, line))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def output_text(output: dict[str, Any]) -> str:
    """A case's output as its line of `lexlog batch` output (without the newline)."""
    return json_text(output)


def run_batch(knowledge_base: KnowledgeBase, lines: Iterable[str], explain: bool = False) -> Iterator[Union[dict[str, Any], BatchError]]:
    """`BatchRunner(knowledge_base, explain).run(lines)`."""
    return BatchRunner(knowledge_base, explain).run(lines)


def case_line(case_id: Any, posture: Posture) -> str:
    """One JSON line of a `lexlog batch` input file."""
    return json_text({"id": case_id, "facts": posture.to_json()})


__all__ = ["CHUNK_SIZE", "BatchError", "BatchRunner", "Case", "case_line", "numbered_chunks", "output_text", "run_batch"]
