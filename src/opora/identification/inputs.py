"""What an identification run reads, as the pandas frames of the analytics contract (spec Inputs 1–5).

`inputs_load(region=…, year=…, params=…)` gathers, for one region (the comparison population):

- works: per school × work figures of the years year − 2 … year (more when the municipal window
  is longer). From the active Parquet parts through `analytics.work_features` (one DuckDB pass
  over the region's pupils), plus the school-aggregate rollups (`SchoolIndicator`,
  source 'aggregates'), whose pupil-only columns stay NA. A work known from pupils wins over an
  aggregates row of the same work;
- tasks: whole-grade task completion of the year;
- schools: the region's active schools with municipality, type, settlement and `selective`;
- passports: the social passport shares of the year, or of the latest earlier year per school;
- history: the earlier approved lists of the region (every school of their runs).

Database rows are read in bulk (`values_list`), never one query per school. `Inputs.read` says
what was read (parts, row counts, passport years, earlier lists) with a fingerprint of the
frames, so a run can show what it stood on and a recomputation can tell whether the data moved.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext as _

from opora.analytics.connection import connection
from opora.analytics.indicators import GROUP_KEYS, scales_table
from opora.analytics.swi import DEFAULT_SIGNS
from opora.analytics.work_features import (
    NULLABLE_COUNT_COLUMNS,
    PUPIL_ONLY_COLUMNS,
    WORK_FEATURE_COLUMNS,
    work_features,
    work_features_frame,
)
from opora.cases.effects import drop_works, excluded_works
from opora.core.errors import ValidationFailed
from opora.core.models import Region, School, SocialPassport
from opora.identification.models import ListEntry, RunSchool, YearList
from opora.results.models import ResultPart, Scale, SchoolIndicator, Source, Subject, TaskIndicator

SELECTIVE_TYPES = ("lyceum", "gymnasium", "in_depth")
PASSPORT_COLUMNS = list(DEFAULT_SIGNS)
TASK_COLUMNS = ["school_code", "procedure", "year", "subject", "grade", "task", "participants", "completion"]
SCHOOL_COLUMNS = ["school_code", "municipality_code", "type", "settlement", "selective"]
HISTORY_COLUMNS = ["school_code", "year", "included", "exit"]
_INT_COLUMNS = ["year", "grade", "participants", "mark2", "mark3", "mark4", "mark5", "fail_count", "high_count"]
_FLOAT_COLUMNS = ["fail_share", "high_share", "mean_pct", "mean_mark"]
MIN_YEARS_BACK = 2  # dynamics and jumps look two years back


@dataclass(frozen=True)
class Inputs:
    works: pd.DataFrame  # WORK_FEATURE_COLUMNS
    tasks: pd.DataFrame  # TASK_COLUMNS
    schools: pd.DataFrame  # SCHOOL_COLUMNS
    passports: pd.DataFrame  # school_code + PASSPORT_COLUMNS
    history: pd.DataFrame  # HISTORY_COLUMNS
    read: dict[str, Any]  # JSON-able account of what was read, stored as Run.inputs


def inputs_load(*, region: Region, year: int, params: dict[str, Any]) -> Inputs:
    """The frames identification needs for `region` and `year`.

    Raises ValidationFailed when the region has no result of `year` at all (nothing to judge)."""
    back = max(MIN_YEARS_BACK, int(params.get("years") or 1) - 1)
    years = list(range(year - back, year + 1))
    schools = _schools(region)
    codes = schools["school_code"].tolist()
    subjects = dict(Subject.objects.values_list("code", "is_core"))

    pupils, parts = _pupil_works(codes, years)
    aggregates, suppressed = _aggregate_works(region, years)
    works, superseded = _works(pupils, aggregates, subjects)
    # Works a confirmed objectivity case takes out of the determination (the region's rule).
    excluded = excluded_works(region.pk, year)
    works, excluded_rows = drop_works(works, excluded)
    if not (works["year"] == year).any():
        raise ValidationFailed(
            _("There are no results of %(year)s for the schools of %(region)s: import pupil results or "
              "school aggregates first.") % {"year": year, "region": region.name})
    tasks, _dropped = drop_works(_tasks(region, year), excluded)
    passports, passport_years, missing = _passports(region, year)
    history, lists = _history(region, year)

    frames = {"works": works, "tasks": tasks, "schools": schools, "passports": passports, "history": history}
    read: dict[str, Any] = {
        "region": region.code,
        "year": year,
        "years": years,
        "schools": len(schools),
        "parts": parts,
        "works": {
            "pupils": int((works["source"] == Source.PUPILS).sum()),
            "aggregates": int((works["source"] == Source.AGGREGATES).sum()),
            "aggregates_superseded": superseded,
            # Aggregates of `year` with the mark counts suppressed: no share can be read from them.
            "aggregates_suppressed": _suppressed_count(suppressed, year),
            "by_year": _counts(works, ["procedure", "year", "source"]),
        },
        "excluded_by_cases": {"works": excluded_rows,
                              "schools": sorted({str(c) for c in excluded["school_code"]})},
        "aggregate_rows": len(aggregates),
        "task_rows": len(tasks),
        "passports": {
            "years": passport_years,  # year of the passport used → schools
            "fallback": sum(n for y, n in passport_years.items() if int(y) != year),
            "missing": missing,
        },
        "history": {"years": [item["year"] for item in lists], "lists": lists},
        "fingerprint": fingerprint(frames),
    }
    return Inputs(read=read, **frames)


def fingerprint(frames: dict[str, pd.DataFrame]) -> str:
    """sha256 over the frames' contents (rows sorted): equal inputs give equal fingerprints."""
    digest = hashlib.sha256()
    for name in sorted(frames):
        frame = frames[name]
        digest.update(f"{name}:{','.join(map(str, frame.columns))}:{len(frame)};".encode())
        if len(frame):
            digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def _counts(frame: pd.DataFrame, keys: list[str]) -> list[dict[str, Any]]:
    """Rows per combination of `keys` (year as a number, the rest as text)."""
    sizes = frame.groupby(keys, observed=True).size()
    return [{**{k: int(v) if k == "year" else str(v) for k, v in zip(keys, key, strict=True)}, "rows": int(n)}
            for key, n in sizes.items()]


# --- Schools ------------------------------------------------------------------------------------


def _schools(region: Region) -> pd.DataFrame:
    rows = School.objects.filter(municipality__region=region, is_active=True).order_by("code").values_list(
        "code", "municipality__code", "type", "settlement")
    frame = pd.DataFrame(list(rows), columns=SCHOOL_COLUMNS[:-1], dtype=object)
    return frame.assign(selective=frame["type"].isin(SELECTIVE_TYPES).astype(bool))


# --- Works --------------------------------------------------------------------------------------


def _pupil_works(codes: list[str], years: list[int]) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """work_features over the active parts holding any of the region's schools, restricted to them."""
    wanted = set(codes)
    parts: list[dict[str, Any]] = [
        {"procedure": procedure, "year": int(part_year), "path": path, "rows": int(rows)}
        for procedure, part_year, path, rows, part_codes in ResultPart.objects.filter(active=True, year__in=years)
        .order_by("procedure__code", "year", "pk")
        .values_list("procedure__code", "year", "path", "rows", "school_codes")
        if wanted.intersection(part_codes or [])
    ]
    if not parts:
        return pd.DataFrame(columns=WORK_FEATURE_COLUMNS), []
    root = Path(settings.RESULTS_DIR)
    paths = [root / p["path"] for p in parts]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise ValidationFailed(_("Results files are missing from the store: %(files)s.")
                               % {"files": ", ".join(missing)})
    results = connection().read_parquet([str(p) for p in paths])
    results = results.filter(results.school_code.isin(sorted(wanted)))
    works = {(p["procedure"], p["year"]) for p in parts}
    frame = work_features_frame(work_features(results, _scales(works)).to_pyarrow())
    return frame, parts


def _scales(works: set[tuple[str, int]]) -> Any:
    """The scales of the (procedure, year) pairs read, in one query."""
    procedures = sorted({p for p, _y in works})
    rows = Scale.objects.filter(procedure__code__in=procedures, year__in=sorted({y for _p, y in works})) \
        .select_related("procedure", "subject")
    return scales_table(
        {
            "procedure": s.procedure.code, "year": s.year, "subject": s.subject.code, "grade": s.grade,
            "score_kind": s.procedure.score_kind, "max_score": s.max_score, "mark3_from": s.mark3_from,
            "mark4_from": s.mark4_from, "mark5_from": s.mark5_from, "min_score": s.min_score,
            "high_bar": s.high_bar, "test_table": s.test_table,
        }
        for s in rows if (s.procedure.code, s.year) in works
    )


_AGGREGATE_FIELDS = {
    "school_code": "school__code", "procedure": "procedure__code", "year": "year", "subject": "subject__code",
    "grade": "grade", "score_kind": "procedure__score_kind", "participants": "participants",
    "mark2": "mark2", "mark3": "mark3", "mark4": "mark4", "mark5": "mark5", "fail_share": "fail_share",
    "high_share": "high_share", "mean_pct": "mean_pct", "mean_mark": "mean_mark", "lowered": "lowered",
    "confirmed": "confirmed", "raised": "raised", "pct_sd": "pct_sd", "score_counts": "score_counts",
}


def _aggregate_works(region: Region, years: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Whole-grade school-aggregate rollups of the region's schools in `years`, and apart the rows
    whose mark counts the form suppressed (school_code, year): every rule reads shares, so those
    rows are left out and the run says how many there were."""
    rows = SchoolIndicator.objects.filter(
        source=Source.AGGREGATES, class_name="", year__in=years, school__municipality__region=region,
        school__is_active=True,
    ).values_list(*_AGGREGATE_FIELDS.values())
    frame = pd.DataFrame(list(rows), columns=list(_AGGREGATE_FIELDS))
    blind = frame["fail_share"].isna()
    suppressed = frame.loc[blind, ["school_code", "year"]]
    frame = frame[~blind].reset_index(drop=True)
    n = frame["participants"].astype("float64")
    # The forms give shares; counts are what pooling needs (a share × N is a whole number of pupils).
    frame = frame.assign(
        fail_count=(frame["fail_share"].astype("float64") * n).round().astype("int64"),
        high_count=(frame["high_share"].astype("float64") * n).round().astype("int64"),
        pct_sd=pd.to_numeric(frame["pct_sd"], errors="coerce"),
        **{c: pd.NA for c in PUPIL_ONLY_COLUMNS},
    )
    _distribution_boundaries(frame, years)
    return frame.drop(columns="score_counts"), suppressed


def _suppressed_count(suppressed: pd.DataFrame, year: int) -> dict[str, int]:
    now = suppressed[suppressed["year"] == year]
    return {"works": len(now), "schools": int(now["school_code"].nunique())}


def suppressed_warning(read: dict[str, Any]) -> list[dict[str, Any]]:
    """The run's warnings on what it read: aggregates with only a mean, works left out by
    confirmed objectivity cases (none when there are none)."""
    found = []
    counts = read.get("works", {}).get("aggregates_suppressed") or {}
    if counts.get("works"):
        found.append({"code": "counts_suppressed", "level": "limited", "year": read.get("year"), **counts})
    excluded = read.get("excluded_by_cases") or {}
    if excluded.get("works"):
        found.append({"code": "excluded_by_cases", "level": "limited", "year": read.get("year"),
                      "works": excluded["works"], "schools": len(excluded.get("schools") or [])})
    return found


def _distribution_boundaries(frame: pd.DataFrame, years: list[int]) -> None:
    """Pupils on, one below and one above each mark boundary, where an aggregate row carries its
    distribution of primary scores — the same counts `work_features` takes from pupil rows."""
    rows = frame.index[frame["score_counts"].notna() & (frame["score_kind"] == "mark")]
    if not len(rows):
        return
    edges = {
        (p, y, s, g): (m3, m4, m5)
        for p, y, s, g, m3, m4, m5 in Scale.objects.filter(year__in=years).values_list(
            "procedure__code", "year", "subject__code", "grade", "mark3_from", "mark4_from", "mark5_from")
    }
    for i in rows:
        scores = frame.at[i, "score_counts"]
        key = (frame.at[i, "procedure"], frame.at[i, "year"], frame.at[i, "subject"], frame.at[i, "grade"])
        for mark, edge in zip((3, 4, 5), edges.get(key, (None, None, None)), strict=True):
            if edge is None:
                continue
            for suffix, score in (("at", edge), ("below", edge - 1), ("above", edge + 1)):
                frame.at[i, f"b{mark}_{suffix}"] = scores[score] if 0 <= score < len(scores) else 0


def _works(pupils: pd.DataFrame, aggregates: pd.DataFrame, core: dict[str, bool]) -> tuple[pd.DataFrame, int]:
    """One frame of WORK_FEATURE_COLUMNS; aggregates rows of works known from pupils are dropped."""
    pupils = pupils.assign(source=Source.PUPILS.value)
    aggregates = aggregates.assign(source=Source.AGGREGATES.value)
    superseded = 0
    if len(pupils) and len(aggregates):
        known = pupils[GROUP_KEYS].astype({"year": "int64", "grade": "int64"}).assign(_known=True)
        keyed = aggregates.astype({"year": "int64", "grade": "int64"}).merge(known, on=GROUP_KEYS, how="left")
        covered = keyed["_known"].fillna(False).astype(bool).to_numpy()
        superseded = int(covered.sum())
        aggregates = aggregates[~covered]
    parts = [f for f in (pupils, aggregates) if len(f)]
    if not parts:
        works = pd.DataFrame({c: pd.Series(dtype=object) for c in WORK_FEATURE_COLUMNS})
    else:
        works = pd.concat([f.reindex(columns=[c for c in WORK_FEATURE_COLUMNS if c != "core"]) for f in parts],
                          ignore_index=True)
    works["core"] = works["subject"].map(core).fillna(False).astype(bool)
    works = works.astype({
        **{c: "int64" for c in _INT_COLUMNS},
        **{c: "float64" for c in _FLOAT_COLUMNS},
        **{c: "Int64" for c in NULLABLE_COUNT_COLUMNS},
        "school_code": object, "procedure": object, "subject": object, "source": object, "score_kind": object,
    })
    works = works[WORK_FEATURE_COLUMNS].sort_values([*GROUP_KEYS, "source"], kind="stable")
    return works.reset_index(drop=True), superseded


# --- Tasks, passports, history ------------------------------------------------------------------


def _tasks(region: Region, year: int) -> pd.DataFrame:
    rows = TaskIndicator.objects.filter(
        year=year, class_name="", school__municipality__region=region, school__is_active=True,
    ).values_list("school__code", "procedure__code", "year", "subject__code", "grade", "task", "participants",
                  "completion")
    frame = pd.DataFrame(list(rows), columns=TASK_COLUMNS)
    frame = frame.astype({"school_code": object, "procedure": object, "subject": object, "year": "int64",
                          "grade": "int64", "task": "int64", "participants": "int64", "completion": "float64"})
    return frame.sort_values(TASK_COLUMNS[:6], kind="stable").reset_index(drop=True)


def _passports(region: Region, year: int) -> tuple[pd.DataFrame, dict[str, int], int]:
    """The year's passport of each school, else its latest earlier one; (frame, {year: schools}, missing)."""
    rows = SocialPassport.objects.filter(
        school__municipality__region=region, school__is_active=True, year__lte=year,
    ).values_list("school__code", "year", *PASSPORT_COLUMNS)
    frame = pd.DataFrame(list(rows), columns=["school_code", "passport_year", *PASSPORT_COLUMNS])
    latest = frame.sort_values(["school_code", "passport_year"]).drop_duplicates("school_code", keep="last")
    used = Counter(int(y) for y in latest["passport_year"])
    schools = School.objects.filter(municipality__region=region, is_active=True).count()
    passports = latest.drop(columns="passport_year").astype({c: "float64" for c in PASSPORT_COLUMNS})
    passports = passports.astype({"school_code": object}).reset_index(drop=True)
    return passports, {str(y): used[y] for y in sorted(used, reverse=True)}, schools - len(passports)


def _history(region: Region, year: int) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Every school of each earlier approved list's run: in the list (after manual decisions) or not."""
    lists = list(YearList.objects.filter(region=region, year__lt=year).order_by("year").values_list(
        "pk", "year", "run_id"))
    if not lists:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            HISTORY_COLUMNS, (object, "int64", bool, bool), strict=True)}), []
    run_year = {run: list_year for _pk, list_year, run in lists}
    rows = pd.DataFrame(
        list(RunSchool.objects.filter(run_id__in=run_year).values_list("school__code", "run_id", "exit")),
        columns=["school_code", "run", "exit"])
    rows = rows.assign(year=rows["run"].map(run_year)).drop(columns="run")
    entries = pd.DataFrame(
        list(ListEntry.objects.filter(year_list_id__in=[pk for pk, _y, _r in lists])
             .values_list("school__code", "year_list__year")),
        columns=["school_code", "year"]).assign(included=True)
    history = rows.merge(entries, on=["school_code", "year"], how="outer")
    history = history.assign(included=history["included"].fillna(False).astype(bool),
                             exit=history["exit"].fillna(False).astype(bool))
    history = history.astype({"school_code": object, "year": "int64"})[HISTORY_COLUMNS]
    history = history.sort_values(["year", "school_code"]).reset_index(drop=True)
    described = [{"year": int(y), "run": int(run), "entries": int((entries["year"] == y).sum())}
                 for _pk, y, run in lists]
    return history, described



# --- What is loaded, without reading the results store -------------------------------------------


def data_warnings(*, region: Region, year: int, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The warnings of `params` on what the region has loaded for `year` (judgeability.rule_warnings),
    from the stored indicator rollups and passports — cheap enough for the rule-set editor, and the
    same words a run of these parameters gives before it computes anything."""
    from opora.analytics.judgeability import inventory, rule_warnings
    from opora.analytics.rules import RuleParams

    rule = RuleParams.from_dict(params)
    back = max(MIN_YEARS_BACK, rule.years - 1)
    rows = SchoolIndicator.objects.filter(
        class_name="", year__range=(year - back, year), school__municipality__region=region, school__is_active=True,
    ).values_list("school__code", "procedure__code", "year", "subject__code", "grade", "subject__is_core",
                  "participants", "fail_share")
    frame = pd.DataFrame(list(rows), columns=["school_code", "procedure", "year", "subject", "grade", "core",
                                              "participants", "fail_share"])
    blind = frame["fail_share"].isna()
    works = frame[~blind].drop(columns="fail_share")
    passports, _years, _missing = _passports(region, year)
    codes = pd.Index(_schools(region)["school_code"].astype(str))
    suppressed = {"works": {"aggregates_suppressed": _suppressed_count(frame[blind], year)}, "year": year}
    return rule_warnings(rule, inventory(works, passports, codes, year, rule), year) + suppressed_warning(suppressed)
