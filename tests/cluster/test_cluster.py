"""--scheduler: every report read and counted as tasks on a real Dask
cluster (tests/cluster/conftest.py) equals the report made on this
machine; what crosses the network is counted; faults end as they would
locally, or are survived."""

import functools
import json
import re
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clirun import ROOT, SAMPLES, parsed_csv, run
from make_logs import burst, utc, write_csv, write_parquet

REPORTS = [
    ("summary", "--date", "2026-11-16"),
    ("totals", "--date", "2026-11-16"),
    ("days",),
    ("limits", "--date", "2026-11-16"),
    ("activity", "--date", "2026-11-16", "--hour", "15"),
]
TASKS = re.compile(r"^cluster: (\d+) tasks? on the Dask scheduler at \S+ returned ([\d,.]+) (bytes|KB|MB) "
                   r"\(([\d,.]+) (bytes|KB|MB) per task\) after [\d.]+ s of work on its workers\n", re.M)


def both(scheduler, *args):
    """The command run on this machine, then on the cluster: (local, cluster)."""
    return run(*args, "--no-cache"), run(*args, "--no-cache", "--scheduler", scheduler)


@pytest.mark.parametrize("args", REPORTS, ids=[args[0] for args in REPORTS])
@pytest.mark.parametrize("form", ["--csv", "--json"])
def test_each_report_on_the_cluster_equals_the_local_one(scheduler, args, form):
    local, remote = both(scheduler, *args, "--logs", str(SAMPLES), form)
    assert local.exit_code == remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout
    assert TASKS.search(remote.stderr), remote.stderr
    assert TASKS.sub("", remote.stderr) == local.stderr


def test_file_urls_on_the_cluster_are_read_by_the_workers_as_locally(scheduler):
    """file:// takes the road of s3:// (pyarrow.fs on every worker)."""
    from urllib.parse import quote

    local, remote = both(scheduler, "totals", "--date", "2026-11-16", "--logs", "file://" + quote(str(SAMPLES)),
                         "--csv")
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == run("totals", "--date", "2026-11-16", "--logs", str(SAMPLES), "--csv").stdout
    assert remote.stdout == local.stdout and TASKS.search(remote.stderr)


def test_tenants_on_the_cluster_run_whole_tenants_per_task_and_equal_the_local_run(scheduler, monkeypatch):
    from apihourly import cluster

    monkeypatch.setattr(cluster, "TASK_BYTES", 20_000)  # the fleet sample's 52 files in several tasks
    local, remote = both(scheduler, "tenants", "--logs", str(SAMPLES / "fleet"), "--csv")
    assert local.exit_code == remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout
    assert parsed_csv(remote.stdout)[0]["Tenant"] == "kilo"
    tasks = int(TASKS.search(remote.stderr).group(1))
    assert 4 <= tasks <= 26  # grouped by bytes, never cutting a tenant's two files apart


def test_tenants_named_in_a_column_are_found_by_the_workers(scheduler, tmp_path):
    """Two files of two tenants each, by a Tenant column: the workers read the
    column to choose the tenant's files, and the tenants' calls as codes."""
    import csv

    for name, tenants in (("a.csv", ("north", "south")), ("b.csv", ("south", "east"))):
        with (tmp_path / name).open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Execution Start", "Tenant", "Vendor"])
            for i, tenant in enumerate(tenants * 30):
                writer.writerow([f"2026-11-16T08:{i:02d}:00Z", tenant, "Datto RMM"])
    answers = {}
    for args in (("tenants",), ("summary", "--tenant", "south"), ("limits", "--tenant", "east")):
        local, remote = both(scheduler, *args, "--logs", str(tmp_path), "--date", "2026-11-16", "--csv")
        assert local.exit_code == remote.exit_code == 0, remote.output
        assert remote.stdout == local.stdout
        answers[args[0]] = parsed_csv(remote.stdout)
    assert [(row["Tenant"], row["Calls"]) for row in answers["tenants"]] == [
        ("south", "60"), ("east", "30"), ("north", "30")]


def test_only_digests_cross_the_network_for_summary(scheduler, tmp_path):
    """A day of 50,000 calls is 3.9 MB of CSV; its digest is a few KB."""
    rows = burst(utc(2026, 11, 16, 8), 50_000, timedelta(seconds=0.5), vendor="Datto RMM", entity="Tickets")
    path = write_csv(tmp_path / "day.csv", rows)
    local, remote = both(scheduler, "summary", "--logs", str(path), "--csv")
    assert remote.stdout == local.stdout
    count, total, unit = TASKS.search(remote.stderr).group(1, 2, 3)
    sent = float(total.replace(",", "")) * {"bytes": 1, "KB": 1024, "MB": 1 << 20}[unit]
    assert int(count) == 2  # one task opens the file (its header), one digests it
    assert sent < path.stat().st_size / 100


def test_the_cache_works_with_a_cluster_whose_workers_stamp_the_files(scheduler, tmp_path):
    """A second run finds every digest in this machine's cache: its only
    tasks read each file's ends, to know the file has not changed."""
    logs, cache = ("--logs", str(SAMPLES / "2026-11-16.parquet")), {"APIHOURLY_CACHE_DIR": str(tmp_path)}
    first, second = (run("summary", *logs, "--csv", "--scheduler", scheduler, env=cache) for _ in range(2))
    assert first.exit_code == second.exit_code == 0, second.output
    assert first.stdout == second.stdout == run("summary", *logs, "--csv", "--no-cache").stdout
    assert [int(TASKS.search(result.stderr).group(1)) for result in (first, second)] == [3, 1]


def test_scheduler_after_the_command_name_before_it_and_from_dasks_variable(scheduler):
    logs = ("--logs", str(SAMPLES / "2026-11-16.parquet"))
    after = run("totals", *logs, "--no-cache", "--csv", "--scheduler", scheduler)
    before = run("--scheduler", scheduler, "totals", *logs, "--no-cache", "--csv")
    variable = run("totals", *logs, "--no-cache", "--csv", env={"DASK_SCHEDULER_ADDRESS": scheduler})
    assert after.exit_code == before.exit_code == variable.exit_code == 0, variable.output
    assert after.stdout == before.stdout == variable.stdout
    assert all(TASKS.search(result.stderr) for result in (after, before, variable))


def test_a_worker_killed_mid_job_is_replaced_and_the_answer_is_unchanged(workers_restored, tmp_path, monkeypatch):
    from apihourly.count import segments

    from dying_task import digests_after_one_death

    marker = tmp_path / "died"
    monkeypatch.setattr(segments, "digested_on_worker", functools.partial(digests_after_one_death,
                                                                          marker=str(marker)))
    local, remote = both(workers_restored, "summary", "--logs", str(SAMPLES / "2026-11-16.parquet"), "--csv")
    assert marker.exists()  # a worker process was killed running the task ...
    assert remote.exit_code == 0, remote.output  # ... which Dask ran again on a live one
    assert remote.stdout == local.stdout


@pytest.fixture
def workers_restored(scheduler):
    """The scheduler's address; after the test, both its workers back (a
    test that kills them must not leave the next one without)."""
    from distributed import Client

    yield scheduler
    with Client(scheduler, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=60)


def test_a_task_that_kills_every_worker_it_runs_on_is_one_error(workers_restored, monkeypatch):
    """Dask gives up after the workers it allows a task to kill (3 by default)."""
    from apihourly.count import segments

    from dying_task import digests_that_always_kill

    monkeypatch.setattr(segments, "digested_on_worker", digests_that_always_kill)
    result = run("totals", "--logs", str(SAMPLES / "2026-11-16.parquet"), "--no-cache",
                 "--scheduler", workers_restored)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: a task killed every worker that ran it (")
    assert lines[1:] == ["hint: look at the workers' logs: they may run out of memory"]


def test_a_file_unreadable_on_the_workers_is_the_same_one_line_error(scheduler, tmp_path, monkeypatch):
    """Two files cut short, each read by a task of its own: whichever task
    fails first, the error is the first file's, as locally."""
    import gzip

    from apihourly import cluster

    good = "\n".join(["Execution Start,Vendor"] + [f"2026-11-16T08:{m:02d}:00Z,Datto RMM" for m in range(60)] * 400)
    data = gzip.compress(good.encode())
    for name in ("a.csv.gz", "b.csv.gz"):
        (tmp_path / name).write_bytes(data[: len(data) // 2])  # the header reads, the rows do not
    monkeypatch.setattr(cluster, "TASK_BYTES", 1)
    local, remote = both(scheduler, "summary", "--logs", str(tmp_path), "--date", "2026-11-16")
    assert local.exit_code == remote.exit_code == 1
    assert local.stderr.startswith(f"error: {tmp_path / 'a.csv.gz'}: ")
    assert remote.stderr == local.stderr
    assert "Traceback" not in remote.output


def test_logs_without_tenants_are_the_same_error_on_the_cluster(scheduler):
    local, remote = both(scheduler, "tenants", "--logs", str(SAMPLES / "2026-11-16.parquet"))
    assert local.exit_code == remote.exit_code == 1
    assert remote.stderr == local.stderr and local.stderr.startswith("error: ")


def test_workers_running_another_apihourly_are_refused(scheduler, monkeypatch):
    import apihourly

    monkeypatch.setattr(apihourly, "__version__", "9.9.9")
    result = run("totals", "--logs", str(SAMPLES), "--scheduler", scheduler)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"error: workers of the Dask scheduler at {scheduler} run apihourly 0.1.0, this machine 9.9.9")


def test_a_scheduler_without_workers_is_one_error(dask_scratch):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=0, dashboard_address=":0", local_directory=str(dask_scratch)) as empty:
        result = run("totals", "--logs", str(SAMPLES), "--scheduler", empty.scheduler_address)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: the Dask scheduler at {empty.scheduler_address} has no workers",
        "hint: start some: dask worker ADDRESS, on each machine that reads logs"]


def test_an_unreachable_scheduler_is_one_error_within_the_timeout():
    import socket

    with socket.socket() as spare:  # a port nothing listens on
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    started = time.monotonic()
    result = run("summary", "--logs", str(SAMPLES), "--scheduler", f"tcp://127.0.0.1:{port}",
                 "--scheduler-timeout", "2")
    assert time.monotonic() - started < 8
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port} within 2 s: ")
    assert lines[1].startswith("hint: start one (dask scheduler")
    assert len(lines) == 2


def test_without_dask_installed_a_scheduler_is_one_error_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now fails
    result = run("totals", "--logs", str(SAMPLES), "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: --scheduler tcp://127.0.0.1:8786 needs Dask's distributed scheduler, which is not installed",
        'hint: pip install "apihourly[dask]" (on this machine and on every worker)',
    ]


def test_without_a_scheduler_nothing_of_dask_is_imported():
    code = ("import sys; from apihourly.cli import app; from typer.testing import CliRunner; "
            f"r = CliRunner().invoke(app, ['summary', '--logs', {str(SAMPLES)!r}, '--no-cache', '--csv']); "
            "print(r.exit_code, sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.stdout.split(None, 1) == ["0", "[]\n"], done.stderr


# The property: any logs, any report, the same answer ----------------------------

@st.composite
def logs(draw):
    """1 to 3 files (CSV or Parquet) of a few bursts each, on 2026-11-15/16."""
    files = []
    for _ in range(draw(st.integers(1, 3))):
        rows = []
        for _ in range(draw(st.integers(1, 3))):
            start = utc(2026, 11, 15, 20) + timedelta(seconds=draw(st.integers(0, 30 * 3600)))
            rows += burst(start, draw(st.integers(1, 60)), timedelta(seconds=draw(st.sampled_from([0, 1, 40, 300]))),
                          vendor=draw(st.sampled_from(["", "Datto RMM", "IT Glue"])),
                          integration=draw(st.sampled_from(["", "Sync"])), entity="Tickets",
                          execution_ms=draw(st.sampled_from([0, 900, 70000])))
        files.append((draw(st.sampled_from(["csv", "parquet"])), rows))
    return files


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=logs(), report=st.sampled_from(REPORTS[:4] + [("tenants",)]))
def test_any_report_of_any_logs_is_the_same_on_the_cluster(scheduler, tmp_path_factory, files, report):
    folder = tmp_path_factory.mktemp("logs")
    for i, (kind, rows) in enumerate(files):
        if report[0] == "tenants":  # each file one tenant's, in its tenant= folder
            (folder / f"tenant=t{i}").mkdir()
            name = f"tenant=t{i}/calls.{kind}"
        else:
            name = f"calls-{i}.{kind}"
        (write_csv if kind == "csv" else write_parquet)(folder / name, rows)
    limits = ("--threshold", "30", "--tz", "America/New_York")
    local, remote = both(scheduler, *report, "--logs", str(folder), *limits, "--json")
    assert remote.exit_code == local.exit_code, remote.output
    if local.exit_code == 0:
        assert json.loads(remote.stdout) == json.loads(local.stdout)


def test_the_html_report_on_the_cluster_is_the_local_page(scheduler):
    args = ("report", "--logs", str(SAMPLES), "--date", "2026-11-16", "-o", "-")
    local, remote = both(scheduler, *args)
    assert local.exit_code == remote.exit_code == 0, remote.output
    made = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 by")  # when the page was written
    assert made.sub("", remote.stdout) == made.sub("", local.stdout)
    assert TASKS.search(remote.stderr)


def test_browse_reads_through_the_cluster_it_is_given(scheduler):
    """browse keeps one connection for its session; its screens count through it."""
    from datetime import date
    from zoneinfo import ZoneInfo

    from apihourly.browse.session import Session
    from apihourly.cluster import Cluster
    from apihourly.reports.hourly import count_day

    cluster = Cluster.connect(scheduler)
    try:
        there = Session([str(SAMPLES)], ZoneInfo("UTC"), 10_000, cache=False, cluster=cluster).current()
        here = Session([str(SAMPLES)], ZoneInfo("UTC"), 10_000, cache=False).current()
        day = date(2026, 11, 16)
        assert count_day(there, day).labels == count_day(here, day).labels
        assert count_day(there, day).calls == count_day(here, day).calls
        assert cluster.tally.tasks > 0
    finally:
        cluster.close()


def test_browse_on_a_terminal_opens_its_logs_through_the_cluster(scheduler, monkeypatch):
    """The command itself, as on a terminal, with the app's run() replaced
    by opening the session's logs: the cluster is connected, used and said."""
    import types

    from apihourly import cli
    from apihourly.browse import app as browse_app

    opened = []

    class App:
        def __init__(self, session, day):
            self.session = session

        def run(self):
            opened.append(self.session.current())

    terminal = types.SimpleNamespace(isatty=lambda: True)
    monkeypatch.setattr(cli, "sys", types.SimpleNamespace(stdin=terminal, stdout=terminal, stderr=terminal))
    monkeypatch.setattr(browse_app, "BrowseApp", App)
    result = run("browse", "--logs", str(SAMPLES), "--no-cache", "--scheduler", scheduler)
    assert result.exit_code == 0, result.output
    assert opened and opened[0].logs.cluster is not None
    assert TASKS.search(result.stderr)
