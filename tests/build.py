"""Small builders for tests: a baseline patient, variations of it, and runs with findings."""

from __future__ import annotations

from typing import Any

from pathway.course import Case, Finding, Margin, Recurrence, Response
from pathway.engine import Step, TimelineSource, Trajectory, run
from pathway.patient import Patient, build

BASE: dict[str, Any] = {
    "age": 60,
    "sex": "male",
    "ecog": 0,
    "primary": {"site": "colon", "side": "left", "resected": True, "symptomatic": False, "node_positive": False},
    "presentation": "metachronous",
    "biomarkers": {"mmr": "pMMR", "ras": "wild-type", "braf": "wild-type"},
    "cea_ng_ml": 10,
    "liver": {"lesions": 3, "largest_cm": 3.0, "bilobar": False, "flr_percent": 50, "r0_achievable": True},
    "extrahepatic": "none",
}


def _deep(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _deep(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def patient(**over: Any) -> Patient:
    return build(Patient, _deep(BASE, over))


def case(**over: Any) -> Case:
    return Case(patient(**over))


def finding(at: str, **fields: Any) -> Finding:
    kinds: dict[str, Any] = {"response": Response, "margin": Margin, "recurrence": Recurrence}
    obs = {
        k: kinds.get(k, lambda v: v)(fields.pop(k))
        for k in ("response", "margin", "recurrence", "month", "progressing_lesions")
        if k in fields
    }
    return Finding(at=at, patient=fields, **obs)


def replay(start: Case, *findings: Finding) -> Trajectory:
    numbered = [Finding(**{**f.__dict__, "index": i}) for i, f in enumerate(findings)]
    return run(start, TimelineSource(numbered), "test")


def step_into(t: Trajectory, state: str, nth: int = 1) -> Step:
    """The nth step that arrives in `state`."""
    hits = [s for s in t if s.state == state]
    assert len(hits) >= nth, f"{state} reached {len(hits)} times; path {t.path}"
    return hits[nth - 1]


def leaving(t: Trajectory, state: str, nth: int = 1) -> Step:
    """The nth step that leaves `state`."""
    hits = [s for s in t if s.source == state]
    assert len(hits) >= nth, f"{state} left {len(hits)} times; path {t.path}"
    return hits[nth - 1]


def has_run(path: list[str], run: list[str]) -> bool:
    """`run` appears in `path` as consecutive states."""
    return any(path[i : i + len(run)] == run for i in range(len(path) - len(run) + 1))
