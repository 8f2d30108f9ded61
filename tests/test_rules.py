"""Every rule's boundary, on both sides: the road taken, the regimen chosen, the guard that blocked."""

from __future__ import annotations

import pytest

from pathway.engine import Step, Trajectory

from .build import case, finding, has_run, leaving, replay, step_into


def first_mdt_decision(**over: object) -> Step:
    t = replay(case(**over))
    step = t.steps[2]
    assert step.source == "mdt_review"
    return step


def blocked(step: Step, via: str) -> list[str]:
    hits = [b for b in step.blocked if b.via == via]
    assert hits, f"{via} not among the roads not taken"
    return list(hits[0].failed)


# --- R4 / R6: resectability at presentation ------------------------------------------------


def test_flr_29_9_is_initially_unresectable() -> None:
    step = first_mdt_decision(liver={"flr_percent": 29.9})
    assert step.road.name == "conversion_chemotherapy"
    assert "FLR 29.9% is below 30%" in blocked(step, "perioperative_chemotherapy")
    assert "R6" in step.rules


def test_flr_30_is_resectable() -> None:
    step = first_mdt_decision(liver={"flr_percent": 30})
    assert step.road.name == "perioperative_chemotherapy"
    assert "FLR 30% is at least 30%" in step.reasons


def test_10_metastases_resectable_11_not() -> None:
    ten = first_mdt_decision(liver={"lesions": 10})
    eleven = first_mdt_decision(liver={"lesions": 11})
    assert ten.road.name == "perioperative_chemotherapy"
    assert eleven.road.name == "conversion_chemotherapy"
    assert "11 metastases exceed 10" in eleven.reasons


def test_r0_not_achievable_is_initially_unresectable() -> None:
    step = first_mdt_decision(liver={"r0_achievable": False})
    assert step.road.name == "conversion_chemotherapy"
    assert "R0 resection not achievable" in step.reasons


def test_unresectable_extrahepatic_disease_goes_to_systemic_therapy() -> None:
    assert first_mdt_decision(extrahepatic="unresectable").road.name == "systemic_unresectable_ehd"
    resectable = first_mdt_decision(extrahepatic="resectable")
    assert resectable.road.name == "perioperative_chemotherapy"
    assert any("resectable extrahepatic disease" in r for r in resectable.reasons)


# --- derived ECOG rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ecog", "state", "road"),
    [
        (1, "neoadjuvant", "perioperative_chemotherapy"),
        (2, "locoregional", "ablation_unfit"),  # R38: ECOG 2 is unfit for surgery, not for ablation
        (3, "best_supportive_care", "supportive_care"),
        (4, "best_supportive_care", "supportive_care"),
    ],
)
def test_ecog_1_vs_2_vs_3(ecog: int, state: str, road: str) -> None:
    step = first_mdt_decision(ecog=ecog)
    assert (step.state, step.road.name) == (state, road)
    if ecog >= 2:
        assert ("R38" if ecog == 2 else "D-ECOG") in step.derived


@pytest.mark.parametrize(
    ("liver", "road"),
    [
        ({"lesions": 9, "largest_cm": 4.0}, "ablation_unfit"),
        ({"lesions": 10, "largest_cm": 4.0}, "systemic_ecog_2"),
        ({"lesions": 9, "largest_cm": 4.1}, "systemic_ecog_2"),
    ],
)
def test_r38_ecog_2_ablation_within_r23_limits_otherwise_systemic(liver: dict[str, float], road: str) -> None:
    step = first_mdt_decision(ecog=2, liver=liver)
    assert step.road.name == road
    assert "R38" in step.rules
    if road == "ablation_unfit":
        assert "ECOG 2: unfit for major surgery" in step.reasons


def test_r38_ecog_1_with_r23_disease_is_not_ablated_but_resected() -> None:
    assert first_mdt_decision(ecog=1, liver={"lesions": 3, "largest_cm": 2.5}).road.name == "perioperative_chemotherapy"


def test_ecog_2_gets_a_doublet_never_a_triplet() -> None:
    step = first_mdt_decision(ecog=2, biomarkers={"ras": "mutant"}, primary={"side": "right"}, liver={"lesions": 12})
    assert step.plan.decision.regimen == "FOLFOX + bevacizumab"
    assert "FOLFOXIRI" not in (step.plan.decision.regimen or "")


# --- R7 / R10: multifocal disease and high-risk features --------------------------------------


def test_5_metastases_low_risk_upfront_surgery_is_the_accepted_alternative() -> None:
    step = first_mdt_decision(liver={"lesions": 5})
    assert step.road.name == "perioperative_chemotherapy"
    alt = next(b for b in step.blocked if b.via == "upfront_surgery_low_risk")
    assert alt.failed == () and alt.alternative is True
    assert any("accepted alternative" in r for r in step.reasons)
    assert not step.warnings


def test_6_metastases_make_chemotherapy_first_mandatory() -> None:
    step = first_mdt_decision(liver={"lesions": 6})
    assert step.road.name == "perioperative_chemotherapy"
    failed = blocked(step, "upfront_surgery_low_risk")
    assert "multifocal disease: 6 metastases (more than 5)" in failed
    assert any("mandatory" in r and "6 metastases" in r for r in step.reasons)
    assert any("[surgery-first-multifocal]" in w for w in step.warnings)


def test_bilobar_alone_is_multifocal_but_not_unresectable() -> None:
    step = first_mdt_decision(liver={"lesions": 2, "bilobar": True})
    assert step.road.name == "perioperative_chemotherapy"
    assert "multifocal disease: bilobar spread" in blocked(step, "upfront_surgery_low_risk")


@pytest.mark.parametrize(
    ("over", "feature"),
    [
        ({"presentation": "synchronous", "primary": {"resected": True}}, "synchronous presentation"),
        ({"primary": {"node_positive": True}}, "node-positive primary"),
        ({"cea_ng_ml": 200.1}, "CEA 200.1 ng/mL above 200"),
        ({"extrahepatic": "resectable"}, "resectable extrahepatic disease"),
    ],
)
def test_each_high_risk_feature_blocks_upfront_surgery(over: dict[str, object], feature: str) -> None:
    step = first_mdt_decision(**over)
    assert any(feature in reason for reason in blocked(step, "upfront_surgery_low_risk"))


def test_cea_200_is_not_high_risk_but_200_1_is() -> None:
    at = first_mdt_decision(cea_ng_ml=200)
    above = first_mdt_decision(cea_ng_ml=200.1)
    assert blocked(at, "upfront_surgery_low_risk") == []
    assert "D-CEA" in above.derived and "D-CEA" not in at.derived


# --- R8: single metastasis under 2 cm ---------------------------------------------------------


def test_single_1_9_cm_goes_to_upfront_surgery_with_6_months_folfox() -> None:
    t = replay(case(liver={"lesions": 1, "largest_cm": 1.9}), finding("surgery", margin="R0"))
    step = t.steps[2]
    assert step.road.name == "upfront_surgery_small_solitary"
    assert step.plan.decision.regimen == "FOLFOX after surgery (6 months)"
    adjuvant = step_into(t, "adjuvant")
    assert adjuvant.case.course.adjuvant_months == 6


def test_single_2_0_cm_gets_perioperative_chemotherapy() -> None:
    step = first_mdt_decision(liver={"lesions": 1, "largest_cm": 2.0})
    assert step.road.name == "perioperative_chemotherapy"
    assert "largest 2 cm is not under 2 cm" in blocked(step, "upfront_surgery_small_solitary")


def test_two_small_metastases_are_not_r8() -> None:
    step = first_mdt_decision(liver={"lesions": 2, "largest_cm": 1.0})
    assert "2 metastases, not a single one" in blocked(step, "upfront_surgery_small_solitary")


# --- R9, R11, R12: perioperative regimen ------------------------------------------------------


def test_r9_folfox_for_3_months() -> None:
    t = replay(case(), finding("reassessment", response="partial"))
    step = t.steps[2]
    assert step.plan.decision.regimen == "FOLFOX" and step.plan.decision.intent == "perioperative"
    assert t.steps[3].month - step.month == 3.0


def test_r9_evidence_base_4_vs_5_metastases() -> None:
    four = first_mdt_decision(liver={"lesions": 4})
    five = first_mdt_decision(liver={"lesions": 5})
    assert "D-FOLFOX-BEYOND-4" not in four.rules
    assert "D-FOLFOX-BEYOND-4" in five.rules and five.plan.decision.regimen == "FOLFOX"


def test_r11_dmmr_gets_immunotherapy_first() -> None:
    step = first_mdt_decision(biomarkers={"mmr": "dMMR"})
    assert step.plan.decision.regimen == "Immunotherapy (pembrolizumab or nivolumab)"
    assert "R11" in step.rules


def test_r11_does_not_override_r8() -> None:
    step = first_mdt_decision(biomarkers={"mmr": "dMMR"}, liver={"lesions": 1, "largest_cm": 1.0})
    assert step.road.name == "upfront_surgery_small_solitary"


@pytest.mark.parametrize(("months", "regimen"), [(11, "FOLFIRI"), (12, "FOLFIRI"), (13, "FOLFOX"), (None, "FOLFOX")])
def test_r12_oxaliplatin_failure_within_12_months(months: float | None, regimen: str) -> None:
    step = first_mdt_decision(oxaliplatin_failure_months=months)
    assert step.plan.decision.regimen == regimen
    assert ("R12" in step.rules) == (regimen == "FOLFIRI")


def test_r12_also_turns_r8_postoperative_folfox_into_folfiri() -> None:
    step = first_mdt_decision(oxaliplatin_failure_months=6, liver={"lesions": 1, "largest_cm": 1.0})
    assert step.plan.decision.regimen == "FOLFIRI after surgery (6 months)"


# --- R13-R16: conversion regimens --------------------------------------------------------------

UNRESECTABLE = {"lesions": 12, "bilobar": True, "flr_percent": 25, "r0_achievable": False}


@pytest.mark.parametrize(
    ("primary", "markers", "regimen", "rule"),
    [
        ({"side": "left"}, {}, "FOLFOX + anti-EGFR (cetuximab or panitumumab)", "R13"),
        ({"site": "rectum", "side": None}, {}, "FOLFOX + anti-EGFR (cetuximab or panitumumab)", "R13"),
        ({"side": "right"}, {}, "FOLFOXIRI + bevacizumab", "R14"),
        ({"side": "left"}, {"ras": "mutant"}, "FOLFOXIRI + bevacizumab", "R15"),
        ({"side": "left"}, {"braf": "mutant"}, "FOLFOXIRI + bevacizumab", "R15"),
        ({"side": "left"}, {"mmr": "dMMR", "ras": "mutant"}, "Immunotherapy (pembrolizumab or nivolumab)", "R11"),
    ],
)
def test_conversion_regimen_by_profile(
    primary: dict[str, object], markers: dict[str, str], regimen: str, rule: str
) -> None:
    step = first_mdt_decision(liver=UNRESECTABLE, primary=primary, biomarkers=markers)
    assert step.road.name == "conversion_chemotherapy"
    assert step.plan.decision.regimen == regimen
    assert rule in step.rules


def test_conversion_doublet_after_oxaliplatin_failure_is_folfiri_derived() -> None:
    step = first_mdt_decision(liver=UNRESECTABLE, oxaliplatin_failure_months=6)
    assert step.plan.decision.regimen == "FOLFIRI + anti-EGFR (cetuximab or panitumumab)"
    assert "R12b" in step.derived


def test_r16_reassessment_every_2_months() -> None:
    t = replay(
        case(liver=UNRESECTABLE),
        finding("reassessment", response="partial"),
        finding("reassessment", response="partial"),
    )
    months = [s.month for s in t if s.state == "reassessment"]
    assert months == [2.5, 4.5, 6.5]  # the third waits for its finding
    assert t.ended == "awaiting-finding"


# --- Reassessment: R17-R22, R29 ----------------------------------------------------------------


def conversion(*findings: object, **over: object) -> Trajectory:
    return replay(case(liver=UNRESECTABLE, **over), *findings)  # type: ignore[arg-type]


def decision_after(t: Trajectory, nth: int = 1) -> Step:
    """The step that leaves the nth reassessment."""
    hits = [s for s in t if s.source == "reassessment"]
    return hits[nth - 1]


CONVERTED = {"lesions": 5, "largest_cm": 2.0, "bilobar": True, "flr_percent": 35, "r0_achievable": True}


def test_r17_resectable_now_goes_to_surgery() -> None:
    t = conversion(finding("reassessment", response="partial", liver=CONVERTED))
    step = decision_after(t)
    assert step.road.name == "resect_now_resectable" and step.state == "surgery"
    assert any("treatment inertia" in r for r in step.reasons) and not step.warnings


def test_r18_progression_never_goes_to_surgery_even_if_resectable() -> None:
    t = conversion(finding("reassessment", response="progression", liver=CONVERTED))
    step = decision_after(t)
    assert step.state == "palliative_systemic"
    assert "disease progressed on chemotherapy" in blocked(step, "resect_now_resectable")
    assert step.plan.decision.regimen == "FOLFIRI + bevacizumab"


def test_r18_progression_on_perioperative_chemo_is_aggressive_biology() -> None:
    t = replay(case(), finding("reassessment", response="progression"))
    step = decision_after(t)
    assert any("aggressive biology" in r for r in step.reasons)


def test_r19_complete_response_resects_original_sites_with_warning() -> None:
    liver = {"lesions": 0, "largest_cm": 0, "r0_achievable": True, "flr_percent": 32}
    t = conversion(finding("reassessment", response="complete", liver=liver))
    step = decision_after(t)
    assert step.road.name == "resect_after_complete_response"
    assert step.plan.decision.procedure == "resection of the original metastatic sites"
    assert any("[waiting-for-complete-response]" in w for w in step.warnings)


def test_r19_r4_original_sites_not_resectable_r0_continue_instead() -> None:
    t = conversion(finding("reassessment", response="complete", liver={"lesions": 0, "largest_cm": 0}))
    step = decision_after(t)
    assert step.road.name == "continue_conversion"
    assert "R0 resection not achievable" in blocked(step, "resect_after_complete_response")


@pytest.mark.parametrize(
    ("flr", "state", "road"),
    [(29.9, "liver_augmentation", "portal_vein_embolization"), (30, "surgery", "resect_now_resectable")],
)
def test_r20_pve_below_30_percent_in_one_lobe(flr: float, state: str, road: str) -> None:
    t = conversion(
        finding("reassessment", response="partial", liver={**CONVERTED, "bilobar": False, "flr_percent": flr})
    )
    step = decision_after(t)
    assert (step.state, step.road.name) == (state, road)


def test_r20_pve_then_remnant_30_goes_to_surgery_29_back_to_mdt() -> None:
    small = {**CONVERTED, "bilobar": False, "flr_percent": 24}
    grown = conversion(
        finding("reassessment", response="partial", liver=small),
        finding("liver_augmentation", liver={"flr_percent": 30}),
    )
    stuck = conversion(
        finding("reassessment", response="partial", liver=small),
        finding("liver_augmentation", liver={"flr_percent": 29}),
    )
    assert leaving(grown, "liver_augmentation").road.name == "resection_after_pve"
    back = leaving(stuck, "liver_augmentation")
    assert back.state == "mdt_review"
    assert "FLR 29% is below 30%" in blocked(back, "resection_after_pve")


def test_r21_two_stage_for_bilobar_small_remnant() -> None:
    t = conversion(
        finding("reassessment", response="partial", liver={**CONVERTED, "flr_percent": 26}),
        finding("surgery", margin="R0"),
        finding("liver_augmentation", liver={"flr_percent": 33}),
        finding("surgery", margin="R0"),
    )
    roads = [s.road.name for s in t]
    assert roads[roads.index("two_stage_hepatectomy") :][:4] == [
        "two_stage_hepatectomy",
        "pve_between_stages",
        "stage_two_hepatectomy",
        "postoperative_therapy",
    ]


def test_r22_resection_plus_ablation_boundaries() -> None:
    def run_with(size: float, flr: float) -> Step:
        liver = {**CONVERTED, "flr_percent": 26, "ablation": {"largest_cm": size, "flr_percent": flr}}
        return decision_after(conversion(finding("reassessment", response="partial", liver=liver)))

    assert run_with(3.9, 30).road.name == "resection_plus_ablation"
    assert run_with(4.0, 30).road.name == "two_stage_hepatectomy"
    assert run_with(3.9, 29.9).road.name == "two_stage_hepatectomy"
    assert any("best results at or under 3 cm" in r for r in run_with(3.5, 35).reasons)


def test_r22_perivascular_lesions_are_not_ablated() -> None:
    liver = {**CONVERTED, "flr_percent": 26, "perivascular": True, "ablation": {"largest_cm": 2, "flr_percent": 35}}
    step = decision_after(conversion(finding("reassessment", response="partial", liver=liver)))
    assert "perivascular lesions: ablation would be incomplete" in blocked(step, "resection_plus_ablation")


def test_partial_response_continues_and_warns_after_6_months() -> None:
    still = {"response": "partial"}
    t = conversion(*(finding("reassessment", **still) for _ in range(4)))
    continues = [s for s in t if s.road.name == "continue_conversion"]
    assert len(continues) == 4
    prolonged = ["[prolonged-chemotherapy]" in " ".join(s.warnings) for s in continues]
    assert prolonged == [False, False, True, True]  # 2, 4, 6, 8 months given


def test_stable_or_mixed_adds_liver_directed_therapy() -> None:
    for response in ("stable", "mixed"):
        step = decision_after(conversion(finding("reassessment", response=response)))
        assert step.state == "locoregional"
        assert step.plan.decision.procedure == "liver-directed therapy (TARE/Y-90 or TACE)"


def test_r29_severe_symptoms_trigger_urgent_mdt() -> None:
    t = conversion(finding("reassessment", response="partial", symptoms=["biliary_obstruction"]))
    assert decision_after(t).road.name == "urgent_review_symptoms"
    after = leaving(t, "mdt_review", 2)
    assert after.road.name == "palliate_symptoms"
    assert after.plan.decision.procedure == "palliative liver-directed therapy (TACE or TARE) with biliary drainage"


def test_r29_without_symptoms_no_urgent_review() -> None:
    t = conversion(finding("reassessment", response="partial"))
    assert "no severe symptoms" in blocked(decision_after(t), "urgent_review_symptoms")


# --- R23: ablation as primary treatment --------------------------------------------------------


@pytest.mark.parametrize(
    ("liver", "extrahepatic", "road"),
    [
        ({"lesions": 9, "largest_cm": 4.0}, "none", "ablation_unfit"),
        ({"lesions": 10, "largest_cm": 4.0}, "none", "systemic_unfit"),
        ({"lesions": 9, "largest_cm": 4.1}, "none", "systemic_unfit"),
        ({"lesions": 3, "largest_cm": 2.0}, "resectable", "systemic_unfit"),
    ],
)
def test_r23_rfa_limits(liver: dict[str, float], extrahepatic: str, road: str) -> None:
    assert first_mdt_decision(fit_for_surgery=False, liver=liver, extrahepatic=extrahepatic).road.name == road


def test_r23_refusing_surgery_also_opens_ablation() -> None:
    assert first_mdt_decision(refuses_surgery=True).road.name == "ablation_unfit"


# --- R24 and the adjuvant remainder -------------------------------------------------------------


def test_r24_bevacizumab_washout_6_weeks_before_and_after_surgery() -> None:
    t = conversion(
        finding("reassessment", response="partial", liver=CONVERTED),
        finding("surgery", margin="R0"),
        primary={"side": "right"},
    )
    reassessed, surgery, adjuvant = (step_into(t, s) for s in ("reassessment", "surgery", "adjuvant"))
    assert surgery.month - reassessed.month == 1.5 and "R24" in surgery.rules
    assert adjuvant.month - surgery.month == 1.5 and "R24" in adjuvant.rules


def test_no_bevacizumab_surgery_4_weeks_after_last_cycle() -> None:
    t = conversion(finding("reassessment", response="partial", liver=CONVERTED))
    assert step_into(t, "surgery").month - step_into(t, "reassessment").month == 1.0


def test_adjuvant_completes_6_months_4_given_2_left_6_given_none() -> None:
    partial = {"response": "partial"}
    four = conversion(
        finding("reassessment", **partial),
        finding("reassessment", response="partial", liver=CONVERTED),
        finding("surgery", margin="R0"),
    )
    six = conversion(
        finding("reassessment", **partial),
        finding("reassessment", **partial),
        finding("reassessment", response="partial", liver=CONVERTED),
        finding("surgery", margin="R0"),
    )
    assert step_into(four, "adjuvant").case.course.adjuvant_months == 2
    out = leaving(six, "surgery")
    assert out.road.name == "surveillance_after_surgery"
    assert "6 months of systemic therapy already given: 6 months complete" in out.reasons


# --- R5: margins ---------------------------------------------------------------------------


def test_r5_r1_margin_continues_planned_chemotherapy() -> None:
    t = replay(case(), finding("reassessment", response="partial"), finding("surgery", margin="R1"))
    step = leaving(t, "surgery")
    assert step.road.name == "postoperative_therapy"
    assert "R1 margin: the planned postoperative chemotherapy continues" in step.reasons and "R5" in step.rules


def test_r5_r2_margin_returns_to_mdt_derived() -> None:
    t = replay(case(), finding("reassessment", response="partial"), finding("surgery", margin="R2"))
    step = next(s for s in t if s.source == "surgery")
    assert step.state == "mdt_review" and "D-R2-MDT" in step.derived


# --- R25-R27: synchronous primaries ----------------------------------------------------------


def test_r25_symptomatic_primary_first_asymptomatic_not() -> None:
    sym = first_mdt_decision(presentation="synchronous", primary={"resected": False, "symptomatic": True})
    asym = first_mdt_decision(presentation="synchronous", primary={"resected": False, "symptomatic": False})
    assert sym.state == "primary_resection"
    assert asym.state == "neoadjuvant"
    assert "the primary in place is asymptomatic" in blocked(asym, "primary_first")


def test_r26_simultaneous_for_small_accessible_liver_first_otherwise() -> None:
    def surgery_step(lesions: int, largest: float) -> Step:
        start = case(
            presentation="synchronous", primary={"resected": False}, liver={"lesions": lesions, "largest_cm": largest}
        )
        t = replay(start, finding("reassessment", response="partial"), finding("surgery", margin="R0"))
        return step_into(t, "surgery")

    three = surgery_step(3, 3.0)
    four = surgery_step(4, 3.0)
    big = surgery_step(3, 3.1)
    assert "simultaneous resection" in (three.plan.decision.procedure or "")
    assert "liver first" in (four.plan.decision.procedure or "")
    assert "liver first" in (big.plan.decision.procedure or "")


def test_r26_liver_first_then_primary_then_adjuvant() -> None:
    start = case(presentation="synchronous", primary={"resected": False}, liver={"lesions": 5})
    t = replay(start, finding("reassessment", response="partial"), finding("surgery", margin="R0"))
    assert has_run(t.path, ["surgery", "primary_resection", "adjuvant"])


def test_r27_rectal_node_positive_gets_pelvic_radiotherapy() -> None:
    over = {
        "presentation": "synchronous",
        "primary": {"site": "rectum", "side": None, "resected": False, "node_positive": True},
    }
    t = replay(
        case(liver={"lesions": 6, "bilobar": True}, **over),
        finding("reassessment", response="partial"),
        finding("surgery", margin="R0"),
    )
    step = step_into(t, "primary_resection")
    assert step.plan.decision.procedure == "pelvic radiotherapy, then resection of the rectal primary (liver first)"
    assert "R27" in step.rules


# --- R2, R3: staging ---------------------------------------------------------------------------


def test_r2_unknown_primary_waits_at_staging_with_biopsy_warning() -> None:
    t = replay(case(primary={"site": "unknown", "side": None}))
    assert t.ended == "awaiting-finding" and t.final_state == "staging"
    assert any("[biopsy-colorectal]" in w for w in t.steps[0].warnings)


def test_r2_finding_that_names_the_primary_completes_staging() -> None:
    t = replay(
        case(primary={"site": "unknown", "side": None}), finding("staging", primary={"site": "colon", "side": "left"})
    )
    assert t.path[:3] == ["referral", "staging", "mdt_review"]


def test_r3_unknown_ras_blocks_staging() -> None:
    t = replay(case(biomarkers={"ras": "unknown"}))
    assert t.final_state == "staging" and t.ended == "awaiting-finding"
    t2 = replay(case(biomarkers={"ras": "unknown"}), finding("staging", biomarkers={"ras": "wild-type"}))
    assert t2.steps[1].state == "mdt_review"
    assert "RAS wild-type, BRAF wild-type, pMMR" in t2.steps[1].reasons


# --- R30, R31: surveillance and recurrence -------------------------------------------------------


def resected(*after: object, **over: object) -> Trajectory:
    return replay(case(**over), finding("reassessment", response="partial"), finding("surgery", margin="R0"), *after)  # type: ignore[arg-type]


def test_r30_disease_free_five_years_after_surgery() -> None:
    t = resected(finding("surveillance", recurrence="none"))
    surgery = step_into(t, "surgery")
    assert t.final_state == "disease_free" and t.steps[-1].month == surgery.month + 60


@pytest.mark.parametrize(("gap", "regimen"), [(12, "FOLFIRI"), (13, "FOLFOX")])
def test_r31_recurrence_reresection_and_r12_from_the_clock(gap: float, regimen: str) -> None:
    t = resected()
    end_of_adjuvant = step_into(t, "surveillance").month  # adjuvant FOLFOX ends when surveillance starts
    liver = {"lesions": 2, "largest_cm": 2.5, "bilobar": False, "flr_percent": 60, "r0_achievable": True}
    t = resected(finding("surveillance", recurrence="liver_only", month=end_of_adjuvant + gap, liver=liver))
    assert has_run(t.path, ["recurrence", "mdt_review", "neoadjuvant"])
    restaged = step_into(t, "mdt_review", 2)
    assert restaged.case.patient.oxaliplatin_failure_months == gap
    assert leaving(t, "mdt_review", 2).plan.decision.regimen == regimen


def test_extrahepatic_recurrence_is_taken_as_unresectable_derived() -> None:
    t = resected(finding("surveillance", recurrence="extrahepatic", month=20))
    assert has_run(t.path, ["recurrence", "mdt_review", "palliative_systemic"])
    assert "D-RECURRENCE-EHD" in step_into(t, "recurrence").derived


def test_outcome_figures_are_narrated_where_they_apply() -> None:
    perioperative = first_mdt_decision()
    assert "perioperative FOLFOX adds 7-8% 3-year progression-free survival (S1)" in perioperative.reasons
    immunotherapy = first_mdt_decision(biomarkers={"mmr": "dMMR"})
    assert not any("FOLFOX adds" in r for r in immunotherapy.reasons)
    converted = decision_after(conversion(finding("reassessment", response="partial", liver=CONVERTED)))
    assert (
        "initially unresectable disease converted to an R0 resection: 5-year survival 20-45% (S0)" in converted.reasons
    )
    resected = decision_after(replay(case(), finding("reassessment", response="partial")))
    assert (
        "resected colorectal liver metastases: 5-year survival 30-50% after perioperative chemotherapy (S0, S1)"
        in resected.reasons
    )
