"""Neuroendocrine liver metastases (R32): the neuroendocrine pathway's table.

ORDER IS CLINICAL SPECIFICATION (ascending rank, first match wins):
- mdt_review (after poor performance): resectable -> anatomic resection (R32, R4) > midgut or
  pancreatic primary in place -> palliative primary resection > selected unresectable -> liver
  transplant > otherwise observation (+ somatostatin analogue for a hormone syndrome).
- reassessment (after the urgent review for ECOG 3-4): resectable now > progressing or symptomatic
  and SSTR-positive after liver-directed therapy (or with EHD) -> PRRT > progressing or symptomatic
  -> TACE/TAE > observe. The colorectal urgent review for symptoms (R29) is not taken: R32 answers
  symptoms with TACE/TAE.
"""

from __future__ import annotations

from .. import guards as g
from ..common import OWN, surgery_plan
from ..course import Case, CourseChanges, Intent, Regimen, RegimenKind, Response
from ..guards import EVERY, Verdict, guard, num, verdict
from ..profile import Profile
from ..tables import PathwayTable
from ..vocabulary import Category, Decision, Plan, Road, const, to_surgery

OBSERVATION_INTERVAL = 3.0  # D-NET-OBSERVATION
SSA = Regimen("Somatostatin analogue (octreotide or lanreotide)", kind=RegimenKind.HORMONAL)
PRRT = Regimen("Peptide receptor radionuclide therapy (PRRT)", kind=RegimenKind.RADIONUCLIDE)
NET_TACE_RESPONSE = "TACE/TAE: 60-95% symptomatic and 50-90% biochemical response in NET"


# --- guards -------------------------------------------------------------------------------------


@guard("sstr_positive", "SSTR-positive", "R32", reads={"patient.biomarkers.sstr": EVERY})
def sstr_positive(c: Case) -> Verdict:
    s = c.patient.biomarkers.sstr
    return verdict(s == "positive", f"somatostatin-receptor imaging {s}")


@guard(
    "midgut_or_pancreas_in_place",
    "midgut/pancreatic primary in place",
    "R32",
    reads={"patient.primary.resected": EVERY, "patient.primary.subsite": EVERY},
)
def midgut_or_pancreas_in_place(c: Case) -> Verdict:
    p = c.patient.primary
    if p.resected:
        return verdict(False, "the primary is resected")
    if p.subsite in ("midgut", "pancreas"):
        return verdict(True, f"{p.subsite} primary still in place")
    return verdict(False, f"primary subsite {p.subsite or 'not stated'}: not midgut or pancreatic")


@guard(
    "transplant_candidate",
    "selected for transplant",
    "R32",
    "D-TRANSPLANT",
    reads={"patient.transplant_candidate": EVERY, "patient.primary.resected": EVERY, "patient.extrahepatic": EVERY},
)
def transplant_candidate(c: Case) -> Verdict:
    p = c.patient
    if not p.transplant_candidate:
        return verdict(False, "not selected by the MDT for liver transplantation")
    if not p.primary.resected:
        return verdict(False, "the primary is still in place")
    if p.extrahepatic != "none":
        return verdict(False, f"extrahepatic disease ({p.extrahepatic})")
    return verdict(True, "selected by the MDT for liver transplantation: primary resected, liver-only disease")


@guard(
    "net_progressing_or_symptomatic",
    "progression or symptoms",
    "R32",
    reads={"course.response": EVERY, "patient.symptoms": EVERY},
)
def progressing_or_symptomatic(c: Case) -> Verdict:
    found = []
    if c.course.response == Response.PROGRESSION:
        found.append("disease progressed")
    if c.patient.symptoms:
        found.append("symptoms: " + ", ".join(s.replace("_", " ") for s in c.patient.symptoms))
    if found:
        return Verdict(True, tuple(found))
    return verdict(False, f"indolent: response {c.course.response}, no symptoms")


@guard(
    "after_liver_directed_or_ehd",
    "after TACE/TAE or with EHD",
    "R32",
    "D-NET-LADDER",
    reads={"course.liver_directed": EVERY, "patient.extrahepatic": EVERY},
)
def after_liver_directed_or_ehd(c: Case) -> Verdict:
    if c.course.liver_directed:
        return verdict(True, "liver-directed therapy already given")
    if c.patient.extrahepatic != "none":
        return verdict(True, "extrahepatic disease: liver-directed therapy alone cannot control it")
    return verdict(False, "no liver-directed therapy yet and no extrahepatic disease: TACE/TAE first")


# --- plans ---------------------------------------------------------------------------------------


def plan_resection(c: Case) -> Plan:
    return surgery_plan(
        c,
        Category.RESECTABLE,
        "anatomic liver resection",
        reasons=("anatomic resection recurs less often than metastasectomy",),
        course=CourseChanges(intent=Intent.CURATIVE, regimen=None),
    )


def plan_primary(c: Case) -> Plan:
    subsite = c.patient.primary.subsite
    return Plan(
        Decision(Category.UNRESECTABLE_NET, Intent.PALLIATIVE, None, f"palliative resection of the {subsite} primary"),
        reasons=("removing the primary improves overall survival in unresectable midgut or pancreatic NET",),
        patient={"primary": {"resected": True, "symptomatic": False}},
    )


def plan_transplant(c: Case) -> Plan:
    return surgery_plan(
        c,
        Category.UNRESECTABLE_NET,
        "liver transplantation (selected unresectable NET)",
        course=CourseChanges(intent=Intent.CURATIVE, regimen=None),
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
    return Plan(
        Decision(Category.PROGRESSIVE_NET, Intent.PALLIATIVE, PRRT.name, None),
        reasons=("somatostatin receptors take up the radionuclide: treats liver and extrahepatic disease",),
        course=CourseChanges(intent=Intent.PALLIATIVE, regimen=PRRT, block_months=OBSERVATION_INTERVAL),
    )


def plan_tace(c: Case) -> Plan:
    regimen = c.course.regimen
    return Plan(
        Decision(
            Category.PROGRESSIVE_NET,
            Intent.PALLIATIVE,
            regimen.name if regimen else None,
            "TACE/TAE (transarterial chemo- or bland embolization)",
        ),
        reasons=(NET_TACE_RESPONSE,),
        course=CourseChanges(intent=Intent.PALLIATIVE, liver_directed=True, block_months=OBSERVATION_INTERVAL),
        patient={"symptoms": []},
    )


def plan_observe_on(c: Case) -> Plan:
    regimen = c.course.regimen
    return Plan(
        Decision(
            Category.INDOLENT_NET, Intent.OBSERVATION, regimen.name if regimen else None, "imaging every 3 months"
        ),
        reasons=("no progression and no symptoms: observation continues",),
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
        guards=g.RESECTABLE_AT_PRESENTATION,
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
        guards=g.RESECTABLE_NOW,
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
        rules=("R32", "R28"),
        label="progressing or symptomatic",
        plan=plan_tace,
    ),
    Road(
        name="net_observe_on",
        source="reassessment",
        dest="observation",
        rank=OWN + 30,
        rules=("R32",),
        label="indolent",
        plan=plan_observe_on,
    ),
)

PROFILE = Profile(
    name="neuroendocrine",
    title="Neuroendocrine liver metastases",
    noun="neuroendocrine",
    sites=("neuroendocrine",),
    block_months=OBSERVATION_INTERVAL,
    block_rules=("D-NET-OBSERVATION",),
    subsites=("midgut", "pancreas", "other"),
)

TABLE = PathwayTable(PROFILE, ROADS)
