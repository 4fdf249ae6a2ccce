"""How fast the parser reads a large rule file. Run on demand: python bench/bench_parse.py [megabytes]"""

from __future__ import annotations

import random
import sys
import time

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


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    source = generated_source(int(megabytes * 1_000_000))
    parse("warm_up(a).")  # builds the LALR tables once, as any long-lived process does
    started = time.perf_counter()
    program = parse(source, "generated.dl")
    elapsed = time.perf_counter() - started
    size = len(source.encode()) / 1_000_000
    print(f"parsed {size:.2f} MB ({len(program.statements)} statements) in {elapsed:.3f} s = {size / elapsed:.2f} MB/s")


if __name__ == "__main__":
    main()
