"""The knowledge base: checks, evaluation, explanations. This module is its public face."""

from lexlog.kb.checking import CheckReport, check_files, check_source
from lexlog.kb.checks import CheckOptions
from lexlog.kb.diagnostics import Diagnostic, LexlogError
from lexlog.kb.formatting import format_source, write_atomically
from lexlog.kb.loader import library_names, library_path


def bundled_library_files() -> list[str]:
    """The bundled law's entry point and its case files."""
    from importlib import resources

    cases = resources.files("lexlog.kb").joinpath("library", "cases")
    case_files = sorted(str(entry) for entry in cases.iterdir() if entry.name.endswith(".dl")) if cases.is_dir() else []
    entry = [library_path("fifth_circuit_qi")] if "fifth_circuit_qi" in library_names() else []
    return entry + case_files


__all__ = [
    "CheckOptions",
    "CheckReport",
    "Diagnostic",
    "LexlogError",
    "bundled_library_files",
    "check_files",
    "check_source",
    "format_source",
    "library_names",
    "library_path",
    "write_atomically",
]
