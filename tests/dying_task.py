"""A task that kills the worker process running it, the first time only:
what a worker dying mid-job (out of memory, a node lost) looks like to
Dask. Imported by name on the workers (tests/ is on their path)."""

import os
import signal
from pathlib import Path


def digests_after_one_death(segments, rules, tenant, peaks, marker: str):
    from apihourly.count.segments import digested_on_worker

    if not Path(marker).exists():
        Path(marker).write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return digested_on_worker(segments, rules, tenant, peaks)


def digests_that_always_kill(segments, rules, tenant, peaks):
    os.kill(os.getpid(), signal.SIGKILL)
