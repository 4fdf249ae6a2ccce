"""The case page end to end in a real browser: headless Chromium from Debian's packages, driven by Selenium through
the system's chromedriver. One server (in this process, on a free port) and one browser serve the whole module.

A missing browser or driver fails these tests, naming the command that installs them: the page is not tested
otherwise, and a skip would hide that.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import pytest

from lexlog.kb import KnowledgeBase
from lexlog.repl.serve import create_app, listen, make_server, url_of

# One browser per worker that runs tests of this module (a module-scoped fixture): at most one per core.

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
INSTALL = "apt-get update && apt-get install -y chromium chromium-driver"
ZAPATA = str(Path(__file__).resolve().parent.parent / "kb" / "library" / "cases" / "zapata.dl")
DEFERRAL = "defers_qi_ruling(zapata_order)"
STEP_ONE = "finds_pleadings_overcome_qi_as_to(zapata_order, melson)"
# Without the network switched off, Chromium waits on services it cannot reach on a closed network.
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
)
T = TypeVar("T")


@pytest.fixture(scope="module")
def knowledge_base() -> KnowledgeBase:
    return KnowledgeBase.from_files([ZAPATA])


@pytest.fixture(scope="module")
def url(knowledge_base: KnowledgeBase) -> Iterator[str]:
    sock = listen("127.0.0.1", 0)
    server = make_server(create_app(knowledge_base))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "the server did not start"
    yield url_of(sock)
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def driver() -> Iterator[object]:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        pytest.fail(f"the browser tests need Chromium and its driver ({', '.join(missing)} missing): {INSTALL}")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not try to download a browser or a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="lexlog-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


# --- helpers ------------------------------------------------------------------------------------------------------


def wait(driver, condition: Callable[[object], T], seconds: float = 10) -> T:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, poll_frequency=0.02).until(condition)


def css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def one(driver, selector: str):
    return wait(driver, lambda d: (css(d, selector) or [None])[0])


def open_case(driver, url: str) -> None:
    driver.get(url)
    wait(driver, lambda d: d.execute_script("return document.body.dataset.state") == "ready")


def conclusion(atom: str) -> str:
    return f'details.conclusion[data-atom="{atom}"]'


def open_proof(driver, atom: str):
    details = one(driver, conclusion(atom))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", details)
    details.find_element("css selector", "summary").click()
    wait(driver, lambda d: css(d, f"{conclusion(atom)} .proof-body .tree"))
    return details


def shown(driver, selector: str) -> set[str]:
    return {element.get_attribute("data-atom") for element in css(driver, selector)}


def in_view(driver, element) -> bool:
    return driver.execute_script(
        "const box = arguments[0].getBoundingClientRect(); return box.top >= 0 && box.bottom <= window.innerHeight;", element
    )


# --- the page -----------------------------------------------------------------------------------------------------


def test_the_case_opens_with_its_facts_conclusions_and_date(driver, url: str, knowledge_base: KnowledgeBase) -> None:
    open_case(driver, url)
    assert one(driver, "#as-of-date").text == "2014-04-18"
    assert shown(driver, "details.conclusion") == {atom.text for atom in knowledge_base.conclusions()}
    fact = one(driver, 'li.fact[data-fact="discovery_order(zapata_order, melson)"]')
    origin = knowledge_base.facts()[next(a for a in knowledge_base.facts() if a.text == "discovery_order(zapata_order, melson)")]
    assert fact.find_element("css selector", ".origin").text == f"zapata.dl:{origin.span.line}"


def test_a_proof_expands_and_its_citations_lead_to_the_authorities(driver, url: str, knowledge_base: KnowledgeBase) -> None:
    open_case(driver, url)
    details = open_proof(driver, "appealable(zapata_order)")
    step = details.find_element("css selector", ".tree details.node.rule")
    assert step.get_attribute("open") is None  # the reasons below the first are folded
    step.find_element("css selector", "summary").click()
    wait(driver, lambda d: step.get_attribute("open") is not None)
    link = wait(driver, lambda d: [a for a in step.find_elements("css selector", "a.cite") if a.is_displayed()][0])
    name = link.get_attribute("data-authority")
    # the case name in italics, the rest upright, as a brief prints a citation
    assert link.find_element("css selector", "i").text == link.text.split(",")[0]
    link.click()
    wait(driver, lambda d: d.execute_script("return location.hash") == f"#authority-{name}")
    entry = one(driver, f"#authority-{name}")
    wait(driver, lambda d: in_view(d, entry))
    citation = {authority.name: authority.citation for authority in knowledge_base.authorities}[name]
    assert entry.find_element("css selector", ".citation").text == citation
    assert citation.startswith(entry.find_element("css selector", ".citation i").text + ",")


def test_dropping_a_fact_changes_the_conclusions_and_restoring_it_undoes_that(driver, url: str, knowledge_base: KnowledgeBase) -> None:
    without = knowledge_base.suppose([])
    assert without.retract_fact(DEFERRAL)
    lost = {atom.text for atom in knowledge_base.conclusions() - without.conclusions()}
    assert lost
    open_case(driver, url)
    checkbox = one(driver, f'li.fact[data-fact="{DEFERRAL}"] input.holds')
    checkbox.click()
    wait(driver, lambda d: shown(d, "li.lost") == lost)
    # nothing gained: the box has no "Now follows" heading, and no stray "null" in its place
    assert "Now follows" not in one(driver, "#changes").text and "null" not in one(driver, "#changes").text
    assert one(driver, f'li.fact[data-fact="{DEFERRAL}"]').get_attribute("class").split() == ["fact", "dropped"]
    assert shown(driver, "details.conclusion") == {atom.text for atom in without.conclusions()}
    assert "drop=" in driver.current_url and not one(driver, "#what-if").get_attribute("hidden")
    one(driver, f'li.fact[data-fact="{DEFERRAL}"] input.holds').click()  # restore it
    wait(driver, lambda d: not css(d, "li.lost"))
    assert shown(driver, "details.conclusion") == {atom.text for atom in knowledge_base.conclusions()}
    assert "drop=" not in driver.current_url


def test_the_law_of_another_date_changes_the_conclusions_and_the_cases_own_date_restores_them(
    driver, url: str, knowledge_base: KnowledgeBase
) -> None:
    import datetime

    def date_shown(d) -> str:
        return d.execute_script("return document.getElementById('as-of-date').textContent")

    today = knowledge_base.at_text("today")
    open_case(driver, url)
    assert date_shown(driver) == "2014-04-18"
    field = one(driver, "#as-of-input")
    field.clear()
    field.send_keys("today")
    one(driver, "#as-of-form button[type=submit]").click()
    wait(driver, lambda d: date_shown(d) == datetime.date.today().isoformat())
    assert shown(driver, "details.conclusion") == {atom.text for atom in today.conclusions()}
    assert "appealable_on(zapata_order, pending_motion_to_dismiss)" in shown(driver, "details.conclusion.new")
    assert "as_of=today" in driver.current_url
    one(driver, "#as-of-reset").click()
    wait(driver, lambda d: date_shown(d) == "2014-04-18")
    assert shown(driver, "details.conclusion") == {atom.text for atom in knowledge_base.conclusions()}
    assert "as_of" not in driver.current_url


def test_a_supposed_fact_is_marked_in_the_facts_and_in_proofs(driver, url: str, knowledge_base: KnowledgeBase) -> None:
    from selenium.webdriver.support.ui import Select

    supposed = knowledge_base.suppose([STEP_ONE])
    new = {atom.text for atom in supposed.conclusions() - knowledge_base.conclusions()}
    open_case(driver, url)
    Select(one(driver, "#suppose-predicate")).select_by_value("finds_pleadings_overcome_qi_as_to")
    one(driver, '#suppose-fields input[name="Order"]').send_keys("zapata_order")
    one(driver, '#suppose-fields input[name="Defendant"]').send_keys("melson")
    assert one(driver, "#suppose-preview").text == STEP_ONE
    one(driver, "#suppose-form button[type=submit]").click()
    fact = one(driver, f'li.fact.supposed[data-fact="{STEP_ONE}"]')
    assert fact.find_element("css selector", ".badge.supposed").text == "supposed"
    wait(driver, lambda d: shown(d, "details.conclusion.new") == new)
    atom = sorted(atom for atom in new if "melson" in atom)[0]
    details = open_proof(driver, atom)
    wait(driver, lambda d: details.find_elements("css selector", ".node.fact.supposed .badge.supposed"))
    # a fact the knowledge base refuses is shown with lexlog's diagnostic and is not kept
    one(driver, '#suppose-fields input[name="Defendant"]').send_keys(" x")
    one(driver, "#suppose-form button[type=submit]").click()
    error = one(driver, "#error:not([hidden]) pre.diagnostic")
    assert "syntax_error" in error.text and "^" in error.text
    assert len(css(driver, "li.fact.supposed")) == 1
    # and it can be supposed no longer: the case is as filed again
    one(driver, f'li.fact.supposed[data-fact="{STEP_ONE}"] button.remove').click()
    wait(driver, lambda d: not css(d, "li.fact.supposed"))
    assert shown(driver, "details.conclusion") == {atom.text for atom in knowledge_base.conclusions()}


def test_why_not_answers_for_an_absent_conclusion(driver, url: str, knowledge_base: KnowledgeBase) -> None:
    from selenium.webdriver.support.ui import Select

    open_case(driver, url)
    Select(one(driver, "#why-not-predicate")).select_by_value("step_one_met_as_to")
    one(driver, '#why-not-fields input[name="Order"]').send_keys("zapata_order")
    one(driver, '#why-not-fields input[name="Defendant"]').send_keys("melson")
    one(driver, "#why-not-form button[type=submit]").click()
    answer = one(driver, "#why-not-answer:not([hidden]) .why-not-node")
    assert knowledge_base.why_not("step_one_met_as_to(zapata_order, melson)").status == "rules_fail"
    assert "every rule that could conclude it fails" in answer.find_element("css selector", "summary").text
    assert answer.find_elements("css selector", "li.attempt")


def test_a_conclusion_exports_as_a_memo(driver, url: str, knowledge_base: KnowledgeBase) -> None:
    from lexlog.kb import build_memo, render_memo

    atom = "appealable(zapata_order)"
    open_case(driver, url)
    details = open_proof(driver, atom)
    formats = [button.get_attribute("data-format") for button in details.find_elements("css selector", "button.export")]
    assert formats == ["markdown", "json", "dot", "memo"]
    details.find_element("css selector", 'button.export[data-format="memo"]').click()
    text = wait(driver, lambda d: details.find_element("css selector", 'pre.export-text[data-format="memo"]'))
    assert text.get_property("textContent") == render_memo(build_memo(knowledge_base, atom))
    assert details.find_element("css selector", "a.download").get_attribute("download") == "appealable-zapata_order-memo.md"
