"""Batch evaluation on a Dask cluster: the chunks of a batch's lines submitted as Dask tasks, each running
`lexlog.kb.batch_workers.evaluate_chunk` on a Dask worker, the outputs written in input order, the same lines as one
process writes.

Dask is an optional dependency (`pip install 'lexlog[dask]'`); this module imports it only when it is used. Every
worker needs lexlog installed and the knowledge base's files at the same paths (and the command's working
directory, which file names are read from and shown relative to): what a task carries is a `BatchSource` and the
chunk's lines, never the knowledge base itself.
"""

from __future__ import annotations

import importlib.metadata
import logging
from typing import Any, Iterable, Iterator

from lexlog.kb.batch import CHUNK_SIZE, numbered_chunks
from lexlog.kb.batch_workers import BatchSource, BatchWorkerError, OutputLine, evaluate_chunk, in_input_order

CONNECT_SECONDS = 10.0
"""How long to try to reach a scheduler before giving up."""

INSTALL_HINT = "pip install 'lexlog[dask]'"


def run_on_dask(
    source: BatchSource, lines: Iterable[str], address: str | None, workers: int, chunk_size: int = CHUNK_SIZE
) -> Iterator[OutputLine]:
    """The output lines of `lines`, in input order, the chunks evaluated on the Dask cluster whose scheduler is at
    `address`, or (None) on a local cluster of `workers` processes started for the run and stopped after it.
    Raises BatchWorkerError when Dask is not installed, the scheduler cannot be reached or a worker cannot run lexlog
    or load the knowledge base."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BatchWorkerError(f"running on Dask needs Dask installed: {INSTALL_HINT}") from None
    cluster: Any = None
    if address is None:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None, silence_logs=logging.ERROR,
        )
    try:
        client = Client(cluster if cluster is not None else address, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError) as error:
        if cluster is not None:
            cluster.close()
        raise BatchWorkerError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    try:
        _check_workers_run_lexlog(client)
        window = 2 * max(1, len(client.scheduler_info().get("workers", {})))
        # pure=False: chunks are never the same task twice, so Dask need not hash their lines to find out.
        submissions = (
            client.submit(evaluate_chunk, source, chunk, pure=False) for chunk in numbered_chunks(lines, chunk_size)
        )
        yield from in_input_order(submissions, window)  # type: ignore[arg-type]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _check_workers_run_lexlog(client: Any) -> None:
    """Raise BatchWorkerError unless every worker has this lexlog's version installed: a worker that cannot unpickle
    a task's function does not fail the task, it leaves it waiting for ever."""
    ours = importlib.metadata.version("lexlog")
    theirs = client.run(importlib.metadata.version, "lexlog", on_error="return")
    for worker, version in sorted(theirs.items()):
        if not isinstance(version, str):
            raise BatchWorkerError(f"lexlog is not installed on the Dask worker {worker}: every worker needs it ({INSTALL_HINT})")
        if version != ours:
            raise BatchWorkerError(f"the Dask worker {worker} has lexlog {version}, this command {ours}: every worker needs the same")


__all__ = ["CONNECT_SECONDS", "run_on_dask"]
