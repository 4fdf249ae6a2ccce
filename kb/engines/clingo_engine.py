"""The clingo backend: rules as clingo ASTs, facts through the backend API, one ground-and-solve.

No user text is ever parsed by clingo.  Rules are built as `clingo.ast` nodes and handed to a `ProgramBuilder`;
facts are added as atoms with `Control.backend()`.  Predicate names are replaced by numbered clingo names
(`p0`, `p1`, ...; `n0`, ... for auxiliary predicates) and mapped back when the model is read, so any name the
parser accepts (`Fib`, `A`, `not`, `_x`) is safe.

Value encoding.  Every value has exactly one clingo symbol, so clingo's equality (joins, `=`, `!=`) is the
language's:

* an integer within 32 bits is a clingo `Number`; any other integer is `lx_int("<digits>")` (clingo numbers are
  32-bit), a non-integral number `lx_num("<numerator>/<denominator>")`, a date the constant `dYYYYMMDD`;
* a string (or symbol) is a clingo `String`.  clingo strings end at a NUL byte, so the characters U+0000 and
  U+0001 are escaped as U+0001 U+0001 and U+0001 U+0002 (a prefix-free code).

clingo orders numbers, then constants, then strings, then compound symbols: the language's order on 32-bit
integers, dates and strings, but not on `lx_int` and `lx_num`. So `< <= > >=` run natively when no such value
can occur (no rule computes a value, every number written or stated is a 32-bit integer: `_rules_allow_native_order`), and
otherwise are decided by a Python context function, `@lx_test(k, ...)`, with `lexlog.kb.arithmetic`, as
arithmetic and calls are by `@lx_eval(k, ...)`: an undefined value (division by zero, arithmetic on a string)
returns no symbol, so the rule instance is dropped.

A negated atom with a variable no positive atom binds (`not p(X, _G1)`, i.e. "no p(X, anything)") becomes a
negated auxiliary atom over the bound variables, defined by a projection rule.

Reading the model back.  clingo's Python API makes a call into the library for every attribute it is asked (an
atom's `name`, its `arguments`, each argument's `type` and value), and those calls, not solving, were most of the
cost of a large model.  An atom's text is one call: `p3(1,"a",d20240105)`.  So the model is read from the atoms'
texts (`read_atom_text`), each distinct argument text converted to a value once.  `str(symbol)` is itself mostly
Python around two calls into the library (a buffer allocated, errors checked, per atom); `shown_atom_texts` makes
those two calls itself through the library binding clingo's Python package is built on, with one buffer for the
whole model, and falls back to `str(symbol)` if a release of clingo no longer has that binding.
"""

from __future__ import annotations

import datetime
import re
import time
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Collection, Iterable, Mapping, Optional, Sequence

import clingo
from clingo import ast

try:  # the cffi binding of clingo's C library, under its Python API (see "Reading the model back")
    from clingo._internal import _ffi as _clingo_ffi, _lib as _clingo_library
except ImportError:  # pragma: no cover - a clingo whose Python layer is built otherwise
    _clingo_ffi = _clingo_library = None
from lexlog.grammar.tree import COMPUTED_TERMS, Comparison, Constant, Literal, Rule, Term, Value, Variable, term_variables
from lexlog.grammar.values import integer_from_digits, integer_text, is_date
from lexlog.kb import arithmetic
from lexlog.kb.engines.base import (
    DEFAULT_BUDGET,
    EvaluationBudgetExceeded,
    EvaluationProgram,
    ListedRelations,
    Model,
    PredicateKey,
    Row,
    budget_of,
    deadline_of,
    out_of_time,
    over_budget,
)
from lexlog.kb.identity_cache import IdentityCache

MIN_NUMBER = -(2**31)  # clingo's numbers are 32-bit
MAX_NUMBER = 2**31 - 1

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
    """The clingo symbol of a value; the same values recur across facts and cases, so each is built once."""
    try:
        return _symbol_of(type(value), value)
    except TypeError:  # unhashable: not a value, and _make_symbol says so
        return _make_symbol(value)


@lru_cache(maxsize=1 << 16)
def _symbol_of(kind: type, value: Value) -> clingo.Symbol:
    # Keyed by the type too: 2 and Fraction(2) are equal, but only canonical values reach here.
    return _make_symbol(value)


def _make_symbol(value: Value) -> clingo.Symbol:
    if isinstance(value, str):
        return clingo.String(encode_string(value))
    if arithmetic.is_integer(value):
        if MIN_NUMBER <= value <= MAX_NUMBER:
            return clingo.Number(value)
        return clingo.Function("lx_int", [clingo.String(integer_text(value))])
    if isinstance(value, Fraction):
        text = f"{integer_text(value.numerator)}/{integer_text(value.denominator)}"
        return clingo.Function("lx_num", [clingo.String(text)])
    if is_date(value):
        return clingo.Function(f"d{value.year:04d}{value.month:02d}{value.day:02d}")
    raise TypeError(f"not a value: {value!r}")


def from_symbol(symbol: clingo.Symbol) -> Value:
    kind = symbol.type
    if kind == clingo.SymbolType.Number:
        return symbol.number
    if kind == clingo.SymbolType.String:
        return decode_string(symbol.string)
    if kind == clingo.SymbolType.Function:
        name, arguments = symbol.name, symbol.arguments
        if not arguments:  # a date: the only constant symbol this encoding makes
            return datetime.date(int(name[1:5]), int(name[5:7]), int(name[7:9]))
        if name == "lx_int":
            return integer_from_digits(arguments[0].string)
        if name == "lx_num":
            numerator, denominator = arguments[0].string.split("/")
            return Fraction(integer_from_digits(numerator), integer_from_digits(denominator))
    raise ValueError(f"unexpected clingo symbol {symbol}")


# --- reading the model back ----------------------------------------------------------------------------------------

# One argument of an atom's text: a quoted string (clingo escapes only `\\`, `"` and a newline), or anything up to the
# next comma, with a quoted string in parentheses for `lx_int("...")` and `lx_num("...")`.
_ARGUMENT = re.compile(r'"(?:[^"\\]|\\.)*"|[^,"]+(?:"[^"]*"\))?', re.DOTALL)
_QUOTED = re.compile(r"\\(.)", re.DOTALL)


def value_from_text(text: str) -> Value:
    """The value of one argument as clingo writes it: `-12`, `"a \\"quoted\\" text"`, `d20240105`, `lx_int("...")`,
    `lx_num("numerator/denominator")` (the inverse of `to_symbol`, through the symbol's text)."""
    first = text[0]
    if first == '"':
        inner = text[1:-1]
        if "\\" in inner:
            inner = _QUOTED.sub(lambda match: "\n" if match.group(1) == "n" else match.group(1), inner)
        return decode_string(inner)
    if first == "d":
        return datetime.date(int(text[1:5]), int(text[5:7]), int(text[7:9]))
    if text.startswith("lx_int("):
        return integer_from_digits(text[8:-2])
    if text.startswith("lx_num("):
        numerator, denominator = text[8:-2].split("/")
        return Fraction(integer_from_digits(numerator), integer_from_digits(denominator))
    return int(text)


class ArgumentValues(dict):
    """Argument text -> value, each converted once (`value_from_text`): the same values recur across a model's
    atoms."""

    def __missing__(self, text: str) -> Value:
        value = self[text] = value_from_text(text)
        return value


def read_atom_text(text: str, values: ArgumentValues) -> tuple[str, Row]:
    """An atom's clingo name and row from its text: `p3(1,"a")`, or `p4` for no arguments."""
    opening = text.find("(")
    if opening < 0:
        return text, ()
    arguments = text[opening + 1 : -1]
    # Without a string, no argument holds a comma: numbers and dates print as `-12` and `d20240105`.
    parts = arguments.split(",") if '"' not in arguments else _ARGUMENT.findall(arguments)
    return text[:opening], tuple(map(values.__getitem__, parts))


# --- the program -------------------------------------------------------------------------------------------------


_TRUE = clingo.Number(1)


class _Context:
    """clingo's context object: `@lx_eval(k, V1, ..., Vn)` evaluates expression k under V1..Vn, and
    `@lx_test(k, V1, ..., Vn)` is 1 when comparison k holds under them (no symbol when it does not)."""

    def __init__(self) -> None:
        self.expressions: list[tuple[Term | Comparison, tuple[str, ...]]] = []
        self.budget = DEFAULT_BUDGET
        self.calls = 0  # values computed in this grounding: where a runaway recursion spends its memory
        self.deadline = 0.0
        self.out_of_time: Optional[Exception] = None

    def register(self, term: Term | Comparison, variables: tuple[str, ...]) -> int:
        self.expressions.append((term, variables))
        return len(self.expressions) - 1

    def _binding(self, index: clingo.Symbol, arguments: Sequence[clingo.Symbol]) -> tuple[object, dict[str, Value]]:
        self.calls += 1
        if self.calls > self.budget:
            raise over_budget(self.budget, "values computed by arithmetic and calls")
        if self.calls % 10_000 == 0 and time.monotonic() > self.deadline:
            raise self.out_of_time  # type: ignore[misc]
        expression, variables = self.expressions[index.number]
        return expression, {name: from_symbol(symbol) for name, symbol in zip(variables, arguments)}

    def lx_eval(self, index: clingo.Symbol, *arguments: clingo.Symbol) -> list[clingo.Symbol]:
        term, binding = self._binding(index, arguments)
        value = arithmetic.evaluate(term, binding)  # type: ignore[arg-type]
        return [] if value is None else [to_symbol(value)]

    def lx_test(self, index: clingo.Symbol, *arguments: clingo.Symbol) -> list[clingo.Symbol]:
        comparison, binding = self._binding(index, arguments)
        return [_TRUE] if arithmetic.comparison_holds(comparison, binding) else []  # type: ignore[arg-type]


class _Translator:
    def __init__(self, native_order: bool = False) -> None:
        self.native_order = native_order
        self.names: dict[PredicateKey, str] = {}
        self.reverse: dict[str, PredicateKey] = {}
        self.context = _Context()
        self.auxiliary = 0

    def name(self, key: PredicateKey) -> str:
        name = self.names.get(key)
        if name is None:
            name = self.names[key] = f"p{len(self.names)}"
            self.reverse[name] = key
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
        return self.external("lx_eval", term, term_variables(term))

    def external(self, function: str, expression: Term | Comparison, variables: list[Variable]) -> ast.AST:
        """`@function(k, V1, ..., Vn)`: expression k, registered with the context, over its variables."""
        names = tuple(dict.fromkeys(variable.name for variable in variables))
        index = self.context.register(expression, names)
        arguments = [ast.SymbolicTerm(_LOCATION, clingo.Number(index))]
        arguments += [self.variable(name) for name in names]
        return ast.Function(_LOCATION, function, arguments, 1)

    def atom(self, name: str, arguments: Sequence[ast.AST]) -> ast.AST:
        return ast.SymbolicAtom(ast.Function(_LOCATION, name, list(arguments), 0))

    def literal(self, name: str, arguments: Sequence[ast.AST], negated: bool = False) -> ast.AST:
        sign = ast.Sign.Negation if negated else ast.Sign.NoSign
        return ast.Literal(_LOCATION, sign, self.atom(name, arguments))

    def comparison(self, comparison: Comparison) -> ast.AST:
        if comparison.operator in ("=", "!=") or self.native_order:  # see _rules_allow_native_order
            guard = ast.Guard(_COMPARISON[comparison.operator], self.term(comparison.right))
            return ast.Literal(_LOCATION, ast.Sign.NoSign, ast.Comparison(self.term(comparison.left), [guard]))
        variables = term_variables(comparison.left) + term_variables(comparison.right)
        test = self.external("lx_test", comparison, variables)
        guard = ast.Guard(_COMPARISON["="], ast.SymbolicTerm(_LOCATION, _TRUE))
        return ast.Literal(_LOCATION, ast.Sign.NoSign, ast.Comparison(test, [guard]))

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


def _atom_variables(arguments: Sequence[Term]) -> list[Variable]:
    return [variable for argument in arguments for variable in term_variables(argument)]


def _rules_allow_native_order(rules: Iterable[Rule]) -> bool:
    """Whether the rules leave clingo's own order the language's, so that `< <= > >=` can run natively when the facts
    do too (`_facts_allow_native_order`): no rule computes a value, and every number a rule writes is a 32-bit
    integer. Then the values are `Number`s, date constants and `String`s, which clingo orders as the language does
    (numbers, then constants, then strings; a date constant's name `dYYYYMMDD` orders in time)."""
    for rule in rules:
        if any(isinstance(argument, COMPUTED_TERMS) for argument in rule.head.arguments):
            return False
        for item in rule.body:
            if isinstance(item, Comparison):
                sides = (item.left, item.right)
            elif isinstance(item, Literal):
                sides = item.atom.arguments
            else:
                return False
            for side in sides:
                if isinstance(side, COMPUTED_TERMS) or (isinstance(side, Constant) and not _small(side.value)):
                    return False
        if any(isinstance(argument, Constant) and not _small(argument.value) for argument in rule.head.arguments):
            return False
    return True


def _facts_allow_native_order(facts: Mapping[PredicateKey, frozenset[Row]]) -> bool:
    """Every number stated is a 32-bit integer (see `_rules_allow_native_order`)."""
    return all(_small(value) for rows in facts.values() for row in rows for value in row)


def _small(value: Value) -> bool:
    """Not a number clingo holds as a function symbol (a number with a fraction, or beyond 32 bits)."""
    if isinstance(value, Fraction):
        return False
    return not arithmetic.is_integer(value) or MIN_NUMBER <= value <= MAX_NUMBER  # type: ignore[operator]


TRANSLATIONS_KEPT = 32
"""Translated rule sets kept per engine: enough for every stage of a program with many aggregate stages."""


@dataclass
class _Translations:
    """What one set of strata becomes for clingo: whether its rules allow the native order, and its statements (the
    rules, and `#show` of what they derive) for each order the facts may call for."""

    rules_allow_native: bool
    by_order: dict[bool, tuple[_Translator, list[ast.AST]]] = field(default_factory=dict)


def _statements(rules: Iterable[Rule], native_order: bool) -> tuple[_Translator, list[ast.AST]]:
    """The clingo statements of the rules, and `#show` of what they derive: the facts come back as they went in, so
    the model shows only derived atoms (a placeholder term when nothing is derived, or clingo would show all)."""
    rules = list(rules)
    translator = _Translator(native_order)
    statements = [clingo_rule for rule in rules for clingo_rule in translator.rules(rule)]
    derived = {rule.head.key for rule in rules}
    statements += [ast.ShowSignature(_LOCATION, translator.name(key), key[1], True) for key in derived]
    if not derived:
        statements.append(ast.ShowTerm(_LOCATION, ast.SymbolicTerm(_LOCATION, _TRUE), []))
    return translator, statements


class ClingoEngine:
    """Evaluates with clingo (see the module documentation for the encoding)."""

    name = "clingo"

    def __init__(self, arguments: Sequence[str] = (), shown: Optional[PredicateKey] = None):
        """`shown`: read back only this predicate's derived atoms (the model then holds them and the facts), for a
        caller that reads nothing else, such as `lexlog fuzz` deciding which cases violate a constraint."""
        self.arguments = ["--warn=none", *arguments]
        self.shown = shown
        # The rules change far less often than the facts (a session, a batch of cases): translate them once. A
        # program with aggregates is evaluated in stages, each its own rules, so a few translations are kept.
        self._translations: IdentityCache[_Translations] = IdentityCache(TRANSLATIONS_KEPT)

    def _translate(self, program: EvaluationProgram) -> tuple[_Translator, list[ast.AST]]:
        entry = self._translations.get(program.strata, lambda: _Translations(_rules_allow_native_order(program.rules)))
        native = entry.rules_allow_native and _facts_allow_native_order(program.facts)
        if native not in entry.by_order:
            entry.by_order[native] = _statements(program.rules, native)
        translator, statements = entry.by_order[native]
        if self.shown is not None:
            name = translator.name(self.shown)
            statements = [s for s in statements if s.ast_type != ast.ASTType.ShowSignature or s.name == name]
        return translator, statements

    def evaluate(self, program: EvaluationProgram) -> Model:
        translator, statements = self._translate(program)
        control = clingo.Control(self.arguments)
        with ast.ProgramBuilder(control) as builder:
            for statement in statements:
                builder.add(statement)
        with control.backend() as backend:
            for key, rows in program.facts.items():
                name = translator.name(key)
                for row in rows:
                    symbol = clingo.Function(name, [to_symbol(value) for value in row])
                    backend.add_rule([backend.add_atom(symbol)])
        context = translator.context
        context.budget, context.calls = budget_of(program), 0
        context.deadline, context.out_of_time = deadline_of(program), out_of_time(program)
        try:
            control.ground([("base", [])], context=context)
        except RuntimeError as error:  # clingo may re-raise a context function's exception as a RuntimeError
            if "the evaluation stopped after" in str(error):
                raise EvaluationBudgetExceeded(str(error).split("\n")[0]) from None
            raise
        derived: dict[PredicateKey, list[Row]] = {}
        found: list[None] = []

        def on_model(model: clingo.Model) -> None:
            derived.update(_read_shown(model, translator.reverse))
            found.append(None)

        result = control.solve(on_model=on_model)
        if not result.satisfiable or len(found) != 1:
            raise RuntimeError("clingo found no model: the program was not stratified")
        relations: dict[PredicateKey, Collection[Row]] = dict(program.facts)
        for key, rows in derived.items():  # a model's atoms are distinct, but a relation may have facts as well
            given = relations.get(key)
            relations[key] = rows if given is None else given.union(rows)
        return Model(ListedRelations(relations))


def shown_atom_texts(model: clingo.Model) -> list[str]:
    """The text of each atom the model shows, as `str(symbol)` writes it (`p3(1,"a")`)."""
    representation = getattr(model, "_rep", None)
    if _clingo_library is None or representation is None:
        return [str(symbol) for symbol in model.symbols(shown=True)]
    library, ffi = _clingo_library, _clingo_ffi
    show = library.clingo_show_type_shown
    size_out = ffi.new("size_t*")
    if not library.clingo_model_symbols_size(representation, show, size_out):
        raise RuntimeError("clingo could not count the model's atoms")
    count = size_out[0]
    symbols = ffi.new("clingo_symbol_t[]", count)
    if not library.clingo_model_symbols(representation, show, symbols, count):
        raise RuntimeError("clingo could not list the model's atoms")
    texts: list[str] = []
    capacity, buffer = 256, ffi.new("char[]", 256)
    text_size, write_text, unpack = library.clingo_symbol_to_string_size, library.clingo_symbol_to_string, ffi.unpack
    for symbol in symbols:
        if not text_size(symbol, size_out):
            raise RuntimeError("clingo could not write an atom of the model")
        size = size_out[0]  # with the closing NUL
        if size > capacity:
            capacity, buffer = size, ffi.new("char[]", size)
        if not write_text(symbol, buffer, size):
            raise RuntimeError("clingo could not write an atom of the model")
        texts.append(unpack(buffer, size - 1).decode("utf-8"))
    return texts


def _read_shown(model: clingo.Model, names: Mapping[str, PredicateKey]) -> dict[PredicateKey, list[Row]]:
    """The shown atoms' rows by predicate (see "Reading the model back" in the module documentation)."""
    derived: dict[PredicateKey, list[Row]] = {}
    values = ArgumentValues()
    for text in shown_atom_texts(model):
        name, row = read_atom_text(text, values)
        key = names.get(name)
        if key is None:  # the placeholder term shown when nothing is derived
            continue
        if len(row) != key[1]:
            raise RuntimeError(f"clingo's atom {text} was read back as {row}")
        rows = derived.get(key)
        if rows is None:
            rows = derived[key] = []
        rows.append(row)
    return derived
