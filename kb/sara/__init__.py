"""SARA case files (Holzenberger, Blair-Stanek & Van Durme, NLLP 2020) read into lexlog cases over `<us_tax>`.

`prolog` reads the Prolog subset the case files are written in, `resolution` lists the ground facts a case's own
rules give, and `importer` translates a case into lexlog: its facts, its question and the expected answer.
"""

from lexlog.kb.sara.importer import ImportedCase, SaraImportError, import_case, import_case_file

__all__ = ["ImportedCase", "SaraImportError", "import_case", "import_case_file"]
