"""What has been done to the patient so far: the treatment course, and the case (facts + course).

Guards read a Case and nothing else; the engine replaces it, never mutates it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .patient import Patient


@dataclass(frozen=True)
class Regimen:
    """A systemic treatment, with the two facts the clock and R12 need."""

    name: str
    oxaliplatin: bool = False
    bevacizumab: bool = False
    kind: str = "chemotherapy"  # chemotherapy | immunotherapy


@dataclass(frozen=True)
class Finding:
    """One timeline entry as the engine reads it: where it applies, patient changes, observations."""

    at: str
    index: int = 0
    line: int | None = None
    month: float | None = None
    response: str | None = None
    margin: str | None = None
    recurrence: str | None = None
    progressing_lesions: int | None = None  # R35: how many lesions progress
    patient: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"at": self.at, "index": self.index}
        for key in ("month", "response", "margin", "recurrence", "progressing_lesions"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out.update({k: _plain(v) for k, v in self.patient.items()})
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Course:
    month: float = 0.0  # when the current state was entered (months from referral)
    intent: str | None = None  # perioperative | conversion | curative | ablative | palliative
    regimen: Regimen | None = None
    block_months: float = 0.0  # length of the current systemic or local block
    systemic_months: float = 0.0  # systemic therapy in this episode before liver surgery
    adjuvant_months: float = 0.0
    response: str | None = None
    margin: str | None = None
    recurrence: str | None = None
    finding_read: bool = False
    two_stage: int = 0  # 0 no plan; 1 planned; 2 stage 1 done; 3 stage 2 done
    liver_treated: bool = False  # this episode's liver disease removed (surgery) or ablated
    last_curative_month: float | None = None
    oxaliplatin_end_month: float | None = None
    liver_directed: bool = False  # R32: TACE/TAE already given
    progressing_lesions: int | None = None


@dataclass(frozen=True)
class Case:
    patient: Patient
    course: Course = field(default_factory=Course)

    def with_course(self, **changes: Any) -> Case:
        return replace(self, course=replace(self.course, **changes))

    def with_patient(self, changes: Mapping[str, Any]) -> Case:
        return replace(self, patient=self.patient.updated(changes))
