"""Evaluation backends behind one interface (`lexlog.kb.engines.base.Engine`).

`get_engine(name)` returns a fresh backend; `DEFAULT_ENGINE` names the one to use unless asked otherwise: clingo,
which is correct on every stratified program and the faster (see docs/engines.md for the measurements).
"""

from __future__ import annotations

from typing import Callable

from lexlog.kb.engines.base import Engine, EvaluationProgram, Model
from lexlog.kb.engines.clingo_engine import ClingoEngine


def _pydatalog() -> Engine:
    # Imported when first asked for: importing pyDatalog costs a few milliseconds every process that never uses it.
    from lexlog.kb.engines.pydatalog_engine import PyDatalogEngine

    return PyDatalogEngine()


ENGINES: dict[str, Callable[[], Engine]] = {
    "clingo": ClingoEngine,
    "pydatalog": _pydatalog,
}

DEFAULT_ENGINE = "clingo"


def get_engine(name: str = DEFAULT_ENGINE) -> Engine:
    """A new backend by name (`clingo`, `pydatalog`); raises ValueError naming the known ones otherwise."""
    try:
        factory = ENGINES[name]
    except KeyError:
        known = ", ".join(sorted(ENGINES))
        raise ValueError(f"unknown engine {name!r}; known engines: {known}") from None
    return factory()


def __getattr__(name: str) -> object:
    if name == "PyDatalogEngine":  # the class itself, imported as `_pydatalog` imports it
        from lexlog.kb.engines.pydatalog_engine import PyDatalogEngine

        return PyDatalogEngine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "ClingoEngine",
    "Engine",
    "EvaluationProgram",
    "Model",
    "PyDatalogEngine",
    "get_engine",
]
