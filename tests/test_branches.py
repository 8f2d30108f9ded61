"""The other primaries (R32-R36) and the unknown primary (R2): each rule's boundary on both sides."""

from __future__ import annotations

from typing import Any

import pytest

from pathway.engine import Step, Trajectory

from .build import case, finding, leaving, replay, step_into


def net(**over: Any) -> Any:
    base: dict[str, Any] = {
        "primary": {"site": "neuroendocrine", "side": None, "resected": True, "subsite": "midgut"},
        "biomarkers": {"sstr": "positive"},
        "liver": {"lesions": 14, "largest_cm": 4.0, "bilobar": True, "flr_percent": 25, "r0_achievable": False},
    }
    return case(**_merge(base, over))


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def primary(site: str, **over: Any) -> Any:
    base: dict[str, Any] = {"primary": {"site": site, "side": None, "resected": True}}
    return case(**_merge(base, over))


def mdt(t: Trajectory) -> Step:
    return leaving(t, "mdt_review")


# --- R32 neuroendocrine --------------------------------------------------------------------------


@pytest.mark.parametrize(("flr", "road"), [(30, "net_anatomic_resection"), (29.9, "net_observation")])
def test_r32_resectable_net_gets_anatomic_resection(flr: float, road: str) -> None:
    t = replay(net(liver={"lesions": 3, "bilobar": False, "flr_percent": flr, "r0_achievable": True}))
    step = mdt(t)
    assert step.road.name == road
    if road == "net_anatomic_resection":
        assert step.plan.decision.procedure == "anatomic liver resection"


@pytest.mark.parametrize(
    ("syndrome", "regimen"), [(True, "Somatostatin analogue (octreotide or lanreotide)"), (False, None)]
)
def test_r32_somatostatin_analogue_only_for_a_hormone_syndrome(syndrome: bool, regimen: str | None) -> None:
    step = mdt(replay(net(functional_syndrome=syndrome)))
    assert step.state == "observation" and step.plan.decision.regimen == regimen


@pytest.mark.parametrize(
    ("subsite", "state"), [("midgut", "primary_resection"), ("pancreas", "primary_resection"), ("other", "observation")]
)
def test_r32_palliative_primary_resection_for_midgut_and_pancreas(subsite: str, state: str) -> None:
    step = mdt(replay(net(primary={"resected": False, "subsite": subsite})))
    assert step.state == state


@pytest.mark.parametrize(
    ("over", "road"),
    [
        ({"transplant_candidate": True, "grade": "G2"}, "net_liver_transplant"),
        ({"transplant_candidate": True, "grade": None}, "net_observation"),  # the grade must be known, G1-G2
        ({"transplant_candidate": True, "grade": "G3"}, "net_high_grade_systemic"),
        ({"transplant_candidate": False, "grade": "G1"}, "net_observation"),
        ({"transplant_candidate": True, "grade": "G1", "extrahepatic": "resectable"}, "net_observation"),
    ],
)
def test_r32_liver_transplant_only_for_selected_liver_only_disease(over: dict[str, Any], road: str) -> None:
    assert mdt(replay(net(**over))).road.name == road


def _net_after(*findings: Any, **over: Any) -> Trajectory:
    return replay(net(**over), *findings)


@pytest.mark.parametrize(
    ("findings", "road"),
    [
        ([finding("reassessment", response="stable")], "net_observe_on"),
        ([finding("reassessment", response="partial")], "net_observe_on"),
        ([finding("reassessment", response="progression")], "net_tace"),
        ([finding("reassessment", response="stable", symptoms=["intractable_pain"])], "net_tace"),
    ],
)
def test_r32_progressive_or_symptomatic_net_gets_tace(findings: list[Any], road: str) -> None:
    t = _net_after(*findings)
    assert leaving(t, "reassessment").road.name == road


def test_r32_prrt_after_tace_when_sstr_positive_tace_again_when_negative() -> None:
    twice = [finding("reassessment", response="progression"), finding("reassessment", response="progression")]
    positive = _net_after(*twice)
    negative = _net_after(*twice, biomarkers={"sstr": "negative"})
    assert leaving(positive, "reassessment", 2).road.name == "net_prrt"
    assert leaving(positive, "reassessment", 2).plan.decision.regimen == "Peptide receptor radionuclide therapy (PRRT)"
    assert leaving(negative, "reassessment", 2).road.name == "net_tace"


def test_r32_prrt_first_with_extrahepatic_disease() -> None:
    t = _net_after(finding("reassessment", response="progression"), extrahepatic="unresectable")
    assert leaving(t, "reassessment").road.name == "net_prrt"


def test_net_symptoms_go_to_tace_not_to_the_colorectal_urgent_review() -> None:
    t = _net_after(finding("reassessment", response="stable", symptoms=["biliary_obstruction"]))
    step = leaving(t, "reassessment")
    assert step.road.name == "net_tace"
    assert "urgent_review_symptoms" not in [b.via for b in step.blocked]


def test_r32_tace_narrates_the_response_figures() -> None:
    step = leaving(_net_after(finding("reassessment", response="progression")), "reassessment")
    assert "TACE/TAE: 60-95% symptomatic and 50-90% biochemical response in NET (S0)" in step.reasons


# --- R33 breast ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hr", "her2", "regimen"),
    [
        ("positive", "negative", "Endocrine-based therapy"),
        ("positive", "positive", "HER2-targeted therapy with endocrine therapy"),
        ("negative", "positive", "HER2-targeted therapy with chemotherapy"),
        ("negative", "negative", "Chemotherapy"),
    ],
)
def test_r33_systemic_therapy_first_by_receptor_status(hr: str, her2: str, regimen: str) -> None:
    step = mdt(replay(primary("breast", biomarkers={"hormone_receptor": hr, "her2": her2})))
    assert step.road.name == "breast_systemic_first" and step.plan.decision.regimen == regimen


def test_r3_breast_waits_for_receptor_status() -> None:
    t = replay(primary("breast", biomarkers={"hormone_receptor": "unknown", "her2": "negative"}))
    assert t.final_state == "staging" and t.ended == "awaiting-finding"


BREAST = {"biomarkers": {"hormone_receptor": "positive", "her2": "negative"}}


def _breast(response: str, **over: Any) -> Step:
    """The second reassessment (6 months of systemic therapy, R40), after a partial response."""
    t = replay(
        primary("breast", **_merge(BREAST, over)),
        finding("reassessment", response="partial"),
        finding("reassessment", response=response),
    )
    return leaving(t, "reassessment", 2)


def test_r40_breast_resection_after_6_months_not_after_the_first_block() -> None:
    t = replay(primary("breast", **BREAST), finding("reassessment", response="partial"))
    first = leaving(t, "reassessment")
    assert first.road.name == "breast_systemic_continues"
    assert "3 months on the current line: not yet 6" in [r for b in first.blocked for r in b.failed]
    second = _breast("stable")
    assert second.road.name == "breast_resection"
    assert "6 months on the current line (at least 6)" in second.reasons and "R40" in second.rules


def test_r40_isolated_bone_metastasis_gets_radiotherapy() -> None:
    step = mdt(replay(primary("breast", **BREAST, extrahepatic="unresectable", extrahepatic_site="isolated_bone")))
    assert "isolated bone metastasis: treated with radiotherapy alongside systemic therapy" in step.reasons
    assert "R40" in step.rules


@pytest.mark.parametrize(("lesions", "road"), [(5, "breast_resection"), (6, "breast_systemic_continues")])
def test_r33_oligometastatic_boundary(lesions: int, road: str) -> None:
    step = _breast("partial", liver={"lesions": lesions, "bilobar": True})
    assert step.road.name == road
    if lesions == 6:
        assert "6 metastases: more than 5, not oligometastatic" in [
            r for b in step.blocked if b.via == "breast_resection" for r in b.failed
        ]


@pytest.mark.parametrize(
    ("site", "road"),
    [
        ("isolated_bone", "breast_resection"),
        ("solitary_lung", "breast_resection"),
        ("other", "breast_systemic_continues"),
    ],
)
def test_r33_only_isolated_bone_or_solitary_lung_is_allowed(site: str, road: str) -> None:
    assert _breast("stable", extrahepatic="unresectable", extrahepatic_site=site).road.name == road


def test_r33_progression_is_never_resected() -> None:
    step = _breast("progression")
    assert step.road.name == "breast_next_line" and step.state == "palliative_systemic"


# --- R34 gastric --------------------------------------------------------------------------------


def test_r34_her2_must_be_known() -> None:
    assert replay(primary("gastric")).final_state == "staging"
    t = replay(primary("gastric"), finding("staging", biomarkers={"her2": "positive"}))
    assert mdt(t).plan.decision.regimen == "Chemotherapy + trastuzumab"


@pytest.mark.parametrize(("lesions", "road"), [(1, "gastric_solitary_chemotherapy"), (2, "gastric_systemic_only")])
def test_r34_solitary_vs_multiple(lesions: int, road: str) -> None:
    step = mdt(replay(primary("gastric", biomarkers={"her2": "negative"}, liver={"lesions": lesions})))
    assert step.road.name == road


@pytest.mark.parametrize(
    ("lesions", "response", "road"),
    [
        (1, "partial", "gastric_resection"),
        (2, "partial", "gastric_systemic_continues"),
        (1, "progression", "gastric_progression"),
    ],
)
def test_r34_resection_if_still_solitary_and_not_progressing(lesions: int, response: str, road: str) -> None:
    t = replay(
        primary("gastric", biomarkers={"her2": "negative"}, liver={"lesions": 1}),
        finding("reassessment", response=response, liver={"lesions": lesions}),
    )
    step = leaving(t, "reassessment")
    assert step.road.name == road
    if road == "gastric_resection":
        assert (
            "resection of a solitary gastric metastasis: 5-year survival 23.8%, median 22 months (S0)" in step.reasons
        )


def test_r34_multiple_at_the_mdt_stays_systemic_even_if_later_solitary() -> None:
    t = replay(
        primary("gastric", biomarkers={"her2": "negative"}, liver={"lesions": 3}),
        finding("reassessment", response="partial", liver={"lesions": 1}),
    )
    step = leaving(t, "reassessment")
    assert step.road.name == "gastric_systemic_continues"
    assert "systemic therapy only (multiple metastases at the MDT)" in [r for b in step.blocked for r in b.failed]


# --- R35 GIST -----------------------------------------------------------------------------------


def _gist(**reading: Any) -> Step:
    t = replay(primary("gist", liver={"lesions": 3}), finding("reassessment", **reading))
    return leaving(t, "reassessment")


def test_r35_imatinib_first() -> None:
    step = mdt(replay(primary("gist")))
    assert (
        step.road.name == "gist_imatinib_first" and step.plan.decision.regimen == "Imatinib (tyrosine kinase inhibitor)"
    )


@pytest.mark.parametrize(("count", "road"), [(1, "gist_unifocal_progression"), (2, "gist_next_line")])
def test_r35_unifocal_vs_multifocal_progression(count: int, road: str) -> None:
    assert _gist(response="progression", progressing_lesions=count).road.name == road


@pytest.mark.parametrize(
    ("response", "flr", "road"),
    [("stable", 30, "gist_resection"), ("partial", 29.9, "gist_tki_continues"), ("complete", 50, "gist_resection")],
)
def test_r35_resect_while_responsive_or_stable(response: str, flr: float, road: str) -> None:
    assert _gist(response=response, liver={"flr_percent": flr}).road.name == road


def test_r35_r39_tki_continues_after_resection_and_ends_in_maintenance() -> None:
    t = replay(
        primary("gist", liver={"lesions": 3}),
        finding("reassessment", response="stable"),
        finding("surgery", margin="R0"),
        finding("surveillance", recurrence="none"),
    )
    assert "adjuvant" not in t.path and t.final_state == "maintenance"
    follow_up = step_into(t, "surveillance")
    assert follow_up.plan.decision.regimen == "Imatinib (tyrosine kinase inhibitor)"
    assert "at every visit: Imatinib (tyrosine kinase inhibitor) goes on" in follow_up.reasons
    assert "R39" in follow_up.rules
    assert "disease_free" in {b.to for b in t.steps[-1].blocked} or t.steps[-1].road.name == "five_years_on_maintenance"


# --- R36 soft-tissue sarcoma --------------------------------------------------------------------


@pytest.mark.parametrize(("flr", "state"), [(30, "surgery"), (29.9, "best_supportive_care")])
def test_r36_resect_what_is_resectable_otherwise_palliative_care(flr: float, state: str) -> None:
    step = mdt(replay(primary("sarcoma", liver={"flr_percent": flr})))
    assert step.state == state
    assert step.plan.decision.regimen is None  # never chemotherapy
    assert any("ineffective" in r for r in step.reasons)


def test_r36_no_therapy_after_sarcoma_resection() -> None:
    t = replay(primary("sarcoma"), finding("surgery", margin="R0"))
    assert leaving(t, "surgery").road.name == "surveillance_after_surgery"


# --- scope: each primary sees its own roads -------------------------------------------------------


def test_colorectal_patients_never_see_other_primaries_roads_as_not_taken() -> None:
    step = mdt(replay(case()))
    vias = {b.via for b in step.blocked}
    assert not {v for v in vias if v.startswith(("net_", "breast_", "gastric_", "gist_", "sarcoma_"))}


def test_other_primaries_never_take_colorectal_roads() -> None:
    t = replay(primary("breast", **BREAST, liver={"lesions": 12, "flr_percent": 20, "r0_achievable": False}))
    step = mdt(t)
    assert step.road.name == "breast_systemic_first"
    assert "conversion_chemotherapy" not in {b.via for b in step.blocked}
    assert step.why_not("neoadjuvant") == []


def test_unknown_primary_named_by_staging_takes_that_primarys_pathway() -> None:
    start = case(primary={"site": "unknown", "side": None, "resected": False})
    t = replay(start, finding("staging", primary={"site": "sarcoma"}))
    assert t.path[:3] == ["referral", "staging", "mdt_review"]
    assert mdt(t).road.name == "sarcoma_resection"


def test_r2_biopsy_is_acceptable_for_a_non_colorectal_primary_only() -> None:
    gastric = leaving(replay(primary("gastric", biomarkers={"her2": "negative"})), "staging")
    colorectal = leaving(replay(case()), "staging")
    note = "non-colorectal primary: a liver biopsy is acceptable when tissue is needed"
    assert any(r.startswith(note) for r in gastric.reasons)
    assert not any(r.startswith(note) for r in colorectal.reasons)
