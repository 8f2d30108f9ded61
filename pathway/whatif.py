"""What if a finding had been different? `pathway replay FILE --what-if STEP:field=value[,...]`.

The branch point is the state step STEP arrives in; the finding read there is replaced by one with
the named fields changed (the others as the timeline gave them); the rest of the timeline follows
for as long as it fits the new road. Both roads are narrated from the branch point: which step
differs, and why.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, replace
from typing import Any

from .course import OBSERVATIONS, Case, Finding, Margin, Recurrence, Response
from .engine import Step, Trajectory, branch
from .errors import Problem, ScenarioError, show
from .findings import validate
from .narration import Style, brief_line, finding_words, narrate_step, not_taken, outcome, title
from .scenario import Scenario
from .vocabulary import STATES
from .yamlsafe import parse_all

KINDS: dict[str, Any] = {"response": Response, "margin": Margin, "recurrence": Recurrence}


def _fail(message: str, got: str, expected: str) -> ScenarioError:
    return ScenarioError([Problem("--what-if", message, got, expected, None, "(command line)")])


def parse(spec: str) -> tuple[int, dict[str, Any]]:
    """'4:response=progression,liver.flr_percent=25' -> (4, {'response': 'progression', ...})."""
    head, sep, rest = spec.partition(":")
    step = head.strip()
    if not sep or not (step.isascii() and step.isdigit() and len(step) <= 9) or not rest.strip():
        raise _fail("not STEP:field=value[,field=value]", show(spec), "e.g. 4:response=progression")
    fields: dict[str, Any] = {}
    for part in rest.split(","):
        name, eq, value = part.partition("=")
        if not eq or not name.strip():
            raise _fail("a change is field=value", show(part), "e.g. response=progression")
        if name.strip() in fields:
            raise _fail("a field named twice", show(name.strip()), "each field once")
        fields[name.strip()] = _value(value)
    return int(head), fields


def _value(text: str) -> Any:
    """A value from the command line, read as the loader reads a file's (no tags, no aliases, bounded);
    what it refuses stays the text as typed, and the finding's validation says what is wrong with it."""
    if not text.strip():
        return None
    try:
        value, _, problems = parse_all(text)
    except ScenarioError:
        return text.strip()
    return text.strip() if problems else value


@dataclass
class _Then:
    """The what-if finding, then the rest of the timeline for as long as it fits."""

    first: Finding
    rest: list[Finding]
    used: bool = False
    parted: str | None = None

    def next_finding(self, state: str, case: Case) -> Finding | None:
        if not self.used:
            self.used = True
            return self.first
        if self.parted is not None or not self.rest:
            return None
        if self.rest[0].at != state:
            self.parted = f"the timeline's next finding is for {title(self.rest[0].at)}, not {title(state)}"
            return None
        return self.rest.pop(0)

    def leftover(self) -> list[Finding]:
        return []


def what_if(
    scenario: Scenario, trajectory: Trajectory, number: int, fields: dict[str, Any]
) -> tuple[Trajectory, _Then]:
    if not 1 <= number <= len(trajectory.steps):
        raise _fail("no such step", str(number), f"a step from 1 to {len(trajectory.steps)}")
    at = trajectory.steps[number - 1].state
    if STATES[at].reading is None:
        readers = [n for n, s in STATES.items() if s.reading is not None]
        raise _fail(
            f"step {number} arrives at {title(at)}, which reads no finding",
            str(number),
            "a step arriving at one of: " + ", ".join(readers),
        )
    findings = list(scenario.findings)
    used = sum(len(s.findings) for s in trajectory.steps[:number])
    original = findings[used] if used < len(findings) and findings[used].at == at else None
    observed: dict[str, Any] = {}
    patient: dict[str, Any] = {}
    for name, value in fields.items():
        if name in OBSERVATIONS:
            observed[name] = (
                KINDS[name](value)
                if name in KINDS and isinstance(value, str) and value in {m.value for m in KINDS[name]}
                else value
            )
        else:
            target = patient
            *parents, leaf = name.split(".")
            for parent in parents:
                target = target.setdefault(parent, {})
            target[leaf] = value
    base = original or Finding(at=at)
    merged_patient = {**base.patient}
    for key, value in patient.items():
        merged_patient[key] = (
            {**merged_patient[key], **value}
            if isinstance(value, dict) and isinstance(merged_patient.get(key), dict)
            else value
        )
    first = replace(base, patient=merged_patient, origin="what-if", line=None, **observed)
    rest = findings[used + (1 if original is not None else 0) :]
    try:
        validate(first, at, trajectory.steps[number - 1].case)
    except ScenarioError as err:  # the same checks as a timeline entry, located on the command line
        raise ScenarioError(
            [
                Problem(
                    p.field.replace("what-if.", "--what-if ", 1), p.message, p.got, p.expected, None, "(command line)"
                )
                for p in err.problems
            ]
        ) from None
    source = _Then(first, rest)
    return branch(trajectory, number, source), source


def _decision_change(a: Step, b: Step) -> str:
    """What differs between two decisions on the same road: regimen, procedure, intent, month."""
    da, db = a.plan.decision, b.plan.decision
    said = [
        f"{what} {getattr(db, what) or 'none'} instead of {getattr(da, what) or 'none'}"
        for what in ("regimen", "procedure", "intent", "category")
        if getattr(da, what) != getattr(db, what)
    ]
    if round(a.month, 2) != round(b.month, 2):
        said.append(f"month {b.month:g} instead of {a.month:g}")
    return "; ".join(said)


def narrate_what_if(
    scenario: Scenario, original: Trajectory, other: Trajectory, number: int, source: _Then, style: Style
) -> str:
    at = original.steps[number - 1].state
    head = f"WHAT IF at {title(at)} after step {number} the finding had been: {finding_words(source.first)}"
    out = [
        *textwrap.wrap(head, style.width, subsequent_indent="  ", break_on_hyphens=False),
        *textwrap.wrap(
            "(the rest of the timeline is read as written, for as long as it fits the new road)", style.width
        ),
        "",
    ]
    differs = next(
        (
            i
            for i, (a, b) in enumerate(zip(original.steps, other.steps, strict=False))
            if i >= number and a.road.name != b.road.name
        ),
        None,
    )
    same_roads = differs is None
    changed = next(
        (
            i
            for i, (a, b) in enumerate(zip(original.steps, other.steps, strict=False))
            if i >= number and (a.plan.decision, round(a.month, 2)) != (b.plan.decision, round(b.month, 2))
        ),
        None,
    )
    if same_roads and changed is None and len(original.steps) == len(other.steps):
        out.append("The pathway takes the same roads, with the same decisions, from the branch point.")
    elif same_roads and changed is not None:
        a, b = original.steps[changed], other.steps[changed]
        out += textwrap.wrap(
            f"Step {b.number} takes the same road ({title(b.source)} -> {title(b.state)}, {b.road.words}) "
            f"with a different decision: {_decision_change(a, b)}.",
            style.width,
            subsequent_indent="  ",
        )
        out.append("")
        out.append("What if:")
        out += narrate_step(b, style)
    elif same_roads:
        shorter = min(len(original.steps), len(other.steps))
        which = "the what-if" if len(other.steps) == shorter else "the replay"
        out.append(f"The same roads up to step {shorter}; then {which} stops (see its outcome below).")
    elif differs is not None:
        a, b = original.steps[differs], other.steps[differs]
        out += textwrap.wrap(
            f"Step {b.number} differs: {title(b.source)} -> {title(b.state)} instead of {title(a.state)}.",
            style.width,
            subsequent_indent="  ",
        )
        out.append("")
        out.append("What if:")
        out += narrate_step(b, style)
        why = [line for line in not_taken(b) if line.startswith(f"{title(a.state)} by {a.road.words}:")]
        if why:
            out += textwrap.wrap(
                f"  The road replayed before is not taken now: {why[0]}",
                style.width,
                subsequent_indent="    ",
                break_on_hyphens=False,
            )
    out.append("")
    out.append("As replayed, from the branch point:")
    out += [brief_line(s, style) for s in original.steps[number:]]
    out += textwrap.wrap(outcome(original), style.width, initial_indent="  ", subsequent_indent="    ")
    out.append("What if, from the branch point:")
    out += [brief_line(s, style) for s in other.steps[number:]]
    out += textwrap.wrap(outcome(other), style.width, initial_indent="  ", subsequent_indent="    ")
    if source.parted:
        out += textwrap.wrap(
            f"(the what-if stops here: {source.parted})", style.width, initial_indent="  ", subsequent_indent="    "
        )
    return "\n".join(out) + "\n"
