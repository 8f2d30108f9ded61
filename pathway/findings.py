"""One validation for every finding, whatever its source (a timeline, a quiz answer, a random draw).

What a finding may say is declared once, beside its state (vocabulary.STATES[...].reading); the
schema derived from those declarations checks types and ranges; the checks here add what the state
requires. The loader runs them on a file's timeline (with lines); the engine runs them on every
finding it reads, located by the finding's origin.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from . import definition as d
from . import pitfalls
from .course import OBSERVATIONS, Case, Finding
from .errors import Problem, ScenarioError, show
from .profile import FactProblem, profile_of
from .rules import RULES
from .schema import Checker, Path_, StateReads, Vocabulary, finding_spec, scenario_spec


def _choices(kind: type[StrEnum] | type[int]) -> tuple[str, ...] | None:
    return tuple(m.value for m in kind) if issubclass(kind, StrEnum) else None


VOCABULARY = Vocabulary(
    states=d.CLINICAL_ORDER,
    finding_states=d.FINDING_STATES,
    observations={name: _choices(kind) for name, kind in OBSERVATIONS.items()},
    sites=d.SITES,
    subsites=d.SUBSITES,
    pitfalls=pitfalls.IDS,
    rules=tuple(RULES),
    primaries=tuple((p.profile.noun, p.profile.sites) for p in d.PATHWAYS.values()),
    readings={
        s.name: StateReads(s.reading.words, dict(s.reading.observes), s.reading.names, s.reading.names_one_of)
        for s in d.STATES.values()
        if s.reading is not None
    },
)
SCENARIO = scenario_spec(VOCABULARY)
FINDING = finding_spec(VOCABULARY)


def primary_problems(primary: Mapping[str, Any]) -> list[FactProblem]:
    """What the named primary's own rules require of its facts (e.g. a colon primary's side)."""
    site = primary.get("site")
    profile = profile_of(site) if isinstance(site, str) else None
    return [(f"primary.{f}", m, got, want) for f, m, got, want in profile.check_primary(primary)] if profile else []


def declared_problems(entry: Mapping[str, Any]) -> list[FactProblem]:
    """What the finding's state declares it reads: observations allowed there, fields it must name."""
    at = entry.get("at")
    state = d.STATES.get(at) if isinstance(at, str) else None
    reading = state.reading if state is not None else None
    if reading is None:
        return []
    out: list[FactProblem] = []
    for key in OBSERVATIONS:
        if key in entry and key not in reading.observes:
            out.append((key, f"not read at {at}", show(entry[key]), f"{key} only where the pathway reads it"))
    for key, required in reading.observes.items():
        if required and key not in entry:
            out.append((key, f"required at {at}", "nothing", f"{key} of the finding"))
    for dotted in reading.names:
        if not _names(entry, dotted):
            out.append((dotted, f"required at {at} ({reading.words})", "nothing", dotted.replace(".", " ")))
    if reading.names_one_of and not any(_names(entry, f) for f in reading.names_one_of):
        first = reading.names_one_of[0]
        wanted = " or ".join(reading.names_one_of)
        out.append((first, f"a finding at {at} names {wanted} ({reading.words})", "neither", wanted))
    out += reading.check(entry)
    liver = entry.get("liver")
    if isinstance(liver, Mapping) and liver.get("lesions") == 1 and liver.get("bilobar") is True:
        out.append(("liver.bilobar", "a single metastasis cannot be bilobar", "true", "false with 1 lesion"))
    primary = entry.get("primary")
    if isinstance(primary, Mapping):
        out += primary_problems(primary)
    return out


def _names(entry: Mapping[str, Any], dotted: str) -> bool:
    value: Any = entry
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return False
        value = value[part]
    return True


def check_entry(checker: Checker, entry: Mapping[str, Any], path: Path_) -> None:
    """Add the declared problems of one (type-checked) finding entry to `checker`."""
    for field, message, got, expected in declared_problems(entry):
        checker.add((*path, *field.split(".")), message, got, expected)


def validate(finding: Finding, state: str, case: Case) -> None:
    """Raise ScenarioError if `finding` cannot be read at `state` for this case, located by its origin."""
    checker = Checker({})
    root: Path_ = ("timeline", finding.index) if finding.origin is None else (finding.origin,)
    entry = finding.as_entry()
    if finding.at != state:
        checker.add((*root, "at"), f"a finding for {finding.at} read at {state}", finding.at, state)
    checker.check(entry, FINDING, root)
    if not checker.problems:
        check_entry(checker, entry, root)
    if finding.month is not None and finding.month < case.course.month:
        checker.add(
            (*root, "month"),
            f"the finding predates the pathway's clock at {finding.at}",
            show(finding.month),
            f"a month >= {case.course.month:g}",
        )
    if checker.problems:
        line = finding.line
        raise ScenarioError([Problem(p.field, p.message, p.got, p.expected, line) for p in checker.problems])
