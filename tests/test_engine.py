"""The assembled definition, the Machines, guards evaluated once, findings from any source, branching."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from transitions import Machine

from pathway import definition as d
from pathway.course import Case, Finding, Response
from pathway.engine import Parted, PatientModel, TimelineSource, branch, evaluate, machine, run
from pathway.errors import ScenarioError
from pathway.guards import GUARDS, Guard
from pathway.rules import RULES

from .build import case, finding, replay

UNRESECTABLE = {"lesions": 12, "bilobar": True, "flr_percent": 25, "r0_achievable": False}


def test_every_road_cites_known_rules_and_uses_registered_guards() -> None:
    for pathway in d.PATHWAYS.values():
        for road in pathway.roads:
            assert road.rules and road.label, road.name
            assert all(rid in RULES for rid in road.rules), road.name
            for guard in road.guards:
                assert GUARDS[guard.name] is guard
                assert all(rid in RULES for rid in guard.rules), guard.name


def test_contract_states_exist() -> None:
    pinned = [
        "referral",
        "staging",
        "mdt_review",
        "primary_resection",
        "neoadjuvant",
        "reassessment",
        "liver_augmentation",
        "surgery",
        "adjuvant",
        "surveillance",
        "recurrence",
        "locoregional",
        "palliative_systemic",
        "observation",
        "best_supportive_care",
        "disease_free",
    ]
    assert set(pinned) <= set(d.STATES)
    assert {"best_supportive_care", "disease_free"} <= {s for s, st in d.STATES.items() if st.terminal}


def test_one_pathway_per_primary_and_sites_come_from_the_profiles() -> None:
    assert list(d.PATHWAYS) == ["colorectal", "neuroendocrine", "breast", "gastric", "gist", "sarcoma"]
    assert d.SITES == ("colon", "rectum", "neuroendocrine", "breast", "gastric", "gist", "sarcoma")
    assert d.pathway_for("rectum") is d.PATHWAYS["colorectal"]
    assert d.pathway_for("unknown") is d.ENTRY


@pytest.mark.parametrize("primary", list(d.PATHWAYS))
def test_machine_transitions_match_roads_one_to_one_in_order(primary: str) -> None:
    m = machine(primary)
    pathway = d.PATHWAYS[primary]
    for source, trigger in d.TRIGGERS.items():
        event = m.events.get(trigger)
        got = [t.dest for t in event.transitions.get(source, [])] if event else []
        assert got == [r.dest for r in pathway.roads_from(source)], (primary, source)


def test_roads_out_of_a_state_are_in_rank_order() -> None:
    for pathway in d.PATHWAYS.values():
        for state in d.STATES:
            ranks = [r.rank for r in pathway.roads_from(state)]
            assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)


def test_no_patient_model_is_ever_attached_to_a_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Machine, model: Any, initial: Any = None) -> None:
        raise AssertionError("add_model called")

    monkeypatch.setattr(Machine, "add_model", refuse)
    t = replay(case(liver=UNRESECTABLE), finding("reassessment", response="partial"))
    assert t.path[:4] == ["referral", "staging", "mdt_review", "neoadjuvant"]
    assert all(machine(p).models == [] for p in d.PATHWAYS)


def test_the_machine_takes_the_first_road_open_by_this_steps_verdicts() -> None:
    """The Machine reads the verdicts the engine already has; it does not run the guards again."""
    c = case()  # resectable: perioperative chemotherapy is the first open road at the MDT
    options = evaluate("mdt_review", c)
    assert next(o for o in options if o.open).road.name == "perioperative_chemotherapy"
    model = PatientModel(c, "mdt_review")
    model.open = frozenset({"conversion_chemotherapy"})  # pretend only conversion passed
    assert machine("colorectal").events["mdt_decision"].trigger(model)
    assert model.state == "neoadjuvant" and model.arrived is not None
    assert model.arrived[0].name == "conversion_chemotherapy"


def test_each_road_guard_is_evaluated_once_per_step(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: dict[str, int] = {}
    depth = [0]  # count calls by the engine, not a guard's call to the guard it negates
    original = Guard.__call__

    def counting(self: Guard, c: Case) -> Any:
        if depth[0] == 0:
            calls[self.name] = calls.get(self.name, 0) + 1
        depth[0] += 1
        try:
            return original(self, c)
        finally:
            depth[0] -= 1

    monkeypatch.setattr(Guard, "__call__", counting)
    t = replay(
        case(liver=UNRESECTABLE, primary={"side": "right"}),
        finding("reassessment", response="partial", liver={**UNRESECTABLE, "lesions": 5, "r0_achievable": True}),
        finding("surgery", margin="R0"),
        finding("liver_augmentation", liver={"flr_percent": 35}),
        finding("surgery", margin="R0"),
    )
    expected: dict[str, int] = {}
    for step in t:
        for option in step.options:
            for guard, _ in option.verdicts:
                expected[guard.name] = expected.get(guard.name, 0) + 1
    staging = {"primary_known", "biomarkers_known"}  # also asked whether staging still waits
    for name, count in expected.items():
        if name not in staging:
            assert calls.get(name, 0) == count, name


def test_transitions_logger_is_silenced(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # an application that logs everything
    logger = logging.getLogger("transitions")
    level = logger.level
    try:
        logger.setLevel(logging.NOTSET)  # control: unsilenced, transitions does log each event
        replay(case())
        assert any(r.name.startswith("transitions") for r in caplog.records)
        caplog.clear()
    finally:
        logger.setLevel(level)
    replay(case())
    assert not [r for r in caplog.records if r.name.startswith("transitions")]


def test_branch_from_any_step_keeps_the_past_and_changes_the_future() -> None:
    start = case(liver=UNRESECTABLE)
    base = replay(start, finding("reassessment", response="partial"))
    assert base.steps[-1].state == "reassessment"
    number = len(base.steps) - 2  # the step that entered the first reassessment
    what_if = branch(base, number, TimelineSource([finding("reassessment", response="progression")]))
    assert [s.state for s in what_if.steps[:number]] == [s.state for s in base.steps[:number]]
    assert what_if.steps[number].state == "palliative_systemic"
    assert base.steps[number].state == "neoadjuvant"  # the original is untouched


def test_why_not_names_the_blocking_guard() -> None:
    t = replay(case(liver={"flr_percent": 25}))
    why = t.why_not(3, "surgery")
    assert any("FLR 25% is below 30%" in b.failed for b in why)
    assert t.why_not(3, t.steps[2].state) == []


def test_compare_scores_a_choice_against_the_pathway() -> None:
    low_risk = replay(case(liver={"lesions": 2}))
    assert low_risk.compare(3, "neoadjuvant").agrees
    surgery_first = low_risk.compare(3, "surgery")
    assert not surgery_first.agrees and surgery_first.acceptable  # R10: the accepted alternative
    multifocal = replay(case(liver={"lesions": 7, "bilobar": True}))
    wrong = multifocal.compare(3, "surgery")
    assert not wrong.acceptable and any("multifocal" in r for r in wrong.blocked_by)


class Answers:
    """A source that is not a file: findings handed over one by one (as a quiz or a cohort would)."""

    def __init__(self, *findings: Finding) -> None:
        self.findings = list(findings)

    def next_finding(self, state: str, c: Case) -> Finding | None:
        return self.findings.pop(0) if self.findings else None

    def leftover(self) -> list[Finding]:
        return []


def test_findings_come_from_any_source() -> None:
    partial = [Finding("reassessment", response=Response.PARTIAL, origin=f"answer[{i}]") for i in range(3)]
    t = run(case(liver=UNRESECTABLE), Answers(*partial), "generated")
    assert [s.road.name for s in t if s.source == "reassessment"] == ["continue_conversion"] * 3


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (Finding("reassessment", origin="answer[1]"), "answer[1].response: required at reassessment"),
        (
            Finding("reassessment", response="maybe", origin="answer[1]"),  # type: ignore[arg-type]
            "answer[1].response: unknown value (got 'maybe'",
        ),
        (
            Finding(
                "reassessment", response=Response.PARTIAL, patient={"liver": {"flr_percent": 140}}, origin="answer[1]"
            ),
            "answer[1].liver.flr_percent: out of range (got 140",
        ),
        (
            Finding("surgery", margin=None, origin="answer[1]"),
            "answer[1].at: a finding for surgery read at reassessment",
        ),
        (
            Finding("reassessment", response=Response.PARTIAL, month=1.0, origin="answer[1]"),
            "answer[1].month: the finding predates the pathway's clock at reassessment",
        ),
    ],
)
def test_a_finding_from_any_source_is_validated_like_a_file_finding(bad: Finding, message: str) -> None:
    with pytest.raises(ScenarioError) as err:
        run(case(liver=UNRESECTABLE), Answers(bad))
    assert message in str(err.value)


def test_timeline_that_parts_says_where_and_which_guard() -> None:
    with pytest.raises(Parted) as err:
        replay(case(liver=UNRESECTABLE), finding("surgery", margin="R0"))
    message = err.value.problem.format()
    assert "timeline[0].at" in message and "(got surgery; expected reassessment)" in message


def test_finding_month_before_the_clock_is_an_error() -> None:
    with pytest.raises(ScenarioError, match=r"timeline\[0\].month: the finding predates"):
        replay(case(liver=UNRESECTABLE), finding("reassessment", response="partial", month=1))


def test_the_package_exports_what_it_says() -> None:
    import pathway

    assert sorted(pathway.__all__) == sorted(pathway._WHERE)
    for name in pathway.__all__:
        assert getattr(pathway, name) is not None
