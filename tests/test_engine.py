"""The definition, the shared Machine, branching, why-not and comparison."""

from __future__ import annotations

import logging

import pytest

from pathway import definition as d
from pathway.engine import Parted, PatientModel, TimelineSource, branch, evaluate, machine, run
from pathway.rules import RULES
from pathway.spec import DefinitionError

from .build import case, finding, replay


def test_definition_is_consistent() -> None:
    d.check_definition()


def test_every_road_cites_known_rules_and_guards_cite_known_rules() -> None:
    for road in d.ROADS:
        assert road.rules, road.name
        for rid in road.rules:
            assert rid in RULES, (road.name, rid)
        for guard in road.guards:
            for rid in guard.rules:
                assert rid in RULES, (guard.name, rid)


def test_check_definition_rejects_dead_ends_and_unreachable_states() -> None:
    no_way_out = tuple(r for r in d.ROADS if r.source != "adjuvant")
    with pytest.raises(DefinitionError, match="adjuvant has no way out"):
        d.check_definition(d.STATES, no_way_out)
    no_way_in = tuple(r for r in d.ROADS if r.dest != "recurrence")
    with pytest.raises(DefinitionError, match="recurrence"):
        d.check_definition(d.STATES, no_way_in)
    twice = (*d.ROADS, d.ROADS[0])
    with pytest.raises(DefinitionError, match="duplicate"):
        d.check_definition(d.STATES, twice)


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
    assert {s for s, st in d.STATES.items() if st.terminal} == {"best_supportive_care", "disease_free"}


def test_machine_transitions_match_roads_one_to_one_in_order() -> None:
    m = machine()
    for source in d.TRIGGERS:
        event = m.events[d.TRIGGERS[source]]
        got = [t.dest for t in event.transitions.get(source, [])]
        assert got == [r.dest for r in d.roads_from(source)], source


def test_one_machine_for_every_patient_and_models_are_released() -> None:
    assert machine() is machine()
    replay(case())
    replay(case(ecog=3))
    assert machine().models == []


def test_transitions_logger_is_silenced() -> None:
    assert logging.getLogger("transitions").getEffectiveLevel() >= logging.WARNING


def test_patient_model_is_a_plain_object() -> None:
    assert PatientModel.__mro__ == (PatientModel, object)


def test_every_patient_finds_a_road_at_the_mdt() -> None:
    """No dead end over a grid of presentations (the last road of each state must always catch)."""
    for ecog in range(5):
        for lesions in (1, 5, 6, 10, 11):
            for flr in (20, 30):
                for r0 in (True, False):
                    for ehd in ("none", "resectable", "unresectable"):
                        for fit in (True, False):
                            c = case(
                                ecog=ecog,
                                extrahepatic=ehd,
                                fit_for_surgery=fit,
                                liver={
                                    "lesions": lesions,
                                    "flr_percent": flr,
                                    "r0_achievable": r0,
                                    "bilobar": lesions > 5,
                                },
                            )
                            assert any(o.open for o in evaluate("mdt_review", c))


def test_every_response_finds_a_road_at_reassessment() -> None:
    for intent in ("perioperative", "conversion", "palliative", "ablative"):
        for response in ("complete", "partial", "stable", "mixed", "progression"):
            c = case(liver={"r0_achievable": False}).with_course(intent=intent, response=response, finding_read=True)
            assert any(o.open for o in evaluate("reassessment", c)), (intent, response)


def test_branch_from_any_step_keeps_the_past_and_changes_the_future() -> None:
    start = case(liver={"lesions": 12, "bilobar": True, "flr_percent": 25, "r0_achievable": False})
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
    assert any("FLR 25% is below 30%" in b["failed"] for b in why)
    assert t.why_not(3, t.steps[2].state) == []


def test_compare_scores_a_choice_against_the_pathway() -> None:
    low_risk = replay(case(liver={"lesions": 2}))
    assert low_risk.compare(3, "neoadjuvant").agrees
    surgery_first = low_risk.compare(3, "surgery")
    assert not surgery_first.agrees and surgery_first.acceptable  # R10: the accepted alternative
    multifocal = replay(case(liver={"lesions": 7, "bilobar": True}))
    wrong = multifocal.compare(3, "surgery")
    assert not wrong.acceptable and any("multifocal" in r for r in wrong.blocked_by)


def test_findings_come_from_any_source() -> None:
    class AlwaysPartial:
        def __init__(self) -> None:
            self.reads = 0

        def next_finding(self, state: str, c: object) -> object:
            if self.reads >= 3:
                return None
            self.reads += 1
            return finding(state, response="partial")

        def leftover(self) -> list[object]:
            return []

    start = case(liver={"lesions": 12, "bilobar": True, "flr_percent": 25, "r0_achievable": False})
    t = run(start, AlwaysPartial(), "generated")  # type: ignore[arg-type]
    assert [s.road.name for s in t if s.source == "reassessment"] == ["continue_conversion"] * 3


def test_timeline_that_parts_says_where_and_which_guard() -> None:
    start = case(liver={"lesions": 12, "bilobar": True, "flr_percent": 25, "r0_achievable": False})
    with pytest.raises(Parted) as err:
        replay(start, finding("surgery", margin="R0"))
    message = err.value.problem.format()
    assert "timeline[0].at" in message and "(got surgery; expected reassessment)" in message


def test_finding_month_before_the_clock_is_an_error() -> None:
    from pathway.errors import ScenarioError

    start = case(liver={"lesions": 12, "bilobar": True, "flr_percent": 25, "r0_achievable": False})
    with pytest.raises(ScenarioError, match=r"timeline\[0\].month: the finding predates"):
        replay(start, finding("reassessment", response="partial", month=1))
