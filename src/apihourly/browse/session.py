"""What every screen of the app shares: the options and the opened logs."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from ..reports.model import Query


@dataclass
class Session:
    """The browse options, and the logs opened once per refresh.

    `generation` grows at every (re)open, so a screen can tell that the logs
    were re-read while it was hidden and reload when it is shown again.
    """

    specs: list[str]
    tz: ZoneInfo
    threshold: int
    time_format: str = "24h"
    input_tz: ZoneInfo | None = None  # where times without an offset were written (--input-tz)
    time_pattern: str | None = None  # --input-time-format
    cache: bool = True  # False with --no-cache
    tenant: str | None = None  # --tenant
    cluster: object = None  # the cluster.Cluster of --scheduler, whose workers read the logs
    query: Query | None = None
    generation: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def reopen(self) -> Query:
        """Find and open the log files again: files that grew, new files."""
        with self._lock:
            return self._open()

    def current(self) -> Query:
        # Screens load in worker threads; the lock keeps two first loads from
        # opening the logs twice.
        with self._lock:
            return self.query if self.query is not None else self._open()

    def _open(self) -> Query:
        self.query = Query.open(self.specs, self.tz, self.threshold, input_tz=self.input_tz,
                                time_pattern=self.time_pattern, cache=self.cache, tenant=self.tenant,
                                cluster=self.cluster)
        self.generation += 1
        return self.query
