"""A fleet's files read in worker processes give what one process reads."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from apihourly.count import fleetread
from apihourly.count.tenants import load_fleet
from apihourly.errors import LogFormatError
from apihourly.read.tenants import ANY_TENANT
from apihourly.reports.model import Query
from make_logs import burst, utc, write_csv


def fleet_folder(root, tenants=6, days=2):
    """tenant=NAME/DAY.csv files, each tenant's calls in two bursts a day."""
    for t in range(tenants):
        for d in range(days):
            start = utc(2026, 11, 15 + d, 8 + t)
            rows = burst(start, 50 + 10 * t, timedelta(seconds=7), vendor="Datto RMM" if t % 2 else "IT Glue")
            rows += burst(start + timedelta(minutes=30), 20, timedelta(seconds=1), integration="Sync")
            folder = root / f"tenant=t{t}"
            folder.mkdir(parents=True, exist_ok=True)
            write_csv(folder / f"2026-11-{15 + d}.csv", rows)
    return root


def loaded(root, workers):
    query = Query.open([str(root)], ZoneInfo("UTC"), cache=False, tenant=ANY_TENANT)
    query.logs.choose_every_tenant()
    return load_fleet(query.logs, None, workers)


def test_workers_read_what_one_process_reads(tmp_path, monkeypatch):
    root = fleet_folder(tmp_path)
    alone = loaded(root, 1)
    monkeypatch.setattr(fleetread, "FILES_PER_WORKER", 3)
    assert len(fleetread._runs(alone_files(root), 2)) == 2
    both = loaded(root, 2)
    assert both.names == alone.names == [f"t{t}" for t in range(6)]
    assert both.bounds.tolist() == alone.bounds.tolist()
    assert both.ts.tolist() == alone.ts.tolist() and both.duration_ms.tolist() == alone.duration_ms.tolist()
    named = lambda fleet: [fleet.categories[fleet.pair_category[g]].name for g in fleet.group.tolist()]
    assert named(both) == named(alone)
    assert (both.stats.files, both.stats.rows) == (alone.stats.files, alone.stats.rows) == (12, 2 * sum(70 + 10 * t for t in range(6)))


def alone_files(root):
    query = Query.open([str(root)], ZoneInfo("UTC"), cache=False, tenant=ANY_TENANT)
    return query.logs.files


def test_a_file_a_worker_cannot_read_is_the_same_error_as_in_one_process(tmp_path, monkeypatch):
    root = fleet_folder(tmp_path)
    bad = root / "tenant=t5" / "2026-11-16.csv"
    bad.write_text("execution_start,vendor\nnot a time,V\n", encoding="utf-8")
    monkeypatch.setattr(fleetread, "FILES_PER_WORKER", 3)
    with pytest.raises(LogFormatError) as failed:
        loaded(root, 2)
    assert str(failed.value).startswith(f"{bad}: no readable execution_start")
    assert failed.value.path == bad
