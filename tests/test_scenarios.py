"""Every scenario: valid, its expect: block met, and its replay text and JSON equal to the goldens.

Regenerate the goldens after an intended change with `pytest tests/test_scenarios.py --update-goldens`
and read the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pathway import definition as d
from pathway.narration import narrate
from pathway.report import replay, trajectory_json, unmet
from pathway.scenario import load

from .conftest import GOLDEN, SCENARIOS

FILES = sorted(SCENARIOS.glob("*.yaml"))


def test_there_are_at_least_12_colorectal_scenarios_and_some_for_every_primary() -> None:
    sites = [load(path).patient.primary.site for path in FILES]
    assert sum(site in ("colon", "rectum") for site in sites) >= 12
    assert {d.pathway_for(site).name for site in sites if site != "unknown"} == set(d.PATHWAYS)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_scenario_expectations_met(path: Path) -> None:
    scenario = load(path)
    assert scenario.expect is not None, "every shipped scenario has an expect: block"
    assert scenario.objectives, "every shipped scenario states its teaching objectives"
    assert unmet(scenario, replay(scenario)) == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_golden_replay(path: Path, update_goldens: bool) -> None:
    scenario = load(path)
    trajectory = replay(scenario)
    text = narrate(scenario, trajectory)
    data = json.dumps(trajectory_json(scenario, trajectory), indent=2, ensure_ascii=False) + "\n"
    golden_txt = GOLDEN / f"{scenario.id}.txt"
    golden_json = GOLDEN / f"{scenario.id}.json"
    if update_goldens:
        golden_txt.write_text(text, encoding="utf-8")
        golden_json.write_text(data, encoding="utf-8")
    assert golden_txt.read_text(encoding="utf-8") == text
    assert golden_json.read_text(encoding="utf-8") == data


def test_ids_match_file_names() -> None:
    for path in FILES:
        assert load(path).id == path.stem


def test_no_stale_goldens() -> None:
    ids = {load(p).id for p in FILES}
    stale = {p.stem for p in GOLDEN.glob("*.*")} - ids
    assert not stale, f"goldens without a scenario: {sorted(stale)}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_json_follows_the_contract(path: Path) -> None:
    scenario = load(path)
    data = trajectory_json(scenario, replay(scenario))
    assert data["path"][0] == "referral"
    assert data["final_state"] == data["path"][-1]
    assert data["ended"] in ("terminal", "awaiting-finding")
    for i, step in enumerate(data["steps"]):
        assert step["step"] == i + 1
        assert step["state"] == data["path"][i + 1]
        assert step["from"] == data["path"][i]
        assert set(step["decision"]) == {"category", "intent", "regimen", "procedure"}
        assert step["rules"], "every step names its rules"
        # a source for every step but one decided by this project's choices alone (derived, D-...)
        assert step["sources"] or set(step["rules"]) == set(step["derived"]), step["rules"]
        for b in step["blocked"]:
            assert {"to", "via", "failed", "rules"} <= set(b)
