"""Roads and plans shared by the primaries' pathways, each declared once.

EVERY_PATHWAY: roads every pathway has wherever it reaches their state (referral, staging, poor
performance, the end of a block, the operations' outcomes, surveillance and recurrence). The
optional shared roads below are taken by the primaries whose tables list them.

Ranks leave room for each primary's own roads: a primary's roads out of a state start at OWN
(100, in steps of 10); shared roads tried first sit below it, and the palliative line that
continues sits at LATE (500), before a primary's last catch-alls.
"""

from __future__ import annotations

from typing import Any

from . import guards as g
from . import pitfalls
from .course import Case, CourseChanges, Intent, TwoStage
from .guards import num
from .profile import profile_of
from .vocabulary import (
    CONVERSION_BLOCK,
    RECOVERY,
    Category,
    Decision,
    Plan,
    Road,
    after_surgery,
    const,
)

FIRST = 0
OWN = 100
LATE = 500


def block_months(case: Case) -> tuple[float, tuple[str, ...]]:
    """The primary's systemic block and the rules that set it (R16; D-OTHER-BLOCK)."""
    profile = profile_of(case.patient.primary.site)
    if profile is None or profile.block_months is None:
        return CONVERSION_BLOCK, ("R16",)
    return profile.block_months, profile.block_rules


def regimen_name(case: Case) -> str | None:
    regimen = case.course.regimen
    return regimen.name if regimen is not None else None


# --- plans ------------------------------------------------------------------------------------


def plan_refer(case: Case) -> Plan:
    warnings: tuple[str, ...] = ()
    reasons = ["liver metastases: referred to a tertiary HPB centre for multidisciplinary review"]
    if case.patient.primary.site == "unknown":
        warnings = (pitfalls.BIOPSY.warn("primary unknown"),)
        reasons.append("the primary is unknown: colonoscopy and upper endoscopy come first")
    return Plan(Decision(Category.REFERRAL, None, None, "staging workup"), tuple(reasons), ("R1", "R3"), warnings)


def plan_staged(case: Case) -> Plan:
    p = case.patient
    reasons: tuple[str, ...] = (
        "workup complete: triple-phase CT, CT chest, fitness, volumetry and CEA",
        f"ECOG {p.ecog}, FLR {num(p.liver.flr_percent)}%",
    )
    if g.multifocal_facts(case):
        reasons += ("multifocal disease: PET-CT to exclude extrahepatic disease",)
    profile = profile_of(p.primary.site)
    if profile is not None and profile.liver_biopsy_acceptable:
        reasons += (
            "non-colorectal primary: a liver biopsy is acceptable when tissue is needed "
            "(never for a possibly resectable colorectal metastasis)",
        )
    return Plan(Decision(Category.STAGED, None, None, "MDT review"), reasons, ("R2", "R3"))


def plan_supportive(case: Case) -> Plan:
    return Plan(Decision(Category.POOR_PERFORMANCE, Intent.SUPPORTIVE, None, "best supportive care"))


def plan_block_done(case: Case) -> Plan:
    course = case.course
    given = course.systemic_months + (course.block_months if course.regimen is not None else 0.0)
    what = course.regimen.name if course.regimen else "local therapy"
    return Plan(
        Decision(Category.RESTAGING, course.intent, None, "CT/MRI restaging (RECIST 1.1)"),
        reasons=(f"after {num(course.block_months)} months of {what}",),
        course=CourseChanges(systemic_months=given),
    )


def plan_urgent_mdt(case: Case) -> Plan:
    return Plan(
        Decision(Category.URGENT_REVIEW, case.course.intent, None, "urgent MDT review for palliative interventions"),
    )


def plan_continue_palliative(case: Case) -> Plan:
    """The palliative line continues; with none yet (after ablation), the primary's first line."""
    course = case.course
    months, rules = block_months(case)
    profile = profile_of(case.patient.primary.site)
    if course.regimen is None and profile is not None and profile.palliative_regimen is not None:
        chosen = profile.palliative_regimen(case)
        return Plan(
            Decision(Category.DISEASE_CONTROL, Intent.PALLIATIVE, chosen.regimen.name, None),
            reasons=chosen.reasons,
            rules=chosen.rules,
            course=CourseChanges(intent=Intent.PALLIATIVE, regimen=chosen.regimen, block_months=months),
        )
    name = regimen_name(case)
    return Plan(
        Decision(Category.DISEASE_CONTROL, Intent.PALLIATIVE, name, None),
        reasons=(f"continue {name} while it controls the disease",),
        rules=tuple(r for r in rules if r != "R16"),
        course=CourseChanges(intent=Intent.PALLIATIVE, block_months=months),
    )


def liver_operation(
    case: Case, base: str
) -> tuple[str, tuple[str, ...], tuple[str, ...], CourseChanges, dict[str, Any]]:
    """R26: with the primary in place, simultaneous resection for small accessible metastases, or
    liver first (the primary's profile may give its own reason, as R27 does for the rectum)."""
    p = case.patient.primary
    lv = case.patient.liver
    if p.resected:
        return base, (), (), CourseChanges(), {}
    small = (
        lv.lesions <= g.SIMULTANEOUS_MAX_LESIONS
        and lv.largest_cm <= g.SIMULTANEOUS_MAX_CM
        and not lv.bilobar
        and not lv.perivascular
    )
    if small:
        return (
            f"{base}, with simultaneous resection of the {p.site} primary",
            ("small, accessible metastases with good performance status: one operation for primary and liver",),
            ("R26", "D-SIMULTANEOUS"),
            CourseChanges(),
            {"primary": {"resected": True}},
        )
    profile = profile_of(p.site)
    why = "metastases too extensive for a simultaneous operation: liver first, then the primary"
    rules: tuple[str, ...] = ("R26",)
    if profile is not None and profile.liver_first is not None:
        why, rules = profile.liver_first(case)
    return f"{base} (liver first; the {p.site} primary follows)", (why,), rules, CourseChanges(), {}


def surgery_plan(
    case: Case,
    category: Category,
    base: str,
    reasons: tuple[str, ...] = (),
    rules: tuple[str, ...] = (),
    warnings: tuple[str, ...] = (),
    course: CourseChanges | None = None,
) -> Plan:
    """A liver operation: the procedure (sequenced with a primary in place), and R24 for bevacizumab."""
    procedure, why, seq_rules, seq_course, seq_patient = liver_operation(case, base)
    regimen = case.course.regimen
    extra: tuple[str, ...] = ()
    extra_rules: tuple[str, ...] = ()
    if regimen is not None and regimen.bevacizumab and case.course.systemic_months > 0:
        extra = ("bevacizumab stopped at least 6 weeks before surgery",)
        extra_rules = ("R24",)
    return Plan(
        Decision(category, Intent.CURATIVE, regimen.name if regimen else None, procedure),
        reasons=reasons + why + extra,
        rules=rules + seq_rules + extra_rules,
        warnings=warnings,
        course=CourseChanges(**{**seq_course, **(course or {})}),
        patient=seq_patient,
    )


def plan_r2(case: Case) -> Plan:
    return Plan(
        Decision(Category.INCOMPLETE_RESECTION, None, None, "MDT review of residual disease"),
        course=CourseChanges(liver_treated=False, two_stage=TwoStage.NONE),
    )


def plan_primary_after_liver(case: Case) -> Plan:
    p = case.patient.primary
    procedure = f"resection of the {p.site} primary (liver first)"
    reasons: tuple[str, ...] = ("the liver metastases are out; the primary comes next",)
    rules: tuple[str, ...] = ("R26",)
    profile = profile_of(p.site)
    if profile is not None and profile.primary_after_liver is not None:
        procedure, more, rules = profile.primary_after_liver(case)
        reasons += more
    return Plan(
        Decision(Category.LIVER_FIRST, Intent.CURATIVE, None, procedure),
        reasons=reasons,
        rules=rules,
        patient={"primary": {"resected": True, "symptomatic": False}},
    )


def plan_postoperative(case: Case) -> Plan:
    course = case.course
    left = g.remaining_postoperative_months(case)
    regimen = regimen_name(case)
    profile = profile_of(case.patient.primary.site)
    post = profile.postoperative if profile is not None else None
    wording = post.wording if post is not None else "{months} months of {regimen}"
    total = num(post.months) if post is not None else "6"
    reasons = [wording.format(months=num(left), regimen=regimen, total=total)]
    rules: list[str] = []
    if course.margin == "R1":
        reasons.append("R1 margin: the planned postoperative chemotherapy continues")
        rules.append("R5")
    if course.regimen is not None and course.regimen.bevacizumab:
        reasons.append("bevacizumab resumes 6-8 weeks after surgery")
        rules.append("R24")
    if course.regimen is not None and course.regimen.kind == "immunotherapy":
        rules.append("D-IO-BLOCK")
    if post is not None:
        rules += post.rules
    return Plan(
        Decision(Category.ADJUVANT, Intent.CURATIVE, regimen, None),
        reasons=tuple(reasons),
        rules=tuple(rules),
        course=CourseChanges(adjuvant_months=left),
    )


def _surveillance_marker(case: Case) -> str | None:
    profile = profile_of(case.patient.primary.site)
    return profile.surveillance_marker if profile is not None else None


def surveillance_text(case: Case) -> str:
    """R30 (colorectal, with CEA); the same imaging schedule for other primaries (D-SURVEILLANCE)."""
    marker = _surveillance_marker(case)
    return f"CT chest/abdomen/pelvis{f' with {marker}' if marker else ''} every 3 months for 2 years, then 6-monthly"


def surveillance_procedure(case: Case) -> str:
    marker = _surveillance_marker(case)
    return f"CT and {marker} surveillance" if marker else "CT surveillance"


def plan_surveillance(case: Case) -> Plan:
    reasons: tuple[str, ...] = (surveillance_text(case),)
    if case.course.margin == "R1":
        reasons += ("R1 margin, no postoperative therapy left to give",)
    return Plan(
        Decision(Category.SURVEILLANCE, Intent.CURATIVE, None, surveillance_procedure(case)),
        reasons=reasons,
        rules=("R30", "D-SURVEILLANCE"),
    )


def plan_adjuvant_done(case: Case) -> Plan:
    course = case.course
    changes = CourseChanges()
    if course.regimen is not None and course.regimen.oxaliplatin:
        changes["oxaliplatin_end_month"] = course.month + course.adjuvant_months
    return Plan(
        Decision(Category.SURVEILLANCE, Intent.CURATIVE, None, surveillance_procedure(case)),
        reasons=(surveillance_text(case),),
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
    return Plan(
        Decision(Category.RECURRENCE, None, None, "restaging"), reasons=tuple(reasons), rules=rules, patient=patient
    )


def plan_restaged(case: Case) -> Plan:
    course = case.course
    patient: dict[str, Any] = {}
    reasons = ["back to the MDT: re-resection of liver-only recurrence improves survival"]
    rules: tuple[str, ...] = ()
    if course.oxaliplatin_end_month is not None and case.patient.oxaliplatin_failure_months is None:
        months = round(course.month - course.oxaliplatin_end_month, 1)
        patient["oxaliplatin_failure_months"] = months
        reasons.append(f"recurrence {num(months)} months after adjuvant oxaliplatin")
        rules = ("R12",)
    return Plan(
        Decision(Category.RECURRENCE, None, None, "MDT review"),
        reasons=tuple(reasons),
        rules=rules,
        patient=patient,
        course=CourseChanges(
            intent=None,
            regimen=None,
            systemic_months=0.0,
            two_stage=TwoStage.NONE,
            liver_treated=False,
            margin=None,
            response=None,
            recurrence=None,
        ),
    )


def plan_disease_free(case: Case) -> Plan:
    return Plan(Decision(Category.DISEASE_FREE, Intent.CURATIVE, None, "discharge from surveillance"))


def plan_liver_after_primary(case: Case) -> Plan:
    return Plan(Decision(Category.PRIMARY_RESECTED, None, None, "MDT review of the liver disease"))


# --- roads every pathway has ----------------------------------------------------------------

EVERY_PATHWAY: tuple[Road, ...] = (
    Road(
        name="referred",
        source="referral",
        dest="staging",
        rank=FIRST,
        rules=("R1",),
        label="every referral",
        plan=plan_refer,
    ),
    Road(
        name="staging_complete",
        source="staging",
        dest="mdt_review",
        rank=FIRST,
        guards=(g.primary_known, g.biomarkers_known),
        rules=("R2", "R3"),
        label="primary and biomarkers known",
        plan=plan_staged,
    ),
    Road(
        name="supportive_care",
        source="mdt_review",
        dest="best_supportive_care",
        rank=FIRST,
        guards=(g.ecog_3_4,),
        rules=("R4", "D-ECOG"),
        label="ECOG 3-4",
        plan=plan_supportive,
    ),
    Road(
        name="neoadjuvant_block_done",
        source="neoadjuvant",
        dest="reassessment",
        rank=FIRST,
        rules=("R16",),
        label="after 2-3 months",
        plan=plan_block_done,
    ),
    Road(
        name="palliative_block_done",
        source="palliative_systemic",
        dest="reassessment",
        rank=FIRST,
        rules=("R16",),
        label="after 2-3 months",
        plan=plan_block_done,
    ),
    Road(
        name="local_block_done",
        source="locoregional",
        dest="reassessment",
        rank=FIRST,
        rules=("R16", "R28"),
        label="after 2-3 months",
        plan=plan_block_done,
    ),
    Road(
        name="urgent_review_performance",
        source="reassessment",
        dest="mdt_review",
        rank=FIRST + 2,
        guards=(g.ecog_3_4,),
        rules=("R29", "D-ECOG"),
        label="ECOG 3-4",
        plan=plan_urgent_mdt,
    ),
    Road(
        name="incomplete_resection",
        source="surgery",
        dest="mdt_review",
        rank=FIRST,
        guards=(g.margin_r2,),
        rules=("R5", "D-R2-MDT"),
        label="R2 margin",
        plan=plan_r2,
    ),
    Road(
        name="primary_after_liver_first",
        source="surgery",
        dest="primary_resection",
        rank=OWN + 20,
        guards=(g.primary_in_place,),
        rules=("R26",),
        label="primary still in place",
        plan=plan_primary_after_liver,
        lead=const(RECOVERY, "D-CLOCK"),
    ),
    Road(
        name="surveillance_after_surgery",
        source="surgery",
        dest="surveillance",
        rank=OWN + 40,
        guards=(g.no_postoperative_therapy_due,),
        rules=("R30",),
        label="no therapy due",
        plan=plan_surveillance,
        lead=const(RECOVERY, "D-CLOCK"),
    ),
    Road(
        name="liver_after_primary",
        source="primary_resection",
        dest="mdt_review",
        rank=FIRST,
        guards=(g.liver_untreated,),
        rules=("R25",),
        label="liver not yet treated",
        plan=plan_liver_after_primary,
    ),
    Road(
        name="surveillance_after_liver_first",
        source="primary_resection",
        dest="surveillance",
        rank=OWN + 20,
        guards=(g.liver_treated, g.no_postoperative_therapy_due),
        rules=("R30",),
        label="no therapy due",
        plan=plan_surveillance,
    ),
    Road(
        name="adjuvant_complete",
        source="adjuvant",
        dest="surveillance",
        rank=FIRST,
        rules=("ADJ", "R30"),
        label="6 months complete",
        plan=plan_adjuvant_done,
    ),
    Road(
        name="recurrence_found",
        source="surveillance",
        dest="recurrence",
        rank=FIRST,
        guards=(g.recurrence_found,),
        rules=("R31",),
        label="recurrence",
        plan=plan_recurrence,
    ),
    Road(
        name="five_years_disease_free",
        source="surveillance",
        dest="disease_free",
        rank=FIRST + 10,
        guards=(g.no_recurrence,),
        rules=("R30", "D-SURVEILLANCE"),
        label="none at 5 years",
        plan=plan_disease_free,
    ),
    Road(
        name="restaged",
        source="recurrence",
        dest="mdt_review",
        rank=FIRST,
        rules=("R31",),
        label="restaged",
        plan=plan_restaged,
    ),
)

# --- roads some pathways take (their tables list them) -----------------------------------------

# R29 comes from a colorectal source; neuroendocrine disease answers symptoms with TACE/TAE (R32).
URGENT_REVIEW_SYMPTOMS = Road(
    name="urgent_review_symptoms",
    source="reassessment",
    dest="mdt_review",
    rank=FIRST + 1,
    guards=(g.severe_symptoms,),
    rules=("R29",),
    label="severe symptoms",
    plan=plan_urgent_mdt,
)

# After liver surgery, for the primaries whose profile has a postoperative course (ADJ; D-POSTOP-OTHER).
POSTOPERATIVE_THERAPY = Road(
    name="postoperative_therapy",
    source="surgery",
    dest="adjuvant",
    rank=OWN + 30,
    guards=(g.postoperative_therapy_due,),
    rules=("ADJ",),
    label="therapy still due",
    plan=plan_postoperative,
    lead=after_surgery,
)
ADJUVANT_AFTER_LIVER_FIRST = Road(
    name="adjuvant_after_liver_first",
    source="primary_resection",
    dest="adjuvant",
    rank=OWN + 10,
    guards=(g.liver_treated, g.postoperative_therapy_due),
    rules=("ADJ", "R26"),
    label="therapy still due",
    plan=plan_postoperative,
)
POSTOPERATIVE = (POSTOPERATIVE_THERAPY, ADJUVANT_AFTER_LIVER_FIRST)

# A palliative (or ablative) course that is not progressing continues (R16, D-PALLIATIVE-REGIMEN).
CONTINUE_PALLIATIVE_LINE = Road(
    name="continue_palliative_line",
    source="reassessment",
    dest="palliative_systemic",
    rank=LATE,
    guards=(g.intent_is(Intent.PALLIATIVE, Intent.ABLATIVE),),
    rules=("R16", "D-PALLIATIVE-REGIMEN"),
    label="palliative, not progressing",
    plan=plan_continue_palliative,
)
