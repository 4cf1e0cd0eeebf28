"""Reading every tenant's calls as arrays, in worker processes when the
logs are many files.

A fleet's logs are thousands of files, and reading each costs some
milliseconds of Python work that holds one core, so the files are cut into
contiguous runs, one per process. Each run comes back as a Part, arrays
with codes of its own; the parts are merged by mapping their codes to
shared ones, and keep the files' order, so that each tenant's calls stay
in the order read.
"""

from __future__ import annotations

import os
from contextlib import closing
from dataclasses import dataclass, field

from .. import schema
from ..read.scan import LogSet, file_size, read_ahead
from ..read.stats import ScanStats
from .calls import Columns, batch_arrays
from .codes import CodeBook

FIELDS = (schema.TENANT, *schema.CATEGORY_FIELDS, "entity", "execution_ms")
FILES_PER_WORKER = 200  # fewer files than this per process are not worth starting it (about 0.5 s)


@dataclass
class Part:
    """Calls of some files: `tenant` codes name `tenants`, `group` codes
    name `pairs`, (category, entity) in code order."""

    ts: object
    group: object
    duration_ms: object
    tenant: object
    tenants: list[str]
    pairs: list[tuple[schema.Category, str]]
    stats: ScanStats = field(default_factory=ScanStats)


def read_parts(logs: LogSet, window: tuple[int, int] | None, workers: int | None = None) -> list[Part]:
    """The calls of every file of `logs`, in parts, in file order."""
    runs = task_runs(logs.files) if logs.cluster else _runs(logs.files, workers or cpus())
    if not runs or (len(runs) < 2 and not logs.cluster):  # (no files: nothing to send)
        return [read_part(logs, window)]
    parts = in_workers(_read_files, runs, logs.rules, window, cluster=logs.cluster)
    for path, text in logs.notes:  # what finding the files left out, as scan() says it
        parts[0].stats.note(path, text)
    return parts


def in_workers(task, runs: list[list], *args, cluster=None) -> list:
    """task([paths of a run], *args) for every run, each in a process of
    its own, or a task on `cluster` (cluster.Cluster); the results in the
    runs' order. `task` must be a module-level function, and what it takes
    and returns must pickle."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    paths = [[log.path for log in run] for run in runs]
    if cluster is not None:
        return cluster.map(task, paths, *args)
    # spawn, not fork: a forked pyarrow can hang on the thread pools it had.
    with ProcessPoolExecutor(len(runs), mp_context=get_context("spawn")) as pool:
        jobs = [pool.submit(task, run, *args) for run in paths]
        return [job.result() for job in jobs]


def tenant_runs(files: list, workers: int | None = None, cluster=None) -> list[list] | None:
    """The files in runs that each hold whole tenants (every file in a
    tenant= folder: a tenant's files are then one run's), one per worker
    or, on a cluster, per task; None when some file's tenants are in its
    rows, or (on this machine) one run would do."""
    from ..read.tenants import partition_tenant

    named = [(partition_tenant(log.path), log) for log in files]
    if any(name is None for name, _ in named):
        return None
    named.sort(key=lambda pair: (pair[0], str(pair[1].path)))
    ordered, keys = [log for _, log in named], [name for name, _ in named]
    if cluster is not None:
        return task_runs(ordered, keys)
    runs = _runs(ordered, workers or cpus(), keys)
    return runs if len(runs) > 1 else None


def task_runs(files: list, keys: list | None = None) -> list[list]:
    """The files in runs of about cluster.TASK_BYTES, one per task (see _runs)."""
    from .. import cluster

    sizes = [file_size(log.path) for log in files]
    return _cut(files, sizes, max(1, -(-sum(sizes) // cluster.TASK_BYTES)), keys)


def cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _runs(files: list, workers: int, keys: list | None = None) -> list[list]:
    """Runs of files (see _cut), at most `workers`, each of at least
    FILES_PER_WORKER files."""
    workers = max(1, min(workers, len(files) // FILES_PER_WORKER))
    if workers == 1:
        return [files]
    return _cut(files, [file_size(log.path) for log in files], workers, keys)


def _cut(files: list, sizes: list[int], count: int, keys: list | None = None) -> list[list]:
    """Contiguous runs of about equal bytes, at most `count` of them; with
    `keys`, a run ends only where the key changes (so files of one tenant
    stay together)."""
    keys = keys or list(range(len(files)))
    total, runs, held = sum(sizes) or 1, [[]], 0
    for i, (log, size) in enumerate(zip(files, sizes)):
        due = held >= total * len(runs) / count and len(runs) < count
        if due and (not i or keys[i] != keys[i - 1]):
            runs.append([])
        runs[-1].append(log)
        held += size
    return [run for run in runs if run]


def _read_files(paths: list, rules, window) -> Part:
    """A worker's run of files (each with a tenant), opened again there (a
    LogFile holds its reader module, which does not cross processes)."""
    from ..read.tenants import ANY_TENANT

    return read_part(LogSet.of_paths(paths, rules, ANY_TENANT), window)


def read_part(logs: LogSet, window: tuple[int, int] | None) -> Part:
    """Every call with a tenant of `logs` in `window`, as arrays."""
    stats, book, tenants, cols = ScanStats(), CodeBook(), {}, Columns({**Columns.NAMES, "tenant": "int32"})
    with closing(read_ahead(logs.scan(list(FIELDS), window, stats))) as tables:
        for table in _coalesced(tables):
            arrays = batch_arrays(table, book)
            arrays["tenant"] = CodeBook.codes(table.column(schema.TENANT), tenants)
            cols.append(arrays)
    cols = cols.arrays()
    categories = list(book.categories)
    entities = list(book.text["entity"])
    pairs = [(categories[c], entities[e]) for c, e in book.pairs]
    return Part(cols["ts"], cols["group"], cols["duration_ms"], cols["tenant"], list(tenants), pairs, stats)


def merged(parts: list[Part]) -> Part:
    """One part with shared codes, the parts' calls one after another."""
    import numpy as np

    if len(parts) == 1:
        return parts[0]
    tenants: dict[str, int] = {}
    pairs: dict[tuple, int] = {}
    stats = ScanStats()
    for part in parts:
        stats.add(part.stats)
        part.tenant = _recoded(part.tenant, [tenants.setdefault(name, len(tenants)) for name in part.tenants])
        part.group = _recoded(part.group, [pairs.setdefault(pair, len(pairs)) for pair in part.pairs])
    joined = [np.concatenate([getattr(part, name) for part in parts]) for name in ("ts", "group", "duration_ms", "tenant")]
    return Part(*joined, list(tenants), list(pairs), stats)


def _recoded(codes, lookup: list[int]):
    import numpy as np

    return np.asarray(lookup or [0], dtype=np.int32)[codes]


def _coalesced(tables, rows: int = 1 << 16):
    """The tables joined into ones of about `rows` rows: a fleet is often
    thousands of small files (a tenant's day each), and coding text costs
    the same per table whatever its size. Tables join only with others of
    the same schema (files of one format and layout)."""
    pending, held = [], 0
    for table in tables:
        if pending and (held >= rows or table.schema != pending[0].schema):
            yield _joined(pending)
            pending, held = [], 0
        pending.append(table)
        held += table.num_rows
    if pending:
        yield _joined(pending)


def _joined(tables):
    import pyarrow as pa

    if len(tables) == 1:
        return tables[0]
    return pa.concat_tables(tables).unify_dictionaries().combine_chunks()
