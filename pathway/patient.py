"""The patient's facts, as a scenario states them and findings update them.

Frozen dataclasses: a trajectory keeps the facts of every step, so it can be branched anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
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
    grade: str | None = None  # R42: neuroendocrine G1 | G2 | G3
    anti_egfr_failure_months: float | None = None  # R13b: months from the last anti-EGFR dose to recurrence

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


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def field_names(cls: type) -> frozenset[str]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(cls))
    return names


def amend(obj: _T, changes: Mapping[str, Any]) -> _T:
    """`dataclasses.replace` for the frozen records of a case (none has `__post_init__` or slots), without
    running `__init__` again: the engine replaces a case at every step, so this is its hot spot."""
    names = field_names(type(obj))
    for key in changes:
        if key not in names:
            raise TypeError(f"{type(obj).__name__} has no field {key!r}")
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    new.__dict__.update(changes)
    return new


def _merge(obj: _T, changes: Mapping[str, Any]) -> _T:
    assert is_dataclass(obj) and not isinstance(obj, type)
    names = field_names(type(obj))
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
    return amend(obj, values)


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
