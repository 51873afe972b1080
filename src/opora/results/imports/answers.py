"""What examination protocols (ОГЭ, ЕГЭ) hold instead of one column per task: the answer strings
of the short part («++-+2-»: a sign or a score per task) and of the long part («2(2)0(3)»: the
score and, in brackets, the maximum per task), and the pupil's document instead of a code.

`expand` turns them, inside the staged `raw` table, into the task columns and the pupil code the
rest of the results import checks as if the file had them.
"""

from __future__ import annotations

import duckdb
from django.conf import settings
from django.utils.translation import gettext as _

from opora.core.imports.tabular import Column, ColumnMap

ANSWER_COLUMNS: tuple[Column, ...] = (
    Column("short_answers", ("задания с кратким ответом", "ответы на задания с кратким ответом",
                             "краткий ответ")),
    Column("long_answers", ("задания с развёрнутым ответом", "задания с развернутым ответом",
                            "ответы на задания с развёрнутым ответом", "развёрнутый ответ")),
    Column("pupil_document", ("номер документа", "документ", "серия и номер документа")),
)
_LONG_SCORE = r"(\d+)\s*\(\s*\d+\s*\)"


def _width(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    found = con.execute(f"SELECT max({sql}) FROM raw").fetchall()[0][0]
    return int(found or 0)


def _add(con: duckdb.DuckDBPyConnection, columns: ColumnMap, key: str, label: str, sql: str) -> None:
    con.execute(f'ALTER TABLE raw ADD COLUMN "{key}" VARCHAR')
    con.execute(f'UPDATE raw SET "{key}" = {sql}')
    columns.derived.add(key)
    columns.label[key] = label


def expand(con: duckdb.DuckDBPyConnection, columns: ColumnMap, first: int) -> list[str]:
    """Add task columns task_<first>… from the answer strings; the keys added, in order."""
    keys: list[str] = []
    number = first
    if columns.has("short_answers"):
        short = "replace(replace(short_answers, ' ', ''), chr(160), '')"
        for i in range(1, _width(con, f"length({short})") + 1):
            sign = f"substr({short}, {i}, 1)"
            _add(con, columns, f"task_{number}", f"{columns.label['short_answers']}, {i}",
                 f"CASE {sign} WHEN '+' THEN '1' WHEN '-' THEN '0' WHEN '' THEN NULL ELSE {sign} END")
            keys.append(f"task_{number}")
            number += 1
    if columns.has("long_answers"):
        scores = f"regexp_extract_all(long_answers, '{_LONG_SCORE}', 1)"
        for i in range(1, _width(con, f"len({scores})") + 1):
            _add(con, columns, f"task_{number}", f"{columns.label['long_answers']}, {i}", f"{scores}[{i}]")
            keys.append(f"task_{number}")
            number += 1
    if not columns.has("pupil") and columns.has("pupil_document"):
        # Only a keyed hash of the document is kept: a code that repeats for the same pupil and
        # cannot be turned back into the document number.
        salt = settings.SECRET_KEY.replace("'", "''")
        _add(con, columns, "pupil", columns.label["pupil_document"],
             f"CASE WHEN pupil_document IS NOT NULL THEN "
             f"'д-' || substr(sha256('{salt}' || upper(replace(pupil_document, ' ', ''))), 1, 16) END")
    return keys


def note(columns: ColumnMap) -> list[str]:
    """The summary line saying that document numbers were replaced by codes."""
    if "pupil" in columns.derived:
        return [_("pupils' document numbers were replaced by codes; the numbers are not stored")]
    return []
