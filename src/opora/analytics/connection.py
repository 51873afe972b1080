"""One DuckDB connection per thread: DuckDB connections are not safe to share across threads,
and opening one per query would lose its caches.

Threads and memory come from the environment (OPORA_DUCKDB_THREADS, OPORA_DUCKDB_MEMORY_LIMIT);
by default all cores and 60% of the machine's memory, leaving room for the web process and
the database. Aggregations that do not fit spill to a temporary directory instead of failing.
"""

from __future__ import annotations

import os
import tempfile
import threading

import ibis
from ibis.backends.duckdb import Backend

_local = threading.local()


def _default_memory_limit() -> str:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "4GB"
    return f"{max(1, int(total * 0.6 / 2**30))}GB"


def connection_settings() -> dict[str, object]:
    return {
        "threads": int(os.environ.get("OPORA_DUCKDB_THREADS") or os.cpu_count() or 1),
        "memory_limit": os.environ.get("OPORA_DUCKDB_MEMORY_LIMIT") or _default_memory_limit(),
        "temp_directory": os.path.join(tempfile.gettempdir(), "opora-duckdb"),
        "preserve_insertion_order": False,  # lets large aggregations stream
    }


def connection() -> Backend:
    """This thread's DuckDB connection (created on first use)."""
    con: Backend | None = getattr(_local, "con", None)
    if con is None:
        con = ibis.duckdb.connect(**connection_settings())
        _local.con = con
    return con


def close() -> None:
    """Close this thread's connection (tests, worker shutdown)."""
    con: Backend | None = getattr(_local, "con", None)
    if con is not None:
        con.disconnect()
        _local.con = None
