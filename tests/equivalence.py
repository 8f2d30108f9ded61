"""The fast path against the explained engine, patient by patient (used by tests/test_fast.py)."""

from __future__ import annotations

import random
from dataclasses import asdict
from typing import Any

from pathway.course import Case
from pathway.engine import Brief, Parted, Trajectory, run, run_fast
from pathway.vocabulary import DefinitionError

from .random_patients import RandomFindings, random_patient


def fingerprint(trajectory: Trajectory | Brief) -> tuple[Any, ...]:
    """What must agree: every step's state, road and month, how the trajectory ended, the final case."""
    steps = tuple((s.source, s.state, s.road.name, s.month) for s in trajectory.steps)
    last = trajectory.steps[-1].case if trajectory.steps else trajectory.start
    return steps, trajectory.ended, trajectory.awaiting, trajectory.final_state, asdict(last)


def outcome(drive: Any, case: Case, seed: int, limit: int) -> tuple[Any, ...]:
    try:
        return ("ran", fingerprint(drive(case, RandomFindings(random.Random(seed), limit), "eq")))
    except Parted as parted:  # Stalled too: the same loop, named the same way
        return ("stalled", parted.problem.format())
    except DefinitionError as err:
        return ("definition", str(err))


def disagreements(site: str, start: int, stop: int, limit: int = 30) -> tuple[int, list[str]]:
    """Random patients start..stop-1 of `site`, up to `limit` random findings each: how many ran, and
    each one the two engines disagree on."""
    found = []
    for i in range(start, stop):
        case = Case(random_patient(random.Random(f"equivalence/{site}/{i}"), site))
        explained, fast = outcome(run, case, i, limit), outcome(run_fast, case, i, limit)
        if explained != fast:
            found.append(f"{site} patient {i}: explained {explained[0]}, fast {fast[0]}")
    return stop - start, found
