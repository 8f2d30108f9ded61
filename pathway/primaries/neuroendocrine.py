"""Neuroendocrine liver metastases (R32): the neuroendocrine pathway's table.

ORDER IS CLINICAL SPECIFICATION (ascending rank, first match wins):
- mdt_review (after poor performance): resectable -> anatomic resection (R32, R4) > midgut or
  pancreatic primary in place -> palliative primary resection > selected unresectable -> liver
  transplant > otherwise observation (+ somatostatin analogue for a hormone syndrome).
  A grade 3 NET is not observed: systemic therapy (D-NET-G3), before observation.
- reassessment (after the urgent review for ECOG 3-4): resectable now > progressing or symptomatic
  and SSTR-positive after liver-directed therapy (or with EHD) -> PRRT > progressing or symptomatic
  -> TACE/TAE > grade 3 on systemic therapy continues > observe. The colorectal urgent review for
  symptoms (R29) is not taken: R32 answers symptoms with TACE/TAE.
- A hormone syndrome keeps its somatostatin analogue through TACE/TAE, PRRT and surgery (R39), which
  also covers each procedure against a carcinoid crisis (R42); five years without recurrence on it
  is maintenance.
"""

from __future__ import annotations

from .. import common
from .. import guards as g
from ..common import OWN, surgery_plan
from ..course import Case, CourseChanges, Intent, Regimen, RegimenKind, Response
from ..guards import EVERY, Verdict, guard, num, verdict
from ..patient import Patient
from ..profile import Profile
from ..tables import PathwayTable
from ..vocabulary import Category, Decision, Plan, Road, const, to_surgery

OBSERVATION_INTERVAL = 3.0  # D-NET-OBSERVATION
SSA = Regimen("Somatostatin analogue (octreotide or lanreotide)", kind=RegimenKind.HORMONAL, continued=True)
PRRT = Regimen("Peptide receptor radionuclide therapy (PRRT)", kind=RegimenKind.RADIONUCLIDE)
PRRT_WITH_SSA = Regimen("PRRT, with the somatostatin analogue continued", kind=RegimenKind.RADIONUCLIDE, continued=True)
HIGH_GRADE_SYSTEMIC = Regimen("Systemic therapy for a high-grade NET, chosen by the MDT")
CRISIS_COVER = "hormone syndrome: somatostatin-analogue cover against a carcinoid crisis"
NET_TACE_RESPONSE = "TACE/TAE: 60-95% symptomatic and 50-90% biochemical response in NET (S0)"


# --- guards -------------------------------------------------------------------------------------


@guard(
    "sstr_positive",
    "SSTR-positive",
    "R32",
    reads={"patient.biomarkers.sstr": EVERY},
    fast=lambda c: c.patient.biomarkers.sstr == "positive",
)
def sstr_positive(c: Case) -> Verdict:
    s = c.patient.biomarkers.sstr
    return verdict(s == "positive", f"somatostatin-receptor imaging {s}")


@guard(
    "midgut_or_pancreas_in_place",
    "midgut/pancreatic primary in place",
    "R32",
    reads={"patient.primary.resected": EVERY, "patient.primary.subsite": EVERY},
    fast=lambda c: not c.patient.primary.resected and c.patient.primary.subsite in ("midgut", "pancreas"),
)
def midgut_or_pancreas_in_place(c: Case) -> Verdict:
    p = c.patient.primary
    if p.resected:
        return verdict(False, "the primary is resected")
    if p.subsite in ("midgut", "pancreas"):
        return verdict(True, f"{p.subsite} primary still in place")
    return verdict(False, f"primary subsite {p.subsite or 'not stated'}: not midgut or pancreatic")


def _transplant_candidate(c: Case) -> bool:
    p = c.patient
    return p.transplant_candidate and p.grade in ("G1", "G2") and p.primary.resected and p.extrahepatic == "none"


@guard(
    "transplant_candidate",
    "selected for transplant",
    "R32",
    "D-TRANSPLANT",
    reads={
        "patient.transplant_candidate": EVERY,
        "patient.primary.resected": EVERY,
        "patient.extrahepatic": EVERY,
        "patient.grade": (None, "G2", "G3"),
    },
    fast=_transplant_candidate,
)
def transplant_candidate(c: Case) -> Verdict:
    p = c.patient
    if p.grade == "G3":
        return verdict(False, "grade G3: transplantation only for a well-differentiated (G1-G2) NET")
    if not p.transplant_candidate:
        return verdict(False, "not selected by the MDT for liver transplantation")
    if p.grade not in ("G1", "G2"):
        return verdict(False, "grade not stated: transplantation only for a well-differentiated (G1-G2) NET")
    if not p.primary.resected:
        return verdict(False, "the primary is still in place")
    if p.extrahepatic != "none":
        return verdict(False, f"extrahepatic disease ({p.extrahepatic})")
    return verdict(
        True, f"selected by the MDT for liver transplantation: grade {p.grade}, primary resected, liver-only disease"
    )


@guard(
    "net_progressing_or_symptomatic",
    "progression or symptoms",
    "R32",
    reads={"course.response": EVERY, "patient.symptoms": EVERY, "patient.functional_syndrome": EVERY},
    fast=lambda c: c.course.response == Response.PROGRESSION or bool(c.patient.symptoms),
)
def progressing_or_symptomatic(c: Case) -> Verdict:
    found = []
    if c.course.response == Response.PROGRESSION:
        found.append("disease progressed")
    if c.patient.symptoms:
        found.append("symptoms: " + ", ".join(s.replace("_", " ") for s in c.patient.symptoms))
    if found:
        return Verdict(True, tuple(found))
    quiet = "the hormone syndrome controlled" if c.patient.functional_syndrome else "no symptoms"
    return verdict(False, f"no progression (response: {c.course.response}) and {quiet}")


@guard(
    "after_liver_directed_or_ehd",
    "after TACE/TAE or with EHD",
    "R32",
    "D-NET-LADDER",
    reads={"course.liver_directed": EVERY, "patient.extrahepatic": EVERY},
    fast=lambda c: c.course.liver_directed or c.patient.extrahepatic != "none",
)
def after_liver_directed_or_ehd(c: Case) -> Verdict:
    if c.course.liver_directed:
        return verdict(True, "liver-directed therapy already given")
    if c.patient.extrahepatic != "none":
        return verdict(True, "extrahepatic disease: liver-directed therapy alone cannot control it")
    return verdict(False, "no liver-directed therapy yet and no extrahepatic disease: TACE/TAE first")


@guard(
    "net_grade_3",
    "grade 3",
    "D-NET-G3",
    reads={"patient.grade": (None, "G2", "G3")},
    fast=lambda c: c.patient.grade == "G3",
)
def grade_3(c: Case) -> Verdict:
    grade = c.patient.grade
    return verdict(grade == "G3", f"grade {grade}" if grade else "grade not stated")


# --- the profile's wording (R42) ------------------------------------------------------------------


def workup(c: Case) -> tuple[tuple[str, ...], tuple[str, ...]]:
    p = c.patient
    markers = "chromogranin A and 5-HIAA (hormone syndrome)" if p.functional_syndrome else "chromogranin A"
    grade = f"grade {p.grade} (Ki-67)" if p.grade else "grade (Ki-67) to be reported"
    return (
        "workup complete: triple-phase CT, CT chest, fitness and volumetry",
        f"neuroendocrine workup: {markers}, somatostatin-receptor imaging ({p.biomarkers.sstr}), {grade}",
    ), ("R42",)


def header(p: Patient) -> str:
    syndrome = "hormone syndrome" if p.functional_syndrome else "no hormone syndrome"
    return f"SSTR {p.biomarkers.sstr}, grade {p.grade or 'not stated'}, {syndrome}"


def _cover(c: Case) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """R42: somatostatin-analogue cover before TACE/TAE or surgery for a hormone syndrome."""
    return ((CRISIS_COVER,), ("R42",)) if c.patient.functional_syndrome else ((), ())


# --- plans ---------------------------------------------------------------------------------------


def plan_resection(c: Case) -> Plan:
    cover, rules = _cover(c)
    return surgery_plan(
        c,
        Category.RESECTABLE,
        "anatomic liver resection",
        reasons=("anatomic resection recurs less often than metastasectomy (S2)", *cover),
        rules=rules + (("R39",) if cover else ()),
        course=CourseChanges(intent=Intent.CURATIVE, regimen=SSA if c.patient.functional_syndrome else None),
    )


def plan_primary(c: Case) -> Plan:
    subsite = c.patient.primary.subsite
    return Plan(
        Decision(Category.UNRESECTABLE_NET, Intent.PALLIATIVE, None, f"palliative resection of the {subsite} primary"),
        reasons=("removing the primary improves overall survival in unresectable midgut or pancreatic NET (S2)",),
        patient={"primary": {"resected": True, "symptomatic": False}},
    )


def plan_transplant(c: Case) -> Plan:
    cover, rules = _cover(c)
    return surgery_plan(
        c,
        Category.UNRESECTABLE_NET,
        "liver transplantation (selected unresectable NET)",
        reasons=cover,
        rules=rules,
        course=CourseChanges(intent=Intent.CURATIVE, regimen=None),
    )


def plan_high_grade(c: Case) -> Plan:
    return Plan(
        Decision(Category.HIGH_GRADE_NET, Intent.PALLIATIVE, HIGH_GRADE_SYSTEMIC.name, None),
        reasons=("a grade 3 NET is not indolent: it is treated systemically, not observed",),
        rules=("R42",),
        course=CourseChanges(
            intent=Intent.PALLIATIVE,
            regimen=HIGH_GRADE_SYSTEMIC,
            block_months=OBSERVATION_INTERVAL,
            systemic_months=0.0,
        ),
    )


def plan_high_grade_continues(c: Case) -> Plan:
    regimen = c.course.regimen
    return Plan(
        Decision(Category.HIGH_GRADE_NET, Intent.PALLIATIVE, regimen.name if regimen else None, None),
        reasons=("grade 3, not progressing: systemic therapy continues",),
        course=CourseChanges(block_months=OBSERVATION_INTERVAL),
    )


def plan_observation(c: Case) -> Plan:
    regimen = SSA if c.patient.functional_syndrome else None
    reasons = ["indolent, unresectable neuroendocrine disease: observation"]
    if regimen:
        reasons.append("hormone syndrome: a somatostatin analogue controls the symptoms")
    return Plan(
        Decision(
            Category.UNRESECTABLE_NET, Intent.OBSERVATION, regimen.name if regimen else None, "imaging every 3 months"
        ),
        reasons=tuple(reasons),
        rules=("D-NET-OBSERVATION",),
        course=CourseChanges(intent=Intent.OBSERVATION, regimen=regimen, block_months=OBSERVATION_INTERVAL),
    )


def plan_prrt(c: Case) -> Plan:
    regimen = PRRT_WITH_SSA if c.patient.functional_syndrome else PRRT
    return Plan(
        Decision(Category.PROGRESSIVE_NET, Intent.PALLIATIVE, regimen.name, None),
        reasons=("somatostatin receptors take up the radionuclide: treats liver and extrahepatic disease",),
        rules=("R39",) if regimen.continued else (),
        course=CourseChanges(intent=Intent.PALLIATIVE, regimen=regimen, block_months=OBSERVATION_INTERVAL),
    )


def plan_tace(c: Case) -> Plan:
    regimen = c.course.regimen
    cover, rules = _cover(c)
    return Plan(
        Decision(
            Category.PROGRESSIVE_NET,
            Intent.PALLIATIVE,
            regimen.name if regimen else None,
            "TACE/TAE (transarterial chemo- or bland embolization)",
        ),
        reasons=(NET_TACE_RESPONSE, *cover),
        rules=rules,
        course=CourseChanges(intent=Intent.PALLIATIVE, liver_directed=True, block_months=OBSERVATION_INTERVAL),
        patient={"symptoms": []},
    )


def plan_observe_on(c: Case) -> Plan:
    regimen = c.course.regimen
    return Plan(
        Decision(
            Category.INDOLENT_NET, Intent.OBSERVATION, regimen.name if regimen else None, "imaging every 3 months"
        ),
        reasons=(
            "no progression and "
            + ("the hormone syndrome controlled" if c.patient.functional_syndrome else "no symptoms")
            + ": observation continues",
        ),
        rules=("D-NET-OBSERVATION",),
        course=CourseChanges(intent=Intent.OBSERVATION, block_months=OBSERVATION_INTERVAL),
    )


def plan_observation_done(c: Case) -> Plan:
    return Plan(
        Decision(Category.RESTAGING, Intent.OBSERVATION, None, "CT/MRI restaging"),
        reasons=(f"after {num(c.course.block_months)} months of observation",),
        rules=("D-NET-OBSERVATION",),
    )


# --- the table --------------------------------------------------------------------------------

ROADS: tuple[Road, ...] = (
    Road(
        name="net_anatomic_resection",
        source="mdt_review",
        dest="surgery",
        rank=OWN,
        guards=g.RESECTABLE_ANY_PRIMARY,
        rules=("R32", "R4"),
        label="resectable",
        plan=plan_resection,
        lead=const(1.0, "D-CLOCK"),
    ),
    Road(
        name="net_palliative_primary_resection",
        source="mdt_review",
        dest="primary_resection",
        rank=OWN + 10,
        guards=(midgut_or_pancreas_in_place,),
        rules=("R32",),
        label="midgut/pancreatic primary in place",
        plan=plan_primary,
    ),
    Road(
        name="net_liver_transplant",
        source="mdt_review",
        dest="surgery",
        rank=OWN + 20,
        guards=(transplant_candidate,),
        rules=("R32", "D-TRANSPLANT"),
        label="selected for transplant",
        plan=plan_transplant,
        lead=const(1.0, "D-CLOCK"),
    ),
    Road(
        name="net_high_grade_systemic",
        title="systemic therapy for a grade 3 NET",
        source="mdt_review",
        dest="palliative_systemic",
        rank=OWN + 25,
        guards=(grade_3,),
        rules=("R32", "D-NET-G3"),
        label="grade 3",
        plan=plan_high_grade,
    ),
    Road(
        name="net_observation",
        source="mdt_review",
        dest="observation",
        rank=OWN + 30,
        rules=("R32",),
        label="unresectable, indolent",
        plan=plan_observation,
    ),
    Road(
        name="observation_interval_done",
        title="end of the observation interval",
        source="observation",
        dest="reassessment",
        rank=OWN,
        rules=("R32", "D-NET-OBSERVATION"),
        label="after 3 months",
        plan=plan_observation_done,
    ),
    Road(
        name="net_resection_now",
        source="reassessment",
        dest="surgery",
        rank=OWN,
        guards=g.RESECTABLE_ANY_PRIMARY_NOW,
        rules=("R32", "R4"),
        label="resectable now",
        plan=plan_resection,
        lead=to_surgery,
    ),
    Road(
        name="net_prrt",
        source="reassessment",
        dest="palliative_systemic",
        rank=OWN + 10,
        guards=(progressing_or_symptomatic, sstr_positive, after_liver_directed_or_ehd),
        rules=("R32",),
        label="progressing, SSTR+, after TACE or EHD",
        plan=plan_prrt,
    ),
    Road(
        name="net_tace",
        source="reassessment",
        dest="locoregional",
        rank=OWN + 20,
        guards=(progressing_or_symptomatic,),
        rules=("R32",),
        label="progressing or symptomatic",
        plan=plan_tace,
    ),
    Road(
        name="net_high_grade_continues",
        title="grade 3: systemic therapy continues",
        source="reassessment",
        dest="palliative_systemic",
        rank=OWN + 25,
        guards=(grade_3,),
        rules=("R32", "D-NET-G3"),
        label="grade 3, not progressing",
        plan=plan_high_grade_continues,
    ),
    Road(
        name="net_observe_on",
        title="observation goes on",
        source="reassessment",
        dest="observation",
        rank=OWN + 30,
        rules=("R32",),
        label="indolent",
        plan=plan_observe_on,
    ),
    common.FIVE_YEARS_ON_MAINTENANCE,
)

PROFILE = Profile(
    name="neuroendocrine",
    title="Neuroendocrine liver metastases",
    noun="neuroendocrine",
    own_rules=("R32",),
    sites=("neuroendocrine",),
    block_months=OBSERVATION_INTERVAL,
    block_rules=("D-NET-OBSERVATION",),
    subsites=("midgut", "pancreas", "other"),
    workup=workup,
    header=header,
)

TABLE = PathwayTable(PROFILE, ROADS)
