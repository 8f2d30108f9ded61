"""Scenario files: loaded safely, validated against the schema, turned into a patient and findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .course import Case, Finding, Margin, Recurrence, Response
from .errors import Problem, ScenarioError, show
from .findings import SCENARIO, check_entry, primary_problems
from .patient import Patient, build
from .schema import Checker, Path_
from .yamlsafe import REFUSED, Lines, parse_all, read_text

_OBSERVATIONS = ("response", "margin", "recurrence", "progressing_lesions")


@dataclass(frozen=True, eq=False, repr=False)
class Expect:
    """What a scenario's `expect:` block says the replay must do."""

    path: list[str] | None = None
    final_state: str | None = None
    ended: str | None = None
    regimens: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass(frozen=True, eq=False, repr=False)
class Scenario:
    """A validated scenario: the patient, the timeline's findings, the teaching and the expectations."""

    id: str
    title: str
    patient: Patient
    findings: list[Finding]
    objectives: list[str] = field(default_factory=list)
    notes: str = ""
    expect: Expect | None = None
    file: str = ""

    @property
    def case(self) -> Case:
        return Case(self.patient)


def load(path: str | Path) -> Scenario:
    """Load and validate one scenario file; raise ScenarioError with FILE:LINE problems."""
    file = str(path)
    try:
        data, lines, problems = parse_all(read_text(Path(path)))
        return from_data(data, lines, file, problems)
    except ScenarioError as err:
        raise err.in_file(file) from None


def loads(text: str, file: str = "<string>") -> Scenario:
    try:
        data, lines, problems = parse_all(text)
        return from_data(data, lines, file, problems)
    except ScenarioError as err:
        raise err.in_file(file) from None


def from_data(data: Any, lines: Lines, file: str = "", found: list[Problem] | None = None) -> Scenario:
    """Validate parsed data (with the problems the reader `found`) and build the scenario.

    Every independent problem is reported at once, in line order: those the reader found, every
    unknown key, wrong type and out-of-range value, and what the patient's primary and each finding's
    state require. A problem that depends on another (the fields of a block of the wrong type) is not.
    """
    checker = Checker(lines, found)
    if data is REFUSED:  # the whole document was refused (a tag on it): that is the one problem
        raise ScenarioError(checker.in_line_order())
    if not isinstance(data, dict):
        checker.add((), "a scenario is a mapping", show(data), "a mapping with id, title and patient")
        raise ScenarioError(checker.in_line_order())
    clean = checker.check(data, SCENARIO, ())
    if "patient" in clean and isinstance(clean["patient"], dict):
        _check_patient(checker, clean["patient"], ("patient",))
    timeline = clean.get("timeline") or []
    for i, entry in enumerate(timeline):
        if isinstance(entry, dict):
            check_entry(checker, entry, ("timeline", i))
    _check_months(checker, timeline)
    if checker.problems:
        raise ScenarioError(checker.in_line_order())
    teaching = clean.get("teaching") or {}
    expect = clean.get("expect")
    return Scenario(
        id=clean["id"],
        title=clean["title"],
        patient=build(Patient, clean["patient"]),
        findings=[_finding(i, e, lines) for i, e in enumerate(timeline)],
        objectives=list(teaching.get("objectives") or []),
        notes=teaching.get("notes") or "",
        expect=Expect(**expect, line=lines.get(("expect",))) if expect is not None else None,
        file=file,
    )


def _finding(index: int, entry: dict[str, Any], lines: Lines) -> Finding:
    patient = {k: v for k, v in entry.items() if k not in ("at", "month", *_OBSERVATIONS)}
    return Finding(
        at=entry["at"],
        index=index,
        line=lines.get(("timeline", index)),
        month=entry.get("month"),
        response=Response(entry["response"]) if "response" in entry else None,
        margin=Margin(entry["margin"]) if "margin" in entry else None,
        recurrence=Recurrence(entry["recurrence"]) if "recurrence" in entry else None,
        progressing_lesions=entry.get("progressing_lesions"),
        patient=patient,
    )


def _check_patient(checker: Checker, patient: dict[str, Any], path: Path_) -> None:
    primary = patient.get("primary")
    if isinstance(primary, dict):
        for field_, message, got, expected in primary_problems(primary):
            checker.add((*path, *field_.split(".")), message, got, expected)
    liver = patient.get("liver")
    if isinstance(liver, dict) and liver.get("lesions") == 1 and liver.get("bilobar") is True:
        checker.add((*path, "liver", "bilobar"), "a single metastasis cannot be bilobar", "true", "false with 1 lesion")


def _check_months(checker: Checker, timeline: list[Any]) -> None:
    last: float | None = None
    for i, entry in enumerate(timeline):
        if not isinstance(entry, dict):
            continue
        month = entry.get("month")
        if isinstance(month, (int, float)) and not isinstance(month, bool):
            if last is not None and month < last:
                checker.add(("timeline", i, "month"), "months go backwards", show(month), f"a month >= {last:g}")
            last = month
