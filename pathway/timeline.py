"""A scenario's course as a strip: months across, each stretch of the pathway a band of its phase.

`bands` is the data (tested without drawing); `draw_timeline` draws it with matplotlib for
`pathway render --timeline` and for the case pages, which highlight the band of the current step
by its id (`step-N`).

The month axis is linear for the first year, where the decisions crowd, and compressed after it
(a quarter of the width per month), so five years of surveillance do not squeeze the first
months into a corner; its ticks name real months.
"""

from __future__ import annotations

from dataclasses import dataclass

from .engine import Trajectory
from .vocabulary import DISEASE_FREE_AFTER, LATER_VISIT, STATES, SURVEILLANCE_VISIT, Phase

LINEAR_UNTIL = 12.0  # months drawn at full width
LATER = 0.25  # width of a month after the first year
VISITS_EVERY_3_UNTIL = 24.0  # D-SURVEILLANCE: every 3 months for 2 years, then every 6 (R30)


@dataclass(frozen=True)
class Band:
    """A stretch of the course: the patient is in `state` from `start` to `end` (months)."""

    step: int  # the step that arrived in the state
    state: str
    start: float
    end: float
    label: str  # what the band says: the regimen for systemic therapy, else the state
    phase: str


@dataclass(frozen=True)
class Mark:
    """An event at one month: a decision made without time passing, an operation, a visit."""

    step: int
    month: float
    kind: str  # decision | operation | visit | end
    label: str


def x_of(month: float) -> float:
    """The month on the drawn axis."""
    return month if month <= LINEAR_UNTIL else LINEAR_UNTIL + (month - LINEAR_UNTIL) * LATER


def bands(trajectory: Trajectory) -> tuple[list[Band], list[Mark]]:
    """The stretches between steps, and the instants: operations, same-month decisions, visits."""
    out: list[Band] = []
    marks: list[Mark] = []
    steps = trajectory.steps
    for i, step in enumerate(steps):
        state = STATES[step.state]
        end = steps[i + 1].month if i + 1 < len(steps) else None
        if state.phase == Phase.SURGICAL:
            marks.append(Mark(step.number, step.month, "operation", step.plan.decision.procedure or state.title))
        if end is None:
            if state.phase == Phase.END:
                marks.append(Mark(step.number, step.month, "end", state.title))
            else:  # waiting for a finding: a short open band
                out.append(Band(step.number, step.state, step.month, step.month + 1.0, state.title, state.phase))
            continue
        if end <= step.month:
            marks.append(Mark(step.number, step.month, "decision", state.title))
            continue
        regimen = step.plan.decision.regimen if state.phase == Phase.SYSTEMIC else None
        out.append(Band(step.number, step.state, step.month, end, regimen or state.title, state.phase))
        if step.state == "surveillance":
            marks += _visits(step.number, step.month, min(end, step.month + DISEASE_FREE_AFTER))
    return out, marks


def _visits(step: int, start: float, end: float) -> list[Mark]:
    """D-SURVEILLANCE (R30): imaging every 3 months for 2 years, then every 6 months."""
    out, month = [], start + SURVEILLANCE_VISIT
    while month < end - 1e-9:
        out.append(Mark(step, round(month, 2), "visit", "CT (and CEA where it is followed)"))
        month += SURVEILLANCE_VISIT if month - start < VISITS_EVERY_3_UNTIL else LATER_VISIT
    return out


def month_ticks(last: float) -> list[float]:
    """Every 3 months in the first year, then every 12."""
    ticks = [m for m in (0.0, 3.0, 6.0, 9.0, 12.0) if m <= max(last, 12.0)]
    month = 24.0
    while month <= last + 1e-9:
        ticks.append(month)
        month += 12.0
    return ticks
