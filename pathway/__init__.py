"""pathway: the treatment pathway for liver metastases as an explicit state machine.

A teaching and documentation tool, not a clinical decision system.

    >>> import pathway
    >>> scenario = pathway.load("scenarios/s4-metachronous-bilobar.yaml")
    >>> trajectory = pathway.replay(scenario)

The names below are loaded on first use, so that importing a submodule (the command line, say)
does not assemble the definition before it is asked for.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .course import Case, Finding, Margin, Recurrence, Response
    from .engine import Parted, Step, TimelineSource, Trajectory, branch, run
    from .errors import Problem, ScenarioError
    from .report import DISCLAIMER, replay, trajectory_json
    from .scenario import Scenario, load, loads

_WHERE = {
    "Case": "course",
    "Finding": "course",
    "Margin": "course",
    "Recurrence": "course",
    "Response": "course",
    "Parted": "engine",
    "Step": "engine",
    "TimelineSource": "engine",
    "Trajectory": "engine",
    "branch": "engine",
    "run": "engine",
    "Problem": "errors",
    "ScenarioError": "errors",
    "DISCLAIMER": "report",
    "replay": "report",
    "trajectory_json": "report",
    "Scenario": "scenario",
    "load": "scenario",
    "loads": "scenario",
}

__all__ = [
    "DISCLAIMER",
    "Case",
    "Finding",
    "Margin",
    "Parted",
    "Problem",
    "Recurrence",
    "Response",
    "Scenario",
    "ScenarioError",
    "Step",
    "TimelineSource",
    "Trajectory",
    "branch",
    "load",
    "loads",
    "replay",
    "run",
    "trajectory_json",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'pathway' has no attribute {name!r}")
    value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value
