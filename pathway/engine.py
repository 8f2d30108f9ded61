"""The engine: one shared `transitions` Machine steps plain patient models through the pathway.

Findings come from a *source* (a scenario's timeline today, a seeded generator tomorrow). Every
step keeps the case it produced and the evaluation of every road, so a trajectory can be
branched at any step, and the pathway's choice compared with anyone else's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Protocol

from transitions import EventData, Machine

from . import definition as d
from .course import Case, Finding
from .errors import Problem, ScenarioError, show
from .guards import Guard, Verdict
from .rules import RULES, ordered
from .sources import SOURCES
from .spec import DefinitionError, Plan, Road

logging.getLogger("transitions").setLevel(logging.WARNING)


class FindingSource(Protocol):
    """Where findings come from. Returns None when it has nothing more to say."""

    def next_finding(self, state: str, case: Case) -> Finding | None: ...

    def leftover(self) -> list[Finding]: ...


class TimelineParted(Exception):
    def __init__(self, finding: Finding, state: str):
        super().__init__(f"finding for {finding.at} read at {state}")
        self.finding = finding
        self.state = state


@dataclass
class TimelineSource:
    """Findings from a scenario's timeline, read in order at the states named by `at`."""

    findings: list[Finding]
    cursor: int = 0

    def next_finding(self, state: str, case: Case) -> Finding | None:
        if self.cursor >= len(self.findings):
            return None
        finding = self.findings[self.cursor]
        if finding.at != state:
            raise TimelineParted(finding, state)
        self.cursor += 1
        return finding

    def leftover(self) -> list[Finding]:
        return self.findings[self.cursor :]


@dataclass(frozen=True, eq=False, repr=False)
class Option:
    """One road as evaluated at a step: each guard with its verdict."""

    road: Road
    verdicts: tuple[tuple[Guard, Verdict], ...]

    @property
    def open(self) -> bool:
        return all(v.passed for _, v in self.verdicts)

    @property
    def failed(self) -> list[str]:
        return [r for _, v in self.verdicts if not v.passed for r in v.reasons]

    @property
    def failed_rules(self) -> list[str]:
        return ordered([rule for gd, v in self.verdicts if not v.passed for rule in gd.rules])

    @property
    def out_of_scope(self) -> bool:
        """The road belongs to another primary's pathway (not worth narrating as a road not taken)."""
        return any(gd.sites and not v.passed for gd, v in self.verdicts)

    @property
    def passed_reasons(self) -> list[str]:
        return [r for _, v in self.verdicts if v.passed for r in v.reasons]


@dataclass(frozen=True, eq=False, repr=False)
class Step:
    number: int
    month: float
    state: str
    source: str
    road: Road
    plan: Plan
    options: tuple[Option, ...]
    finding: Finding | None
    case: Case  # the case on arrival: branch from here
    clock_rules: tuple[str, ...]

    @property
    def chosen(self) -> Option:
        return next(o for o in self.options if o.road.name == self.road.name)

    @property
    def reasons(self) -> list[str]:
        out: list[str] = []
        scope = {r for gd, v in self.chosen.verdicts if gd.sites for r in v.reasons}
        for reason in [*self.chosen.passed_reasons, *self.plan.reasons]:
            if reason in scope:
                continue
            if reason not in out:
                out.append(reason)
        return out

    @property
    def rules(self) -> list[str]:
        ids: list[str] = [*self.road.rules, *self.plan.rules, *self.clock_rules]
        for gd, v in self.chosen.verdicts:
            if v.passed:
                ids.extend(gd.rules)
        return ordered(ids)

    @property
    def sources(self) -> list[str]:
        keys = sorted({k for rid in self.rules for k in RULES[rid].sources})
        return [f"{SOURCES[k].title} ({k})" for k in keys]

    @property
    def derived(self) -> list[str]:
        return [rid for rid in self.rules if RULES[rid].derived]

    @property
    def blocked(self) -> list[dict[str, Any]]:
        """The roads not taken: the guards that blocked each, or what outranked it."""
        out: list[dict[str, Any]] = []
        taken_at = next(i for i, o in enumerate(self.options) if o.road.name == self.road.name)
        for i, option in enumerate(self.options):
            if option.road.name == self.road.name or option.out_of_scope:
                continue
            entry: dict[str, Any] = {"to": option.road.dest, "via": option.road.name}
            if option.open:
                entry["failed"] = []
                entry["outranked_by"] = self.road.name if i > taken_at else None
                if option.road.alternative:
                    entry["alternative"] = True
            else:
                entry["failed"] = option.failed
            entry["rules"] = ordered([*option.road.rules, *option.failed_rules])
            out.append(entry)
        return out

    @property
    def warnings(self) -> list[str]:
        return list(self.plan.warnings)

    def why_not(self, dest: str) -> list[dict[str, Any]]:
        """Why the pathway did not go to `dest` at this step (empty if it did)."""
        if dest == self.state:
            return []
        return [b for b in self.blocked if b["to"] == dest]


@dataclass(frozen=True)
class Comparison:
    """Someone's choice at a step set against the pathway's (for quiz mode)."""

    step: int
    chosen: str
    pathway: str
    agrees: bool
    acceptable: bool  # an accepted alternative the rule book names
    blocked_by: list[str]


@dataclass
class Trajectory:
    scenario: str
    start: Case
    steps: list[Step] = field(default_factory=list)
    ended: str = "terminal"  # terminal | awaiting-finding
    awaiting: str | None = None  # what finding the pathway waits for

    @property
    def path(self) -> list[str]:
        return ["referral", *(s.state for s in self.steps)]

    @property
    def final_state(self) -> str:
        return self.path[-1]

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def step(self, number: int) -> Step:
        if not 1 <= number <= len(self.steps):
            raise IndexError(f"step {number} is outside 1..{len(self.steps)}")
        return self.steps[number - 1]

    def why_not(self, number: int, dest: str) -> list[dict[str, Any]]:
        return self.step(number).why_not(dest)

    def compare(self, number: int, dest: str) -> Comparison:
        """Score a choice of destination at step `number` against the pathway's."""
        step = self.step(number)
        blocked = step.why_not(dest)
        acceptable = any(b.get("alternative") and not b["failed"] for b in blocked)
        return Comparison(
            number,
            dest,
            step.state,
            dest == step.state,
            dest == step.state or acceptable,
            [r for b in blocked for r in b["failed"]],
        )


class Parted(Exception):
    """The timeline and the pathway went different ways."""

    def __init__(self, problem: Problem, trajectory: Trajectory):
        super().__init__(problem.format())
        self.problem = problem
        self.trajectory = trajectory


class PatientModel:
    """The plain object the shared Machine drives; it holds the current Case."""

    state: str

    def __init__(self, case: Case):
        self.case = case
        self.arrived: tuple[Road, Plan] | None = None


def _condition(guard: Guard) -> Any:
    def check(event: EventData) -> bool:
        model = event.model
        assert isinstance(model, PatientModel)
        return guard(model.case).passed

    return check


def _after(road: Road) -> Any:
    def record(event: EventData) -> None:
        model = event.model
        assert isinstance(model, PatientModel)
        model.arrived = (road, road.plan(model.case))

    return record


@cache
def machine() -> Machine:
    """The one Machine for every patient (models are added and removed, never a Machine each)."""
    m = Machine(
        model=None,
        states=list(d.STATES),
        initial="referral",
        send_event=True,
        auto_transitions=False,
        ignore_invalid_triggers=False,
    )
    for road in d.ROADS:  # order matters: same trigger, first passing transition wins
        m.add_transition(
            d.TRIGGERS[road.source],
            road.source,
            road.dest,
            conditions=[_condition(gd) for gd in road.guards],
            after=[_after(road)],
        )
    return m


def evaluate(state: str, case: Case) -> tuple[Option, ...]:
    """Every road out of `state`, in clinical order, with each guard's verdict."""
    return tuple(Option(r, tuple((gd, gd(case)) for gd in r.guards)) for r in d.roads_from(state))


def read_finding(case: Case, finding: Finding) -> Case:
    if finding.month is not None and finding.month < case.course.month:
        raise ScenarioError(
            [
                Problem(
                    f"timeline[{finding.index}].month",
                    f"the finding predates the pathway's clock at {finding.at}",
                    show(finding.month),
                    f"a month >= {case.course.month:g}",
                    finding.line,
                )
            ]
        )
    if finding.patient:
        case = case.with_patient(finding.patient)
    changes: dict[str, Any] = {"finding_read": True}
    for key in ("response", "margin", "recurrence"):
        value = getattr(finding, key)
        if value is not None:
            changes[key] = value
    changes["progressing_lesions"] = finding.progressing_lesions
    return case.with_course(**changes)


def run(start: Case, source: FindingSource, scenario: str = "", state: str = "referral") -> Trajectory:
    """Drive a patient from `state` until a terminal state or a finding the source lacks."""
    trajectory = Trajectory(scenario, start)
    _drive(trajectory, start, state, source)
    return trajectory


def branch(trajectory: Trajectory, number: int, source: FindingSource) -> Trajectory:
    """A what-if: keep steps 1..number of `trajectory`, then continue with another source."""
    if number == 0:
        return run(trajectory.start, source, trajectory.scenario)
    kept = trajectory.step(number)
    fresh = Trajectory(trajectory.scenario, trajectory.start, list(trajectory.steps[:number]))
    _drive(fresh, kept.case, kept.state, source)
    return fresh


def _drive(trajectory: Trajectory, case: Case, state: str, source: FindingSource) -> None:
    m = machine()
    model = PatientModel(case)
    m.add_model(model, initial=state)
    try:
        while not d.STATES[model.state].terminal:
            if not _advance(m, model, trajectory, source):
                return
        leftover = source.leftover()
        if leftover:
            first = leftover[0]
            raise Parted(
                Problem(
                    f"timeline[{first.index}]",
                    f"never read: the pathway ended at {model.state} (step {len(trajectory.steps)})",
                    f"an entry at {first.at}",
                    "no entries after a terminal state",
                    first.line,
                ),
                trajectory,
            )
    finally:
        m.remove_model(model)
    trajectory.ended = "terminal"


def _advance(m: Machine, model: PatientModel, trajectory: Trajectory, source: FindingSource) -> bool:
    here = d.STATES[model.state]
    case = model.case
    finding: Finding | None = None
    while here.needs_finding is not None and here.needs_finding(case):
        try:
            got = source.next_finding(here.name, case)
        except TimelineParted as parted:
            raise Parted(_parted_problem(parted, trajectory), trajectory) from None
        if got is None:
            trajectory.ended = "awaiting-finding"
            trajectory.awaiting = f"{here.name}: {here.reads}"
            return False
        finding = got
        case = read_finding(case, got)
        if here.name != "staging":
            break
    options = evaluate(here.name, case)
    winner = next((o for o in options if o.open), None)
    if winner is None:
        raise DefinitionError(f"no road out of {here.name} is open: the definition has a dead end")
    dwell, dwell_rules = here.dwell(case)
    departure = finding.month if finding is not None and finding.month is not None else case.course.month + dwell
    lead, lead_rules = winner.road.lead(case)
    model.case = case
    if not m.events[d.TRIGGERS[here.name]].trigger(model) or model.arrived is None:
        raise DefinitionError(f"transitions refused {winner.road.name} from {here.name}")
    road, plan = model.arrived
    if road.name != winner.road.name or model.state != road.dest:
        raise DefinitionError(f"transitions took {road.name}, the definition expected {winner.road.name}")
    month = round(departure + lead, 2)
    arrived = case.with_patient(plan.patient) if plan.patient else case
    arrived = replace(arrived, course=replace(arrived.course, **plan.course))
    arrived = arrived.with_course(month=month, finding_read=False)
    arrived = arrived.with_course(**d.on_arrival(road.dest, arrived))
    model.case = arrived
    model.arrived = None
    clock = tuple(dwell_rules if finding is None or finding.month is None else ()) + tuple(lead_rules)
    trajectory.steps.append(
        Step(len(trajectory.steps) + 1, month, road.dest, here.name, road, plan, options, finding, arrived, clock)
    )
    return True


def _parted_problem(parted: TimelineParted, trajectory: Trajectory) -> Problem:
    want, here = parted.finding.at, parted.state
    why = f"the pathway needs a finding at {here}"
    for step in reversed(trajectory.steps):
        routes = step.why_not(want)
        if routes:
            blocked = routes[0]
            because = "; ".join(blocked["failed"]) or f"outranked by {blocked.get('outranked_by')}"
            why += (
                f": at step {step.number} (month {step.month:g}) {step.source} took {step.road.name} to "
                f"{step.state}, not {blocked['via']} to {want}, because {because}"
            )
            break
    else:
        if trajectory.steps:
            last = trajectory.steps[-1]
            why += f": step {last.number} took {last.road.name} ({'; '.join(last.reasons[:2])})"
    return Problem(
        f"timeline[{parted.finding.index}].at",
        f"the scenario parted from the pathway; {why}",
        parted.finding.at,
        here,
        parted.finding.line,
    )
