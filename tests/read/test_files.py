"""Finding log files: hive `date=` folders that cannot hold a period are
left out, and every message names the formats from the registry."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from apihourly.errors import NoLogsFound
from apihourly.read import formats
from apihourly.read.discovery import find_log_files, no_logs_hint
from apihourly.read.files import may_overlap
from apihourly.timeaxis import to_ns


def test_partition_dates_that_cannot_overlap_are_skipped(tmp_path):
    window = (to_ns(datetime(2026, 11, 15, 5, tzinfo=timezone.utc)), to_ns(datetime(2026, 11, 16, 5, tzinfo=timezone.utc)))
    assert [d for d in range(10, 20)
            if may_overlap(tmp_path / f"date=2026-11-{d}" / "p.parquet", window)] == [14, 15, 16, 17]
    assert may_overlap(tmp_path / "no-partition" / "p.parquet", window)
    assert may_overlap(tmp_path / "date=2026-02-31" / "p.parquet", window)


def test_formats_are_known_by_their_suffix_in_any_case(tmp_path):
    names = ("a.csv", "b.CSV.GZ", "c.parquet", "d.PQ", "e.jsonl", "f.ndjson.gz")
    assert [formats.format_of(tmp_path / name).name for name in names] == \
           ["csv", "csv", "parquet", "parquet", "jsonl", "jsonl"]
    assert formats.format_of(tmp_path / "notes.txt") is None
    assert formats.format_of(tmp_path / "a.csv.bak") is None


def test_messages_name_the_suffixes_the_registry_advertises():
    assert formats.suffix_names(" or ") == ".csv, .csv.gz, .parquet, .jsonl or .jsonl.gz"
    assert no_logs_hint() == ("point --logs (or APIHOURLY_LOGS) at a file, folder or glob of "
                              ".csv, .csv.gz, .parquet, .jsonl or .jsonl.gz logs")


def test_a_format_added_to_the_registry_is_found_and_named(tmp_path, monkeypatch):
    """What adding a format takes besides its module: one registry entry;
    discovery and messages follow."""
    w3c = formats.Format("w3c", (".w3c",), (".iislog",))
    monkeypatch.setattr(formats, "REGISTRY", (*formats.REGISTRY, w3c))
    (tmp_path / "a.iislog").write_text("#Fields: date time\n")
    (tmp_path / "b.txt").write_text("x\n")
    assert formats.format_of(tmp_path / "a.iislog") is w3c
    assert find_log_files([str(tmp_path)]) == [tmp_path / "a.iislog"]
    assert formats.suffix_names(" or ") == ".csv, .csv.gz, .parquet, .jsonl, .jsonl.gz or .w3c"
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoLogsFound, match=r"no log files \(.csv, .csv.gz, .parquet, .jsonl, .jsonl.gz, .w3c\) "
                                          "in this folder"):
        find_log_files([str(tmp_path / "empty")])


def test_every_registered_format_has_a_module_that_reads_it():
    for entry in formats.REGISTRY:
        reader = entry.reader
        assert reader.POSITION in ("lines", "rows") and isinstance(reader.STATISTICS, bool)
        for name in ("sniff", "header", "batches", "latest_ns", "explain"):
            assert callable(getattr(reader, name)), (entry.name, name)
