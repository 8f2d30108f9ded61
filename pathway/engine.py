"""The engine: a `transitions` Machine per pathway steps plain patient models through it.

Findings come from a *source* (a scenario's timeline, or anything with `next_finding`), and each is
validated the same way whatever the source (pathway.findings). At every step the engine evaluates
each guard of each road out of the state once; the Machine is then triggered with those verdicts,
so `transitions` resolves the first open road (its own rule for transitions that share a trigger)
without evaluating a guard again. Models are never attached to a Machine: `Event.trigger(model)`
works on any object holding a `state` attribute, which spares `Machine.add_model` per patient.

Every step keeps the case it produced and the verdict of every guard on every road, so a trajectory
can be branched at any step and the pathway's choice compared with anyone else's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple, Protocol

from transitions import EventData, Machine

from . import definition as d
from .course import Case, Finding
from .errors import Problem
from .findings import validate
from .guards import Guard, Verdict
from .patient import amend
from .pitfalls import Alert
from .rules import RULES, ordered
from .schema import MAX_FINDINGS
from .sources import SOURCES
from .tables import Pathway
from .vocabulary import BEVACIZUMAB_RESUME, BEVACIZUMAB_WASHOUT, DefinitionError, Phase, Plan, Road

# transitions logs every event at DEBUG/INFO; a replay is narrated, not logged.
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


@dataclass(eq=False, repr=False)
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


def cited(rule_ids: list[str], scope: str | None) -> list[str]:
    """The rules a step of a pathway with this rule scope cites, in order (R43)."""
    return ordered([rid for rid in rule_ids if scope is None or RULES[rid].cited_for(scope)])


def cited_sources(rule_ids: list[str], scope: str | None) -> list[str]:
    """The sources of these rules, by title; a colorectal-only source only for a colorectal step (R43)."""
    keys = sorted({k for rid in rule_ids for k in RULES[rid].sources})
    keys = [k for k in keys if scope is None or SOURCES[k].scope in (None, scope)]
    return [f"{SOURCES[k].title} ({k})" for k in keys]


@dataclass(frozen=True, eq=False, repr=False)
class RoadVerdict:
    """One road as evaluated at a step: each guard with its verdict."""

    road: Road
    verdicts: tuple[tuple[Guard, Verdict], ...]

    @property
    def open(self) -> bool:
        return all(v.passed for _, v in self.verdicts)

    @property
    def failed(self) -> list[str]:
        """The blocking guards' reasons, each once (a negation states the same fact as its guard)."""
        return list(dict.fromkeys(r for _, v in self.verdicts if not v.passed for r in v.reasons))

    @property
    def failed_rules(self) -> list[str]:
        return ordered([rule for gd, v in self.verdicts if not v.passed for rule in gd.rules])

    @property
    def passed_reasons(self) -> list[str]:
        return [r for _, v in self.verdicts if v.passed for r in v.reasons]


@dataclass(frozen=True)
class Blocked:
    """A road not taken at a step: the guards that blocked it, or the road that outranked it."""

    to: str
    via: str
    failed: tuple[str, ...]  # the blocking guards' reasons; empty if the road was open
    rules: tuple[str, ...]
    outranked_by: str | None = None  # an open road tried after the one taken
    alternative: bool = False  # an accepted alternative (R10): partial credit in a quiz

    @property
    def open(self) -> bool:
        return not self.failed

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"to": self.to, "via": self.via, "failed": list(self.failed)}
        if self.open:
            out["outranked_by"] = self.outranked_by
            if self.alternative:
                out["alternative"] = True
        out["rules"] = list(self.rules)
        return out


@dataclass(frozen=True, eq=False, repr=False)
class Step:
    """One step of a trajectory: the road taken, its plan, every road's verdicts, the case on arrival."""

    number: int
    month: float
    state: str
    source: str
    road: Road
    plan: Plan
    options: tuple[RoadVerdict, ...]
    finding: Finding | None
    case: Case  # the case on arrival: branch from here
    clock_rules: tuple[str, ...]
    earlier: tuple[Finding, ...] = ()  # findings read at this step before `finding` (staging reads until complete)
    before: Case | None = None  # the case the decision was taken on (findings read, before arrival)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding read at this step, in order."""
        return (*self.earlier, self.finding) if self.finding is not None else ()

    @property
    def chosen(self) -> RoadVerdict:
        return next(o for o in self.options if o.road is self.road)

    @property
    def reasons(self) -> list[str]:
        return list(dict.fromkeys([*self.chosen.passed_reasons, *self.plan.reasons]))

    @property
    def scope(self) -> str | None:
        """The rule scope of the patient's pathway: what its steps may cite (R43)."""
        return pathway_of(self.case).profile.rule_scope

    @property
    def rules(self) -> list[str]:
        ids: list[str] = [*self.road.rules, *self.plan.rules, *self.clock_rules]
        for gd, v in self.chosen.verdicts:
            if v.passed:
                ids.extend(gd.rules)
        return cited(ids, self.scope)

    @property
    def sources(self) -> list[str]:
        return cited_sources(self.rules, self.scope)

    @property
    def derived(self) -> list[str]:
        return [rid for rid in self.rules if RULES[rid].derived]

    @property
    def blocked(self) -> list[Blocked]:
        """The roads not taken: the guards that blocked each, or what outranked it."""
        out: list[Blocked] = []
        taken_at = next(i for i, o in enumerate(self.options) if o.road is self.road)
        for i, option in enumerate(self.options):
            if option.road is self.road or any(gd.context and not v.passed for gd, v in option.verdicts):
                continue
            rules = tuple(cited([*option.road.rules, *option.failed_rules], self.scope))
            if option.open:
                outranked = self.road.name if i > taken_at else None
                out.append(Blocked(option.road.dest, option.road.name, (), rules, outranked, option.road.alternative))
            else:
                out.append(Blocked(option.road.dest, option.road.name, tuple(option.failed), rules))
        return out

    @property
    def warnings(self) -> list[Alert]:
        return list(self.plan.warnings)

    def pathway_road(self, name: str) -> Road:
        """A road of this step's options, by name."""
        return next(o.road for o in self.options if o.road.name == name)

    @property
    def next_states(self) -> list[str]:
        """The states the patient's pathway could go to from here, in the order the roads are tried."""
        return list(dict.fromkeys(o.road.dest for o in self.options))

    def why_not(self, dest: str) -> list[Blocked]:
        """Why the pathway did not go to `dest` (a state, or a road's name) at this step; empty if it did.
        Raises ValueError for a state or road this step could not have taken."""
        roads = [o.road.name for o in self.options]
        if dest in roads:
            return [] if dest == self.road.name else [b for b in self.blocked if b.via == dest]
        if dest not in self.next_states:
            what = "state" if dest in d.STATES else "state or road"
            raise ValueError(
                f"{dest!r} is not a {what} step {self.number} could go to from {self.source}; "
                f"one of: {', '.join(self.next_states)} (or a road: {', '.join(roads)})"
            )
        if dest == self.state:
            return []
        return [b for b in self.blocked if b.to == dest]


@dataclass(frozen=True, eq=False)
class Comparison:
    """Someone's choice at a step set against the pathway's (for quiz mode)."""

    step: int
    chosen: str
    pathway: str
    agrees: bool
    acceptable: bool  # an accepted alternative the rule book names
    blocked_by: list[str]
    roads: tuple[Blocked, ...] = ()  # the roads to the chosen state, and why each was not taken


@dataclass(eq=False, repr=False)
class Trajectory:
    """A patient's way through the pathway, step by step, and how it ended."""

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

    def why_not(self, number: int, dest: str) -> list[Blocked]:
        return self.step(number).why_not(dest)

    def compare(self, number: int, dest: str) -> Comparison:
        """Score a choice at step `number` (a next state, or a road's name) against the pathway's.
        Raises ValueError for a state or road this step could not have taken."""
        step = self.step(number)
        blocked = step.why_not(dest)
        agrees = dest in (step.state, step.road.name)
        acceptable = any(b.alternative and b.open for b in blocked)
        return Comparison(
            number,
            dest,
            step.state,
            agrees,
            agrees or acceptable,
            list(dict.fromkeys(r for b in blocked for r in b.failed)),
            tuple(blocked),
        )


class Parted(Exception):
    """The timeline and the pathway went different ways."""

    def __init__(self, problem: Problem, trajectory: Trajectory):
        super().__init__(problem.format())
        self.problem = problem
        self.trajectory = trajectory


class PatientModel:
    """The plain object a Machine drives: the current state, the case, and this step's open roads."""

    state: str

    def __init__(self, case: Case, state: str):
        self.case = case
        self.state = state
        self.open: frozenset[str] = frozenset()
        self.arrived: tuple[Road, Plan] | None = None


def _condition(road: Road) -> Any:
    """The road's guards, as already evaluated this step (no guard runs twice)."""

    def check(event: EventData) -> bool:
        model = event.model
        assert isinstance(model, PatientModel)
        return road.name in model.open

    return check


def _after(road: Road) -> Any:
    def record(event: EventData) -> None:
        model = event.model
        assert isinstance(model, PatientModel)
        model.arrived = (road, road.plan(model.case))

    return record


@cache
def machine(pathway: str) -> Machine:
    """The one Machine of a pathway (by name; `unknown` for the entry roads), built on first use."""
    roads = d.PATHWAYS[pathway].roads if pathway in d.PATHWAYS else d.ENTRY.roads
    m = Machine(
        model=None,
        states=list(d.STATES),
        initial="referral",
        send_event=True,
        auto_transitions=False,
        ignore_invalid_triggers=False,
    )
    for road in roads:  # in rank order: the same trigger, the first passing transition wins
        m.add_transition(
            d.TRIGGERS[road.source],
            road.source,
            road.dest,
            conditions=[_condition(road)],
            after=[_after(road)],
        )
    return m


def pathway_of(case: Case) -> Pathway:
    return d.pathway_for(case.patient.primary.site)


def evaluate(state: str, case: Case) -> tuple[RoadVerdict, ...]:
    """Every road out of `state` on the patient's pathway, in order, with each guard's verdict."""
    return tuple(RoadVerdict(r, tuple((gd, gd(case)) for gd in r.guards)) for r in pathway_of(case).roads_from(state))


def read_finding(case: Case, finding: Finding, state: str) -> Case:
    """The case after `finding` (validated first, whatever its source). A finding updates only the
    fields it names; a fact it implies is inferred (one lesion is never bilobar)."""
    validate(finding, state, case)
    if finding.patient:
        case = case.with_patient(finding.patient)
        liver = case.patient.liver
        if liver.lesions == 1 and liver.bilobar:
            case = case.with_patient({"liver": {"bilobar": False}})
    changes: dict[str, Any] = {"finding_read": True, **finding.observed()}
    changes["progressing_lesions"] = finding.progressing_lesions
    return case.with_course(**changes)


STEP_LIMIT = 25  # D-STEP-LIMIT: steps without a finding read, a new line of therapy or an operation
# A trajectory's steps, whatever its findings: ten a finding for the longest timeline a file may hold
# (3,000 random patients given 200 findings each take at most 6 steps between two findings).
MAX_STEPS = 10 * MAX_FINDINGS


class Stalled(Parted):
    """The pathway went round without progress: a defect of the definition, reported, never a hang."""


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
    model = PatientModel(case, state)
    while not d.STATES[model.state].terminal:
        if not _advance(model, trajectory, source):
            return
    _check_leftover(source, trajectory, model.state, len(trajectory.steps))
    trajectory.ended = "terminal"


def _check_leftover(source: FindingSource, trajectory: Trajectory, state: str, steps: int) -> None:
    leftover = source.leftover()
    if leftover:
        first = leftover[0]
        raise Parted(
            Problem(
                first.where,
                f"never read: the pathway ended at {state} (step {steps})",
                f"an entry at {first.at}",
                "no entries after a terminal state",
                first.line,
            ),
            trajectory,
        )


def _check_length(trajectory: Trajectory, steps: int, state: str) -> None:
    if steps >= MAX_STEPS:
        raise Stalled(
            Problem(
                "(pathway)",
                f"the replay reached {MAX_STEPS} steps, the most a trajectory takes (D-STEP-LIMIT)",
                f"step {MAX_STEPS + 1} from {state}",
                f"an end within {MAX_STEPS} steps",
            ),
            trajectory,
        )


def _read(
    here: d.State, case: Case, source: FindingSource, trajectory: Trajectory
) -> tuple[Case, Finding | None, list[Finding]] | None:
    """The findings `here` reads, validated, and the case after them; None when the source has none."""
    finding: Finding | None = None
    earlier: list[Finding] = []
    reading = here.reading
    while reading is not None and reading.waits(case):
        try:
            got = source.next_finding(here.name, case)
        except TimelineParted as parted:
            raise Parted(_parted_problem(parted, trajectory), trajectory) from None
        if got is None:
            trajectory.ended = "awaiting-finding"
            trajectory.awaiting = reading.words
            return None
        if finding is not None:
            earlier.append(finding)
        finding = got
        case = read_finding(case, got, here.name)
        if not reading.again:
            break
    return case, finding, earlier


@dataclass(frozen=True)
class Departure:
    """The case as the patient leaves a state by a road: its month, and the lead to the next state."""

    case: Case
    month: float
    lead: float
    clock: tuple[str, ...]


def _depart(here: d.State, case: Case, finding: Finding | None, road: Road) -> Departure:
    dwell, dwell_rules = here.dwell(case)
    month = finding.month if finding is not None and finding.month is not None else case.course.month + dwell
    case = case.with_course(now=month)
    lead, lead_rules = road.lead(case)
    clock = tuple(dwell_rules if finding is None or finding.month is None else ()) + tuple(lead_rules)
    return Departure(case, month, lead, clock)


def _arrive(
    here: d.State, left: Departure, finding: Finding | None, road: Road, plan: Plan
) -> tuple[float, Case, tuple[str, ...]]:
    """The month of arrival by `road` with its `plan`, the case on arrival and the clock rules (R24)."""
    case = left.case
    month, r24 = _bevacizumab_clock(case, plan, road, left.month + left.lead)
    patient = case.patient.updated(plan.patient) if plan.patient else case.patient
    dest = d.STATES[road.dest]
    new_line = "regimen" in plan.course and plan.course["regimen"] != case.course.regimen
    progress = finding is not None or new_line or dest.operation
    stuck = 0 if progress else case.course.steps_without_progress + 1
    changes: dict[str, Any] = {
        **plan.course,
        "month": month,
        "finding_read": False,
        "steps_without_progress": stuck,
        "came_from": here.name,
    }
    arrived = Case(patient, amend(case.course, changes))
    on_arrival = dest.on_arrival(arrived)
    if on_arrival:
        arrived = Case(patient, amend(arrived.course, on_arrival))
    return month, arrived, left.clock + r24


def _check_progress(trajectory: Trajectory, case: Case, states: list[str]) -> None:
    if case.course.steps_without_progress > STEP_LIMIT:
        raise Stalled(
            Problem(
                "(pathway)",
                f"{STEP_LIMIT} steps without a finding read, a new line of therapy or an operation (D-STEP-LIMIT)",
                " > ".join(states[-STEP_LIMIT:]),
                "progress or an end",
            ),
            trajectory,
        )


def _advance(model: PatientModel, trajectory: Trajectory, source: FindingSource) -> bool:
    """One explained step: every guard of every road evaluated and kept; `transitions` takes the road."""
    here = d.STATES[model.state]
    _check_length(trajectory, len(trajectory.steps), here.name)
    read = _read(here, model.case, source, trajectory)
    if read is None:
        return False
    case, finding, earlier = read
    pathway = pathway_of(case)
    options = evaluate(here.name, case)
    winner = next((o for o in options if o.open), None)
    if winner is None:
        raise DefinitionError(f"{pathway.name} pathway: no road out of {here.name} is open (a dead end)")
    left = _depart(here, case, finding, winner.road)
    model.case = left.case
    model.open = frozenset(o.road.name for o in options if o.open)
    if not machine(pathway.name).events[here.trigger or ""].trigger(model) or model.arrived is None:
        raise DefinitionError(f"transitions refused {winner.road.name} from {here.name}")
    road, plan = model.arrived
    if road is not winner.road or model.state != road.dest:
        raise DefinitionError(f"transitions took {road.name}, the definition expected {winner.road.name}")
    month, arrived, clock = _arrive(here, left, finding, road, plan)
    model.case = arrived
    model.arrived = None
    trajectory.steps.append(
        Step(
            len(trajectory.steps) + 1,
            month,
            road.dest,
            here.name,
            road,
            plan,
            options,
            finding,
            arrived,
            clock,
            tuple(earlier),
            left.case,
        )
    )
    _check_progress(trajectory, arrived, [s.state for s in trajectory.steps])
    return True


# --- the fast path: the same definition, for cohorts --------------------------------------------------


class Leg(NamedTuple):
    """One step of a fast trajectory: what a cohort's tally reads of it, no verdicts kept."""

    month: float
    state: str
    source: str
    road: Road
    finding: Finding | None
    case: Case  # on arrival
    before: Case  # the case the road was taken on


@dataclass(eq=False, repr=False)
class Brief:
    """A trajectory from the fast path: its legs and how it ended (the same fields a Trajectory has)."""

    scenario: str
    start: Case
    steps: list[Leg] = field(default_factory=list)
    ended: str = "terminal"
    awaiting: str | None = None

    @property
    def path(self) -> list[str]:
        return ["referral", *(s.state for s in self.steps)]

    @property
    def final_state(self) -> str:
        return self.steps[-1].state if self.steps else "referral"


def first_open(state: str, case: Case) -> Road | None:
    """The road `transitions` would take: the first, in rank order, whose guards' fast forms all pass."""
    for road in pathway_of(case).roads_from(state):
        for gd in road.guards:
            fast = gd.fast
            if fast is None:
                raise DefinitionError(f"guard {gd.name} has no fast form")
            if not fast(case):
                break
        else:
            return road
    return None


def run_fast(start: Case, source: FindingSource, scenario: str = "") -> Brief:
    """The fast path: the same roads, guards (their fast forms), plans, clocks and findings as `run`,
    without `transitions`, without the verdicts of the roads not taken. For cohorts; a test holds it
    to `run` step by step. For sources that never part from the pathway (cohort draws): a stalled
    patient's problem is the engine's, but a timeline's parting would be explained without the steps
    (replay a scenario with `run`)."""
    brief = Brief(scenario, start)
    shadow = Trajectory(scenario, start)  # for the problem of a stalled patient
    case, state, steps = start, "referral", brief.steps
    while not d.STATES[state].terminal:
        here = d.STATES[state]
        _check_length(shadow, len(steps), state)
        read = _read(here, case, source, shadow)
        if read is None:
            brief.ended, brief.awaiting = shadow.ended, shadow.awaiting
            return brief
        before, finding, _ = read
        road = first_open(state, before)
        if road is None:
            raise DefinitionError(f"{pathway_of(before).name} pathway: no road out of {state} is open (a dead end)")
        left = _depart(here, before, finding, road)
        month, case, _clock = _arrive(here, left, finding, road, road.plan(left.case))
        state = road.dest
        steps.append(Leg(month, state, here.name, road, finding, case, left.case))
        if case.course.steps_without_progress > STEP_LIMIT:
            _check_progress(shadow, case, [s.state for s in steps])
    _check_leftover(source, shadow, state, len(steps))
    brief.ended = "terminal"
    return brief


def _bevacizumab_clock(case: Case, plan: Plan, road: Road, month: float) -> tuple[float, tuple[str, ...]]:
    """R24, for every operation: bevacizumab resumes no earlier than 6 weeks after it, and no
    operation comes within 6 weeks of the last dose."""
    course = case.course
    regimen = plan.course.get("regimen", course.regimen)
    dest = d.STATES[road.dest]
    earliest = month
    resumes = dest.phase == Phase.SYSTEMIC and regimen is not None and regimen.bevacizumab
    if resumes and course.last_operation_month is not None:
        earliest = max(earliest, course.last_operation_month + BEVACIZUMAB_RESUME)
    if dest.operation and course.bevacizumab_last_month is not None:
        earliest = max(earliest, course.bevacizumab_last_month + BEVACIZUMAB_WASHOUT)
    earliest = round(earliest, 2)
    return (earliest, ("R24",)) if earliest > round(month, 2) else (round(month, 2), ())


def _titled(state: str) -> str:
    """A state for an author: its title, and the name a timeline's `at` uses where they differ."""
    title = d.STATES[state].title
    return title if title.lower() == state.replace("_", " ") else f"{title} ({state})"


def _parted_problem(parted: TimelineParted, trajectory: Trajectory) -> Problem:
    want, here = parted.finding.at, parted.state
    why = f"the pathway needs a finding at {here}"
    for step in reversed(trajectory.steps):
        if step.state == want:  # the pathway went there, and read what it needed: this finding is one more
            why += (
                f": step {step.number} (month {step.month:g}) already went to {_titled(want)}; after it the "
                f"pathway went on to {_titled(here)} (a finding too many, or one missing before it)"
            )
            break
        routes = step.why_not(want) if want in step.next_states else []
        if routes:
            blocked = min(routes, key=lambda b: len(b.failed))  # the road nearest to being taken
            road = step.pathway_road(blocked.via)
            because = "; ".join(blocked.failed) or f"{step.road.words} comes first"
            why += (
                f": at step {step.number} (month {step.month:g}) {_titled(step.source)} took "
                f"{step.road.words} to {_titled(step.state)}, not {road.words} to {_titled(want)}, because {because}"
            )
            break
    else:
        if trajectory.steps:
            last = trajectory.steps[-1]
            why += f": step {last.number} took {last.road.name} ({'; '.join(last.reasons[:2])})"
    return Problem(
        f"{parted.finding.where}.at",
        f"the scenario parted from the pathway; {why}",
        parted.finding.at,
        here,
        parted.finding.line,
    )
