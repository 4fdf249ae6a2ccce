"""SARA case files (Holzenberger, Blair-Stanek & Van Durme, NLLP 2020) read into lexlog cases over `<us_tax>`.

`prolog` reads the Prolog subset the case files are written in, `resolution` lists the ground facts a case's own
rules give, `importer` translates a case into lexlog (its facts, its question and the expected answer), and
`runner` decides cases on one loaded library.
"""

from __future__ import annotations

from functools import lru_cache

from lexlog.kb.sara.importer import (
    ImportedCase,
    SaraImportError,
    Vocabulary,
    import_case,
    import_case_file,
    write_lexlog_case,
)


@lru_cache(maxsize=1)
def us_tax_vocabulary() -> Vocabulary:
    """The declarations of the bundled `<us_tax>`, which the importer translates against."""
    from lexlog.kb.knowledge_base import KnowledgeBase
    from lexlog.kb.loader import library_path

    return Vocabulary.of(KnowledgeBase.from_files([library_path("us_tax")]).declarations)


def import_sara_case(path: str) -> ImportedCase:
    """A SARA case file as a lexlog case over `<us_tax>` (`.lexlog_source()` is the file to write)."""
    return import_case_file(path, us_tax_vocabulary())


__all__ = [
    "ImportedCase",
    "SaraImportError",
    "Vocabulary",
    "import_case",
    "import_case_file",
    "import_sara_case",
    "write_lexlog_case",
]
