"""The knowledge base: checks, evaluation, explanations. This module is its public face; the REPL and the
command line use nothing else of `lexlog.kb`."""

from importlib import resources

from lexlog.kb.checking import CheckReport, check_files, check_source
from lexlog.kb.checks import CheckOptions
from lexlog.kb.diagnostics import Diagnostic, LexlogError
from lexlog.kb.engines import DEFAULT_ENGINE, ENGINES
from lexlog.kb.explanation import FactOrigin, GroundAtom, Proof, WhyNot
from lexlog.kb.batch import BatchError, BatchRunner, Case, case_line, run_batch
from lexlog.kb.functions import FUNCTIONS, ROUNDING_MODES
from lexlog.kb.formatting import format_source, write_atomically
from lexlog.kb.fuzz import ConditionReason, FuzzResult, explain_violation, fuzz_files, fuzz_knowledge_base, render_violation, violation_heading
from lexlog.kb.knowledge_base import ExpectationResult, KnowledgeBase, QueryResult, Violation
from lexlog.kb.loader import library_names, library_path
from lexlog.kb.postures import Posture, PostureSpace, case_file, posture_strategy
from lexlog.kb.render import RENDERERS, note_text, render
from lexlog.kb.render.in_force import render_dated
from lexlog.kb.sara import SaraImportError, import_sara_case, write_lexlog_case
from lexlog.kb.testing import FileTestResult, TestReport, run_knowledge_base, run_tests


def bundled_case_files() -> list[str]:
    """The seed cases that ship with the bundled law."""
    cases = resources.files("lexlog.kb").joinpath("library", "cases")
    return sorted(str(entry) for entry in cases.iterdir() if entry.name.endswith(".dl")) if cases.is_dir() else []


def bundled_hypothetical_files() -> list[str]:
    """The hypothetical postures that ship with the bundled law (not decided cases; tested like the seed cases)."""
    hypotheticals = resources.files("lexlog.kb").joinpath("library", "hypotheticals")
    if not hypotheticals.is_dir():
        return []
    return sorted(str(entry) for entry in hypotheticals.iterdir() if entry.name.endswith(".dl"))


def bundled_example_files() -> list[str]:
    """Worked examples of the language that ship with the product (`kb/library/examples`), each with its tests."""
    examples = resources.files("lexlog.kb").joinpath("library", "examples")
    return sorted(str(entry) for entry in examples.iterdir() if entry.name.endswith(".dl")) if examples.is_dir() else []


def bundled_library_files() -> list[str]:
    """The bundled law's entry point and its case files (what the prompt opens on)."""
    entry = [library_path("fifth_circuit_qi")] if "fifth_circuit_qi" in library_names() else []
    return entry + bundled_case_files()


__all__ = [
    "BatchError",
    "BatchRunner",
    "Case",
    "ConditionReason",
    "FuzzResult",
    "Posture",
    "PostureSpace",
    "case_file",
    "case_line",
    "explain_violation",
    "fuzz_knowledge_base",
    "fuzz_files",
    "posture_strategy",
    "render_violation",
    "run_batch",
    "violation_heading",
    "DEFAULT_ENGINE",
    "FUNCTIONS",
    "ROUNDING_MODES",
    "ENGINES",
    "RENDERERS",
    "SaraImportError",
    "import_sara_case",
    "write_lexlog_case",
    "CheckOptions",
    "CheckReport",
    "Diagnostic",
    "ExpectationResult",
    "FactOrigin",
    "FileTestResult",
    "GroundAtom",
    "KnowledgeBase",
    "LexlogError",
    "Proof",
    "QueryResult",
    "TestReport",
    "Violation",
    "WhyNot",
    "bundled_case_files",
    "bundled_example_files",
    "bundled_hypothetical_files",
    "bundled_library_files",
    "check_files",
    "check_source",
    "format_source",
    "library_names",
    "library_path",
    "note_text",
    "render",
    "render_dated",
    "run_knowledge_base",
    "run_tests",
    "write_atomically",
]
