"""How fast the parser reads a large rule file. Run on demand: python bench/bench_parse.py [megabytes]

Two files of the given size: a dense synthetic one (short names, a token every four bytes: the worst case) and one
shaped like the bundled law (its own files repeated: readings, citations and the quoted opinions in comments).
"""

from __future__ import annotations

import random
import re
import sys
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


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    target = int(megabytes * 1_000_000)
    parse("warm_up(a).")  # builds the LALR tables once, as any long-lived process does
    measure("dense synthetic", generated_source(target))
    measure("library-shaped", library_shaped_source(target))


if __name__ == "__main__":
    main()
