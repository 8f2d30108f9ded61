"""The scenario schema (CONTRACT.md), declared once and checked with line numbers.

Every problem is collected, not just the first, so an author fixes a file in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import Problem, show
from .yamlsafe import Lines


@dataclass(eq=False, repr=False)
class Spec:
    """The schema of one value: its kind, bounds, choices or fields."""

    kind: str  # int | number | bool | str | enum | map | list
    required: bool = False
    nullable: bool = False
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    low_open: bool = False  # low itself is not allowed
    fields: dict[str, Spec] = field(default_factory=dict)
    item: Spec | None = None
    pattern: str | None = None
    default: Any = None
    refuse: dict[str, str] = field(default_factory=dict)  # value -> why it is out of scope

    def expected(self) -> str:
        if self.kind == "enum":
            return "one of: " + ", ".join(self.choices)
        if self.kind in ("int", "number"):
            word = "a whole number" if self.kind == "int" else "a number"
            if self.low is not None and self.high is not None:
                return f"{word} from {self.low:g} to {self.high:g}"
            if self.low is not None:
                return f"{word} {'>' if self.low_open else '>='} {self.low:g}"
            return word
        if self.kind == "bool":
            return "true or false"
        if self.kind == "str":
            return "text" if self.pattern is None else f"text matching {self.pattern}"
        if self.kind == "map":
            return "a mapping"
        return "a list"


def enum_spec(*choices: str, **kw: Any) -> Spec:
    return Spec("enum", choices=choices, **kw)


OUT_OF_SCOPE = {
    "hcc": "hepatocellular carcinoma",
    "hepatocellular": "hepatocellular carcinoma",
    "hepatocellular_carcinoma": "hepatocellular carcinoma",
    "hepatocellular-carcinoma": "hepatocellular carcinoma",
    "liver": "a primary liver cancer",
    "cholangiocarcinoma": "cholangiocarcinoma",
    "cholangio": "cholangiocarcinoma",
    "biliary": "cholangiocarcinoma",
    "bile_duct": "cholangiocarcinoma",
    "icc": "cholangiocarcinoma",
}
SYMPTOMS = ("biliary_obstruction", "intractable_pain", "performance_decline")
STATUS = ("positive", "negative", "unknown")
GENOTYPE = ("wild-type", "mutant", "unknown")


@dataclass(eq=False, repr=False)
class Vocabulary:
    """What the schema takes from the definition: the sites its primaries serve, and so on."""

    states: tuple[str, ...]
    finding_states: tuple[str, ...]
    observations: dict[str, tuple[str, ...] | None]  # name -> choices (None: a whole number >= 0)
    sites: tuple[str, ...]  # the primaries' sites (`unknown` is added)
    subsites: tuple[str, ...]
    pitfalls: tuple[str, ...]
    rules: tuple[str, ...]


def patient_fields(v: Vocabulary, partial: bool) -> dict[str, Spec]:
    req = not partial
    liver_low = 0.0 if partial else 1.0
    return {
        "age": Spec("int", required=req, low=18, high=110),
        "sex": enum_spec("female", "male", required=req),
        "ecog": Spec("int", required=req, low=0, high=4),
        "primary": Spec(
            "map",
            required=req,
            fields={
                "site": enum_spec(*v.sites, "unknown", required=req, refuse=OUT_OF_SCOPE),
                "side": enum_spec("left", "right", nullable=True),
                "resected": Spec("bool", required=req),
                "symptomatic": Spec("bool", default=False),
                "node_positive": Spec("bool", default=False),
                "subsite": enum_spec(*v.subsites, nullable=True),
            },
        ),
        "presentation": enum_spec("synchronous", "metachronous", required=req),
        "biomarkers": Spec(
            "map",
            fields={
                "mmr": enum_spec("pMMR", "dMMR", "unknown"),
                "ras": enum_spec(*GENOTYPE),
                "braf": enum_spec(*GENOTYPE),
                "her2": enum_spec(*STATUS),
                "hormone_receptor": enum_spec(*STATUS),
                "sstr": enum_spec(*STATUS),
            },
        ),
        "cea_ng_ml": Spec("number", nullable=True, low=0),
        "liver": Spec(
            "map",
            required=req,
            fields={
                "lesions": Spec("int", required=req, low=liver_low),
                "largest_cm": Spec("number", required=req, low=0, low_open=not partial),
                "bilobar": Spec("bool", required=req),
                "flr_percent": Spec("number", required=req, low=0, high=100),
                "r0_achievable": Spec("bool", required=req),
                "perivascular": Spec("bool", default=False),
                "ablation": Spec(
                    "map",
                    nullable=True,
                    fields={
                        "largest_cm": Spec("number", required=True, low=0, low_open=True),
                        "flr_percent": Spec("number", required=True, low=0, high=100),
                    },
                ),
            },
        ),
        "extrahepatic": enum_spec("none", "resectable", "unresectable", required=req),
        "oxaliplatin_failure_months": Spec("number", nullable=True, low=0),
        "fit_for_surgery": Spec("bool", default=True),
        "refuses_surgery": Spec("bool", default=False),
        "symptoms": Spec("list", item=enum_spec(*SYMPTOMS)),
        "functional_syndrome": Spec("bool", default=False),
        "extrahepatic_site": enum_spec("none", "isolated_bone", "solitary_lung", "other", nullable=True),
        "transplant_candidate": Spec("bool", default=False),
        "grade": enum_spec("G1", "G2", "G3", nullable=True),
        "anti_egfr_failure_months": Spec("number", nullable=True, low=0),
    }


def finding_spec(v: Vocabulary) -> Spec:
    """A finding: where it is read, when, what it observes, and any patient fields it updates."""
    observed = {
        name: enum_spec(*choices) if choices is not None else Spec("int", low=0)
        for name, choices in v.observations.items()
    }
    return Spec(
        "map",
        fields={
            "at": enum_spec(*v.finding_states, required=True),
            "month": Spec("number", low=0),
            **observed,
            **patient_fields(v, partial=True),
        },
    )


def scenario_spec(v: Vocabulary) -> Spec:
    return Spec(
        "map",
        fields={
            "id": Spec("str", required=True, pattern=r"[a-z0-9-]+"),
            "title": Spec("str", required=True),
            "teaching": Spec(
                "map",
                fields={"objectives": Spec("list", item=Spec("str")), "notes": Spec("str")},
            ),
            "patient": Spec("map", required=True, fields=patient_fields(v, partial=False)),
            "timeline": Spec("list", item=finding_spec(v)),
            "expect": Spec(
                "map",
                fields={
                    "path": Spec("list", item=enum_spec(*v.states)),
                    "final_state": enum_spec(*v.states),
                    "ended": enum_spec("terminal", "awaiting-finding"),
                    "regimens": Spec("list", item=Spec("str")),
                    "warnings": Spec("list", item=enum_spec(*v.pitfalls)),
                    "rules": Spec("list", item=enum_spec(*v.rules)),
                },
            ),
        },
    )


Path_ = tuple[str | int, ...]


class Checker:
    def __init__(self, lines: Lines):
        self.lines = lines
        self.problems: list[Problem] = []

    def line(self, path: Path_) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def add(self, path: Path_, message: str, got: str, expected: str) -> None:
        self.problems.append(Problem(_dotted(path), message, got, expected, self.line(path)))

    def check(self, value: Any, spec: Spec, path: Path_) -> Any:
        if value is None:
            if spec.nullable:
                return None
            self.add(path, "must not be null", "null", spec.expected())
            return None
        kind = spec.kind
        if kind == "map":
            return self._map(value, spec, path)
        if kind == "list":
            if not isinstance(value, list):
                self.add(path, "wrong type", show(value), spec.expected())
                return []
            assert spec.item is not None
            return [self.check(v, spec.item, (*path, i)) for i, v in enumerate(value)]
        if kind == "bool":
            if not isinstance(value, bool):
                self.add(path, "wrong type", show(value), "true or false")
            return value
        if kind in ("int", "number"):
            return self._number(value, spec, path)
        if kind == "enum":
            if isinstance(value, str) and value.lower() in spec.refuse:
                what = spec.refuse[value.lower()]
                self.add(
                    path,
                    f"out of scope: {what} is a primary liver cancer with its own pathway, not a liver metastasis",
                    show(value),
                    "the primary of a liver metastasis: " + ", ".join(spec.choices),
                )
            elif not isinstance(value, str) or value not in spec.choices:
                hint = _did_you_mean(value, spec.choices) if isinstance(value, str) else ""
                self.add(path, "unknown value" + hint, show(value), spec.expected())
            return value
        if not isinstance(value, str):
            self.add(path, "wrong type", show(value), "text")
            return value
        if spec.pattern is not None and not re.fullmatch(spec.pattern, value):
            self.add(path, "invalid text", show(value), spec.expected())
        return value

    def _number(self, value: Any, spec: Spec, path: Path_) -> Any:
        is_int = isinstance(value, int) and not isinstance(value, bool)
        if spec.kind == "int" and not is_int:
            self.add(path, "wrong type", show(value), spec.expected())
            return value
        if not is_int and not isinstance(value, float):
            self.add(path, "wrong type", show(value), spec.expected())
            return value
        low_bad = spec.low is not None and (value <= spec.low if spec.low_open else value < spec.low)
        high_bad = spec.high is not None and value > spec.high
        if low_bad or high_bad:
            self.add(path, "out of range", show(value), spec.expected())
        return value

    def _map(self, value: Any, spec: Spec, path: Path_) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.add(path, "wrong type", show(value), "a mapping")
            return {}
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key not in spec.fields:
                hint = _did_you_mean(key, tuple(spec.fields))
                self.add((*path, key), "unknown key" + hint, show(key), "one of: " + ", ".join(spec.fields))
                continue
            out[key] = self.check(item, spec.fields[key], (*path, key))
        for key, sub in spec.fields.items():
            if sub.required and key not in value:
                self.add((*path, key), "required field missing", "nothing", sub.expected())
        return out


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return f"; did you mean {lowered[word.lower()]!r}?"
    import difflib  # only on the error path

    prefixed = [c for c in choices if len(word) >= 3 and (c.startswith(word) or word.startswith(c))]
    if len(prefixed) == 1:
        return f"; did you mean {prefixed[0]!r}?"
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(document)"
