"""Gastric cancer liver metastases (R34): the gastric pathway's table.

ORDER IS CLINICAL SPECIFICATION (ascending rank, first match wins):
- mdt_review (after poor performance): solitary -> chemotherapy (+ trastuzumab if HER2+) before
  resection > multiple -> systemic therapy only.
- reassessment (after the urgent review for ECOG 3-4): progression -> systemic only > still
  solitary -> resection > systemic therapy only. Symptoms have no road of their own
  (D-SYMPTOMS-OTHER).
"""

from __future__ import annotations

from dataclasses import replace

from .. import common
from .. import guards as g
from ..common import OWN, surgery_plan
from ..course import Case, CourseChanges, Intent, Regimen, Response
from ..guards import EVERY, Verdict, guard, verdict
from ..profile import Marker, Postoperative, Profile
from ..regimens import RegimenRow, choose
from ..tables import PathwayTable
from ..vocabulary import PERIOPERATIVE_BLOCK, Category, Decision, Plan, Road, to_surgery

BLOCK = PERIOPERATIVE_BLOCK  # D-OTHER-BLOCK: reassessed every 3 months
OUTCOME = "resection of a solitary gastric metastasis: 5-year survival 23.8%, median 22 months (S0)"

# --- guards -------------------------------------------------------------------------------------

# R34 asks the same question as R8 ("one metastasis?"), under its own rule.
solitary = g.register(replace(g.single_lesion, name="solitary", label="solitary metastasis", rules=("R34",)))


@guard(
    "began_solitary",
    "treated for a solitary metastasis",
    "R34",
    reads={"course.intent": EVERY},
    fast=lambda c: c.course.intent == Intent.PERIOPERATIVE,
)
def began_solitary(c: Case) -> Verdict:
    i = c.course.intent
    return verdict(
        i == Intent.PERIOPERATIVE,
        "chemotherapy given before resection of a solitary metastasis"
        if i == Intent.PERIOPERATIVE
        else "systemic therapy only (multiple metastases at the MDT)",
    )


@guard(
    "gastric_her2_positive",
    "HER2-positive",
    "R34",
    reads={"patient.biomarkers.her2": EVERY},
    fast=lambda c: c.patient.biomarkers.her2 == "positive",
)
def her2_positive(c: Case) -> Verdict:
    her2 = c.patient.biomarkers.her2
    return verdict(her2 == "positive", f"HER2 {her2}")


progression = g.response_is(Response.PROGRESSION, rules=("R34",), name="gastric_progression")

SYSTEMIC = (
    RegimenRow((her2_positive,), Regimen("Chemotherapy + trastuzumab"), ("R34",)),
    RegimenRow((g.always,), Regimen("Chemotherapy"), ("R34",)),
)

# --- plans ---------------------------------------------------------------------------------------


def _systemic(c: Case, category: Category, intent: Intent, why: str) -> Plan:
    """Chemotherapy (+ trastuzumab if HER2-positive), from the start: before resection or alone."""
    chosen = choose(SYSTEMIC, c)
    return Plan(
        Decision(category, intent, chosen.regimen.name, None),
        reasons=(*chosen.reasons, why),
        rules=("D-OTHER-BLOCK", *chosen.rules),
        course=CourseChanges(intent=intent, regimen=chosen.regimen, block_months=BLOCK, systemic_months=0.0),
    )


def plan_solitary(c: Case) -> Plan:
    return _systemic(
        c,
        Category.SOLITARY_GASTRIC,
        Intent.PERIOPERATIVE,
        "chemotherapy first, then resection if still solitary and not progressing",
    )


def plan_systemic_only(c: Case) -> Plan:
    return _systemic(
        c, Category.GASTRIC_SYSTEMIC, Intent.PALLIATIVE, "systemic therapy only; surgery is rarely indicated"
    )


def plan_resection(c: Case) -> Plan:
    return surgery_plan(
        c,
        Category.SOLITARY_GASTRIC,
        "resection of the solitary liver metastasis",
        reasons=(OUTCOME,),
        course=CourseChanges(intent=Intent.CURATIVE),
    )


def plan_continue(c: Case) -> Plan:
    return Plan(
        Decision(Category.GASTRIC_SYSTEMIC, Intent.PALLIATIVE, common.regimen_name(c), None),
        reasons=("not (or no longer) a solitary metastasis fit for resection: systemic therapy only",),
        rules=("D-OTHER-BLOCK",),
        course=CourseChanges(intent=Intent.PALLIATIVE, block_months=BLOCK),
    )


# --- the table --------------------------------------------------------------------------------

ROADS: tuple[Road, ...] = (
    Road(
        name="gastric_solitary_chemotherapy",
        source="mdt_review",
        dest="neoadjuvant",
        rank=OWN,
        guards=(solitary,),
        rules=("R34",),
        label="solitary metastasis",
        plan=plan_solitary,
        regimens=SYSTEMIC,
    ),
    Road(
        name="gastric_systemic_only",
        source="mdt_review",
        dest="palliative_systemic",
        rank=OWN + 10,
        rules=("R34",),
        label="multiple metastases",
        plan=plan_systemic_only,
        regimens=SYSTEMIC,
    ),
    Road(
        name="gastric_progression",
        source="reassessment",
        dest="palliative_systemic",
        rank=OWN,
        guards=(progression,),
        rules=("R34",),
        label="progression",
        plan=common.noting_symptoms(plan_systemic_only),
    ),
    Road(
        name="gastric_resection",
        title="liver resection for a gastric metastasis",
        source="reassessment",
        dest="surgery",
        rank=OWN + 10,
        guards=(began_solitary, solitary, *g.RESECTABLE_ANY_PRIMARY_NOW),
        rules=("R34", "R4"),
        label="still solitary, resectable",
        plan=common.noting_symptoms(plan_resection),
        lead=to_surgery,
    ),
    Road(
        name="gastric_systemic_continues",
        source="reassessment",
        dest="palliative_systemic",
        rank=OWN + 20,
        rules=("R34",),
        label="otherwise",
        plan=common.noting_symptoms(plan_continue),
    ),
    *common.POSTOPERATIVE,
)

PROFILE = Profile(
    name="gastric",
    title="Gastric cancer liver metastases",
    noun="gastric",
    own_rules=("R34",),
    sites=("gastric",),
    block_months=BLOCK,
    block_rules=("D-OTHER-BLOCK",),
    markers=(Marker("HER2", "her2"),),
    postoperative=Postoperative(6.0, in_total=True, rules=("R34", "D-POSTOP-OTHER")),
    header=lambda p: f"HER2 {p.biomarkers.her2}",
)

TABLE = PathwayTable(PROFILE, ROADS)
