"""Roads and plans shared by the primaries' pathways, each declared once.

EVERY_PATHWAY: roads every pathway has wherever it reaches their state (referral, staging, poor
performance, the end of a block, the operations' outcomes, surveillance and recurrence). The
optional shared roads below are taken by the primaries whose tables list them.

Ranks leave room for each primary's own roads: a primary's roads out of a state start at OWN
(100, in steps of 10); shared roads tried first sit below it, and the palliative line that
continues sits at LATE (500), before a primary's last catch-alls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import guards as g
from . import pitfalls
from .course import Case, CourseChanges, Intent, TwoStage
from .guards import num
from .pitfalls import Alert
from .profile import primary_words, profile_of
from .vocabulary import (
    CONVERSION_BLOCK,
    PELVIC_RT,
    PELVIC_RT_TO_SURGERY,
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


def own_rules(case: Case) -> tuple[str, ...]:
    """The rule book's rules for the patient's primary, for shared steps (R43: cite its own)."""
    profile = profile_of(case.patient.primary.site)
    return profile.own_rules if profile is not None else ()


def regimen_name(case: Case) -> str | None:
    regimen = case.course.regimen
    return regimen.name if regimen is not None else None


# --- plans ------------------------------------------------------------------------------------


def plan_refer(case: Case) -> Plan:
    warnings: tuple[Alert, ...] = ()
    reasons = ["liver metastases: referred to a tertiary HPB centre for multidisciplinary review"]
    if case.patient.primary.site == "unknown":
        warnings = (pitfalls.BIOPSY.warn("primary unknown"),)
        reasons.append("the primary is unknown: colonoscopy and upper endoscopy come first")
    return Plan(Decision(Category.REFERRAL, None, None, "staging workup"), tuple(reasons), ("R1", "R3"), warnings)


WORKUP = "workup complete: triple-phase CT, CT chest, fitness, Child-Pugh and volumetry"


def plan_staged(case: Case) -> Plan:
    p = case.patient
    profile = profile_of(p.primary.site)
    workup, rules = profile.workup(case) if profile is not None and profile.workup is not None else ((WORKUP,), ())
    reasons: tuple[str, ...] = (*workup, f"ECOG {p.ecog}, FLR {num(p.liver.flr_percent)}%")
    if profile is not None and profile.liver_biopsy_acceptable:
        reasons += (
            "non-colorectal primary: a liver biopsy is acceptable when tissue is needed "
            "(never for a possibly resectable colorectal metastasis)",
        )
    pet = any("PET-CT" in r for r in reasons)
    return Plan(
        Decision(Category.STAGED, None, None, "MDT review"),
        reasons,
        ("R2", "R3", *rules),
        course=CourseChanges(pet_ct=pet),
    )


def plan_supportive(case: Case) -> Plan:
    return Plan(Decision(Category.POOR_PERFORMANCE, Intent.SUPPORTIVE, None, "best supportive care"))


def last_doses(case: Case, end: float) -> CourseChanges:
    """The clock of the regimen just given, its last dose at `end` (R12, R13b, R24)."""
    regimen = case.course.regimen
    changes = CourseChanges()
    if regimen is None:
        return changes
    if regimen.oxaliplatin:
        changes["oxaliplatin_last_month"] = end
    if regimen.anti_egfr:
        changes["anti_egfr_last_month"] = end
    if regimen.bevacizumab:
        changes["bevacizumab_last_month"] = end
    return changes


def plan_block_done(case: Case) -> Plan:
    course = case.course
    given = course.systemic_months + (course.block_months if course.regimen is not None else 0.0)
    what = course.regimen.name if course.regimen else "therapy"
    return Plan(
        Decision(Category.RESTAGING, course.intent, None, "CT/MRI restaging (RECIST 1.1)"),
        reasons=(f"after {num(course.block_months)} months of {what}",),
        rules=own_rules(case),
        course=CourseChanges(systemic_months=given, **last_doses(case, course.month + course.block_months)),
    )


def plan_local_block_done(case: Case) -> Plan:
    """After liver-directed therapy (ablation, TACE/TAE or TARE), with any systemic therapy alongside."""
    plan = plan_block_done(case)
    course = case.course
    months = num(course.block_months)
    if course.intent == Intent.ABLATIVE:
        why = f"restaging {months} months after ablation"
        rules: tuple[str, ...] = ("R23", "D-ABLATION-FOLLOWUP")
    else:
        alongside = f" with {course.regimen.name}" if course.regimen else ""
        why = f"after {months} months of liver-directed therapy{alongside}"
        rules = own_rules(case)
    return Plan(plan.decision, (why,), rules, course=plan.course)


def plan_urgent_mdt(case: Case) -> Plan:
    """R29: the MDT sits as an urgent review; the response just read goes with the patient."""
    return Plan(
        Decision(Category.URGENT_REVIEW, case.course.intent, None, "urgent MDT review for palliative interventions"),
        course=CourseChanges(urgent_review=True),
    )


def noting_symptoms(plan: Callable[[Case], Plan]) -> Callable[[Case], Plan]:
    """D-SYMPTOMS-OTHER: where a primary's sources give symptoms no road, its reassessment steps say
    so when the patient has them (the response decides; symptoms are controlled alongside)."""

    def noted(case: Case) -> Plan:
        out = plan(case)
        if not case.patient.symptoms:
            return out
        what = ", ".join(s.replace("_", " ") for s in case.patient.symptoms)
        note = f"{what}: symptom control alongside; the response decides the road"
        return Plan(
            out.decision,
            (*out.reasons, note),
            (*out.rules, "D-SYMPTOMS-OTHER"),
            out.warnings,
            out.course,
            out.patient,
        )

    noted.__doc__ = plan.__doc__
    return noted


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
        rules=(*(r for r in rules if r != "R16"), *own_rules(case)),
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
            f"{base}, with simultaneous resection of {primary_words(p.site)}",
            ("small, accessible metastases with good performance status: one operation for primary and liver",),
            ("R26", "D-SEQUENCING", "D-SIMULTANEOUS"),
            CourseChanges(),
            {"primary": {"resected": True}},
        )
    profile = profile_of(p.site)
    why = "metastases too extensive for a simultaneous operation: liver first, then the primary"
    rules: tuple[str, ...] = ("D-SEQUENCING",)
    if profile is not None and profile.liver_first is not None:
        why, rules = profile.liver_first(case)
    return f"{base} (liver first; {primary_words(p.site)} follows)", (why,), rules, CourseChanges(), {}


def surgery_plan(
    case: Case,
    category: Category,
    base: str,
    reasons: tuple[str, ...] = (),
    rules: tuple[str, ...] = (),
    warnings: tuple[Alert, ...] = (),
    course: CourseChanges | None = None,
    intent: Intent = Intent.CURATIVE,
) -> Plan:
    """A liver operation: the procedure (sequenced with a primary in place), PET-CT before the first
    curative operation (R3), and R24 for bevacizumab."""
    procedure, why, seq_rules, seq_course, seq_patient = liver_operation(case, base)
    regimen = case.course.regimen
    extra: tuple[str, ...] = ()
    extra_rules: tuple[str, ...] = ()
    changes = CourseChanges(**{**seq_course, **(course or {})})
    if intent == Intent.CURATIVE and not case.course.pet_ct:
        extra += ("PET-CT before curative surgery confirms the extent of the disease",)
        extra_rules += ("R3",)
        changes["pet_ct"] = True
    if regimen is not None and regimen.bevacizumab and case.course.systemic_months > 0:
        extra += ("bevacizumab stopped at least 6 weeks before surgery",)
        extra_rules += ("R24",)
    return Plan(
        Decision(category, intent, regimen.name if regimen else None, procedure),
        reasons=reasons + why + extra,
        rules=rules + seq_rules + extra_rules,
        warnings=warnings,
        course=changes,
        patient=seq_patient,
    )


def plan_r2(case: Case) -> Plan:
    return Plan(
        Decision(Category.INCOMPLETE_RESECTION, None, None, "MDT review of residual disease"),
        course=CourseChanges(liver_treated=False, two_stage=TwoStage.NONE),
    )


def plan_primary_after_liver(case: Case) -> Plan:
    p = case.patient.primary
    procedure = f"resection of {primary_words(p.site)} (liver first)"
    reasons: tuple[str, ...] = ("the liver metastases are out; the primary comes next",)
    rules: tuple[str, ...] = ("D-SEQUENCING",)
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


def primary_to_resection(case: Case) -> tuple[float, tuple[str, ...]]:
    """Liver surgery to the primary's resection: recovery, and the primary's own preparation."""
    profile = profile_of(case.patient.primary.site)
    if profile is not None and profile.primary_after_liver is not None:
        _, _, rules = profile.primary_after_liver(case)
        if "D-PELVIC-RT" in rules:  # pelvic radiotherapy over 5 weeks, the resection 6 weeks after it
            return (RECOVERY + PELVIC_RT + PELVIC_RT_TO_SURGERY, ("D-CLOCK", "D-PELVIC-RT-CLOCK"))
    return (RECOVERY, ("D-CLOCK",))


def continuing(case: Case) -> tuple[str, ...]:
    """R39: therapy that goes on through follow-up, named at every visit."""
    regimen = case.course.regimen
    if regimen is None or not regimen.continued:
        return ()
    return (f"at every visit: {regimen.name} goes on",)


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


def _follow_up_figures(case: Case) -> tuple[str, ...]:
    profile = profile_of(case.patient.primary.site)
    if profile is None or profile.follow_up_figures is None:
        return ()
    return profile.follow_up_figures(case)


def _surveillance(case: Case, *more: str) -> Plan:
    carried_on = continuing(case)
    regimen = case.course.regimen
    return Plan(
        Decision(
            Category.SURVEILLANCE,
            Intent.CURATIVE,
            regimen.name if carried_on and regimen else None,
            surveillance_procedure(case),
        ),
        reasons=(surveillance_text(case), *more, *carried_on, *_follow_up_figures(case)),
        rules=(
            "R30",
            "D-SURVEILLANCE",
            *(("R39",) if carried_on else ()),
            *(("R44",) if _follow_up_figures(case) else ()),
        ),
    )


def plan_surveillance(case: Case) -> Plan:
    r1 = ("R1 margin, no postoperative therapy left to give",) if case.course.margin == "R1" else ()
    return _surveillance(case, *r1)


def plan_adjuvant_done(case: Case) -> Plan:
    course = case.course
    plan = _surveillance(case)
    return Plan(
        plan.decision,
        plan.reasons,
        tuple(r for r in plan.rules if r != "R30"),
        course=last_doses(case, course.month + course.adjuvant_months),
    )


def plan_recurrence(case: Case) -> Plan:
    where = case.course.recurrence or ""
    patient: dict[str, Any] = {}
    rules: tuple[str, ...] = ()
    figures = _follow_up_figures(case)
    reasons = list(figures)
    if figures:
        rules = ("R44",)
    if where == "extrahepatic" and case.patient.extrahepatic == "none":
        patient["extrahepatic"] = "unresectable"
        rules += ("D-RECURRENCE-EHD",)
        reasons.append("extrahepatic recurrence of unstated resectability: taken as unresectable")
    return Plan(
        Decision(Category.RECURRENCE, None, None, "restaging"), reasons=tuple(reasons), rules=rules, patient=patient
    )


def failure_intervals(case: Case, event: str, at: float) -> tuple[dict[str, Any], list[str], tuple[str, ...]]:
    """R12, R13b: months from the last oxaliplatin and anti-EGFR doses given on the pathway to this
    recurrence or progression; the most recent interval governs, whatever the history said."""
    course = case.course
    patient: dict[str, Any] = {}
    reasons: list[str] = []
    rules: tuple[str, ...] = ()
    for last, field, drug, rule in (
        (course.oxaliplatin_last_month, "oxaliplatin_failure_months", "oxaliplatin", "R12"),
        (course.anti_egfr_last_month, "anti_egfr_failure_months", "an anti-EGFR antibody", "R13b"),
    ):
        if last is None:
            continue
        months = round(at - last, 1)
        patient[field] = months
        when = f"on {drug}" if months == 0 else f"{num(months)} months after the last dose of {drug}"
        reasons.append(f"{event} {when}")
        rules += (rule,)
    return patient, reasons, rules


def plan_restaged(case: Case) -> Plan:
    course = case.course
    patient, intervals, rules = failure_intervals(case, "recurrence", course.month)  # when it was found
    first = "back to the MDT, which applies the pathway again"
    liver = case.patient.liver
    if course.recurrence == "liver_only" and liver.r0_achievable and liver.lesions <= g.MAX_RESECTABLE_LESIONS:
        first = "back to the MDT: re-resection of a resectable liver-only recurrence improves survival"
    reasons = [first, *intervals]
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
            failed_line=course.regimen,
        ),
    )


def plan_disease_free(case: Case) -> Plan:
    return Plan(Decision(Category.DISEASE_FREE, Intent.CURATIVE, None, "discharge from surveillance"))


def plan_maintenance(case: Case) -> Plan:
    regimen = regimen_name(case)
    return Plan(
        Decision(Category.MAINTENANCE, Intent.MAINTENANCE, regimen, "follow-up on continuing therapy"),
        reasons=(
            f"no evidence of disease after 5 years on {regimen}: maintenance, not disease-free (the therapy is not over)",
        ),
        rules=("R39",),
    )


def plan_liver_after_primary(case: Case) -> Plan:
    return Plan(Decision(Category.PRIMARY_RESECTED, None, None, "MDT review of the liver disease"))


# --- roads every pathway has ----------------------------------------------------------------

EVERY_PATHWAY: tuple[Road, ...] = (
    Road(
        name="referred",
        title="referral",
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
        title="end of the block",
        source="neoadjuvant",
        dest="reassessment",
        rank=FIRST,
        rules=("R16",),
        label="after 2-3 months",
        plan=plan_block_done,
    ),
    Road(
        name="palliative_block_done",
        title="end of the block",
        source="palliative_systemic",
        dest="reassessment",
        rank=FIRST,
        rules=("R16",),
        label="after 2-3 months",
        plan=plan_block_done,
    ),
    Road(
        name="local_block_done",
        title="end of the block",
        source="locoregional",
        dest="reassessment",
        rank=FIRST,
        rules=("R28",),
        label="after 2-3 months",
        plan=plan_local_block_done,
    ),
    Road(
        name="urgent_review_performance",
        title="urgent review for poor performance",
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
        title="the primary after liver-first surgery",
        source="surgery",
        dest="primary_resection",
        rank=OWN + 20,
        guards=(g.primary_in_place,),
        rules=("R26", "D-SEQUENCING"),
        label="primary still in place",
        plan=plan_primary_after_liver,
        lead=primary_to_resection,
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
        title="the liver after the primary",
        source="primary_resection",
        dest="mdt_review",
        rank=FIRST,
        guards=(g.liver_untreated,),
        rules=("R1", "R25"),
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
        rules=("R31", "D-RECURRENCE-OTHER"),
        label="recurrence",
        plan=plan_recurrence,
    ),
    Road(
        name="five_years_disease_free",
        title="five years disease-free",
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
        rules=("R1", "R31", "D-RECURRENCE-OTHER"),
        label="restaged",
        plan=plan_restaged,
    ),
)

# --- roads some pathways take (their tables list them) -----------------------------------------

# R29 comes from a colorectal source; neuroendocrine disease answers symptoms with TACE/TAE (R32).
URGENT_REVIEW_SYMPTOMS = Road(
    name="urgent_review_symptoms",
    title="urgent review for severe symptoms",
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

# R39: five years without recurrence on a continuing therapy (GIST TKI, HR+ or HER2+ breast, NET SSA).
FIVE_YEARS_ON_MAINTENANCE = Road(
    name="five_years_on_maintenance",
    title="five years on continuing therapy",
    source="surveillance",
    dest="maintenance",
    rank=FIRST + 5,
    guards=(g.no_recurrence, g.continuing_therapy),
    rules=("R39", "D-SURVEILLANCE"),
    label="none at 5 years, therapy continues",
    plan=plan_maintenance,
)

# A palliative (or ablative) course that is not progressing continues (R16, D-PALLIATIVE-REGIMEN).
CONTINUE_PALLIATIVE_LINE = Road(
    name="continue_palliative_line",
    title="the palliative line continues",
    source="reassessment",
    dest="palliative_systemic",
    rank=LATE,
    guards=(g.intent_is(Intent.PALLIATIVE, Intent.ABLATIVE),),
    rules=("R16", "D-CONTINUE-LINE"),
    label="palliative, not progressing",
    plan=plan_continue_palliative,
)
