"""Defeats (defeasible logic) in every renderer: the rules against a defeasible conclusion in a proof, and the
rule that prevails over (or conflicts with) a rule whose conditions hold in a why-not answer."""

from __future__ import annotations

import json

import pytest

from lexlog.grammar.tree import Span
from lexlog.kb import KnowledgeBase
from lexlog.kb.atoms import GroundAtom
from lexlog.kb.explanation import Defeat, RuleRef, RuleStep, WhyNot, walk
from lexlog.kb.render import SCHEMA, SCHEMA_ID, render
from lexlog.kb.render._common import defeat_words
from lexlog.kb.render.json import check_references
from lexlog.kb.render.markdown import code, escape
from test_render import parse_dot

BIRDS = """\
@label birds_fly
@defeasible
fly(X) :- bird(X).
@label penguins_do_not
@defeasible
@overrides birds_fly
~fly(X) :- penguin(X).
@label hurt
@defeater
~fly(X) :- injured(X).
bird(tweety). bird(opus). penguin(opus). bird(polly). injured(polly). bird(kiwi).
@label kiwi_rule
@defeasible
~fly(X) :- kiwi_bird(X).
kiwi_bird(kiwi).
"""

# A refuted condition (sick(tweety): the rule for ~sick overrides the one for sick) and a strict contrary (ostriches).
SICK = """\
@label birds_fly
@defeasible
fly(X) :- bird(X).
@label sick_birds_do_not
@defeasible
~fly(X) :- sick(X).
@label pale_is_sick
@defeasible
sick(X) :- pale(X).
@label strong_is_not_sick
@defeasible
@overrides pale_is_sick
~sick(X) :- strong(X).
@label ostriches
~fly(X) :- ostrich(X).
bird(tweety). pale(tweety). strong(tweety).
bird(ozzy). ostrich(ozzy).
"""

BIRDS_FLY = "rule birds_fly (birds.dl:1)"
PENGUINS = "rule penguins_do_not (birds.dl:4)"
OVERRIDDEN = f"{BIRDS_FLY} would conclude fly(opus), but {PENGUINS} overrides it"
PREVAILS = f"{PENGUINS} concludes ~fly(opus) and overrides this rule; it applies because:"
DEFEATER = "the defeater hurt (birds.dl:8) blocks it: it argues for ~fly(polly), and neither rule overrides the other"
CONFLICTS = "rule kiwi_rule (birds.dl:12) concludes ~fly(kiwi), and neither rule overrides the other"


@pytest.fixture
def birds(engine) -> KnowledgeBase:
    return KnowledgeBase.from_source(BIRDS, "birds.dl", engine=engine.name)


@pytest.fixture
def sick(engine) -> KnowledgeBase:
    return KnowledgeBase.from_source(SICK, "sick.dl", engine=engine.name)


def _defeats(explanation: object) -> list[Defeat]:
    return [node for node in walk(explanation) if isinstance(node, Defeat)]


# --- the shared words --------------------------------------------------------------------------------------------


def _ref(label: str | None, line: int = 0) -> RuleRef:
    span = Span("law.dl", line, 1, line, 10) if line else None
    return RuleRef(label, (), span, "q(X) :- r(X).")


FLY = GroundAtom("fly", ("tweety",))
NOT_FLY = GroundAtom("~fly", ("tweety",))
PENGUIN = GroundAtom("penguin", ("tweety",))


@pytest.mark.parametrize(
    "defeat, words",
    [
        (
            Defeat("overridden", _ref("x", 3), NOT_FLY, by=_ref("y", 7)),
            "rule x (law.dl:3) would conclude ~fly(tweety), but rule y (law.dl:7) overrides it",
        ),
        (
            Defeat("inapplicable", _ref("x"), NOT_FLY, condition=PENGUIN),
            "rule x would conclude ~fly(tweety), but its condition penguin(tweety) does not hold",
        ),
        (
            Defeat("unsupported", _ref("x"), NOT_FLY, condition=PENGUIN),
            "rule x would conclude ~fly(tweety), but its condition penguin(tweety) is not even supported",
        ),
        (
            Defeat("inapplicable", _ref("hurt"), NOT_FLY, condition=PENGUIN, defeater=True),
            "defeater hurt would argue for ~fly(tweety), but its condition penguin(tweety) does not hold",
        ),
        (
            Defeat("prevails", _ref("p"), NOT_FLY),
            "rule p concludes ~fly(tweety) and overrides this rule",
        ),
        (
            Defeat("conflicts", _ref("k"), NOT_FLY),
            "rule k concludes ~fly(tweety) and applies, and neither rule overrides the other",
        ),
        (
            Defeat("conflicts", _ref(None, 9), NOT_FLY, defeater=True),
            (
                "the defeater at law.dl:9 blocks it: it argues for ~fly(tweety) and applies, and neither rule"
                " overrides the other"
            ),
        ),
        (Defeat("definite", None, NOT_FLY), "the contrary ~fly(tweety) follows from facts and strict rules"),
        (
            Defeat("undecided", None, FLY),
            "the conclusion and its contrary depend on each other in a circle: neither is decided",
        ),
    ],
)
def test_defeat_words_for_every_kind(defeat: Defeat, words: str) -> None:
    assert defeat_words(defeat) == words


def test_defeat_words_let_a_renderer_mark_up_atoms_and_rule_titles() -> None:
    defeat = Defeat("overridden", _ref("x"), NOT_FLY, by=_ref("y"))
    marked = defeat_words(defeat, atom=lambda atom: f"<{atom.text}>", title=str.upper)
    assert marked == "RULE X would conclude <~fly(tweety)>, but RULE Y overrides it"


# --- text ----------------------------------------------------------------------------------------------------------


def test_text_proof_lists_the_rule_against_it_after_the_premises(birds: KnowledgeBase) -> None:
    proof = birds.explain("~fly(opus)")
    assert isinstance(proof, RuleStep) and [d.kind for d in proof.defeated] == ["overridden"]
    lines = render(proof, "text").splitlines()
    assert lines[:5] == [
        "~fly(opus)",
        f"  by {PENGUINS}",
        "  with X = opus",
        "  - penguin(opus)",
        "      fact at birds.dl:11",
    ]
    assert lines[5] == f"  - against: {OVERRIDDEN}"


def test_text_why_not_shows_the_prevailing_rule_and_why_it_applies(birds: KnowledgeBase) -> None:
    lines = render(birds.why_not("fly(opus)"), "text").splitlines()
    assert lines == [
        "fly(opus) does not follow: every rule that could conclude it fails",
        f"  {BIRDS_FLY}:",
        f"    with X = opus: the conditions hold, but {PREVAILS}",
        "      - penguin(opus)",
        "          fact at birds.dl:11",
    ]


def test_text_why_not_names_a_defeater_and_a_conflict(birds: KnowledgeBase) -> None:
    polly = render(birds.why_not("fly(polly)"), "text")
    assert f"with X = polly: the conditions hold, but {DEFEATER}; it applies because:" in polly
    assert "- injured(polly)" in polly
    kiwi = render(birds.why_not("fly(kiwi)"), "text")
    assert f"with X = kiwi: the conditions hold, but {CONFLICTS}; it applies because:" in kiwi
    assert "- kiwi_bird(kiwi)" in kiwi
    coloured = render(birds.why_not("fly(polly)"), "text", colour=True)
    assert "\x1b[31m" + DEFEATER in coloured


def test_text_shows_a_refuted_condition_and_a_definite_contrary(sick: KnowledgeBase) -> None:
    proof = render(sick.explain("fly(tweety)"), "text")
    assert (
        "- against: rule sick_birds_do_not (sick.dl:4) would conclude ~fly(tweety), but its condition sick(tweety)"
        " does not hold" in proof
    )
    why = render(sick.why_not("fly(ozzy)"), "text")
    assert "with X = ozzy: the conditions hold, but the contrary ~fly(ozzy) follows from facts and strict rules:" in why
    assert "by rule ostriches (sick.dl:14)" in why
    propagating = render(sick.with_policy("propagating").explain("fly(tweety)"), "text")
    assert "but its condition sick(tweety) is not even supported" in propagating


# --- markdown ----------------------------------------------------------------------------------------------------


def test_markdown_proof_and_why_not(birds: KnowledgeBase) -> None:
    memo = render(birds.explain("~fly(opus)"), "markdown")
    assert memo.splitlines() == [
        "`~fly(opus)` holds because `penguin(opus)` holds (rule penguins_do_not).",
        "",
        "- `penguin(opus)` holds (fact, birds.dl:11).",
        f"- Against this conclusion, {BIRDS_FLY} would conclude `fly(opus)`, but {PENGUINS} overrides it.",
    ]
    why = render(birds.why_not("fly(opus)"), "markdown").splitlines()
    assert why[2:] == [
        "- Under rule birds_fly:",
        (
            f"  - With X = opus, every condition holds, but {PENGUINS} concludes `~fly(opus)` and overrides this"
            " rule; it applies because:"
        ),
        "    - `penguin(opus)` holds (fact, birds.dl:11).",
    ]
    polly = render(birds.why_not("fly(polly)"), "markdown")
    assert "the defeater hurt (birds.dl:8) blocks it: it argues for `~fly(polly)`, and neither rule" in polly
    kiwi = render(birds.why_not("fly(kiwi)"), "markdown")
    assert "rule kiwi_rule (birds.dl:12) concludes `~fly(kiwi)`, and neither rule overrides the other" in kiwi
    assert "    - `kiwi_bird(kiwi)` holds (fact, birds.dl:15)." in kiwi


def test_markdown_definite_contrary_shows_its_proof(sick: KnowledgeBase) -> None:
    memo = render(sick.why_not("fly(ozzy)"), "markdown")
    assert "every condition holds, but the contrary `~fly(ozzy)` follows from facts and strict rules:" in memo
    assert "    - `~fly(ozzy)` holds because `ostrich(ozzy)` holds (rule ostriches)." in memo


# --- JSON ----------------------------------------------------------------------------------------------------------


def _document(explanation: object) -> dict:
    import jsonschema

    document = json.loads(render(explanation, "json"))  # type: ignore[arg-type]
    jsonschema.validate(document, SCHEMA)
    assert document["schema"] == SCHEMA_ID == "lexlog.explanation/2"
    assert check_references(document) == []
    return document


def test_json_proof_has_a_defeat_node_referenced_by_the_rule_step(birds: KnowledgeBase) -> None:
    document = _document(birds.explain("~fly(opus)"))
    root = document["nodes"][document["root"]]
    assert root["type"] == "rule" and len(root["defeated"]) == 1
    defeat = document["nodes"][root["defeated"][0]]
    assert defeat["type"] == "defeat" and defeat["kind"] == "overridden"
    assert defeat["rule"]["label"] == "birds_fly" and defeat["by"]["label"] == "penguins_do_not"
    assert defeat["concludes"]["text"] == "fly(opus)"
    assert defeat["condition"] is None and defeat["defeater"] is False and defeat["premises"] == []
    premise = document["nodes"][root["premises"][0]]
    assert premise["type"] == "fact" and "defeated" not in premise


def test_json_why_not_failure_refers_to_its_defeat(birds: KnowledgeBase) -> None:
    for goal, kind, label, defeater in [
        ("fly(opus)", "prevails", "penguins_do_not", False),
        ("fly(polly)", "conflicts", "hurt", True),
        ("fly(kiwi)", "conflicts", "kiwi_rule", False),
    ]:
        document = _document(birds.why_not(goal))
        root = document["nodes"][document["root"]]
        [failure] = root["attempts"][0]["failures"]
        assert failure["kind"] == "defeated"
        defeat = document["nodes"][failure["detail"]]
        assert (defeat["type"], defeat["kind"], defeat["rule"]["label"], defeat["defeater"]) == (
            "defeat",
            kind,
            label,
            defeater,
        ), goal
        assert defeat["by"] is None and len(defeat["premises"]) == 1
        assert document["nodes"][defeat["premises"][0]]["type"] == "fact"


def test_json_every_kind_validates(sick: KnowledgeBase) -> None:
    proof = _document(sick.explain("fly(tweety)"))
    [defeat] = [node for node in proof["nodes"].values() if node["type"] == "defeat"]
    assert defeat["kind"] == "inapplicable" and defeat["condition"]["text"] == "sick(tweety)"
    why = _document(sick.why_not("fly(ozzy)"))
    [defeat] = [node for node in why["nodes"].values() if node["type"] == "defeat"]
    assert defeat["kind"] == "definite" and defeat["rule"] is None
    assert why["nodes"][defeat["premises"][0]]["rule"]["label"] == "ostriches"


def test_check_references_wants_defeat_nodes_where_defeats_belong(birds: KnowledgeBase) -> None:
    document = _document(birds.why_not("fly(opus)"))
    failure = document["nodes"][document["root"]]["attempts"][0]["failures"][0]
    defeat_id = failure["detail"]
    fact_id = document["nodes"][defeat_id]["premises"][0]
    failure["detail"] = fact_id
    assert check_references(document) == [f"node {fact_id!r} is not a defeat"]
    proof = _document(birds.explain("~fly(opus)"))
    proof["nodes"][proof["root"]]["defeated"].append("n99")
    assert check_references(proof) == ["no node 'n99'"]


# --- DOT -----------------------------------------------------------------------------------------------------------


def test_dot_draws_a_defeat_node_with_a_dashed_edge(birds: KnowledgeBase) -> None:
    dot = render(birds.explain("~fly(opus)"), "dot")
    _nodes, edges, labels = parse_dot(dot)
    [defeat] = [node for node, label in labels.items() if "overrides it" in label]
    assert "rule birds_fly (birds.dl:1) would conclude fly(opus),\\nbut rule penguins_do_not" in labels[defeat]
    assert ('"n0"', defeat) in edges
    # the edge to the defeat comes after the dashed `against` default, the premise's before it
    lines = dot.splitlines()
    against = lines.index('  edge [style="dashed", label="against"];')
    assert lines.index(f'  "n0" -> {defeat};') > against > lines.index('  "n0" -> "n1";')
    assert 'shape="hexagon"' in dot


def test_dot_why_not_edge_from_the_failure_reads_defeated_by(birds: KnowledgeBase) -> None:
    cases = [("fly(opus)", "concludes ~fly(opus) and overrides this rule"), ("fly(polly)", "the defeater hurt")]
    for goal, words in cases:
        dot = render(birds.why_not(goal), "dot")
        nodes, edges, labels = parse_dot(dot)
        assert all(a in nodes and b in nodes for a, b in edges)
        [defeat] = [node for node, label in labels.items() if words in label]
        [failure] = [node for node, label in labels.items() if "is defeated" in label]
        assert (failure, defeat) in edges
        lines = dot.splitlines()
        assert lines.index(f"  {failure} -> {defeat};") > lines.index('  edge [style="dashed", label="defeated by"];')
        # the facts that make the prevailing rule apply hang under the defeat, by an ordinary edge
        assert any(a == defeat for a, _b in edges)


def test_every_renderer_shows_every_defeat(birds: KnowledgeBase, sick: KnowledgeBase) -> None:
    explanations = [
        birds.explain("~fly(opus)"),
        birds.why_not("fly(opus)"),
        birds.why_not("fly(polly)"),
        birds.why_not("fly(kiwi)"),
        sick.explain("fly(tweety)"),
        sick.why_not("fly(ozzy)"),
    ]
    for explanation in explanations:
        assert isinstance(explanation, (RuleStep, WhyNot))
        defeats = _defeats(explanation)
        assert defeats, explanation
        for defeat in defeats:
            words = defeat_words(defeat)
            assert words in render(explanation, "text")
            marked = defeat_words(defeat, atom=lambda atom: code(atom.text), title=escape)
            assert marked in render(explanation, "markdown")
            assert words.replace(", but ", ",\\nbut ").replace("; ", ";\\n") in render(explanation, "dot")
        document = _document(explanation)
        assert sum(node["type"] == "defeat" for node in document["nodes"].values()) == len(defeats)
