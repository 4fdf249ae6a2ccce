"""Batch evaluation on several cores: the chunks of a batch's lines (`lexlog.kb.batch`) spread over worker
processes, the outputs written in input order, the same lines as one process writes.

What a worker is sent is a `BatchSource` (the files, backend and date to load the knowledge base from) and a chunk of
numbered lines; what it sends back is each line's output text, or its `BatchError`. Each worker process loads the
knowledge base once, on its first chunk, and keeps it for the chunks after (`evaluate_chunk`). `lexlog.kb.batch_dask`
hands the same function to Dask workers.
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import multiprocessing
import os
import signal
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from lexlog.kb.batch import CHUNK_SIZE, BatchRunner, NumberedLine, OutputLine, numbered_chunks
from lexlog.kb.diagnostics import LexlogError
from lexlog.kb.knowledge_base import KnowledgeBase

class BatchWorkerError(RuntimeError):
    """A worker could not do its part: it could not load the knowledge base, or could not be reached."""


@dataclass(frozen=True)
class BatchSource:
    """How a worker loads the knowledge base the command loaded: the same files, backend and date. File names are
    read from, and shown in explanations relative to, the command's working directory (`directory`), so that a worker
    started elsewhere writes the same bytes."""

    files: tuple[str, ...]
    engine: str
    as_of: datetime.date | None
    explain: bool
    directory: str

    @classmethod
    def of(cls, knowledge_base: KnowledgeBase, files: Sequence[str], explain: bool) -> "BatchSource":
        """The source of a knowledge base loaded from `files` in this process; its effective date is fixed, so that
        every worker applies the law of the same day."""
        return cls(tuple(files), knowledge_base.engine_name, knowledge_base.effective_date, explain, os.getcwd())

    def load(self) -> BatchRunner:
        """The runner over the knowledge base loaded afresh. Raises BatchWorkerError saying why it cannot be loaded."""
        try:
            with _working_directory(self.directory):
                knowledge_base = KnowledgeBase(self.engine)
                knowledge_base.load_files(list(self.files))
        except LexlogError as error:
            raise BatchWorkerError(f"a worker could not load the knowledge base:\n{error.render(False)}") from None
        except OSError as error:
            raise BatchWorkerError(f"a worker could not enter the directory {self.directory}: {error.strerror or error}") from None
        return BatchRunner(knowledge_base.at(self.as_of), self.explain)


@contextlib.contextmanager
def _working_directory(directory: str) -> Iterator[None]:
    """Within the block, `directory` is the working directory (changed only when it is another)."""
    previous = os.getcwd()
    if directory == previous:
        yield
        return
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(previous)


_runners: dict[BatchSource, BatchRunner] = {}
# A Dask worker may run tasks on several threads: they share its one runner, one evaluation at a time.
_runners_lock = threading.Lock()


def evaluate_chunk(source: BatchSource, chunk: Sequence[NumberedLine]) -> list[OutputLine]:
    """In a worker: the output lines of a chunk, the knowledge base loaded on the worker's first chunk."""
    with _runners_lock:
        runner = _runners.get(source)
        if runner is None:
            runner = _runners[source] = source.load()
        return runner.output_lines(chunk)


def in_input_order(submissions: Iterable[Future], window: int) -> Iterator[OutputLine]:
    """The output lines of submitted chunks, chunk after chunk as submitted, with at most `window` chunks submitted
    and not yet written (so a long input is neither read whole nor held whole in memory)."""
    pending: deque[Future] = deque()
    for future in submissions:
        pending.append(future)
        if len(pending) >= window:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def run_in_processes(
    runner: BatchRunner, source: BatchSource, lines: Iterable[str], workers: int, chunk_size: int = CHUNK_SIZE
) -> Iterator[OutputLine]:
    """The output lines of `lines`, in input order, the chunks evaluated by `workers` processes that each load the
    knowledge base from `source`. An input of one chunk at most is evaluated here, by `runner` (the knowledge base
    this process loaded): starting workers would only cost time. The workers are not forked from this process
    (`_worker_context`), so a script that calls this needs multiprocessing's `if __name__ == "__main__":` guard."""
    chunks = numbered_chunks(lines, chunk_size)
    first = list(itertools.islice(chunks, 2))
    if len(first) < 2:
        yield from runner.output_lines(first[0] if first else [])
        return
    pool = ProcessPoolExecutor(workers, mp_context=_worker_context(), initializer=_leave_interrupts_to_the_parent)
    try:
        submissions = (pool.submit(evaluate_chunk, source, chunk) for chunk in itertools.chain(first, chunks))
        yield from in_input_order(submissions, 2 * workers)
    finally:
        _shut_down(pool)


def _shut_down(pool: ProcessPoolExecutor) -> None:
    """Stop the pool once the chunks being evaluated are done. A Ctrl-C meanwhile (a second one, or the one a
    process group's signal brings) must not leave it half stopped: its processes would keep the command from exiting."""
    while True:
        try:
            pool.shutdown(wait=True, cancel_futures=True)
            return
        except KeyboardInterrupt:
            continue


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers forked from a server process that has imported lexlog (and the main module) once, and runs no thread:
    forking this process, which may run threads (the pool's own, a Dask client's, a caller's), could hand a worker a
    lock held for ever; starting each worker afresh would import lexlog in each."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", __name__])
    return context


def _leave_interrupts_to_the_parent() -> None:
    """Ctrl-C reaches the whole process group; the parent stops the pool, so a worker does not print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


__all__ = ["BatchSource", "BatchWorkerError", "OutputLine", "evaluate_chunk", "in_input_order", "run_in_processes"]
