"""The narrated replay a teacher projects: what was decided at each step, why, and why not."""

from __future__ import annotations

import textwrap

from .course import Finding
from .engine import Step, Trajectory
from .patient import Patient
from .profile import profile_of
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


def _finding(f: Finding) -> str:
    parts = []
    for key in ("response", "margin", "recurrence", "progressing_lesions"):
        value = getattr(f, key)
        if value is not None:
            parts.append(f"{key.replace('_', ' ')} {value}")
    for key, value in f.patient.items():
        parts.append(f"{key}: {_value(value)}" if isinstance(value, dict) else f"{key} {_value(value)}")
    if f.month is not None:
        parts.append(f"month {f.month:g}")
    where = f.where + (f", line {f.line}" if f.line else "")
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


def _num(value: float | int | None) -> str:
    return "?" if value is None else f"{value:g}"


def markers(patient: Patient) -> str | None:
    """R42: the markers that matter for the patient's primary (its profile says which)."""
    profile = profile_of(patient.primary.site)
    if profile is not None and profile.header is not None:
        return profile.header(patient)
    b = patient.biomarkers
    if profile is not None and profile.markers:
        return ", ".join(m.show(getattr(b, m.field)) for m in profile.markers)
    if profile is None:  # not yet known: whatever has been tested
        known = [f"{LABELS[name]} {value}" for name, value in vars(b).items() if value != "unknown"]
        return ", ".join(known) or None
    return None


LABELS = {
    "mmr": "MMR",
    "ras": "RAS",
    "braf": "BRAF",
    "her2": "HER2",
    "hormone_receptor": "hormone receptor",
    "sstr": "SSTR",
}


def describe(patient: Patient) -> list[str]:
    """Two to four lines a teacher reads out at the start of a replay."""
    p = patient.primary
    sex = {"male": "man", "female": "woman"}.get(patient.sex, patient.sex)
    side = f" ({p.side}-sided)" if p.site == "colon" and p.side else ""
    state = "resected" if p.resected else "in place" + (", symptomatic" if p.symptomatic else "")
    nodes = ", node-positive" if p.node_positive else ""
    lv = patient.liver
    lesions = f"{lv.lesions} metastas{'is' if lv.lesions == 1 else 'es'}"
    flags = []
    if not patient.fit_for_surgery:
        flags.append("unfit for major surgery")
    if patient.refuses_surgery:
        flags.append("refuses surgery")
    if patient.oxaliplatin_failure_months is not None:
        flags.append(f"recurrence {_num(patient.oxaliplatin_failure_months)} months after adjuvant oxaliplatin")
    if patient.symptoms:
        flags.append("symptoms: " + ", ".join(s.replace("_", " ") for s in patient.symptoms))
    lines = [
        f"{patient.age}-year-old {sex}, ECOG {patient.ecog}; {p.site}{side} primary {state}{nodes}; "
        f"{patient.presentation} presentation",
    ]
    shown = markers(patient)
    if shown:
        lines.append(f"Biomarkers: {shown}")
    extrahepatic = patient.extrahepatic
    if patient.extrahepatic != "none" and patient.extrahepatic_site:
        extrahepatic += f" ({patient.extrahepatic_site.replace('_', ' ')})"
    lines.append(
        f"Liver: {lesions}, largest {_num(lv.largest_cm)} cm, {'bilobar' if lv.bilobar else 'one lobe'}, "
        f"FLR {_num(lv.flr_percent)}%, R0 {'achievable' if lv.r0_achievable else 'not achievable'}; "
        f"extrahepatic disease: {extrahepatic}"
    )
    if flags:
        lines.append("Also: " + "; ".join(flags))
    return lines


def narrate_step(step: Step) -> list[str]:
    out = [f"Step {step.number} | month {step.month:g} | {step.source} -> {step.state}  ({step.road.name})"]
    for finding in step.findings:
        out += _wrap(_finding(finding), "  ", "  ")
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
    line = "  Rules: " + (", ".join(rules) or "none of the rule book's")
    if step.derived:
        line += " | derived: " + ", ".join(step.derived)
    out.append(line)
    sources = "; ".join(step.sources) or "none: the choice is this project's (derived)"
    out += _wrap("Sources: " + sources, "  ", "  ")
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
