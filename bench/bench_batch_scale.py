"""Batch throughput on one core, on worker processes and on Dask, beside raw clingo measured in the same run.

Run on demand: python bench/bench_batch_scale.py [--cases 4000] [--seed 0] [--workers 2] [--rounds 3] [--engine clingo]

The workload is bench/bench_batch.py's (`--cases` generated postures of the bundled law as `lexlog batch` JSON
lines), and so are the two raw rows, imported from it unchanged:

* `raw-clingo`: one `clingo.Control` per case (rules text + facts text);
* `raw-clingo-externals`: the rules grounded once, every input atom `#external`, one solve per case;

and the lexlog rows, each timed from the lines in memory to every output line serialised, the knowledge base
already loaded in this process (as bench_batch.py times its lexlog row):

* `lexlog per case`: each case supposed and evaluated on its own (`BatchRunner.evaluate`), the path `lexlog batch`
  took before chunks;
* `lexlog 1 core`: `BatchRunner.run`, chunks of `CHUNK_SIZE` cases evaluated together (`lexlog batch --workers 1`);
* `lexlog N workers`: `run_in_processes` (`lexlog batch --workers N`), a new pool each round: the time includes
  starting the processes and each loading the knowledge base;
* `lexlog dask N workers`: `run_on_dask` on a local Dask cluster of N worker processes (one thread each), started
  before the first round (the seconds it took are printed apart); each round is a new set of tasks; the first
  round's includes the workers loading the knowledge base.

Each row's figure is its best round (the machine is shared: the best round is the one least disturbed); rounds
interleave the rows. Ratios: cases/s against each raw row, and the workers' speedup over `lexlog 1 core`. Every
lexlog row must write the same bytes as `lexlog 1 core`, and its conclusions must agree with raw clingo's on every
case (checked; the run stops otherwise).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time
from pathlib import Path
from typing import Callable

import clingo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_batch import generate, run_raw_clingo, run_raw_clingo_externals  # noqa: E402

from lexlog.kb import KnowledgeBase, library_path  # noqa: E402
from lexlog.kb.batch import CHUNK_SIZE, BatchError, BatchRunner, CaseLine, output_text  # noqa: E402
from lexlog.kb.batch_dask import run_on_dask  # noqa: E402
from lexlog.kb.batch_workers import BatchSource, run_in_processes  # noqa: E402


def timed(run: Callable[[], list[str]]) -> tuple[float, list[str]]:
    started = time.perf_counter()
    texts = run()
    return time.perf_counter() - started, texts


def texts_of(outputs) -> list[str]:
    texts = []
    for output in outputs:
        if isinstance(output, BatchError):
            sys.exit(f"a generated case was refused: {output}")
        texts.append(output.text if isinstance(output, CaseLine) else output_text(output))
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--engine", default="clingo", help="lexlog's backend (the raw rows are clingo's)")
    arguments = parser.parse_args()

    lines = generate(arguments.cases, arguments.seed)
    files = [library_path("fifth_circuit_qi")]
    knowledge_base = KnowledgeBase.from_files(files, engine=arguments.engine)
    runner = BatchRunner(knowledge_base)
    source = BatchSource.of(knowledge_base, files, explain=False)
    workers = arguments.workers
    print(
        f"{len(lines)} cases, chunks of {CHUNK_SIZE}, lexlog on {arguments.engine}, {arguments.rounds} rounds, "
        f"{os.cpu_count()} cores; python {platform.python_version()}, clingo {clingo.__version__}"
    )

    from distributed import LocalCluster

    started = time.perf_counter()
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    cluster_seconds = time.perf_counter() - started

    rows: dict[str, Callable[[], tuple[float, list]]] = {
        "raw-clingo": lambda: run_raw_clingo(lines),
        "raw-clingo-externals": lambda: run_raw_clingo_externals(lines),
        "lexlog per case": lambda: timed(lambda: [output_text(runner.evaluate(runner.parse(line, number))) for number, line in enumerate(lines, 1)]),
        "lexlog 1 core": lambda: timed(lambda: texts_of(runner.run(lines))),
        f"lexlog {workers} workers": lambda: timed(lambda: texts_of(run_in_processes(runner, source, lines, workers))),
        f"lexlog dask {workers} workers": lambda: timed(
            lambda: texts_of(run_on_dask(source, lines, cluster.scheduler_address, workers))
        ),
    }
    best: dict[str, float] = {}
    outputs: dict[str, list] = {}
    try:
        for round_number in range(arguments.rounds):
            for name, run in rows.items():
                seconds, result = run()
                best[name] = min(best.get(name, seconds), seconds)
                outputs[name] = result
                print(f"  round {round_number + 1}: {name:<24} {seconds:6.2f} s", file=sys.stderr)
    finally:
        cluster.close()

    reference = outputs["lexlog 1 core"]
    raw = outputs["raw-clingo"]
    for name, result in outputs.items():
        if not name.startswith("lexlog"):
            continue
        if result != reference:
            sys.exit(f"{name} does not write the bytes of lexlog 1 core")
        disagreements = sum(1 for mine, theirs in zip(result, raw) if json.loads(mine) != theirs)
        if disagreements:
            sys.exit(f"{name} disagrees with raw clingo on {disagreements} cases")

    one_core = best["lexlog 1 core"]
    print(f"local Dask cluster of {workers} workers started in {cluster_seconds:.1f} s (not in its row)")
    print(f"{'runner':<24} {'seconds':>8} {'cases/s':>8} {'vs raw':>7} {'vs externals':>13} {'vs 1 core':>10}")
    for name, seconds in best.items():
        print(
            f"{name:<24} {seconds:8.2f} {len(lines) / seconds:8.0f} {best['raw-clingo'] / seconds:6.2f}x "
            f"{best['raw-clingo-externals'] / seconds:12.2f}x {one_core / seconds:9.2f}x"
        )
    print("every lexlog row wrote the same bytes as lexlog 1 core; all agree with raw clingo on every case")


if __name__ == "__main__":
    main()
