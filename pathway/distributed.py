"""Cohorts beyond one machine: the same patient-index ranges as a local cohort, run on a Dask cluster.

An optional extra (`pip install "pathway[dask]"`): Dask's distributed scheduler places the work, the
cohort stays ours. The patient and parameters are scattered to the workers once; each task simulates
one range of patient indices (pathway.cohort.simulate, the same function a local worker runs) and
returns its tally; the tallies are merged as they arrive. Counts and integer histograms add up the
same in any order, so the JSON is the one a local run gives, whatever the cluster.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from .cohort import CohortError, Tally, chunks, simulate
from .parameters import Parameters
from .patient import Patient

EXTRA = 'the Dask executor needs the dask extra: pip install "pathway[dask]"'


CONNECT_TIMEOUT = "10s"


class DaskMissing(Exception):
    def __str__(self) -> str:
        return EXTRA


class SchedulerUnreachable(Exception):
    """The scheduler address is not one Dask can use, or nothing answers there."""

    def __init__(self, address: str, why: str):
        super().__init__(address, why)
        self.address = address
        self.why = why


class ClusterFailed(Exception):
    """The cluster could not run the cohort: no workers, a worker lost, a connection dropped."""

    def __init__(self, where: str, why: str):
        super().__init__(where, why)
        self.where = where
        self.why = why


@cache
def code_fingerprint() -> str:
    """A digest of this installation's pathway (its code, tables and parameter file): a worker that
    imports another pathway would give other answers, so its digest must be the same."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".yaml", ".json") and p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _worker_fingerprint() -> str:
    from pathway.distributed import code_fingerprint

    return code_fingerprint()


def available() -> bool:
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        return False
    return True


def run_cohort_dask(
    patient: Patient,
    params: Parameters,
    n: int,
    seed: int = 1,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    client: Any = None,
    progress: Callable[[int], object] | None = None,
    engine: str = "fast",
) -> Tally:
    """N patients like `patient` on a Dask cluster: `client` if given, else the scheduler at `scheduler`,
    else a local cluster of `workers` processes started for this cohort."""
    try:
        import dask.distributed
    except ImportError:
        raise DaskMissing() from None
    dd: Any = dask.distributed  # partly typed: used through Any
    where = scheduler or "a local Dask cluster"
    ranges = chunks(n, workers if client is None and scheduler is None else 2)
    cluster = None
    own = client is None
    futures: dict[Any, tuple[int, int]] = {}
    try:
        if client is None and scheduler is None:  # as many processes as the work can use, as locally
            count = max(1, min(workers, len(ranges)))
            cluster = dd.LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=":0")
            client = dd.Client(cluster)
        elif client is None:
            assert scheduler is not None
            try:
                client = dd.Client(scheduler, timeout=CONNECT_TIMEOUT)
            except ValueError as err:  # not an address: "missing port number", an unknown protocol
                raise SchedulerUnreachable(scheduler, str(err)) from None
            except OSError:  # refused, or no answer within the timeout
                raise SchedulerUnreachable(scheduler, f"no scheduler answered within {CONNECT_TIMEOUT}") from None
        if not client.nthreads():
            raise ClusterFailed(where, "the scheduler has no workers")
        theirs = set(client.run(_worker_fingerprint).values())
        if theirs != {code_fingerprint()}:
            raise ClusterFailed(where, "its workers import another version of pathway than this one")
        ranges = chunks(n, len(client.nthreads()))
        shared_patient, shared_params = client.scatter([patient, params], broadcast=True)
        futures = {
            client.submit(simulate, shared_patient, shared_params, seed, lo, hi, engine, pure=False): (lo, hi)
            for lo, hi in ranges
        }
        tally = Tally()
        for future in dd.as_completed(futures):
            tally.merge(future.result())
            if progress is not None:
                lo, hi = futures[future]
                progress(hi - lo)
        return tally
    except (CohortError, SchedulerUnreachable, ClusterFailed):
        raise
    except Exception as err:  # the cluster's own failures: a lost worker or connection, a timeout
        raise ClusterFailed(where, f"{type(err).__name__}: {err}".rstrip(": ")) from None
    finally:
        if client is not None and futures:
            client.cancel(list(futures))
        if own and client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
