"""The tenants report's reference tools (bench/tools/duckdb_tenants.py and
polars_tenants.py) on a tiny fleet with every answer worked out by hand.

The fleet, in UTC:
- alpha: Datto RMM at 10:00, 10:30 and 11:00 on 2026-11-15. The calls at
  10:00 and 11:00 are exactly 60 minutes apart, so the window (t - 60 min, t]
  of 11:00 holds two calls, not three: the peak is 2, first reached at 10:30.
- beta: three calls late on 2026-11-14, within the hour before the 15th,
  three on the 15th (two at the same millisecond, 00:20), one on the 16th.
  Its peak on the 15th counts the 14th's calls: 6 at 00:20.
- gamma: 10,001 calls of Acme in 05:00-05:50 (one clock hour over the limit),
  then 10,001 more across 08:00 (07:40-08:20, no clock hour over). Both reach
  a rolling 10,001; the first at 05:50.
"""

import csv
import io
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[2] / "bench" / "tools"


def _calls() -> list[tuple[str, datetime, str, str, str]]:
    """(tenant, time, vendor, integration, tracking_id) of every call."""
    def at(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)

    calls = [("alpha", at(f"2026-11-15T{t}"), "Datto RMM", "", "") for t in ("10:00", "10:30", "11:00")]
    calls += [("beta", at("2026-11-14T23:30"), " IT Glue ", "", ""),
              ("beta", at("2026-11-14T23:40"), "", "Billing Sync", ""),
              ("beta", at("2026-11-14T23:50"), "", "", ""),
              ("beta", at("2026-11-15T00:10"), "", "", "TRK-1"),
              ("beta", at("2026-11-15T00:20"), "IT Glue", "", ""),
              ("beta", at("2026-11-15T00:20"), "  ", "Billing Sync", "TRK-1"),
              ("beta", at("2026-11-16T00:00"), "Acme", "", "")]
    for first, step_ms in (("05:00", 300), ("07:40", 240)):
        start = at(f"2026-11-15T{first}")
        calls += [("gamma", start + timedelta(milliseconds=i * step_ms), "Acme", "", "") for i in range(10_001)]
    return calls


def _table(calls):
    import pyarrow as pa

    tenant, stamps, vendor, integration, tracking = zip(*calls)
    return pa.table({"execution_start": pa.array(stamps, pa.timestamp("ms", "UTC")),
                     "vendor": pa.array(vendor), "integration": pa.array(integration),
                     "tracking_id": pa.array(tracking), "tenant": pa.array(tenant)})


def write_hive(folder: Path) -> Path:
    """date=YYYY-MM-DD/tenant=NAME/part-0.parquet, as bench/datasets.py's fleet."""
    import pyarrow.parquet as pq

    groups: dict[tuple[str, str], list] = {}
    for call in _calls():
        groups.setdefault((call[1].date().isoformat(), call[0]), []).append(call)
    for (day, tenant), calls in groups.items():
        part = folder / f"date={day}" / f"tenant={tenant}"
        part.mkdir(parents=True)
        pq.write_table(_table(calls), part / "part-0.parquet")
    return folder


def write_one_file(folder: Path) -> Path:
    import pyarrow.parquet as pq

    path = folder / "fleet.parquet"
    pq.write_table(_table(_calls()), path)
    return path


def tenants(tool: str, *args: str) -> list[dict]:
    pytest.importorskip(tool, reason=f"{tool} is in the bench extra: pip install -e '.[bench]'")
    done = subprocess.run([sys.executable, str(TOOLS / f"{tool}_tenants.py"), *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


def row(tenant, calls, integrations, peak, peak_at, hours_over) -> dict:
    return {"tenant": tenant, "calls": str(calls), "integrations": str(integrations),
            "peak_rolling_hour": str(peak), "peak_at": f"2026-11-15T{peak_at}.000+00:00",
            "hours_over_limit": str(hours_over)}


@pytest.mark.parametrize("tool", ["duckdb", "polars"])
def test_tenants_count_the_rolling_hour_without_a_call_exactly_an_hour_before(tmp_path, tool):
    rows = tenants(tool, str(write_hive(tmp_path / "fleet")), "2026-11-15", "2026-11-15")
    assert rows == [row("gamma", 20_002, 1, 10_001, "05:50:00", 1),
                    row("beta", 3, 3, 6, "00:20:00", 0),
                    row("alpha", 3, 1, 2, "10:30:00", 0)]


@pytest.mark.parametrize("tool", ["duckdb", "polars"])
def test_tenants_take_the_period_from_local_dates_in_one_file(tmp_path, tool):
    """2026-11-15 in Tokyo is 15:00 UTC the 14th to 15:00 UTC the 15th: all
    of beta's calls of the 14th are in it, the one of the 16th is not."""
    rows = tenants(tool, str(write_one_file(tmp_path)), "2026-11-15", "2026-11-15", "--tz", "Asia/Tokyo")
    assert rows == [row("gamma", 20_002, 1, 10_001, "05:50:00", 1),
                    row("beta", 6, 4, 6, "00:20:00", 0),
                    row("alpha", 3, 1, 2, "10:30:00", 0)]


def test_check_finds_both_tools_and_the_numpy_count_agree(tmp_path):
    for tool in ("duckdb", "polars"):
        pytest.importorskip(tool, reason=f"{tool} is in the bench extra: pip install -e '.[bench]'")
    if not Path("/usr/bin/time").exists():
        pytest.skip("check_tenants.py times the tools with /usr/bin/time, which is not installed")
    done = subprocess.run([sys.executable, str(TOOLS / "check_tenants.py"), str(write_hive(tmp_path / "fleet")),
                           "2026-11-15", "2026-11-15"], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert [line.split(",")[0] for line in lines[:2]] == ["duckdb: 3 tenants", "polars: 3 tenants"]
    assert lines[2:] == ["over 10,000 in a rolling hour: gamma",
                         "near it (7,500-10,000): none",
                         "the NumPy count checked 3 tenants: gamma, alpha, beta",
                         "all agree: duckdb and polars on all 3 tenants, both with NumPy on 3, every column"]
