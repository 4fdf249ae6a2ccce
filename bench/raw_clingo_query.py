"""The raw clingo baseline for `lexlog query --json`: what a Python user of clingo writes by hand.

    python bench/raw_clingo_query.py FILE PREDICATE VARIABLE...

reads FILE's program text with clingo's Python API (`Control.add`, `ground`, `solve`), reads every atom of
PREDICATE/len(VARIABLE...) from the model, and prints the JSON `lexlog query --json FILE -q 'PREDICATE(VARIABLE, ...)'`
prints for the same program (answers sorted; numbers as numbers, symbols and strings as strings), so the two
outputs can be compared byte for byte. Only for programs whose text is valid clingo as written (the closure chains
of bench/bench_query.py). Committed before any optimisation as the baseline; not to be changed after.
"""

from __future__ import annotations

import json
import sys

import clingo


def value(symbol: clingo.Symbol) -> int | str:
    if symbol.type == clingo.SymbolType.Number:
        return symbol.number
    if symbol.type == clingo.SymbolType.String:
        return symbol.string
    return symbol.name


def main() -> None:
    path, predicate, *variables = sys.argv[1:]
    control = clingo.Control(["--warn=none"])
    with open(path, encoding="utf-8") as file:
        control.add("base", [], file.read())
    control.ground([("base", [])])
    rows: list[tuple] = []

    def on_model(model: clingo.Model) -> None:
        for symbol in model.symbols(atoms=True):
            if symbol.name == predicate and len(symbol.arguments) == len(variables):
                rows.append(tuple(value(argument) for argument in symbol.arguments))

    control.solve(on_model=on_model)
    rows.sort()
    answers = [dict(zip(variables, row)) for row in rows]
    query = f"{predicate}({', '.join(variables)})"
    print(json.dumps({"query": query, "answers": answers}, ensure_ascii=False))


if __name__ == "__main__":
    main()
