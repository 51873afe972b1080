"""Imports of scales and tasks (reference data of the results), from CSV or XLSX files.

`scales_import` and `tasks_import` are the services the page, the CLI and the tests call alike;
they read through the shared `opora.core.imports.tabular` reader.
"""

from opora.results.imports.scales import scales_import
from opora.results.imports.tasks import tasks_import

__all__ = ["scales_import", "tasks_import"]
