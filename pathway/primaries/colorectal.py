"""Colorectal liver metastases (R1-R31): the colorectal pathway's table.

ORDER IS CLINICAL SPECIFICATION. Out of each state, roads are tried in ascending rank and the first
whose guards all pass is taken (the `transitions` library resolves transitions that share a trigger
the same way). Shared roads (pathway/common.py) keep their ranks: poor performance (ECOG 3-4) first
at the MDT, the urgent reviews first at reassessment, the palliative line that continues at 500.
- mdt_review: symptomatic primary first (R25) > symptom palliation (R29, D-SYMPTOMS) > after an
  urgent review, the line goes on or the next line starts (D-URGENT-REVIEW) > ablation for the
  unfit, ECOG 2 included (R23, R38) > ECOG 2 systemic (D-ECOG, R38) > unresectable EHD systemic (R4) >
  systemic for the unfit (R4) > upfront surgery for a small solitary lesion (R8) > perioperative
  chemotherapy (R9-R12) > [upfront surgery for low-risk disease, R10: the accepted alternative,
  narrated as the road not taken] > conversion therapy (R6, R11, R13-R16).
- reassessment: progression (R18) > complete response after ablation (D-ABLATION-FOLLOWUP) >
  complete response (R19) > resectable now (R17; never on a mixed response, R37) > resection plus
  ablation (R22) > two-stage (R21) > PVE (R20) > repeat ablation > [the palliative line continues] >
  partial response continues (R16) > stable or mixed adds liver-directed therapy (S4, R28, R37).
- liver_augmentation: progression at the volumetry CT (R41) > stage 2 (R21) > resection after PVE
  (R20) > back to the MDT.
- surgery: R2 margin (R5) > two-stage PVE (R21) > [primary next, liver first (R26, R27) >
  postoperative therapy (ADJ, R5) > surveillance (R30)].
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import common, pitfalls
from .. import guards as g
from ..common import LATE, OWN, surgery_plan
from ..course import Case, CourseChanges, Intent, Response, TwoStage
from ..guards import num
from ..patient import Patient
from ..pitfalls import Alert
from ..profile import FactProblem, LiverFirst, Marker, Postoperative, PrimaryAfterLiver, Profile, primary_words
from ..regimens import RegimenChoice, RegimenRow, choose
from ..tables import PathwayTable
from ..vocabulary import (
    CONVERSION_BLOCK,
    PERIOPERATIVE_BLOCK,
    PVE_AFTER_DECISION,
    SURGERY_AFTER_CHEMO,
    Category,
    Decision,
    Plan,
    Road,
    const,
    to_surgery,
)
from .colorectal_regimens import CONVERSION, PALLIATIVE_DOUBLET, PERIOPERATIVE, UPFRONT_POSTOPERATIVE, next_line

# Outcome figures the sources give, narrated where they apply (PATHWAY.md, "Figures worth showing").
PERIOPERATIVE_OUTCOME = "perioperative FOLFOX adds 7-8% 3-year progression-free survival (S1)"
CONVERTED_OUTCOME = (
    "if converted to an R0 resection, 5-year survival 20-45%; chemotherapy alone, median 18-24 months (S0)"
)
RESECTED_OUTCOME = (
    "resected colorectal liver metastases: 5-year survival 30-50% after perioperative chemotherapy (S0, S1)"
)
CONVERTED_R0_OUTCOME = "initially unresectable disease converted to an R0 resection: 5-year survival 20-45% (S0)"
SIRT_OUTCOME = "SIRT/TARE: about 50% objective response; local control, not the survival of resection (S0)"

SURGEON_FIRST = "the HPB surgeon reviews every lesion before systemic therapy starts"


# --- facts a colorectal scenario must state --------------------------------------------------


def check_primary(primary: Mapping[str, Any]) -> list[FactProblem]:
    """R13/R14 choose by side: a colon primary states it; the rectum is left-sided."""
    site, side = primary.get("site"), primary.get("side")
    if site == "colon" and side is None:
        return [
            (
                "side",
                "required for a colon primary (it chooses the conversion regimen, R13/R14)",
                "nothing",
                "left or right",
            )
        ]
    if site == "rectum" and side == "right":
        return [("side", "the rectum is left-sided (R13)", repr(side), "left or nothing")]
    return []


# --- hooks on shared plans -----------------------------------------------------------------------


def palliative_regimen(case: Case) -> RegimenChoice:
    return choose(PALLIATIVE_DOUBLET, case)


LIVER_LIMITS_SURVIVAL = "the liver disease, not the asymptomatic primary, limits survival"


def liver_first(case: Case) -> LiverFirst:
    """R26; R27 for a rectal primary with a high liver burden; R44: why the liver goes first."""
    if case.patient.primary.site == "rectum":
        why = "rectal primary with a high liver burden: liver first after chemotherapy, then the primary"
        return f"{why} ({LIVER_LIMITS_SURVIVAL})", ("R26", "R27", "R44")
    why = "metastases too extensive for a simultaneous operation: liver first, then the primary"
    return f"{why} ({LIVER_LIMITS_SURVIVAL})", ("R26", "R44")


def primary_after_liver(case: Case) -> PrimaryAfterLiver:
    """R26/R27; D-PELVIC-RT: a node-positive rectal primary gets pelvic radiotherapy first."""
    p = case.patient.primary
    procedure = f"resection of {primary_words(p.site)} (liver first)"
    if p.site != "rectum":
        return procedure, (), ("R26",)
    if p.node_positive:
        return (
            "pelvic radiotherapy, then resection of the rectal primary (liver first)",
            (
                "node-positive rectal primary: pelvic radiotherapy before its resection",
                "pelvic radiotherapy over 5 weeks; the resection 6 weeks after it",
            ),
            ("R26", "R27", "D-PELVIC-RT", "D-PELVIC-RT-CLOCK"),
        )
    return procedure, (), ("R26", "R27")


def workup(case: Case) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """R3, R42: CEA; PET-CT for multifocal disease (R7's count); pelvic MRI for a rectal primary."""
    out: tuple[str, ...] = ("workup complete: triple-phase CT, CT chest, fitness, volumetry and CEA",)
    p = case.patient
    if g.multifocal_facts(case) and p.extrahepatic == "none" and p.ecog <= 2:
        out += ("multifocal disease: PET-CT to exclude extrahepatic disease",)
    if p.primary.site == "rectum":
        mri = "pelvic MRI stages it" if not p.primary.resected else "pelvic MRI excludes a local recurrence"
        return (*out, f"rectal primary: {mri}"), ("R42",)
    return out, ()


def header(patient: Patient) -> str:
    b = patient.biomarkers
    mmr = b.mmr if b.mmr != "unknown" else "MMR unknown"
    cea = f"; CEA {num(patient.cea_ng_ml)} ng/mL" if patient.cea_ng_ml is not None else ""
    return f"RAS {b.ras}, BRAF {b.braf}, {mmr}{cea}"


def follow_up_figures(case: Case) -> tuple[str, ...]:
    """R44: what follow-up after resection of colorectal liver metastases looks like (S0, S1, S3):
    the figures at the start of surveillance, and at a recurrence how this one compares."""
    course = case.course
    if course.last_curative_month is None:
        return ()
    synchronous = case.patient.presentation == "synchronous"
    dfi, disseminated = (6, 95) if synchronous else (10, 42)
    kind = "synchronous" if synchronous else "metachronous"
    if course.recurrence in ("liver_only", "extrahepatic"):
        after = num(round(course.now - course.last_curative_month, 1))
        out: tuple[str, ...] = (
            f"recurrence {after} months after the last liver treatment; median disease-free interval for "
            f"{kind} disease {dfi} months (S3)",
        )
        if course.recurrence == "liver_only":
            out += ("about 20% of recurrences are liver-only and re-resectable (S0, S1, S3)",)
        else:
            out += (f"disseminated recurrence: {disseminated}% of recurrences in {kind} disease (S3)",)
        return out
    return (
        "after resection up to 60% recur, 90% of them within 2 years; about 20% are liver-only and re-resectable "
        "(S0, S1, S3)",
        f"{kind} disease: median disease-free interval {dfi} months, disseminated recurrence in {disseminated}% (S3)",
    )


# --- plans: what each road decides ----------------------------------------------------------


def _multifocal_warning(case: Case) -> tuple[Alert, ...]:
    facts = g.multifocal_facts(case)
    if facts:
        return (pitfalls.SURGERY_FIRST_MULTIFOCAL.warn(" and ".join(facts)),)
    return ()


def plan_primary_first(case: Case) -> Plan:
    site = case.patient.primary.site
    return Plan(
        Decision(
            Category.SYNCHRONOUS_SYMPTOMATIC_PRIMARY, Intent.PRIMARY_FIRST, None, f"resection of {primary_words(site)}"
        ),
        reasons=("the liver is addressed after the primary, at a new MDT review",),
        patient={"primary": {"resected": True, "symptomatic": False}},
        course=CourseChanges(urgent_review=False),
    )


def _line_after_review(case: Case) -> tuple[RegimenChoice | None, dict[str, Any], list[str], tuple[str, ...]]:
    """D-URGENT-REVIEW: a progression read at the reassessment that called the review takes the next line."""
    if case.course.response != Response.PROGRESSION:
        return None, {}, [], ()
    patient, intervals, rules = common.failure_intervals(case, "progression", case.course.now)
    months = patient.get("oxaliplatin_failure_months")
    return next_line(case.course.regimen, months), patient, intervals, rules


def plan_symptom_palliation(case: Case) -> Plan:
    procedure = "palliative liver-directed therapy (TACE or TARE)"
    if "biliary_obstruction" in case.patient.symptoms:
        procedure += " with biliary drainage"
    nl, patient, intervals, rules = _line_after_review(case)
    regimen = nl.regimen if nl is not None else case.course.regimen
    reasons: tuple[str, ...] = ("liver-directed therapy controls symptoms; it does not give the survival of resection",)
    changes = CourseChanges(intent=Intent.PALLIATIVE, block_months=CONVERSION_BLOCK, urgent_review=False)
    if nl is not None:
        reasons = (*nl.reasons, *intervals, *reasons)
        rules = (*rules, *nl.rules, "D-URGENT-REVIEW")
        changes["regimen"] = nl.regimen
    return Plan(
        Decision(Category.SYMPTOMATIC_LIVER_DISEASE, Intent.PALLIATIVE, regimen.name if regimen else None, procedure),
        reasons=reasons,
        rules=("R28", *rules),
        course=changes,
        patient={**patient, "symptoms": []},
    )


def plan_after_urgent_review(case: Case) -> Plan:
    """D-URGENT-REVIEW: the response just read decides; the symptom is answered and not reviewed again."""
    nl, patient, intervals, rules = _line_after_review(case)
    symptoms = ", ".join(s.replace("_", " ") for s in case.patient.symptoms) or "the symptoms"
    if nl is not None:
        regimen, reasons = nl.regimen, (*nl.reasons, *intervals)
        rules = (*rules, *nl.rules)
    else:
        chosen = case.course.regimen or choose(PALLIATIVE_DOUBLET, case).regimen
        regimen, reasons = chosen, (f"the reassessment showed no progression: {chosen.name} goes on",)
    return Plan(
        Decision(Category.URGENT_REVIEW, Intent.PALLIATIVE, regimen.name, None),
        reasons=(*reasons, f"{symptoms}: supportive care alongside; no operation while the patient is this unwell"),
        rules=("D-URGENT-REVIEW", *rules),
        course=CourseChanges(
            intent=Intent.PALLIATIVE, regimen=regimen, block_months=CONVERSION_BLOCK, urgent_review=False
        ),
        patient={**patient, "symptoms": []},
    )


def _palliative_systemic(case: Case, category: Category, table: tuple[RegimenRow, ...], *more: str) -> Plan:
    choice = choose(table, case)
    return Plan(
        Decision(category, Intent.PALLIATIVE, choice.regimen.name, None),
        reasons=(*choice.reasons, *more),
        rules=choice.rules,
        course=CourseChanges(intent=Intent.PALLIATIVE, regimen=choice.regimen, block_months=CONVERSION_BLOCK),
    )


def plan_systemic_unfit(case: Case) -> Plan:
    """ECOG 2 (D-ECOG), or unfit for or refusing surgery (R4): a doublet (D-PALLIATIVE-REGIMEN)."""
    return _palliative_systemic(case, Category.UNFIT_FOR_SURGERY, PALLIATIVE_DOUBLET)


def plan_systemic_ehd(case: Case) -> Plan:
    return _palliative_systemic(
        case,
        Category.UNRESECTABLE_EXTRAHEPATIC,
        CONVERSION,
        "systemic therapy controls disease inside and outside the liver",
    )


def plan_ablation(case: Case) -> Plan:
    lv = case.patient.liver
    reasons: tuple[str, ...] = ("radiofrequency ablation as the primary treatment, no chemotherapy first",)
    rules: tuple[str, ...] = ()
    if case.patient.ecog == 2:
        reasons += ("ECOG 2 counts as unfit for major surgery, not for ablation",)
        rules = ("R38",)
    if lv.largest_cm > g.ABLATION_BEST_CM:
        reasons += (f"lesions over 3 cm ({num(lv.largest_cm)} cm) ablate less reliably",)
    return Plan(
        Decision(Category.ABLATION_CANDIDATE, Intent.ABLATIVE, None, "radiofrequency ablation of all metastases"),
        reasons=reasons,
        rules=rules,
        course=CourseChanges(
            intent=Intent.ABLATIVE, block_months=CONVERSION_BLOCK, regimen=None, last_curative_month=case.course.now
        ),
    )


def plan_upfront_small(case: Case) -> Plan:
    choice = choose(UPFRONT_POSTOPERATIVE, case)
    plan = surgery_plan(
        case,
        Category.RESECTABLE,
        "upfront liver resection",
        reasons=(f"then 6 months of postoperative {choice.regimen.name}", *choice.reasons),
        rules=choice.rules,
        warnings=(pitfalls.SMALL_LESION_MAY_VANISH.warn(),),
        course=CourseChanges(intent=Intent.CURATIVE, regimen=choice.regimen, systemic_months=0.0),
    )
    decision = Decision(
        plan.decision.category,
        Intent.CURATIVE,
        f"{choice.regimen.name} after surgery (6 months)",
        plan.decision.procedure,
    )
    return Plan(decision, plan.reasons, plan.rules, plan.warnings, plan.course, plan.patient)


def plan_perioperative(case: Case) -> Plan:
    choice = choose(PERIOPERATIVE, case)
    risk = g.high_risk_features(case)
    rules: list[str] = list(choice.rules)
    if risk:
        why = "high-risk features make chemotherapy before surgery mandatory: " + ", ".join(risk)
        if case.patient.cea_ng_ml is not None and case.patient.cea_ng_ml > g.CEA_HIGH_RISK:
            rules.append("D-CEA")
    else:
        why = "no high-risk features: chemotherapy first is optional; upfront surgery is the accepted alternative"
    lv = case.patient.liver
    if choice.regimen.name == "FOLFOX" and (lv.lesions > 4 or case.patient.extrahepatic != "none"):
        rules.append("D-FOLFOX-BEYOND-4")
    return Plan(
        Decision(Category.RESECTABLE, Intent.PERIOPERATIVE, choice.regimen.name, None),
        reasons=(
            why,
            f"{choice.regimen.name}: 3 months before and 3 after surgery",
            *choice.reasons,
            SURGEON_FIRST,
            *((PERIOPERATIVE_OUTCOME,) if choice.regimen.name == "FOLFOX" else ()),
        ),
        rules=("R1", *rules),
        warnings=_multifocal_warning(case),
        course=CourseChanges(
            intent=Intent.PERIOPERATIVE, regimen=choice.regimen, block_months=PERIOPERATIVE_BLOCK, systemic_months=0.0
        ),
    )


def plan_upfront_low_risk(case: Case) -> Plan:
    return surgery_plan(
        case,
        Category.RESECTABLE,
        "upfront liver resection",
        reasons=("low-risk resectable disease: surgery first is an accepted alternative",),
        course=CourseChanges(
            intent=Intent.CURATIVE, regimen=choose(UPFRONT_POSTOPERATIVE, case).regimen, systemic_months=0.0
        ),
    )


def plan_conversion(case: Case) -> Plan:
    chosen = choose(CONVERSION, case)
    return Plan(
        Decision(Category.INITIALLY_UNRESECTABLE, Intent.CONVERSION, chosen.regimen.name, None),
        reasons=(
            *chosen.reasons,
            "2-month blocks, reassessed for resectability every 2 months",
            SURGEON_FIRST,
            CONVERTED_OUTCOME,
        ),
        rules=("R1", "R16", *chosen.rules),
        warnings=_multifocal_warning(case),
        course=CourseChanges(
            intent=Intent.CONVERSION, regimen=chosen.regimen, block_months=CONVERSION_BLOCK, systemic_months=0.0
        ),
    )


def plan_progression(case: Case) -> Plan:
    course = case.course
    patient, intervals, interval_rules = common.failure_intervals(case, "progression", case.course.now)
    nl = next_line(course.regimen, patient.get("oxaliplatin_failure_months"))
    reasons = [*nl.reasons, *intervals]
    if course.intent == Intent.PERIOPERATIVE:
        reasons.append(
            "progression on perioperative chemotherapy signals aggressive biology: best salvage, not resection"
        )
    reasons.append("liver-directed therapy may be added for liver-dominant progression")
    return Plan(
        Decision(Category.PROGRESSION, Intent.PALLIATIVE, nl.regimen.name, None),
        reasons=tuple(reasons),
        rules=(*nl.rules, *interval_rules),
        course=CourseChanges(intent=Intent.PALLIATIVE, regimen=nl.regimen, block_months=CONVERSION_BLOCK),
        patient=patient,
    )


def plan_progression_at_volumetry(case: Case) -> Plan:
    """R41: the disease progressed while the remnant regrew: no resection; the next line (R18)."""
    plan = plan_progression(case)
    two_stage = case.course.two_stage == TwoStage.STAGE_1_DONE
    stage = "the disease progressed between the stages, off chemotherapy: stage 2 is not done"
    if not two_stage:
        stage = "the disease progressed while the remnant regrew: no resection"
    after = [r.replace("progression on ", "the last line was ", 1) for r in plan.reasons]
    return Plan(
        plan.decision,
        (
            f"the volumetry CT restages: {stage}",
            *(("a share of patients never reach stage 2 for this reason",) if two_stage else ()),
            *after,
        ),
        plan.rules,
        course=CourseChanges(**plan.course, two_stage=TwoStage.NONE),
        patient=plan.patient,
    )


def plan_ablation_complete(case: Case) -> Plan:
    return Plan(
        Decision(Category.COMPLETE_ABLATION, Intent.ABLATIVE, None, "surveillance after ablation"),
        course=CourseChanges(liver_treated=True),
    )


def plan_complete_response(case: Case) -> Plan:
    return surgery_plan(
        case,
        Category.COMPLETE_RESPONSE,
        "resection of the original metastatic sites",
        warnings=(pitfalls.COMPLETE_RESPONSE.warn(),),
        course=CourseChanges(intent=Intent.CURATIVE, two_stage=TwoStage.NONE),
    )


def _converted(case: Case) -> Category:
    return Category.RESECTABLE if case.course.intent == Intent.PERIOPERATIVE else Category.CONVERTED_TO_RESECTABLE


def plan_resect_now(case: Case) -> Plan:
    perioperative = case.course.intent == Intent.PERIOPERATIVE
    outcome = RESECTED_OUTCOME if perioperative else CONVERTED_R0_OUTCOME
    reasons: tuple[str, ...] = ("all resectability criteria now met", outcome)
    if not perioperative:
        reasons += (
            "re-evaluated for resection at this reassessment: operate now, not more chemotherapy (no treatment inertia)",
        )
    return surgery_plan(
        case,
        _converted(case),
        "liver resection",
        reasons=reasons,
        course=CourseChanges(intent=Intent.CURATIVE, two_stage=TwoStage.NONE),
    )


def plan_resection_ablation(case: Case) -> Plan:
    ablation = case.patient.liver.ablation
    reasons: tuple[str, ...] = ("resect the larger lesions, ablate the small deep ones to spare the remnant",)
    if ablation is not None and ablation.largest_cm > g.ABLATION_BEST_CM:
        reasons += (f"ablated lesion {num(ablation.largest_cm)} cm: best results at or under 3 cm",)
    sizes = f"lesions up to {num(ablation.largest_cm)} cm" if ablation is not None else "the small lesions"
    return surgery_plan(
        case,
        _converted(case),
        f"liver resection plus ablation of {sizes}",
        reasons=reasons,
        course=CourseChanges(intent=Intent.CURATIVE, two_stage=TwoStage.NONE),
    )


def plan_two_stage(case: Case) -> Plan:
    return surgery_plan(
        case,
        _converted(case),
        "two-stage hepatectomy, stage 1: clear the future remnant (with ablation if needed)",
        reasons=("stage 1 clears the future remnant; PVE and regrowth; stage 2 removes the rest",),
        course=CourseChanges(intent=Intent.CURATIVE, two_stage=TwoStage.PLANNED),
    )


def plan_pve(case: Case) -> Plan:
    return Plan(
        Decision(_converted(case), Intent.CURATIVE, None, "portal vein embolization"),
        reasons=("embolize the portal branch of the diseased side so that the remnant grows",),
    )


def plan_repeat_ablation(case: Case) -> Plan:
    return Plan(
        Decision(Category.RESIDUAL_AFTER_ABLATION, Intent.ABLATIVE, None, "repeat radiofrequency ablation"),
        course=CourseChanges(block_months=CONVERSION_BLOCK),
    )


def _prolonged(case: Case) -> tuple[Alert, ...]:
    months = case.course.systemic_months
    if months >= g.PROLONGED_CHEMO_MONTHS:
        return (pitfalls.PROLONGED_CHEMO.warn(f"{num(months)} months so far"),)
    return ()


def plan_continue(case: Case) -> Plan:
    regimen = common.regimen_name(case)
    return Plan(
        Decision(Category.PARTIAL_RESPONSE, Intent.CONVERSION, regimen, None),
        reasons=(
            f"responding but not yet resectable: another 2 months of {regimen}",
            "re-evaluated for resection at every reassessment (R17: the remedy for treatment inertia)",
        ),
        rules=("R17",),
        warnings=_prolonged(case),
        course=CourseChanges(intent=Intent.CONVERSION, block_months=CONVERSION_BLOCK),
    )


def plan_liver_directed(case: Case) -> Plan:
    mixed = case.course.response == Response.MIXED
    why = (
        "mixed response: the growing lesions show resistant disease, so no resection now; liver-directed "
        "therapy is added while systemic therapy continues"
        if mixed
        else "stable response: add liver-directed therapy while systemic therapy continues"
    )
    return Plan(
        Decision(
            Category.STABLE_OR_MIXED,
            case.course.intent,
            common.regimen_name(case),
            "liver-directed therapy (TARE/Y-90 or TACE)",
        ),
        reasons=(why, SIRT_OUTCOME),
        rules=("R37",) if mixed else (),
        warnings=_prolonged(case),
        course=CourseChanges(block_months=CONVERSION_BLOCK),
    )


def plan_stage_two(case: Case) -> Plan:
    return surgery_plan(
        case,
        Category.TWO_STAGE,
        "two-stage hepatectomy, stage 2: remove the remaining disease",
        reasons=("the remnant has regrown",),
    )


def plan_resect_after_pve(case: Case) -> Plan:
    return surgery_plan(case, Category.CONVERTED_TO_RESECTABLE, "liver resection", reasons=("the remnant has regrown",))


def plan_back_to_mdt(case: Case) -> Plan:
    return Plan(
        Decision(Category.NOT_RESECTABLE, case.course.intent, None, "MDT review"),
        course=CourseChanges(two_stage=TwoStage.NONE),
    )


def plan_pve_between_stages(case: Case) -> Plan:
    return Plan(
        Decision(Category.TWO_STAGE, Intent.CURATIVE, None, "portal vein embolization between the stages"),
        reasons=("the cleared remnant regrows before stage 2",),
    )


# --- the table --------------------------------------------------------------------------------

RESECTABLE = g.RESECTABLE_AT_PRESENTATION
NOW = g.RESECTABLE_NOW
MDT_TO_SURGERY = const(SURGERY_AFTER_CHEMO, "D-CLOCK")
PVE_LEAD = const(PVE_AFTER_DECISION, "D-CLOCK")

progression = g.response_is(Response.PROGRESSION, rules=("R18",))
complete_after_ablation = g.response_is(Response.COMPLETE, rules=("R23",), name="complete_after_ablation")
complete_response = g.response_is(Response.COMPLETE, rules=("R19",))
residual_after_ablation = g.response_is(
    Response.PARTIAL, Response.STABLE, Response.MIXED, rules=("R23",), name="residual_after_ablation"
)
responding = g.response_is(Response.PARTIAL, Response.COMPLETE, rules=("R16",))
stable_or_mixed = g.response_is(Response.STABLE, Response.MIXED, rules=("R28",))
ablative = g.intent_is(Intent.ABLATIVE, rules=("D-ABLATION-FOLLOWUP",))
progression_at_volumetry = g.response_is(Response.PROGRESSION, rules=("R41",), name="progression_at_volumetry")


@g.guard(
    "urgent_review",
    "after an urgent review",
    "R29",
    "D-URGENT-REVIEW",
    reads={"course.urgent_review": g.EVERY},
    context=True,
    fast=lambda c: c.course.urgent_review,
)
def urgent_review(c: Case) -> g.Verdict:
    on = c.course.urgent_review
    return g.verdict(on, "an urgent review called from the reassessment" if on else "a scheduled MDT review")


ROADS: tuple[Road, ...] = (
    # mdt_review (first match wins; see the module docstring)
    Road(
        name="primary_first",
        title="the symptomatic primary first",
        source="mdt_review",
        dest="primary_resection",
        rank=OWN,
        guards=(g.symptomatic_primary_in_place,),
        rules=("R25",),
        label="symptomatic primary",
        plan=plan_primary_first,
    ),
    Road(
        name="palliate_symptoms",
        source="mdt_review",
        dest="locoregional",
        rank=OWN + 10,
        guards=(g.local_symptoms,),
        rules=("R29", "R28", "D-SYMPTOMS"),
        label="biliary obstruction or pain",
        plan=plan_symptom_palliation,
    ),
    Road(
        name="after_urgent_review",
        title="the line decided at an urgent review",
        source="mdt_review",
        dest="palliative_systemic",
        rank=OWN + 15,
        guards=(urgent_review,),
        rules=("R29", "D-URGENT-REVIEW"),
        label="after an urgent review",
        plan=plan_after_urgent_review,
    ),
    Road(
        name="ablation_unfit",
        title="ablation for the unfit",
        source="mdt_review",
        dest="locoregional",
        rank=OWN + 20,
        guards=(g.unfit_for_major_surgery, g.no_ehd, g.rfa_eligible_extent),
        rules=("R23",),
        label="unfit (ECOG 2 too); ≤ 9 lesions ≤ 4 cm, no EHD",
        plan=plan_ablation,
    ),
    Road(
        name="systemic_ecog_2",
        title="systemic therapy at ECOG 2",
        source="mdt_review",
        dest="palliative_systemic",
        rank=OWN + 30,
        guards=(g.ecog_2,),
        rules=("R4", "D-ECOG", "R38"),
        label="ECOG 2",
        plan=plan_systemic_unfit,
        regimens=PALLIATIVE_DOUBLET,
    ),
    Road(
        name="systemic_unresectable_ehd",
        title="systemic therapy for unresectable EHD",
        source="mdt_review",
        dest="palliative_systemic",
        rank=OWN + 40,
        guards=(g.unresectable_ehd,),
        rules=("R4",),
        label="unresectable EHD",
        plan=plan_systemic_ehd,
        regimens=CONVERSION,
    ),
    Road(
        name="systemic_unfit",
        title="systemic therapy for the unfit",
        source="mdt_review",
        dest="palliative_systemic",
        rank=OWN + 50,
        guards=(g.unfit_or_refuses,),
        rules=("R4", "D-PALLIATIVE-REGIMEN"),
        label="unfit or refuses surgery",
        plan=plan_systemic_unfit,
        regimens=PALLIATIVE_DOUBLET,
    ),
    Road(
        name="upfront_surgery_small_solitary",
        title="upfront surgery for a small solitary metastasis",
        source="mdt_review",
        dest="surgery",
        rank=OWN + 60,
        guards=(*RESECTABLE, g.single_lesion, g.largest_below_2cm),
        rules=("R8", "R4"),
        label="resectable, single < 2 cm",
        plan=plan_upfront_small,
        regimens=UPFRONT_POSTOPERATIVE,
        lead=MDT_TO_SURGERY,
    ),
    Road(
        name="perioperative_chemotherapy",
        source="mdt_review",
        dest="neoadjuvant",
        rank=OWN + 70,
        guards=RESECTABLE,
        rules=("R4", "R9", "R10"),
        label="resectable: R0, ≤ 10, FLR ≥ 30%",
        plan=plan_perioperative,
        regimens=PERIOPERATIVE,
    ),
    Road(
        name="upfront_surgery_low_risk",
        title="upfront surgery for low-risk disease",
        source="mdt_review",
        dest="surgery",
        rank=OWN + 80,
        guards=(*RESECTABLE, g.not_multifocal, g.no_high_risk_features),
        rules=("R10", "R7"),
        label="low risk (accepted alternative)",
        plan=plan_upfront_low_risk,
        lead=MDT_TO_SURGERY,
        alternative=True,
    ),
    Road(
        name="conversion_chemotherapy",
        source="mdt_review",
        dest="neoadjuvant",
        rank=OWN + 90,
        guards=(g.initially_unresectable,),
        rules=("R6", "R16"),
        label="> 10, FLR < 30% or no R0",
        plan=plan_conversion,
        regimens=CONVERSION,
    ),
    # reassessment (after the shared urgent reviews; first match wins)
    common.URGENT_REVIEW_SYMPTOMS,
    Road(
        name="next_line_on_progression",
        source="reassessment",
        dest="palliative_systemic",
        rank=OWN,
        guards=(progression,),
        rules=("R18",),
        label="progression",
        plan=plan_progression,
    ),
    Road(
        name="surveillance_after_ablation",
        source="reassessment",
        dest="surveillance",
        rank=OWN + 10,
        guards=(ablative, complete_after_ablation),
        rules=("R23", "D-ABLATION-FOLLOWUP"),
        label="complete after ablation",
        plan=plan_ablation_complete,
    ),
    Road(
        name="resect_after_complete_response",
        title="resection after a complete response",
        source="reassessment",
        dest="surgery",
        rank=OWN + 20,
        guards=(complete_response, g.r0_achievable, g.flr_at_least_30, *g.OPERABLE),
        rules=("R19", "R4"),
        label="complete response",
        plan=plan_complete_response,
        lead=to_surgery,
    ),
    Road(
        name="resect_now_resectable",
        title="resection, now resectable",
        source="reassessment",
        dest="surgery",
        rank=OWN + 30,
        guards=(*NOW, g.not_mixed),
        rules=("R17", "R4", "R37"),
        label="resectable now",
        plan=plan_resect_now,
        lead=to_surgery,
    ),
    Road(
        name="resection_plus_ablation",
        source="reassessment",
        dest="surgery",
        rank=OWN + 40,
        guards=(
            g.no_progression,
            g.not_mixed,
            g.r0_achievable,
            g.at_most_10_lesions,
            g.flr_below_30,
            g.ablation_plan_ok,
            *g.OPERABLE,
        ),
        rules=("R22",),
        label="FLR < 30%, ablate small ones",
        plan=plan_resection_ablation,
        lead=to_surgery,
    ),
    Road(
        name="two_stage_hepatectomy",
        title="two-stage hepatectomy",
        source="reassessment",
        dest="surgery",
        rank=OWN + 50,
        guards=(
            g.no_progression,
            g.not_mixed,
            g.r0_achievable,
            g.at_most_10_lesions,
            g.flr_below_30,
            g.bilobar,
            *g.OPERABLE,
        ),
        rules=("R21",),
        label="FLR < 30%, bilobar",
        plan=plan_two_stage,
        lead=to_surgery,
    ),
    Road(
        name="portal_vein_embolization",
        source="reassessment",
        dest="liver_augmentation",
        rank=OWN + 60,
        guards=(
            g.no_progression,
            g.not_mixed,
            g.r0_achievable,
            g.at_most_10_lesions,
            g.flr_below_30,
            g.one_lobe,
            *g.OPERABLE,
        ),
        rules=("R20",),
        label="FLR < 30%, one lobe",
        plan=plan_pve,
        lead=PVE_LEAD,
    ),
    Road(
        name="repeat_ablation",
        source="reassessment",
        dest="locoregional",
        rank=OWN + 70,
        guards=(ablative, residual_after_ablation, g.no_ehd, g.rfa_eligible_extent),
        rules=("R23", "D-ABLATION-FOLLOWUP"),
        label="residual after ablation",
        plan=plan_repeat_ablation,
    ),
    common.CONTINUE_PALLIATIVE_LINE,
    Road(
        name="continue_conversion",
        title="conversion therapy continues",
        source="reassessment",
        dest="neoadjuvant",
        rank=LATE + 10,
        guards=(responding,),
        rules=("R16",),
        label="partial response",
        plan=plan_continue,
    ),
    Road(
        name="add_liver_directed_therapy",
        title="liver-directed therapy added",
        source="reassessment",
        dest="locoregional",
        rank=LATE + 20,
        guards=(stable_or_mixed,),
        rules=("R28",),
        label="stable or mixed (R37)",
        plan=plan_liver_directed,
    ),
    # liver_augmentation
    Road(
        name="progression_at_volumetry",
        source="liver_augmentation",
        dest="palliative_systemic",
        rank=OWN,
        guards=(progression_at_volumetry,),
        rules=("R41", "R18"),
        label="progression at volumetry",
        plan=plan_progression_at_volumetry,
    ),
    Road(
        name="stage_two_hepatectomy",
        title="stage 2 of the hepatectomy",
        source="liver_augmentation",
        dest="surgery",
        rank=OWN + 5,
        guards=(g.two_stage_stage1_done, g.flr_at_least_30, g.no_progression, *g.OPERABLE),
        rules=("R21", "R4"),
        label="stage 2: FLR ≥ 30%",
        plan=plan_stage_two,
    ),
    Road(
        name="resection_after_pve",
        source="liver_augmentation",
        dest="surgery",
        rank=OWN + 10,
        guards=(g.no_two_stage_plan, *NOW),
        rules=("R20", "R4"),
        label="FLR ≥ 30%",
        plan=plan_resect_after_pve,
    ),
    Road(
        name="remnant_insufficient",
        title="remnant insufficient: back to the MDT",
        source="liver_augmentation",
        dest="mdt_review",
        rank=OWN + 20,
        guards=(g.always,),
        rules=("R20", "R21"),
        label="otherwise",
        plan=plan_back_to_mdt,
    ),
    # surgery (between the shared R2 margin and the shared roads after it)
    Road(
        name="pve_between_stages",
        source="surgery",
        dest="liver_augmentation",
        rank=OWN + 10,
        guards=(g.two_stage_stage1_done,),
        rules=("R21",),
        label="two-stage: stage 1 done",
        plan=plan_pve_between_stages,
        lead=PVE_LEAD,
    ),
    *common.POSTOPERATIVE,
)

PROFILE = Profile(
    name="colorectal",
    title="Colorectal liver metastases",
    noun="colorectal",
    sites=("colon", "rectum"),
    block_months=CONVERSION_BLOCK,
    block_rules=("R16",),
    markers=(Marker("RAS", "ras"), Marker("BRAF", "braf"), Marker("MMR", "mmr", bare=True)),
    postoperative=Postoperative(6.0, in_total=True, rules=()),
    surveillance_marker="CEA",
    liver_biopsy_acceptable=False,
    rule_scope="colorectal",
    site_words={"colon": "colon", "rectum": "rectal"},
    check_primary=check_primary,
    palliative_regimen=palliative_regimen,
    liver_first=liver_first,
    primary_after_liver=primary_after_liver,
    workup=workup,
    header=header,
    follow_up_figures=follow_up_figures,
)

TABLE = PathwayTable(PROFILE, ROADS)
