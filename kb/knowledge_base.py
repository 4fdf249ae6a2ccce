"""The knowledge base: the public face that the REPL, the command line and outside code use.

It holds the statements of the loaded files, the facts asserted in the session and, in a supposition, the supposed
facts. Every change is checked first and made only if it passes, so an error never loses what was there. The model
is computed by a backend (`lexlog.kb.engines`) when first needed after a change; explanations are computed by our
own layer from the rules and the model, so they are the same whichever backend evaluates.
"""

from __future__ import annotations

import copy
import datetime
import itertools
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Iterable, Optional, Sequence, Union

from lexlog.grammar import (
    Dialect,
    LexlogSyntaxError,
    parse_atom,
    parse_body,
    print_atom,
    print_body_item,
    print_statement,
    print_value,
    suggest,
)
from lexlog.grammar.tree import (
    COMPUTED_TERMS,
    Atom,
    Authority,
    BodyItem,
    AsOf,
    Conflict,
    Constant,
    Constraint,
    Declaration,
    Expectation,
    Fact,
    Literal,
    Program,
    Query,
    Rule,
    Span,
    Statement,
    Value,
    Variable,
    atom_variables,
    complement,
    term_variables,
)
from lexlog.grammar.values import order_key
from lexlog.kb import aggregates, arithmetic, cases_together
from lexlog.kb.checks import CheckOptions, check, check_query, fits_type, undefined_value
from lexlog.kb.defeasible_checks import uses_defeasible_logic
from lexlog.kb.dependency import strata
from lexlog.kb.diagnostics import Diagnostic, LexlogError
from lexlog.kb.engines import DEFAULT_ENGINE, get_engine
from lexlog.kb.engines.base import DEFAULT_BUDGET, DEFAULT_SECONDS, EvaluationBudgetExceeded, EvaluationProgram, Model, PredicateKey, Row
from lexlog.kb.atoms import ASSERTED, SUPPOSED, FactOrigin, GroundAtom
from lexlog.kb.in_force import LeftOut, relevant, resolve_as_of, split_in_force
from lexlog.kb.json_values import to_json
from lexlog.kb.loader import LoadedProgram, Loader
from lexlog.kb.matching import ModelIndex, atom_answers, plan_body, satisfying_bindings, solve, sorted_rows
from lexlog.kb.normalize import normalize_body, normalize_rule

if TYPE_CHECKING:
    # The explanation side (proofs, why-not answers, their wording) is imported when first asked for: a command
    # that only queries does not pay for it at start-up.
    from lexlog.kb import defeasible  # imported when a program has a defeasible part
    from lexlog.kb.explanation import Proof, RuleStep, Vocabulary, WhyNot
    from lexlog.kb.proofs import Prover

Goal = Union[str, Sequence[BodyItem]]


@dataclass(frozen=True)
class QueryResult:
    """The answers to a query: one binding of its named variables per answer, in a stable order."""

    query: str
    variables: tuple[str, ...]
    rows: tuple[Row, ...]
    """Each answer's values, in the order of `variables`."""

    @cached_property
    def answers(self) -> tuple[dict[str, Value], ...]:
        """Each answer as a binding: `{"O": "zapata_order"}`."""
        return tuple(dict(zip(self.variables, row)) for row in self.rows)

    @property
    def holds(self) -> bool:
        return bool(self.rows)

    @property
    def is_ground(self) -> bool:
        return not self.variables

    def to_dict(self) -> dict[str, object]:
        """`{"query": "appealable(O)", "answers": [{"O": "zapata_order"}]}`; a true ground query has `[{}]`."""
        variables = self.variables
        if set(map(type, itertools.chain.from_iterable(self.rows))) <= {int, str}:  # JSON's own: nothing to convert
            answers = [dict(zip(variables, row)) for row in self.rows]
        else:
            answers = [dict(zip(variables, map(to_json, row))) for row in self.rows]
        return {"query": self.query, "answers": answers}

    def table(self) -> str:
        """The answers for people: `yes.`/`no.` for a ground query, else a numbered table."""
        if self.is_ground:
            return "yes." if self.holds else "no."
        if not self.rows:
            return "no answers."
        header = ["#", *self.variables]
        rows = [[str(number), *map(print_value, row)] for number, row in enumerate(self.rows, 1)]
        widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
        lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in [header, *rows]]
        lines.insert(1, "  ".join("-" * width for width in widths))
        count = len(self.rows)
        lines.append(f"({count} answer{'s' if count != 1 else ''})")
        return "\n".join(lines)


@dataclass(frozen=True)
class ExpectationResult:
    expectation: Expectation
    passed: bool
    answers: tuple[dict[str, Value], ...] = ()

    @property
    def text(self) -> str:
        return f"expect {'' if self.expectation.positive else 'not '}{print_atom(self.expectation.atom)}"


@dataclass(frozen=True)
class Violation:
    """An integrity constraint whose body holds, with the binding that makes it hold."""

    constraint: Constraint
    binding: dict[str, Value]


@dataclass
class _State:
    """Everything a knowledge base knows; copied for a supposition, so the original never changes."""

    statements: list[Statement] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    asserted: dict[GroundAtom, Fact] = field(default_factory=dict)
    supposed: dict[GroundAtom, Fact] = field(default_factory=dict)
    retracted: set[GroundAtom] = field(default_factory=set)


class KnowledgeBase:
    """Load rules, assert and retract facts, query, explain why and why not, suppose.

    Each instance is isolated: its own statements, its own backend instance, its own model.
    """

    def __init__(
        self,
        engine: str = DEFAULT_ENGINE,
        dialect: Dialect = "lexlog",
        options: CheckOptions = CheckOptions(),
        budget: int = DEFAULT_BUDGET,
        seconds: float = DEFAULT_SECONDS,
        policy: defeasible.Policy = "blocking",
        specificity: bool = False,
    ) -> None:
        self.engine_name = engine
        # how a defeasible part resolves ambiguity (see lexlog.kb.defeasible), and the date the law is taken as of
        self.policy: defeasible.Policy = policy
        # lex specialis: between contrary rules that no @overrides orders, the more specific prevails
        self.specificity = specificity
        self.as_of: datetime.date | None = None
        # the work and time an evaluation may take (see lexlog.kb.engines.base.DEFAULT_BUDGET)
        self.budget, self.seconds = budget, seconds
        self._engine = get_engine(engine)
        self.dialect: Dialect = dialect
        self.options = options
        self._state = _State()
        self._invalidate()
        self.last_evaluation_seconds = 0.0

    # --- loading ----------------------------------------------------------------------------------------------

    @classmethod
    def from_files(cls, paths: Iterable[str], engine: str = DEFAULT_ENGINE) -> "KnowledgeBase":
        knowledge_base = cls(engine)
        knowledge_base.load_files(list(paths))
        return knowledge_base

    @classmethod
    def from_source(cls, text: str, name: str = "<input>", engine: str = DEFAULT_ENGINE, dialect: Dialect = "lexlog") -> "KnowledgeBase":
        knowledge_base = cls(engine, dialect)
        knowledge_base.load_source(text, name)
        return knowledge_base

    def load_files(self, paths: list[str]) -> tuple[Diagnostic, ...]:
        """Add the files (and what they include). Returns the warnings; raises LexlogError, changing nothing."""
        loader = self._loader()
        for path in paths:
            loader.load_file(path)
        return self._accept(loader.result, paths)

    def load_source(self, text: str, name: str = "<input>") -> tuple[Diagnostic, ...]:
        loader = self._loader()
        loader.load_text(text, name)
        return self._accept(loader.result, [])

    def load_statements(self, statements: Iterable[Statement], sources: dict[str, str] | None = None) -> tuple[Diagnostic, ...]:
        """Add statements built elsewhere (an adapter, a generator); checked like a file."""
        loaded = LoadedProgram(list(statements), dict(sources or {}))
        return self._accept(loaded, [])

    def reload(self) -> tuple[Diagnostic, ...]:
        """Read every loaded file again from disk, keeping the session's assertions. Raises, changing nothing."""
        loader = Loader(self.dialect)
        for path in self._state.files:
            loader.load_file(path)
        candidate = copy.copy(self._state)
        candidate.statements, candidate.sources = [], {}
        return self._accept(loader.result, [], base=candidate)

    def _loader(self) -> Loader:
        # Files already loaded count as loaded, so including them again adds nothing twice.
        return Loader(self.dialect, already_loaded=self._state.sources)

    def _accept(self, loaded: LoadedProgram, paths: list[str], base: _State | None = None) -> tuple[Diagnostic, ...]:
        state = copy.copy(base or self._state)
        state.statements = state.statements + loaded.statements
        state.sources = {**state.sources, **loaded.sources}
        state.files = state.files + [path for path in paths if path not in state.files]
        diagnostics = list(loaded.diagnostics) + check(self._program(state), self.options)
        errors = [d for d in diagnostics if d.is_error]
        if errors:
            raise LexlogError(diagnostics, state.sources)
        self._state = state
        self._invalidate()
        return tuple(diagnostics)

    # --- facts ------------------------------------------------------------------------------------------------

    def assert_fact(self, fact: Union[str, Atom], evaluate: bool = False) -> GroundAtom:
        """Add a fact for this session. Raises LexlogError (located in the given text), changing nothing. With
        `evaluate`, the knowledge base is first evaluated with the fact, so that a fact whose evaluation fails (past
        the evaluation budget) is refused as well; the model is kept for the next question. A computation without
        variables in an argument stands for its value (`p(1 / 3)`)."""
        atom = self._ground(fact, "<input>")
        ground = _ground_atom(atom)
        state = copy.copy(self._state)
        state.asserted = {**state.asserted, ground: Fact(atom, span=atom.span)}
        state.retracted = state.retracted - {ground}
        self._check_fact(state, atom, fact)
        trial = self._copy_with(state, rules_changed=False) if evaluate else None
        model = trial.model if trial is not None else None  # raises, changing nothing
        self._state = state
        self._invalidate(rules_changed=False)
        if trial is not None:
            self._model, self.last_evaluation_seconds = model, trial.last_evaluation_seconds
            self._outcome = trial._outcome  # the defeasible part's conclusions go with the model
        return ground

    def retract_fact(self, fact: Union[str, Atom]) -> bool:
        """Remove a fact, whether asserted in the session, stated in a file, or both (asserted again at the prompt):
        afterwards it is not a fact. False if it was not a fact."""
        ground = _ground_atom(self._ground(fact, "<input>"))
        state = copy.copy(self._state)
        asserted = ground in state.asserted
        in_a_file = ground in self._file_facts() and ground not in state.retracted
        if not asserted and not in_a_file:
            return False
        if asserted:
            state.asserted = {key: value for key, value in state.asserted.items() if key != ground}
        if in_a_file:
            state.retracted = state.retracted | {ground}
        self._state = state
        self._invalidate(rules_changed=False)
        return True

    def suppose(self, facts: Iterable[Union[str, Atom]]) -> "KnowledgeBase":
        """A copy of this knowledge base in which the facts also hold, marked as supposed; this one is unchanged."""
        state = copy.copy(self._state)
        for fact in facts:
            atom = self._ground(fact, "<suppose>")
            ground = _ground_atom(atom)
            state.supposed = {**state.supposed, ground: Fact(atom, span=atom.span)}
            state.retracted = state.retracted - {ground}
            self._check_fact(state, atom, fact)
        return self._copy_with(state, rules_changed=False)

    def suppose_ground(self, atoms: Iterable[GroundAtom]) -> "KnowledgeBase":
        """`suppose` for a posture: ground atoms of declared `input` predicates, checked only against their
        declarations (an input predicate of that arity, values of the declared types) rather than by checking the
        whole program again per fact, so many postures can be tried on one loaded knowledge base. An atom of any other
        predicate goes through `suppose`'s full check (and may raise LexlogError)."""
        atoms = list(atoms)
        inputs = {d.key: d for d in self.declarations if d.kind == "input"}
        typed = all(
            atom.key in inputs
            and all(
                _is_value(value) and fits_type(value, inputs[atom.key].type_of(position) or "")
                for position, value in enumerate(atom.arguments)
            )
            for atom in atoms
        )
        trees = [Atom(atom.predicate, tuple(Constant(value) for value in atom.arguments)) for atom in atoms]
        if not typed:
            return self.suppose(trees)
        state = copy.copy(self._state)
        state.supposed = {**state.supposed, **{GroundAtom(a.predicate, tuple(a.arguments)): Fact(t) for a, t in zip(atoms, trees)}}
        state.retracted = state.retracted - {GroundAtom(a.predicate, tuple(a.arguments)) for a in atoms}
        return self._copy_with(state, rules_changed=False)

    def suppose_each(self, postures: Sequence[Iterable[GroundAtom]]) -> list["KnowledgeBase"]:
        """`suppose_ground` for each posture, all evaluated together in one pass (see `lexlog.kb.cases_together`):
        the copies answer, explain and test as if each had been evaluated on its own, at a fraction of the cost when
        the postures are many and small (a batch of cases)."""
        copies = [self.suppose_ground(posture) for posture in postures]
        case_strata = self.case_strata()
        if not copies or case_strata is None:
            return copies  # a defeasible part is decided per case, after its backend evaluation
        constraints = self.program.of_type(Constraint)
        fact_sets = [copy._evaluation_program().facts for copy in copies]
        try:
            models = cases_together.evaluate_cases(self._engine, case_strata, fact_sets, self.budget, self.seconds)
        except EvaluationBudgetExceeded as error:
            raise LexlogError([_over_budget(error)], self._state.sources) from None
        violated_key = (cases_together.VIOLATED_PREDICATE, 1)
        for copy, model in zip(copies, models):
            violated = model.rows(violated_key)
            copy._model = Model({key: rows for key, rows in model.relations.items() if key != violated_key})
            copy._violated_constraints = [constraints[number] for (number,) in sorted(violated)]  # type: ignore[index]
        return copies

    def case_strata(self) -> tuple[tuple[Rule, ...], ...] | None:
        """The rules in force and the integrity constraints, each constraint a rule concluding `#violated(N)` (N its
        place among the program's constraints), every predicate carrying the case (`lexlog.kb.cases_together`): what
        decides many postures in one evaluation, so that each knows which constraints it violates without matching
        their bodies against its model. None when the rules have a defeasible part, which is decided per case."""
        if self._defeasible_layer() is not None:
            return None
        if self._case_strata is None:
            constraints = self.program.of_type(Constraint)
            rules = [*self._normalised_rules(), *cases_together.constraint_rules(constraints)]
            self._case_strata = cases_together.rules_with_case(rules)
        return self._case_strata

    def _ground(self, fact: Union[str, Atom], name: str) -> Atom:
        atom = self._parse_atom(fact, name) if isinstance(fact, str) else fact
        atom = _computed_to_values(atom)
        for argument in atom.arguments:
            if isinstance(argument, COMPUTED_TERMS) and not term_variables(argument):
                sources = {argument.span.file: fact.strip()} if isinstance(fact, str) else {}
                raise LexlogError([undefined_value(argument.span)], sources)
        if not all(isinstance(argument, Constant) for argument in atom.arguments):
            raise _error(
                "not_ground",
                atom.span,
                f"{print_atom(atom)} has variables, but here every argument must be a value",
                f"to ask which values make it hold, query it ({print_atom(atom)}? at the prompt, lexlog query on the "
                "command line); to ask why no instance follows, ask why not",
                fact if isinstance(fact, str) else None,
            )
        return atom

    def _parse_atom(self, text: str, name: str) -> Atom:
        try:
            return parse_atom(text.strip(), name, self.dialect)
        except LexlogSyntaxError as error:
            raise LexlogError([Diagnostic.from_syntax_error(error)], {name: text.strip()}) from None

    def _check_fact(self, state: _State, atom: Atom, given: Union[str, Atom]) -> None:
        program = self._program(state)
        diagnostics = [d for d in check(program, self.options) if d.is_error]
        mine = [d for d in diagnostics if d.span.file == atom.span.file]
        declared = {d.key for d in program.of_type(Declaration)}
        # What the knowledge base itself uses: declarations, the files' facts and the rules' heads. A fact typed or
        # supposed for anything else would change nothing and read as if it had (a misspelt ruling, say), so in a
        # knowledge base with declarations it is an error.
        used = declared | {f.atom.key for f in state.statements if isinstance(f, Fact)}
        used |= {r.head.key for r in program.of_type(Rule)}
        if declared and atom.key not in used and not mine:
            close = suggest(atom.predicate, {name for name, _ in used})
            inputs = sorted(d.predicate for d in program.of_type(Declaration) if d.kind == "input")
            mine.append(
                Diagnostic(
                    "undefined_predicate",
                    "error",
                    atom.span,
                    f"'{atom.predicate}' is not a predicate of this knowledge base: the fact would change nothing",
                    f"did you mean {close}?" if close else "the input predicates are: " + ", ".join(inputs[:12])
                    + (", ..." if len(inputs) > 12 else ""),
                )
            )
        if mine:
            source = given if isinstance(given, str) else print_atom(atom)
            raise LexlogError(mine, {atom.span.file: source.strip()})

    # --- asking -----------------------------------------------------------------------------------------------

    def query(self, goal: Goal) -> QueryResult:
        """Every answer to a conjunction of literals, e.g. `appealable(O), not appealed(O)`."""
        body, text = self._body(goal)
        variables = _named_variables(body)
        normal = normalize_body(body)
        first = normal[0] if len(normal) == 1 else None
        if isinstance(first, Literal) and not first.negated:
            # One atom: read from its relation's rows; no index to build, no binding per answer.
            rows = atom_answers(first.atom, variables, self.model.distinct_rows(first.atom.key))
        else:
            rows = {tuple(binding[name] for name in variables) for binding in solve(plan_body(normal, ()), {}, self._index())}
        return QueryResult(text, variables, tuple(sorted_rows(rows)))

    def holds(self, atom: Union[str, Atom]) -> bool:
        ground = _ground_atom(self._ground(atom, "<input>"))
        return self.model.holds(ground.predicate, ground.arguments)

    def explain(self, atom: Union[str, Atom]) -> Proof:
        """The proof tree of a ground atom that follows. Raises LexlogError if it does not follow."""
        parsed = self._ground(atom, "<input>") if isinstance(atom, str) else atom
        self._check_goal(parsed, atom)
        ground = _ground_atom(parsed)
        if not self.model.holds(ground.predicate, ground.arguments):
            raise _error(
                "does_not_follow",
                parsed.span,
                f"{ground.text} does not follow, so there is no proof of it",
                f"ask why not: :whynot {ground.text}",
                atom if isinstance(atom, str) else None,
            )
        return self._prover().prove(ground)

    def ways(self, step: RuleStep) -> list[dict[str, Value]]:
        """Every binding under which the rule of a proof step concludes the step's atom, the step's own among them:
        the ways that rule reaches the same conclusion (for each officer, on each ground)."""
        rule = step.rule.rule
        outcome = self.defeasible_outcome
        if rule is None or (outcome is not None and rule.head.key in outcome.layer.keys):
            return []  # a defeasible rule's other instances may be defeated: the model alone does not say
        head = {variable.name for variable in atom_variables(rule.head)}
        fixed = {name: value for name, value in step.binding if name in head}
        return [dict(binding) for binding in satisfying_bindings(rule, self._index(), fixed)]

    def why_not(self, atom: Union[str, Atom], depth: Optional[int] = None, max_bindings: Optional[int] = None) -> WhyNot:
        """Each rule that could conclude the atom and the first condition that fails, to `depth` levels; at most
        `max_bindings` failing ways of applying each rule are detailed (the others are counted). Either left out:
        the why-not search's default (`lexlog.kb.whynot`)."""
        from lexlog.kb import whynot

        parsed = self._parse_atom(atom, "<input>") if isinstance(atom, str) else atom
        self._check_goal(parsed, atom)
        return whynot.explain_absence(
            self._prover(),
            parsed,
            whynot.DEFAULT_DEPTH if depth is None else depth,
            whynot.DEFAULT_MAX_BINDINGS if max_bindings is None else max_bindings,
        )

    def _check_goal(self, atom: Atom, given: Union[str, Atom]) -> None:
        """A misspelt predicate or a wrong arity is an error, as in a query, not a 'does not follow'."""
        problems = check_query(self.program, (Literal(atom, span=atom.span),), self.options)
        if problems:
            raise LexlogError(problems, {atom.span.file: given.strip()} if isinstance(given, str) else {})

    def expectations(self) -> list[ExpectationResult]:
        results = []
        for expectation in self.program.of_type(Expectation):
            answers = self.query((Literal(expectation.atom),)).answers
            results.append(ExpectationResult(expectation, bool(answers) == expectation.positive, answers))
        return results

    def violations(self) -> list[Violation]:
        """Every integrity constraint that holds, with each binding that makes it hold."""
        constraints = self._violated_constraints  # known when `suppose_each` evaluated the case
        if constraints == []:
            return []
        found = []
        index = self._index()
        for constraint in self.program.of_type(Constraint) if constraints is None else constraints:
            steps = plan_body(normalize_body(constraint.body), ())
            names = _named_variables(constraint.body)
            seen: set[tuple[Value, ...]] = set()
            for binding in solve(steps, {}, index):
                row = tuple(binding[name] for name in names)
                if row not in seen:
                    seen.add(row)
                    found.append(Violation(constraint, {name: binding[name] for name in names}))
        return found

    def _body(self, goal: Goal) -> tuple[tuple[BodyItem, ...], str]:
        if isinstance(goal, str):
            text = goal.strip()
            if text.startswith("?-"):
                text = text[2:].strip()
            if text.endswith("?"):
                text = text[:-1].rstrip()
            try:
                body = parse_body(text, "<query>", self.dialect)
            except LexlogSyntaxError as error:
                raise LexlogError([Diagnostic.from_syntax_error(error)], {"<query>": text}) from None
            sources = {"<query>": text}
        else:
            body = tuple(goal)
            sources = {}
        problems = self._query_problems(body)
        if problems:
            raise LexlogError(problems, sources)
        shown = ", ".join(print_body_item(item) for item in body)
        return body, shown

    def _query_problems(self, body: tuple[BodyItem, ...]) -> list[Diagnostic]:
        return check_query(self.program, body, self.options)

    def answer_atom(self, result: QueryResult, number: int) -> GroundAtom | None:
        """The instance of the query's first positive atom in answer `number` (from 1); None if it has none.

        Arguments the answer leaves open (`_` and other underscore-led variables) take their values from the first
        matching atom, in the same order as query answers.
        """
        body, _text = self._body(result.query)
        answer = result.answers[number - 1]
        for item in body:
            if isinstance(item, Literal) and not item.negated:
                arguments = tuple(
                    Constant(answer[argument.name]) if isinstance(argument, Variable) and argument.name in answer
                    else argument if isinstance(argument, Constant)
                    else Variable(f"LexlogOpen{position}")
                    for position, argument in enumerate(item.atom.arguments)
                )
                atom = Atom(item.atom.predicate, arguments, item.atom.span)
                instance = self.query((Literal(atom),))
                if not instance.answers:
                    return None
                first = instance.answers[0]
                row = tuple(a.value if isinstance(a, Constant) else first[a.name] for a in arguments)  # type: ignore[union-attr]
                return GroundAtom(atom.predicate, row)
        return None

    def without_rules(self, rules: Iterable[Rule]) -> "KnowledgeBase":
        """A copy of this knowledge base without the given rules (e.g. those resting on one authority); this one is
        unchanged. Removing rules keeps a checked program checked, so the copy is not checked again."""
        dropped = {id(rule) for rule in rules}
        state = copy.copy(self._state)
        state.statements = [s for s in state.statements if id(s) not in dropped]
        return self._copy_with(state, rules_changed=True)

    def at(self, as_of: datetime.date | None) -> "KnowledgeBase":
        """A copy of this knowledge base that applies the law in force on `as_of` (None: on the date the files
        state, else today; see `effective_date`); this one is unchanged. Rules whose `@since` is later, or whose
        `@until` is not later, do not fire in the copy."""
        copied = self._copy_with(copy.copy(self._state), rules_changed=True)
        copied.as_of = as_of
        return copied

    def with_policy(self, policy: defeasible.Policy) -> "KnowledgeBase":
        """A copy that resolves a defeasible part's ambiguity by `policy` (blocking or propagating)."""
        copied = self._copy_with(copy.copy(self._state), rules_changed=False)  # the same rules, decided otherwise
        copied.policy = policy
        return copied

    def at_text(self, text: str) -> "KnowledgeBase":
        """`at` for a date given as text: `2014-04-18`, `today` or an authority's name (its decision date).
        Raises LexlogError saying what is wrong."""
        try:
            when = resolve_as_of(text, self.authorities)
        except ValueError as error:
            raise _error("bad_as_of", Span("<as-of>", 1, 1, 1, len(text) + 1), str(error), None, text) from None
        return self.at(when)

    def left_out_for(self, explanation: object) -> list[LeftOut]:
        """The rules not in force that conclude a predicate the explanation is about."""
        from lexlog.kb.explanation import WhyNot, walk

        predicates = set()
        for node in walk(explanation):
            if isinstance(node, WhyNot):
                predicates.add(node.goal.predicate)
            elif hasattr(node, "atom"):
                predicates.add(node.atom.predicate)
        # a rule for the contrary (`~p` for `p`) would have contested the conclusion: it is relevant too
        predicates |= {complement(name) for name in predicates}
        return relevant(self.left_out, predicates)

    @property
    def effective_date(self) -> datetime.date:
        """The date whose law applies: the one asked for (`at`), else the one the files state (`as_of DATE.`;
        if they state several, none), else today."""
        if self.as_of is not None:
            return self.as_of
        stated = self.stated_dates
        # files stating different dates (several cases loaded together) agree on no date: today's law applies
        return next(iter(stated)) if len(stated) == 1 else datetime.date.today()  # type: ignore[return-value]

    @property
    def stated_dates(self) -> set[datetime.date]:
        """The `as_of` dates the loaded files state."""
        return {s.date for s in self._state.statements if isinstance(s, AsOf)}  # type: ignore[misc]

    @property
    def left_out(self) -> list[LeftOut]:
        """The rules not in force on the effective date, with why."""
        return split_in_force(self.rules, self.authorities, self.effective_date)[1]

    @property
    def rules_in_force(self) -> list[Rule]:
        rules = self.rules
        if not any(r.annotations.since or r.annotations.until for r in rules):
            return rules
        return split_in_force(rules, self.authorities, self.effective_date)[0]

    @property
    def conflicts(self) -> list[Conflict]:
        return [s for s in self._state.statements if isinstance(s, Conflict)]

    @property
    def defeasible_outcome(self) -> "defeasible.Outcome | None":
        """The defeasible part's conclusions for each of its ground literals; None for a program without one."""
        self.model  # noqa: B018 - evaluating decides the layer
        return self._outcome

    def conclusions(self) -> set[GroundAtom]:
        """Every atom of an output-declared predicate in the model (of every rule-concluded predicate if no
        predicate is declared output): what `:reload` and `:cite` compare."""
        outputs = {d.key for d in self.declarations if d.kind == "output"}
        keys = outputs or {rule.head.key for rule in self.rules}
        model = self.model
        return {GroundAtom(key[0], row) for key in keys for row in model.rows(key)}

    @staticmethod
    def statement_text(statement: Statement) -> str:
        """A statement in canonical source form, with its `@label` and `@cite` lines (as `lexlog fmt` prints it)."""
        return print_statement(statement)

    # --- what it holds ----------------------------------------------------------------------------------------

    @property
    def program(self) -> Program:
        return self._program(self._state)

    def _program(self, state: _State) -> Program:
        facts: list[Statement] = [fact for fact in state.asserted.values()]
        facts += [fact for fact in state.supposed.values()]
        return Program(tuple(state.statements) + tuple(facts), state.files[0] if state.files else "<input>")

    @property
    def sources(self) -> dict[str, str]:
        return dict(self._state.sources)

    @property
    def files(self) -> list[str]:
        return list(self._state.files)

    @property
    def rules(self) -> list[Rule]:
        return [s for s in self._state.statements if isinstance(s, Rule)]

    @property
    def authorities(self) -> list[Authority]:
        return [s for s in self._state.statements if isinstance(s, Authority)]

    @property
    def declarations(self) -> list[Declaration]:
        return [s for s in self._state.statements if isinstance(s, Declaration)]

    @property
    def queries(self) -> list[Query]:
        return [s for s in self._state.statements if isinstance(s, Query)]

    @property
    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:
            from lexlog.kb.explanation import Vocabulary

            self._vocabulary = Vocabulary.of(self._state.statements, self.effective_date)
        return self._vocabulary

    def facts(self) -> dict[GroundAtom, FactOrigin]:
        """Every base fact in force, with where it comes from."""
        origins: dict[GroundAtom, FactOrigin] = {}
        for ground, fact in self._file_facts().items():
            if ground not in self._state.retracted:
                origins[ground] = FactOrigin("file", fact.span)
        for ground in self._state.asserted:
            origins[ground] = ASSERTED
        for ground in self._state.supposed:
            origins.setdefault(ground, SUPPOSED)
        return origins

    @property
    def asserted(self) -> list[GroundAtom]:
        return list(self._state.asserted)

    @property
    def retracted(self) -> list[GroundAtom]:
        """Facts stated in files and retracted in this session, in the order of their text."""
        return sorted(self._state.retracted, key=lambda atom: atom.text)

    @property
    def model(self) -> Model:
        if self._model is None:
            started = time.perf_counter()
            program = self._evaluation_program()
            layer = self._defeasible_layer()
            try:
                if layer is None:
                    self._model = aggregates.evaluate(self._engine, program.strata, program.facts, self.budget, self.seconds)
                else:
                    from lexlog.kb import defeasible

                    self._model, self._outcome = defeasible.evaluate(
                        self._engine, program.strata, layer, program.facts, self.budget, self.seconds, self.policy,
                        self.specificity,
                    )
            except EvaluationBudgetExceeded as error:
                raise LexlogError([_over_budget(error)], self._state.sources) from None
            self.last_evaluation_seconds = time.perf_counter() - started
        return self._model

    # --- internals --------------------------------------------------------------------------------------------

    def _invalidate(self, rules_changed: bool = True) -> None:
        """Forget what was computed from the state; facts-only changes keep what comes of the rules alone."""
        self._model: Model | None = None
        self._violated_constraints: list[Constraint] | None = None  # None: not known without matching them
        self._outcome: defeasible.Outcome | None = None
        self._index_cache: ModelIndex | None = None
        self._prover_cache: Prover | None = None
        if rules_changed:
            self._vocabulary: Vocabulary | None = None
            self._normalised: list[Rule] | None = None
            self._strata: tuple[tuple[Rule, ...], ...] | None = None
            self._layer: defeasible.Layer | None | bool = False  # False: not yet built
            self._case_strata: tuple[tuple[Rule, ...], ...] | None = None

    def _copy_with(self, state: _State, rules_changed: bool) -> "KnowledgeBase":
        """Another knowledge base over `state`; this one is unchanged. The copy shares this one's backend, which
        keeps no facts between evaluations (only, for clingo, the translation of unchanged rules)."""
        if not rules_changed and self._strata is None:
            # Normalise and stratify the rules here, once, so that every copy (a posture, a batch case) shares them.
            self._strata = self._stratified()
        copied = copy.copy(self)
        copied._state = state
        copied._invalidate(rules_changed)
        return copied

    def _file_facts(self) -> dict[GroundAtom, Fact]:
        return {_ground_atom(s.atom): s for s in self._state.statements if isinstance(s, Fact)}

    def _normalised_rules(self) -> list[Rule]:
        if self._normalised is None:
            self._normalised = [normalize_rule(rule) for rule in self.rules_in_force]
        return self._normalised

    def _defeasible_layer(self) -> defeasible.Layer | None:
        """The defeasible part of the rules in force, built once per set of rules; None if there is none."""
        if self._layer is False:
            rules = self._normalised_rules()
            if uses_defeasible_logic(rules, self.conflicts):
                from lexlog.kb import defeasible

                plain, self._layer = defeasible.build_layer(rules, self.conflicts)
                self._plain_rules = plain
            else:
                self._layer = None
        return self._layer  # type: ignore[return-value]

    def _stratified(self) -> tuple[tuple[Rule, ...], ...]:
        """The strata the backend evaluates: every rule, or the plain part and the rules grounding the layer."""
        layer = self._defeasible_layer()
        if layer is None:
            return tuple(strata(self._normalised_rules()))
        return tuple(strata([*self._plain_rules, *layer.generated]))

    def _proof_rules(self) -> list[Rule]:
        """The rules a proof may use: every rule in force but the defeaters, which conclude nothing."""
        return [rule for rule in self._normalised_rules() if rule.annotations.kind != "defeater"]

    def _evaluation_program(self) -> EvaluationProgram:
        relations: dict[PredicateKey, set[Row]] = {}
        for ground in self.facts():
            relations.setdefault(ground.key, set()).add(ground.arguments)
        frozen = {key: frozenset(rows) for key, rows in relations.items()}
        if self._strata is None:
            self._strata = self._stratified()
        return EvaluationProgram(self._strata, frozen)

    def _index(self) -> ModelIndex:
        if self._index_cache is None:
            self._index_cache = ModelIndex(self.model)
        return self._index_cache

    def _prover(self) -> Prover:
        if self._prover_cache is None:
            from lexlog.kb.proofs import Prover

            model = self.model
            self._prover_cache = Prover(self._proof_rules(), model, self.facts(), self.vocabulary, self._outcome)
        return self._prover_cache


def _computed_to_values(atom: Atom) -> Atom:
    """`p(1 / 3)`, `served(c1, 2024-01-05 + 30)`: a computation without variables stands for its value (one with no
    value, such as `1 / 0`, is left as it is, for the caller to refuse)."""
    arguments = []
    for argument in atom.arguments:
        if isinstance(argument, COMPUTED_TERMS) and not term_variables(argument):
            value = arithmetic.evaluate(argument, {})
            if value is not None:
                argument = Constant(value, argument.span)
        arguments.append(argument)
    return Atom(atom.predicate, tuple(arguments), atom.span)


def _ground_atom(atom: Atom) -> GroundAtom:
    return GroundAtom(atom.predicate, tuple(argument.value for argument in atom.arguments))  # type: ignore[union-attr]


def _named_variables(body: Iterable[BodyItem]) -> tuple[str, ...]:
    """The query's variables in order of first appearance, without `_` and other underscore-led names."""
    names: list[str] = []
    for item in body:
        terms = item.atom.arguments if isinstance(item, Literal) else (item.left, item.right)
        for term in terms:
            for variable in term_variables(term):
                if not variable.name.startswith("_") and variable.name not in names:
                    names.append(variable.name)
    return tuple(names)


def _is_value(item: object) -> bool:
    try:
        order_key(item)  # type: ignore[arg-type]
    except TypeError:
        return False
    return True


def _over_budget(error: EvaluationBudgetExceeded) -> Diagnostic:
    return Diagnostic(
        "evaluation_budget",
        "error",
        Span("<evaluation>", 0, 0, 0, 0),
        str(error),
        "bound the recursion with a comparison that stops it (n(X + 1) :- n(X), X < 100.); `lexlog check` names "
        "recursive rules that compute new values",
    )


def _diagnostic(code: str, span: Span, message: str, hint: str | None) -> Diagnostic:
    return Diagnostic(code, "error", span, message, hint)


def _error(code: str, span: Span, message: str, hint: str | None, source: str | None) -> LexlogError:
    sources = {span.file: source.strip()} if source is not None else {}
    return LexlogError([_diagnostic(code, span, message, hint)], sources)

