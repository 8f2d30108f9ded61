"""Cohorts: many patients like one scenario's patient through the same pathway, findings drawn at random.

Every finding the pathway needs (the biomarkers left unknown, the response at each reassessment, the
regrown remnant after PVE, the margin, whether, when and where the disease recurs) is drawn by a
`CohortSource` from the parameters (pathway/cohort_parameters.yaml, each with its source) and enters
the explained engine through its finding-source interface, validated like a file's findings.

Draws are keyed by patient index (`random.Random` seeded by the cohort's seed and the index), so the
same scenario, N and seed give the same cohort whatever the number of workers. Each patient's
trajectory is summarised as soon as it ends and dropped: a cohort keeps counts and month histograms
(in hundredths of a month), so memory is flat in N and the sums are exact in any order.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import cache
from statistics import NormalDist
from typing import Any

from . import definition as d
from .course import Case, Finding, Intent, Margin, Recurrence, RegimenKind, Response
from .engine import Brief, Leg, Parted, Step, Trajectory, run, run_fast
from .errors import ScenarioError
from .parameters import Parameters
from .patient import Patient
from .profile import profile_of
from .schema import MAX_MONTH
from .vocabulary import DISEASE_FREE_AFTER, DefinitionError, Phase

DISCLAIMER = "Teaching and documentation tool, not a clinical decision system."
_NORMAL = NormalDist()

# --- the draws -----------------------------------------------------------------------------------

MARKERS: dict[str, tuple[str, str, str]] = {  # marker field -> (parameter, its value when drawn, otherwise)
    "mmr": ("dmmr", "dMMR", "pMMR"),
    "ras": ("ras_mutant", "mutant", "wild-type"),
    "braf": ("braf_mutant_if_ras_wild_type", "mutant", "wild-type"),
    "hormone_receptor": ("hormone_receptor_positive_breast", "positive", "negative"),
}
HER2 = {"gastric": "her2_positive_gastric", "breast": "her2_positive_breast"}

# R31: the recurrent liver disease a liver-only recurrence describes (derived shapes, see the parameters).
RESECTABLE_RECURRENCE = {"lesions": 2, "largest_cm": 2.5, "bilobar": False, "flr_percent": 45.0, "r0_achievable": True}
UNRESECTABLE_RECURRENCE = {
    "lesions": 6,
    "largest_cm": 4.5,
    "bilobar": True,
    "flr_percent": 25.0,
    "r0_achievable": False,
}
PROGRESSION_GROWTH = 1.2  # RECIST 1.1: progression is at least a 20% increase in the sum of diameters
DECLINED_ECOG = 3  # D-ECOG: ECOG 3-4 is best supportive care


def pick(rng: random.Random, distribution: tuple[tuple[str, float], ...]) -> str:
    """One category of a distribution (one uniform draw; categories in their declared order)."""
    u = rng.random()
    total = 0.0
    for name, p in distribution:
        total += p
        if u < total:
            return name
    return next(name for name, p in reversed(distribution) if p > 0)  # u within rounding of 1


def response_context(case: Case) -> str:
    """Which response parameter a reassessment draws from: the therapy just given, by primary and intent."""
    course = case.course
    family = d.pathway_for(case.patient.primary.site).name
    if course.came_from == "locoregional":
        if course.intent == Intent.ABLATIVE:
            return "response_ablation"
        return "response_net_tace" if family == "neuroendocrine" else "response_tare"
    if course.came_from == "observation":
        return "response_net_observation"
    if family == "neuroendocrine":
        return "response_net_systemic"
    if family in ("breast", "gastric", "sarcoma"):
        return f"response_{family}"
    if family == "gist":
        return "response_gist_imatinib" if course.intent == Intent.NEOADJUVANT else "response_gist_next_line"
    regimen = course.regimen
    if regimen is not None and regimen.kind == RegimenKind.IMMUNOTHERAPY:
        return "response_immunotherapy"
    if course.intent == Intent.PERIOPERATIVE:
        return "response_perioperative"
    if course.intent == Intent.CONVERSION:
        if regimen is not None and regimen.anti_egfr:
            return "response_conversion_anti_egfr"
        if regimen is not None and "FOLFOXIRI" in regimen.name:
            return "response_conversion_triplet"
        return "response_conversion_other"
    return "response_palliative"


CONVERTING = (Intent.CONVERSION, Intent.SYSTEMIC_FIRST, Intent.NEOADJUVANT)  # therapy that may make disease resectable
# Derived: conversion is looked for within the first 6 months of systemic therapy of an episode, the point
# past which the rule book warns of liver injury from chemotherapy without surgery (S1).
CONVERSION_WINDOW = 6.0


@cache
def _dfi_spread(median: float, within_24: float) -> float:
    """The log-normal spread of the months to recurrence (truncated at five years, R30) that puts
    `within_24` of recurrences within 24 months of resection, given the median (derived shape)."""
    horizon = DISEASE_FREE_AFTER

    def share(sigma: float) -> float:
        return _NORMAL.cdf(math.log(24.0 / median) / sigma) / _NORMAL.cdf(math.log(horizon / median) / sigma)

    lo, hi = 1e-3, 0.05
    while hi < 20.0 and share(hi) > within_24:  # the share falls as the spread widens, at first
        lo, hi = hi, hi * 1.5
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if share(mid) > within_24 else (lo, mid)
    return (lo + hi) / 2


def months_to_recurrence(rng: random.Random, median: float, within_24: float) -> float:
    """Months from the last curative treatment to the recurrence: log-normal, at most five years."""
    sigma = _dfi_spread(median, within_24)
    top = _NORMAL.cdf(math.log(DISEASE_FREE_AFTER / median) / sigma)
    u = max(rng.random() * top, 1e-12)
    return median * math.exp(sigma * _NORMAL.inv_cdf(u))


class CohortSource:
    """Findings drawn from the parameters, for one patient (its own random stream).

    A finding source like a scenario's timeline (pathway.engine.FindingSource): the engine validates
    every finding it returns. `contexts` records each response drawn, by the parameter it came from.
    """

    def __init__(self, params: Parameters, rng: random.Random, index: int = 0):
        self.params = params
        self.rng = rng
        self.index = index
        self.draws = 0
        self.horizon = params.value("horizon_months")
        self.contexts: list[tuple[str, str]] = []
        self.intervals: dict[int, float] = {}  # id of a recurrence finding -> months after clearance, as drawn

    def leftover(self) -> list[Finding]:
        return []

    def next_finding(self, state: str, case: Case) -> Finding | None:
        if case.course.month >= self.horizon:
            return None
        self.draws += 1
        origin = f"cohort[{self.index}].draw[{self.draws}]"
        draw = _DRAWS.get(state)
        if draw is None:
            raise AssertionError(f"the cohort has no draw for a finding at {state}")
        return draw(self, case, origin)

    def chance(self, name: str) -> bool:
        return self.rng.random() < self.params.value(name)

    # -- one method per state that reads a finding ---------------------------------------------
    def staging(self, case: Case, origin: str) -> Finding:
        """R2, R3: what staging finds of the facts the scenario leaves unknown."""
        patient: dict[str, Any] = {}
        site = case.patient.primary.site
        if site == "unknown":
            site = pick(self.rng, self.params.distribution("unknown_primary_site"))
            primary: dict[str, Any] = {"site": site}
            if site == "colon":
                primary["side"] = "left" if self.chance("colon_left_sided") else "right"
            patient["primary"] = primary
        profile = profile_of(site)
        biomarkers: dict[str, str] = {}
        known = case.patient.biomarkers
        for marker in profile.markers if profile is not None else ():
            if getattr(known, marker.field) != "unknown":
                continue
            if marker.field == "her2":
                name, yes, no = HER2[d.pathway_for(site).name], "positive", "negative"
            else:
                name, yes, no = MARKERS[marker.field]
            if marker.field == "braf" and (biomarkers.get("ras") or known.ras) == "mutant":
                biomarkers["braf"] = "wild-type"  # RAS and BRAF mutations are all but exclusive
                continue
            biomarkers[marker.field] = yes if self.chance(name) else no
        biomarkers.update(self._sstr(case, site))
        if biomarkers or not patient:
            patient["biomarkers"] = biomarkers
        return Finding("staging", patient=patient, origin=origin)

    def _sstr(self, case: Case, site: str) -> dict[str, str]:
        """R32: the somatostatin-receptor status of neuroendocrine disease, when the scenario leaves it
        unknown. Staging reads no finding for a known NET (it has no marker that holds it), so the status
        the workup's imaging found enters with the first finding the pathway reads (derived)."""
        if d.pathway_for(site).name != "neuroendocrine" or case.patient.biomarkers.sstr != "unknown":
            return {}
        return {"sstr": "positive" if self.chance("sstr_positive") else "negative"}

    def reassessment(self, case: Case, origin: str) -> Finding:
        """R16: the RECIST response to the therapy just given, and what it does to the liver disease."""
        p = self.params
        context = response_context(case)
        response = Response(pick(self.rng, p.distribution(context)))
        self.contexts.append((context, response.value))
        liver = case.patient.liver
        update: dict[str, Any] = {}
        sstr = self._sstr(case, case.patient.primary.site)
        if sstr:
            update["biomarkers"] = sstr
        changes: dict[str, Any] = {}
        progressing: int | None = None
        if response == Response.PARTIAL:
            changes["largest_cm"] = round(max(0.1, liver.largest_cm * (1 - p.value("partial_response_shrink"))), 2)
            vanish = p.value("partial_response_lesions_vanish")
            changes["lesions"] = max(1, round(liver.lesions * (1 - vanish)))
        if response in (Response.PARTIAL, Response.COMPLETE) and not liver.r0_achievable:
            window = case.course.systemic_months <= CONVERSION_WINDOW
            if case.course.intent in CONVERTING and window and self.chance("conversion_given_response"):
                changes["r0_achievable"] = True
        if response == Response.PROGRESSION:
            changes["largest_cm"] = round(min(50.0, liver.largest_cm * PROGRESSION_GROWTH), 2)
            if liver.r0_achievable and self.chance("progression_unresectable"):
                changes["r0_achievable"] = False
            if d.pathway_for(case.patient.primary.site).name == "gist":
                progressing = 1 if self.chance("gist_unifocal_progression") else 2
        if changes:
            update["liver"] = changes
        if case.course.intent == Intent.PALLIATIVE and case.patient.ecog < DECLINED_ECOG:
            months = max(case.course.block_months, 0.5)
            net = d.pathway_for(case.patient.primary.site).name == "neuroendocrine"
            median = p.value("median_months_to_supportive_care_net" if net else "median_months_to_supportive_care")
            declined = 1 - 0.5 ** (months / median)
            if self.rng.random() < declined:
                update["ecog"] = DECLINED_ECOG
        return Finding(
            "reassessment", response=response, progressing_lesions=progressing, patient=update, origin=origin
        )

    def liver_augmentation(self, case: Case, origin: str) -> Finding:
        """R20, R21, R41: the regrown remnant, and whether the volumetry CT shows progression."""
        param = self.params["pve_flr_gain_points"]
        assert param.value is not None
        gain = self.rng.gauss(param.value, param.sd or 0.0)
        flr = round(min(100.0, max(0.0, case.patient.liver.flr_percent + gain)), 1)
        progressed = self.chance("progression_at_volumetry")
        return Finding(
            "liver_augmentation",
            response=Response.PROGRESSION if progressed else None,
            patient={"liver": {"flr_percent": flr}},
            origin=origin,
        )

    def surgery(self, case: Case, origin: str) -> Finding:
        """R5: the margin."""
        return Finding("surgery", margin=Margin(pick(self.rng, self.params.distribution("margin"))), origin=origin)

    def surveillance(self, case: Case, origin: str) -> Finding | None:
        """R30, R31, R44: whether the disease recurs within five years, when, and where."""
        p, course = self.params, case.course
        start = course.last_curative_month if course.last_curative_month is not None else course.month
        if not self.chance("recurrence_after_resection"):
            if max(course.month, start + DISEASE_FREE_AFTER) > self.horizon:
                return None  # five years disease-free would be reached after the horizon: still followed up
            return Finding("surveillance", recurrence=Recurrence.NONE, origin=origin)
        synchronous = case.patient.presentation == "synchronous"
        kind = "synchronous" if synchronous else "metachronous"
        after = months_to_recurrence(self.rng, p.value(f"median_dfi_{kind}"), p.value("recurrences_within_24_months"))
        month = round(max(course.month, start + after), 2)  # found at the first visit if drawn before it
        disseminated = self.chance(f"disseminated_recurrence_{kind}")
        liver = RESECTABLE_RECURRENCE if self.chance("recurrent_liver_resectable") else UNRESECTABLE_RECURRENCE
        if month > min(MAX_MONTH, self.horizon):
            return None  # the recurrence comes after the horizon: the patient is still followed up there
        if disseminated:
            finding = Finding("surveillance", month=month, recurrence=Recurrence.EXTRAHEPATIC, origin=origin)
        else:
            where = {"liver": dict(liver)}
            finding = Finding(
                "surveillance", month=month, recurrence=Recurrence.LIVER_ONLY, patient=where, origin=origin
            )
        self.intervals[id(finding)] = round(after, 2)
        return finding


_DRAWS: dict[str, Callable[[CohortSource, Case, str], Finding | None]] = {
    "staging": CohortSource.staging,
    "reassessment": CohortSource.reassessment,
    "liver_augmentation": CohortSource.liver_augmentation,
    "surgery": CohortSource.surgery,
    "surveillance": CohortSource.surveillance,
}


def patient_rng(seed: int, index: int) -> random.Random:
    """Patient `index`'s own random stream: the same whichever worker simulates it."""
    return random.Random(f"pathway-cohort/{seed}/{index}")


# --- the tally: what a cohort keeps --------------------------------------------------------------

HISTOGRAMS = ("to_first_surgery", "to_first_recurrence", "to_first_recurrence_found", "systemic_therapy")
OUTCOMES = (
    "resected",
    "r0_first_resection",
    "recurred",
    "recurred_within_24_months",
    "recurred_within_24_months_of_clearance",
    "disseminated_recurrence",
    "liver_only_recurrence",
    "reresected",
    "started_perioperative",
    "progressed_on_preoperative",
    "disease_free",
    "maintenance",
    "best_supportive_care",
    "ongoing_at_horizon",
    "surveilled_after_resection",
    "recurrence_found_after_it_was_due",
)


@dataclass
class Tally:
    """Counts over patients, and month histograms in hundredths: merged by adding, in any order."""

    n: int = 0
    final: Counter[str] = field(default_factory=Counter)
    visits: Counter[str] = field(default_factory=Counter)
    edges: Counter[tuple[str, str]] = field(default_factory=Counter)  # patients taking the edge at least once
    traversals: Counter[tuple[str, str]] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    months: dict[str, Counter[int]] = field(default_factory=lambda: {h: Counter() for h in HISTOGRAMS})
    responses: Counter[tuple[str, str]] = field(default_factory=Counter)  # (parameter, response) drawn

    def merge(self, other: Tally) -> None:
        self.n += other.n
        self.final.update(other.final)
        self.visits.update(other.visits)
        self.edges.update(other.edges)
        self.traversals.update(other.traversals)
        self.outcomes.update(other.outcomes)
        for name, hist in other.months.items():
            self.months[name].update(hist)
        self.responses.update(other.responses)


def _hundredths(months: float) -> int:
    return round(months * 100)


def summarise(
    tally: Tally,
    trajectory: Trajectory | Brief,
    contexts: list[tuple[str, str]],
    intervals: dict[int, float] | None = None,
) -> None:
    """Add one patient's trajectory to the tally (then the trajectory can go). `intervals`: the months to
    each recurrence as drawn (a recurrence drawn during adjuvant therapy is found at the first visit)."""
    steps: Sequence[Step | Leg] = trajectory.steps
    tally.n += 1
    tally.final[trajectory.final_state] += 1
    out = tally.outcomes
    if trajectory.ended != "terminal":
        out["ongoing_at_horizon"] += 1
    elif trajectory.final_state in ("disease_free", "maintenance", "best_supportive_care"):
        out[trajectory.final_state] += 1
    tally.visits.update(set(trajectory.path))
    pairs = [(s.source, s.state) for s in steps]
    tally.traversals.update(pairs)
    tally.edges.update(set(pairs))
    tally.responses.update(contexts)
    first_surgery: float | None = None
    first_recurrence: float | None = None
    perioperative = reresected = surveilled = False
    systemic = 0.0
    for i, step in enumerate(steps):
        if d.STATES[step.state].phase == Phase.SYSTEMIC and i + 1 < len(steps):
            systemic += steps[i + 1].month - step.month
        finding = step.finding
        if step.source == "surgery" and finding is not None:  # operated: the margin is read
            if first_surgery is None:
                first_surgery = steps[i - 1].month  # the month the patient came to surgery
                out["resected"] += 1
                out["r0_first_resection"] += finding.margin == Margin.R0
            elif first_recurrence is not None and not reresected:
                reresected = True
                out["reresected"] += 1
        if step.source == "surveillance" and finding is not None and first_recurrence is None:
            if first_surgery is not None and not surveilled:
                surveilled = True
                out["surveilled_after_resection"] += 1
            recurrence = finding.recurrence
            if recurrence in (Recurrence.LIVER_ONLY, Recurrence.EXTRAHEPATIC) and first_surgery is not None:
                first_recurrence = finding.month if finding.month is not None else step.month
                cleared = step.before.course.last_curative_month if step.before is not None else None
                cleared = first_surgery if cleared is None else cleared
                out["recurred"] += 1
                out["recurred_within_24_months"] += first_recurrence - first_surgery <= 24.0 + 1e-9
                out["recurred_within_24_months_of_clearance"] += first_recurrence - cleared <= 24.0 + 1e-9
                out[
                    "disseminated_recurrence" if recurrence == Recurrence.EXTRAHEPATIC else "liver_only_recurrence"
                ] += 1
                drawn = (intervals or {}).get(id(finding), first_recurrence - cleared)
                tally.months["to_first_recurrence"][_hundredths(drawn)] += 1
                tally.months["to_first_recurrence_found"][_hundredths(first_recurrence - cleared)] += 1
                out["recurrence_found_after_it_was_due"] += first_recurrence - cleared > drawn + 0.005
        course = step.case.course
        chemotherapy = course.regimen is not None and course.regimen.kind == RegimenKind.CHEMOTHERAPY
        if step.state == "neoadjuvant" and not perioperative and course.intent == Intent.PERIOPERATIVE and chemotherapy:
            perioperative = True
            out["started_perioperative"] += 1
            later = next((s for s in steps[i + 1 :] if s.source == "reassessment"), None)
            if later is not None and later.finding is not None and later.finding.response == Response.PROGRESSION:
                out["progressed_on_preoperative"] += 1
    if first_surgery is not None:
        tally.months["to_first_surgery"][_hundredths(first_surgery)] += 1
    tally.months["systemic_therapy"][_hundredths(systemic)] += 1


# --- running a cohort ----------------------------------------------------------------------------


class CohortError(Exception):
    """A patient of the cohort the pathway could not take to an end (a plain message: it crosses processes)."""

    def __init__(self, index: int, message: str, context: str = ""):
        super().__init__(index, message, context)
        self.index = index
        self.message = message
        self.context = context  # which run of an analysis: "psa set 3", "tornado dmmr=0.05"

    def __str__(self) -> str:
        return f"{self.context + ': ' if self.context else ''}cohort patient {self.index}: {self.message}"

    def within(self, context: str) -> CohortError:
        return CohortError(self.index, self.message, context)


ENGINES = ("fast", "explained")  # the fast path (pathway.engine.run_fast), or the explained engine it is held to


def simulate(patient: Patient, params: Parameters, seed: int, start: int, stop: int, engine: str = "fast") -> Tally:
    """Patients start..stop-1 like `patient`, each with its own random stream, summarised as they end."""
    if engine not in ENGINES:
        raise ValueError(f"no engine {engine!r}; one of {', '.join(ENGINES)}")
    tally = Tally()
    drive = run_fast if engine == "fast" else run
    for index in range(start, stop):
        source = CohortSource(params, patient_rng(seed, index), index)
        try:
            trajectory = drive(Case(patient), source, f"cohort[{index}]")
        except Parted as parted:  # Stalled too: the pathway went round without progress
            raise CohortError(index, parted.problem.format()) from None
        except (DefinitionError, ScenarioError) as err:  # a drawn finding refused, or a dead end
            raise CohortError(index, str(err)) from None
        summarise(tally, trajectory, source.contexts, source.intervals)
    return tally


_WORK: dict[str, Any] = {}


def _init(patient: Patient, params: Parameters, seed: int, engine: str) -> None:
    _WORK.update(patient=patient, params=params, seed=seed, engine=engine)


def _chunk(bounds: tuple[int, int]) -> Tally:
    return simulate(_WORK["patient"], _WORK["params"], _WORK["seed"], *bounds, engine=_WORK["engine"])


def chunks(n: int, workers: int) -> list[tuple[int, int]]:
    """Patient-index ranges: small enough to spread the work and move a progress bar."""
    size = max(50, min(2000, n // max(1, workers * 8) or 1))
    return [(i, min(n, i + size)) for i in range(0, n, size)]


def run_cohort(
    patient: Patient,
    params: Parameters,
    n: int,
    seed: int = 1,
    workers: int = 1,
    progress: Callable[[int], object] | None = None,
    engine: str = "fast",
) -> Tally:
    """N patients like `patient`; the same tally whatever `workers` (draws keyed by patient index)."""
    ranges = chunks(n, workers)
    tally = Tally()
    count = min(workers, len(ranges), os.cpu_count() or 1)
    if count <= 1:
        for bounds in ranges:
            tally.merge(simulate(patient, params, seed, *bounds, engine=engine))
            if progress is not None:
                progress(bounds[1] - bounds[0])
        return tally
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(
        count, mp_context=context, initializer=_init, initargs=(patient, params, seed, engine)
    ) as pool:
        futures = {pool.submit(_chunk, bounds): bounds for bounds in ranges}
        for future in as_completed(futures):
            tally.merge(future.result())  # counts and integer histograms: any order gives the same sums
            if progress is not None:
                lo, hi = futures[future]
                progress(hi - lo)
    return tally


# --- what a cohort says --------------------------------------------------------------------------


def quantile(hist: Counter[int], q: float) -> float | None:
    """The q-quantile (lower value at a tie) of a histogram in hundredths, in months."""
    total = sum(hist.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for value in sorted(hist):
        seen += hist[value]
        if seen >= rank:
            return value / 100
    return max(hist) / 100


def summary(hist: Counter[int]) -> dict[str, Any]:
    total = sum(hist.values())
    if total == 0:
        return {"patients": 0, "median": None, "q1": None, "q3": None, "mean": None}
    mean = sum(v * c for v, c in hist.items()) / total / 100
    return {
        "patients": total,
        "median": quantile(hist, 0.5),
        "q1": quantile(hist, 0.25),
        "q3": quantile(hist, 0.75),
        "mean": round(mean, 2),
    }


@dataclass(frozen=True)
class Target:
    """A figure of the rule book the cohort should reproduce (R44, "Figures worth showing")."""

    name: str
    words: str
    figure: float
    source: str
    measure: Callable[[Tally, Patient], tuple[float, float, int] | None]  # simulated, tolerance, denominator
    applies: Callable[[Patient], bool] = lambda patient: True
    accepted: tuple[float, float] | None = None  # a range the rule book gives instead of one figure


def _share(numerator: str, denominator: str) -> Callable[[Tally, Patient], tuple[float, float, int] | None]:
    def measure(t: Tally, patient: Patient) -> tuple[float, float, int] | None:
        den = t.outcomes[denominator]
        return _proportion(t.outcomes[numerator], den)

    return measure


def _proportion(k: int, den: int) -> tuple[float, float, int] | None:
    if den == 0:
        return None
    p = k / den
    return p, 3 * math.sqrt(max(p * (1 - p), 1 / den) / den), den  # a Monte-Carlo band of 3 standard errors


def _responded(context: str) -> Callable[[Tally, Patient], tuple[float, float, int] | None]:
    def measure(t: Tally, patient: Patient) -> tuple[float, float, int] | None:
        den = sum(c for (ctx, _), c in t.responses.items() if ctx == context)
        k = t.responses[(context, "partial")] + t.responses[(context, "complete")]
        return _proportion(k, den)

    return measure


def _median_dfi(t: Tally, patient: Patient) -> tuple[float, float, int] | None:
    hist = t.months["to_first_recurrence"]
    total = sum(hist.values())
    median = quantile(hist, 0.5)
    if median is None:
        return None
    spread = 1.5 / math.sqrt(total)  # the median's rank band of 3 standard errors, distribution-free
    lo, hi = quantile(hist, max(0.0, 0.5 - spread)), quantile(hist, min(1.0, 0.5 + spread))
    assert lo is not None and hi is not None
    return median, max(median - lo, hi - median, 0.01), total


def _synchronous(patient: Patient) -> bool:
    return patient.presentation == "synchronous"


def _metachronous(patient: Patient) -> bool:
    return patient.presentation != "synchronous"


def _colorectal(patient: Patient) -> bool:
    return d.pathway_for(patient.primary.site).name in ("colorectal", "entry")


TARGETS: tuple[Target, ...] = (
    Target(
        "recurrence",
        "recurrence after resection (of resected patients followed up)",
        0.6,
        "S0, S1, S3; R31, R44",
        _share("recurred", "surveilled_after_resection"),
    ),
    Target(
        "recurrence_within_24_months",
        "recurrences within 24 months of the last curative treatment",
        0.9,
        "S0, S1, S3; R31, R44",
        _share("recurred_within_24_months_of_clearance", "recurred"),
    ),
    Target(
        "reresected",
        "recurrences liver-only and re-resected (metachronous)",
        0.2,
        "S0, S1, S3; R31, R44",
        _share("reresected", "recurred"),
        _metachronous,
    ),
    Target(
        "progression_on_preoperative",
        "progression on preoperative chemotherapy",
        0.2,
        "S1; R18, R44",
        _share("progressed_on_preoperative", "started_perioperative"),
    ),
    Target("dfi_synchronous", "median months to recurrence, synchronous", 6.0, "S3; R44", _median_dfi, _synchronous),
    Target(
        "dfi_metachronous", "median months to recurrence, metachronous", 10.0, "S3; R44", _median_dfi, _metachronous
    ),
    Target(
        "disseminated_synchronous",
        "recurrences disseminated, synchronous",
        0.95,
        "S3; R44",
        _share("disseminated_recurrence", "recurred"),
        _synchronous,
    ),
    Target(
        "disseminated_metachronous",
        "recurrences disseminated, metachronous",
        0.42,
        "S3; R44",
        _share("disseminated_recurrence", "recurred"),
        _metachronous,
    ),
    Target("sirt_response", "objective response after TARE/SIRT", 0.5, "S0; R28, R44", _responded("response_tare")),
    Target(
        "net_tace_response",
        "response after TACE/TAE for NET",
        0.7,
        "S0; R32, R44",
        _responded("response_net_tace"),
        accepted=(0.5, 0.9),
    ),
)


def calibration(tally: Tally, patient: Patient) -> list[dict[str, Any]]:
    """Each target that applies to this cohort and that it has patients for: the figure and what came out."""
    rows = []
    for target in TARGETS:
        if not target.applies(patient):
            continue
        measured = target.measure(tally, patient)
        if measured is None:
            continue
        simulated, tolerance, denominator = measured
        if target.accepted is not None:
            lo, hi = target.accepted
            within = lo - tolerance <= simulated <= hi + tolerance
        else:
            within = abs(simulated - target.figure) <= tolerance
        rows.append(
            {
                "target": target.name,
                "words": target.words,
                "figure": target.figure,
                **({"accepted": list(target.accepted)} if target.accepted else {}),
                "source": target.source,
                "simulated": round(simulated, 4),
                "tolerance": round(tolerance, 4),
                "of": denominator,
                "within": within,
            }
        )
    return rows


def as_json(scenario_id: str, patient: Patient, tally: Tally, params: Parameters, seed: int) -> dict[str, Any]:
    order = {s: i for i, s in enumerate(d.CLINICAL_ORDER)}
    states = sorted(tally.visits, key=order.__getitem__)
    edges = sorted(tally.edges, key=lambda e: (order[e[0]], order[e[1]]))
    return {
        "scenario": scenario_id,
        "n": tally.n,
        "seed": seed,
        "disclaimer": DISCLAIMER,
        "horizon_months": params.value("horizon_months"),
        "final_states": {s: tally.final[s] for s in sorted(tally.final, key=order.__getitem__)},
        "visits": {s: tally.visits[s] for s in states},
        "edges": [
            {"from": u, "to": v, "patients": tally.edges[(u, v)], "traversals": tally.traversals[(u, v)]}
            for u, v in edges
        ],
        "outcomes": {name: tally.outcomes[name] for name in OUTCOMES},
        "months": {name: summary(tally.months[name]) for name in HISTOGRAMS},
        "responses": {
            context: {
                r: tally.responses[(context, r)] for r in ("complete", "partial", "stable", "mixed", "progression")
            }
            for context in sorted({c for c, _ in tally.responses})
        },
        "calibration": calibration(tally, patient),
        "parameter_files": list(params.files),
        "parameters": params.as_json(),
    }


def iter_lines(data: dict[str, Any], title: str) -> Iterator[str]:
    """The cohort as a table for the terminal."""
    n = data["n"]
    yield f"{title}"
    yield f"Cohort of {n:,} patients like {data['scenario']} (seed {data['seed']}); followed up to month {data['horizon_months']:g}."
    yield DISCLAIMER + " Findings drawn from sourced parameters (pathway/cohort_parameters.yaml)."
    yield ""
    yield "Reached (patients who entered the state at least once)"
    for state, count in data["visits"].items():
        yield f"  {d.STATES[state].title:<26} {count:>9,}  {_pct(count, n)}"
    yield ""
    o = data["outcomes"]
    resected = o["resected"]
    recurred = o["recurred"]
    yield "Outcomes"
    rows = [
        ("liver resection", o["resected"], n, "of patients"),
        ("R0 at the first resection", o["r0_first_resection"], resected, "of resected"),
        ("recurred", recurred, resected, "of resected"),
        ("recurred within 24 months", o["recurred_within_24_months"], recurred, "of recurred"),
        ("liver-only recurrence", o["liver_only_recurrence"], recurred, "of recurred"),
        ("due before the first visit, found at it", o["recurrence_found_after_it_was_due"], recurred, "of recurred"),
        ("re-resected after a recurrence", o["reresected"], recurred, "of recurred"),
        ("started perioperative chemotherapy", o["started_perioperative"], n, "of patients"),
        (
            "progressed on it (first reassessment)",
            o["progressed_on_preoperative"],
            o["started_perioperative"],
            "of started",
        ),
        ("disease-free at 5 years", o["disease_free"], n, "of patients"),
        ("maintenance (on continuing therapy)", o["maintenance"], n, "of patients"),
        ("best supportive care", o["best_supportive_care"], n, "of patients"),
        ("still on the pathway at the horizon", o["ongoing_at_horizon"], n, "of patients"),
    ]
    for words, k, den, of in rows:
        yield f"  {words:<40} {k:>9,}  {_pct(k, den)} {of}"
    yield ""
    yield "Months"
    for name, words in (
        ("to_first_surgery", "to the first liver surgery"),
        ("to_first_recurrence", "last curative treatment to recurrence"),
        ("to_first_recurrence_found", "... to the visit that found it"),
        ("systemic_therapy", "of systemic therapy"),
    ):
        s = data["months"][name]
        if s["patients"]:
            yield (
                f"  {words:<38} median {s['median']:>6g}  IQR {s['q1']:g}-{s['q3']:g}  "
                f"mean {s['mean']:g}  ({s['patients']:,} patients)"
            )
        else:
            yield f"  {words:<38} no patients"
    if data["calibration"]:
        yield ""
        yield "Calibration against the rule book's figures (R44), within 3 Monte-Carlo standard errors"
        for row in data["calibration"]:
            figure = f"{row['accepted'][0]:g}-{row['accepted'][1]:g}" if "accepted" in row else f"{row['figure']:g}"
            mark = "ok " if row["within"] else "OFF"
            yield (
                f"  {mark} {row['words']:<62} figure {figure:<8} simulated {row['simulated']:.3g} "
                f"± {row['tolerance']:.2g} (of {row['of']:,}; {row['source']})"
            )


def _pct(k: int, den: int) -> str:
    return f"{100 * k / den:5.1f}%" if den else "    - "
