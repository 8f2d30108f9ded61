"""What has been done to the patient so far: the treatment course, and the case (facts + course).

Guards read a Case and nothing else; the engine replaces it, never mutates it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypedDict

from .patient import Patient, amend


class Intent(StrEnum):
    """Why a treatment is given (the `intent` of a decision and of the course)."""

    PERIOPERATIVE = "perioperative"  # chemotherapy around surgery for resectable disease (R9)
    CONVERSION = "conversion"  # to make unresectable disease resectable (R13-R16)
    CURATIVE = "curative"
    ABLATIVE = "ablative"  # ablation as the primary treatment (R23)
    PALLIATIVE = "palliative"
    OBSERVATION = "observation"  # watchful observation (R32)
    SUPPORTIVE = "supportive"
    PRIMARY_FIRST = "primary-first"  # R25
    SYSTEMIC_FIRST = "systemic-first"  # R33
    NEOADJUVANT = "neoadjuvant"  # R35: a TKI before resection
    MAINTENANCE = "maintenance"  # R39: no evidence of disease on continuing therapy


class TwoStage(StrEnum):
    """Where a two-stage hepatectomy (R21) stands."""

    NONE = "none"
    PLANNED = "planned"  # the decision is taken; stage 1 is next
    STAGE_1_DONE = "stage-1-done"  # the cleared remnant must regrow (PVE)
    STAGE_2_DONE = "stage-2-done"


class Response(StrEnum):
    """RECIST 1.1 response at a reassessment."""

    COMPLETE = "complete"
    PARTIAL = "partial"
    STABLE = "stable"
    MIXED = "mixed"
    PROGRESSION = "progression"


class Margin(StrEnum):
    R0 = "R0"
    R1 = "R1"
    R2 = "R2"


class Recurrence(StrEnum):
    NONE = "none"
    LIVER_ONLY = "liver_only"
    EXTRAHEPATIC = "extrahepatic"


class RegimenKind(StrEnum):
    CHEMOTHERAPY = "chemotherapy"
    IMMUNOTHERAPY = "immunotherapy"
    TARGETED = "targeted"
    ENDOCRINE = "endocrine"
    HORMONAL = "hormonal"
    RADIONUCLIDE = "radionuclide"


@dataclass(frozen=True)
class Regimen:
    """A systemic treatment, with the facts the clock and R12 need."""

    name: str
    oxaliplatin: bool = False
    bevacizumab: bool = False
    kind: RegimenKind = RegimenKind.CHEMOTHERAPY
    anti_egfr: bool = False  # cetuximab or panitumumab (R13b)
    continued: bool = False  # R39: continued, not completed (a TKI, endocrine or HER2-targeted therapy, an SSA)


# What a finding may observe, beyond patient updates (the states that read each say so).
OBSERVATIONS: dict[str, type[StrEnum] | type[int]] = {
    "response": Response,
    "margin": Margin,
    "recurrence": Recurrence,
    "progressing_lesions": int,  # R35: how many lesions progress
}


@dataclass(frozen=True, eq=False)
class Finding:
    """One finding as the engine reads it: where it applies, patient changes, observations.

    `origin` says where it came from, for error messages: a timeline entry (`timeline[3]`, with its
    file line) or another source (a quiz answer, a random draw).
    """

    at: str
    index: int = 0
    line: int | None = None
    month: float | None = None
    response: Response | None = None
    margin: Margin | None = None
    recurrence: Recurrence | None = None
    progressing_lesions: int | None = None
    patient: Mapping[str, Any] = field(default_factory=dict)
    origin: str | None = None

    @property
    def where(self) -> str:
        """The field path prefix that locates this finding in messages."""
        return self.origin if self.origin is not None else f"timeline[{self.index}]"

    def observed(self) -> dict[str, Any]:
        """The observations this finding makes (only those it names)."""
        return {k: getattr(self, k) for k in OBSERVATIONS if getattr(self, k) is not None}

    def as_entry(self) -> dict[str, Any]:
        """The finding as a timeline entry would state it (what the schema validates)."""
        out: dict[str, Any] = {"at": self.at}
        if self.month is not None:
            out["month"] = self.month
        out.update({k: str(v) if isinstance(v, StrEnum) else v for k, v in self.observed().items()})
        out.update({k: _plain(v) for k, v in self.patient.items()})
        return out

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"at": self.at, "index": self.index}
        if self.month is not None:
            out["month"] = self.month
        out.update(self.observed())
        out.update({k: _plain(v) for k, v in self.patient.items()})
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True, eq=False, repr=False)
class Course:
    """The treatment so far: the clock, the intent and regimen, and what the findings said."""

    month: float = 0.0  # when the current state was entered (months from referral)
    now: float = 0.0  # when the decision out of the current state is taken (the state's dwell later)
    intent: Intent | None = None
    regimen: Regimen | None = None
    block_months: float = 0.0  # length of the current systemic or local block
    systemic_months: float = 0.0  # systemic therapy in this episode before liver surgery
    adjuvant_months: float = 0.0
    response: Response | None = None
    margin: Margin | None = None
    recurrence: Recurrence | None = None
    finding_read: bool = False
    two_stage: TwoStage = TwoStage.NONE
    liver_treated: bool = False  # this episode's liver disease removed (surgery) or ablated
    last_curative_month: float | None = None
    liver_directed: bool = False  # R32: TACE/TAE already given
    progressing_lesions: int | None = None
    # The clock of past treatment, kept across recurrences (R12, R13b, R24).
    oxaliplatin_last_month: float | None = None  # last dose of an oxaliplatin-containing regimen
    anti_egfr_last_month: float | None = None  # last dose of an anti-EGFR antibody
    bevacizumab_last_month: float | None = None  # last dose of bevacizumab
    last_operation_month: float | None = None  # the last liver or primary operation
    failed_line: Regimen | None = None  # the line the disease recurred on (set at restaging)
    urgent_review: bool = False  # the MDT sits as an urgent review (R29)
    pet_ct: bool = False  # R3: PET-CT done (multifocal disease at staging, or before curative surgery)
    steps_without_progress: int = 0  # D-STEP-LIMIT
    came_from: str = "referral"  # the state the current one was entered from (what a reassessment follows)


class CourseChanges(TypedDict, total=False):
    """What a road's plan changes in the course on arrival (a typed subset of Course)."""

    intent: Intent | None
    regimen: Regimen | None
    block_months: float
    systemic_months: float
    adjuvant_months: float
    response: Response | None
    margin: Margin | None
    recurrence: Recurrence | None
    two_stage: TwoStage
    liver_treated: bool
    last_curative_month: float | None
    liver_directed: bool
    oxaliplatin_last_month: float | None
    anti_egfr_last_month: float | None
    bevacizumab_last_month: float | None
    last_operation_month: float | None
    failed_line: Regimen | None
    urgent_review: bool
    pet_ct: bool


@dataclass(frozen=True, eq=False, repr=False)
class Case:
    """A patient's facts and course: all a guard reads."""

    patient: Patient
    course: Course = field(default_factory=Course)

    def with_course(self, **changes: Any) -> Case:
        return Case(self.patient, amend(self.course, changes))

    def with_patient(self, changes: Mapping[str, Any]) -> Case:
        return Case(self.patient.updated(changes), self.course)
