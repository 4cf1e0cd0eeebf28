"""Logs named by URL: file:// URLs take the same road as s3://, gs:// and
abfs:// (a RemotePath read through pyarrow.fs), so every report over them
must equal the report over the plain path; s3:// itself is read from a
local S3 server (moto) when moto is installed."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from clirun import S3_ENV, SAMPLES, parsed_csv, run
from make_logs import burst, utc, write_csv

from apihourly.read import remote
from apihourly.read.cache import Stamp
from apihourly.read.remote import RemotePath, is_url, split_specs


@pytest.fixture(autouse=True)
def fresh_filesystems():
    """Each test makes its buckets' filesystems anew, from its own environment."""
    remote.forget_filesystems()
    yield
    remote.forget_filesystems()


def url_of(path: Path, tail: str = "") -> str:
    return "file://" + quote(str(path)) + tail


def _report(*args: str) -> tuple[list[dict], str]:
    result = run(*args, "--csv")
    assert result.exit_code == 0, result.stderr
    return parsed_csv(result.stdout), result.stderr


def assert_same_report(local: str, url: str, *args: str) -> list[dict]:
    """The report over `url` is the report over `local`, messages too (with URLs for paths)."""
    rows, said = _report(*args, "--logs", local)
    url_rows, url_said = _report(*args, "--logs", url)
    assert url_rows == rows
    assert unquote(url_said).replace("file://", "") == said
    assert rows
    return rows


SAMPLE_CASES = [
    ("2026-11-11.csv", ("summary", "--date", "2026-11-11")),
    ("2026-11-12.csv.gz", ("summary", "--date", "2026-11-12")),
    ("2026-11-08.jsonl.gz", ("totals", "--date", "2026-11-08")),
    ("2026-11-16.parquet", ("summary", "--date", "2026-11-16")),
    ("API Activity Detail.csv", ("totals", "--date", "2026-11-09", "--tz", "America/New_York")),
    ("2026-11-04 API Activity by Hour.csv", ("days",)),
    ("autotask-counter-2026-11-16.jsonl", ("limits", "--date", "2026-11-16")),
]


@pytest.mark.parametrize("name, args", SAMPLE_CASES, ids=[name for name, _ in SAMPLE_CASES])
def test_each_format_reads_the_same_from_a_file_url(name, args):
    assert_same_report(str(SAMPLES / name), url_of(SAMPLES / name), *args)


@pytest.mark.parametrize("args", [("totals", "--date", "2026-11-16"), ("days",), ("limits", "--date", "2026-11-13")])
def test_a_folder_url_is_read_recursively_like_the_folder(args):
    assert_same_report(str(SAMPLES), url_of(SAMPLES, "/"), *args)


def test_a_glob_url_matches_like_a_local_glob():
    rows = assert_same_report(str(SAMPLES / "*.csv*"), url_of(SAMPLES, "/*.csv*"), "days")
    assert [row["Date"] for row in rows][:3] == ["2026-11-04", "2026-11-05", "2026-11-06"]
    assert_same_report(str(SAMPLES / "**" / "part-0.parquet"), url_of(SAMPLES, "/**/part-0.parquet"),
                       "tenants", "--date", "2026-11-16")


def test_tenant_folders_of_a_hive_tree_are_read_from_a_url():
    fleet = SAMPLES / "fleet"
    rows = assert_same_report(str(fleet), url_of(fleet), "tenants", "--date", "2026-11-16")
    assert len(rows) > 20
    assert_same_report(str(fleet), url_of(fleet), "summary", "--date", "2026-11-16", "--tenant", "india")


def hive_tree(root: Path) -> Path:
    """date= folders where one is mislabelled: its calls are on the 15th but
    it says the 20th, so a read of the 15th prunes it without looking."""
    write_csv(_made(root / "date=2026-11-15" / "a.csv"), burst(utc(2026, 11, 15, 10), 7, vendor="Datto RMM"))
    write_csv(_made(root / "date=2026-11-16" / "b.csv"), burst(utc(2026, 11, 16, 11), 5, vendor="Datto RMM"))
    write_csv(_made(root / "date=2026-11-20" / "c.csv"), burst(utc(2026, 11, 15, 12), 3, vendor="Datto RMM"))
    return root


def _made(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_date_folders_under_a_url_prune_as_on_disk(tmp_path):
    root = hive_tree(tmp_path / "logs")
    rows = assert_same_report(str(root), url_of(root), "totals", "--date", "2026-11-15")
    assert rows[-1]["Calls"] == "7"  # the 20th's folder is not read for the 15th


def test_a_missing_object_is_one_error_line_naming_the_url(tmp_path):
    url = url_of(tmp_path / "nothing.csv")
    result = run("summary", "--logs", url)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"error: {url}: no such object or folder"
    assert "Traceback" not in result.stderr


def test_an_unknown_scheme_is_one_error_line():
    result = run("summary", "--logs", "ftp://example.invalid/logs/")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ("error: ftp://example.invalid/logs/: not a kind of URL apihourly "
                                             "reads (s3://, gs://, abfs:// or file://)")


def test_a_url_that_matches_or_holds_nothing_says_so(tmp_path):
    (tmp_path / "notes.txt").write_text("not a log")
    glob_url, folder_url = url_of(tmp_path, "/*.parquet"), url_of(tmp_path)
    assert run("days", "--logs", glob_url).stderr.splitlines()[0] == (
        f"error: {glob_url}: matches no log files (.csv, .csv.gz, .parquet, .jsonl, .jsonl.gz)")
    assert run("days", "--logs", folder_url).stderr.splitlines()[0] == (
        f"error: {folder_url}: no log files (.csv, .csv.gz, .parquet, .jsonl, .jsonl.gz) in this folder")


def test_output_never_writes_over_a_log_read_through_a_file_url(tmp_path):
    log = write_csv(tmp_path / "a.csv", burst(utc(2026, 11, 15, 10), 3))
    before = log.read_bytes()
    result = run("totals", "--logs", url_of(log), "--date", "2026-11-15", "-o", str(log))
    assert result.exit_code == 1
    assert f"is a log this command reads ({url_of(log)})" in result.stderr
    assert log.read_bytes() == before


def test_the_cache_keeps_a_url_by_its_url_and_reads_it_again_when_it_changes(tmp_path):
    from apihourly.read.cache import Cache

    log = write_csv(_made(tmp_path / "logs" / "a.csv"), burst(utc(2026, 11, 15, 10), 3))
    env = {"APIHOURLY_CACHE_DIR": str(tmp_path / "cache")}
    args = ("totals", "--logs", url_of(log.parent), "--date", "2026-11-15", "--csv")
    assert parsed_csv(run(*args, env=env).stdout)[-1]["Calls"] == "3"
    write_csv(log, burst(utc(2026, 11, 15, 10), 5))
    assert parsed_csv(run(*args, env=env).stdout)[-1]["Calls"] == "5"
    cache = Cache(tmp_path / "cache")
    assert cache.info()["logs"] == 1
    assert {path for (path,) in cache._connection().execute("SELECT DISTINCT path FROM entries")} == {url_of(log)}


def test_a_stamp_of_a_url_has_its_size_time_and_ends_and_no_device_or_inode(tmp_path):
    log = tmp_path / "a.csv"
    log.write_bytes(b"x" * 200_000)
    stamp = Stamp.of(RemotePath(url_of(log)))
    local = Stamp.of(log)
    assert (stamp.path, stamp.device, stamp.inode) == (url_of(log), 0, 0)
    assert (stamp.size, stamp.mtime_ns, stamp.fingerprint) == (local.size, local.mtime_ns, local.fingerprint)


def test_a_remote_path_answers_as_a_path_and_pickles_as_its_url():
    path = RemotePath("s3://bucket/logs/date=2026-11-15/tenant=east/calls.csv.gz?region=eu-west-1")
    assert (path.name, path.suffix, path.suffixes) == ("calls.csv.gz", ".gz", [".csv", ".gz"])
    assert path.parts == ("s3://bucket/", "logs", "date=2026-11-15", "tenant=east", "calls.csv.gz")
    assert str(path.parent) == "s3://bucket/logs/date=2026-11-15/tenant=east/?region=eu-west-1"
    assert str(path.parent / "a b.csv") == "s3://bucket/logs/date=2026-11-15/tenant=east/a%20b.csv?region=eu-west-1"
    assert (path.parent / "a b.csv").name == "a b.csv"
    assert not hasattr(path, "__fspath__")
    again = pickle.loads(pickle.dumps(path))
    assert again == path and hash(again) == hash(path) and str(again) == str(path)
    assert sorted([RemotePath("s3://b/2.csv"), RemotePath("s3://b/1.csv")]) == [RemotePath("s3://b/1.csv"),
                                                                               RemotePath("s3://b/2.csv")]


def test_hive_folders_of_a_url_give_its_date_and_tenant():
    from datetime import date

    from apihourly.read.files import partition_date
    from apihourly.read.tenants import partition_tenant

    path = RemotePath("gs://bucket/logs/date=2026-11-15/tenant=east/calls.parquet")
    assert (partition_date(path), partition_tenant(path)) == (date(2026, 11, 15), "east")


def test_urls_are_told_from_paths_and_kept_whole_in_a_list_of_logs():
    assert [is_url(s) for s in ("s3://b/x", "file:///tmp", "/tmp/x", "C:\\logs", "logs")] == [
        True, True, False, False, False]
    assert split_specs("logs:s3://b/x?endpoint_override=127.0.0.1:9000&scheme=http:/tmp/y::file:///z", ":") == [
        "logs", "s3://b/x?endpoint_override=127.0.0.1:9000&scheme=http", "/tmp/y", "file:///z"]


# S3, from a local S3 server ---------------------------------------------------

BUCKET = "apihourly-logs"


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """A local S3 server holding the fleet sample, the Parquet and CSV
    samples and a hive tree, with dummy credentials (never the caller's)."""
    pytest.importorskip("moto")
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    endpoint = "127.0.0.1:{}".format(server.get_host_and_port()[1])
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name, value in S3_ENV.items():
            monkeypatch.setenv(name, value)
        _upload(endpoint, hive_tree(tmp_path_factory.mktemp("hive")))
    yield endpoint
    server.stop()


def _upload(endpoint: str, hive: Path) -> None:
    import boto3

    client = boto3.client("s3", endpoint_url=f"http://{endpoint}", region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    files = [(path, "fleet/" + path.relative_to(SAMPLES / "fleet").as_posix()) for path in _fleet_files()]
    files += [(SAMPLES / name, "days/" + name) for name in ("2026-11-13.csv.gz", "2026-11-16.parquet")]
    files += [(path, "hive/" + path.relative_to(hive).as_posix()) for path in hive.rglob("*.csv")]
    for path, key in files:
        client.upload_file(str(path), BUCKET, key)


def _fleet_files() -> list[Path]:
    """Four tenants' files of the fleet sample, both days: enough to
    compare, few enough that the S3 server (Python) answers quickly."""
    return [path for path in sorted((SAMPLES / "fleet").rglob("*.parquet"))
            if path.parent.name in ("tenant=alfa", "tenant=bravo", "tenant=charlie", "tenant=delta")]


def _s3(endpoint: str, key: str) -> str:
    """The URL of `key` with the endpoint in its query."""
    return f"s3://{BUCKET}/{key}?endpoint_override={endpoint}&scheme=http"


def _s3_report(url: str, *args: str, env: dict | None = None) -> list[dict]:
    result = run(*args, "--logs", url, "--csv", env={**S3_ENV, **(env or {})})
    assert result.exit_code == 0, result.stderr
    return parsed_csv(result.stdout)


@pytest.mark.parametrize("args", [("summary", "--date", "2026-11-13"), ("totals", "--date", "2026-11-16"),
                                  ("limits", "--date", "2026-11-16")])
def test_s3_days_read_as_the_local_files(s3_endpoint, tmp_path, args):
    local = tmp_path / "days"
    local.mkdir()
    for name in ("2026-11-13.csv.gz", "2026-11-16.parquet"):
        shutil.copy(SAMPLES / name, local / name)
    expected, _ = _report(*args, "--logs", str(local))
    assert _s3_report(_s3(s3_endpoint, "days/"), *args) == expected


def test_s3_tenants_of_the_fleet_read_as_the_local_fleet(s3_endpoint, tmp_path):
    for path in _fleet_files():
        shutil.copy(path, _made(tmp_path / path.relative_to(SAMPLES)))
    args = ("tenants", "--date", "2026-11-16")
    expected, _ = _report(*args, "--logs", str(tmp_path / "fleet"))
    assert len(expected) == 4
    assert _s3_report(_s3(s3_endpoint, "fleet"), *args) == expected


def test_s3_date_folders_prune_and_the_endpoint_may_come_from_the_environment(s3_endpoint):
    env = {"AWS_ENDPOINT_URL": f"http://{s3_endpoint}"}
    rows = _s3_report(f"s3://{BUCKET}/hive/", "totals", "--date", "2026-11-15", env=env)
    assert rows[-1]["Calls"] == "7"
    globbed = _s3_report(f"s3://{BUCKET}/hive/date=2026-11-1*/*.csv", "days", env=env)
    assert [(row["Date"], row["Calls"]) for row in globbed] == [("2026-11-15", "7"), ("2026-11-16", "5")]


def test_s3_missing_bucket_and_key_are_one_error_line(s3_endpoint):
    for url in (_s3(s3_endpoint, "nothing/here.csv"),
                f"s3://no-such-bucket/x.csv?endpoint_override={s3_endpoint}&scheme=http"):
        result = run("summary", "--logs", url, env=S3_ENV)
        assert result.exit_code == 1
        assert result.stderr.splitlines()[0] == f"error: {url}: no such object or folder"


def test_s3_logs_read_by_a_clusters_workers_equal_the_local_run(scheduler, s3_endpoint, tmp_path):
    """The workers open the objects themselves (the URL crosses, never the
    bytes): tenants of four fleet tenants, and a summary of two days."""
    for path in _fleet_files():
        shutil.copy(path, _made(tmp_path / path.relative_to(SAMPLES)))
    cases = [(str(tmp_path / "fleet"), _s3(s3_endpoint, "fleet"), ("tenants", "--date", "2026-11-16")),
             (str(SAMPLES / "2026-11-16.parquet"), _s3(s3_endpoint, "days/2026-11-16.parquet"),
              ("summary", "--date", "2026-11-16"))]
    for local, url, args in cases:
        expected, _ = _report(*args, "--logs", local)
        result = run(*args, "--logs", url, "--csv", "--no-cache", "--scheduler", scheduler, env=S3_ENV)
        assert result.exit_code == 0, result.stderr
        assert parsed_csv(result.stdout) == expected
        assert "cluster: 2 tasks on the Dask scheduler" in result.stderr  # one opens the objects, one reads


def test_an_azure_url_that_cannot_be_listed_is_one_error_line():
    """Without credentials (or a network) Azure's filesystem raises a bare
    ArrowException, which is one line like any store's error."""
    url = "abfs://container@account.dfs.core.windows.net/logs/"
    result = run("summary", "--logs", url)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {url}: cannot be listed: ")
    assert "unexpected" not in result.stderr


def test_google_cloud_storage_is_retried_for_a_bounded_time_unless_the_url_says():
    assert remote._bounded("gs://bucket/") == "gs://bucket/?retry_limit_seconds=15"
    assert remote._bounded("gs://bucket/?scheme=http") == "gs://bucket/?scheme=http&retry_limit_seconds=15"
    assert remote._bounded("gs://bucket/?retry_limit_seconds=60") == "gs://bucket/?retry_limit_seconds=60"
    assert remote._bounded("s3://bucket/") == "s3://bucket/"
