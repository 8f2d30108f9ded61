"""Guards: named, pure predicates over a Case that say in words why they passed or failed.

Each guard carries the rules it encodes. Transitions list guards; a transition is open when
all of its guards pass. Reasons read as facts ("FLR 25% is below 30%"), so a teacher can read
them aloud for the road taken and for every road blocked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .course import Case

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
PERIOPERATIVE_TOTAL_MONTHS = 6.0  # ADJ, R8, R17
SIMULTANEOUS_MAX_LESIONS = 3  # D-SIMULTANEOUS
SIMULTANEOUS_MAX_CM = 3.0  # D-SIMULTANEOUS
PROLONGED_CHEMO_MONTHS = 6.0  # S1 warning, D-PROLONGED


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True, eq=False, repr=False)
class Guard:
    """A named predicate. `label` is the short clinical text drawn on diagrams."""

    name: str
    label: str
    rules: tuple[str, ...]
    test: Callable[[Case], Verdict]
    sites: tuple[str, ...] = ()  # a scope guard: the road exists only for these primaries

    def __call__(self, case: Case) -> Verdict:
        return self.test(case)


def _v(passed: bool, reason: str) -> Verdict:
    return Verdict(passed, (reason,))


def _n(x: float) -> str:
    return f"{x:g}"


def guard(name: str, label: str, *rules: str) -> Callable[[Callable[[Case], Verdict]], Guard]:
    def wrap(fn: Callable[[Case], Verdict]) -> Guard:
        return Guard(name, label, tuple(rules), fn)

    return wrap


def negation(of: Guard, name: str, label: str, *rules: str) -> Guard:
    """The opposite of `of`, with the same reasons (they state the fact either way)."""

    def test(c: Case) -> Verdict:
        v = of(c)
        return Verdict(not v.passed, v.reasons)

    return Guard(name, label, rules or of.rules, test)


# --- performance status and fitness -------------------------------------------------------


@guard("ecog_0_1", "ECOG 0-1", "R4")
def ecog_0_1(c: Case) -> Verdict:
    e = c.patient.ecog
    return _v(e <= 1, f"ECOG {e} allows major surgery (0-1)" if e <= 1 else f"ECOG {e} is above 1")


@guard("ecog_2", "ECOG 2", "D-ECOG")
def ecog_2(c: Case) -> Verdict:
    e = c.patient.ecog
    return _v(e == 2, f"ECOG {e}" + (" is 2: fit for systemic therapy, not for surgery" if e == 2 else " is not 2"))


@guard("ecog_3_4", "ECOG 3-4", "D-ECOG")
def ecog_3_4(c: Case) -> Verdict:
    e = c.patient.ecog
    return _v(e >= 3, f"ECOG {e} is 3 or more" if e >= 3 else f"ECOG {e} is below 3")


@guard("fit_and_willing", "fit for and accepts surgery", "R4")
def fit_and_willing(c: Case) -> Verdict:
    p = c.patient
    if not p.fit_for_surgery:
        return _v(False, "not fit for major surgery (comorbidities)")
    if p.refuses_surgery:
        return _v(False, "the patient refuses surgery")
    return _v(True, "fit for major surgery and accepts it")


unfit_or_refuses = negation(fit_and_willing, "unfit_or_refuses", "unfit for or refuses surgery", "R23")


# --- the primary ---------------------------------------------------------------------------

PRIMARY_NAMES = {
    "colon": "colorectal",
    "rectum": "colorectal",
    "neuroendocrine": "neuroendocrine",
    "breast": "breast",
    "gastric": "gastric",
    "gist": "GIST",
    "sarcoma": "soft-tissue sarcoma",
    "unknown": "unknown",
}


def primary_is(*sites: str) -> Guard:
    """Scope: the road belongs to the pathway of these primaries (R32-R36 give each its own logic)."""
    names = sorted({PRIMARY_NAMES[s] for s in sites})
    label = " or ".join(names)

    def test(c: Case) -> Verdict:
        site = c.patient.primary.site
        ok = site in sites
        return _v(ok, f"{PRIMARY_NAMES[site]} primary" + ("" if ok else f" (this road is for {label})"))

    return Guard(f"primary_{'_'.join(names).replace(' ', '_')}", label, (), test, sites=tuple(sites))


colorectal = primary_is("colon", "rectum")


@guard("primary_known", "primary site known", "R2")
def primary_known(c: Case) -> Verdict:
    site = c.patient.primary.site
    if site == "unknown":
        return _v(False, "the primary site is still unknown: staging cannot complete")
    return _v(True, f"primary site known: {site}")


# R3: the markers each primary's systemic therapy is chosen by (R33 breast, R34 gastric).
REQUIRED_MARKERS = {
    "colon": (("RAS", "ras"), ("BRAF", "braf"), ("MMR", "mmr")),
    "rectum": (("RAS", "ras"), ("BRAF", "braf"), ("MMR", "mmr")),
    "gastric": (("HER2", "her2"),),
    "breast": (("hormone receptor", "hormone_receptor"), ("HER2", "her2")),
}


@guard("biomarkers_known", "biomarkers known", "R3")
def biomarkers_known(c: Case) -> Verdict:
    p = c.patient
    wanted = REQUIRED_MARKERS.get(p.primary.site, ())
    if not wanted:
        return _v(True, "no biomarker gate for this primary")
    b = p.biomarkers
    missing = [label for label, attr in wanted if getattr(b, attr) == "unknown"]
    if missing:
        return _v(False, f"{', '.join(missing)} unknown: systemic therapy cannot start")
    if p.primary.colorectal:
        return _v(True, f"RAS {b.ras}, BRAF {b.braf}, {b.mmr}")
    return _v(True, ", ".join(f"{label} {getattr(b, attr)}" for label, attr in wanted))


@guard("symptomatic_primary_in_place", "symptomatic primary in place", "R25")
def symptomatic_primary_in_place(c: Case) -> Verdict:
    p = c.patient.primary
    if p.resected:
        return _v(False, "the primary is already resected")
    if not p.symptomatic:
        return _v(False, "the primary in place is asymptomatic")
    return _v(True, "the primary in place is symptomatic (bleeding, obstruction or perforation)")


@guard("primary_in_place", "primary still in place", "R26", "R27")
def primary_in_place(c: Case) -> Verdict:
    resected = c.patient.primary.resected
    return _v(not resected, "the primary is resected" if resected else "the primary is still in place")


# --- extent of liver disease ---------------------------------------------------------------


@guard("r0_achievable", "R0 achievable", "R4")
def r0_achievable(c: Case) -> Verdict:
    ok = c.patient.liver.r0_achievable
    return _v(ok, "R0 resection achievable for all disease" if ok else "R0 resection not achievable")


@guard("at_most_10_lesions", "<= 10 metastases", "R4", "R6")
def at_most_10_lesions(c: Case) -> Verdict:
    n = c.patient.liver.lesions
    ok = n <= MAX_RESECTABLE_LESIONS
    return _v(ok, f"{n} metastases, at most 10" if ok else f"{n} metastases exceed 10")


@guard("flr_at_least_30", "FLR >= 30%", "R4", "R6")
def flr_at_least_30(c: Case) -> Verdict:
    f = c.patient.liver.flr_percent
    ok = f >= FLR_MIN_PERCENT
    return _v(ok, f"FLR {_n(f)}% is at least 30%" if ok else f"FLR {_n(f)}% is below 30%")


flr_below_30 = negation(flr_at_least_30, "flr_below_30", "FLR < 30%", "R20", "R21")


@guard("no_unresectable_ehd", "no unresectable EHD", "R4")
def no_unresectable_ehd(c: Case) -> Verdict:
    e = c.patient.extrahepatic
    if e == "unresectable":
        return _v(False, "unresectable extrahepatic disease")
    if e == "resectable":
        return _v(True, "extrahepatic disease is limited and resectable R0")
    return _v(True, "no extrahepatic disease")


unresectable_ehd = negation(no_unresectable_ehd, "unresectable_ehd", "unresectable EHD", "R4")


@guard("no_ehd", "no EHD", "R23")
def no_ehd(c: Case) -> Verdict:
    e = c.patient.extrahepatic
    return _v(e == "none", "no extrahepatic disease" if e == "none" else f"extrahepatic disease ({e})")


@guard("initially_unresectable", "> 10 nodules, FLR < 30% or no R0", "R6")
def initially_unresectable(c: Case) -> Verdict:
    lv = c.patient.liver
    found = []
    if lv.lesions > MAX_RESECTABLE_LESIONS:
        found.append(f"{lv.lesions} metastases exceed 10")
    if lv.flr_percent < FLR_MIN_PERCENT:
        found.append(f"FLR {_n(lv.flr_percent)}% is below 30%")
    if not lv.r0_achievable:
        found.append("R0 resection not achievable")
    if found:
        return Verdict(True, tuple(found))
    return _v(False, "R0 achievable with <= 10 metastases and FLR >= 30%: resectable")


@guard("single_lesion", "single metastasis", "R8")
def single_lesion(c: Case) -> Verdict:
    n = c.patient.liver.lesions
    return _v(n == 1, "a single metastasis" if n == 1 else f"{n} metastases, not a single one")


@guard("largest_below_2cm", "< 2 cm", "R8")
def largest_below_2cm(c: Case) -> Verdict:
    s = c.patient.liver.largest_cm
    ok = s < SMALL_SOLITARY_CM
    return _v(ok, f"largest {_n(s)} cm is under 2 cm" if ok else f"largest {_n(s)} cm is not under 2 cm")


def multifocal_facts(c: Case) -> list[str]:
    lv = c.patient.liver
    out = []
    if lv.lesions > MULTIFOCAL_LESIONS:
        out.append(f"{lv.lesions} metastases (more than 5)")
    if lv.bilobar:
        out.append("bilobar spread")
    return out


@guard("not_multifocal", "not multifocal", "R7")
def not_multifocal(c: Case) -> Verdict:
    facts = multifocal_facts(c)
    if facts:
        return _v(False, "multifocal disease: " + " and ".join(facts))
    return _v(True, "not multifocal (at most 5 metastases, one lobe)")


def high_risk_features(c: Case) -> list[str]:
    """R10: features that make chemotherapy before surgery mandatory."""
    p = c.patient
    out = multifocal_facts(c)
    if p.presentation == "synchronous":
        out.append("synchronous presentation")
    if p.primary.node_positive:
        out.append("node-positive primary")
    if p.cea_ng_ml is not None and p.cea_ng_ml > CEA_HIGH_RISK:
        out.append(f"CEA {_n(p.cea_ng_ml)} ng/mL above 200")
    if p.extrahepatic == "resectable":
        out.append("resectable extrahepatic disease")
    return out


@guard("no_high_risk_features", "no high-risk features", "R10", "D-CEA")
def no_high_risk_features(c: Case) -> Verdict:
    found = high_risk_features(c)
    if found:
        return _v(False, "high-risk features: " + ", ".join(found))
    return _v(True, "no high-risk features")


@guard("bilobar", "bilobar", "R21")
def bilobar(c: Case) -> Verdict:
    b = c.patient.liver.bilobar
    return _v(b, "bilobar disease" if b else "disease confined to one lobe")


one_lobe = negation(bilobar, "one_lobe", "one lobe", "R20")


@guard("rfa_eligible_extent", "<= 9 metastases, each <= 4 cm", "R23")
def rfa_eligible_extent(c: Case) -> Verdict:
    lv = c.patient.liver
    problems = []
    if lv.lesions > RFA_MAX_LESIONS:
        problems.append(f"{lv.lesions} metastases exceed 9")
    if lv.largest_cm > RFA_MAX_CM:
        problems.append(f"largest {_n(lv.largest_cm)} cm exceeds 4 cm")
    if problems:
        return Verdict(False, tuple(problems))
    return _v(True, f"{lv.lesions} metastases, largest {_n(lv.largest_cm)} cm: within ablation limits")


@guard("ablation_plan_ok", "ablating lesions < 4 cm keeps FLR >= 30%", "R22")
def ablation_plan_ok(c: Case) -> Verdict:
    lv = c.patient.liver
    plan = lv.ablation
    if plan is None:
        return _v(False, "no lesion suited to ablation in place of resection")
    if lv.perivascular:
        return _v(False, "perivascular lesions: ablation would be incomplete")
    if plan.largest_cm >= ABLATION_MAX_CM:
        return _v(False, f"lesion to ablate {_n(plan.largest_cm)} cm is not under 4 cm")
    if plan.flr_percent < FLR_MIN_PERCENT:
        return _v(False, f"even with ablation the FLR {_n(plan.flr_percent)}% is below 30%")
    return _v(
        True,
        f"ablating lesions up to {_n(plan.largest_cm)} cm leaves FLR {_n(plan.flr_percent)}% (at least 30%)",
    )


# --- response, findings and course --------------------------------------------------------


def response_is(*responses: str, rules: tuple[str, ...] = ("R16",)) -> Guard:
    wanted = " or ".join(responses)

    def test(c: Case) -> Verdict:
        r = c.course.response
        return _v(r in responses, f"response: {r}" + ("" if r in responses else f" (not {wanted})"))

    return Guard(f"response_{'_or_'.join(responses)}", f"{wanted}", rules, test)


@guard("no_progression", "no progression", "R4")
def no_progression(c: Case) -> Verdict:
    r = c.course.response
    if r == "progression":
        regimen = c.course.regimen
        on = " on chemotherapy" if regimen is not None and regimen.kind == "chemotherapy" else ""
        return _v(False, f"disease progressed{on}")
    return _v(True, "no progression" + (f" (response: {r})" if r else ""))


@guard("severe_symptoms", "severe symptoms", "R29")
def severe_symptoms(c: Case) -> Verdict:
    s = c.patient.symptoms
    if s:
        return _v(True, "severe symptoms: " + ", ".join(x.replace("_", " ") for x in s))
    return _v(False, "no severe symptoms")


@guard("local_symptoms", "biliary obstruction or pain", "R29", "D-SYMPTOMS")
def local_symptoms(c: Case) -> Verdict:
    local = [s for s in c.patient.symptoms if s in ("biliary_obstruction", "intractable_pain")]
    if local:
        return _v(True, "symptoms from the liver disease: " + ", ".join(x.replace("_", " ") for x in local))
    return _v(False, "no biliary obstruction or intractable pain")


def intent_is(*intents: str) -> Guard:
    wanted = " or ".join(intents)

    def test(c: Case) -> Verdict:
        i = c.course.intent
        return _v(i in intents, f"treatment intent: {i}" + ("" if i in intents else f" (not {wanted})"))

    return Guard(f"intent_{'_or_'.join(intents)}", f"{wanted} intent", ("D-ABLATION-FOLLOWUP",), test)


@guard("two_stage_stage1_done", "two-stage: stage 1 done", "R21")
def two_stage_stage1_done(c: Case) -> Verdict:
    stage = c.course.two_stage
    return _v(stage == 2, "stage 1 of a two-stage hepatectomy is done" if stage == 2 else "no two-stage plan under way")


no_two_stage_plan = negation(two_stage_stage1_done, "no_two_stage_plan", "no two-stage plan", "R20")


@guard("liver_treated", "liver disease treated", "R26")
def liver_treated(c: Case) -> Verdict:
    t = c.course.liver_treated
    return _v(t, "the liver metastases are resected" if t else "the liver metastases are not treated yet")


liver_untreated = negation(liver_treated, "liver_untreated", "liver disease not yet treated", "R25")


BREAST_POSTOPERATIVE_MONTHS = 6.0  # D-POSTOP-OTHER: systemic therapy continues after resection
GIST_TKI_AFTER_SURGERY_MONTHS = 12.0  # D-POSTOP-OTHER: the TKI continues after resection (R35)


def remaining_perioperative_months(c: Case) -> float:
    """After liver surgery: ADJ (colorectal, and gastric by analogy) completes 6 months in total, R8
    gives all 6 after upfront surgery; breast and GIST continue their systemic therapy."""
    site = c.patient.primary.site
    if site in ("colon", "rectum", "gastric"):
        return max(0.0, PERIOPERATIVE_TOTAL_MONTHS - c.course.systemic_months)
    if site == "breast":
        return BREAST_POSTOPERATIVE_MONTHS
    if site == "gist":
        return GIST_TKI_AFTER_SURGERY_MONTHS
    return 0.0


@guard("postoperative_therapy_due", "therapy to 6 months due", "ADJ", "R5")
def postoperative_therapy_due(c: Case) -> Verdict:
    if c.course.regimen is None:
        return _v(False, "no systemic regimen planned around surgery")
    left = remaining_perioperative_months(c)
    given = c.course.systemic_months
    if left > 0:
        return _v(True, f"{_n(given)} of 6 months of perioperative therapy given: {_n(left)} remain")
    return _v(False, f"{_n(given)} months of systemic therapy already given: 6 months complete")


no_postoperative_therapy_due = negation(
    postoperative_therapy_due, "no_postoperative_therapy_due", "6 months complete", "ADJ"
)


@guard("margin_r2", "R2 margin", "R5", "D-R2-MDT")
def margin_r2(c: Case) -> Verdict:
    m = c.course.margin
    return _v(m == "R2", "R2 resection: macroscopic disease left" if m == "R2" else f"margin {m}")


@guard("recurrence_found", "recurrence", "R31")
def recurrence_found(c: Case) -> Verdict:
    r = c.course.recurrence
    if r in ("liver_only", "extrahepatic"):
        return _v(True, f"recurrence: {r.replace('_', '-')}")
    return _v(False, "no recurrence")


@guard("no_recurrence", "no recurrence", "R30", "D-SURVEILLANCE")
def no_recurrence(c: Case) -> Verdict:
    v = recurrence_found(c)
    return Verdict(not v.passed, v.reasons if v.passed else ("no recurrence at 5 years of surveillance",))


@guard("otherwise", "otherwise", "D-R2-MDT")
def otherwise(c: Case) -> Verdict:
    return _v(True, "no earlier road applies")


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
