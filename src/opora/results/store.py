"""The Parquet results store: one file per import and (procedure, year), listed by `ResultPart`.

Files are written once and never changed. An import writes its new files first, then
`parts_activate` switches the manifest in one transaction: every active part that holds rows of
the same works (school × subject × grade of the same procedure and year) is deactivated, or
replaced by a rewritten copy without those works. Readers take `active_paths(...)` and so see
either the old or the new set of files, never half of each. Files no longer listed are deleted
after the commit; files of a switch that failed are deleted at once.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.db import transaction

from opora.jobs.models import Job
from opora.results.models import Procedure, ResultPart
from opora.results.schema import RESULT_SCHEMA

logger = logging.getLogger(__name__)

ROW_GROUP_SIZE = 100_000


def results_root() -> Path:
    return Path(settings.RESULTS_DIR)


def _new_relative(procedure_code: str, year: int) -> str:
    return f"{procedure_code}/{year}/{uuid.uuid4().hex}.parquet"


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


@dataclass
class PartFile:
    """A written, not yet active file of one (procedure, year)."""

    procedure_code: str
    year: int
    path: str  # relative to RESULTS_DIR
    rows: int
    school_codes: list[str]

    @property
    def absolute(self) -> Path:
        return results_root() / self.path


@dataclass
class SwitchReport:
    """What `parts_activate` did: the new active parts and how many old rows it replaced."""

    parts: list[ResultPart] = field(default_factory=list)
    replaced_rows: int = 0


class PartWriter:
    """Writes Arrow record batches of one (procedure, year) as a new file with RESULT_SCHEMA."""

    def __init__(self, procedure_code: str, year: int) -> None:
        self.procedure_code = procedure_code
        self.year = year
        self.path = _new_relative(procedure_code, year)
        self.rows = 0
        self.schools: set[str] = set()
        absolute = results_root() / self.path
        absolute.parent.mkdir(parents=True, exist_ok=True)
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(absolute, RESULT_SCHEMA)
        self._pending: list[pa.RecordBatch] = []
        self._pending_rows = 0

    def write(self, batch: pa.RecordBatch | pa.Table) -> None:
        table = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
        table = table.select(RESULT_SCHEMA.names).cast(RESULT_SCHEMA)
        self.rows += table.num_rows
        self.schools.update(table.column("school_code").unique().to_pylist())
        self._pending.extend(table.to_batches())
        self._pending_rows += table.num_rows
        if self._pending_rows >= ROW_GROUP_SIZE:
            self._flush()

    def _flush(self) -> None:
        assert self._writer is not None
        if self._pending_rows:
            self._writer.write_table(
                pa.Table.from_batches(self._pending, RESULT_SCHEMA), row_group_size=ROW_GROUP_SIZE
            )
        self._pending, self._pending_rows = [], 0

    def close(self) -> PartFile:
        self._flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        return PartFile(
            self.procedure_code, self.year, self.path, self.rows, sorted(self.schools)
        )

    def discard(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        (results_root() / self.path).unlink(missing_ok=True)


def part_write(*, procedure_code: str, year: int, batches: Iterable[pa.RecordBatch]) -> PartFile:
    """Write batches of pupil results (RESULT_SCHEMA columns) as a new, inactive file."""
    writer = PartWriter(procedure_code, year)
    try:
        for batch in batches:
            writer.write(batch)
        return writer.close()
    except BaseException:
        writer.discard()
        raise


def _delete_files(relative: Iterable[str]) -> None:
    root = results_root()
    for rel in relative:
        try:
            (root / rel).unlink(missing_ok=True)
        except OSError:  # a file we cannot delete only wastes space; never fail a commit on it
            logger.warning("Could not delete results file %s", rel)


def _rewrite_without(
    con: duckdb.DuckDBPyConnection, old: ResultPart, new_files: Sequence[PartFile]
) -> tuple[PartFile | None, int]:
    """A copy of `old` without the works present in `new_files`, or None if nothing is left.

    Returns (copy or None, rows removed). Removes nothing → (None, 0) and the caller keeps `old`.
    """
    root = results_root()
    old_sql = _sql_path(root / old.path)
    new_list = ", ".join(f"'{_sql_path(f.absolute)}'" for f in new_files)
    keys = f"(SELECT DISTINCT school_code, subject, grade FROM read_parquet([{new_list}]))"
    kept_sql = f"SELECT o.* FROM read_parquet('{old_sql}') o ANTI JOIN {keys} k USING (school_code, subject, grade)"
    kept = int(con.execute(f"SELECT count(*) FROM ({kept_sql})").fetchall()[0][0])
    removed = old.rows - kept
    if removed == 0:
        return None, 0
    if kept == 0:
        return None, removed
    rel = _new_relative(old.procedure.code, old.year)
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"COPY ({kept_sql}) TO '{_sql_path(target)}' "
        f"(FORMAT parquet, ROW_GROUP_SIZE {ROW_GROUP_SIZE})"
    )
    schools_rows = con.execute(
        f"SELECT DISTINCT school_code FROM read_parquet('{_sql_path(target)}') ORDER BY 1"
    ).fetchall()
    copy = PartFile(old.procedure.code, old.year, rel, kept, [r[0] for r in schools_rows])
    return copy, removed


def parts_activate(*, files: Sequence[PartFile], job: Job | None = None) -> SwitchReport:
    """Make `files` the active data of their works, in one transaction; see the module docstring.

    On any failure the new files (and any rewritten copies) are deleted and the manifest is
    unchanged; on success the files of deactivated parts are deleted after the commit.
    """
    created: list[str] = [f.path for f in files]
    retired: list[str] = []
    report = SwitchReport()
    try:
        with transaction.atomic():
            by_work: dict[tuple[str, int], list[PartFile]] = {}
            for f in files:
                by_work.setdefault((f.procedure_code, f.year), []).append(f)
            procedures = {
                p.code: p
                for p in Procedure.objects.select_for_update()  # one switch per procedure at a time
                .filter(code__in=sorted({code for code, _ in by_work}))
                .order_by("pk")
            }
            con = duckdb.connect()
            try:
                for (code, year), group in by_work.items():
                    procedure = procedures[code]
                    schools = {s for f in group for s in f.school_codes}
                    olds = (
                        ResultPart.objects.select_for_update()
                        .select_related("procedure")
                        .filter(procedure=procedure, year=year, active=True)
                        .order_by("pk")
                    )
                    for old in olds:
                        if not schools.intersection(old.school_codes):
                            continue
                        copy, removed = _rewrite_without(con, old, group)
                        if removed == 0:
                            continue
                        report.replaced_rows += removed
                        old.active = False
                        old.save(update_fields=["active"])
                        retired.append(old.path)
                        if copy is not None:
                            created.append(copy.path)
                            ResultPart.objects.create(
                                procedure=procedure, year=year, path=copy.path, rows=copy.rows,
                                school_codes=copy.school_codes, job=old.job,
                            )
                    for f in group:
                        report.parts.append(
                            ResultPart.objects.create(
                                procedure=procedure, year=year, path=f.path, rows=f.rows,
                                school_codes=f.school_codes, job=job,
                            )
                        )
            finally:
                con.close()
            transaction.on_commit(lambda: _delete_files(retired))
    except BaseException:
        _delete_files(created)
        raise
    return report


def active_paths(procedure_code: str, year: int) -> list[Path]:
    """The files holding the current pupil results of one procedure and year."""
    return active_paths_for(procedure_codes=[procedure_code], years=[year])


def active_paths_for(
    procedure_codes: Sequence[str] | None = None, years: Sequence[int] | None = None
) -> list[Path]:
    """The current files of the given procedures and years (all when None)."""
    parts = ResultPart.objects.filter(active=True)
    if procedure_codes is not None:
        parts = parts.filter(procedure__code__in=list(procedure_codes))
    if years is not None:
        parts = parts.filter(year__in=list(years))
    root = results_root()
    return [root / p for p in parts.order_by("procedure__code", "year", "pk").values_list("path", flat=True)]


def works_present(
    procedure_code: str, year: int, school_codes: Sequence[str]
) -> Iterator[tuple[str, str, int]]:
    """(school_code, subject, grade) of pupil results stored for these schools."""
    paths = [
        results_root() / p.path
        for p in ResultPart.objects.filter(procedure__code=procedure_code, year=year, active=True)
        if set(school_codes).intersection(p.school_codes)
    ]
    if not paths:
        return iter(())
    con = duckdb.connect()
    try:
        listed = ", ".join(f"'{_sql_path(p)}'" for p in paths)
        rows = con.execute(
            f"SELECT DISTINCT school_code, subject, CAST(grade AS INTEGER) "
            f"FROM read_parquet([{listed}]) WHERE school_code IN (SELECT unnest(?))",
            [list(school_codes)],
        ).fetchall()
    finally:
        con.close()
    return iter([(str(s), str(subj), int(g)) for s, subj, g in rows])
