"""A real Dask cluster for the suite: a scheduler and two worker processes
on this machine, started once, their files in a temporary folder."""

import pytest


@pytest.fixture(scope="session")
def scheduler(tmp_path_factory):
    """The address of a running LocalCluster of 2 single-threaded worker processes."""
    distributed = pytest.importorskip("distributed", reason="the cluster tests need apihourly[dask]")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  local_directory=str(tmp_path_factory.mktemp("dask"))) as cluster:
        yield cluster.scheduler_address
