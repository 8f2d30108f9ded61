"""The Dask executor: the same cohort JSON as a local run, on a local Dask cluster of two processes."""

from __future__ import annotations

import builtins
import importlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pathway import cohort, distributed, parameters
from pathway.cli import main
from pathway.scenario import load

ROOT = Path(__file__).resolve().parents[1]
FILE = ROOT / "scenarios" / "liver-only-recurrence.yaml"


def _dask() -> Any:
    return importlib.import_module("dask.distributed")  # partly typed: used through Any


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A local Dask cluster: a scheduler and two worker processes, one thread each."""
    if not distributed.available():
        reason = 'dask is not installed (pip install -e ".[test]" installs it)'
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    local = _dask().LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    yield local
    local.close()


def test_dask_gives_the_local_json(cluster: Any) -> None:
    sc = load(FILE)
    params = parameters.load()
    local = cohort.run_cohort(sc.patient, params, 900, 4, 1)
    with _dask().Client(cluster) as client:
        seen: list[int] = []
        remote = distributed.run_cohort_dask(sc.patient, params, 900, 4, client=client, progress=seen.append)
        assert sorted(client.nthreads().values()) == [1, 1]  # two workers did the work
    assert sum(seen) == 900
    assert json.dumps(cohort.as_json(sc.id, sc.patient, remote, params, 4), sort_keys=True) == json.dumps(
        cohort.as_json(sc.id, sc.patient, local, params, 4), sort_keys=True
    )


def test_the_command_line_on_a_dask_scheduler(cluster: Any, capsys: pytest.CaptureFixture[str]) -> None:
    common = ["cohort", str(FILE), "--n", "300", "--seed", "2", "--json"]
    assert main([*common, "--workers", "1"]) == 0
    local = json.loads(capsys.readouterr().out)
    assert main([*common, "--executor", "dask", "--scheduler", cluster.scheduler_address]) == 0
    assert json.loads(capsys.readouterr().out) == local
    assert local["n"] == 300 and local["outcomes"]["resected"] > 0


def test_a_scheduler_without_the_dask_executor_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cohort", str(FILE), "--n", "10", "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pathway cohort: --scheduler: only with --executor dask (got tcp://127.0.0.1:8786;")


def test_without_dask_the_executor_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_import = builtins.__import__

    def no_dask(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "dask" or name.startswith("dask."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    assert main(["cohort", str(FILE), "--n", "10", "--executor", "dask"]) == 2
    err = capsys.readouterr().err
    assert (
        err == 'pathway cohort: --executor dask: the Dask executor needs the dask extra: pip install "pathway[dask]"\n'
    )


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("not an address", "missing port number in address 'not an address'"),
        ("tcp://127.0.0.1:1", "no scheduler answered within 10s"),
    ],
)
def test_a_scheduler_that_cannot_be_reached_is_exit_2(
    cluster: Any, address: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cohort", str(FILE), "--n", "10", "--executor", "dask", "--scheduler", address]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"pathway cohort: --scheduler: {why} (got {address!r}; "
        "expected the address of a running Dask scheduler, tcp://host:port)\n"
    )


def test_a_scheduler_without_workers_is_exit_2(cluster: Any, capsys: pytest.CaptureFixture[str]) -> None:
    empty = _dask().LocalCluster(n_workers=0, processes=True, dashboard_address=":0")
    try:
        args = ["cohort", str(FILE), "--n", "10", "--executor", "dask", "--scheduler", empty.scheduler_address]
        assert main(args) == 2
    finally:
        empty.close()
    err = capsys.readouterr().err
    assert err.startswith(
        "pathway cohort: --executor dask: the cluster could not run the cohort: the scheduler has no workers (got tcp://"
    )


def test_the_command_line_starts_a_local_dask_cluster(cluster: Any, capsys: pytest.CaptureFixture[str]) -> None:
    common = ["cohort", str(FILE), "--n", "120", "--json", "--workers", "2"]
    assert main(common) == 0
    local = json.loads(capsys.readouterr().out)
    assert main([*common, "--executor", "dask"]) == 0
    assert json.loads(capsys.readouterr().out) == local


def test_workers_running_another_pathway_are_refused(
    cluster: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Workers whose pathway differs from this one would give other answers: refused, exit 2."""
    assert distributed.code_fingerprint() == distributed.code_fingerprint()  # cached, and stable
    monkeypatch.setattr(distributed, "code_fingerprint", lambda: "another pathway")
    args = ["cohort", str(FILE), "--n", "10", "--executor", "dask", "--scheduler", cluster.scheduler_address]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "pathway cohort: --executor dask: the cluster could not run the cohort: "
        "its workers import another version of pathway than this one (got tcp://"
    )
