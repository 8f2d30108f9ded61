"""Guards: named, pure predicates over a Case that say in words why they passed or failed.

Each guard carries the rules it encodes and declares what it reads: the fields of the case, each
with the values on either side of the guard's boundary (an empty tuple: every value of an
enumerated field). `pathway lint` builds its grid of patients from these declarations, and a test
traces every guard to prove it reads nothing it does not declare.

Every guard is registered by name in GUARDS; roads list guards, and a road is open when all of its
guards pass. Each guard also has a *fast form* (`fast`): the same predicate as a plain boolean, no
reasons built, which the cohort fast path (pathway.engine.run_fast) uses; a test holds the two forms equal on
every boundary the guard declares and on random patients, and fails if a guard lacks its fast form. Reasons read as facts ("FLR 25% is below 30%"), so a teacher can read them aloud for
the road taken and for every road blocked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .course import Case, Intent, Response, TwoStage
from .patient import AblationPlan
from .profile import noun, profile_of

# Thresholds, each from the rule book.
FLR_MIN_PERCENT = 30.0  # R4, R6, R20, R21
MAX_RESECTABLE_LESIONS = 10  # R4, R6
MULTIFOCAL_LESIONS = 5  # R7, R10: more than 5 is multifocal / high risk
SMALL_SOLITARY_CM = 2.0  # R8: single metastasis under 2 cm
RFA_MAX_LESIONS = 9  # R23
RFA_MAX_CM = 4.0  # R23
ABLATION_MAX_CM = 4.0  # R22: ablated lesions under 4 cm
ABLATION_BEST_CM = 3.0  # R22: best at or under 3 cm
CEA_HIGH_RISK = 200.0  # R10 (derived threshold, Fong score)
OXALIPLATIN_FAILURE_MONTHS = 12.0  # R12: within 12 months
SIMULTANEOUS_MAX_LESIONS = 3  # D-SIMULTANEOUS
SIMULTANEOUS_MAX_CM = 3.0  # D-SIMULTANEOUS
PROLONGED_CHEMO_MONTHS = 6.0  # S1 warning, D-PROLONGED

# `reads` values: every value of an enumerated field, or these boundaries of a numeric one.
EVERY: tuple[Any, ...] = ()
Reads = Mapping[str, tuple[Any, ...]]


@dataclass(frozen=True)
class Verdict:
    """Whether a guard passed, and why in words."""

    passed: bool
    reasons: tuple[str, ...]


@dataclass(eq=False, repr=False)
class Guard:
    """A named predicate. `label` is the short clinical text drawn on diagrams."""

    name: str
    label: str
    rules: tuple[str, ...]
    test: Callable[[Case], Verdict]
    reads: Reads = field(default_factory=dict)
    context: bool = False  # about the occasion, not the patient: a road it blocks is not narrated as not taken
    fast: Callable[[Case], bool] | None = None  # the same predicate, without reasons (the cohort fast path)

    def __call__(self, case: Case) -> Verdict:
        return self.test(case)


class GuardError(Exception):
    """Two different guards were registered under one name."""


GUARDS: dict[str, Guard] = {}


def register(guard_: Guard) -> Guard:
    """Add a guard to the registry; a name names one guard only."""
    known = GUARDS.get(guard_.name)
    if known is not None and known is not guard_:
        raise GuardError(f"two guards are named {guard_.name!r}")
    GUARDS[guard_.name] = guard_
    return guard_


def verdict(passed: bool, reason: str) -> Verdict:
    return Verdict(passed, (reason,))


def num(x: float) -> str:
    """A number as a clinician writes it: 30, 29.9."""
    return f"{x:g}"


def mets(n: int) -> str:
    """'1 metastasis', '3 metastases'."""
    return f"{n} metastas{'is' if n == 1 else 'es'}"


def guard(
    name: str,
    label: str,
    *rules: str,
    reads: Reads,
    context: bool = False,
    fast: Callable[[Case], bool] | None = None,
) -> Callable[[Callable[[Case], Verdict]], Guard]:
    """Declare and register a guard: `@guard("ecog_2", "ECOG 2", "D-ECOG", reads={...}, fast=...)`."""

    def wrap(fn: Callable[[Case], Verdict]) -> Guard:
        return register(Guard(name, label, tuple(rules), fn, reads, context, fast))

    return wrap


def negation(of: Guard, name: str, label: str, *rules: str) -> Guard:
    """The opposite of `of`, with the same reasons (they state the fact either way)."""

    def test(c: Case) -> Verdict:
        v = of(c)
        return Verdict(not v.passed, v.reasons)

    other = of.fast
    fast = None if other is None else (lambda c: not other(c))
    return register(Guard(name, label, rules or of.rules, test, of.reads, fast=fast))


@guard("always", "otherwise", reads={}, fast=lambda c: True)
def always(c: Case) -> Verdict:
    """The last road of a state, or the last row of a regimen table: whatever came before failed."""
    return Verdict(True, ())


def _words(symptoms: tuple[str, ...]) -> str:
    return ", ".join(s.replace("_", " ") for s in symptoms)


# --- performance status and fitness -------------------------------------------------------

ECOG = "patient.ecog"


@guard("ecog_0_1", "ECOG 0-1", "R4", reads={ECOG: (1, 2)}, fast=lambda c: c.patient.ecog <= 1)
def ecog_0_1(c: Case) -> Verdict:
    e = c.patient.ecog
    return verdict(e <= 1, f"ECOG {e} allows major surgery (0-1)" if e <= 1 else f"ECOG {e} is above 1")


@guard("ecog_2", "ECOG 2", "D-ECOG", reads={ECOG: (1, 2, 3)}, fast=lambda c: c.patient.ecog == 2)
def ecog_2(c: Case) -> Verdict:
    e = c.patient.ecog
    return verdict(e == 2, "ECOG 2: fit for systemic therapy, not for major surgery" if e == 2 else f"ECOG {e}, not 2")


@guard("ecog_3_4", "ECOG 3-4", "D-ECOG", reads={ECOG: (2, 3)}, fast=lambda c: c.patient.ecog >= 3)
def ecog_3_4(c: Case) -> Verdict:
    e = c.patient.ecog
    return verdict(e >= 3, f"ECOG {e}: too unwell for anticancer therapy" if e >= 3 else f"ECOG {e}, below 3")


@guard(
    "fit_and_willing",
    "fit for and accepts surgery",
    "R4",
    reads={"patient.fit_for_surgery": EVERY, "patient.refuses_surgery": EVERY},
    fast=lambda c: c.patient.fit_for_surgery and not c.patient.refuses_surgery,
)
def fit_and_willing(c: Case) -> Verdict:
    p = c.patient
    if not p.fit_for_surgery:
        return verdict(False, "comorbidities rule out major surgery")
    if p.refuses_surgery:
        return verdict(False, "the patient refuses surgery")
    return verdict(True, "fit for major surgery and willing")


unfit_or_refuses = negation(fit_and_willing, "unfit_or_refuses", "unfit for or refuses surgery", "R23")


@guard(
    "unfit_for_major_surgery",
    "ECOG 2, unfit or refusing surgery",
    "R23",
    reads={ECOG: (1, 2, 3), "patient.fit_for_surgery": EVERY, "patient.refuses_surgery": EVERY},
    fast=lambda c: c.patient.ecog >= 2 or not c.patient.fit_for_surgery or c.patient.refuses_surgery,
)
def unfit_for_major_surgery(c: Case) -> Verdict:
    """R38: ECOG 2 counts as unfit for major surgery, like comorbidities or a refusal (R23)."""
    p = c.patient
    if p.ecog >= 2:
        return verdict(True, f"ECOG {p.ecog}: unfit for major surgery")
    v = unfit_or_refuses(c)
    fit = f"fit for major surgery (ECOG {p.ecog}) and willing"
    return v if v.passed else verdict(False, fit)


# --- the primary ---------------------------------------------------------------------------

SITE = "patient.primary.site"


@guard(
    "primary_known", "primary site known", "R2", reads={SITE: EVERY}, fast=lambda c: c.patient.primary.site != "unknown"
)
def primary_known(c: Case) -> Verdict:
    site = c.patient.primary.site
    if site == "unknown":
        return verdict(False, "the primary site is still unknown: staging cannot complete")
    return verdict(True, f"primary site known: {noun(site)}")


def _biomarkers_known(c: Case) -> bool:
    profile = profile_of(c.patient.primary.site)
    b = c.patient.biomarkers
    return profile is None or all(getattr(b, m.field) != "unknown" for m in profile.markers)


@guard(
    "biomarkers_known",
    "biomarkers known",
    "R3",
    reads={SITE: EVERY, "patient.biomarkers": EVERY},
    fast=_biomarkers_known,
)
def biomarkers_known(c: Case) -> Verdict:
    """R3: the markers each primary's systemic therapy is chosen by (its profile names them)."""
    p = c.patient
    profile = profile_of(p.primary.site)
    wanted = profile.markers if profile is not None else ()
    if not wanted:
        return verdict(True, "no biomarker gate for this primary")
    b = p.biomarkers
    missing = [m.label for m in wanted if getattr(b, m.field) == "unknown"]
    if missing:
        return verdict(False, f"{', '.join(missing)} unknown: systemic therapy cannot start")
    return verdict(True, ", ".join(m.show(getattr(b, m.field)) for m in wanted))


@guard(
    "symptomatic_primary_in_place",
    "symptomatic primary in place",
    "R25",
    reads={"patient.primary.resected": EVERY, "patient.primary.symptomatic": EVERY},
    fast=lambda c: not c.patient.primary.resected and c.patient.primary.symptomatic,
)
def symptomatic_primary_in_place(c: Case) -> Verdict:
    p = c.patient.primary
    if p.resected:
        return verdict(False, "the primary is already resected")
    if not p.symptomatic:
        return verdict(False, "the primary in place is asymptomatic")
    return verdict(True, "the primary in place is symptomatic (bleeding, obstruction or perforation)")


@guard(
    "primary_in_place",
    "primary still in place",
    "R26",
    reads={"patient.primary.resected": EVERY},
    fast=lambda c: not c.patient.primary.resected,
)
def primary_in_place(c: Case) -> Verdict:
    resected = c.patient.primary.resected
    return verdict(not resected, "the primary is resected" if resected else "the primary is still in place")


# --- extent of liver disease ---------------------------------------------------------------

LESIONS = "patient.liver.lesions"
LARGEST = "patient.liver.largest_cm"
FLR = "patient.liver.flr_percent"
EHD = "patient.extrahepatic"


@guard(
    "r0_achievable",
    "R0 achievable",
    "R4",
    reads={"patient.liver.r0_achievable": EVERY},
    fast=lambda c: c.patient.liver.r0_achievable,
)
def r0_achievable(c: Case) -> Verdict:
    ok = c.patient.liver.r0_achievable
    return verdict(ok, "R0 resection achievable for all disease" if ok else "R0 resection not achievable")


@guard(
    "at_most_10_lesions",
    "<= 10 metastases",
    "R4",
    "R6",
    reads={LESIONS: (10, 11)},
    fast=lambda c: c.patient.liver.lesions <= MAX_RESECTABLE_LESIONS,
)
def at_most_10_lesions(c: Case) -> Verdict:
    n = c.patient.liver.lesions
    ok = n <= MAX_RESECTABLE_LESIONS
    return verdict(ok, f"{mets(n)}, at most 10" if ok else f"{n} metastases exceed 10")


@guard(
    "flr_at_least_30",
    "FLR >= 30%",
    "R4",
    "R6",
    reads={FLR: (29.9, 30)},
    fast=lambda c: c.patient.liver.flr_percent >= FLR_MIN_PERCENT,
)
def flr_at_least_30(c: Case) -> Verdict:
    f = c.patient.liver.flr_percent
    ok = f >= FLR_MIN_PERCENT
    return verdict(ok, f"FLR {num(f)}% is at least 30%" if ok else f"FLR {num(f)}% is below 30%")


flr_below_30 = negation(flr_at_least_30, "flr_below_30", "FLR < 30%", "R20", "R21")


@guard(
    "no_unresectable_ehd",
    "no unresectable EHD",
    "R4",
    reads={EHD: EVERY},
    fast=lambda c: c.patient.extrahepatic != "unresectable",
)
def no_unresectable_ehd(c: Case) -> Verdict:
    e = c.patient.extrahepatic
    if e == "unresectable":
        return verdict(False, "unresectable extrahepatic disease")
    if e == "resectable":
        return verdict(True, "extrahepatic disease is limited and resectable R0")
    return verdict(True, "no extrahepatic disease")


unresectable_ehd = negation(no_unresectable_ehd, "unresectable_ehd", "unresectable EHD", "R4")


@guard("no_ehd", "no EHD", "R23", reads={EHD: EVERY}, fast=lambda c: c.patient.extrahepatic == "none")
def no_ehd(c: Case) -> Verdict:
    e = c.patient.extrahepatic
    return verdict(e == "none", "no extrahepatic disease" if e == "none" else f"extrahepatic disease ({e})")


def _initially_unresectable(c: Case) -> bool:
    lv = c.patient.liver
    return lv.lesions > MAX_RESECTABLE_LESIONS or lv.flr_percent < FLR_MIN_PERCENT or not lv.r0_achievable


@guard(
    "initially_unresectable",
    "> 10 nodules, FLR < 30% or no R0",
    "R6",
    reads={LESIONS: (10, 11), FLR: (29.9, 30), "patient.liver.r0_achievable": EVERY},
    fast=_initially_unresectable,
)
def initially_unresectable(c: Case) -> Verdict:
    lv = c.patient.liver
    found = []
    if lv.lesions > MAX_RESECTABLE_LESIONS:
        found.append(f"{lv.lesions} metastases exceed 10")
    if lv.flr_percent < FLR_MIN_PERCENT:
        found.append(f"FLR {num(lv.flr_percent)}% is below 30%")
    if not lv.r0_achievable:
        found.append("R0 resection not achievable")
    if found:
        return Verdict(True, tuple(found))
    return verdict(False, "R0 achievable, at most 10 metastases, FLR at least 30%: not initially unresectable")


@guard("single_lesion", "single metastasis", "R8", reads={LESIONS: (1, 2)}, fast=lambda c: c.patient.liver.lesions == 1)
def single_lesion(c: Case) -> Verdict:
    n = c.patient.liver.lesions
    return verdict(n == 1, "a single metastasis" if n == 1 else f"{mets(n)}, not a single one")


@guard(
    "largest_below_2cm",
    "< 2 cm",
    "R8",
    reads={LARGEST: (1.9, 2.0)},
    fast=lambda c: c.patient.liver.largest_cm < SMALL_SOLITARY_CM,
)
def largest_below_2cm(c: Case) -> Verdict:
    s = c.patient.liver.largest_cm
    ok = s < SMALL_SOLITARY_CM
    return verdict(ok, f"largest {num(s)} cm is under 2 cm" if ok else f"largest {num(s)} cm is not under 2 cm")


def multifocal_facts(c: Case) -> list[str]:
    """R7: more than 5 metastases or bilobar spread."""
    lv = c.patient.liver
    out = []
    if lv.lesions > MULTIFOCAL_LESIONS:
        out.append(f"{lv.lesions} metastases (more than 5)")
    if lv.bilobar:
        out.append("bilobar spread")
    return out


MULTIFOCAL_READS: Reads = {LESIONS: (5, 6), "patient.liver.bilobar": EVERY}


@guard(
    "not_multifocal",
    "not multifocal",
    "R7",
    reads=MULTIFOCAL_READS,
    fast=lambda c: c.patient.liver.lesions <= MULTIFOCAL_LESIONS and not c.patient.liver.bilobar,
)
def not_multifocal(c: Case) -> Verdict:
    facts = multifocal_facts(c)
    if facts:
        return verdict(False, "multifocal disease: " + " and ".join(facts))
    return verdict(True, "not multifocal (at most 5 metastases, one lobe)")


def high_risk_features(c: Case) -> list[str]:
    """R10: features that make chemotherapy before surgery mandatory."""
    p = c.patient
    out = multifocal_facts(c)
    if p.presentation == "synchronous":
        out.append("synchronous presentation")
    if p.primary.node_positive:
        out.append("node-positive primary")
    if p.cea_ng_ml is not None and p.cea_ng_ml > CEA_HIGH_RISK:
        out.append(f"CEA {num(p.cea_ng_ml)} ng/mL above 200")
    if p.extrahepatic == "resectable":
        out.append("resectable extrahepatic disease")
    return out


def _no_high_risk_features(c: Case) -> bool:
    p = c.patient
    lv = p.liver
    return not (
        lv.lesions > MULTIFOCAL_LESIONS
        or lv.bilobar
        or p.presentation == "synchronous"
        or p.primary.node_positive
        or (p.cea_ng_ml is not None and p.cea_ng_ml > CEA_HIGH_RISK)
        or p.extrahepatic == "resectable"
    )


@guard(
    "no_high_risk_features",
    "no high-risk features",
    "R10",
    "D-CEA",
    reads={
        **MULTIFOCAL_READS,
        "patient.presentation": EVERY,
        "patient.primary.node_positive": EVERY,
        "patient.cea_ng_ml": (200, 200.1),
        EHD: EVERY,
    },
    fast=_no_high_risk_features,
)
def no_high_risk_features(c: Case) -> Verdict:
    found = high_risk_features(c)
    if found:
        return verdict(False, "high-risk features: " + ", ".join(found))
    return verdict(True, "no high-risk features")


@guard("bilobar", "bilobar", "R21", reads={"patient.liver.bilobar": EVERY}, fast=lambda c: c.patient.liver.bilobar)
def bilobar(c: Case) -> Verdict:
    b = c.patient.liver.bilobar
    return verdict(b, "bilobar disease" if b else "disease confined to one lobe")


one_lobe = negation(bilobar, "one_lobe", "one lobe", "R20")


@guard(
    "rfa_eligible_extent",
    "<= 9 metastases, each <= 4 cm",
    "R23",
    reads={LESIONS: (9, 10), LARGEST: (4.0, 4.1)},
    fast=lambda c: c.patient.liver.lesions <= RFA_MAX_LESIONS and c.patient.liver.largest_cm <= RFA_MAX_CM,
)
def rfa_eligible_extent(c: Case) -> Verdict:
    lv = c.patient.liver
    problems = []
    if lv.lesions > RFA_MAX_LESIONS:
        problems.append(f"{lv.lesions} metastases exceed 9")
    if lv.largest_cm > RFA_MAX_CM:
        problems.append(f"largest {num(lv.largest_cm)} cm exceeds 4 cm")
    if problems:
        return Verdict(False, tuple(problems))
    return verdict(True, f"{mets(lv.lesions)}, largest {num(lv.largest_cm)} cm: within ablation limits")


def _ablation_plan_ok(c: Case) -> bool:
    lv = c.patient.liver
    plan = lv.ablation
    return (
        plan is not None
        and not lv.perivascular
        and plan.largest_cm < ABLATION_MAX_CM
        and plan.flr_percent >= FLR_MIN_PERCENT
    )


@guard(
    "ablation_plan_ok",
    "ablating lesions < 4 cm keeps FLR >= 30%",
    "R22",
    reads={
        "patient.liver.ablation": (
            None,
            AblationPlan(3.9, 30.0),
            AblationPlan(4.0, 30.0),
            AblationPlan(3.9, 29.9),
        ),
        "patient.liver.perivascular": EVERY,
    },
    fast=_ablation_plan_ok,
)
def ablation_plan_ok(c: Case) -> Verdict:
    lv = c.patient.liver
    plan = lv.ablation
    if plan is None:
        return verdict(False, "no lesion suited to ablation in place of resection")
    if lv.perivascular:
        return verdict(False, "perivascular lesions: ablation would be incomplete")
    if plan.largest_cm >= ABLATION_MAX_CM:
        return verdict(False, f"lesion to ablate {num(plan.largest_cm)} cm is not under 4 cm")
    if plan.flr_percent < FLR_MIN_PERCENT:
        return verdict(False, f"even with ablation the FLR {num(plan.flr_percent)}% is below 30%")
    return verdict(
        True,
        f"ablating lesions up to {num(plan.largest_cm)} cm leaves FLR {num(plan.flr_percent)}% (at least 30%)",
    )


# --- response, findings and course --------------------------------------------------------

RESPONSE = "course.response"


def response_is(*responses: Response, rules: tuple[str, ...], name: str | None = None) -> Guard:
    """The response read at this reassessment is one of `responses` (RECIST 1.1)."""
    wanted = " or ".join(responses)

    def test(c: Case) -> Verdict:
        r = c.course.response
        if r is None:
            return verdict(False, "no response reported")
        return verdict(r in responses, f"response: {r}" + ("" if r in responses else f" (not {wanted})"))

    def fast(c: Case) -> bool:
        return c.course.response in responses

    named = name or f"response_{'_or_'.join(responses)}"
    return register(Guard(named, wanted, rules, test, reads={RESPONSE: EVERY}, fast=fast))


@guard(
    "no_progression",
    "no progression",
    "R4",
    reads={RESPONSE: EVERY, "course.regimen": EVERY, "course.two_stage": EVERY},
    fast=lambda c: c.course.response != Response.PROGRESSION,
)
def no_progression(c: Case) -> Verdict:
    r = c.course.response
    if r == Response.PROGRESSION:
        if c.course.two_stage == TwoStage.STAGE_1_DONE:
            return verdict(False, "disease progressed between the stages")
        regimen = c.course.regimen
        on = " on chemotherapy" if regimen is not None and regimen.kind == "chemotherapy" else ""
        return verdict(False, f"disease progressed{on}")
    return verdict(True, f"no progression (response: {r})" if r else "no progression reported")


@guard(
    "not_mixed",
    "not a mixed response",
    "R37",
    reads={RESPONSE: EVERY},
    fast=lambda c: c.course.response != Response.MIXED,
)
def not_mixed(c: Case) -> Verdict:
    """R37: a mixed response is never 'resectable now': the growing lesions show resistant disease."""
    if c.course.response == Response.MIXED:
        return verdict(False, "mixed response: some lesions grow, showing resistant disease")
    return verdict(True, "not a mixed response")


SYMPTOMS = "patient.symptoms"


@guard("severe_symptoms", "severe symptoms", "R29", reads={SYMPTOMS: EVERY}, fast=lambda c: bool(c.patient.symptoms))
def severe_symptoms(c: Case) -> Verdict:
    s = c.patient.symptoms
    if s:
        return verdict(True, "severe symptoms: " + _words(s))
    return verdict(False, "no severe symptoms")


@guard(
    "local_symptoms",
    "biliary obstruction or pain",
    "R29",
    "D-SYMPTOMS",
    reads={SYMPTOMS: EVERY},
    fast=lambda c: any(s in ("biliary_obstruction", "intractable_pain") for s in c.patient.symptoms),
)
def local_symptoms(c: Case) -> Verdict:
    local = tuple(s for s in c.patient.symptoms if s in ("biliary_obstruction", "intractable_pain"))
    if local:
        return verdict(True, "symptoms from the liver disease: " + _words(local))
    return verdict(False, "no biliary obstruction or intractable pain")


def intent_is(*intents: Intent, rules: tuple[str, ...] = ()) -> Guard:
    wanted = " or ".join(intents)

    def test(c: Case) -> Verdict:
        i = c.course.intent
        return verdict(i in intents, f"treatment intent: {i}" + ("" if i in intents else f" (not {wanted})"))

    def fast(c: Case) -> bool:
        return c.course.intent in intents

    name = f"intent_{'_or_'.join(intents)}" + (f"_{'_'.join(rules)}" if rules else "")
    return register(Guard(name, f"{wanted} intent", rules, test, reads={"course.intent": EVERY}, fast=fast))


@guard(
    "two_stage_stage1_done",
    "two-stage: stage 1 done",
    "R21",
    reads={"course.two_stage": EVERY},
    fast=lambda c: c.course.two_stage == TwoStage.STAGE_1_DONE,
)
def two_stage_stage1_done(c: Case) -> Verdict:
    done = c.course.two_stage == TwoStage.STAGE_1_DONE
    return verdict(done, "stage 1 of a two-stage hepatectomy is done" if done else "no two-stage plan under way")


no_two_stage_plan = negation(two_stage_stage1_done, "no_two_stage_plan", "no two-stage plan", "R20")


@guard(
    "liver_treated",
    "liver disease treated",
    "R26",
    reads={"course.liver_treated": EVERY},
    fast=lambda c: c.course.liver_treated,
)
def liver_treated(c: Case) -> Verdict:
    t = c.course.liver_treated
    return verdict(t, "the liver metastases are resected" if t else "the liver metastases are not treated yet")


liver_untreated = negation(liver_treated, "liver_untreated", "liver disease not yet treated", "R25")


def remaining_postoperative_months(c: Case) -> float:
    """After liver surgery, by the primary's postoperative course: complete the total (ADJ: 6 months
    of perioperative therapy; R8 gives all 6 after upfront surgery), or continue for a set time."""
    profile = profile_of(c.patient.primary.site)
    post = profile.postoperative if profile is not None else None
    if post is None:
        return 0.0
    if post.in_total:
        return max(0.0, post.months - c.course.systemic_months)
    return post.months


def _postoperative_therapy_due(c: Case) -> bool:
    regimen = c.course.regimen
    return regimen is not None and not regimen.continued and remaining_postoperative_months(c) > 0


@guard(
    "postoperative_therapy_due",
    "therapy to 6 months due",
    "ADJ",
    "R5",
    reads={SITE: EVERY, "course.regimen": EVERY, "course.systemic_months": (3.0, 6.0)},
    fast=_postoperative_therapy_due,
)
def postoperative_therapy_due(c: Case) -> Verdict:
    regimen = c.course.regimen
    if regimen is None:
        return verdict(False, "no systemic regimen planned around surgery")
    if regimen.continued:  # R39
        return verdict(False, f"no fixed postoperative course: {regimen.name} is continued, not completed")
    profile = profile_of(c.patient.primary.site)
    post = profile.postoperative if profile is not None else None
    left = remaining_postoperative_months(c)
    given = c.course.systemic_months
    if post is not None and not post.in_total:
        return verdict(left > 0, f"{num(left)} months of {regimen.name} after the resection")
    total = num(post.months) if post is not None else "6"
    if left > 0:
        return verdict(True, f"{num(given)} of {total} months of perioperative therapy given: {num(left)} remain")
    return verdict(False, f"{num(given)} months of systemic therapy already given: {total} months complete")


@guard(
    "continuing_therapy",
    "therapy continues",
    "R39",
    reads={"course.regimen": EVERY},
    fast=lambda c: c.course.regimen is not None and c.course.regimen.continued,
)
def continuing_therapy(c: Case) -> Verdict:
    """R39: a TKI, endocrine or HER2-targeted therapy or a somatostatin analogue goes on."""
    regimen = c.course.regimen
    if regimen is not None and regimen.continued:
        return verdict(True, f"{regimen.name} continues")
    return verdict(False, "no continuing therapy")


no_postoperative_therapy_due = negation(
    postoperative_therapy_due, "no_postoperative_therapy_due", "6 months complete", "ADJ"
)


@guard(
    "margin_r2", "R2 margin", "R5", "D-R2-MDT", reads={"course.margin": EVERY}, fast=lambda c: c.course.margin == "R2"
)
def margin_r2(c: Case) -> Verdict:
    m = c.course.margin
    return verdict(m == "R2", "R2 resection: macroscopic disease left" if m == "R2" else f"margin {m}, not R2")


@guard(
    "recurrence_found",
    "recurrence",
    "R31",
    reads={"course.recurrence": EVERY},
    fast=lambda c: c.course.recurrence in ("liver_only", "extrahepatic"),
)
def recurrence_found(c: Case) -> Verdict:
    r = c.course.recurrence
    if r in ("liver_only", "extrahepatic"):
        return verdict(True, f"recurrence: {r.replace('_', '-')}")
    return verdict(False, "no recurrence")


@guard(
    "no_recurrence",
    "no recurrence",
    "R30",
    "D-SURVEILLANCE",
    reads={"course.recurrence": EVERY},
    fast=lambda c: c.course.recurrence not in ("liver_only", "extrahepatic"),
)
def no_recurrence(c: Case) -> Verdict:
    v = recurrence_found(c)
    return Verdict(
        not v.passed, v.reasons if v.passed else ("no recurrence 5 years after the last curative treatment",)
    )


# R4: the resectability criteria, one guard each so that every failure is named.
RESECTABLE_AT_PRESENTATION = (
    r0_achievable,
    at_most_10_lesions,
    flr_at_least_30,
    ecog_0_1,
    fit_and_willing,
    no_unresectable_ehd,
)
OPERABLE = (ecog_0_1, fit_and_willing, no_unresectable_ehd)
RESECTABLE_NOW = (no_progression, *RESECTABLE_AT_PRESENTATION)
# R4 for the other primaries: R42, the colorectal count of 10 (R6) is not theirs.
RESECTABLE_ANY_PRIMARY = (r0_achievable, flr_at_least_30, *OPERABLE)
RESECTABLE_ANY_PRIMARY_NOW = (no_progression, *RESECTABLE_ANY_PRIMARY)


def primary_noun(c: Case) -> str:
    """The patient's primary as narrated: 'colorectal', 'GIST'."""
    return noun(c.patient.primary.site)
