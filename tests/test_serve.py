"""`lexlog serve`'s HTTP API, without a browser (Starlette's TestClient): the case page's JSON, proofs, why-not,
exports, the what-if as per-request state, and every bad request answered 400 with lexlog's own diagnostic."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from lexlog.kb import KnowledgeBase, bundled_library_files, render_dated
from lexlog.repl import cli
from lexlog.repl.serve import MAX_BODY, create_app

ZAPATA = str(Path(__file__).resolve().parent.parent / "kb" / "library" / "cases" / "zapata.dl")
ORDER_FACT = "defers_qi_ruling(zapata_order)"
STEP_ONE = "finds_pleadings_overcome_qi_as_to(zapata_order, melson)"


@pytest.fixture(scope="module")
def knowledge_base() -> KnowledgeBase:
    return KnowledgeBase.from_files([ZAPATA])


@pytest.fixture(scope="module")
def client(knowledge_base: KnowledgeBase) -> TestClient:
    return TestClient(create_app(knowledge_base), base_url="http://127.0.0.1")


def post(client: TestClient, path: str, **body: object):
    return client.post(path, json=body)


def texts(rows: list[dict]) -> set[str]:
    return {row["text"] for row in rows}


def line_of(path: str, text: str) -> int:
    """The line of the file that states `text.` (so the test follows the case file as it is edited)."""
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() == text + ".":
            return number
    raise AssertionError(f"{text} is not stated in {path}")


# --- the case ---------------------------------------------------------------------------------------------------


def test_the_case_shows_facts_with_origins_conclusions_authorities_and_the_date(client: TestClient, knowledge_base: KnowledgeBase) -> None:
    case = client.get("/api/case").json()
    assert case["files"] == [ZAPATA]
    facts = {row["text"]: row for row in case["facts"]}
    assert set(facts) == {atom.text for atom in knowledge_base.facts()}
    melson = facts["discovery_order(zapata_order, melson)"]
    origin = melson["origin"]
    assert origin["kind"] == "file" and os.path.samefile(origin["file"], ZAPATA)
    assert origin["line"] == line_of(ZAPATA, "discovery_order(zapata_order, melson)")
    assert origin["description"] == f"fact at {origin['file']}:{origin['line']}"
    assert melson["reading"] and "melson" in melson["reading"].lower() and not melson["dropped"]
    assert texts(case["conclusions"]) == {atom.text for atom in knowledge_base.conclusions()}
    assert "appealable(zapata_order)" in texts(case["conclusions"]) and case["lost"] == []
    # the form is built from the input declarations, each with its reading's {Param} placeholders
    inputs = {row["predicate"]: row for row in case["inputs"]}
    assert inputs["discovery_order"]["parameters"] == ["Order", "Defendant"]
    assert "{Order}" in inputs["discovery_order"]["reading"]
    assert {row["predicate"] for row in case["outputs"]} >= {"appealable", "appealable_on", "appealable_by"}
    authorities = {row["name"]: row for row in case["authorities"]}
    assert authorities["zapata"]["citation"].startswith("Zapata v. Melson") and authorities["zapata"]["decided"] == "2014-04-18"
    # Zapata is judged by the law of its own date; Carswell's later ground is left out, with the reason
    assert case["as_of"]["date"] == "2014-04-18" and case["as_of"]["source"] == "stated"
    left_out = {entry["label"]: entry for entry in case["as_of"]["left_out"]}
    assert "appeal_pending_motion_to_dismiss" in left_out and "2022-11-30" in left_out["appeal_pending_motion_to_dismiss"]["reason"]
    assert "melson" in case["constants"] and case["exports"] == ["markdown", "json", "dot", "memo"]


def test_dropping_a_fact_recomputes_the_conclusions_and_leaves_the_loaded_case_alone(client: TestClient, knowledge_base: KnowledgeBase) -> None:
    before = client.get("/api/case").json()
    dropped = post(client, "/api/case", what_if={"drop": [ORDER_FACT]}).json()
    expected = knowledge_base.suppose([])
    assert expected.retract_fact(ORDER_FACT)
    assert texts(dropped["conclusions"]) == {atom.text for atom in expected.conclusions()}
    assert texts(dropped["lost"]) == {atom.text for atom in knowledge_base.conclusions() - expected.conclusions()}
    assert dropped["lost"], "dropping the deferral changes what follows"
    fact = next(row for row in dropped["facts"] if row["text"] == ORDER_FACT)
    assert fact["dropped"] and fact["origin"]["kind"] == "file"
    assert client.get("/api/case").json() == before  # the what-if was the request's, not the server's


def test_a_supposed_fact_is_marked_and_its_new_conclusions_flagged(client: TestClient, knowledge_base: KnowledgeBase) -> None:
    case = post(client, "/api/case", what_if={"suppose": [STEP_ONE]}).json()
    fact = next(row for row in case["facts"] if row["text"] == STEP_ONE)
    assert fact["origin"]["kind"] == "supposed" and fact["origin"]["file"] is None
    supposed = knowledge_base.suppose([STEP_ONE])
    new = {row["text"] for row in case["conclusions"] if row["new"]}
    assert new == {atom.text for atom in supposed.conclusions() - knowledge_base.conclusions()}
    assert new, "a step-one finding as to melson concludes something new"
    # its proof shows the supposed fact as supposed
    atom = sorted(atom for atom in new if "melson" in atom)[0]
    document = post(client, "/api/explain", atom=atom, what_if={"suppose": [STEP_ONE]}).json()["explanation"]
    origins = {node["atom"]["text"]: node["origin"]["kind"] for node in document["nodes"].values() if node["type"] == "fact"}
    assert origins.get(STEP_ONE) == "supposed"


def test_the_law_of_another_date_is_a_what_if_too(client: TestClient, knowledge_base: KnowledgeBase) -> None:
    import datetime

    case = post(client, "/api/case", what_if={"as_of": "today"}).json()
    assert case["as_of"]["source"] == "what_if" and case["as_of"]["date"] == datetime.date.today().isoformat()
    today = knowledge_base.at_text("today")
    new = {row["text"] for row in case["conclusions"] if row["new"]}
    assert new == {atom.text for atom in today.conclusions() - knowledge_base.conclusions()}
    assert "appealable_on(zapata_order, pending_motion_to_dismiss)" in new  # Carswell (2022) is law today
    by_authority = post(client, "/api/case", what_if={"as_of": "carswell"}).json()["as_of"]
    assert by_authority["date"] == "2022-11-30"
    assert client.get("/api/case").json()["as_of"]["source"] == "stated"  # the loaded case is unchanged


def test_a_date_that_is_not_one_is_a_located_error(client: TestClient) -> None:
    assert_bad(post(client, "/api/case", what_if={"as_of": "2014-13-01"}), "bad_as_of")
    assert_bad(post(client, "/api/case", what_if={"as_of": 20140418}), "bad_request", "as_of")


# --- explanations -----------------------------------------------------------------------------------------------


def test_explain_gives_the_renderers_json_proof_with_citations(client: TestClient, knowledge_base: KnowledgeBase) -> None:
    answer = post(client, "/api/explain", atom="appealable(zapata_order)").json()
    proof = knowledge_base.explain("appealable(zapata_order)")
    assert answer["explanation"] == json.loads(render_dated(knowledge_base, proof, "json"))
    assert answer["text"] == render_dated(knowledge_base, proof, "text")
    document = answer["explanation"]
    assert document["schema"] == "lexlog.explanation/2" and document["kind"] == "proof"
    cited = {c["authority"] for node in document["nodes"].values() if node["type"] == "rule" for c in node["rule"]["citations"]}
    assert "zapata" in cited


def test_why_not_explains_an_absent_output(client: TestClient, knowledge_base: KnowledgeBase) -> None:
    atom = "step_one_met_as_to(zapata_order, melson)"
    answer = post(client, "/api/why-not", atom=atom).json()
    assert answer["status"] == knowledge_base.why_not(atom).status == "rules_fail"
    assert answer["explanation"]["kind"] == "why_not"
    pattern = post(client, "/api/why-not", atom="appealable_on(zapata_order, Ground)").json()
    assert pattern["status"] == "follows"  # a mistaken question, answered with the proof
    under_supposition = post(client, "/api/why-not", atom=atom, what_if={"suppose": [STEP_ONE]}).json()
    assert under_supposition["status"] == "follows"


@pytest.mark.parametrize("format, renderer, extension", [("markdown", "markdown", "md"), ("json", "json", "json"), ("dot", "dot", "dot")])
def test_exports_are_the_renderers_output(client: TestClient, knowledge_base: KnowledgeBase, format: str, renderer: str, extension: str) -> None:
    atom = "appealable(zapata_order)"
    exported = post(client, "/api/export", atom=atom, format=format).json()
    assert exported["text"] == render_dated(knowledge_base, knowledge_base.explain(atom), renderer)
    assert exported["filename"] == f"appealable-zapata_order.{extension}"


def test_the_memo_export_is_the_memo_renderers(client: TestClient, knowledge_base: KnowledgeBase) -> None:
    from lexlog.kb import build_memo, render_memo

    atom = "appealable(zapata_order)"
    exported = post(client, "/api/export", atom=atom, format="memo").json()
    assert exported["text"] == render_memo(build_memo(knowledge_base, atom))
    assert exported["filename"] == "appealable-zapata_order-memo.md" and exported["media_type"] == "text/markdown"


# --- bad requests -------------------------------------------------------------------------------------------------


def assert_bad(response, code: str, *words: str) -> dict:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == code, error
    for word in words:
        assert word in error["message"] or word in error["text"], (word, error)
    assert "Traceback" not in response.text
    return error


def test_a_syntax_error_is_located_with_a_caret(client: TestClient) -> None:
    error = assert_bad(post(client, "/api/explain", atom="appealable(zapata_order"), "syntax_error")
    assert (error["line"], error["column"]) == (1, 24)
    assert "appealable(zapata_order\n" in error["text"] and error["text"].rstrip().splitlines()[-2].endswith("^")
    bad_fact = assert_bad(post(client, "/api/case", what_if={"suppose": ["discovery_order(zapata_order melson)"]}), "syntax_error")
    assert bad_fact["text"].startswith("<suppose>:1:")


def test_unknown_atoms_wrong_arities_and_derived_facts_are_refused(client: TestClient) -> None:
    assert_bad(post(client, "/api/why-not", atom="appealible(zapata_order)"), "undefined_predicate", "appealible")
    assert_bad(post(client, "/api/explain", atom="appealable(zapata_order, melson)"), "arity_mismatch")
    assert_bad(post(client, "/api/case", what_if={"suppose": ["discovery_order(zapata_order)"]}), "arity_mismatch")
    assert_bad(post(client, "/api/case", what_if={"suppose": ["appealable(zapata_order)"]}), "not_an_input", "conclusion of the rules")
    assert_bad(post(client, "/api/case", what_if={"suppose": ["nosuch(x)"]}), "undefined_predicate", "nosuch")
    assert_bad(post(client, "/api/case", what_if={"drop": ["appealed(some_other_order)"]}), "not_a_fact")
    assert_bad(post(client, "/api/explain", atom="appealable(westbrook_order)"), "does_not_follow")
    assert_bad(post(client, "/api/explain", atom="appealable(O)"), "not_ground")


def test_malformed_requests_are_refused_in_json(client: TestClient) -> None:
    assert_bad(client.post("/api/case", content=b"x" * (MAX_BODY + 1), headers={"content-type": "application/json"}), "bad_request", "bytes")
    assert_bad(client.post("/api/case", content=b"{not json", headers={"content-type": "application/json"}), "bad_request", "not JSON")
    assert_bad(client.post("/api/case", content=b"[]", headers={"content-type": "application/json"}), "bad_request", "object")
    assert_bad(client.post("/api/case", content=b"{}", headers={"content-type": "text/plain"}), "bad_request", "JSON")
    assert_bad(post(client, "/api/case", what_if={"drop": "defers_qi_ruling(zapata_order)"}), "bad_request", "list")
    assert_bad(post(client, "/api/case", what_if={"drop": [], "other": []}), "bad_request")
    assert_bad(post(client, "/api/case", what_if={"suppose": ["appealed(o)"] * 201}), "bad_request", "at most")
    assert_bad(post(client, "/api/explain"), "bad_request", "atom")
    assert_bad(post(client, "/api/export", atom="appealable(zapata_order)", format="pdf"), "bad_request", "pdf")


def test_only_this_machines_names_are_answered(client: TestClient) -> None:
    assert client.get("/api/case", headers={"host": "attacker.example"}).status_code == 400
    assert client.get("/api/case", headers={"host": "testserver"}).status_code == 400  # no test-only name either
    assert client.get("/api/case", headers={"host": "127.0.0.1:8000"}).status_code == 200


def test_the_page_ships_whole_with_nothing_fetched_from_elsewhere(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and '<script src="/static/app.js"' in page.text
    for path in ("/static/app.js", "/static/style.css"):
        assert client.get(path).status_code == 200
    for text in (page.text, client.get("/static/app.js").text, client.get("/static/style.css").text):
        assert "http://" not in text and "https://" not in text and "//cdn" not in text


def test_concurrent_requests_each_get_their_own_what_if(client: TestClient) -> None:
    what_ifs = [{}, {"drop": [ORDER_FACT]}, {"suppose": [STEP_ONE]}]
    expected = [texts(post(client, "/api/case", what_if=w).json()["conclusions"]) for w in what_ifs]
    results: list[tuple[int, set[str]]] = []

    def ask(number: int) -> None:
        for _ in range(3):
            answer = post(client, "/api/case", what_if=what_ifs[number % 3]).json()
            results.append((number % 3, texts(answer["conclusions"])))

    threads = [threading.Thread(target=ask, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 18 and all(conclusions == expected[which] for which, conclusions in results)


def test_the_server_writes_no_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, knowledge_base: KnowledgeBase) -> None:
    monkeypatch.chdir(tmp_path)
    client = TestClient(create_app(knowledge_base))
    post(client, "/api/case", what_if={"drop": [ORDER_FACT], "suppose": [STEP_ONE]})
    for format in ("markdown", "json", "dot"):
        post(client, "/api/export", atom="appealable(zapata_order)", format=format)
    assert list(tmp_path.iterdir()) == []


# --- the command ------------------------------------------------------------------------------------------------


def test_serve_without_the_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delitem(sys.modules, "lexlog.repl.serve", raising=False)
    monkeypatch.setitem(sys.modules, "starlette", None)  # importing it now fails, as when it is not installed
    monkeypatch.setitem(sys.modules, "starlette.applications", None)
    assert cli.main(["serve", ZAPATA]) == cli.EXIT_INPUT_ERROR
    error = capsys.readouterr().err
    assert "pip install 'lexlog[serve]'" in error and "Traceback" not in error


def test_serve_defaults_to_the_prompts_files(monkeypatch: pytest.MonkeyPatch) -> None:
    import lexlog.repl.serve as serve_module

    seen: dict[str, object] = {}

    def fake_serve(knowledge_base: KnowledgeBase, host: str, port: int) -> None:
        seen.update(files=knowledge_base.files, host=host, port=port)

    monkeypatch.setattr(serve_module, "serve", fake_serve)
    assert cli.main(["serve"]) == cli.EXIT_OK
    assert seen == {"files": bundled_library_files(), "host": "127.0.0.1", "port": 0}


def test_lexlog_serve_prints_its_url_and_answers_there() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "lexlog.repl.cli", "serve", ZAPATA, "--as-of", "today"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("lexlog serve: http://127.0.0.1:"), line + process.stderr.read()  # type: ignore[union-attr]
        url = line.split()[2]
        with urllib.request.urlopen(url + "api/case", timeout=30) as response:
            case = json.load(response)
        assert case["as_of"]["source"] == "asked" and case["as_of"]["date"] == datetime.date.today().isoformat()
        # asked as of today, Carswell's ground is law: Zapata's order is appealable on it
        assert "appealable_on(zapata_order, pending_motion_to_dismiss)" in texts(case["conclusions"])
    finally:
        process.terminate()
        process.wait(timeout=10)
