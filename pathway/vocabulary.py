"""The vocabulary every pathway is written in: phases, states, decisions, plans, roads and the clock.

States are declared once here, each with what it reads from a finding; the primaries' tables
(pathway/primaries/) declare roads between them. Nothing here knows a primary, a screen, a file
format or a command line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .course import Case, CourseChanges, Intent, TwoStage
from .guards import Guard, biomarkers_known, primary_known
from .pitfalls import Alert
from .profile import FactProblem, profile_of
from .regimens import RegimenRow

Timing = tuple[float, tuple[str, ...]]  # months, and the rules that set them


class Phase(StrEnum):
    ENTRY = "entry"
    SYSTEMIC = "systemic"
    ASSESSMENT = "assessment"
    SURGICAL = "surgical"
    LOCAL = "local"
    FOLLOW_UP = "follow-up"
    END = "end"


class Category(StrEnum):
    """What kind of decision a step is (the `category` of the replay JSON)."""

    REFERRAL = "referral"
    STAGED = "staged"
    POOR_PERFORMANCE = "poor-performance"
    SYNCHRONOUS_SYMPTOMATIC_PRIMARY = "synchronous-symptomatic-primary"
    SYMPTOMATIC_LIVER_DISEASE = "symptomatic-liver-disease"
    UNFIT_FOR_SURGERY = "unfit-for-surgery"
    UNRESECTABLE_EXTRAHEPATIC = "unresectable-extrahepatic"
    ABLATION_CANDIDATE = "ablation-candidate"
    RESECTABLE = "resectable"
    INITIALLY_UNRESECTABLE = "initially-unresectable"
    RESTAGING = "restaging"
    URGENT_REVIEW = "urgent-review"
    PROGRESSION = "progression"
    COMPLETE_ABLATION = "complete-ablation"
    COMPLETE_RESPONSE = "complete-response"
    CONVERTED_TO_RESECTABLE = "converted-to-resectable"
    TWO_STAGE = "two-stage"
    RESIDUAL_AFTER_ABLATION = "residual-after-ablation"
    DISEASE_CONTROL = "disease-control"
    PARTIAL_RESPONSE = "partial-response"
    STABLE_OR_MIXED = "stable-or-mixed"
    NOT_RESECTABLE = "not-resectable"
    INCOMPLETE_RESECTION = "incomplete-resection"
    LIVER_FIRST = "liver-first"
    PRIMARY_RESECTED = "primary-resected"
    ADJUVANT = "adjuvant"
    SURVEILLANCE = "surveillance"
    RECURRENCE = "recurrence"
    DISEASE_FREE = "disease-free"
    UNRESECTABLE_NET = "unresectable-net"
    PROGRESSIVE_NET = "progressive-net"
    INDOLENT_NET = "indolent-net"
    BREAST_SYSTEMIC_FIRST = "breast-systemic-first"
    BREAST_SYSTEMIC = "breast-systemic"
    SOLITARY_GASTRIC = "solitary-gastric"
    GASTRIC_SYSTEMIC = "gastric-systemic"
    GIST = "gist"
    GIST_TKI = "gist-tki"
    GIST_RESPONSIVE = "gist-responsive"
    GIST_UNIFOCAL_PROGRESSION = "gist-unifocal-progression"
    GIST_PROGRESSION = "gist-progression"
    UNRESECTABLE_SARCOMA = "unresectable-sarcoma"
    MAINTENANCE = "maintenance"
    HIGH_GRADE_NET = "high-grade-net"


@dataclass(frozen=True)
class Decision:
    """What the team decides at a step (the replay JSON's `decision`)."""

    category: Category | None = None
    intent: Intent | None = None
    regimen: str | None = None
    procedure: str | None = None

    def as_json(self) -> dict[str, str | None]:
        return {
            "category": self.category,
            "intent": self.intent,
            "regimen": self.regimen,
            "procedure": self.procedure,
        }


@dataclass(eq=False, repr=False)
class Plan:
    """What taking a road means: the decision, why, and what changes on arrival."""

    decision: Decision
    reasons: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    warnings: tuple[Alert, ...] = ()
    course: CourseChanges = field(default_factory=lambda: CourseChanges())
    patient: Mapping[str, Any] = field(default_factory=dict)


def _no_check(entry: Mapping[str, Any]) -> list[FactProblem]:
    return []


@dataclass(eq=False, repr=False)
class Reading:
    """What a state reads from a finding, declared once: the loader, the schema and the engine use it.

    A finding read here may observe `observes` (observation name -> required here) and update any
    patient field; it must name the patient fields in `names`, and at least one of `names_one_of`.
    """

    words: str  # "the resection margin"
    waits: Callable[[Case], bool]  # the state waits for a finding while this holds
    observes: Mapping[str, bool] = field(default_factory=dict)
    names: tuple[str, ...] = ()  # dotted patient fields: "liver.flr_percent"
    names_one_of: tuple[str, ...] = ()
    again: bool = False  # keep reading while `waits` holds (staging: until the facts are complete)
    check: Callable[[Mapping[str, Any]], list[FactProblem]] = _no_check  # conditions on the whole entry


def _no_changes(case: Case) -> CourseChanges:
    return CourseChanges()


@dataclass(eq=False, repr=False)
class State:
    """A phase of the pathway: how long it lasts, what finding it reads, the event that ends it."""

    name: str
    phase: Phase
    title: str  # drawn in the diagram's box
    description: str
    dwell: Callable[[Case], Timing]  # how long the phase lasts before its roads are tried
    trigger: str | None = None  # the event that ends the phase (None: terminal)
    reading: Reading | None = None
    on_arrival: Callable[[Case], CourseChanges] = _no_changes  # whatever road arrives
    operation: bool = False  # an operation: R24 keeps bevacizumab 6 weeks away on either side

    @property
    def terminal(self) -> bool:
        return self.trigger is None


def no_lead(case: Case) -> Timing:
    return (0.0, ())


@dataclass(eq=False, repr=False, kw_only=True)
class Road:
    """One guarded transition. Out of a state, roads are tried in ascending `rank` (first match wins).

    `alternative`: an accepted alternative the pathway narrates but does not take (R10).
    """

    name: str
    source: str
    dest: str
    rank: int
    title: str = ""  # the road as a teacher says it (default: its name in words)
    guards: tuple[Guard, ...] = ()
    rules: tuple[str, ...] = ()
    label: str = ""  # the short clinical text drawn on the diagram edge
    plan: Callable[[Case], Plan]
    lead: Callable[[Case], Timing] = no_lead  # time from the decision to arrival
    alternative: bool = False
    regimens: tuple[RegimenRow, ...] = ()  # the table the plan chooses its regimen from (the quiz asks)

    @property
    def words(self) -> str:
        """The road's title for sentences: 'perioperative chemotherapy', 'GIST next line'."""
        return self.title or " ".join(_ACRONYMS.get(w, w) for w in self.name.split("_"))


_ACRONYMS = {w: w.upper() for w in ("ecog", "ehd", "pve", "net", "gist", "tki", "prrt", "tace")}


class DefinitionError(Exception):
    """The pathway definition is inconsistent (checked when it is built)."""


# --- the clock (months) -------------------------------------------------------------------

SURGERY_AFTER_CHEMO = 1.0  # D-CLOCK: 4 weeks after the last cycle
BEVACIZUMAB_WASHOUT = 1.5  # R24: >= 6 weeks before surgery
BEVACIZUMAB_RESUME = 1.5  # R24: resumes 6-8 weeks after
RECOVERY = 1.0  # D-CLOCK: 4 weeks after liver or primary surgery
WORKUP = 0.5  # D-CLOCK: 2-week staging
PVE_TO_VOLUMETRY = 1.0  # D-CLOCK: remnant re-measured 4 weeks after PVE
PVE_AFTER_DECISION = 0.5  # D-CLOCK: PVE 2 weeks after the decision
SURVEILLANCE_VISIT = 3.0  # D-SURVEILLANCE (R30: every 3-6 months for 2 years)
DISEASE_FREE_AFTER = 60.0  # D-SURVEILLANCE (R30): 5 years
LATER_VISIT = 6.0  # D-SURVEILLANCE: every 6 months after the first 2 years
CONVERSION_BLOCK = 2.0  # R16
PERIOPERATIVE_BLOCK = 3.0  # R9
PELVIC_RT = 1.25  # D-PELVIC-RT-CLOCK: pelvic radiotherapy over 5 weeks
PELVIC_RT_TO_SURGERY = 1.5  # D-PELVIC-RT-CLOCK: the rectal resection 6 weeks after it


def zero(case: Case) -> Timing:
    return (0.0, ())


def const(months: float, *rules: str) -> Callable[[Case], Timing]:
    def timing(case: Case) -> Timing:
        return (months, rules)

    return timing


def block(case: Case) -> Timing:
    """A block of therapy: R9's 3 months around surgery or R16's 2, or the primary's own (its profile)."""
    months = case.course.block_months
    if case.course.intent == Intent.ABLATIVE:
        return (months, ("D-ABLATION-FOLLOWUP",))
    profile = profile_of(case.patient.primary.site)
    if profile is not None and profile.block_months == months:
        return (months, profile.block_rules)
    return (months, ("R9",) if months == PERIOPERATIVE_BLOCK else ("R16",))


def adjuvant_dwell(case: Case) -> Timing:
    return (case.course.adjuvant_months, ("ADJ",))


def surveillance_dwell(case: Case) -> Timing:
    course = case.course
    if course.recurrence in ("liver_only", "extrahepatic"):
        return (SURVEILLANCE_VISIT, ("D-SURVEILLANCE",))
    start = course.last_curative_month if course.last_curative_month is not None else course.month
    return (max(0.0, start + DISEASE_FREE_AFTER - course.month), ("R30", "D-SURVEILLANCE"))


def to_surgery(case: Case) -> Timing:
    regimen = case.course.regimen
    if regimen is not None and regimen.bevacizumab and case.course.systemic_months > 0:
        return (BEVACIZUMAB_WASHOUT, ("R24",))
    return (SURGERY_AFTER_CHEMO, ("D-CLOCK",))


def after_surgery(case: Case) -> Timing:
    regimen = case.course.regimen
    if regimen is not None and regimen.bevacizumab:
        return (BEVACIZUMAB_RESUME, ("R24",))
    return (RECOVERY, ("D-CLOCK",))


# --- the states ------------------------------------------------------------------------------


def _once(case: Case) -> bool:
    return not case.course.finding_read


def _staging_incomplete(case: Case) -> bool:
    return not (primary_known(case).passed and biomarkers_known(case).passed)


def _recurrent_liver_described(entry: Mapping[str, Any]) -> list[FactProblem]:
    """A liver-only recurrence must describe the recurrent disease (R31 decides on it): the liver
    facts on record describe the disease already resected. Bilobar is inferred for one lesion."""
    if entry.get("recurrence") != "liver_only":
        return []
    liver = entry.get("liver")
    stated = liver if isinstance(liver, Mapping) else {}
    keys = ["lesions", "largest_cm", "flr_percent", "r0_achievable"]
    if stated.get("lesions") != 1:
        keys.insert(2, "bilobar")
    return [
        (
            f"liver.{k}",
            "required for a liver-only recurrence (the value on record describes the resected disease)",
            "nothing",
            f"the recurrent disease's {k}",
        )
        for k in keys
        if k not in stated
    ]


def _arrive_at_surgery(case: Case) -> CourseChanges:
    """Every operation: the clock of the last curative step; the R21 two-stage sequence moves on."""
    course = case.course
    now = course.month
    if course.two_stage == TwoStage.PLANNED:  # R21: stage 1 done, the remnant must regrow
        return CourseChanges(
            last_curative_month=now, last_operation_month=now, margin=None, two_stage=TwoStage.STAGE_1_DONE
        )
    done = TwoStage.STAGE_2_DONE if course.two_stage == TwoStage.STAGE_1_DONE else TwoStage.NONE
    return CourseChanges(
        last_curative_month=now, last_operation_month=now, margin=None, two_stage=done, liver_treated=True
    )


def _arrive_at_primary_resection(case: Case) -> CourseChanges:
    course = case.course
    last = course.month if course.liver_treated else course.last_curative_month
    return CourseChanges(last_curative_month=last, last_operation_month=course.month)


def _arrive_at_volumetry(case: Case) -> CourseChanges:
    """R41: the volumetry CT restages afresh; the last reassessment's response is not carried over."""
    return CourseChanges(response=None)


STATES: dict[str, State] = {
    s.name: s
    for s in (  # in clinical order: top to bottom on diagrams, and a road to an earlier state is a loop
        State("referral", Phase.ENTRY, "Referral", "Referral to a tertiary HPB centre", zero, "refer"),
        State(
            "staging",
            Phase.ENTRY,
            "Staging",
            "Workup: primary, imaging, fitness, volumetry, biomarkers",
            const(WORKUP, "D-CLOCK"),
            "complete_staging",
            Reading(
                "the primary site or missing biomarkers",
                _staging_incomplete,
                names_one_of=("primary", "biomarkers"),
                again=True,
            ),
        ),
        State("mdt_review", Phase.ENTRY, "MDT review", "HPB multidisciplinary team decides", zero, "mdt_decision"),
        State(
            "primary_resection",
            Phase.SURGICAL,
            "Primary resection",
            "Resection of the primary tumour",
            const(RECOVERY, "D-CLOCK"),
            "recover",
            on_arrival=_arrive_at_primary_resection,
            operation=True,
        ),
        State(
            "neoadjuvant",
            Phase.SYSTEMIC,
            "Neoadjuvant therapy",
            "Systemic therapy before surgery",
            block,
            "complete_block",
        ),
        State(
            "palliative_systemic",
            Phase.SYSTEMIC,
            "Palliative systemic",
            "Systemic therapy for disease control",
            block,
            "complete_block",
        ),
        State("locoregional", Phase.LOCAL, "Locoregional therapy", "Ablation, TACE or TARE", block, "complete_block"),
        State(
            "observation",
            Phase.FOLLOW_UP,
            "Observation",
            "Watchful observation (neuroendocrine)",
            block,
            "complete_block",
        ),
        State(
            "reassessment",
            Phase.ASSESSMENT,
            "Reassessment",
            "Response on CT/MRI, RECIST 1.1",
            zero,
            "read_response",
            Reading(
                "the response (RECIST 1.1) and the current liver disease",
                _once,
                observes={"response": True, "progressing_lesions": False},
            ),
        ),
        State(
            "liver_augmentation",
            Phase.SURGICAL,
            "Liver augmentation",
            "PVE; the future remnant regrows",
            const(PVE_TO_VOLUMETRY, "D-CLOCK"),
            "measure_remnant",
            Reading(
                "the regrown future liver remnant (and, restaging, the response)",
                _once,
                observes={"response": False},
                names=("liver.flr_percent",),
            ),
            on_arrival=_arrive_at_volumetry,
        ),
        State(
            "surgery",
            Phase.SURGICAL,
            "Liver surgery",
            "Liver resection (with ablation or staged)",
            zero,
            "read_pathology",
            Reading("the resection margin", _once, observes={"margin": True}),
            on_arrival=_arrive_at_surgery,
            operation=True,
        ),
        State(
            "adjuvant",
            Phase.SYSTEMIC,
            "Adjuvant therapy",
            "Systemic therapy after liver surgery",
            adjuvant_dwell,
            "complete_adjuvant",
        ),
        State(
            "surveillance",
            Phase.FOLLOW_UP,
            "Surveillance",
            "CT every 3-6 months (CEA in CRC)",
            surveillance_dwell,
            "read_surveillance",
            Reading(
                "whether and where the disease recurred",
                _once,
                observes={"recurrence": True},
                check=_recurrent_liver_described,
            ),
        ),
        State(
            "recurrence",
            Phase.FOLLOW_UP,
            "Recurrence",
            "Restage, then back to the MDT",
            const(WORKUP, "D-CLOCK"),
            "restage",
        ),
        State(
            "best_supportive_care", Phase.END, "Best supportive care", "Symptom control, no anticancer therapy", zero
        ),
        State("disease_free", Phase.END, "Disease-free", "No recurrence after 5 years", zero),
        State("maintenance", Phase.END, "Maintenance", "No evidence of disease on continuing therapy", zero),
    )
}

CLINICAL_ORDER: tuple[str, ...] = tuple(STATES)
TRIGGERS: dict[str, str] = {s.name: s.trigger for s in STATES.values() if s.trigger is not None}
FINDING_STATES: tuple[str, ...] = tuple(s.name for s in STATES.values() if s.reading is not None)


def is_back(source: str, dest: str) -> bool:
    """A road to the same or an earlier state in clinical order is a loop."""
    return CLINICAL_ORDER.index(dest) <= CLINICAL_ORDER.index(source)
