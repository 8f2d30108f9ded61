"""The narrated replay a teacher projects: what was decided at each step, why, and why not.

`Style` says how: the width (the terminal's, or 100 when piped), colour (on a terminal, unless
NO_COLOR is set), whether to list the roads not taken. `narrate` is the whole replay, `brief` one
line a step, `narrate_one` a single step. Roads and states are named in words; the source titles
are given once, at the end, with the statement of every rule cited.
"""

from __future__ import annotations

import contextlib
import os
import sys
import textwrap
from dataclasses import dataclass
from typing import TextIO

from .course import Finding
from .engine import Step, Trajectory
from .patient import Patient
from .profile import profile_of
from .report import DISCLAIMER
from .rules import RULES, ordered
from .scenario import Scenario
from .sources import SOURCES
from .vocabulary import STATES

WIDTH = 100  # when the output is not a terminal (files, pipes, goldens)


@dataclass(frozen=True)
class Style:
    width: int = WIDTH
    colour: bool = False
    blocked: bool = True  # list the roads not taken

    @classmethod
    def for_stream(cls, stream: TextIO, width: int | None = None, blocked: bool = True) -> Style:
        """Width from the terminal, colour on a terminal unless NO_COLOR is set (no-color.org)."""
        tty = stream.isatty()
        if width is None:
            width = WIDTH
            if tty:
                with contextlib.suppress(OSError, ValueError):
                    width = max(40, os.get_terminal_size(stream.fileno()).columns)
        return cls(width, tty and not os.environ.get("NO_COLOR"), blocked)

    def paint(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.colour else text


BOLD, DIM, CYAN, YELLOW = "1", "2", "36", "33"


def title(state: str) -> str:
    return STATES[state].title


def _wrap(style: Style, text: str, indent: str, hang: str = "") -> list[str]:
    return textwrap.wrap(
        text, style.width, initial_indent=indent, subsequent_indent=indent + hang, break_on_hyphens=False
    ) or [indent]


def value_words(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v).replace("_", " ") for v in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k} {value_words(v)}" for k, v in value.items())
    return str(value).replace("_", "-")  # liver_only: liver-only


def _fact(key: str, value: object) -> str:
    """One updated fact of a finding, in words ("FLR 27%", "R0 not achievable", "9 lesions")."""
    if isinstance(value, dict) and key == "biomarkers":
        return ", ".join(str(v) if k == "mmr" else f"{LABELS.get(k, k)} {v}" for k, v in value.items())
    if isinstance(value, dict) and key == "primary":
        return "primary: " + ", ".join(_primary_fact(k, v) for k, v in value.items())
    if isinstance(value, dict):
        inner = ", ".join(_fact(k, v) for k, v in value.items())
        return inner if key == "liver" else f"{key.replace('_', ' ')}: {inner}"
    if key == "lesions":
        return f"{value} lesion{'' if value == 1 else 's'}"
    if key == "largest_cm":
        return f"largest {value:g} cm" if isinstance(value, (int, float)) else f"largest {value} cm"
    if key == "flr_percent":
        return f"FLR {value:g}%" if isinstance(value, (int, float)) else f"FLR {value}%"
    if key == "r0_achievable":
        return "R0 achievable" if value else "R0 not achievable"
    if key == "bilobar":
        return "bilobar" if value else "one lobe"
    if key == "ecog":
        return f"ECOG {value}"
    if key == "cea_ng_ml":
        return f"CEA {value} ng/mL"
    if isinstance(value, bool):
        return key.replace("_", " ") + ("" if value else ": no")
    return f"{key.replace('_', ' ')}: {value_words(value)}"


def _primary_fact(key: str, value: object) -> str:
    words = {
        "resected": ("resected", "in place"),
        "symptomatic": ("symptomatic", "asymptomatic"),
        "node_positive": ("node-positive", "node-negative"),
    }
    if key in words and isinstance(value, bool):
        return words[key][0 if value else 1]
    if key == "side":
        return f"{value}-sided"
    return str(value).replace("_", " ") if key in ("site", "subsite") else f"{key.replace('_', ' ')} {value}"


def finding_words(f: Finding) -> str:
    """What a finding observed and updated, in words."""
    parts = [f"{key.replace('_', ' ')}: {value_words(value)}" for key, value in f.observed().items()]
    parts += [_fact(key, value) for key, value in f.patient.items()]
    return "; ".join(parts) or "nothing new"


def _finding(f: Finding) -> str:
    said = finding_words(f) + (f"; month {f.month:g}" if f.month is not None else "")
    where = f.where + (f", line {f.line}" if f.line else "")
    return f"Finding at {title(f.at)} ({where}): {said}"


# Decision categories in words where their hyphens are not spaces or their parts are acronyms.
_CATEGORY_WORDS = {
    "two-stage": "two-stage hepatectomy",
    "liver-first": "liver-first",
    "disease-free": "disease-free",
    "gist": "GIST",
    "gist-tki": "GIST on a TKI",
    "gist-responsive": "GIST responding",
    "gist-unifocal-progression": "GIST, unifocal progression",
    "gist-progression": "GIST progression",
    "unresectable-net": "unresectable NET",
    "progressive-net": "progressive NET",
    "indolent-net": "indolent NET",
    "high-grade-net": "high-grade NET",
    "breast-systemic-first": "breast, systemic therapy first",
    "breast-systemic": "breast, systemic therapy",
    "solitary-gastric": "solitary gastric metastasis",
    "gastric-systemic": "gastric, systemic therapy",
    "stable-or-mixed": "stable or mixed response",
}


def category_words(category: str | None) -> str:
    if not category:
        return "decision"
    return _CATEGORY_WORDS.get(category, category.replace("-", " "))


def decision_words(step: Step, without: frozenset[str] = frozenset()) -> str:
    """The decision in words; `without` leaves out "regimen" or "procedure" (a quiz asks them next)."""
    d = step.plan.decision
    bits = [category_words(d.category)]
    if d.intent:
        bits.append(f"{d.intent} intent")
    if d.regimen and "regimen" not in without:
        bits.append(f"regimen: {d.regimen}")
    if d.procedure and "procedure" not in without:
        bits.append(f"procedure: {d.procedure}")
    return "; ".join(bits)


def not_taken(step: Step) -> list[str]:
    """Each road not taken, in words: the state, the road, and the guard that blocked it."""
    out = []
    for b in step.blocked:
        road = step.pathway_road(b.via)
        if b.failed:
            why = "; ".join(b.failed)
        elif b.alternative:
            why = f"an accepted alternative; the pathway prefers {step.road.words}"
        else:
            why = f"also open, but {step.road.words} is tried first"
        out.append(f"{title(b.to)} by {road.words}: {why}")
    return out


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
        f"{patient.age}-year-old {sex}, ECOG {patient.ecog}; "
        + ("primary not yet found" if p.site == "unknown" else f"{p.site}{side} primary {state}{nodes}")
        + f"; "
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


def narrate_step(step: Step, style: Style | None = None) -> list[str]:
    style = style or Style()
    head = (
        f"Step {step.number} | month {step.month:g} | {title(step.source)} -> {title(step.state)} ({step.road.words})"
    )
    out = _wrap(style, style.paint(head, BOLD), "", "    ")
    for finding in step.findings:
        out += _wrap(style, _finding(finding), "  ", "  ")
    out += _wrap(style, style.paint("Decision: ", CYAN) + decision_words(step), "  ", "  ")
    if step.reasons:
        out.append("  Why:")
        for reason in step.reasons:
            out += _wrap(style, "- " + reason, "    ", "  ")
    if style.blocked and step.blocked:
        out.append("  Not taken (x blocked, ~ open):")
        for b, line in zip(step.blocked, not_taken(step), strict=True):
            out += _wrap(style, style.paint("x " if b.failed else "~ ", DIM) + line, "    ", "  ")
    for warning in step.warnings:
        out += _wrap(style, style.paint("! " + warning, YELLOW), "  ", "  ")
    rules = [r for r in step.rules if not RULES[r].derived]
    line = "  Rules: " + (", ".join(rules) or "none of the rule book's")
    if step.derived:
        line += " | derived: " + ", ".join(step.derived)
    keys = sorted({s.split("(")[-1].rstrip(")") for s in step.sources})
    line += " | sources: " + (", ".join(keys) or "none (derived)")
    out += _wrap(style, line, "", "    ")
    return out


def header(scenario: Scenario, style: Style) -> list[str]:
    out = _wrap(style, style.paint(f"PATHWAY REPLAY: {scenario.title}  [{scenario.id}]", BOLD), "", "  ")
    out += _wrap(style, DISCLAIMER, "")
    return out


def outcome(trajectory: Trajectory) -> str:
    last = trajectory.steps[-1] if trajectory.steps else None
    month = f" at month {last.month:g}" if last else ""
    if trajectory.ended == "terminal":
        return f"Outcome: {title(trajectory.final_state)}{month} (terminal)."
    return f"Outcome: waiting at {title(trajectory.final_state)}{month} for {trajectory.awaiting}."


def glossary(trajectory: Trajectory, style: Style) -> list[str]:
    """Every rule cited, with its statement, and every source, by title: once, at the end."""
    cited = ordered([r for step in trajectory for r in step.rules])
    out = ["Rules cited (see `pathway rules ID`):"]
    for rid in cited:
        rule = RULES[rid]
        mark = " (derived: the sources are silent; the choice is this project's)" if rule.derived else ""
        out += _wrap(style, f"- {rid}: {rule.summary}{mark}", "  ", "  ")
    keys = sorted({s.split("(")[-1].rstrip(")") for step in trajectory for s in step.sources})
    if keys:
        out.append("Sources:")
        for key in keys:
            out += _wrap(style, f"- {key}: {SOURCES[key].reference}", "  ", "  ")
    return out


def narrate(scenario: Scenario, trajectory: Trajectory, style: Style | None = None) -> str:
    style = style or Style()
    out = header(scenario, style)
    out.append("")
    out.append(style.paint("Patient", BOLD))
    out += [line for text in describe(scenario.patient) for line in _wrap(style, text, "  ", "  ")]
    if scenario.objectives:
        out.append(style.paint("Teaching objectives", BOLD))
        for objective in scenario.objectives:
            out += _wrap(style, "- " + objective, "  ", "  ")
    if scenario.notes:
        out.append(style.paint("Notes", BOLD))
        out += _wrap(style, scenario.notes.strip(), "  ")
    for step in trajectory:
        out.append("")
        out += narrate_step(step, style)
    out.append("")
    out += _wrap(style, style.paint(outcome(trajectory), BOLD), "", "  ")
    out += _wrap(style, "Path: " + " > ".join(title(s) for s in trajectory.path), "", "  ")
    out += glossary(trajectory, style)
    return "\n".join(out) + "\n"


def brief_line(step: Step, style: Style) -> str:
    """Month, from -> to, the decision, its key reason, cut to the width."""
    d = step.plan.decision
    what = d.regimen or d.procedure or category_words(d.category)
    key = step.reasons[0] if step.reasons else ""
    said = "; ".join(bit for bit in (what, key) if bit)
    line = f"{step.number:>3} {step.month:>6g}  {title(step.source)} -> {title(step.state)} ({step.road.words}): {said}"
    if len(line) > style.width:  # narrow: the decision matters more than the road's name
        line = f"{step.number:>3} {step.month:>6g}  {title(step.source)} -> {title(step.state)}: {said}"
    return line if len(line) <= style.width else line[: style.width - 1] + "…"


def brief(scenario: Scenario, trajectory: Trajectory, style: Style | None = None) -> str:
    """One line a step (the header cut to the width too): for a projector or a quick look."""
    style = style or Style()
    out = [line if len(line) <= style.width else line[: style.width - 1] + "…" for line in header(scenario, style)]
    out += [brief_line(step, style) for step in trajectory]
    out += _wrap(style, outcome(trajectory), "", "  ")
    return "\n".join(out) + "\n"


def narrate_one(scenario: Scenario, trajectory: Trajectory, number: int, style: Style | None = None) -> str:
    style = style or Style()
    return "\n".join([*header(scenario, style), "", *narrate_step(trajectory.step(number), style)]) + "\n"


def default_style(width: int | None = None, blocked: bool = True) -> Style:
    return Style.for_stream(sys.stdout, width, blocked)
