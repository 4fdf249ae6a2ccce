"""The clingo backend: rules as clingo ASTs, facts through the backend API, one ground-and-solve.

No user text is ever parsed by clingo.  Rules are built as `clingo.ast` nodes and handed to a `ProgramBuilder`;
facts are added as atoms with `Control.backend()`.  Predicate names are replaced by numbered clingo names
(`p0`, `p1`, ...; `n0`, ... for auxiliary predicates) and mapped back when the model is read, so any name the
parser accepts (`Fib`, `A`, `not`, `_x`) is safe.

Value encoding (so clingo's own order and equality are the language's):

* an integer is a clingo `Number`; clingo numbers are 32-bit, so an integer outside [-2**31, 2**31 - 1], in the
  facts, a rule, or computed by arithmetic, raises `ClingoRangeError` rather than wrapping around silently;
* a string (or symbol) is a clingo `String`.  clingo orders every `Number` before every `String` and strings by
  their UTF-8 bytes, which is the order of code points: exactly the language's total order.  clingo strings end at
  a NUL byte, so the characters U+0000 and U+0001 are escaped as U+0001 U+0001 and U+0001 U+0002; this code is
  prefix-free and keeps the order.

Arithmetic (`+ - * / %` in heads and comparisons) is evaluated by a Python context function, `@lx_eval(k, ...)`,
with `lexlog.kb.arithmetic`: an undefined value (division by zero, arithmetic on a string) returns no symbol, so the
rule instance is dropped, and an out-of-range result raises instead of wrapping.

A negated atom with a variable no positive atom binds (`not p(X, _G1)`, i.e. "no p(X, anything)") becomes a
negated auxiliary atom over the bound variables, defined by a projection rule.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

import clingo
from clingo import ast

from lexlog.grammar.tree import BinaryOperation, Comparison, Constant, Literal, Rule, Term, Value, Variable
from lexlog.kb import arithmetic
from lexlog.kb.engines.base import EvaluationProgram, Model, PredicateKey, Row, ValueOutOfRange

MIN_INTEGER = -(2**31)
MAX_INTEGER = 2**31 - 1

_COMPARISON = {
    "=": ast.ComparisonOperator.Equal,
    "!=": ast.ComparisonOperator.NotEqual,
    "<": ast.ComparisonOperator.LessThan,
    "<=": ast.ComparisonOperator.LessEqual,
    ">": ast.ComparisonOperator.GreaterThan,
    ">=": ast.ComparisonOperator.GreaterEqual,
}

_POSITION = ast.Position("<lexlog>", 1, 1)
_LOCATION = ast.Location(_POSITION, _POSITION)


class ClingoRangeError(ValueOutOfRange):
    """An integer clingo cannot represent (clingo numbers are 32-bit)."""


# --- values ----------------------------------------------------------------------------------------------------


def encode_string(text: str) -> str:
    """The clingo string for `text`: NUL-free, and order-preserving (see the module documentation)."""
    if "\x00" in text or "\x01" in text:
        return text.replace("\x01", "\x01\x02").replace("\x00", "\x01\x01")
    return text


_ESCAPED = re.compile("\x01(.)", re.DOTALL)


def decode_string(text: str) -> str:
    if "\x01" not in text:
        return text
    return _ESCAPED.sub(lambda match: "\x00" if match.group(1) == "\x01" else "\x01", text)


def to_symbol(value: Value) -> clingo.Symbol:
    if isinstance(value, str):
        return clingo.String(encode_string(value))
    if arithmetic.is_integer(value):
        if not MIN_INTEGER <= value <= MAX_INTEGER:
            raise ClingoRangeError(value, f"the clingo backend holds 32-bit integers only, not {value}")
        return clingo.Number(value)
    raise TypeError(f"not a value: {value!r}")


def from_symbol(symbol: clingo.Symbol) -> Value:
    if symbol.type == clingo.SymbolType.Number:
        return symbol.number
    if symbol.type == clingo.SymbolType.String:
        return decode_string(symbol.string)
    raise ValueError(f"unexpected clingo symbol {symbol}")


# --- the program -------------------------------------------------------------------------------------------------


class _Context:
    """clingo's context object: `@lx_eval(k, V1, ..., Vn)` evaluates expression k under V1..Vn."""

    def __init__(self) -> None:
        self.expressions: list[tuple[Term, tuple[str, ...]]] = []

    def register(self, term: Term, variables: tuple[str, ...]) -> int:
        self.expressions.append((term, variables))
        return len(self.expressions) - 1

    def lx_eval(self, index: clingo.Symbol, *arguments: clingo.Symbol) -> list[clingo.Symbol]:
        term, variables = self.expressions[index.number]
        binding = {name: from_symbol(symbol) for name, symbol in zip(variables, arguments)}
        value = arithmetic.evaluate(term, binding)
        try:
            return [] if value is None else [to_symbol(value)]
        except ClingoRangeError as error:
            raise ClingoRangeError(error.value, str(error), term.span) from None


class _Translator:
    def __init__(self) -> None:
        self.names: dict[PredicateKey, str] = {}
        self.reverse: dict[str, str] = {}
        self.context = _Context()
        self.auxiliary = 0

    def name(self, key: PredicateKey) -> str:
        name = self.names.get(key)
        if name is None:
            name = self.names[key] = f"p{len(self.names)}"
            self.reverse[name] = key[0]
        return name

    def auxiliary_name(self) -> str:
        self.auxiliary += 1
        return f"n{self.auxiliary}"

    # terms
    @staticmethod
    def variable(name: str) -> ast.AST:
        # clingo variables must start with an upper-case letter; user names may start with '_'.
        return ast.Variable(_LOCATION, "V" + name)

    def term(self, term: Term) -> ast.AST:
        if isinstance(term, Variable):
            return self.variable(term.name)
        if isinstance(term, Constant):
            return ast.SymbolicTerm(_LOCATION, to_symbol(term.value))
        variables = tuple(dict.fromkeys(variable.name for variable in _term_variables(term)))
        index = self.context.register(term, variables)
        arguments = [ast.SymbolicTerm(_LOCATION, clingo.Number(index))]
        arguments += [self.variable(name) for name in variables]
        return ast.Function(_LOCATION, "lx_eval", arguments, 1)

    def atom(self, name: str, arguments: Sequence[ast.AST]) -> ast.AST:
        return ast.SymbolicAtom(ast.Function(_LOCATION, name, list(arguments), 0))

    def literal(self, name: str, arguments: Sequence[ast.AST], negated: bool = False) -> ast.AST:
        sign = ast.Sign.Negation if negated else ast.Sign.NoSign
        return ast.Literal(_LOCATION, sign, self.atom(name, arguments))

    def comparison(self, comparison: Comparison) -> ast.AST:
        guard = ast.Guard(_COMPARISON[comparison.operator], self.term(comparison.right))
        return ast.Literal(_LOCATION, ast.Sign.NoSign, ast.Comparison(self.term(comparison.left), [guard]))

    # rules
    def rules(self, rule: Rule) -> list[ast.AST]:
        """The clingo rules for one lexlog rule: itself, and any projection rules its negations need."""
        bound: set[str] = set()
        for item in rule.body:
            if isinstance(item, Literal) and not item.negated:
                bound.update(variable.name for variable in _atom_variables(item.atom.arguments))
            elif isinstance(item, Comparison) and item.operator == "=" and isinstance(item.left, Variable):
                bound.add(item.left.name)  # an assignment (see lexlog.kb.normalize)
        extra: list[ast.AST] = []
        body: list[ast.AST] = []
        for item in rule.body:
            if isinstance(item, Comparison):
                body.append(self.comparison(item))
                continue
            atom = item.atom
            arguments = [self.term(argument) for argument in atom.arguments]
            local = [v for v in _atom_variables(atom.arguments) if v.name not in bound]
            if item.negated and local:
                shared = list(dict.fromkeys(v.name for v in _atom_variables(atom.arguments) if v.name in bound))
                auxiliary = self.auxiliary_name()
                projection_head = self.atom(auxiliary, [self.variable(name) for name in shared])
                extra.append(
                    ast.Rule(_LOCATION, ast.Literal(_LOCATION, ast.Sign.NoSign, projection_head),
                             [self.literal(self.name(atom.key), arguments)])
                )
                body.append(self.literal(auxiliary, [self.variable(name) for name in shared], negated=True))
            else:
                body.append(self.literal(self.name(atom.key), arguments, item.negated))
        head = self.literal(self.name(rule.head.key), [self.term(argument) for argument in rule.head.arguments])
        return [ast.Rule(_LOCATION, head, body), *extra]


def _term_variables(term: Term) -> list[Variable]:
    if isinstance(term, Variable):
        return [term]
    if isinstance(term, BinaryOperation):
        return _term_variables(term.left) + _term_variables(term.right)
    return []


def _atom_variables(arguments: Sequence[Term]) -> list[Variable]:
    return [variable for argument in arguments for variable in _term_variables(argument)]


class ClingoEngine:
    """Evaluates with clingo (see the module documentation for the encoding)."""

    name = "clingo"
    integer_limits: tuple[int, int] | None = (MIN_INTEGER, MAX_INTEGER)

    def __init__(self, arguments: Sequence[str] = ()):
        self.arguments = ["--warn=none", *arguments]
        # The rules change far less often than the facts (a session, a batch of cases): translate them once.
        self._translated: Optional[tuple[tuple[tuple[Rule, ...], ...], _Translator, list[ast.AST]]] = None

    def _translate(self, program: EvaluationProgram) -> tuple[_Translator, list[ast.AST]]:
        if self._translated is not None and self._translated[0] == program.strata:
            return self._translated[1], self._translated[2]
        translator = _Translator()
        rules = [clingo_rule for rule in program.rules for clingo_rule in translator.rules(rule)]
        self._translated = (program.strata, translator, rules)
        return translator, rules

    def evaluate(self, program: EvaluationProgram) -> Model:
        translator, rules = self._translate(program)
        control = clingo.Control(self.arguments)
        with ast.ProgramBuilder(control) as builder:
            for clingo_rule in rules:
                builder.add(clingo_rule)
        with control.backend() as backend:
            for key, rows in program.facts.items():
                name = translator.name(key)
                for row in rows:
                    symbol = clingo.Function(name, [to_symbol(value) for value in row])
                    backend.add_rule([backend.add_atom(symbol)])
        control.ground([("base", [])], context=translator.context)
        relations: dict[PredicateKey, set[Row]] = {}
        found: list[Optional[Model]] = []

        def on_model(model: clingo.Model) -> None:
            values: dict[clingo.Symbol, Value] = {}  # argument symbols repeat a lot: convert each once
            reverse = translator.reverse
            for symbol in model.symbols(atoms=True):
                predicate = reverse.get(symbol.name)
                if predicate is None:  # an auxiliary predicate
                    continue
                row = []
                for argument in symbol.arguments:
                    value = values.get(argument)
                    if value is None:
                        value = values[argument] = from_symbol(argument)
                    row.append(value)
                relations.setdefault((predicate, len(row)), set()).add(tuple(row))
            found.append(None)

        result = control.solve(on_model=on_model)
        if not result.satisfiable or len(found) != 1:
            raise RuntimeError("clingo found no model: the program was not stratified")
        return Model({key: frozenset(rows) for key, rows in relations.items()})
