"""The rule book's second pass (R12 clock, R12b, R13b, R24, R37-R44, partial updates), each boundary on
both sides, and a guarantee over random patients of every primary: progress or an end, own citations."""

from __future__ import annotations

import random
from typing import Any

import pytest

from pathway import definition as d
from pathway.course import Case, Finding
from pathway.engine import STEP_LIMIT, Stalled, Trajectory, machine, run
from pathway.errors import ScenarioError
from pathway.narration import describe
from pathway.report import replay as replay_scenario
from pathway.rules import RULES
from pathway.scenario import load
from pathway.sources import SOURCES

from .build import case, finding, has_run, leaving, replay, step_into
from .conftest import SCENARIOS
from .random_patients import RandomFindings, random_patient

UNRESECTABLE = {"lesions": 12, "bilobar": True, "flr_percent": 25, "r0_achievable": False}
RESECTABLE_AGAIN = {"lesions": 5, "largest_cm": 2.0, "bilobar": True, "flr_percent": 35, "r0_achievable": True}


def other(site: str, **over: Any) -> Case:
    base: dict[str, Any] = {"primary": {"site": site, "side": None, "resected": True}}
    for key, value in over.items():
        base[key] = {**base[key], **value} if isinstance(value, dict) and key in base else value
    return case(**base)


# --- R12 from the clock, R12b -------------------------------------------------------------------


def _recurrence_after_folfox(gap: float, liver: dict[str, Any], **over: Any) -> Trajectory:
    """Perioperative FOLFOX, resection, then a liver-only recurrence `gap` months after the last dose."""
    first = replay(case(**over), finding("reassessment", response="partial"), finding("surgery", margin="R0"))
    last_dose = step_into(first, "surveillance").month  # adjuvant FOLFOX ends as surveillance starts
    return replay(
        case(**over),
        finding("reassessment", response="partial"),
        finding("surgery", margin="R0"),
        finding("surveillance", recurrence="liver_only", month=last_dose + gap, liver=liver),
    )


@pytest.mark.parametrize(("gap", "regimen"), [(11, "FOLFIRI"), (13, "FOLFOX")])
def test_r12_the_clock_overrides_an_older_history(gap: float, regimen: str) -> None:
    """The history says 30 months since adjuvant oxaliplatin; the pathway's own FOLFOX governs."""
    liver = {"lesions": 2, "largest_cm": 2.5, "bilobar": False, "flr_percent": 60, "r0_achievable": True}
    t = _recurrence_after_folfox(gap, liver, oxaliplatin_failure_months=30)
    assert step_into(t, "mdt_review", 2).case.patient.oxaliplatin_failure_months == gap
    assert leaving(t, "mdt_review", 2).plan.decision.regimen == regimen


@pytest.mark.parametrize(
    ("gap", "over", "regimen", "rule"),
    [
        (11, {"biomarkers": {"ras": "mutant"}}, "FOLFIRI + bevacizumab", "R12b"),
        (13, {"biomarkers": {"ras": "mutant"}}, "FOLFOXIRI + bevacizumab", "R15"),
        (11, {"primary": {"side": "right"}}, "FOLFIRI + bevacizumab", "R12b"),
        (13, {"primary": {"side": "right"}}, "FOLFOXIRI + bevacizumab", "R14"),
        (11, {}, "FOLFIRI + anti-EGFR (cetuximab or panitumumab)", "R12b"),
        (13, {}, "FOLFOX + anti-EGFR (cetuximab or panitumumab)", "R13"),
    ],
)
def test_r12b_no_oxaliplatin_at_all_within_12_months(gap: float, over: dict[str, Any], regimen: str, rule: str) -> None:
    t = _recurrence_after_folfox(gap, {**UNRESECTABLE, "largest_cm": 2.0}, **over)
    step = leaving(t, "mdt_review", 2)
    assert step.road.name == "conversion_chemotherapy"
    assert step.plan.decision.regimen == regimen
    assert rule in step.rules


def test_r12b_at_a_progression_within_12_months_of_oxaliplatin_the_mdt_chooses() -> None:
    liver = {**UNRESECTABLE, "largest_cm": 2.0}
    t = _recurrence_after_folfox(4, liver, biomarkers={"ras": "mutant"})  # FOLFIRI + bevacizumab
    t = replay(
        t.start,
        *(s.finding for s in t if s.finding is not None),
        finding("reassessment", response="progression"),
    )
    step = leaving(t, "reassessment", 2)
    assert step.plan.decision.regimen == "Next-line systemic therapy chosen by the MDT"
    assert "R12b" in step.rules


# --- R13b ---------------------------------------------------------------------------------------


def test_r13b_progression_on_anti_egfr_switches_to_bevacizumab() -> None:
    t = replay(case(liver=UNRESECTABLE), finding("reassessment", response="progression"))
    step = leaving(t, "reassessment")
    assert step.plan.decision.regimen == "FOLFIRI + bevacizumab" and "R13b" in step.rules


@pytest.mark.parametrize(("gap", "regimen"), [(11, "FOLFIRI + bevacizumab"), (13, "FOLFOX + anti-EGFR")])
def test_r13b_recurrence_within_12_months_of_anti_egfr(gap: float, regimen: str) -> None:
    """Conversion FOLFOX + anti-EGFR, resection, recurrence unresectable: bevacizumab within 12 months."""
    findings = [
        finding("reassessment", response="partial", liver=RESECTABLE_AGAIN),
        finding("surgery", margin="R0"),
    ]
    first = replay(case(liver=UNRESECTABLE), *findings)
    last_dose = step_into(first, "surveillance").month
    t = replay(
        case(liver=UNRESECTABLE),
        *findings,
        finding(
            "surveillance", recurrence="liver_only", month=last_dose + gap, liver={**UNRESECTABLE, "largest_cm": 2.0}
        ),
    )
    step = leaving(t, "mdt_review", 2)
    assert regimen in (step.plan.decision.regimen or "")
    assert ("R13b" in step.rules) == (gap <= 12)


# --- R24 for every operation --------------------------------------------------------------------


def test_r24_bevacizumab_resumes_6_weeks_after_the_primary_resection() -> None:
    s0 = replay_scenario(load(SCENARIOS / "s0-multifocal-unknown-primary.yaml"))
    primary = step_into(s0, "primary_resection")
    adjuvant = step_into(s0, "adjuvant")
    assert "bevacizumab" in (adjuvant.plan.decision.regimen or "")
    assert adjuvant.month - primary.month == 1.5 and "R24" in adjuvant.rules


def test_r24_without_bevacizumab_4_weeks_after_the_primary_resection() -> None:
    start = case(presentation="synchronous", primary={"resected": False}, liver={"lesions": 5})
    t = replay(start, finding("reassessment", response="partial"), finding("surgery", margin="R0"))
    assert step_into(t, "adjuvant").month - step_into(t, "primary_resection").month == 1.0


# --- R37 mixed response, R41 volumetry restages ----------------------------------------------------


@pytest.mark.parametrize(("response", "state"), [("mixed", "locoregional"), ("stable", "surgery")])
def test_r37_mixed_is_never_resectable_now_stable_is(response: str, state: str) -> None:
    t = replay(case(liver=UNRESECTABLE), finding("reassessment", response=response, liver=RESECTABLE_AGAIN))
    step = leaving(t, "reassessment")
    assert step.state == state
    if response == "mixed":
        assert "mixed response: some lesions grow, showing resistant disease" in [
            r for b in step.blocked if b.via == "resect_now_resectable" for r in b.failed
        ]
        assert "R37" in step.rules


TWO_STAGE = {**RESECTABLE_AGAIN, "flr_percent": 26}


@pytest.mark.parametrize(
    ("response", "road"), [("progression", "progression_at_volumetry"), ("stable", "stage_two_hepatectomy")]
)
def test_r41_the_volumetry_ct_restages(response: str, road: str) -> None:
    t = replay(
        case(liver=UNRESECTABLE),
        finding("reassessment", response="partial", liver=TWO_STAGE),
        finding("surgery", margin="R0"),
        finding("liver_augmentation", response=response, liver={"flr_percent": 33}),
    )
    step = leaving(t, "liver_augmentation")
    assert step.road.name == road
    if road == "progression_at_volumetry":
        assert step.state == "palliative_systemic" and "R41" in step.rules
        assert "a share of patients never reach stage 2 for this reason" in step.reasons


def test_r41_no_restaging_claimed_that_did_not_happen() -> None:
    t = replay(
        case(liver=UNRESECTABLE),
        finding("reassessment", response="partial", liver=TWO_STAGE),
        finding("surgery", margin="R0"),
        finding("liver_augmentation", liver={"flr_percent": 33}),
    )
    stage_two = leaving(t, "liver_augmentation")
    assert "no progression reported" in stage_two.reasons
    assert not any("response: partial" in r for r in stage_two.reasons)


# --- R39 continuing therapy and maintenance --------------------------------------------------------


def _resected(start: Case, *before: Finding) -> Trajectory:
    return replay(start, *before, finding("surgery", margin="R0"), finding("surveillance", recurrence="none"))


@pytest.mark.parametrize(
    ("markers", "final"),
    [
        ({"hormone_receptor": "positive", "her2": "negative"}, "maintenance"),
        ({"hormone_receptor": "negative", "her2": "positive"}, "maintenance"),
        ({"hormone_receptor": "negative", "her2": "negative"}, "disease_free"),
    ],
)
def test_r39_breast_endocrine_or_her2_therapy_continues_chemotherapy_completes(
    markers: dict[str, str], final: str
) -> None:
    partial = finding("reassessment", response="partial")
    t = _resected(other("breast", biomarkers=markers, liver={"lesions": 2}), partial, partial)
    assert t.final_state == final
    if final == "maintenance":
        assert "adjuvant" not in t.path and "R39" in t.steps[-1].rules
    else:
        assert has_run(t.path, ["surgery", "adjuvant", "surveillance", "disease_free"])
        assert "6 months of Chemotherapy after the resection" in leaving(t, "surgery").reasons


@pytest.mark.parametrize(("syndrome", "final"), [(True, "maintenance"), (False, "disease_free")])
def test_r39_net_somatostatin_analogue_continues_after_resection(syndrome: bool, final: str) -> None:
    start = other(
        "neuroendocrine",
        functional_syndrome=syndrome,
        liver={"lesions": 3, "bilobar": False, "flr_percent": 50, "r0_achievable": True},
    )
    t = _resected(start)
    assert t.final_state == final
    resection = leaving(t, "mdt_review")
    assert ("hormone syndrome: somatostatin-analogue cover against a carcinoid crisis" in resection.reasons) is syndrome


def test_r39_gist_recurrence_on_imatinib_takes_the_next_tki_not_imatinib_again() -> None:
    start = other("gist", liver={"lesions": 3})
    t = replay(
        start,
        finding("reassessment", response="stable"),
        finding("surgery", margin="R0"),
        finding("surveillance", recurrence="liver_only", month=20, liver={**UNRESECTABLE, "largest_cm": 2.0}),
    )
    step = leaving(t, "mdt_review", 2)
    assert step.road.name == "gist_next_tki_after_recurrence"
    assert step.plan.decision.regimen == "Next-line tyrosine kinase inhibitor"


# --- R42 wording, workup and grade ---------------------------------------------------------------


def test_r42_net_workup_names_its_markers_and_imaging_not_cea() -> None:
    t = replay(other("neuroendocrine", functional_syndrome=True, grade="G2", biomarkers={"sstr": "positive"}))
    staged = leaving(t, "staging")
    text = " ".join(staged.reasons)
    assert "chromogranin A and 5-HIAA" in text and "somatostatin-receptor imaging (positive)" in text
    assert "grade G2" in text and "CEA" not in text and "R42" in staged.rules


def test_r42_rectal_workup_names_pelvic_mri_colon_does_not() -> None:
    in_place = leaving(replay(case(primary={"site": "rectum", "side": None, "resected": False})), "staging")
    resected = leaving(replay(case(primary={"site": "rectum", "side": None})), "staging")
    colon = leaving(replay(case()), "staging")
    assert "rectal primary: pelvic MRI stages it" in in_place.reasons
    assert "rectal primary: pelvic MRI excludes a local recurrence" in resected.reasons
    assert not any("pelvic MRI" in r for r in colon.reasons)


@pytest.mark.parametrize(("grade", "state"), [("G3", "palliative_systemic"), ("G2", "observation")])
def test_r42_grade_3_net_is_treated_not_observed(grade: str, state: str) -> None:
    start = other("neuroendocrine", grade=grade, liver=UNRESECTABLE)
    assert leaving(replay(start), "mdt_review").state == state


def test_r42_colorectal_counts_are_not_narrated_for_another_primary() -> None:
    t = replay(other("neuroendocrine", liver={"lesions": 14, "bilobar": True, "r0_achievable": False}))
    for step in t:
        said = " ".join([*step.reasons, *(r for b in step.blocked for r in b.failed)])
        assert "exceed 10" not in said and "more than 5" not in said, step.road.name


@pytest.mark.parametrize(
    ("start", "header"),
    [
        (case(), "RAS wild-type, BRAF wild-type, pMMR; CEA 10 ng/mL"),
        (
            other("breast", biomarkers={"hormone_receptor": "positive", "her2": "negative"}),
            "hormone receptor positive, HER2 negative",
        ),
        (other("gastric", biomarkers={"her2": "positive"}), "HER2 positive"),
        (
            other("neuroendocrine", grade="G1", biomarkers={"sstr": "positive"}),
            "SSTR positive, grade G1, no hormone syndrome",
        ),
    ],
)
def test_r42_the_header_shows_the_markers_that_matter(start: Case, header: str) -> None:
    assert f"Biomarkers: {header}" in describe(start.patient)


def test_r42_pelvic_radiotherapy_takes_its_time_before_the_rectal_resection() -> None:
    over = {
        "presentation": "synchronous",
        "primary": {"site": "rectum", "side": None, "resected": False, "node_positive": True},
    }
    t = replay(
        case(liver={"lesions": 6, "bilobar": True}, **over),
        finding("reassessment", response="partial"),
        finding("surgery", margin="R0"),
    )
    liver, primary = step_into(t, "surgery"), step_into(t, "primary_resection")
    assert primary.month - liver.month == 1.0 + 1.25 + 1.5  # recovery, 5 weeks of radiotherapy, 6 weeks' wait
    assert "D-PELVIC-RT-CLOCK" in primary.derived


# --- R43: citations follow the patient's pathway ------------------------------------------------

COLORECTAL_RULES = {f"R{n}" for n in (*range(8, 23), 24, 25, 26, 27)}
COLORECTAL_SOURCES = {f"{s.title} ({k})" for k, s in SOURCES.items() if s.scope == "colorectal"}


def _assert_cites_its_own(t: Trajectory) -> None:
    for step in t:
        if d.pathway_for(step.case.patient.primary.site).profile.rule_scope != "other":
            continue  # colorectal, or a primary not yet named (which may be colorectal)
        assert not COLORECTAL_RULES & set(step.rules), (step.road.name, step.rules)
        assert not COLORECTAL_SOURCES & set(step.sources), (step.road.name, step.sources)
        for b in step.blocked:
            assert not COLORECTAL_RULES & set(b.rules), (b.via, b.rules)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_r43_no_scenario_step_of_another_primary_cites_a_colorectal_rule_or_source(path: Any) -> None:
    _assert_cites_its_own(replay_scenario(load(path)))


def test_r43_the_check_above_would_catch_a_colorectal_citation() -> None:
    """Control: a colorectal patient's steps do cite them (the scope filter is what keeps them out)."""
    t = replay(case(liver=UNRESECTABLE), finding("reassessment", response="partial"))
    assert COLORECTAL_RULES & {r for s in t for r in s.rules}
    assert RULES["R16"].scope == "colorectal" and not RULES["R16"].cited_for("other")


# --- R44 teaching figures --------------------------------------------------------------------------


@pytest.mark.parametrize(("presentation", "figure"), [("synchronous", "6 months"), ("metachronous", "10 months")])
def test_r44_follow_up_figures_by_presentation(presentation: str, figure: str) -> None:
    t = replay(
        case(presentation=presentation), finding("reassessment", response="partial"), finding("surgery", margin="R0")
    )
    follow = step_into(t, "surveillance")
    assert any("up to 60% recur, 90% of them within 2 years" in r for r in follow.reasons)
    assert any(f"median disease-free interval {figure}" in r for r in follow.reasons) and "R44" in follow.rules


def test_r44_liver_first_is_explained() -> None:
    start = case(presentation="synchronous", primary={"resected": False}, liver={"lesions": 5})
    t = replay(start, finding("reassessment", response="partial"), finding("surgery", margin="R0"))
    assert any(
        "the liver disease, not the asymptomatic primary, limits survival" in r for r in step_into(t, "surgery").reasons
    )


# --- partial updates ---------------------------------------------------------------------------


def test_a_partial_liver_update_keeps_the_other_fields_and_one_lesion_is_not_bilobar() -> None:
    t = replay(
        case(liver=UNRESECTABLE), finding("reassessment", response="partial", liver={"lesions": 1, "largest_cm": 1.5})
    )
    after = leaving(t, "reassessment").case.patient.liver
    assert (after.lesions, after.flr_percent, after.bilobar) == (1, 25, False)


def test_a_liver_only_recurrence_must_restate_only_what_is_stale() -> None:
    from pathway.findings import declared_problems

    liver: dict[str, Any] = {"lesions": 1, "largest_cm": 2, "flr_percent": 60, "r0_achievable": True}
    one = {"at": "surveillance", "recurrence": "liver_only", "liver": liver}
    two = {**one, "liver": {**liver, "lesions": 2}}
    assert declared_problems(one) == []  # bilobar is inferred for one lesion
    (problem,) = declared_problems(two)
    assert problem[0] == "liver.bilobar" and "describes the resected disease" in problem[1]


# --- urgent reviews act on what was read; no loops -------------------------------------------------


def test_urgent_review_acts_on_the_progression_and_does_not_restart_the_first_line() -> None:
    t = replay(
        case(liver=UNRESECTABLE),
        finding("reassessment", response="progression", ecog=2, symptoms=["performance_decline"]),
        finding("reassessment", response="stable"),
    )
    assert has_run(t.path, ["reassessment", "mdt_review", "palliative_systemic"])
    review = leaving(t, "mdt_review", 2)
    assert review.road.name == "after_urgent_review"
    assert review.plan.decision.regimen == "FOLFIRI + bevacizumab"  # the next line, not FOLFOX + anti-EGFR again
    assert review.case.patient.symptoms == ()
    assert leaving(t, "reassessment", 2).road.name == "continue_palliative_line"


@pytest.mark.parametrize("site", ["breast", "gastric", "gist"])
def test_symptoms_of_other_primaries_do_not_send_them_round_the_mdt(site: str) -> None:
    markers = {"her2": "negative", "hormone_receptor": "positive"}
    t = replay(
        other(site, biomarkers=markers, liver={"lesions": 2}),
        finding("reassessment", response="progression", symptoms=["intractable_pain"]),
    )
    step = leaving(t, "reassessment")
    assert step.state == "palliative_systemic" and "D-SYMPTOMS-OTHER" in step.rules
    assert t.path.count("mdt_review") == 1


def test_a_loop_without_progress_is_a_clear_error_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    """A deliberately broken table: the MDT sends every sarcoma patient back through recurrence."""
    from pathway import common
    from pathway.primaries import sarcoma
    from pathway.tables import PathwayTable, build
    from pathway.vocabulary import Category, Decision, Plan, Road

    loop = Road(
        name="sarcoma_round_again",
        source="mdt_review",
        dest="recurrence",
        rank=50,
        rules=("R36",),
        label="round again",
        plan=lambda c: Plan(Decision(Category.RECURRENCE)),
    )
    broken = build(PathwayTable(sarcoma.PROFILE, (*sarcoma.ROADS, loop)), common.EVERY_PATHWAY)
    monkeypatch.setitem(d.PATHWAYS, "sarcoma", broken)
    machine.cache_clear()
    try:
        with pytest.raises(Stalled) as err:
            run(other("sarcoma"), RandomFindings(random.Random(1)))
        assert f"{STEP_LIMIT} steps without a finding read" in err.value.problem.format()
    finally:
        machine.cache_clear()


def test_random_patients_of_every_primary_progress_or_end_and_cite_their_own() -> None:
    """2,000 random valid patients, findings drawn at random: every run ends (a terminal state or a
    finding awaited), never raises, and never cites another pathway's rules."""
    rng = random.Random(20261201)
    ended = {"terminal": 0, "awaiting-finding": 0}
    for i in range(2000):
        site = (*d.SITES, "unknown")[i % (len(d.SITES) + 1)]
        t = run(Case(random_patient(rng, site)), RandomFindings(rng), f"random-{i}")
        ended[t.ended] += 1
        assert all(s.rules for s in t), t.path
        _assert_cites_its_own(t)
        last = t.steps[-1]
        if t.final_state == "disease_free":  # R39: a continuing therapy never ends disease-free
            assert not (last.case.course.regimen and last.case.course.regimen.continued)
    assert ended["terminal"] > 700 and ended["awaiting-finding"] > 100


def test_a_finding_from_a_random_source_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    class Bad(RandomFindings):
        def next_finding(self, state: str, c: Case) -> Finding | None:
            got = super().next_finding(state, c)
            if got is not None and state == "surveillance":
                return Finding(
                    "surveillance", recurrence=got.recurrence, patient={"liver": {"lesions": 3}}, origin="draw"
                )
            return got

    rng = random.Random(3)
    with pytest.raises(ScenarioError, match=r"draw\.liver\.(largest_cm|flr_percent|r0_achievable|bilobar)"):
        for _ in range(200):
            run(Case(random_patient(rng, "colon")), Bad(rng))
