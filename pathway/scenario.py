"""Scenario files: loaded safely, validated against the schema, turned into a patient and findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import pitfalls
from .course import Case, Finding
from .definition import STATES
from .errors import Problem, ScenarioError, show
from .patient import Patient, build
from .rules import RULES
from .schema import Checker, scenario_spec
from .yamlsafe import Lines, parse, read_text

SPEC = scenario_spec(tuple(STATES), pitfalls.IDS, tuple(RULES))

# What each finding state reads (beyond patient updates) and must be told.
_READS = {
    "staging": (),
    "reassessment": ("response", "progressing_lesions"),
    "liver_augmentation": ("response",),
    "surgery": ("margin",),
    "surveillance": ("recurrence",),
}
_REQUIRED = {"reassessment": "response", "surgery": "margin", "surveillance": "recurrence"}
_OBSERVATIONS = ("response", "margin", "recurrence", "progressing_lesions")


@dataclass(frozen=True)
class Expect:
    path: list[str] | None = None
    final_state: str | None = None
    ended: str | None = None
    regimens: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass(frozen=True)
class Scenario:
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
        data, lines = parse(read_text(Path(path)))
        return from_data(data, lines, file)
    except ScenarioError as err:
        raise err.in_file(file) from None


def loads(text: str, file: str = "<string>") -> Scenario:
    try:
        data, lines = parse(text)
        return from_data(data, lines, file)
    except ScenarioError as err:
        raise err.in_file(file) from None


def from_data(data: Any, lines: Lines, file: str = "") -> Scenario:
    checker = Checker(lines)
    if not isinstance(data, dict):
        checker.add((), "a scenario is a mapping", show(data), "a mapping with id, title and patient")
        raise ScenarioError(checker.problems)
    clean = checker.check(data, SPEC, ())
    if "patient" in clean and isinstance(clean["patient"], dict):
        _check_patient(checker, clean["patient"], ("patient",))
    timeline = clean.get("timeline") or []
    for i, entry in enumerate(timeline):
        if isinstance(entry, dict):
            _check_finding(checker, entry, ("timeline", i))
    _check_months(checker, timeline)
    if checker.problems:
        raise ScenarioError(checker.problems)
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
        response=entry.get("response"),
        margin=entry.get("margin"),
        recurrence=entry.get("recurrence"),
        progressing_lesions=entry.get("progressing_lesions"),
        patient=patient,
    )


def _check_primary(
    checker: Checker, primary: dict[str, Any], path: tuple[str | int, ...], base: dict[str, Any] | None
) -> None:
    site = primary.get("site", (base or {}).get("site"))
    side = primary.get("side")
    if site == "colon" and "site" in primary and side is None:
        checker.add(
            (*path, "side"),
            "required for a colon primary (it chooses the conversion regimen, R13/R14)",
            "nothing",
            "left or right",
        )
    if site == "rectum" and side == "right":
        checker.add((*path, "side"), "the rectum is left-sided (R13)", show(side), "left or nothing")


def _check_patient(checker: Checker, patient: dict[str, Any], path: tuple[str | int, ...]) -> None:
    primary = patient.get("primary")
    if isinstance(primary, dict):
        _check_primary(checker, primary, (*path, "primary"), None)
    liver = patient.get("liver")
    if isinstance(liver, dict) and liver.get("lesions") == 1 and liver.get("bilobar") is True:
        checker.add((*path, "liver", "bilobar"), "a single metastasis cannot be bilobar", "true", "false with 1 lesion")


def _check_finding(checker: Checker, entry: dict[str, Any], path: tuple[str | int, ...]) -> None:
    at = entry.get("at")
    if at not in _READS:
        return
    for key in _OBSERVATIONS:
        if key in entry and key not in _READS[at]:
            checker.add((*path, key), f"not read at {at}", show(entry[key]), f"{key} only where the pathway reads it")
    need = _REQUIRED.get(at)
    if need and need not in entry:
        checker.add((*path, need), f"required at {at}", "nothing", f"{need} of the finding")
    if at == "liver_augmentation" and not (isinstance(entry.get("liver"), dict) and "flr_percent" in entry["liver"]):
        checker.add(
            (*path, "liver", "flr_percent"),
            "required at liver_augmentation (the regrown remnant)",
            "nothing",
            "the FLR after PVE",
        )
    if at == "staging" and not ({"primary", "biomarkers"} & set(entry)):
        checker.add(
            (*path, "primary"),
            "a staging finding names the primary or the missing biomarkers",
            "neither",
            "primary or biomarkers",
        )
    if at == "surveillance" and entry.get("recurrence") == "liver_only":
        liver = entry.get("liver")
        keys = ("lesions", "largest_cm", "bilobar", "flr_percent", "r0_achievable")
        missing = [k for k in keys if not isinstance(liver, dict) or k not in liver]
        if missing:
            checker.add(
                (*path, "liver"),
                "a liver-only recurrence must describe the recurrent disease",
                "missing " + ", ".join(missing),
                "lesions, largest_cm, bilobar, flr_percent, r0_achievable",
            )
    primary = entry.get("primary")
    if isinstance(primary, dict):
        _check_primary(checker, primary, (*path, "primary"), None)


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


def problems_of(path: str | Path) -> list[Problem]:
    try:
        load(path)
    except ScenarioError as err:
        return err.problems
    return []
