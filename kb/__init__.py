"""The knowledge base: checks, evaluation, explanations. This module is its public face; the REPL and the
command line use nothing else of `lexlog.kb`.

A name is imported from its module when first asked for (`__getattr__`): a command that queries does not pay for
the modules of fuzzing, batch runs or the SARA importer.
"""

from __future__ import annotations

import importlib

_EXPORTS: dict[str, tuple[str, ...]] = {
    "lexlog.kb.checking": ("CheckReport", "check_files", "check_source"),
    "lexlog.kb.checks": ("CheckOptions",),
    "lexlog.kb.diagnostics": ("Diagnostic", "LexlogError"),
    "lexlog.kb.engines": ("DEFAULT_ENGINE", "ENGINES"),
    "lexlog.kb.atoms": ("FactOrigin", "GroundAtom"),
    "lexlog.kb.explanation": ("Proof", "WhyNot"),
    "lexlog.kb.batch": ("BatchError", "BatchRunner", "Case", "case_line", "run_batch"),
    "lexlog.kb.functions": ("FUNCTIONS", "ROUNDING_MODES"),
    "lexlog.kb.formatting": ("format_source", "write_atomically"),
    "lexlog.kb.fuzz": ("ConditionReason", "FuzzResult", "explain_violation", "fuzz_files", "fuzz_knowledge_base", "render_violation", "violation_heading"),
    "lexlog.kb.json_values": ("json_text",),
    "lexlog.kb.knowledge_base": ("ExpectationResult", "KnowledgeBase", "QueryResult", "Violation"),
    "lexlog.kb.loader": ("library_names", "library_path"),
    "lexlog.kb.memo": ("Memo", "build_memo"),
    "lexlog.kb.render": ("RENDERERS", "case_name", "note_text"),
    "lexlog.kb.render.memo": ("render_memo",),
    "lexlog.kb.postures": ("Posture", "PostureSpace", "case_file", "posture_strategy"),
    "lexlog.kb.render.in_force": ("render_dated",),
    "lexlog.kb.whynot": ("DEFAULT_DEPTH",),
    "lexlog.kb.sara": ("SaraImportError", "import_sara_case", "write_lexlog_case"),
    "lexlog.kb.testing": ("FileTestResult", "TestReport", "run_knowledge_base", "run_tests"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

# Imported now (the render package is light until a renderer is used): `render` names both a function and the
# subpackage it comes from, and importing the subpackage later would bind the package's attribute to the subpackage.
from lexlog.kb.render import FORMATS, render  # noqa: E402


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = globals()[name] = getattr(importlib.import_module(module), name)
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


def bundled_case_files() -> list[str]:
    """The seed cases that ship with the bundled law."""
    from importlib import resources  # imported when asked for: it costs milliseconds at start-up

    cases = resources.files("lexlog.kb").joinpath("library", "cases")
    return sorted(str(entry) for entry in cases.iterdir() if entry.name.endswith(".dl")) if cases.is_dir() else []


def bundled_hypothetical_files() -> list[str]:
    """The hypothetical postures that ship with the bundled law (not decided cases; tested like the seed cases)."""
    from importlib import resources

    hypotheticals = resources.files("lexlog.kb").joinpath("library", "hypotheticals")
    if not hypotheticals.is_dir():
        return []
    return sorted(str(entry) for entry in hypotheticals.iterdir() if entry.name.endswith(".dl"))


def bundled_example_files() -> list[str]:
    """Worked examples of the language that ship with the product (`kb/library/examples`), each with its tests."""
    from importlib import resources

    examples = resources.files("lexlog.kb").joinpath("library", "examples")
    return sorted(str(entry) for entry in examples.iterdir() if entry.name.endswith(".dl")) if examples.is_dir() else []


def bundled_library_files() -> list[str]:
    """The bundled law's entry point and its case files (what the prompt opens on)."""
    from lexlog.kb.loader import library_names, library_path

    entry = [library_path("fifth_circuit_qi")] if "fifth_circuit_qi" in library_names() else []
    return entry + bundled_case_files()


__all__ = [*_MODULE_OF, "FORMATS", "render", "bundled_case_files", "bundled_example_files", "bundled_hypothetical_files", "bundled_library_files"]
