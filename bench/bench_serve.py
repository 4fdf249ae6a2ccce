"""The case page's speed: time to the first answer, and time to recompute after a what-if toggle.

    python bench/bench_serve.py [--runs N] [--case FILE] [--screenshots DIR]

Measured, each the median of N runs (default 7):

* start to first answer, HTTP: a fresh process loads the case, starts `lexlog serve` and answers GET /api/case;
  the clock runs from the process's start to the conclusions' JSON received (goal: under 1 s);
* navigation to conclusions, browser: headless Chromium opens the page; the clock runs from navigation start to
  the conclusions drawn (the page records `window.lexlogTimings.firstAnswer`);
* recompute, HTTP: POST /api/case with a fact dropped (a new what-if each time, so nothing is cached), request to
  response (goal: under 100 ms);
* recompute, browser: a click on a fact's checkbox to the conclusions redrawn (`lexlogTimings.lastRecompute`,
  plus the click's own round trip through the driver, measured apart).

Each is also given as a ratio to a reference run in the same script, since the machines are shared and noisy: the
first answer to `lexlog query` answering one question on the same case in a new process, and the recompute to the
bare evaluation of the same what-if in this process (a copy with the fact dropped, its conclusions listed).

With --screenshots DIR, writes serve-proof.png (a proof expanded) and serve-what-if.png (a fact dropped and one
supposed) of the Zapata case to DIR.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZAPATA = str(ROOT / "kb" / "library" / "cases" / "zapata.dl")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
)


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def first_answer_http(case: str) -> float:
    """Seconds from starting `lexlog serve` to the conclusions' JSON."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "lexlog.repl.cli", "serve", case], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        url = process.stdout.readline().split()[2]  # type: ignore[union-attr]
        with urllib.request.urlopen(url + "api/case", timeout=30) as response:
            json.load(response)
        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait()


def query_in_new_process(case: str) -> float:
    """The reference for the first answer: seconds for `lexlog query` to answer one question on the case."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lexlog.repl.cli", "query", case, "-q", "appealable(O)"], check=True, capture_output=True)
    return time.perf_counter() - started


def evaluation_alone(knowledge_base, facts: list[str]) -> list[float]:
    """The reference for the recompute: each drop applied to a copy and its conclusions listed, in this process."""
    times = []
    for fact in facts:
        started = time.perf_counter()
        copy = knowledge_base.suppose([])
        copy.retract_fact(fact)
        copy.conclusions()
        times.append(time.perf_counter() - started)
    return times


def start_server(case: str):
    import threading

    from lexlog.kb import KnowledgeBase
    from lexlog.repl.serve import create_app, listen, make_server, url_of

    knowledge_base = KnowledgeBase.from_files([case])
    sock = listen("127.0.0.1", 0)
    server = make_server(create_app(knowledge_base))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server, url_of(sock), knowledge_base


def recompute_http(url: str, facts: list[str]) -> list[float]:
    """Each drop is a new what-if (nothing cached): request to response."""
    times = []
    for fact in facts:
        started = time.perf_counter()
        post(url + "api/case", {"what_if": {"drop": [fact]}})
        times.append(time.perf_counter() - started)
    return times


def browser():
    os.environ["SE_OFFLINE"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="lexlog-bench-")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (*FLAGS, "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options), profile


def wait_until(driver, script: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not driver.execute_script(script):
        if time.monotonic() > deadline:
            raise TimeoutError(script)
        time.sleep(0.005)


def browser_figures(driver, url: str, facts: list[str], runs: int) -> tuple[list[float], list[float], list[float]]:
    """Navigation to conclusions drawn; click to conclusions redrawn (the page's clock); the driver's round trip."""
    first, recompute, round_trip = [], [], []
    for run in range(runs):
        driver.get(url)
        wait_until(driver, "return window.lexlogTimings.firstAnswer !== null")
        first.append(driver.execute_script("return window.lexlogTimings.firstAnswer") / 1000)
        fact = facts[run % len(facts)]
        box = driver.find_element("css selector", f'li.fact[data-fact="{fact}"] input.holds')
        driver.execute_script("window.lexlogTimings.lastRecompute = null")
        started = time.perf_counter()
        box.click()
        wait_until(driver, "return window.lexlogTimings.lastRecompute !== null")
        round_trip.append(time.perf_counter() - started)
        recompute.append(driver.execute_script("return window.lexlogTimings.lastRecompute") / 1000)
    return first, recompute, round_trip


def screenshots(driver, url: str, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    driver.set_window_size(1400, 1050)
    driver.get(url)
    wait_until(driver, "return document.body.dataset.state === 'ready'")
    atom = "appealable(zapata_order)"
    details = driver.find_element("css selector", f'details.conclusion[data-atom="{atom}"]')
    details.find_element("css selector", "summary").click()
    wait_until(driver, f"return !!document.querySelector('details.conclusion[data-atom=\"{atom}\"] .tree')")
    for step in details.find_elements("css selector", ".tree details.node.rule")[:3]:  # down to the facts
        step.find_element("css selector", "summary").click()
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", details)
    driver.execute_script("window.scrollBy(0, -8)")
    driver.save_screenshot(str(directory / "serve-proof.png"))

    query = "?drop=defers_qi_ruling(zapata_order)&suppose=finds_pleadings_overcome_qi_as_to(zapata_order,%20melson)"
    driver.get(url + query)
    wait_until(driver, "return document.body.dataset.state === 'ready'")
    driver.save_screenshot(str(directory / "serve-what-if.png"))


def line(name: str, values: list[float], goal: str) -> str:
    ms = sorted(value * 1000 for value in values)
    return f"{name:<44} median {statistics.median(ms):7.1f} ms  (min {ms[0]:.1f}, max {ms[-1]:.1f}; {len(ms)} runs)  goal {goal}"


def ratio(name: str, values: list[float], reference: list[float], reference_name: str) -> str:
    return f"{name:<44} {statistics.median(values) / statistics.median(reference):.2f}x {reference_name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--case", default=ZAPATA)
    parser.add_argument("--screenshots", type=Path, help="write the page's screenshots to this folder")
    arguments = parser.parse_args()

    first_http = [first_answer_http(arguments.case) for _ in range(arguments.runs)]
    query = [query_in_new_process(arguments.case) for _ in range(arguments.runs)]
    print(line("start to first answer, HTTP (new process)", first_http, "< 1 s"))
    print(line("  reference: lexlog query, one question", query, ""))
    print(ratio("  start to first answer / lexlog query", first_http, query, "(the same case, a new process each)"))
    server, url, knowledge_base = start_server(arguments.case)
    facts = sorted(atom.text for atom, origin in knowledge_base.facts().items() if origin.kind == "file")
    post(url + "api/case", {})  # the server evaluated the case at start; this warms the route
    drops = facts[: max(arguments.runs, 15)]
    recompute_over_http = recompute_http(url, drops)
    alone = evaluation_alone(knowledge_base, drops)
    print(line("recompute after a drop, HTTP", recompute_over_http, "< 100 ms"))
    print(line("  reference: the evaluation alone", alone, ""))
    print(ratio("  recompute over HTTP / evaluation alone", recompute_over_http, alone, "(the same drops)"))
    driver, profile = browser()
    try:
        first, recompute, round_trip = browser_figures(driver, url, facts, arguments.runs)
        print(line("navigation to conclusions drawn, browser", first, "< 1 s"))
        print(line("click to conclusions redrawn, browser", recompute, "< 100 ms"))
        print(ratio("  click to redrawn / evaluation alone", recompute, alone, "(the page's clock)"))
        print(line("  the same through the driver (+ its round trips)", round_trip, ""))
        if arguments.screenshots:
            screenshots(driver, url, arguments.screenshots)
            print(f"screenshots in {arguments.screenshots}")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        server.should_exit = True


if __name__ == "__main__":
    main()
