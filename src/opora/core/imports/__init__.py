"""Imports of schools and social passports from CSV or XLSX files.

`schools_import` and `passports_import` are the services the page (through a background task),
the CLI and the tests call alike; `tabular` is the reader every importer shares.
"""

from opora.core.imports.outcome import ImportOutcome
from opora.core.imports.passports import passports_import
from opora.core.imports.schools import schools_import
from opora.core.imports.tabular import FileRejected, RowError

__all__ = ["FileRejected", "ImportOutcome", "RowError", "passports_import", "schools_import"]
