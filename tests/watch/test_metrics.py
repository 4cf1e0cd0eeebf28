"""--metrics: the watch's numbers served over HTTP on 127.0.0.1 and read
back with prometheus_client's own parser."""

from __future__ import annotations

import urllib.request
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from growing import append, calls, new_csv
from make_logs import utc
from prometheus_client.parser import text_string_to_metric_families

from apihourly.count.calls import FIELDS
from apihourly.read.follow import Follower
from apihourly.watch.loop import Settings, Watch
from apihourly.watch.metrics import Metrics, address

T0 = utc(2026, 11, 27, 14, 0)
ODD = 'Quote " back\\slash\nnew line'


def scraped(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode("utf-8")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def test_the_metrics_are_served_on_127_0_0_1_and_parse_back(logdir):
    log = new_csv(logdir / "proxy.csv", calls(T0, 60) + calls(T0, 15, vendor=ODD)
                  + "not a time,query,Tickets,X,,,1\n")
    watch = Watch(Follower([str(logdir)], fields=FIELDS), Settings(100, 3, 10_000, ZoneInfo("UTC")),
                  lambda: 0, lambda: int(T0.timestamp()) * 10**9)
    metrics = Metrics()
    metrics.update(watch.step().report)
    server = metrics.serve("127.0.0.1", 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
        samples = scraped(server.server_port)
        assert samples[("apihourly_rolling_calls", ())] == 75
        assert samples[("apihourly_rolling_threshold", ())] == 100
        assert samples[("apihourly_tier", ())] == 2
        assert samples[("apihourly_integration_rolling_calls", (("integration", "Datto RMM"),))] == 60
        assert samples[("apihourly_integration_rolling_calls", (("integration", ODD),))] == 15
        assert samples[("apihourly_calls_total", ())] == 75
        assert samples[("apihourly_skipped_rows_total", ())] == 1
        assert samples[("apihourly_window_end_timestamp_seconds", ())] == T0.timestamp() + 59  # the newest call
        append(log, calls(T0 + timedelta(minutes=1), 30))
        metrics.update(watch.step().report)
        samples = scraped(server.server_port)
        assert (samples[("apihourly_rolling_calls", ())], samples[("apihourly_tier", ())]) == (105, 3)
        assert samples[("apihourly_calls_total", ())] == 105
    finally:
        server.shutdown()


def test_nothing_is_served_before_the_first_look():
    metrics = Metrics()
    server = metrics.serve("127.0.0.1", 0)
    try:
        assert scraped(server.server_port) == {}
    finally:
        server.shutdown()


@pytest.mark.parametrize("text, expected", [
    ("127.0.0.1:9464", ("127.0.0.1", 9464)), (":9464", ("127.0.0.1", 9464)), ("9464", ("127.0.0.1", 9464)),
    ("0.0.0.0:80", ("0.0.0.0", 80)), ("[::1]:9464", ("::1", 9464)),
])
def test_an_address_is_host_and_port_with_this_machine_by_default(text, expected):
    assert address(text) == expected


@pytest.mark.parametrize("text", ["localhost", "127.0.0.1:", "host:99999", "host:-1"])
def test_an_address_without_a_port_is_refused(text):
    with pytest.raises(ValueError, match="is not HOST:PORT"):
        address(text)
