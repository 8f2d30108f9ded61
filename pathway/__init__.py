"""pathway: the treatment pathway for liver metastases as an explicit state machine.

A teaching and documentation tool, not a clinical decision system.

    >>> import pathway
    >>> scenario = pathway.load("scenarios/s4-metachronous-bilobar.yaml")
    >>> trajectory = pathway.replay(scenario)
"""

from .course import Case, Finding
from .engine import Parted, Step, TimelineSource, Trajectory, branch, run
from .errors import Problem, ScenarioError
from .report import DISCLAIMER, replay, trajectory_json
from .scenario import Scenario, load, loads

__all__ = [
    "DISCLAIMER",
    "Case",
    "Finding",
    "Parted",
    "Problem",
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
