"""The pathway, defined once: states, ordered guarded roads, decisions and the clock.

Everything else reads this module: the engine runs it with `transitions`, the narration explains
it, the graph draws it. Nothing here knows a screen, a file format or a command line.

ORDER IS CLINICAL SPECIFICATION. The roads out of a state are tried top to bottom and the first
whose guards all pass is taken (the `transitions` library does exactly this for transitions that
share a trigger). The order below follows PATHWAY.md:
- mdt_review: poor performance (D-ECOG) > symptomatic primary first (R25) > symptom palliation
  (R29, D-SYMPTOMS) > ECOG 2 systemic (D-ECOG) > unresectable EHD systemic (R4) > ablation for the
  unfit (R23) > systemic for the unfit (R4) > upfront surgery for a small solitary lesion (R8) >
  perioperative chemotherapy (R9-R12) > [upfront surgery for low-risk disease, R10: the accepted
  alternative, narrated as the road not taken] > conversion therapy (R6, R11, R13-R16).
- reassessment: urgent review (R29, D-ECOG) > progression (R18) > complete response after
  ablation (D-ABLATION-FOLLOWUP) > complete response (R19) > resectable now (R17) > resection plus
  ablation (R22) > two-stage (R21) > PVE (R20) > repeat ablation > palliative line continues >
  partial response continues (R16) > stable or mixed adds liver-directed therapy (S4, R28).
- surgery: R2 margin (R5) > two-stage PVE (R21) > primary next, liver first (R26, R27) >
  postoperative therapy (ADJ, R5) > surveillance (R30).

The other primaries' roads (branches.py, R32-R36, with their own order written there) are spliced
in by `_assemble`: at the MDT right after poor performance, at reassessment right after the urgent
reviews, and their 'continue' roads after the generic palliative line. Every road that belongs to
one pathway carries a scope guard, so the colorectal order above is untouched by them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from . import branches, pitfalls
from . import guards as g
from .course import Case
from .regimens import (
    CONVERSION,
    PALLIATIVE_DOUBLET,
    PERIOPERATIVE,
    UPFRONT_POSTOPERATIVE,
    RegimenChoice,
    choose,
    next_line,
)
from .spec import (
    CONVERSION_BLOCK,
    PERIOPERATIVE_BLOCK,
    PVE_TO_VOLUMETRY,
    RECOVERY,
    SURGERY_AFTER_CHEMO,
    WORKUP,
    Decision,
    DefinitionError,
    Plan,
    Road,
    State,
    adjuvant_dwell,
    after_surgery,
    block,
    const,
    surgery_plan,
    surveillance_dwell,
    to_surgery,
    zero,
)

# Outcome figures the sources give, narrated where they apply (PATHWAY.md, "Figures worth showing").
PERIOPERATIVE_OUTCOME = "perioperative FOLFOX adds 7-8% 3-year progression-free survival"
CONVERTED_OUTCOME = "if converted to an R0 resection, 5-year survival 20-45%; chemotherapy alone, median 18-24 months"
RESECTED_OUTCOME = "resected colorectal liver metastases: 5-year survival 30-50% after perioperative chemotherapy"
CONVERTED_R0_OUTCOME = "initially unresectable disease converted to an R0 resection: 5-year survival 20-45%"
SIRT_OUTCOME = "SIRT/TARE: about 50% objective response; local control, not the survival of resection"

# --- states -------------------------------------------------------------------------------


def _once(case: Case) -> bool:
    return not case.course.finding_read


def _staging_incomplete(case: Case) -> bool:
    return not (g.primary_known(case).passed and g.biomarkers_known(case).passed)


STATES: dict[str, State] = {
    s.name: s
    for s in (
        State("referral", "entry", "Referral to a tertiary HPB centre", zero),
        State(
            "staging",
            "entry",
            "Workup: primary, imaging, fitness, volumetry, biomarkers",
            const(WORKUP, "D-CLOCK"),
            reads="the primary site or missing biomarkers",
            needs_finding=_staging_incomplete,
        ),
        State("mdt_review", "entry", "HPB multidisciplinary team decides", zero),
        State("primary_resection", "surgical", "Resection of the primary tumour", const(RECOVERY, "D-CLOCK")),
        State("neoadjuvant", "systemic", "Systemic therapy before surgery", block),
        State(
            "reassessment",
            "assessment",
            "Response on CT/MRI, RECIST 1.1",
            zero,
            reads="the response (RECIST 1.1) and the current liver disease",
            needs_finding=_once,
        ),
        State(
            "liver_augmentation",
            "surgical",
            "PVE; the future remnant regrows",
            const(PVE_TO_VOLUMETRY, "D-CLOCK"),
            reads="the regrown future liver remnant",
            needs_finding=_once,
        ),
        State(
            "surgery",
            "surgical",
            "Liver resection (with ablation or staged)",
            zero,
            reads="the resection margin",
            needs_finding=_once,
        ),
        State("adjuvant", "systemic", "Systemic therapy after liver surgery", adjuvant_dwell),
        State(
            "surveillance",
            "follow-up",
            "CT every 3-6 months (CEA in CRC)",
            surveillance_dwell,
            reads="whether and where the disease recurred",
            needs_finding=_once,
        ),
        State("recurrence", "follow-up", "Restage, then back to the MDT", const(WORKUP, "D-CLOCK")),
        State("locoregional", "local", "Ablation, TACE or TARE", block),
        State("palliative_systemic", "systemic", "Systemic therapy for disease control", block),
        State("observation", "follow-up", "Watchful observation (neuroendocrine)", block),
        State("best_supportive_care", "end", "Symptom control, no anticancer therapy", zero, terminal=True),
        State("disease_free", "end", "No recurrence after 5 years", zero, terminal=True),
    )
}

# One trigger per source state: the event that ends the phase.
TRIGGERS: dict[str, str] = {
    "referral": "refer",
    "staging": "complete_staging",
    "mdt_review": "mdt_decision",
    "primary_resection": "recover",
    "neoadjuvant": "complete_block",
    "reassessment": "read_response",
    "liver_augmentation": "measure_remnant",
    "surgery": "read_pathology",
    "adjuvant": "complete_adjuvant",
    "surveillance": "read_surveillance",
    "recurrence": "restage",
    "locoregional": "complete_block",
    "palliative_systemic": "complete_block",
    "observation": "complete_block",
}


# --- plans: what each road decides ----------------------------------------------------------


def _regimen_plan(choice: RegimenChoice) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return choice.reasons, choice.rules


def _multifocal_warning(case: Case) -> tuple[str, ...]:
    facts = g.multifocal_facts(case)
    if facts:
        return (pitfalls.SURGERY_FIRST_MULTIFOCAL.warn(" and ".join(facts)),)
    return ()


def _surgeon_first(case: Case) -> str:
    return "the HPB surgeon reviews every lesion before chemotherapy starts"


def plan_refer(case: Case) -> Plan:
    warnings: tuple[str, ...] = ()
    reasons = ["liver metastases: referred to a tertiary HPB centre for multidisciplinary review"]
    if case.patient.primary.site == "unknown":
        warnings = (pitfalls.BIOPSY.warn("primary unknown"),)
        reasons.append("the primary is unknown: colonoscopy and upper endoscopy come first")
    return Plan(Decision("referral", None, None, "staging workup"), tuple(reasons), ("R1", "R3"), warnings)


def plan_staged(case: Case) -> Plan:
    p = case.patient
    reasons: tuple[str, ...] = (
        "workup complete: triple-phase CT, CT chest, fitness, volumetry and CEA",
        f"ECOG {p.ecog}, FLR {p.liver.flr_percent:g}%",
    )
    if g.multifocal_facts(case):
        reasons += ("multifocal disease: PET-CT to exclude extrahepatic disease",)
    if not p.primary.colorectal:
        reasons += (
            "non-colorectal primary: a liver biopsy is acceptable when tissue is needed "
            "(never for a possibly resectable colorectal metastasis)",
        )
    return Plan(Decision("staged", None, None, "MDT review"), reasons, ("R2", "R3"))


def plan_supportive(case: Case) -> Plan:
    return Plan(Decision("poor-performance", "supportive", None, "best supportive care"))


def plan_primary_first(case: Case) -> Plan:
    site = case.patient.primary.site
    return Plan(
        Decision("synchronous-symptomatic-primary", "primary-first", None, f"resection of the {site} primary"),
        reasons=("the liver is addressed after the primary, at a new MDT review",),
        patient={"primary": {"resected": True, "symptomatic": False}},
    )


def plan_symptom_palliation(case: Case) -> Plan:
    symptoms = case.patient.symptoms
    procedure = "palliative liver-directed therapy (TACE or TARE)"
    if "biliary_obstruction" in symptoms:
        procedure += " with biliary drainage"
    regimen = case.course.regimen
    return Plan(
        Decision("symptomatic-liver-disease", "palliative", regimen.name if regimen else None, procedure),
        reasons=("liver-directed therapy controls symptoms; it does not give the survival of resection",),
        rules=("R28",),
        course={"intent": "palliative", "block_months": CONVERSION_BLOCK},
        patient={"symptoms": []},
    )


def _palliative_systemic(case: Case, category: str, table: Any) -> Plan:
    choice = choose(table, case)
    reasons, rules = _regimen_plan(choice)
    return Plan(
        Decision(category, "palliative", choice.regimen.name, None),
        reasons=reasons,
        rules=rules,
        course={
            "intent": "palliative",
            "regimen": choice.regimen,
            "block_months": CONVERSION_BLOCK,
        },
    )


def plan_systemic_ecog2(case: Case) -> Plan:
    return _palliative_systemic(case, "unfit-for-surgery", PALLIATIVE_DOUBLET)


def plan_systemic_ehd(case: Case) -> Plan:
    plan = _palliative_systemic(case, "unresectable-extrahepatic", CONVERSION)
    return Plan(
        plan.decision,
        (*plan.reasons, "systemic therapy controls disease inside and outside the liver"),
        plan.rules,
        course=plan.course,
    )


def plan_systemic_unfit(case: Case) -> Plan:
    return _palliative_systemic(case, "unfit-for-surgery", PALLIATIVE_DOUBLET)


def plan_ablation(case: Case) -> Plan:
    lv = case.patient.liver
    warnings: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ("radiofrequency ablation as the primary treatment, no chemotherapy first",)
    if lv.largest_cm > g.ABLATION_BEST_CM:
        reasons += (f"lesions over 3 cm ({lv.largest_cm:g} cm) ablate less reliably",)
    return Plan(
        Decision("ablation-candidate", "ablative", None, "radiofrequency ablation of all metastases"),
        reasons=reasons,
        warnings=warnings,
        course={"intent": "ablative", "block_months": CONVERSION_BLOCK, "regimen": None},
    )


def plan_upfront_small(case: Case) -> Plan:
    choice = choose(UPFRONT_POSTOPERATIVE, case)
    plan = surgery_plan(
        case,
        "resectable",
        "upfront liver resection",
        reasons=(
            f"then 6 months of postoperative {choice.regimen.name}",
            *choice.reasons,
        ),
        rules=choice.rules,
        warnings=(pitfalls.SMALL_LESION_MAY_VANISH.warn(),),
        course={"intent": "curative", "regimen": choice.regimen, "systemic_months": 0.0},
    )
    return Plan(
        Decision(
            plan.decision.category,
            "curative",
            f"{choice.regimen.name} after surgery (6 months)",
            plan.decision.procedure,
        ),
        plan.reasons,
        plan.rules,
        plan.warnings,
        plan.course,
        plan.patient,
    )


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
    months = "3 months before and 3 after surgery"
    return Plan(
        Decision("resectable", "perioperative", choice.regimen.name, None),
        reasons=(
            why,
            f"{choice.regimen.name}: {months}",
            *choice.reasons,
            _surgeon_first(case),
            *((PERIOPERATIVE_OUTCOME,) if choice.regimen.name == "FOLFOX" else ()),
        ),
        rules=("R1", *rules),
        warnings=_multifocal_warning(case),
        course={
            "intent": "perioperative",
            "regimen": choice.regimen,
            "block_months": PERIOPERATIVE_BLOCK,
            "systemic_months": 0.0,
        },
    )


def plan_upfront_low_risk(case: Case) -> Plan:
    return surgery_plan(
        case,
        "resectable",
        "upfront liver resection",
        reasons=("low-risk resectable disease: surgery first is an accepted alternative",),
        course={"intent": "curative", "regimen": choose(UPFRONT_POSTOPERATIVE, case).regimen, "systemic_months": 0.0},
    )


def plan_conversion(case: Case) -> Plan:
    chosen = choose(CONVERSION, case)
    return Plan(
        Decision("initially-unresectable", "conversion", chosen.regimen.name, None),
        reasons=(
            *chosen.reasons,
            "2-month blocks, reassessed for resectability every 2 months",
            _surgeon_first(case),
            CONVERTED_OUTCOME,
        ),
        rules=("R1", "R16", *chosen.rules),
        warnings=_multifocal_warning(case),
        course={
            "intent": "conversion",
            "regimen": chosen.regimen,
            "block_months": CONVERSION_BLOCK,
            "systemic_months": 0.0,
        },
    )


def _block_done(case: Case) -> Plan:
    course = case.course
    given = course.systemic_months + (course.block_months if course.regimen is not None else 0.0)
    what = course.regimen.name if course.regimen else "local therapy"
    return Plan(
        Decision("restaging", course.intent, None, "CT/MRI restaging (RECIST 1.1)"),
        reasons=(f"after {course.block_months:g} months of {what}",),
        course={"systemic_months": given},
    )


def plan_urgent_mdt(case: Case) -> Plan:
    return Plan(
        Decision("urgent-review", case.course.intent, None, "urgent MDT review for palliative interventions"),
    )


def plan_progression(case: Case) -> Plan:
    course = case.course
    nl = next_line(course.regimen)
    reasons = list(nl.reasons)
    if course.intent == "perioperative":
        reasons.append(
            "progression on perioperative chemotherapy signals aggressive biology: best salvage, not resection"
        )
    reasons.append("liver-directed therapy may be added for liver-dominant progression")
    return Plan(
        Decision("progression", "palliative", nl.regimen.name, None),
        reasons=tuple(reasons),
        rules=nl.rules,
        course={
            "intent": "palliative",
            "regimen": nl.regimen,
            "block_months": CONVERSION_BLOCK,
        },
    )


def plan_ablation_complete(case: Case) -> Plan:
    return Plan(
        Decision("complete-ablation", "ablative", None, "surveillance after ablation"),
        course={"liver_treated": True, "last_curative_month": case.course.month},
    )


def plan_complete_response(case: Case) -> Plan:
    return surgery_plan(
        case,
        "complete-response",
        "resection of the original metastatic sites",
        warnings=(pitfalls.COMPLETE_RESPONSE.warn(),),
        course={"intent": "curative", "two_stage": 0},
    )


def _converted(case: Case) -> str:
    return "resectable" if case.course.intent == "perioperative" else "converted-to-resectable"


def plan_resect_now(case: Case) -> Plan:
    warnings: tuple[str, ...] = ()
    if case.course.intent != "perioperative":
        warnings = (pitfalls.INERTIA.warn("avoided: the team re-evaluated the responder"),)
    return surgery_plan(
        case,
        _converted(case),
        "liver resection",
        reasons=(
            "all resectability criteria now met",
            RESECTED_OUTCOME if case.course.intent == "perioperative" else CONVERTED_R0_OUTCOME,
        ),
        warnings=warnings,
        course={"intent": "curative", "two_stage": 0},
    )


def plan_resection_ablation(case: Case) -> Plan:
    plan_ = case.patient.liver.ablation
    size = plan_.largest_cm if plan_ else 0.0
    reasons: tuple[str, ...] = ("resect the larger lesions, ablate the small deep ones to spare the remnant",)
    if size > g.ABLATION_BEST_CM:
        reasons += (f"ablated lesion {size:g} cm: best results at or under 3 cm",)
    return surgery_plan(
        case,
        _converted(case),
        f"liver resection plus ablation of lesions up to {size:g} cm",
        reasons=reasons,
        course={"intent": "curative", "two_stage": 0},
    )


def plan_two_stage(case: Case) -> Plan:
    return surgery_plan(
        case,
        _converted(case),
        "two-stage hepatectomy, stage 1: clear the future remnant (with ablation if needed)",
        reasons=("stage 1 clears the future remnant; PVE and regrowth; stage 2 removes the rest",),
        course={"intent": "curative", "two_stage": 1},
    )


def plan_pve(case: Case) -> Plan:
    return Plan(
        Decision(_converted(case), "curative", None, "portal vein embolization"),
        reasons=("embolize the portal branch of the diseased side so that the remnant grows",),
    )


def plan_repeat_ablation(case: Case) -> Plan:
    return Plan(
        Decision("residual-after-ablation", "ablative", None, "repeat radiofrequency ablation"),
        course={"block_months": CONVERSION_BLOCK},
    )


def plan_continue_palliative(case: Case) -> Plan:
    course = case.course
    if course.regimen is None:
        chosen = choose(PALLIATIVE_DOUBLET, case)
        return Plan(
            Decision("disease-control", "palliative", chosen.regimen.name, None),
            reasons=chosen.reasons,
            rules=chosen.rules,
            course={"intent": "palliative", "regimen": chosen.regimen, "block_months": CONVERSION_BLOCK},
        )
    colorectal = case.patient.primary.colorectal
    return Plan(
        Decision("disease-control", "palliative", course.regimen.name, None),
        reasons=(f"continue {course.regimen.name} while it controls the disease",),
        rules=() if colorectal else ("D-OTHER-BLOCK",),
        course={"intent": "palliative", "block_months": CONVERSION_BLOCK if colorectal else branches.OTHER_BLOCK},
    )


def _prolonged(case: Case) -> tuple[str, ...]:
    months = case.course.systemic_months
    if months >= g.PROLONGED_CHEMO_MONTHS:
        return (pitfalls.PROLONGED_CHEMO.warn(f"{months:g} months so far"),)
    return ()


def plan_continue(case: Case) -> Plan:
    course = case.course
    regimen = course.regimen.name if course.regimen else None
    return Plan(
        Decision("partial-response", "conversion", regimen, None),
        reasons=(f"responding but not yet resectable: another 2 months of {regimen}",),
        warnings=(*_prolonged(case), pitfalls.INERTIA.warn("re-evaluate for resection at the next reassessment")),
        course={"intent": "conversion", "block_months": CONVERSION_BLOCK},
    )


def plan_liver_directed(case: Case) -> Plan:
    course = case.course
    regimen = course.regimen.name if course.regimen else None
    return Plan(
        Decision("stable-or-mixed", course.intent, regimen, "liver-directed therapy (TARE/Y-90 or TACE)"),
        reasons=("stable or mixed response: add liver-directed therapy while systemic therapy continues", SIRT_OUTCOME),
        warnings=_prolonged(case),
        course={"block_months": CONVERSION_BLOCK},
    )


def plan_stage_two(case: Case) -> Plan:
    return surgery_plan(
        case,
        "two-stage",
        "two-stage hepatectomy, stage 2: remove the remaining disease",
        reasons=("the remnant has regrown",),
    )


def plan_resect_after_pve(case: Case) -> Plan:
    return surgery_plan(case, "converted-to-resectable", "liver resection", reasons=("the remnant has regrown",))


def plan_back_to_mdt(case: Case) -> Plan:
    return Plan(Decision("not-resectable", case.course.intent, None, "MDT review"), course={"two_stage": 0})


def plan_r2(case: Case) -> Plan:
    return Plan(
        Decision("incomplete-resection", None, None, "MDT review of residual disease"),
        course={"liver_treated": False, "two_stage": 0},
    )


def plan_pve_between_stages(case: Case) -> Plan:
    return Plan(
        Decision("two-stage", "curative", None, "portal vein embolization between the stages"),
        reasons=("the cleared remnant regrows before stage 2",),
    )


def plan_primary_after_liver(case: Case) -> Plan:
    p = case.patient.primary
    procedure = f"resection of the {p.site} primary (liver first)"
    reasons: tuple[str, ...] = ("the liver metastases are out; the primary comes next",)
    rules: tuple[str, ...] = ("R26",)
    if p.site == "rectum":
        rules = ("R26", "R27")
        if p.node_positive:
            procedure = "pelvic radiotherapy, then resection of the rectal primary (liver first)"
            reasons += ("node-positive rectal primary: pelvic radiotherapy before its resection",)
            rules += ("D-PELVIC-RT",)
    return Plan(
        Decision("liver-first", "curative", None, procedure),
        reasons=reasons,
        rules=rules,
        patient={"primary": {"resected": True, "symptomatic": False}},
    )


def plan_postoperative(case: Case) -> Plan:
    course = case.course
    left = g.remaining_perioperative_months(case)
    regimen = course.regimen.name if course.regimen else None
    reasons = [f"{left:g} months of {regimen} complete 6 months of perioperative therapy"]
    rules: list[str] = []
    if course.margin == "R1":
        reasons.append("R1 margin: the planned postoperative chemotherapy continues")
        rules.append("R5")
    if course.regimen is not None and course.regimen.bevacizumab:
        reasons.append("bevacizumab resumes 6-8 weeks after surgery")
        rules.append("R24")
    if course.regimen is not None and course.regimen.kind == "immunotherapy":
        rules.append("D-IO-BLOCK")
    site = case.patient.primary.site
    if site == "breast":
        reasons[0] = f"systemic therapy ({regimen}) continues after the resection for {left:g} months"
        rules += ["R33", "D-POSTOP-OTHER"]
    elif site == "gist":
        reasons[0] = f"{regimen} continues after the resection ({left:g} months modelled)"
        rules += ["R35", "D-POSTOP-OTHER"]
    elif site == "gastric":
        rules += ["R34", "D-POSTOP-OTHER"]
    return Plan(
        Decision("adjuvant", "curative", regimen, None),
        reasons=tuple(reasons),
        rules=tuple(rules),
        course={"adjuvant_months": left},
    )


def _surveillance_text(case: Case) -> str:
    """R30 (colorectal, with CEA); the same imaging schedule for other primaries (D-SURVEILLANCE)."""
    marker = " with CEA" if case.patient.primary.colorectal else ""
    return f"CT chest/abdomen/pelvis{marker} every 3 months for 2 years, then 6-monthly"


def _surveillance_procedure(case: Case) -> str:
    return "CT and CEA surveillance" if case.patient.primary.colorectal else "CT surveillance"


def plan_surveillance(case: Case) -> Plan:
    reasons: tuple[str, ...] = (_surveillance_text(case),)
    if case.course.margin == "R1":
        reasons += ("R1 margin, no postoperative therapy left to give",)
    return Plan(
        Decision("surveillance", "curative", None, _surveillance_procedure(case)),
        reasons=reasons,
        rules=("R30", "D-SURVEILLANCE"),
    )


def plan_adjuvant_done(case: Case) -> Plan:
    course = case.course
    changes: dict[str, Any] = {}
    if course.regimen is not None and course.regimen.oxaliplatin:
        changes["oxaliplatin_end_month"] = course.month + course.adjuvant_months
    return Plan(
        Decision("surveillance", "curative", None, _surveillance_procedure(case)),
        reasons=(_surveillance_text(case),),
        rules=("D-SURVEILLANCE",),
        course=changes,
    )


def plan_recurrence(case: Case) -> Plan:
    where = case.course.recurrence or ""
    patient: dict[str, Any] = {}
    rules: tuple[str, ...] = ()
    reasons = [f"{where.replace('_', '-')} recurrence: up to 60% recur, 90% of them within 2 years"]
    if where == "extrahepatic" and case.patient.extrahepatic == "none":
        patient["extrahepatic"] = "unresectable"
        rules = ("D-RECURRENCE-EHD",)
        reasons.append("extrahepatic recurrence of unstated resectability: taken as unresectable")
    return Plan(Decision("recurrence", None, None, "restaging"), reasons=tuple(reasons), rules=rules, patient=patient)


def plan_restaged(case: Case) -> Plan:
    course = case.course
    patient: dict[str, Any] = {}
    reasons = ["back to the MDT: re-resection of liver-only recurrence improves survival"]
    rules: tuple[str, ...] = ()
    if course.oxaliplatin_end_month is not None and case.patient.oxaliplatin_failure_months is None:
        months = round(course.month - course.oxaliplatin_end_month, 1)
        patient["oxaliplatin_failure_months"] = months
        reasons.append(f"recurrence {months:g} months after adjuvant oxaliplatin")
        rules = ("R12",)
    return Plan(
        Decision("recurrence", None, None, "MDT review"),
        reasons=tuple(reasons),
        rules=rules,
        patient=patient,
        course={
            "intent": None,
            "regimen": None,
            "systemic_months": 0.0,
            "two_stage": 0,
            "liver_treated": False,
            "margin": None,
            "response": None,
            "recurrence": None,
        },
    )


def plan_disease_free(case: Case) -> Plan:
    return Plan(Decision("disease-free", "curative", None, "discharge from surveillance"))


# --- roads ------------------------------------------------------------------------------------

_R = Road
RESECTABLE = g.RESECTABLE_AT_PRESENTATION
NOW = g.RESECTABLE_NOW
_MDT_SURGERY = const(SURGERY_AFTER_CHEMO, "D-CLOCK")

ROADS: tuple[Road, ...] = (
    _R("referred", "referral", "staging", (), ("R1",), plan_refer),
    _R(
        "staging_complete",
        "staging",
        "mdt_review",
        (g.primary_known, g.biomarkers_known),
        ("R2", "R3"),
        plan_staged,
    ),
    # mdt_review (first match wins; see the module docstring)
    _R("supportive_care", "mdt_review", "best_supportive_care", (g.ecog_3_4,), ("R4", "D-ECOG"), plan_supportive),
    _R(
        "primary_first",
        "mdt_review",
        "primary_resection",
        (g.symptomatic_primary_in_place,),
        ("R25",),
        plan_primary_first,
    ),
    _R(
        "palliate_symptoms",
        "mdt_review",
        "locoregional",
        (g.local_symptoms,),
        ("R29", "R28", "D-SYMPTOMS"),
        plan_symptom_palliation,
    ),
    _R("systemic_ecog_2", "mdt_review", "palliative_systemic", (g.ecog_2,), ("R4", "D-ECOG"), plan_systemic_ecog2),
    _R(
        "systemic_unresectable_ehd",
        "mdt_review",
        "palliative_systemic",
        (g.unresectable_ehd,),
        ("R4",),
        plan_systemic_ehd,
    ),
    _R(
        "ablation_unfit",
        "mdt_review",
        "locoregional",
        (g.unfit_or_refuses, g.no_ehd, g.rfa_eligible_extent),
        ("R23",),
        plan_ablation,
    ),
    _R(
        "systemic_unfit",
        "mdt_review",
        "palliative_systemic",
        (g.unfit_or_refuses,),
        ("R4", "D-PALLIATIVE-REGIMEN"),
        plan_systemic_unfit,
    ),
    _R(
        "upfront_surgery_small_solitary",
        "mdt_review",
        "surgery",
        (*RESECTABLE, g.single_lesion, g.largest_below_2cm),
        ("R8", "R4"),
        plan_upfront_small,
        _MDT_SURGERY,
    ),
    _R("perioperative_chemotherapy", "mdt_review", "neoadjuvant", RESECTABLE, ("R4", "R9", "R10"), plan_perioperative),
    _R(
        "upfront_surgery_low_risk",
        "mdt_review",
        "surgery",
        (*RESECTABLE, g.not_multifocal, g.no_high_risk_features),
        ("R10", "R7"),
        plan_upfront_low_risk,
        _MDT_SURGERY,
        alternative=True,
    ),
    _R(
        "conversion_chemotherapy",
        "mdt_review",
        "neoadjuvant",
        (g.initially_unresectable,),
        ("R6", "R16"),
        plan_conversion,
    ),
    _R("neoadjuvant_block_done", "neoadjuvant", "reassessment", (), ("R16",), _block_done),
    _R("palliative_block_done", "palliative_systemic", "reassessment", (), ("R16",), _block_done),
    _R("local_block_done", "locoregional", "reassessment", (), ("R16", "R28"), _block_done),
    # reassessment (first match wins)
    _R("urgent_review_symptoms", "reassessment", "mdt_review", (g.severe_symptoms,), ("R29",), plan_urgent_mdt),
    _R("urgent_review_performance", "reassessment", "mdt_review", (g.ecog_3_4,), ("R29", "D-ECOG"), plan_urgent_mdt),
    _R(
        "next_line_on_progression",
        "reassessment",
        "palliative_systemic",
        (g.response_is("progression", rules=("R18",)),),
        ("R18",),
        plan_progression,
    ),
    _R(
        "surveillance_after_ablation",
        "reassessment",
        "surveillance",
        (g.intent_is("ablative"), g.response_is("complete", rules=("R23",))),
        ("R23", "D-ABLATION-FOLLOWUP"),
        plan_ablation_complete,
    ),
    _R(
        "resect_after_complete_response",
        "reassessment",
        "surgery",
        (g.response_is("complete", rules=("R19",)), *g.OPERABLE),
        ("R19",),
        plan_complete_response,
        to_surgery,
    ),
    _R("resect_now_resectable", "reassessment", "surgery", NOW, ("R17", "R4"), plan_resect_now, to_surgery),
    _R(
        "resection_plus_ablation",
        "reassessment",
        "surgery",
        (g.no_progression, g.r0_achievable, g.at_most_10_lesions, g.flr_below_30, g.ablation_plan_ok, *g.OPERABLE),
        ("R22",),
        plan_resection_ablation,
        to_surgery,
    ),
    _R(
        "two_stage_hepatectomy",
        "reassessment",
        "surgery",
        (g.no_progression, g.r0_achievable, g.at_most_10_lesions, g.flr_below_30, g.bilobar, *g.OPERABLE),
        ("R21",),
        plan_two_stage,
        to_surgery,
    ),
    _R(
        "portal_vein_embolization",
        "reassessment",
        "liver_augmentation",
        (g.no_progression, g.r0_achievable, g.at_most_10_lesions, g.flr_below_30, g.one_lobe, *g.OPERABLE),
        ("R20",),
        plan_pve,
        const(0.5, "D-CLOCK"),
    ),
    _R(
        "repeat_ablation",
        "reassessment",
        "locoregional",
        (
            g.intent_is("ablative"),
            g.response_is("partial", "stable", "mixed", rules=("R23",)),
            g.no_ehd,
            g.rfa_eligible_extent,
        ),
        ("R23", "D-ABLATION-FOLLOWUP"),
        plan_repeat_ablation,
    ),
    _R(
        "continue_palliative_line",
        "reassessment",
        "palliative_systemic",
        (g.intent_is("palliative", "ablative"),),
        ("R16", "D-PALLIATIVE-REGIMEN"),
        plan_continue_palliative,
    ),
    _R(
        "continue_conversion",
        "reassessment",
        "neoadjuvant",
        (g.response_is("partial", "complete"),),
        ("R16",),
        plan_continue,
    ),
    _R(
        "add_liver_directed_therapy",
        "reassessment",
        "locoregional",
        (g.response_is("stable", "mixed", rules=("R28",)),),
        ("R28",),
        plan_liver_directed,
    ),
    # liver_augmentation
    _R(
        "stage_two_hepatectomy",
        "liver_augmentation",
        "surgery",
        (g.two_stage_stage1_done, g.flr_at_least_30, g.no_progression, *g.OPERABLE),
        ("R21", "R4"),
        plan_stage_two,
    ),
    _R(
        "resection_after_pve",
        "liver_augmentation",
        "surgery",
        (g.no_two_stage_plan, *NOW),
        ("R20", "R4"),
        plan_resect_after_pve,
    ),
    _R(
        "remnant_insufficient",
        "liver_augmentation",
        "mdt_review",
        (g.otherwise,),
        ("R20", "R21"),
        plan_back_to_mdt,
        label="otherwise",
    ),
    # surgery
    _R("incomplete_resection", "surgery", "mdt_review", (g.margin_r2,), ("R5", "D-R2-MDT"), plan_r2),
    _R(
        "pve_between_stages",
        "surgery",
        "liver_augmentation",
        (g.two_stage_stage1_done,),
        ("R21",),
        plan_pve_between_stages,
        const(0.5, "D-CLOCK"),
    ),
    _R(
        "primary_after_liver_first",
        "surgery",
        "primary_resection",
        (g.primary_in_place,),
        ("R26",),
        plan_primary_after_liver,
        const(RECOVERY, "D-CLOCK"),
    ),
    _R(
        "postoperative_therapy",
        "surgery",
        "adjuvant",
        (g.postoperative_therapy_due,),
        ("ADJ",),
        plan_postoperative,
        after_surgery,
    ),
    _R(
        "surveillance_after_surgery",
        "surgery",
        "surveillance",
        (g.no_postoperative_therapy_due,),
        ("R30",),
        plan_surveillance,
        const(RECOVERY, "D-CLOCK"),
    ),
    # primary_resection
    _R(
        "liver_after_primary",
        "primary_resection",
        "mdt_review",
        (g.liver_untreated,),
        ("R25",),
        lambda c: Plan(Decision("primary-resected", None, None, "MDT review of the liver disease")),
    ),
    _R(
        "adjuvant_after_liver_first",
        "primary_resection",
        "adjuvant",
        (g.liver_treated, g.postoperative_therapy_due),
        ("ADJ", "R26"),
        plan_postoperative,
    ),
    _R(
        "surveillance_after_liver_first",
        "primary_resection",
        "surveillance",
        (g.liver_treated, g.no_postoperative_therapy_due),
        ("R30",),
        plan_surveillance,
    ),
    # adjuvant, surveillance, recurrence
    _R("adjuvant_complete", "adjuvant", "surveillance", (), ("ADJ", "R30"), plan_adjuvant_done),
    _R("recurrence_found", "surveillance", "recurrence", (g.recurrence_found,), ("R31",), plan_recurrence),
    _R(
        "five_years_disease_free",
        "surveillance",
        "disease_free",
        (g.no_recurrence,),
        ("R30", "D-SURVEILLANCE"),
        plan_disease_free,
    ),
    _R("restaged", "recurrence", "mdt_review", (), ("R31",), plan_restaged),
)


# Short clinical guard labels, drawn on diagram edges (the full guards are in the graph's data).
_LABELS = {
    "referred": "every referral",
    "staging_complete": "primary and biomarkers known",
    "supportive_care": "ECOG 3-4",
    "primary_first": "symptomatic primary",
    "palliate_symptoms": "biliary obstruction or pain",
    "systemic_ecog_2": "ECOG 2",
    "systemic_unresectable_ehd": "unresectable EHD",
    "ablation_unfit": "unfit; ≤ 9 lesions ≤ 4 cm, no EHD",
    "systemic_unfit": "unfit or refuses surgery",
    "upfront_surgery_small_solitary": "resectable, single < 2 cm",
    "perioperative_chemotherapy": "resectable: R0, ≤ 10, FLR ≥ 30%",
    "upfront_surgery_low_risk": "low risk (accepted alternative)",
    "conversion_chemotherapy": "> 10, FLR < 30% or no R0",
    "neoadjuvant_block_done": "after 2-3 months",
    "palliative_block_done": "after 2-3 months",
    "local_block_done": "after 2-3 months",
    "urgent_review_symptoms": "severe symptoms",
    "urgent_review_performance": "ECOG 3-4",
    "next_line_on_progression": "progression",
    "surveillance_after_ablation": "complete after ablation",
    "resect_after_complete_response": "complete response",
    "resect_now_resectable": "resectable now",
    "resection_plus_ablation": "FLR < 30%, ablate small ones",
    "two_stage_hepatectomy": "FLR < 30%, bilobar",
    "portal_vein_embolization": "FLR < 30%, one lobe",
    "repeat_ablation": "residual after ablation",
    "continue_palliative_line": "palliative, not progressing",
    "continue_conversion": "partial response",
    "add_liver_directed_therapy": "stable or mixed",
    "stage_two_hepatectomy": "stage 2: FLR ≥ 30%",
    "resection_after_pve": "FLR ≥ 30%",
    "remnant_insufficient": "otherwise",
    "incomplete_resection": "R2 margin",
    "pve_between_stages": "two-stage: stage 1 done",
    "primary_after_liver_first": "primary still in place",
    "postoperative_therapy": "therapy still due",
    "surveillance_after_surgery": "no therapy due",
    "liver_after_primary": "liver not yet treated",
    "adjuvant_after_liver_first": "therapy still due",
    "surveillance_after_liver_first": "no therapy due",
    "adjuvant_complete": "6 months complete",
    "recurrence_found": "recurrence",
    "five_years_disease_free": "none at 5 years",
    "restaged": "restaged",
}
# Roads that belong to the colorectal pathway only: they get a scope guard, like every branch road.
_COLORECTAL_ONLY = frozenset(
    {
        "primary_first",
        "palliate_symptoms",
        "systemic_ecog_2",
        "systemic_unresectable_ehd",
        "ablation_unfit",
        "systemic_unfit",
        "upfront_surgery_small_solitary",
        "perioperative_chemotherapy",
        "upfront_surgery_low_risk",
        "conversion_chemotherapy",
        "next_line_on_progression",
        "resect_after_complete_response",
        "resect_now_resectable",
        "resection_plus_ablation",
        "two_stage_hepatectomy",
        "portal_vein_embolization",
        "repeat_ablation",
        "continue_conversion",
        "add_liver_directed_therapy",
        "surveillance_after_ablation",
        "stage_two_hepatectomy",
        "resection_after_pve",
        "remnant_insufficient",
        "pve_between_stages",
    }
)
# R29 comes from a colorectal source; for neuroendocrine disease R32 answers symptoms with TACE/TAE.
_NOT_NET = g.primary_is("colon", "rectum", "breast", "gastric", "gist", "sarcoma")
# Only these primaries have therapy after liver surgery (ADJ; D-POSTOP-OTHER); NET and sarcoma have none.
_WITH_POSTOP = g.primary_is("colon", "rectum", "gastric", "breast", "gist")
# Neuroendocrine and gastric reassessments end in their own catch-all roads before this one.
_PALLIATIVE_LINE = g.primary_is("colon", "rectum", "breast", "gist")
_SCOPES = {
    "urgent_review_symptoms": _NOT_NET,
    "postoperative_therapy": _WITH_POSTOP,
    "adjuvant_after_liver_first": _WITH_POSTOP,
    "continue_palliative_line": _PALLIATIVE_LINE,
}


def _assemble(core: tuple[Road, ...]) -> tuple[Road, ...]:
    """Scope the colorectal roads and splice in the other primaries' roads where their order says:
    at the MDT after poor performance (ECOG 3-4 applies to all); at reassessment after the urgent
    reviews, and their 'continue' roads after the generic palliative line."""
    out: list[Road] = []
    for road in core:
        if road.name in _COLORECTAL_ONLY:
            road = replace(road, guards=(g.colorectal, *road.guards))
        elif road.name in _SCOPES:
            road = replace(road, guards=(_SCOPES[road.name], *road.guards))
        if road.name == "primary_first":
            out.extend(branches.MDT_ROADS)
        elif road.name == "next_line_on_progression":
            out.extend(branches.REASSESSMENT_FIRST)
        elif road.name == "continue_conversion":
            out.extend(branches.REASSESSMENT_LAST)
        out.append(road)
    out.extend(branches.OBSERVATION_ROADS)
    return tuple(replace(road, label={**_LABELS, **branches.LABELS}[road.name]) for road in out)


ROADS = _assemble(ROADS)

# Clinical order of the phases, top to bottom on diagrams: a road to an earlier phase is a loop
# (a back edge), drawn along the side.
CLINICAL_ORDER = (
    "referral",
    "staging",
    "mdt_review",
    "primary_resection",
    "neoadjuvant",
    "palliative_systemic",
    "locoregional",
    "observation",
    "reassessment",
    "liver_augmentation",
    "surgery",
    "adjuvant",
    "surveillance",
    "recurrence",
    "best_supportive_care",
    "disease_free",
)


def roads_from(state: str) -> tuple[Road, ...]:
    return tuple(r for r in ROADS if r.source == state)


def on_arrival(state: str, case: Case) -> dict[str, Any]:
    """Course changes every arrival in `state` makes, whatever the road."""
    course = case.course
    if state == "surgery":
        changes: dict[str, Any] = {
            "last_curative_month": course.month,
            "margin": None,
        }
        if course.two_stage == 1:  # R21: stage 1 done, the remnant must regrow
            changes["two_stage"] = 2
        else:
            changes["two_stage"] = 3 if course.two_stage == 2 else 0
            changes["liver_treated"] = True
        return changes
    if state == "primary_resection":
        return {"last_curative_month": course.month if course.liver_treated else course.last_curative_month}
    return {}


# States the contract pins that no branch uses yet (none since R32 brought observation).
NOT_YET_ENCODED: frozenset[str] = frozenset()


def reachable(roads: tuple[Road, ...] | list[Road], start: str = "referral") -> set[str]:
    """The states these roads can lead to from `start`."""
    reached, frontier = {start}, [start]
    while frontier:
        here = frontier.pop()
        for road in roads:
            if road.source == here and road.dest not in reached:
                reached.add(road.dest)
                frontier.append(road.dest)
    return reached


def check_definition(states: Mapping[str, State] = STATES, roads: tuple[Road, ...] = ROADS) -> None:
    """Raise DefinitionError on unknown states, dead ends, unreachable states or duplicate names."""
    names = [r.name for r in roads]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise DefinitionError(f"duplicate road names: {', '.join(dupes)}")
    for r in roads:
        for end in (r.source, r.dest):
            if end not in states:
                raise DefinitionError(f"road {r.name}: unknown state {end!r}")
        if states[r.source].terminal:
            raise DefinitionError(f"road {r.name} leaves terminal state {r.source}")
        if TRIGGERS.get(r.source) is None:
            raise DefinitionError(f"state {r.source} has roads but no trigger")
    for s in states.values():
        if not s.terminal and s.name not in NOT_YET_ENCODED and not any(r.source == s.name for r in roads):
            raise DefinitionError(f"non-terminal state {s.name} has no way out")
    unreachable = sorted(set(states) - reachable(roads) - NOT_YET_ENCODED)
    if set(CLINICAL_ORDER) != set(states):
        raise DefinitionError("CLINICAL_ORDER must list every state once")
    if unreachable:
        raise DefinitionError(f"unreachable states: {', '.join(unreachable)}")


check_definition()
