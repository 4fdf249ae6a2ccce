"""How fast the parser reads a large file. Run on demand: python bench/bench_parse.py [megabytes] [--check]

Three files of the given size: a dense synthetic rule file (short names, a token every four bytes: the worst
case), one shaped like the bundled law (its own files repeated: readings, citations and the quoted opinions in
comments), and a file of case facts (a declaration and two rules, then one fact a line, some with a comment: what
a large file usually is, and what `lexlog.grammar.plain_facts` reads without lark's parser).

With `--check`, also the whole `lexlog check FILE` of each (a fresh process: its wall time and peak resident memory),
as a user checking a large file meets it. The dense file uses many predicates nothing defines (thousands of
`undefined_predicate` errors), so it measures the checks' reports too.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lexlog.grammar.parser import parse


def generated_source(target_bytes: int, seed: int = 7) -> str:
    """A rule file of about `target_bytes`: declarations, annotated rules, facts with strings and numbers."""
    rng = random.Random(seed)
    parts: list[str] = ['authority backe = "Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)".\n']
    size = len(parts[0])
    index = 0
    while size < target_bytes:
        index += 1
        chunk = (
            f"input case_fact_{index}(Case, Party) \"the case {{Case}} has party {{Party}}\".\n"
            f"@label rule_{index}\n@cite backe at {rng.randint(645, 660)}\n"
            f"conclusion_{index}(C, P) :- case_fact_{index}(C, P), not excluded_{index}(C), "
            f"weight(C, W), W + {rng.randint(1, 9)} > {rng.randint(1, 99)}.\n"
            f"case_fact_{index}(case_{rng.randint(1, 999)}, \"Party {rng.randint(1, 999)} — Ltd.\"). % a fact\n"
        )
        parts.append(chunk)
        size += len(chunk.encode())
    return "".join(parts)


def library_shaped_source(target_bytes: int) -> str:
    """The bundled law's own files (rules, readings, quoted opinions in comments) repeated to about `target_bytes`."""
    folder = Path(__file__).resolve().parent.parent / "kb" / "library"
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.dl")))
    return text * max(1, target_bytes // len(text.encode()))


def fact_file_source(target_bytes: int) -> str:
    """A declaration and two rules, then facts one a line, a third of them with a trailing comment."""
    lines = ['input edge(From, To) "there is an edge from {From} to {To}".', "path(X, Y) :- edge(X, Y).",
             "path(X, Y) :- path(X, Z), edge(Z, Y).", "% the facts"]
    size, index = sum(len(line) + 1 for line in lines), 0
    while size < target_bytes:
        line = f"edge(node{index}, node{index + 1}). % edge {index}" if index % 3 == 0 else f'edge(node{index}, "label {index}").'
        lines.append(line)
        size, index = size + len(line) + 1, index + 1
    return "\n".join(lines) + "\n"


def measure(name: str, source: str) -> None:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        program = parse(source, "generated.dl")
        best = min(best, time.perf_counter() - started)
    size = len(source.encode()) / 1_000_000
    tokens = sum(1 for _ in re.finditer(r"[A-Za-z0-9_]+|\"(?:[^\"\\\n]|\\.)*\"|:-|\S", re.sub(r"%[^\n]*", "", source)))
    print(
        f"{name:<16} {size:5.2f} MB  {len(program.statements):>6} statements  ~{tokens / size / 1000:4.0f}k tokens/MB  "
        f"best of 3: {best:.3f} s = {size / best:.2f} MB/s"
    )


def measure_check(name: str, source: str) -> None:
    """`lexlog check` on the source written to a file: a fresh process's seconds and peak resident MB."""
    lexlog = str(Path(sys.executable).with_name("lexlog"))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "generated.dl"
        path.write_text(source, encoding="utf-8")
        started = time.perf_counter()
        process = subprocess.Popen([lexlog, "check", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    size = len(source.encode()) / 1_000_000
    print(f"{name:<16} {size:5.2f} MB  lexlog check: {seconds:.1f} s, peak {usage.ru_maxrss / 1024:.0f} MB (exit {os.waitstatus_to_exitcode(status)})")


def main() -> None:
    arguments = [argument for argument in sys.argv[1:] if argument != "--check"]
    megabytes = float(arguments[0]) if arguments else 1.0
    target = int(megabytes * 1_000_000)
    parse("warm_up(a).")  # builds the LALR tables once, as any long-lived process does
    sources = {
        "dense synthetic": generated_source(target),
        "library-shaped": library_shaped_source(target),
        "case facts": fact_file_source(target),
    }
    for name, source in sources.items():
        measure(name, source)
    if "--check" in sys.argv[1:]:
        for name, source in sources.items():
            measure_check(name, source)


if __name__ == "__main__":
    main()
