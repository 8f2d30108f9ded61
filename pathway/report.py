"""The replay as data: CONTRACT JSON, and the check of a scenario's `expect:` block."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .engine import Step, TimelineSource, Trajectory, run
from .errors import Problem, show
from .rules import RULES
from .scenario import Scenario
from .sources import SOURCES
from .vocabulary import STATES

DISCLAIMER = (
    "Teaching and documentation tool, not a clinical decision system: it replays a pathway distilled "
    "from published guidance and does not replace the judgement of a multidisciplinary team."
)


def replay(scenario: Scenario) -> Trajectory:
    """Run a scenario through the pathway with its own timeline (raises engine.Parted if they part)."""
    return run(scenario.case, TimelineSource(list(scenario.findings)), scenario.id)


def step_json(step: Step) -> dict[str, Any]:
    return {
        "step": step.number,
        "month": step.month,
        "state": step.state,
        "state_title": STATES[step.state].title,
        "from": step.source,
        "via": step.road.name,
        "road": step.road.words,
        "decision": step.plan.decision.as_json(),
        "rules": step.rules,
        "derived": step.derived,
        "sources": step.sources,
        "reasons": step.reasons,
        "blocked": [b.as_json() for b in step.blocked],
        "warnings": [w.as_json() for w in step.warnings],
        "finding": step.finding.as_json() if step.finding is not None else None,
        "findings": [f.as_json() for f in step.findings],
    }


def trajectory_json(scenario: Scenario, trajectory: Trajectory) -> dict[str, Any]:
    derived = sorted({rid for step in trajectory for rid in step.derived})
    keys = sorted({k for step in trajectory for rid in step.rules for k in RULES[rid].sources})
    return {
        "scenario": scenario.id,
        "title": scenario.title,
        "disclaimer": DISCLAIMER,
        "teaching": {"objectives": scenario.objectives, "notes": scenario.notes},
        "patient": asdict(scenario.patient),
        "states": {name: state.title for name, state in STATES.items()},
        "path": trajectory.path,
        "final_state": trajectory.final_state,
        "ended": trajectory.ended,
        "awaiting": trajectory.awaiting,
        "steps": [step_json(s) for s in trajectory],
        "derived_choices": {rid: RULES[rid].summary for rid in derived},
        "references": [
            {"key": k, "title": SOURCES[k].title, "topic": SOURCES[k].topic, "reference": SOURCES[k].reference}
            for k in keys
        ],
    }


def unmet(scenario: Scenario, trajectory: Trajectory) -> list[Problem]:
    """What the scenario's `expect:` block says that the replay did not do."""
    expect = scenario.expect
    if expect is None:
        return []
    out: list[Problem] = []

    def miss(field: str, got: object, expected: object) -> None:
        out.append(
            Problem(
                f"expect.{field}",
                "unmet",
                show(got) if not isinstance(got, list) else str(got),
                str(expected),
                expect.line,
                scenario.file,
            )
        )

    if expect.path is not None and expect.path != trajectory.path:
        miss("path", trajectory.path, expect.path)
    if expect.final_state is not None and expect.final_state != trajectory.final_state:
        miss("final_state", trajectory.final_state, expect.final_state)
    if expect.ended is not None and expect.ended != trajectory.ended:
        miss("ended", trajectory.ended, expect.ended)
    regimens = [s.plan.decision.regimen or "" for s in trajectory]
    for wanted in expect.regimens:
        if not any(wanted in r for r in regimens):
            miss("regimens", sorted({r for r in regimens if r}), wanted)
    warned = " ".join(w for s in trajectory for w in s.warnings)
    for pitfall in expect.warnings:
        if f"[{pitfall}]" not in warned:
            miss("warnings", "no such warning", pitfall)
    cited = {rid for s in trajectory for rid in s.rules}
    for rid in expect.rules:
        if rid not in cited:
            miss("rules", "not cited", rid)
    return out
