"""--metrics: the watch's numbers in Prometheus' text format, served over
HTTP with prometheus_client from a registry of their own (none of the
library's default process metrics), made from the latest look at each scrape."""

from __future__ import annotations

from ..errors import ApihourlyError

DEFAULT_HOST = "127.0.0.1"  # this machine only, unless the user says otherwise


class Metrics:
    """A prometheus_client collector of the watch's latest report."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry

        self.report = None
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self)

    def update(self, report) -> None:
        self.report = report  # one reference, swapped whole: a scrape sees one look

    def collect(self):
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        report = self.report
        if report is None:
            return
        meta, table = report.meta, report.parts["integrations"]
        yield GaugeMetricFamily("apihourly_rolling_calls", "Calls of the tenant in the rolling 60 minutes",
                                value=meta["rolling_calls"])
        yield GaugeMetricFamily("apihourly_rolling_threshold", "The tenant's rolling 60-minute threshold "
                                "(--db-threshold)", value=meta["db_threshold"])
        yield GaugeMetricFamily("apihourly_window_end_timestamp_seconds", "Where the window ends: the newest "
                                "call's time, moved on by this machine's clock while none arrive",
                                value=meta["window_end_s"])
        yield GaugeMetricFamily("apihourly_tier", "Latency tier: 0 below 50% of the threshold, 1 from 50%, "
                                "2 from 75%, 3 over it (calls rejected)", value=meta["tier"])
        per = GaugeMetricFamily("apihourly_integration_rolling_calls", "Calls in the rolling 60 minutes "
                                "per integration", labels=["integration"])
        for label, calls in zip(table.column("Integration"), table.column("Last 60 min")):
            per.add_metric([label], calls)
        yield per
        yield CounterMetricFamily("apihourly_calls", "Calls read since the watch began", value=meta["calls_total"])
        yield CounterMetricFamily("apihourly_skipped_rows", "Rows that could not be counted since the watch began",
                                  value=meta["skipped_rows_total"])

    def serve(self, host: str, port: int):
        """Serve on host:port until the process ends; the server (its
        server_port is the port, when 0 asked for any)."""
        from prometheus_client import start_http_server

        try:
            server, _ = start_http_server(port, addr=host, registry=self.registry)
        except OSError as exc:
            raise ApihourlyError(f"cannot serve metrics on {host}:{port}: {exc.strerror or exc}",
                                 "choose another --metrics HOST:PORT") from None
        return server


def address(text: str) -> tuple[str, int]:
    """HOST:PORT, :PORT or PORT (host 127.0.0.1); an IPv6 host in brackets.
    ValueError says what is wrong."""
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or DEFAULT_HOST
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"{text!r} is not HOST:PORT (a port from 0 to 65535), e.g. 127.0.0.1:9464")
    return host, int(port)
