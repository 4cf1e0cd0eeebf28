"""Reading and counting as tasks on a Dask cluster (`--scheduler ADDRESS`).

apihourly's unit of work is already one that travels: read some log files
and return what they add up to (a segment's digest, a run of tenants'
rows, the calls of one bounded window). A Cluster hands such functions to
a `dask.distributed` scheduler, which places them on its workers, re-runs
those whose worker died, and sends the results back; the client merges
them as it merges the work of its own processes. Dask is imported only
here, and only when a scheduler is named: it is an optional extra.
"""

from __future__ import annotations

import pickle
import time
from dataclasses import dataclass, field

from .errors import ApihourlyError, first_line

DEFAULT_TIMEOUT_S = 10.0  # how long to try reaching the scheduler before saying it cannot be reached
# File bytes one task reads at most (a file bigger than this is a task of its
# own): big enough that a task's fixed cost (about 5 ms of scheduling and a
# round trip) is small beside its reading, small enough that a fleet's
# thousands of files make many more tasks than there are workers.
TASK_BYTES = 16 << 20
INSTALL_HINT = 'pip install "apihourly[dask]" (on this machine and on every worker)'


class SchedulerUnreachable(ApihourlyError):
    """The scheduler named does not answer."""


@dataclass
class Tally:
    """What the tasks of one run sent back over the network."""

    tasks: int = 0
    returned: int = 0  # bytes of their results, as pickled
    busy_s: float = 0.0  # seconds the workers spent in them

    def sentence(self, address: str) -> str:
        from .words import plural

        per_task = self.returned // self.tasks if self.tasks else 0
        return (f"{plural(self.tasks, 'task')} on the Dask scheduler at {address} returned {_size(self.returned)} "
                f"({_size(per_task)} per task) after {self.busy_s:.1f} s of work on its workers")


@dataclass
class Cluster:
    """A connected Dask client, and the tally of the tasks it ran."""

    client: object
    address: str
    tally: Tally = field(default_factory=Tally)

    @classmethod
    def connect(cls, address: str, timeout: float = DEFAULT_TIMEOUT_S) -> "Cluster":
        try:
            from distributed import Client
        except ImportError:
            raise ApihourlyError(f"--scheduler {address} needs Dask's distributed scheduler, which is not "
                                 "installed", INSTALL_HINT) from None
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerUnreachable(
                f"cannot reach the Dask scheduler at {address} within {timeout:g} s: {first_line(exc)}",
                "start one (dask scheduler; then dask worker ADDRESS on each machine), "
                "or check the address and --scheduler-timeout") from None
        cluster = cls(client, address)
        try:
            cluster.check_workers()
        except BaseException:
            client.close()
            raise
        return cluster

    def check_workers(self) -> None:
        """Every worker must run this machine's apihourly: a digest made by
        other code could be counted otherwise, and no one would know."""
        from . import __version__

        workers = self.client.get_versions(packages=["apihourly"])["workers"]
        if not workers:
            raise ApihourlyError(f"the Dask scheduler at {self.address} has no workers",
                                 "start some: dask worker ADDRESS, on each machine that reads logs")
        other = {info["packages"].get("apihourly") for info in workers.values()} - {__version__}
        if other:
            found = ", ".join(sorted(version or "none" for version in other))
            raise ApihourlyError(f"workers of the Dask scheduler at {self.address} run apihourly {found}, "
                                 f"this machine {__version__}", INSTALL_HINT)

    def map(self, task, items: list, *args) -> list:
        """task(item, *args) for every item, as tasks on the cluster; the
        results in the items' order. Every task is waited for, so that
        the error raised here is that of the first to fail in the items'
        order, as locally: a LogFormatError from a worker is the one line
        it would be on this machine."""
        futures = [self.client.submit(_measured, task, item, *args, pure=False) for item in items]
        try:
            results = self.client.gather(futures, errors="skip")
        except (OSError, TimeoutError) as exc:
            raise SchedulerUnreachable(f"lost the Dask scheduler at {self.address}: {first_line(exc)}") from None
        finally:
            self.client.cancel([future for future in futures if not future.done()])
        failed = next((future for future in futures if future.status == "error"), None)
        if failed is not None:
            raise _error_of(failed)
        for blob, seconds in results:
            self.tally.tasks += 1
            self.tally.returned += len(blob)
            self.tally.busy_s += seconds
        return [pickle.loads(blob) for blob, _ in results]

    def close(self) -> None:
        self.client.close()


def _error_of(future) -> BaseException:
    """A failed task's error: its own (a LogFormatError is the one line it
    is locally), or one for a task that killed every worker that ran it."""
    from distributed import KilledWorker

    error = future.exception()
    if isinstance(error, KilledWorker):
        return ApihourlyError(f"a task killed every worker that ran it ({first_line(error)})",
                              "look at the workers' logs: they may run out of memory")
    return error


def _measured(task, item, *args) -> tuple[bytes, float]:
    """On a worker: the task's result pickled, which is what crosses the
    network (pickled once, and its length is the tally's), and the seconds
    it took."""
    start = time.perf_counter()
    blob = pickle.dumps(task(item, *args), protocol=pickle.HIGHEST_PROTOCOL)
    return blob, time.perf_counter() - start


def in_tasks(sizes: list[int]) -> list[tuple[int, int]]:
    """[start, end) runs of consecutive items of these sizes, each of at
    most TASK_BYTES (an item bigger than that is a run of its own)."""
    runs, start, held = [], 0, 0
    for i, size in enumerate(sizes):
        if i > start and held + size > TASK_BYTES:
            runs.append((start, i))
            start, held = i, 0
        held += size
    if start < len(sizes):
        runs.append((start, len(sizes)))
    return runs


def _size(count: float) -> str:
    if count < 1024:
        return f"{count:,.0f} bytes"
    for unit in ("KB", "MB", "GB"):
        count /= 1024
        if count < 1024 or unit == "GB":
            return f"{count:,.1f} {unit}"
