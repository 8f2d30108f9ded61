"""The narrated replay a teacher projects: what was decided at each step, why, and why not."""

from __future__ import annotations

import textwrap

from .engine import Step, Trajectory
from .patient import describe
from .report import DISCLAIMER
from .rules import RULES
from .scenario import Scenario

WIDTH = 100


def _wrap(text: str, indent: str, hang: str = "") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + hang) or [indent]


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v).replace("_", " ") for v in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_value(v)}" for k, v in value.items())
    return str(value)


def _finding(step: Step) -> str | None:
    f = step.finding
    if f is None:
        return None
    parts = []
    for key in ("response", "margin", "recurrence"):
        value = getattr(f, key)
        if value is not None:
            parts.append(f"{key} {value}")
    for key, value in f.patient.items():
        parts.append(f"{key}: {_value(value)}" if isinstance(value, dict) else f"{key} {_value(value)}")
    if f.month is not None:
        parts.append(f"month {f.month:g}")
    where = f"timeline[{f.index}]" + (f", line {f.line}" if f.line else "")
    return f"Finding at {f.at} ({where}): " + "; ".join(parts)


def _decision(step: Step) -> str:
    d = step.plan.decision
    bits = [d.category or "decision"]
    if d.intent:
        bits.append(f"{d.intent} intent")
    if d.regimen:
        bits.append(f"regimen: {d.regimen}")
    if d.procedure:
        bits.append(f"procedure: {d.procedure}")
    return "; ".join(bits)


def narrate_step(step: Step) -> list[str]:
    out = [f"Step {step.number} | month {step.month:g} | {step.source} -> {step.state}  ({step.road.name})"]
    finding = _finding(step)
    if finding:
        out += _wrap(finding, "  ", "  ")
    out += _wrap("Decision: " + _decision(step), "  ", "  ")
    if step.reasons:
        out.append("  Why:")
        for reason in step.reasons:
            out += _wrap("- " + reason, "    ", "  ")
    blocked = step.blocked
    if blocked:
        out.append("  Not taken:")
        for b in blocked:
            if b.failed:
                why = "; ".join(b.failed)
            elif b.alternative:
                why = "an accepted alternative; the pathway prefers " + str(b.outranked_by)
            else:
                why = f"open, but {b.outranked_by} comes first"
            out += _wrap(f"x {b.to} ({b.via}): {why}", "    ", "  ")
    for warning in step.warnings:
        out += _wrap("! " + warning, "  ", "  ")
    rules = [r for r in step.rules if not RULES[r].derived]
    line = "  Rules: " + ", ".join(rules)
    if step.derived:
        line += " | derived: " + ", ".join(step.derived)
    out.append(line)
    out += _wrap("Sources: " + "; ".join(step.sources), "  ", "  ")
    return out


def narrate(scenario: Scenario, trajectory: Trajectory) -> str:
    out = [f"PATHWAY REPLAY: {scenario.title}  [{scenario.id}]"]
    out += _wrap(DISCLAIMER, "")
    out.append("")
    out.append("Patient")
    out += ["  " + line for line in describe(scenario.patient)]
    if scenario.objectives:
        out.append("Teaching objectives")
        for objective in scenario.objectives:
            out += _wrap("- " + objective, "  ", "  ")
    if scenario.notes:
        out.append("Notes")
        out += _wrap(scenario.notes.strip(), "  ")
    for step in trajectory:
        out.append("")
        out += narrate_step(step)
    out.append("")
    last = trajectory.steps[-1] if trajectory.steps else None
    month = f" at month {last.month:g}" if last else ""
    if trajectory.ended == "terminal":
        out.append(f"Outcome: {trajectory.final_state}{month} (terminal).")
    else:
        out.append(f"Outcome: waiting at {trajectory.final_state}{month} for a finding: {trajectory.awaiting}.")
    out += _wrap("Path: " + " > ".join(trajectory.path), "", "  ")
    derived = sorted({rid for step in trajectory for rid in step.derived})
    if derived:
        out.append("Derived choices (the sources are silent; the choice is this project's):")
        for rid in derived:
            out += _wrap(f"- {rid}: {RULES[rid].summary}", "  ", "  ")
    return "\n".join(out) + "\n"
