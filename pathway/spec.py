"""The vocabulary of the pathway definition: decisions, plans, states, roads, and the clock.

Shared by the colorectal pathway (definition.py) and the other primaries (branches.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import guards as g
from .course import Case
from .guards import Guard

Timing = tuple[float, tuple[str, ...]]


@dataclass(frozen=True)
class Decision:
    category: str | None = None
    intent: str | None = None
    regimen: str | None = None
    procedure: str | None = None

    def as_json(self) -> dict[str, str | None]:
        return {
            "category": self.category,
            "intent": self.intent,
            "regimen": self.regimen,
            "procedure": self.procedure,
        }


@dataclass(frozen=True, eq=False, repr=False)
class Plan:
    """What taking a road means: the decision, why, and what changes on arrival."""

    decision: Decision
    reasons: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    course: Mapping[str, Any] = field(default_factory=dict)
    patient: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False, repr=False)
class State:
    name: str
    phase: str
    description: str
    dwell: Callable[[Case], Timing]
    terminal: bool = False
    reads: str | None = None  # what finding the state reads, in words
    needs_finding: Callable[[Case], bool] | None = None


@dataclass(frozen=True, eq=False, repr=False)
class Road:
    name: str
    source: str
    dest: str
    guards: tuple[Guard, ...]
    rules: tuple[str, ...]
    plan: Callable[[Case], Plan]
    lead: Callable[[Case], Timing] = lambda case: (0.0, ())
    alternative: bool = False  # an accepted alternative the pathway narrates but does not take
    label: str = ""

    @property
    def guard_label(self) -> str:
        """The short clinical label drawn on diagram edges."""
        if self.label:
            return self.label
        return " and ".join(gd.label for gd in self.guards) if self.guards else "always"


class DefinitionError(Exception):
    """The pathway definition is inconsistent (checked when it is built)."""


# --- the clock (months) -------------------------------------------------------------------

SURGERY_AFTER_CHEMO = 1.0  # D-CLOCK: 4 weeks after the last cycle
BEVACIZUMAB_WASHOUT = 1.5  # R24: >= 6 weeks before surgery
BEVACIZUMAB_RESUME = 1.5  # R24: resumes 6-8 weeks after
RECOVERY = 1.0  # D-CLOCK: 4 weeks after liver or primary surgery
WORKUP = 0.5  # D-CLOCK: 2-week staging
PVE_TO_VOLUMETRY = 1.0  # D-CLOCK: remnant re-measured 4 weeks after PVE
SURVEILLANCE_VISIT = 3.0  # D-SURVEILLANCE (R30: every 3-6 months for 2 years)
DISEASE_FREE_AFTER = 60.0  # D-SURVEILLANCE (R30): 5 years
CONVERSION_BLOCK = 2.0  # R16
PERIOPERATIVE_BLOCK = 3.0  # R9


def zero(case: Case) -> Timing:
    return (0.0, ())


def const(months: float, *rules: str) -> Callable[[Case], Timing]:
    def timing(case: Case) -> Timing:
        return (months, rules)

    return timing


def block(case: Case) -> Timing:
    months = case.course.block_months
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


def liver_operation(
    case: Case, base: str
) -> tuple[str, tuple[str, ...], tuple[str, ...], dict[str, Any], dict[str, Any]]:
    """R26/R27: with the primary in place, simultaneous resection or liver first."""
    p = case.patient.primary
    lv = case.patient.liver
    if p.resected:
        return base, (), (), {}, {}
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
            {},
            {"primary": {"resected": True}},
        )
    rules: tuple[str, ...] = ("R26", "R27") if p.site == "rectum" else ("R26",)
    why = "metastases too extensive for a simultaneous operation: liver first, then the primary"
    if p.site == "rectum":
        why = "rectal primary with a high liver burden: liver first after chemotherapy, then the primary"
    return f"{base} (liver first; the {p.site} primary follows)", (why,), rules, {}, {}


def surgery_plan(
    case: Case,
    category: str,
    base: str,
    reasons: tuple[str, ...] = (),
    rules: tuple[str, ...] = (),
    warnings: tuple[str, ...] = (),
    course: Mapping[str, Any] | None = None,
) -> Plan:
    procedure, why, seq_rules, seq_course, seq_patient = liver_operation(case, base)
    regimen = case.course.regimen
    extra: tuple[str, ...] = ()
    extra_rules: tuple[str, ...] = ()
    if regimen is not None and regimen.bevacizumab and case.course.systemic_months > 0:
        extra = ("bevacizumab stopped at least 6 weeks before surgery",)
        extra_rules = ("R24",)
    return Plan(
        Decision(category, "curative", regimen.name if regimen else None, procedure),
        reasons=reasons + why + extra,
        rules=rules + seq_rules + extra_rules,
        warnings=warnings,
        course={**seq_course, **(course or {})},
        patient=seq_patient,
    )
