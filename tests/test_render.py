"""Renderers: every construct renders in every format; citations and pins appear; JSON validates against the
documented schema; DOT is well formed (checked by a small reader of the DOT grammar: graphviz is not needed)."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, strategies as st

from lexlog.grammar import parse_atom
from lexlog.kb.atoms import ASSERTED, SUPPOSED, GroundAtom
from lexlog.kb.explanation import WhyNot, walk
from lexlog.kb.render import RENDERERS, SCHEMA, SCHEMA_ID, render
from lexlog.kb.render.dot import quote
from lexlog.kb.render.json import check_references
from lexlog.kb.render.markdown import escape
from lexlog.kb.whynot import explain_absence
from test_proofs import DERIVED, build, programs

SINK = r'''
authority backe = "Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)".
authority westbrook = "Westbrook v. Dallas County, No. 3:15-CV-2497-L, 2016 WL 1060253 (N.D. Tex. Mar. 16, 2016)".
input discovery_order(Order, Defendant) "the order {Order} lets discovery proceed against {Defendant}".
input finds(Order) "the order {Order} explicitly finds that the pleadings, taken as true, overcome qualified immunity".
output appealable(Order) "the order {Order} is immediately appealable".
derived titled(Case, Title) "the case {Case} is titled {Title}".

discovery_order(zapata_order, melson).
discovery_order(westbrook_order, dallas).
finds(westbrook_order).
caption(zapata_order, "Zapata v. \"Melson\"\nsecond line café ✓ \\").
n(-3). n(4).
stay_in_force.

@label no_step_one
@cite backe at 648, westbrook at *3
appealable(O) :- discovery_order(O, D), not finds(O).

titled(C, T) :- caption(C, T).
bigger(X, Y) :- n(X), n(Y), X < Y.
next(X, X + 1) :- n(X).
halt :- stay_in_force, not appealable(nobody).
path(X, Y) :- edge(X, Y).
path(X, Y) :- edge(X, Z), path(Z, Y).
edge(a, b). edge(b, a).
'''

SUPPOSED_FACT = GroundAtom("n", (10,))
ASSERTED_FACT = GroundAtom("edge", ("b", "c"))


@pytest.fixture(scope="module")
def sink():
    return build(SINK, {SUPPOSED_FACT: SUPPOSED, ASSERTED_FACT: ASSERTED})


def explanations(built):
    """One of everything: proofs of each construct, why-nots of each status."""
    prove = built.prover.prove
    out = {
        "rule_with_citations": prove(parse_atom("appealable(zapata_order)")),
        "string_value": prove(parse_atom('titled(zapata_order, "Zapata v. \\"Melson\\"\\nsecond line café ✓ \\\\")')),
        "comparison_negative_ints": prove(parse_atom("bigger(-3, 4)")),
        "head_arithmetic": prove(parse_atom("next(-3, -2)")),
        "zero_arity": prove(parse_atom("halt")),
        "supposed_fact": prove(parse_atom("n(10)")),
        "asserted_fact": prove(parse_atom("edge(b, c)")),
        "cyclic": prove(parse_atom("path(a, a)")),
    }
    why = lambda text, depth=2: explain_absence(built.prover, parse_atom(text), depth)  # noqa: E731
    out.update(
        {
            "why_negation": why("appealable(westbrook_order)"),
            "why_missing_input": why("appealable(nobody)"),
            "why_input": why("finds(zapata_order)"),
            "why_no_rule": why("unheard_of(1)"),
            "why_comparison": why("bigger(4, -3)"),
            "why_head": why("next(4, 7)"),
            "why_cut_off": why("path(a, z)", 0),
            "why_recursive": why("path(a, z)", 5),
            "why_follows": why("appealable(zapata_order)"),
        }
    )
    return out


def test_every_construct_renders_in_every_format(sink):
    for name, explanation in explanations(sink).items():
        goal = explanation.goal if isinstance(explanation, WhyNot) else explanation.atom
        for format in RENDERERS:
            text = render(explanation, format)
            assert text.endswith("\n") and len(text) > 10, (name, format)
        # Each format says what it explains: the atom in the text tree and in the JSON document, a graph for DOT.
        assert render(explanation, "text").startswith(goal.text), name
        document = json.loads(render(explanation, "json"))
        root = document["nodes"][document["root"]]
        assert (root.get("atom") or root.get("goal"))["text"] == goal.text, name
        assert render(explanation, "dot").startswith("digraph"), name
        assert "\x1b[" in render(explanation, "text", colour=True)
        assert "\x1b[" not in render(explanation, "text")


def test_statuses_are_the_ones_asked_for(sink):
    things = explanations(sink)
    statuses = {name: thing.status for name, thing in things.items() if isinstance(thing, WhyNot)}
    assert statuses["why_input"] == "not_a_fact" and statuses["why_no_rule"] == "no_rule"
    assert statuses["why_follows"] == "follows" and statuses["why_negation"] == "rules_fail"
    assert "cut_off" in {n.status for n in walk(things["why_cut_off"]) if isinstance(n, WhyNot)}
    assert "see_above" in {n.status for n in walk(things["why_recursive"]) if isinstance(n, WhyNot)}


PINNED_BACKE = "Backe v. LeBlanc, 691 F.3d 645, 648 (5th Cir. 2012)"
PINNED_WESTBROOK = "2016 WL 1060253, at *3 (N.D. Tex. Mar. 16, 2016)"


def test_text_shows_tree_readings_citations_and_origins(sink):
    things = explanations(sink)
    text = render(things["rule_with_citations"], "text")
    assert text.splitlines()[0] == "appealable(zapata_order): the order zapata_order is immediately appealable"
    assert PINNED_BACKE in text and PINNED_WESTBROOK in text
    assert "by rule no_step_one (case.dl:" in text
    assert "  - discovery_order(zapata_order, melson): the order zapata_order lets discovery proceed against melson" in text
    assert "fact at case.dl:9" in text
    assert "not provable: absent from the model" in text
    assert "supposed (what-if)" in render(things["supposed_fact"], "text")
    assert "asserted in the session" in render(things["asserted_fact"], "text")
    assert "-3 < 4 holds (X < Y)" in render(things["comparison_negative_ints"], "text")
    assert "4 < -3 is false" in render(things["why_comparison"], "text")
    assert "is next(4, 5)" in render(things["why_head"], "text")
    assert "not explored further" in render(things["why_cut_off"], "text")
    assert "no rule concludes it" in render(things["why_no_rule"], "text")
    assert "it is not among the facts" in render(things["why_input"], "text")
    # a string with a newline stays on its line
    string = render(things["string_value"], "text")
    assert '\\nsecond line café ✓' in string and all(not line.startswith("second") for line in string.splitlines())


def test_markdown_is_memo_prose_with_pin_cites(sink):
    things = explanations(sink)
    memo = render(things["rule_with_citations"], "markdown")
    first = memo.splitlines()[0]
    assert first.startswith("The order zapata_order is immediately appealable because (1) the order zapata_order lets")
    assert "it does not follow that the order zapata_order explicitly finds that the pleadings, taken as true," in first
    # case names in italics, as a brief prints them
    italic_backe = PINNED_BACKE.replace("Backe v. LeBlanc", "*Backe v. LeBlanc*")
    assert first.endswith(f"({italic_backe}; *Westbrook v. Dallas County*, No. 3:15-CV-2497-L, {PINNED_WESTBROOK}).")
    assert "\n- The order zapata_order lets discovery proceed against melson (fact, case.dl:9)." in memo
    why = render(things["why_negation"], "markdown")
    assert why.startswith("It does not follow that the order westbrook_order is immediately appealable")
    assert "  - With O = westbrook_order, the condition `not finds(O)` fails, because:" in why
    assert "    - The order westbrook_order explicitly finds" in why
    nested = render(things["why_missing_input"], "markdown")
    assert "the condition `discovery_order(O, D)` fails: it does not follow that the order nobody lets discovery " \
           "proceed against some defendant; it is not among the facts." in nested


def test_markdown_escaping_keeps_markup_out():
    assert escape("zapata_order") == "zapata_order"
    # a `*` after a space can only open emphasis; every `*` that could close it is escaped
    assert escape("_lead and *bold* [link](x) <b> `code`") == "\\_lead and *bold\\* \\[link\\](x) \\<b\\> \\`code\\`"
    assert escape("2016 WL 1060253, at *3 (N.D. Tex.)") == "2016 WL 1060253, at *3 (N.D. Tex.)"
    assert escape("two\nlines") == "two\\\\nlines"  # a literal backslash-n once rendered


def test_json_document_validates_and_keeps_values(sink):
    import jsonschema

    for name, explanation in explanations(sink).items():
        document = json.loads(render(explanation, "json"))
        jsonschema.validate(document, SCHEMA)
        assert document["schema"] == SCHEMA_ID == "lexlog.explanation/2"
        assert check_references(document) == [], name
        assert document["kind"] == ("why_not" if isinstance(explanation, WhyNot) else "proof")
    things = explanations(sink)
    document = json.loads(render(things["rule_with_citations"], "json"))
    root = document["nodes"][document["root"]]
    assert root["type"] == "rule" and root["rule"]["label"] == "no_step_one"
    assert [c["pinned"] for c in root["rule"]["citations"]][0] == PINNED_BACKE
    assert root["rule"]["citations"][1]["pin"] == "*3"
    assert [c["case_name"] for c in root["rule"]["citations"]] == ["Backe v. LeBlanc", "Westbrook v. Dallas County"]
    assert root["binding"] == {"O": "zapata_order", "D": "melson"}
    kinds = [document["nodes"][i]["type"] for i in root["premises"]]
    assert kinds == ["fact", "absent"]
    ints = json.loads(render(things["comparison_negative_ints"], "json"))
    assert ints["nodes"][ints["root"]]["atom"]["arguments"] == [-3, 4]
    string = json.loads(render(things["string_value"], "json"))
    assert string["nodes"][string["root"]]["atom"]["arguments"][1] == 'Zapata v. "Melson"\nsecond line café ✓ \\'
    origins = {json.loads(render(things[k], "json"))["nodes"]["n0"]["origin"]["kind"] for k in ("supposed_fact", "asserted_fact")}
    assert origins == {"supposed", "asserted"}


def test_json_of_a_shared_subproof_names_it_once():
    built = build("a(1).\np(X) :- a(X).\nq(X) :- p(X), p(X).\n")
    document = json.loads(render(built.prover.prove(("q", (1,))), "json"))
    root = document["nodes"][document["root"]]
    assert root["premises"][0] == root["premises"][1] and len(document["nodes"]) == 3


# --- a reader of the DOT language, enough to check our output ----------------------------------------------------

_TOKEN = re.compile(r'\s*(?:(->)|([{}\[\];,=])|("(?:\\"|\\(?!")|[^"\\])*")|([A-Za-z_][A-Za-z0-9_]*|-?[0-9.]+))', re.S)


def dot_tokens(text: str) -> list[str]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        assert match, f"DOT syntax error at {text[position:position + 40]!r}"
        tokens.append(match.group(match.lastindex))
        position = match.end()
    return tokens


def parse_dot(text: str) -> tuple[set[str], list[tuple[str, str]], dict[str, str]]:
    """(nodes, edges, labels); asserts the statements follow the DOT grammar we use."""
    tokens = dot_tokens(text)
    assert tokens[0] == "digraph" and tokens[2] == "{" and tokens[-1] == "}"
    assert tokens.count("{") == 1 and tokens.count("}") == 1
    nodes, edges, labels = set(), [], {}
    i = 3
    while i < len(tokens) - 1:
        first = tokens[i]
        if first in ("graph", "node", "edge") or first.startswith('"'):
            if i + 1 < len(tokens) and tokens[i + 1] == "->":
                target = tokens[i + 2]
                assert first.startswith('"') and target.startswith('"')
                edges.append((first, target))
                i += 3
            else:
                i += 1
                if tokens[i] == "[":
                    i += 1
                    while tokens[i] != "]":
                        name, equals, value = tokens[i], tokens[i + 1], tokens[i + 2]
                        assert re.fullmatch(r"[A-Za-z_]+", name) and equals == "=", tokens[i : i + 3]
                        if name == "label":
                            labels[first] = value
                        i += 3
                        if tokens[i] == ",":
                            i += 1
                    i += 1
                if first.startswith('"'):
                    nodes.add(first)
            assert tokens[i] == ";", tokens[i - 3 : i + 1]
            i += 1
        else:
            raise AssertionError(f"unexpected DOT token {first!r}")
    return nodes, edges, labels


def test_dot_output_is_well_formed(sink):
    for name, explanation in explanations(sink).items():
        nodes, edges, labels = parse_dot(render(explanation, "dot"))
        assert nodes and all(a in nodes and b in nodes for a, b in edges), name
        assert set(labels) == nodes
    dot = render(explanations(sink)["rule_with_citations"], "dot")
    assert PINNED_BACKE in dot and "at *3" in dot
    string_dot = render(explanations(sink)["string_value"], "dot")
    assert '\\"Melson\\"' in string_dot and "café ✓" in string_dot


@pytest.mark.parametrize("text", ['say "hi"', "back\\slash", "ends with \\", "two\nlines", "tab\there", "\\\"", ""])
def test_dot_quoting_survives_any_text(text):
    source = f"digraph {quote('x')} {{ {quote('n')} [label={quote(text)}]; }}"
    nodes, _edges, _labels = parse_dot(source)
    assert nodes == {'"n"'}


def test_a_ten_thousand_step_proof_renders_in_every_format():
    n = 10_000
    built = build("\n".join(f"e({i}, {i + 1})." for i in range(n)) + "\nr(0).\nr(Y) :- r(X), e(X, Y).\n")
    proof = built.prover.prove(("r", (n,)))
    for format in RENDERERS:
        assert f"r({n})" in render(proof, format)


@given(programs(), st.data())
def test_generated_explanations_render_everywhere(text, data):
    built = build(text)
    atoms = list(built.model.atoms())
    chosen = []
    if atoms:
        predicate, row = data.draw(st.sampled_from(atoms))
        chosen.append(built.prover.prove((predicate, row)))
    predicate, arity = data.draw(st.sampled_from(DERIVED))
    row = tuple(data.draw(st.sampled_from([1, 2, "k"])) for _ in range(arity))
    chosen.append(explain_absence(built.prover, (predicate, row), data.draw(st.integers(0, 2))))
    for explanation in chosen:
        document = json.loads(render(explanation, "json"))
        assert check_references(document) == []
        parse_dot(render(explanation, "dot"))
        render(explanation, "markdown")
        render(explanation, "text", colour=True)


def test_one_authority_cited_at_several_pins_reads_as_one_citation() -> None:
    from lexlog.grammar import parse
    from lexlog.kb.explanation import Vocabulary, rule_ref

    program = parse(
        'authority carswell = "Carswell v. Camp, 54 F.4th 307 (5th Cir. 2022)".\n'
        'authority backe = "Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)".\n'
        "@cite carswell at 310, backe at 648, carswell at 311-12, carswell, carswell at 310\n"
        "h(X) :- b(X)."
    )
    rule = program.statements[-1]
    texts = [cited.text for cited in rule_ref(rule, Vocabulary.of(program.statements)).citations]
    assert texts == [
        "Carswell v. Camp, 54 F.4th 307, 310, 311-12 (5th Cir. 2022)",
        "Backe v. LeBlanc, 691 F.3d 645, 648 (5th Cir. 2012)",
    ]


# --- notes: every renderer shows a rule's @note lines where it shows its citations ------------------------------

NOTED = r'''
authority carswell = "Carswell v. Camp, 54 F.4th 307 (5th Cir. 2022)".
input order(O) "{O} is an order".
input pending_mtd(O) "a motion to dismiss on qualified immunity is pending when {O} is entered".
output appealable(O) "{O} is immediately appealable".
output leave_denied(O) "leave to take discovery is denied in {O}".

@label appeal_pending_motion_to_dismiss
@cite carswell at 311-12
@note later_law "Carswell (2022) postdates orders entered before it; the library applies it as current law."
appealable(O) :- order(O), pending_mtd(O).

@label leave_denied_while_mtd_pending
@note library_reading "The seeds do not say this in terms; it is the library's reading of Carswell."
leave_denied(O) :- appealable(O).

order(a). order(b). pending_mtd(a).
'''

LATER_LAW_TEXT = "Carswell (2022) postdates orders entered before it; the library applies it as current law."
READING_TEXT = "The seeds do not say this in terms; it is the library's reading of Carswell."
LATER_LAW_LINE = f"note (later law): {LATER_LAW_TEXT}"
READING_LINE = f"note (the library's own reading, no authority states it in terms): {READING_TEXT}"


@pytest.fixture(params=["clingo", "pydatalog"])
def noted(request):
    from lexlog.kb import KnowledgeBase

    return KnowledgeBase.from_source(NOTED, "noted.dl", engine=request.param)


def test_text_shows_each_note_on_a_line_under_its_rule(noted):
    proof = render(noted.explain("leave_denied(a)"), "text").splitlines()
    assert proof[:4] == [
        "leave_denied(a): leave to take discovery is denied in a",
        "  by rule leave_denied_while_mtd_pending (noted.dl:13)",
        "  " + READING_LINE,
        "  with O = a",
    ]
    assert proof[5:8] == [
        "      by rule appeal_pending_motion_to_dismiss (noted.dl:8) -- Carswell v. Camp, 54 F.4th 307, 311-12 (5th Cir. 2022)",
        "      " + LATER_LAW_LINE,
        "      with O = a",
    ]
    why_not = render(noted.why_not("leave_denied(b)"), "text").splitlines()
    assert why_not[1:3] == ["  rule leave_denied_while_mtd_pending (noted.dl:13):", "    " + READING_LINE]
    assert "            " + LATER_LAW_LINE in why_not
    coloured = render(noted.explain("appealable(a)"), "text", colour=True)
    assert f"\x1b[33m{LATER_LAW_LINE}\x1b[0m" in coloured


def test_markdown_shows_each_note_as_an_italic_line_under_its_step(noted):
    memo = render(noted.explain("leave_denied(a)"), "markdown").splitlines()
    assert memo[0].endswith("(rule leave_denied_while_mtd_pending).\\")
    assert memo[1] == (
        "_Note (the library's own reading, no authority states it in terms): The seeds do not say this in terms; "
        "it is the library's reading of Carswell._"
    )
    assert memo[3].endswith("(*Carswell v. Camp*, 54 F.4th 307, 311-12 (5th Cir. 2022)).\\")
    assert memo[4] == f"  _Note (later law): {LATER_LAW_TEXT}_"
    assert memo[5].startswith("  - a is an order")  # an identifier keeps its case at the start of a sentence
    why_not = render(noted.why_not("leave_denied(b)"), "markdown")
    attempt = "  - Under rule appeal_pending_motion_to_dismiss (*Carswell v. Camp*, 54 F.4th 307, 311-12 (5th Cir. 2022)):"
    assert f"{attempt}\\\n      _Note (later law): {LATER_LAW_TEXT}_\n" in why_not


def test_markdown_note_text_is_escaped_inside_the_italics():
    built = build('@note later_law "see *3 and [x](y) or a_b_"\nh(X) :- b(X).\nb(1).')
    memo = render(built.prover.prove(parse_atom("h(1)")), "markdown")
    assert "_Note (later law): see *3 and \\[x\\](y) or a_b\\__" in memo


def test_json_rule_objects_carry_their_notes_and_validate(noted):
    import jsonschema

    proof = json.loads(render(noted.explain("leave_denied(a)"), "json"))
    jsonschema.validate(proof, SCHEMA)
    rules = {node["rule"]["label"]: node["rule"] for node in proof["nodes"].values() if node["type"] == "rule"}
    assert rules["leave_denied_while_mtd_pending"]["notes"] == [{"kind": "library_reading", "text": READING_TEXT}]
    assert rules["appeal_pending_motion_to_dismiss"]["notes"] == [{"kind": "later_law", "text": LATER_LAW_TEXT}]
    why_not = json.loads(render(noted.why_not("leave_denied(b)"), "json"))
    jsonschema.validate(why_not, SCHEMA)
    attempts = [a for node in why_not["nodes"].values() if node["type"] == "why_not" for a in node["attempts"]]
    assert [a["rule"]["notes"][0]["kind"] for a in attempts] == ["library_reading", "later_law"]


def test_json_schema_rejects_an_unknown_note_kind_and_accepts_documents_without_notes(noted):
    import jsonschema

    document = json.loads(render(noted.explain("appealable(a)"), "json"))
    root = document["nodes"][document["root"]]
    root["rule"]["notes"][0]["kind"] = "dictum"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)
    del root["rule"]["notes"]  # as version 1 wrote it before notes existed
    jsonschema.validate(document, SCHEMA)


def test_dot_rule_nodes_carry_their_notes_in_the_label(noted):
    dot = render(noted.explain("leave_denied(a)"), "dot")
    _nodes, _edges, labels = parse_dot(dot)
    assert any(READING_LINE in label for label in labels.values())
    cited_then_noted = "Carswell v. Camp, 54 F.4th 307, 311-12 (5th Cir. 2022)\\n" + LATER_LAW_LINE + "\\nO = a"
    assert any(cited_then_noted in label for label in labels.values())
    attempts = render(noted.why_not("leave_denied(b)"), "dot")
    assert "rule leave_denied_while_mtd_pending (noted.dl:13)\\n" + READING_LINE in attempts


@pytest.mark.parametrize(
    ("citation", "markdown"),
    [
        ("Backe v. LeBlanc, 691 F.3d 645, 648 (5th Cir. 2012)", "*Backe v. LeBlanc*, 691 F.3d 645, 648 (5th Cir. 2012)"),
        ("Wicks v. Miss. State Emp't Servs., 41 F.3d 991, 994 (5th Cir. 1995)", "*Wicks v. Miss. State Emp't Servs.*, 41 F.3d 991, 994 (5th Cir. 1995)"),
        ("In re Flint Water Cases, 960 F.3d 303 (6th Cir. 2020)", "*In re Flint Water Cases*, 960 F.3d 303 (6th Cir. 2020)"),
        ("28 U.S.C. § 1291", "28 U.S.C. § 1291"),  # a statute has no case name
        ("Fed. R. Civ. P. 26(c)", "Fed. R. Civ. P. 26(c)"),
    ],
)
def test_markdown_italicises_case_names_only(citation: str, markdown: str) -> None:
    from lexlog.kb.render.markdown import citation_markdown

    assert citation_markdown(citation) == markdown


# --- readings: constants, open arguments, sentence case, comparisons in words ---------------------------------------

READINGS = r'''
input claim(Plaintiff, Amount: money) "{Plaintiff} claims {Amount}".
input served(Party, Day: date) "{Party} was served on {Day}".
input order(Order, Ground) "the order {Order} was entered on the ground that {Ground}".
input allows(Order, Request) "the order {Order} allows {Request}".
output over_limit(Plaintiff) "the amount {Plaintiff} claims exceeds the jurisdictional amount".
output late(Party) "{Party} was served after the deadline".
output relief(Order) "the order {Order} is reviewable".

constant no_fact_question "the order identifies no question of fact".
constant oilco "Oilco LLC".

claim(oilco, 80000). claim(acme_llc, 70000).
served(oilco, 2024-05-01).
order(o1, no_fact_question).

over_limit(P) :- claim(P, A), A > 75000.
late(P) :- served(P, D), D > 2024-04-15.
relief(O) :- order(O, _), allows(O, R).
'''


def test_a_constant_reads_by_its_declared_words_wherever_a_reading_puts_it() -> None:
    from lexlog.kb import KnowledgeBase

    kb = KnowledgeBase.from_source(READINGS)
    memo = render(kb.explain("order(o1, no_fact_question)"), "markdown")
    assert memo.startswith("The order o1 was entered on the ground that the order identifies no question of fact")
    assert "no_fact_question" not in memo


def test_a_comparison_reads_in_words_with_money_and_dates_as_a_lawyer_writes_them() -> None:
    from lexlog.kb import KnowledgeBase

    kb = KnowledgeBase.from_source(READINGS)
    over = render(kb.explain("over_limit(oilco)"), "markdown")
    assert "because (1) Oilco LLC claims $80,000; and (2) $80,000 exceeds $75,000" in over
    late = render(kb.explain("late(oilco)"), "markdown")
    assert "May 1, 2024 is after April 15, 2024" in late
    why = render(kb.why_not("over_limit(acme_llc)"), "markdown")
    # a false comparison says what holds instead
    assert "the condition `A > 75000` fails: $70,000 is at most $75,000." in why


def test_an_identifier_keeps_its_case_at_the_start_of_a_sentence_and_a_reading_is_capitalised() -> None:
    from lexlog.kb import KnowledgeBase

    kb = KnowledgeBase.from_source(READINGS)
    assert render(kb.explain("claim(acme_llc, 70000)"), "markdown").startswith("acme_llc claims $70,000 (fact,")
    assert render(kb.explain("claim(oilco, 80000)"), "markdown").startswith("Oilco LLC claims $80,000 (fact,")


def test_an_open_argument_reads_as_some_thing_not_as_its_variable() -> None:
    from lexlog.kb import KnowledgeBase

    kb = KnowledgeBase.from_source(READINGS)
    why = render(kb.why_not("relief(o1)"), "markdown")
    assert "it does not follow that the order o1 allows some request" in why
    assert "Request" not in why


def test_markdown_says_once_what_fails_alike_for_several_values() -> None:
    from lexlog.kb import KnowledgeBase

    kb = KnowledgeBase.from_source(
        'input officer(D) "{D} is an officer".\ninput order(O) "{O} is an order".\n'
        'input general(O) "the order {O} allows general discovery".\noutput appealable(O) "{O} is appealable".\n'
        "officer(a). officer(b). officer(c). order(o1).\n"
        "appealable(O) :- order(O), officer(D), general(O).\n"
    )
    why = render(kb.why_not("appealable(o1)"), "markdown")
    assert "With O = o1, D = a, b, and c, the condition `general(O)` fails: it does not follow that the order o1 " \
           "allows general discovery; it is not among the facts." in why
    assert why.count("the condition `general(O)` fails") == 1


def test_markdown_orders_a_rules_citations_as_a_string_cite() -> None:
    from lexlog.kb import KnowledgeBase

    kb = KnowledgeBase.from_source(
        'authority westbrook = "Westbrook v. Dallas Cnty., No. 3:16-cv-1802-B (N.D. Tex. Dec. 28, 2016)".\n'
        'authority backe = "Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)".\n'
        'authority zapata = "Zapata v. Melson, 750 F.3d 481 (5th Cir. 2014)".\n'
        'authority pearson = "Pearson v. Callahan, 555 U.S. 223 (2009)".\n'
        "p(a).\n@cite westbrook, backe at 648, zapata at 485, pearson at 232\nq(X) :- p(X).\n"
    )
    text = render(kb.explain("q(a)"), "markdown")
    names = re.findall(r"\*([A-Z][a-z]+) v\.", text)
    assert names == ["Pearson", "Zapata", "Backe", "Westbrook"]  # the Supreme Court, then newest first, then the district court
    assert render(kb.explain("q(a)"), "text").index("Westbrook") < render(kb.explain("q(a)"), "text").index("Pearson")  # the tree keeps the rule's order


def test_text_gives_a_comparison_in_words_beside_its_code() -> None:
    from lexlog.kb import KnowledgeBase

    kb = KnowledgeBase.from_source(READINGS)
    assert "- 80000 > 75000 holds (A > 75000): $80,000 exceeds $75,000" in render(kb.explain("over_limit(oilco)"), "text")
    assert "70000 > 75000 is false (A > 75000): $70,000 is at most $75,000" in render(kb.why_not("over_limit(acme_llc)"), "text")
