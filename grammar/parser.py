"""Source text → syntax tree (`lexlog.grammar.tree`), with syntax errors said in words."""

from __future__ import annotations

import base64
import contextlib
import contextvars
import datetime
import functools
import gc
import pickle
import re
import zlib
from pathlib import Path
from typing import Any, Iterator, Literal as TypingLiteral, Sequence

import lark
from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError
from lexlog.grammar.errors import LexlogSyntaxError
from lexlog.grammar.tree import (
    NOTE_KINDS,
    Annotations,
    Atom,
    Authority,
    Aggregate,
    BinaryOperation,
    BodyItem,
    Call,
    AsOf,
    Citation,
    Comment,
    Conflict,
    ConstantReading,
    LawDate,
    RuleReference,
    UNKNOWN_SPAN,
    complement,
    Comparison,
    Constant,
    Constraint,
    Declaration,
    Expectation,
    Fact,
    Include,
    Literal,
    Note,
    Program,
    Query,
    Rule,
    Span,
    Term,
    Variable,
    term_variables,
)
from lexlog.grammar.values import date_from_text, decimal_from_text, integer_from_digits, is_number

Dialect = TypingLiteral["lexlog", "souffle", "nemo"]
DIALECTS: tuple[Dialect, ...] = ("lexlog", "souffle", "nemo")
_HARVESTED = ("souffle", "nemo")

_file: contextvars.ContextVar[str] = contextvars.ContextVar("lexlog_file", default="<input>")
_dialect: contextvars.ContextVar[Dialect] = contextvars.ContextVar("lexlog_dialect", default="lexlog")
_comments: contextvars.ContextVar[list[Comment]] = contextvars.ContextVar("lexlog_comments")
# The depth of each computed term built in this parse, by id; the entry holds the term, so no id is reused.
_term_depths: contextvars.ContextVar[dict[int, tuple[Any, int]]] = contextvars.ContextVar("lexlog_term_depths")

MAX_TERM_DEPTH = 100
"""How deeply operators, minus signs and function calls may nest in one term. Everything after the parser walks a
term by recursion (checks, evaluation, printing): a limit here is one clear error instead of a RecursionError in
any of them, and no rule of law needs arithmetic a hundred levels deep."""

KEYWORDS = frozenset(
    {"authority", "input", "derived", "output", "constraint", "expect", "include", "not", "conflict", "as_of", "decided", "constant"}
)
ANNOTATIONS = ("label", "cite", "note", "defeasible", "defeater", "overrides", "since", "until")
"""The annotations that may stand before a statement, each written with a leading `@`."""

# What each terminal is, in words, for "expected ..." messages.
TERMINAL_WORDS = {
    "DOT": "'.'",
    "COMMA": "','",
    "LPAR": "'('",
    "RPAR": "')'",
    "IF": "':-'",
    "QUERY": "'?-'",
    "SYMBOL": "a name beginning with a lower-case letter",
    "VARIABLE": "a variable",
    "INT": "a number",
    "DECIMAL": "a number",
    "DATE_SHAPED": "a date",
    "COLON": "':'",
    "AGGREGATE_FUNCTION": "an aggregate (count, sum, min, max)",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "STRING": 'a quoted string ("...")',
    "PIN": "a page (648, 994-95, *3, 485 n.2)",
    "NOT": "'not'",
    "AT": "'at'",
    "EQUAL": "'='",
    "NOT_EQUAL": "'!='",
    "LT": "'<'",
    "LESS_EQUAL": "'<='",
    "GT": "'>'",
    "GREATER_EQUAL": "'>='",
    "PLUS": "'+'",
    "MINUS": "'-'",
    "TIMES": "'*'",
    "DIVIDE": "'/'",
    "MOD": "'%'",
    "LABEL": "'@label'",
    "CITE": "'@cite'",
    "NOTE": "'@note'",
    "DEFEASIBLE": "'@defeasible'",
    "DEFEATER": "'@defeater'",
    "OVERRIDES": "'@overrides'",
    "SINCE": "'@since'",
    "UNTIL": "'@until'",
    "TILDE": "'~'",
    "CONFLICT": "'conflict'",
    "AS_OF": "'as_of'",
    "CONSTANT": "'constant'",
    "DECIDED": "'decided'",
    "AUTHORITY": "'authority'",
    "INPUT": "'input'",
    "DERIVED": "'derived'",
    "OUTPUT": "'output'",
    "CONSTRAINT": "'constraint'",
    "EXPECT": "'expect'",
    "INCLUDE": "'include'",
    "$END": "the end of the input",
}

# Several terminals that all mean "an operator here" are folded into one phrase.
_OPERATORS = {"EQUAL", "NOT_EQUAL", "LT", "LESS_EQUAL", "GT", "GREATER_EQUAL"}
_ARITHMETIC = {"PLUS", "MINUS", "TIMES", "DIVIDE", "MOD"}
_STATEMENT_STARTS = {
    "AUTHORITY", "INPUT", "DERIVED", "OUTPUT", "CONSTRAINT", "EXPECT", "INCLUDE", "LABEL", "CITE", "NOTE", "QUERY",
    "DEFEASIBLE", "DEFEATER", "OVERRIDES", "SINCE", "UNTIL", "CONFLICT", "AS_OF", "CONSTANT",
}


# --- the parser and its stored tables ------------------------------------------------------------------------------
#
# Building the LALR tables from the grammar takes lark 25-90 ms, most of a short command's time after its imports.
# So the tables are built when the grammar changes, not in every process: `write_parse_tables` stores them in the
# module `lexlog.grammar.parse_tables`, marked with the grammar text's digest and lark's version, and a process loads
# them (a few milliseconds) when both match, or else builds them as before. Nothing is written at run time (lark's
# own cache writes a file the first time it runs), and the stored module ships as any other module does.


_HERE = Path(__file__).resolve().parent  # the grammar and its stored tables lie beside this module


def _grammar_source() -> str:
    return (_HERE / "lexlog.lark").read_text(encoding="utf-8")


def _grammar_digest(source: str) -> str:
    """The grammar text's length and CRC-32: enough to tell the tables were made from another text (a check against
    a mistake, not an attack), without importing hashlib in every process."""
    data = source.encode("utf-8")
    return f"{len(data)}-{zlib.crc32(data):08x}"


def _lark_options() -> dict[str, Any]:
    """The options that are code, not tables: given again to a parser made from stored tables."""
    return {"transformer": _ToTree(), "lexer_callbacks": {"LINE_COMMENT": _keep_comment, "BLOCK_COMMENT": _keep_comment}}


def _build_parser(source: str) -> Lark:
    return Lark(
        source,
        parser="lalr",
        lexer="contextual",
        start=["start", "single_atom", "single_body"],
        maybe_placeholders=False,
        **_lark_options(),
    )


def stored_tables(source: str) -> dict[str, Any] | None:
    """The stored tables, if they were made from this grammar text by this version of lark."""
    try:
        from lexlog.grammar import parse_tables
    except ImportError:
        return None
    if parse_tables.GRAMMAR_DIGEST != _grammar_digest(source) or parse_tables.LARK_VERSION != lark.__version__:
        return None
    return pickle.loads(zlib.decompress(base64.b64decode(parse_tables.TABLES)))


@functools.cache
def terminal_patterns() -> dict[str, str]:
    """Each terminal of the grammar (`SYMBOL`, `STRING`, `LINE_COMMENT`, `IF`, ...) as a Python regular expression:
    what other readers of lexlog text build on (the prompt's highlighter, the plain-fact reader), so that a token is
    defined once, here in the grammar."""
    return {terminal.name: terminal.pattern.to_regexp() for terminal in _parser().terminals}


@functools.cache
def _parser() -> Lark:
    source = _grammar_source()
    tables = stored_tables(source)
    if tables is None:
        return _build_parser(source)
    # how the parsers lark's standalone generator writes load their tables
    return Lark._load_from_dict(tables["data"], tables["memo"], **_lark_options())


def write_parse_tables() -> str:
    """Build the parser from the grammar and store its tables in `lexlog/grammar/parse_tables.py`; returns the path.
    Run after changing lexlog.lark or upgrading lark (a test says when):
    `python -c 'from lexlog.grammar.parser import write_parse_tables; write_parse_tables()'`."""
    from lark.grammar import Rule as LarkRule
    from lark.lexer import TerminalDef

    source = _grammar_source()
    data, memo = _build_parser(source).memo_serialize([TerminalDef, LarkRule])
    data["options"] = {name: value for name, value in data["options"].items() if name not in _lark_options()}
    packed = base64.b64encode(zlib.compress(pickle.dumps({"data": data, "memo": memo}, protocol=4), 9)).decode("ascii")
    lines = [
        '"""The parser\'s LALR tables, built from lexlog.lark by lark. Written by `write_parse_tables` in',
        '`lexlog.grammar.parser`, which says when to write them again; not to be edited."""',
        "",
        f"GRAMMAR_DIGEST = {_grammar_digest(source)!r}",
        f"LARK_VERSION = {lark.__version__!r}",
        "TABLES = (",
        *(f"    {packed[start : start + 110]!r}" for start in range(0, len(packed), 110)),
        ")",
    ]
    path = str(_HERE / "parse_tables.py")
    with open(path, "w", encoding="utf-8") as stream:
        stream.write("\n".join(lines) + "\n")
    return path


def _keep_comment(token: Token) -> Token:
    kept = _comments.get(None)
    if kept is not None:
        kept.append(Comment(str(token), _token_span(token)))
    return token


def parse(text: str, file: str = "<input>", dialect: Dialect = "lexlog") -> Program:
    """Parse a whole file. Raises `LexlogSyntaxError` and nothing else."""
    from lexlog.grammar.plain_facts import parse_with_plain_facts  # it builds on this module

    with collector_paused():
        read = parse_with_plain_facts(text, file) if dialect == "lexlog" else None
        if read is not None:
            return Program(tuple(read[0]), file, tuple(read[1]))
        comments: list[Comment] = []
        token = _comments.set(comments)
        try:
            statements = _run(_prepare(text, dialect), file, dialect, "start")
        finally:
            _comments.reset(token)
        return Program(tuple(statements), file, tuple(comments))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a file's tree is built, and resumed after (if it ran before).

    A 10 MB file's tree is millions of small objects, none of them in a cycle. As they are made, the collector walks
    the growing heap again and again and finds nothing to free: it took more than half of such a file's parse
    (bench/bench_parse.py)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_atom(text: str, file: str = "<input>", dialect: Dialect = "lexlog") -> Atom:
    """Parse one atom, such as `appealable(zapata_order)` (a final '.' is allowed)."""
    return _run(text, file, dialect, "single_atom")


def parse_body(text: str, file: str = "<input>", dialect: Dialect = "lexlog") -> tuple[BodyItem, ...]:
    """Parse a query body, such as `appealable(O), not appealed(O)` (a final '.' is allowed)."""
    return _run(text, file, dialect, "single_body")


def _prepare(text: str, dialect: Dialect) -> str:
    # Soufflé-harvested rules may leave out the final full stop of the file.
    if dialect in _HARVESTED and text.strip() and not text.rstrip().endswith("."):
        return text.rstrip() + "."
    return text


def _run(text: str, file: str, dialect: Dialect, start: str) -> Any:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; choose one of {', '.join(DIALECTS)}")
    file_token = _file.set(file)
    dialect_token = _dialect.set(dialect)
    depths_token = _term_depths.set({})
    try:
        return _parser().parse(text, start=start)
    except UnexpectedInput as error:
        raise _syntax_error(error, text, file) from None
    except VisitError as error:
        if isinstance(error.orig_exc, LexlogSyntaxError):
            raise error.orig_exc from None
        raise
    finally:
        _file.reset(file_token)
        _dialect.reset(dialect_token)
        _term_depths.reset(depths_token)


# --- Building the tree -------------------------------------------------------------------------------------------


def _token_span(token: Token) -> Span:
    return Span(_file.get(), token.line or 0, token.column or 0, token.end_line or 0, token.end_column or 0)


def _extent(children: list[Any] | tuple[Any, ...]) -> Span:
    """From the start of the first child that has a place to the end of the last one."""
    return _extent_or_none(children) or Span(_file.get(), 0, 0, 0, 0)


def _extent_or_none(children: list[Any] | tuple[Any, ...]) -> Span | None:
    first = next((span for span in map(_place, children) if span is not None), None)
    if first is None:
        return None
    last = next(span for span in map(_place, reversed(children)) if span is not None)
    return first if first is last else _between(first, last)


def _place(node: Any) -> Span | None:
    if isinstance(node, Token):
        return _token_span(node)
    if isinstance(node, tuple):
        return _extent_or_none(node)
    if isinstance(node, Span):
        return node
    return getattr(node, "span", None)


def _between(first: Span, last: Span) -> Span:
    return Span(first.file, first.line, first.column, last.end_line, last.end_column)


def decode_string(token: Token) -> str:
    """The value of a double-quoted string token, escapes resolved."""
    body = token[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            out.append(char)
            index += 1
            continue
        escape = body[index + 1]
        simple = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r"}
        if escape in simple:
            out.append(simple[escape])
            index += 2
            continue
        if escape == "u" and len(body) >= index + 6 and all(c in "0123456789abcdefABCDEF" for c in body[index + 2 : index + 6]):
            out.append(chr(int(body[index + 2 : index + 6], 16)))
            index += 6
            continue
        column = (token.column or 0) + 1 + index
        span = Span(_file.get(), token.line or 0, column, token.line or 0, column + 2)
        raise LexlogSyntaxError(
            f"unknown escape '\\{escape}' in a string",
            span,
            hint='the escapes are \\" \\\\ \\n \\t \\r and \\uXXXX (four hex digits)',
        )
    return "".join(out)


class _ToTree(Transformer):
    """Lark's parse tree → our frozen dataclasses. Runs inline, during parsing."""

    # Statements

    def start(self, statements: list[Any]) -> list[Any]:
        flat: list[Any] = []
        for statement in statements:
            flat.extend(statement if isinstance(statement, list) else [statement])
        return flat

    def single_atom(self, children: list[Any]) -> Atom:
        return children[0]

    def single_body(self, children: list[Any]) -> tuple[BodyItem, ...]:
        return children[0]

    def fact_or_rule(self, children: list[Any]) -> Fact | Rule:
        annotations = _annotations(children[:-2])
        atom: Atom = children[-2]
        if any(not isinstance(argument, Constant) for argument in atom.arguments) or annotations.defeasible_part:
            # A bodiless clause with variables: kept as a rule so the checks can call its variables unbound. A
            # defeasible one (`@defeasible p.`) is a rule too: a presumption, where a fact is beyond dispute.
            return Rule(atom, (), annotations, _extent(children))
        return Fact(atom, annotations, _extent(children))

    def rule(self, children: list[Any]) -> Rule:
        annotations = _annotations(children[:-4])
        head, _if, body, _dot = children[-4:]
        span = _extent(children)
        if _dialect.get() == "nemo":
            auxiliaries, body = _existential_negation(head, body, span)
            if auxiliaries:
                return [*auxiliaries, Rule(head, body, annotations, span)]  # type: ignore[return-value]
        return Rule(head, body, annotations, span)

    def constraint(self, children: list[Any]) -> Constraint:
        annotations = _annotations(children[:-5])
        _keyword, name, _if, body, _dot = children[-5:]
        return Constraint(str(name), body, annotations, _extent(children))

    def label(self, children: list[Any]) -> tuple[str, Span, Token]:
        return ("label", _extent(children), children[1])

    def cite(self, children: list[Any]) -> tuple[str, Span, list[Citation]]:
        return ("cite", _extent(children), [child for child in children if isinstance(child, Citation)])

    def note(self, children: list[Any]) -> tuple[str, Span, Note]:
        _keyword, kind, text = children
        # The kind is not judged here: the checks report an unknown one with the known ones to choose from.
        return ("note", _extent(children), Note(str(kind), decode_string(text), _extent([kind, text])))

    def defeasible(self, children: list[Any]) -> tuple[str, Span, Token]:
        return ("kind", _extent(children), children[0])

    def defeater(self, children: list[Any]) -> tuple[str, Span, Token]:
        return ("kind", _extent(children), children[0])

    def overrides(self, children: list[Any]) -> tuple[str, Span, list[RuleReference]]:
        labels = [child for child in children[1:] if child.type == "SYMBOL"]
        return ("overrides", _extent(children), [RuleReference(str(label), _token_span(label)) for label in labels])

    def since(self, children: list[Any]) -> tuple[str, Span, LawDate]:
        return ("since", _extent(children), _law_date(children[1], None, _extent(children)))

    def until(self, children: list[Any]) -> tuple[str, Span, LawDate]:
        reason = decode_string(children[2]) if len(children) == 3 else None
        return ("until", _extent(children), _law_date(children[1], reason, _extent(children)))

    def citation(self, children: list[Any]) -> Citation:
        name = children[0]
        pin = None
        if len(children) == 3:
            raw = children[2]
            pin = decode_string(raw) if raw.type == "STRING" else " ".join(str(raw).split())
        return Citation(str(name), pin, _extent(children))

    def authority(self, children: list[Any]) -> Authority:
        decided = _law_date(children[5], None, _extent(children)).date if len(children) == 7 else None
        return Authority(str(children[1]), decode_string(children[3]), _extent(children), decided)

    def as_of(self, children: list[Any]) -> AsOf:
        return AsOf(_law_date(children[1], None, _extent(children)).date, _extent(children))

    def constant(self, children: list[Any]) -> ConstantReading:
        return ConstantReading(str(children[1]), decode_string(children[2]), _extent(children))

    def conflict(self, children: list[Any]) -> Conflict:
        _keyword, first, _comma, second, _dot = children
        _check_predicate_name(first)
        _check_predicate_name(second)
        return Conflict(str(first), str(second), _extent(children))

    def declaration_kind(self, children: list[Any]) -> Token:
        return children[0]

    def declaration(self, children: list[Any]) -> Declaration:
        kind, name = children[0], children[1]
        _check_predicate_name(name)
        parameters: list[tuple[str, str | None]] = []
        reading = None
        for child in children[2:]:
            if isinstance(child, list):
                parameters = child
            elif isinstance(child, Token) and child.type == "STRING":
                reading = decode_string(child)
        names = tuple(name for name, _type in parameters)
        types = tuple(type_name for _name, type_name in parameters)
        if not any(types):
            types = ()
        return Declaration(str(kind), str(name), names, reading, _extent(children), types)

    def parameters(self, children: list[Any]) -> list[tuple[str, str | None]]:
        return [child for child in children if isinstance(child, tuple)]

    def parameter(self, children: list[Any]) -> tuple[str, str | None]:
        # The type is not judged here: the checks name an unknown one with the known ones to choose from.
        return (str(children[0]), str(children[2]) if len(children) == 3 else None)

    def expectation(self, children: list[Any]) -> Expectation:
        negated = any(isinstance(child, Token) and child.type == "NOT" for child in children)
        atom = next(child for child in children if isinstance(child, Atom))
        return Expectation(atom, not negated, _extent(children))

    def query(self, children: list[Any]) -> Query:
        return Query(children[1], _extent(children))

    def include_file(self, children: list[Any]) -> Include:
        return Include(decode_string(children[1]), False, _extent(children))

    def include_library(self, children: list[Any]) -> Include:
        return Include(str(children[2]), True, _extent(children))

    # Bodies

    def body(self, children: list[Any]) -> tuple[BodyItem, ...]:
        return tuple(child for child in children if not isinstance(child, Token))

    def positive(self, children: list[Any]) -> Literal:
        return Literal(children[0], False, _extent(children))

    def negative(self, children: list[Any]) -> Literal:
        return Literal(children[1], True, _extent(children))

    def aggregate(self, children: list[Any]) -> Aggregate:
        result, _equal, function = _term(children[0]), children[1], children[2]
        if _dialect.get() in _HARVESTED:
            raise LexlogSyntaxError(f"'{function}' aggregates are lexlog's, not this dialect's", _token_span(function))
        term = _term(children[3]) if not (isinstance(children[3], Token) and children[3].type == "COLON") else None
        body = next(child for child in children if isinstance(child, tuple))
        if not isinstance(result, Variable) or result.is_anonymous:
            raise LexlogSyntaxError(
                f"the result of '{function}' must go to a variable",
                _place(children[0]) or _token_span(function),
                hint=f"write Total = {function} ... : {{ ... }} and compare Total afterwards",
            )
        if function == "count" and term is not None:
            raise LexlogSyntaxError(
                "count counts the body's solutions: it takes no term",
                _place(children[3]) or _token_span(function),
                hint="write N = count : { ... }",
            )
        if function != "count" and term is None:
            raise LexlogSyntaxError(
                f"'{function}' needs the term it adds up or compares",
                _token_span(function),
                hint=f"write Total = {function} A : {{ claim(P, A) }}",
            )
        return Aggregate(result, str(function), term, body, _extent(children))

    def parenthesised_comparison(self, children: list[Any]) -> Comparison:
        return children[1]

    def comparison_operator(self, children: list[Any]) -> Token:
        return children[0]

    def comparison(self, children: list[Any]) -> Comparison:
        left, operator, right = children
        return Comparison(str(operator), _term(left), _term(right), _between(_place(left), _place(right)))  # type: ignore[arg-type]

    # Atoms and terms

    def atom(self, children: list[Any]) -> Atom:
        name = children[0]
        _check_predicate_name(name)
        if _dialect.get() == "lexlog" and _PROLOG_COLLECTORS.fullmatch(f"{name}("):
            raise LexlogSyntaxError(
                f"'{name}' is Prolog's, which lexlog does not have", _token_span(name), hint=_collector_words(str(name))
            )
        arguments: tuple[Term, ...] = ()
        for child in children[1:]:
            if isinstance(child, tuple):
                arguments = child
        return Atom(str(name), arguments, _extent(children))

    def strongly_negated_atom(self, children: list[Any]) -> Atom:
        atom = self.atom(children[1:])
        return Atom(complement(atom.predicate), atom.arguments, _extent(children))

    def arguments(self, children: list[Any]) -> tuple[Term, ...]:
        return tuple(_term(child) for child in children[0::2])

    def arithmetic_operator(self, children: list[Any]) -> Token:
        return children[0]

    def operation(self, children: list[Any]) -> Term:
        operands = [_term(child) for child in children[0::2]]
        operators: list[Token] = children[1::2]
        return _by_precedence(operands, operators)

    def call(self, children: list[Any]) -> Term:
        name, _open, arguments, _close = children
        if _dialect.get() in _HARVESTED:
            raise LexlogSyntaxError(
                f"'{name}(...)' in an argument: this dialect has no functions", _token_span(name)
            )
        return _nested(Call(str(name), arguments, _extent(children)), arguments)

    def negate(self, children: list[Any]) -> Term:
        operand = _term(children[1])
        span = _extent(children)
        if isinstance(operand, Constant) and is_number(operand.value) and operand.value >= 0:
            return Constant(-operand.value, span)
        return _nested(BinaryOperation("-", Constant(0, span), operand, span), (operand,))

    def group(self, children: list[Any]) -> Term:
        return _term(children[1])


PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "%": 2}


def _by_precedence(operands: list[Term], operators: list[Token]) -> Term:
    """Left-associative operators, `* / %` binding tighter than `+ -` (operator-precedence parsing)."""
    output: list[Term] = [operands[0]]
    pending: list[Token] = []

    def reduce() -> None:
        operator = pending.pop()
        right, left = output.pop(), output.pop()
        span = _between(left.span, right.span)
        if operator == "/" and _dialect.get() in _HARVESTED:
            # Those languages divide integers with truncation; lexlog's `/` is exact, its truncation `quotient`.
            output.append(_nested(Call("quotient", (left, right), span), (left, right)))
        else:
            output.append(_nested(BinaryOperation(str(operator), left, right, span), (left, right)))  # type: ignore[arg-type]

    for operator, operand in zip(operators, operands[1:]):
        while pending and PRECEDENCE[pending[-1]] >= PRECEDENCE[operator]:
            reduce()
        pending.append(operator)
        output.append(operand)
    while pending:
        reduce()
    return output[0]


def _nested(term: Term, operands: Sequence[Term]) -> Term:
    """`term`, built over `operands`, if it nests no deeper than MAX_TERM_DEPTH; else a syntax error at it."""
    depths = _term_depths.get()
    depth = 1 + max((depths[id(operand)][1] for operand in operands if id(operand) in depths), default=0)
    if depth > MAX_TERM_DEPTH:
        raise LexlogSyntaxError(
            f"this term nests operators, minus signs or calls more than {MAX_TERM_DEPTH} deep",
            term.span,  # type: ignore[union-attr]
            hint="compute it in steps, each a rule of its own",
        )
    depths[id(term)] = (term, depth)
    return term


def _term(node: Any) -> Term:
    """A term from a bare token (the grammar inlines single-token operands) or an already built term."""
    if not isinstance(node, Token):
        return node
    kind = node.type
    if kind == "VARIABLE":
        return Variable(str(node), _token_span(node))
    if kind == "INT":
        return Constant(integer_from_digits(str(node)), _token_span(node))
    if kind == "DECIMAL":
        if _dialect.get() in _HARVESTED:
            raise LexlogSyntaxError(f"'{node}': this dialect has no decimal numbers", _token_span(node))
        return Constant(decimal_from_text(str(node)), _token_span(node))
    if kind == "DATE_SHAPED":
        return _date_shaped(node)
    if kind == "STRING":
        return Constant(decode_string(node), _token_span(node))
    if _dialect.get() in _HARVESTED:
        return Variable(str(node), _token_span(node))
    return Constant(str(node), _token_span(node))


def _date_shaped(token: Token) -> Term:
    """`2024-01-05`: in the lexlog dialect a date (never the subtraction 2024 - 1 - 5); in the other dialects the
    subtraction those languages read."""
    span = _token_span(token)
    if _dialect.get() == "lexlog":
        try:
            return Constant(date_from_text(str(token)), span)
        except ValueError as error:
            raise LexlogSyntaxError(str(error), span, hint="dates are written YYYY-MM-DD: 2024-01-05") from None
    year, month, day = (Constant(int(part), span) for part in str(token).split("-"))
    return BinaryOperation("-", BinaryOperation("-", year, month, span), day, span)


def _existential_negation(head: Atom, body: tuple[BodyItem, ...], span: Span) -> tuple[list[Rule], tuple[BodyItem, ...]]:
    """Nemo reads a variable that stands only inside a negated atom as "for no value".

    Such a variable that occurs once becomes `_`; a negated atom that repeats one (`not s3(X, P, P)`) becomes a
    negated auxiliary predicate over its other variables, defined by a rule of its own.
    """
    elsewhere = {v.name for argument in head.arguments for v in term_variables(argument)}
    for item in body:
        if isinstance(item, Comparison):
            elsewhere.update(v.name for v in term_variables(item.left) + term_variables(item.right))
        elif not item.negated:
            elsewhere.update(v.name for argument in item.atom.arguments for v in term_variables(argument))
    auxiliaries: list[Rule] = []
    rewritten: list[BodyItem] = []
    for item in body:
        if isinstance(item, Literal) and item.negated:
            local = [v.name for a in item.atom.arguments for v in term_variables(a) if v.name not in elsewhere and not v.is_anonymous]
            if any(local.count(name) > 1 for name in local):
                kept = tuple(dict.fromkeys(v.name for a in item.atom.arguments for v in term_variables(a) if v.name in elsewhere))
                # Named by content, so the same negated atom over the same variables always means one predicate.
                import hashlib  # only for this dialect's auxiliary names

                digest = hashlib.sha1(repr((item.atom.predicate, item.atom.arguments, kept)).encode()).hexdigest()[:12]
                name = f"_nemo_negation_{digest}"
                auxiliary = Atom(name, tuple(Variable(v, item.span) for v in kept), item.span)
                auxiliaries.append(Rule(auxiliary, (Literal(item.atom, False, item.span),), span=item.span))
                item = Literal(auxiliary, True, item.span)
            else:
                arguments = tuple(
                    Variable("_", a.span) if isinstance(a, Variable) and a.name not in elsewhere else a
                    for a in item.atom.arguments
                )
                item = Literal(Atom(item.atom.predicate, arguments, item.atom.span), True, item.span)
        rewritten.append(item)
    return auxiliaries, tuple(rewritten)


def _annotations(items: list[Any]) -> Annotations:
    label: str | None = None
    label_span = None
    citations: list[Citation] = []
    notes: list[Note] = []
    rule_kind: Token | None = None
    overrides: list[RuleReference] = []
    dates: dict[str, LawDate] = {}
    for kind, _span, value in items:
        if kind == "kind":
            if rule_kind is not None:
                raise LexlogSyntaxError(
                    f"a statement is marked both {rule_kind} and {value}", _token_span(value), hint="keep one of them"
                )
            rule_kind = value
        elif kind == "overrides":
            overrides.extend(value)
        elif kind in ("since", "until"):
            if kind in dates:
                raise LexlogSyntaxError(f"a statement has two @{kind} lines", value.span, hint=f"keep one @{kind}")
            dates[kind] = value
        elif kind == "label":
            if label is not None:
                raise LexlogSyntaxError(
                    "a statement has two @label lines", _token_span(value), hint="keep one label per statement"
                )
            label, label_span = str(value), _token_span(value)
        elif kind == "note":
            notes.append(value)
        else:
            citations.extend(value)
    extra = {
        "kind": str(rule_kind)[1:] if rule_kind is not None else "strict",
        "kind_span": _token_span(rule_kind) if rule_kind is not None else UNKNOWN_SPAN,
        "overrides": tuple(overrides),
        "since": dates.get("since"),
        "until": dates.get("until"),
    }
    if label_span is None:
        return Annotations(None, tuple(citations), notes=tuple(notes), **extra)  # type: ignore[arg-type]
    return Annotations(label, tuple(citations), label_span, tuple(notes), **extra)  # type: ignore[arg-type]


def _law_date(token: Token, reason: str | None, span: Span) -> LawDate:
    """`2022-11-29` or an authority's name (its decision date), in `@since`, `@until` and `decided`."""
    if token.type == "SYMBOL":
        return LawDate(None, str(token), reason, span)
    term = _date_shaped(token)
    if not isinstance(term, Constant) or not isinstance(term.value, datetime.date):
        raise LexlogSyntaxError(f"'{token}' is not a date", _token_span(token), hint="write a date as 2022-11-29")
    return LawDate(term.value, None, reason, span)


def _check_predicate_name(token: Token) -> None:
    if token.type == "VARIABLE" and _dialect.get() == "lexlog":
        suggestion = token[0].lower() + token[1:] if token != "_" else "p"
        raise LexlogSyntaxError(
            f"'{token}' cannot name a predicate: predicate names begin with a lower-case letter",
            _token_span(token),
            expected=(TERMINAL_WORDS["SYMBOL"],),
            hint=f"did you mean '{suggestion}'?",
        )


# --- Syntax errors in words --------------------------------------------------------------------------------------


def _syntax_error(error: UnexpectedInput, text: str, file: str) -> LexlogSyntaxError:
    if isinstance(error, UnexpectedCharacters):
        return _unexpected_character(error, text, file)
    if isinstance(error, UnexpectedToken):
        return _unexpected_token(error, text, file)
    if isinstance(error, UnexpectedEOF):
        line, column = _end_position(text)
        expected = _describe_expected(set(error.expected))
        return LexlogSyntaxError(
            "the input ended in the middle of a statement", Span(file, line, column, line, column + 1), expected
        )
    line, column = getattr(error, "line", 1) or 1, getattr(error, "column", 1) or 1
    return LexlogSyntaxError("this is not lexlog", Span(file, line, column, line, column + 1))


def _word_at(text: str, position: int) -> str:
    """The word starting at `position` (`#sum` in `#sum{...}`)."""
    match = re.match(r"#?[A-Za-z_][A-Za-z0-9_]*|.", text[position:])
    return match.group(0) if match else text[position : position + 1]


def _unexpected_character(error: UnexpectedCharacters, text: str, file: str) -> LexlogSyntaxError:
    line, column = error.line, error.column
    span = Span(file, line, column, line, column + 1)
    char = error.char
    expected = _describe_expected(set(error.allowed or ()))
    hint = None
    if char == '"':
        return LexlogSyntaxError(
            "this string is not closed before the end of the line",
            span,
            expected,
            hint='close it with a matching \'"\' on the same line (write \\n for a line break)',
        )
    if char == ":" and text[error.pos_in_stream : error.pos_in_stream + 2] in {":=", ": "}:
        hint = "a rule is written head :- body"
    elif char == "<" and text[error.pos_in_stream : error.pos_in_stream + 2] == "<-":
        hint = "a rule is written head :- body"
    elif char == "?":
        hint = "a query is written ?- goal."
    elif char == "@":
        hint = (
            'the annotations are @label NAME, @cite AUTHORITY at PAGE, @note KIND "text", @defeasible, @defeater, '
            "@overrides LABEL, @since DATE and @until DATE"
        )
    elif char == "'":
        hint = 'strings use double quotes: "..."'
    elif char == "#":
        return LexlogSyntaxError(
            f"'{_word_at(text, error.pos_in_stream)}' is clingo's aggregate syntax, which lexlog does not have",
            span,
            expected,
            hint="lexlog writes an aggregate as Total = sum A : { claim(D, A) } (also count, min and max)",
        )
    elif char == ";":
        return LexlogSyntaxError(
            "';' (or) is not lexlog: a rule's body is a conjunction",
            span,
            expected,
            hint="write one rule for each alternative: p(X) :- q(X).  p(X) :- r(X).",
        )
    shown = repr(char) if not char.isprintable() or char == " " else f"'{char}'"
    return LexlogSyntaxError(f"unexpected character {shown}", span, expected, hint)


def _unexpected_token(error: UnexpectedToken, text: str, file: str) -> LexlogSyntaxError:
    token = error.token
    expected_names = set(error.expected)
    expected = _describe_expected(expected_names)
    if token.type == "$END":
        line, column = _end_position(text)
        return LexlogSyntaxError(
            "the input ended in the middle of a statement",
            Span(file, line, column, line, column + 1),
            expected,
            hint="end each statement with '.'" if "DOT" in expected_names else None,
        )
    span = _token_span(token)
    previous = _previous_token_end(error, text)
    if "DOT" in expected_names and previous is not None and previous[0] < (token.line or 0):
        line, column = previous
        return LexlogSyntaxError(
            "missing '.' at the end of this statement",
            Span(file, line, column, line, column + 1),
            expected,
            hint="every fact, rule and declaration ends with a full stop",
        )
    hint = (
        _collector_hint(token, text)
        or _token_hint(token, expected_names)
        or _note_hint(token, text, expected_names)
        or _context_hint(token, text)
    )
    return LexlogSyntaxError(f"unexpected {_describe_token(token)}", span, expected, hint)


def _token_hint(token: Token, expected: set[str]) -> str | None:
    if token.type in {"INPUT", "DERIVED", "OUTPUT", "AUTHORITY", "CONSTRAINT", "EXPECT", "INCLUDE", "NOT"}:
        if "SYMBOL" in expected:
            return f"'{token}' is a keyword of the language; choose another name"
    if token.type == "VARIABLE" and "SYMBOL" in expected and "VARIABLE" not in expected:
        return f"names here begin with a lower-case letter: did you mean '{token[0].lower() + token[1:]}'?"
    if token.type == "SYMBOL" and expected == {"VARIABLE", "RPAR", "COMMA"} or (
        token.type == "SYMBOL" and "VARIABLE" in expected and "SYMBOL" not in expected
    ):
        return f"argument names in a declaration are variables: did you mean '{token[0].upper() + token[1:]}'?"
    if token.type in {"EQUAL", "COLON"} and "IF" in expected:
        return "a rule is written head :- body"
    if token.type == "DOT" and "SYMBOL" in expected and "AT" not in expected:
        return "a statement cannot end here"
    if token.type == "LPAR" and "DOT" in expected:
        return "is a ',' or an operator missing before '('?"
    return None


_NOTE_SO_FAR = re.compile(r"@note(?:[ \t]+[a-z][A-Za-z0-9_]*)?[ \t]*$")


def _note_hint(token: Token, text: str, expected: set[str]) -> str | None:
    """A `@note` whose kind or text is missing: say how one is written and which kinds there are."""
    if not expected or not expected <= {"SYMBOL", "STRING"}:
        return None
    if not _NOTE_SO_FAR.search(text[: token.start_pos or 0].rstrip()):
        return None
    return f'a note is written @note KIND "text", where KIND is {_kinds_in_words()}'


def _kinds_in_words() -> str:
    kinds = list(NOTE_KINDS)
    return ", ".join(kinds[:-1]) + " or " + kinds[-1] if len(kinds) > 1 else kinds[0]


_PROLOG_COLLECTORS = re.compile(r"\b(findall|bagof|setof|aggregate_all)\s*\(")


def _collector_hint(token: Token, text: str) -> str | None:
    """`findall(X, q(X), L)` and its kin fail at their inner '(': say what they are."""
    statement = text[: token.start_pos or 0].rsplit(".", 1)[-1]  # rough, but enough to find the collector
    collector = _PROLOG_COLLECTORS.search(statement)
    return _collector_words(collector.group(1)) if collector else None


def _collector_words(name: str) -> str:
    return f"{name} is Prolog's; lexlog aggregates instead: N = count : {{ q(X) }} (also sum, min and max)"


def _context_hint(token: Token, text: str) -> str | None:
    start = token.start_pos or 0
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    if not before.strip():
        before = text[:start].rstrip().rsplit("\n", 1)[-1]  # the token opens a line: look at the line before
    words = before.replace("(", " ").split()
    if token.type == "LPAR" and words and words[-1] in KEYWORDS:
        return f"'{words[-1]}' is a reserved word of the language and cannot name a predicate here"
    if "%" in before:
        return "after an operand '%' is the remainder operator: put a comment after ',' or '.', or use //"
    return None


def _describe_token(token: Token) -> str:
    if token.type in TERMINAL_WORDS and token.type not in {"SYMBOL", "VARIABLE", "INT", "STRING", "PIN"}:
        return TERMINAL_WORDS[token.type]
    kind = {"SYMBOL": "name", "VARIABLE": "variable", "INT": "number", "STRING": "string", "PIN": "page"}.get(
        token.type, "text"
    )
    return f"{kind} '{token}'"


def _describe_expected(names: set[str]) -> tuple[str, ...]:
    words: list[str] = []
    names = set(names) - {"DATE_SHAPED"}  # lexed only to be refused: never what a user should write
    if names & _STATEMENT_STARTS and "SYMBOL" in names and len(names & _STATEMENT_STARTS) >= 5:
        names -= _STATEMENT_STARTS
        names -= {"VARIABLE"}
        words.append("a statement (a fact, rule, declaration, query, ...)")
        names.discard("SYMBOL")
    if len(names & _OPERATORS) >= 3:
        names -= _OPERATORS
        words.append("a comparison operator (= != < <= > >=)")
    if len(names & _ARITHMETIC) >= 3:
        names -= _ARITHMETIC
        words.append("an arithmetic operator (+ - * / %)")
    for name in sorted(names, key=lambda n: (n == "$END", TERMINAL_WORDS.get(n, n))):
        words.append(TERMINAL_WORDS.get(name, name.lower()))
    return tuple(dict.fromkeys(words))  # INT and DECIMAL are both "a number": say it once


def _previous_token_end(error: UnexpectedToken, text: str) -> tuple[int, int] | None:
    """Line and column just after the last non-blank, non-comment text before the offending token."""
    position = error.token.start_pos
    if position is None:
        return None
    before = _strip_trailing_comments(text[:position])
    if not before:
        return None
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return line, column


def _strip_trailing_comments(text: str) -> str:
    lines = text.rstrip().split("\n")
    while lines:
        stripped = lines[-1].strip()
        if not stripped or stripped.startswith("%") or stripped.startswith("//"):
            lines.pop()
            continue
        break
    return "\n".join(lines).rstrip()


def _end_position(text: str) -> tuple[int, int]:
    stripped = text.rstrip()
    line = stripped.count("\n") + 1
    column = len(stripped) - (stripped.rfind("\n") + 1) + 1
    return line, column


