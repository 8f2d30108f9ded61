"""The patient's facts, as a scenario states them and findings update them.

Frozen dataclasses: a trajectory keeps the facts of every step, so it can be branched anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any, TypeVar


@dataclass(frozen=True)
class Primary:
    """The primary tumour."""

    site: str
    resected: bool
    side: str | None = None
    symptomatic: bool = False
    node_positive: bool = False
    subsite: str | None = None

    @property
    def left_sided(self) -> bool:
        """R13: the rectum counts as left-sided."""
        return self.site == "rectum" or self.side == "left"


@dataclass(frozen=True)
class Biomarkers:
    """Molecular and receptor status (R3): each value or `unknown`."""

    mmr: str = "unknown"
    ras: str = "unknown"
    braf: str = "unknown"
    her2: str = "unknown"
    hormone_receptor: str = "unknown"
    sstr: str = "unknown"


@dataclass(frozen=True)
class AblationPlan:
    """R22: what ablating the small lesions instead of resecting them would leave."""

    largest_cm: float
    flr_percent: float


@dataclass(frozen=True)
class Liver:
    """The liver metastases, and what resection would leave (FLR)."""

    lesions: int
    largest_cm: float
    bilobar: bool
    flr_percent: float
    r0_achievable: bool
    perivascular: bool = False
    ablation: AblationPlan | None = None


@dataclass(frozen=True)
class Patient:
    """A patient's facts, as a scenario states them."""

    age: int
    sex: str
    ecog: int
    primary: Primary
    presentation: str
    liver: Liver
    extrahepatic: str
    biomarkers: Biomarkers = field(default_factory=Biomarkers)
    cea_ng_ml: float | None = None
    oxaliplatin_failure_months: float | None = None
    fit_for_surgery: bool = True
    refuses_surgery: bool = False
    symptoms: tuple[str, ...] = ()
    functional_syndrome: bool = False
    extrahepatic_site: str | None = None  # R33: isolated_bone | solitary_lung | other
    transplant_candidate: bool = False  # R32: selected by the MDT for liver transplantation

    def updated(self, changes: Mapping[str, Any]) -> Patient:
        """A copy with `changes` (a validated, possibly nested, partial patient) applied."""
        return _merge(self, changes)


_T = TypeVar("_T")

_NESTED: dict[str, type] = {
    "primary": Primary,
    "biomarkers": Biomarkers,
    "liver": Liver,
    "ablation": AblationPlan,
}


def _merge(obj: _T, changes: Mapping[str, Any]) -> _T:
    assert is_dataclass(obj) and not isinstance(obj, type)
    names = {f.name for f in fields(obj)}
    values: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in names:
            raise KeyError(key)
        current = getattr(obj, key)
        if isinstance(value, Mapping) and key in _NESTED:
            values[key] = _merge(current, value) if current is not None else build(_NESTED[key], value)
        elif isinstance(value, list):
            values[key] = tuple(value)
        else:
            values[key] = value
    return replace(obj, **values)


def build(cls: type[_T], data: Mapping[str, Any]) -> _T:
    """Build a (nested) dataclass from validated data."""
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping) and key in _NESTED:
            kwargs[key] = build(_NESTED[key], value)
        elif isinstance(value, list):
            kwargs[key] = tuple(value)
        else:
            kwargs[key] = value
    return cls(**kwargs)


def describe(patient: Patient) -> list[str]:
    """Two or three lines a teacher reads out at the start of a replay."""
    p = patient.primary
    sex = {"male": "man", "female": "woman"}.get(patient.sex, patient.sex)
    side = f" ({p.side}-sided)" if p.site == "colon" and p.side else ""
    state = "resected" if p.resected else "in place" + (", symptomatic" if p.symptomatic else "")
    nodes = ", node-positive" if p.node_positive else ""
    b = patient.biomarkers
    markers = f"RAS {b.ras}, BRAF {b.braf}, {b.mmr if b.mmr != 'unknown' else 'MMR unknown'}"
    cea = f"; CEA {_num(patient.cea_ng_ml)} ng/mL" if patient.cea_ng_ml is not None else ""
    lv = patient.liver
    lesions = f"{lv.lesions} metastas{'is' if lv.lesions == 1 else 'es'}"
    flags = []
    if not patient.fit_for_surgery:
        flags.append("unfit for major surgery")
    if patient.refuses_surgery:
        flags.append("refuses surgery")
    if patient.oxaliplatin_failure_months is not None:
        flags.append(f"recurrence {_num(patient.oxaliplatin_failure_months)} months after adjuvant oxaliplatin")
    lines = [
        f"{patient.age}-year-old {sex}, ECOG {patient.ecog}; {p.site}{side} primary {state}{nodes}; "
        f"{patient.presentation} presentation",
        f"Biomarkers: {markers}{cea}",
        f"Liver: {lesions}, largest {_num(lv.largest_cm)} cm, {'bilobar' if lv.bilobar else 'one lobe'}, "
        f"FLR {_num(lv.flr_percent)}%, R0 {'achievable' if lv.r0_achievable else 'not achievable'}; "
        f"extrahepatic disease: {patient.extrahepatic}",
    ]
    if flags:
        lines.append("Also: " + "; ".join(flags))
    return lines


def _num(value: float | int | None) -> str:
    if value is None:
        return "?"
    return f"{value:g}"
