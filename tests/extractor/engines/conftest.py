"""One local Ray cluster for the whole session (a cluster costs ~9 s to start and ~840 MiB).

It declares 4 logical CPUs on whatever the machine has, so two actors at a fraction of a CPU
each leave room for Ray Data's read tasks (at 1 CPU each on 2 CPUs the job hung silently);
a job without progress fails after 60 s instead of hanging; the object store is small.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

NO_PROGRESS_S = "60"


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[str]:
    """The cluster's address, for drivers started as subprocesses (RAY_ADDRESS)."""
    ray = pytest.importorskip("ray", reason="the ray extra is not installed")
    os.environ["RAY_DATA_EXECUTION_NO_PROGRESS_TIMEOUT_S"] = NO_PROGRESS_S
    ray.init(
        num_cpus=4,
        object_store_memory=80 * 1024 * 1024,
        include_dashboard=False,
        log_to_driver=False,
    )
    try:
        yield str(ray.get_runtime_context().gcs_address)
    finally:
        ray.shutdown()
