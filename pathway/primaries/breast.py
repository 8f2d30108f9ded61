"""Breast cancer liver metastases (R33): the breast pathway's table.

ORDER IS CLINICAL SPECIFICATION (ascending rank, first match wins):
- mdt_review (after poor performance): systemic therapy first, by receptor status.
  After a recurrence on systemic therapy, the next line first.
- reassessment (after the urgent review for ECOG 3-4): progression -> next line > resection if
  oligometastatic, EHD controlled, not progressing, after at least 6 months of systemic therapy
  (R40) > [the palliative line continues] > systemic therapy continues. Symptoms have no road of
  their own (D-SYMPTOMS-OTHER).
- Endocrine and HER2-targeted therapy are continued, not completed (R39): after resection the
  patient is followed on them, and five years without recurrence is maintenance.
"""

from __future__ import annotations

from .. import common
from .. import guards as g
from ..common import LATE, OWN, surgery_plan
from ..course import Case, CourseChanges, Intent, Regimen, RegimenKind, Response
from ..guards import EVERY, Verdict, guard, num, verdict
from ..patient import Patient
from ..profile import Marker, Postoperative, Profile
from ..regimens import RegimenRow, choose
from ..tables import PathwayTable
from ..vocabulary import PERIOPERATIVE_BLOCK, Category, Decision, Plan, Road, to_surgery

OLIGOMETASTATIC_MAX = 5  # D-OLIGO: "oligometastatic" taken as at most 5 liver metastases
BLOCK = PERIOPERATIVE_BLOCK  # D-OTHER-BLOCK: reassessed every 3 months
SYSTEMIC_BEFORE_SURGERY = 6.0  # R40: at least two 3-month blocks with response or stable disease
WITHOUT_SURGERY = "stage IV breast cancer with liver metastases: median survival 3-15 months without surgery (S1)"
AFTER_RESECTION = "selected breast liver metastases resected: up to 40% 5-year survival (S2)"
BONE_RADIOTHERAPY = "isolated bone metastasis: treated with radiotherapy alongside systemic therapy"
BONE_CONTROLLED = "the isolated bone metastasis was treated with radiotherapy and is controlled"


# --- guards -------------------------------------------------------------------------------------


@guard(
    "oligometastatic",
    "<= 5 metastases",
    "R33",
    "D-OLIGO",
    reads={"patient.liver.lesions": (5, 6)},
    fast=lambda c: c.patient.liver.lesions <= OLIGOMETASTATIC_MAX,
)
def oligometastatic(c: Case) -> Verdict:
    n = c.patient.liver.lesions
    ok = n <= OLIGOMETASTATIC_MAX
    return verdict(
        ok,
        f"{n} metastases: liver-limited, oligometastatic"
        if ok
        else f"{n} metastases: more than 5, not oligometastatic",
    )


@guard(
    "ehd_controlled",
    "EHD controlled",
    "R33",
    reads={"patient.extrahepatic": EVERY, "patient.extrahepatic_site": EVERY},
    fast=lambda c: (
        c.patient.extrahepatic == "none" or c.patient.extrahepatic_site in ("isolated_bone", "solitary_lung")
    ),
)
def ehd_controlled(c: Case) -> Verdict:
    p = c.patient
    if p.extrahepatic == "none":
        return verdict(True, "no extrahepatic disease")
    if p.extrahepatic_site in ("isolated_bone", "solitary_lung"):
        return verdict(True, f"extrahepatic disease limited to {p.extrahepatic_site.replace('_', ' ')} (allowed)")
    return verdict(False, f"extrahepatic disease ({p.extrahepatic_site or p.extrahepatic}) is not an allowed exception")


@guard(
    "breast_her2_positive",
    "HER2-positive",
    "R33",
    reads={"patient.biomarkers.her2": EVERY},
    fast=lambda c: c.patient.biomarkers.her2 == "positive",
)
def her2_positive(c: Case) -> Verdict:
    her2 = c.patient.biomarkers.her2
    return verdict(her2 == "positive", f"HER2 {her2}")


@guard(
    "hr_positive",
    "hormone-receptor-positive",
    "R33",
    reads={"patient.biomarkers.hormone_receptor": EVERY},
    fast=lambda c: c.patient.biomarkers.hormone_receptor == "positive",
)
def hr_positive(c: Case) -> Verdict:
    hr = c.patient.biomarkers.hormone_receptor
    return verdict(hr == "positive", f"hormone receptor {hr}")


@guard(
    "six_months_of_systemic_therapy",
    ">= 6 months of systemic therapy",
    "R40",
    reads={"course.systemic_months": (3.0, 6.0)},
    fast=lambda c: c.course.systemic_months >= SYSTEMIC_BEFORE_SURGERY,
)
def six_months_of_systemic_therapy(c: Case) -> Verdict:
    given = c.course.systemic_months
    ok = given >= SYSTEMIC_BEFORE_SURGERY
    return verdict(ok, f"{num(given)} months on the current line" + (" (at least 6)" if ok else ": not yet 6"))


@guard(
    "recurred_on_therapy",
    "recurred on systemic therapy",
    "R33",
    reads={"course.failed_line": EVERY},
    fast=lambda c: c.course.failed_line is not None,
)
def recurred_on_therapy(c: Case) -> Verdict:
    line = c.course.failed_line
    return verdict(line is not None, f"recurred on {line.name}" if line else "no earlier line failed")


progression = g.response_is(Response.PROGRESSION, rules=("R33",), name="breast_progression")

# --- regimens ------------------------------------------------------------------------------------

SYSTEMIC = (
    RegimenRow(
        (her2_positive, hr_positive),
        Regimen("HER2-targeted therapy with endocrine therapy", kind=RegimenKind.TARGETED, continued=True),
        ("R33",),
    ),
    RegimenRow(
        (her2_positive,),
        Regimen("HER2-targeted therapy with chemotherapy", kind=RegimenKind.TARGETED, continued=True),
        ("R33",),
    ),
    RegimenRow(
        (hr_positive,), Regimen("Endocrine-based therapy", kind=RegimenKind.ENDOCRINE, continued=True), ("R33",)
    ),
    RegimenRow((g.always,), Regimen("Chemotherapy"), ("R33",)),
)
NEXT_LINE = (  # R33 by receptor status; R39: HER2-targeted and endocrine therapy go on in the next line
    RegimenRow(
        (her2_positive,),
        Regimen("Next-line HER2-targeted therapy", kind=RegimenKind.TARGETED, continued=True),
        ("R33", "R39"),
    ),
    RegimenRow(
        (hr_positive,),
        Regimen("Next-line endocrine-based therapy", kind=RegimenKind.ENDOCRINE, continued=True),
        ("R33", "R39"),
    ),
    RegimenRow((g.always,), Regimen("Next-line chemotherapy"), ("R33",)),
)


def header(p: Patient) -> str:
    b = p.biomarkers
    return f"hormone receptor {b.hormone_receptor}, HER2 {b.her2}"


# --- plans ---------------------------------------------------------------------------------------


def _systemic(
    category: Category, intent: Intent, regimen: Regimen, reasons: tuple[str, ...], rules: tuple[str, ...]
) -> Plan:
    return Plan(
        Decision(category, intent, regimen.name, None),
        reasons=reasons,
        rules=rules,
        course=CourseChanges(intent=intent, regimen=regimen, block_months=BLOCK, systemic_months=0.0),
    )


def _bone(c: Case) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """R40: an isolated bone metastasis is treated with radiotherapy."""
    p = c.patient
    if p.extrahepatic != "none" and p.extrahepatic_site == "isolated_bone":
        return (BONE_RADIOTHERAPY,), ("R40",)
    return (), ()


def plan_first(c: Case) -> Plan:
    chosen = choose(SYSTEMIC, c)
    bone, rules = _bone(c)
    return _systemic(
        Category.BREAST_SYSTEMIC_FIRST,
        Intent.SYSTEMIC_FIRST,
        chosen.regimen,
        (
            *chosen.reasons,
            "in breast cancer systemic therapy comes first; surgery is adjuvant to it",
            *bone,
            WITHOUT_SURGERY,
        ),
        ("D-OTHER-BLOCK", *chosen.rules, *rules),
    )


def plan_next_after_recurrence(c: Case) -> Plan:
    line = c.course.failed_line
    chosen = choose(NEXT_LINE, c)
    return _systemic(
        Category.PROGRESSION,
        Intent.PALLIATIVE,
        chosen.regimen,
        (f"recurrence on {line.name if line else 'systemic therapy'}: the next line, not the same one again",),
        ("D-OTHER-BLOCK", *chosen.rules),
    )


def plan_next(c: Case) -> Plan:
    chosen = choose(NEXT_LINE, c)
    return _systemic(
        Category.PROGRESSION,
        Intent.PALLIATIVE,
        chosen.regimen,
        ("progression: no resection; the next line by receptor status", *chosen.reasons),
        ("D-OTHER-BLOCK", *chosen.rules),
    )


def plan_resection(c: Case) -> Plan:
    bone, rules = _bone(c)
    carried = common.continuing(c)
    return surgery_plan(
        c,
        Category.RESECTABLE,
        "liver resection",
        reasons=(
            f"after {num(c.course.systemic_months)} months of systemic therapy with response or stable disease",
            *((BONE_CONTROLLED,) if bone else ()),
            AFTER_RESECTION,
            *carried,
        ),
        rules=("R40", *rules, *(("R39",) if carried else ())),
        course=CourseChanges(intent=Intent.CURATIVE),
    )


def plan_continue(c: Case) -> Plan:
    return Plan(
        Decision(Category.BREAST_SYSTEMIC, c.course.intent, common.regimen_name(c), None),
        reasons=("not a candidate for resection now: systemic therapy continues",),
        rules=("D-OTHER-BLOCK",),
        course=CourseChanges(block_months=BLOCK),
    )


# --- the table --------------------------------------------------------------------------------

ROADS: tuple[Road, ...] = (
    Road(
        name="breast_next_line_after_recurrence",
        source="mdt_review",
        dest="palliative_systemic",
        rank=OWN,
        guards=(recurred_on_therapy,),
        rules=("R33", "D-RECURRENCE-OTHER"),
        label="recurred on systemic therapy",
        plan=plan_next_after_recurrence,
        regimens=NEXT_LINE,
    ),
    Road(
        name="breast_systemic_first",
        source="mdt_review",
        dest="neoadjuvant",
        rank=OWN + 10,
        rules=("R33",),
        label="systemic therapy first",
        plan=plan_first,
        regimens=SYSTEMIC,
    ),
    Road(
        name="breast_next_line",
        source="reassessment",
        dest="palliative_systemic",
        rank=OWN,
        guards=(progression,),
        rules=("R33",),
        label="progression",
        plan=common.noting_symptoms(plan_next),
        regimens=NEXT_LINE,
    ),
    Road(
        name="breast_resection",
        title="liver resection for breast metastases",
        source="reassessment",
        dest="surgery",
        rank=OWN + 10,
        guards=(
            g.no_progression,
            oligometastatic,
            ehd_controlled,
            g.r0_achievable,
            g.flr_at_least_30,
            g.ecog_0_1,
            g.fit_and_willing,
            six_months_of_systemic_therapy,
        ),
        rules=("R33", "R4", "R40"),
        label="≤ 5, EHD controlled, not progressing, ≥ 6 months",
        plan=common.noting_symptoms(plan_resection),
        lead=to_surgery,
    ),
    common.CONTINUE_PALLIATIVE_LINE,
    Road(
        name="breast_systemic_continues",
        source="reassessment",
        dest="neoadjuvant",
        rank=LATE + 10,
        rules=("R33",),
        label="not resectable yet",
        plan=common.noting_symptoms(plan_continue),
    ),
    *common.POSTOPERATIVE,
    common.FIVE_YEARS_ON_MAINTENANCE,
)

PROFILE = Profile(
    name="breast",
    title="Breast cancer liver metastases",
    noun="breast",
    own_rules=("R33",),
    sites=("breast",),
    block_months=BLOCK,
    block_rules=("D-OTHER-BLOCK",),
    markers=(Marker("hormone receptor", "hormone_receptor"), Marker("HER2", "her2")),
    postoperative=Postoperative(
        6.0,
        in_total=False,
        rules=("R33", "D-POSTOP-OTHER"),
        wording="systemic therapy ({regimen}) continues after the resection for {months} months",
    ),
    header=header,
)

TABLE = PathwayTable(PROFILE, ROADS)
