"""Shared test configuration: hypothesis profiles and the `engine` fixture.

Hypothesis profiles: `ci` (the default: modest, keeps the suite quick on two cores) and `long` (many more examples,
no deadline).  Choose with `LEXLOG_PROFILE=long pytest` or `pytest --hypothesis-profile=long`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Test helpers (strategies.py, reference_fixpoint.py) import as top-level modules however pytest imports tests.
sys.path.insert(0, str(Path(__file__).resolve().parent))

settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("LEXLOG_PROFILE", "ci"))

ENGINE_NAMES = ("clingo", "pydatalog")


@pytest.fixture(params=ENGINE_NAMES)
def engine(request):
    """Each evaluation backend in turn."""
    from lexlog.kb.engines import get_engine

    return get_engine(request.param)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile lexlog's modules to bytecode once. Many tests start `lexlog` processes; where the environment sets
    PYTHONDONTWRITEBYTECODE (as CI's does), each of them would otherwise compile every module from source
    (about 0.2 s a process). Writing `__pycache__` is what Python itself does on import elsewhere."""
    import compileall
    import importlib

    for package in ("lexlog.grammar", "lexlog.kb", "lexlog.repl"):
        for folder in importlib.import_module(package).__path__:
            compileall.compile_dir(folder, quiet=1)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "long: runs only with LEXLOG_PROFILE=long (minutes, not seconds)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `long` are deselected (not skipped) unless the long profile is chosen."""
    if os.environ.get("LEXLOG_PROFILE", "ci") == "long":
        return
    deselected = [item for item in items if item.get_closest_marker("long")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("long")]
