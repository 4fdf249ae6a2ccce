"""The external `datalog-conformance` suite's cases, discovered without parsing its largest files.

Four of the suite's files are large: the two `lubm` files (17 MB of YAML each) and the two `hmmer` files (3 MB).
Parsed at collection, as the suite's own `discover_yaml_tests` does, they took most of the test run's collection
time, and again in every pytest-xdist worker, though their cases run only in the long profile. Here a file above
`LARGE_FILE` bytes is scanned for its case names only (a `- name:` line of its `tests:` list) and parsed when one of
its cases is first run, once per process; the parsed case must carry the scanned name (checked), so a scan that
misread the file fails loudly rather than running the wrong case. Smaller files are parsed with PyYAML's C loader at
once, exactly as the suite's discovery does (its `_load_multi_case_file`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from datalog_conformance.plugin import _load_multi_case_file, get_tests_dir
from datalog_conformance.schema import TestCase

LARGE_FILE = 1_000_000
"""Bytes above which a file is scanned for its case names and parsed only when a case of it runs."""

_CASE_NAME = re.compile(r"^- name: *(\S+) *$", re.MULTILINE)


@dataclass(frozen=True)
class SuiteCase:
    """One case of the suite: its name and file, and the parsed case (`load()`)."""

    name: str
    path: Path
    parsed: Any = None

    def load(self) -> TestCase:
        if self.parsed is not None:
            return self.parsed
        by_name = {case.name: case for case in _parse(self.path)}
        return by_name[self.name]


def _yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@lru_cache(maxsize=2)
def _parse(path: Path) -> tuple[TestCase, ...]:
    raw = _yaml(path)
    if isinstance(raw, dict) and "tests" in raw:
        return tuple(_load_multi_case_file(raw, path))
    return (TestCase.from_dict(raw),)


def _scanned_names(path: Path) -> list[str]:
    names = _CASE_NAME.findall(path.read_text(encoding="utf-8"))
    if not names:
        raise AssertionError(f"{path}: no '- name:' line found; parse it instead")
    return names


def discover(folder: str) -> list[SuiteCase]:
    """Every case under the suite's `folder` (e.g. `recursion`, `defeasible/basic`), in the suite's file order."""
    cases: list[SuiteCase] = []
    for path in sorted((get_tests_dir() / folder).rglob("*.yaml")):
        if path.stat().st_size > LARGE_FILE:
            cases.extend(SuiteCase(name, path) for name in _scanned_names(path))
            continue
        raw = _yaml(path)
        if raw is None:
            continue
        parsed = _load_multi_case_file(raw, path) if isinstance(raw, dict) and "tests" in raw else [TestCase.from_dict(raw)]
        cases.extend(SuiteCase(case.name, path, case) for case in parsed)
    return cases
