"""The cohort's parameters: what each finding a cohort draws is drawn from, with its source.

The shipped file (pathway/cohort_parameters.yaml) names every parameter; `--params FILE` replaces
some of them. Both are read safely (pathway.yamlsafe) and checked here, each problem as
`FILE:LINE: field: what is wrong (got X; expected Y)`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import Problem, ScenarioError, show
from .yamlsafe import REFUSED, Lines, parse_all, read_text

SHIPPED = "cohort_parameters.yaml"
RESPONSES = ("complete", "partial", "stable", "mixed", "progression")  # RECIST 1.1 (R16)
MARGINS = ("R0", "R1", "R2")
KEYS = ("value", "distribution", "sd", "range", "derived", "source", "drives")


@dataclass(frozen=True)
class Parameter:
    """One parameter: a value (with an optional normal spread) or a distribution over categories."""

    name: str
    value: float | None = None
    distribution: tuple[tuple[str, float], ...] | None = None
    sd: float | None = None
    low: float | None = None
    high: float | None = None
    derived: bool = False
    source: str = ""
    drives: str = ""

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.distribution is not None:
            out["distribution"] = dict(self.distribution)
        else:
            out["value"] = self.value
        if self.sd is not None:
            out["sd"] = self.sd
        if self.low is not None:
            out["range"] = [self.low, self.high]
        out |= {"derived": self.derived, "source": self.source, "drives": self.drives}
        return out

    @property
    def shown(self) -> str:
        """The value as a table prints it."""
        if self.distribution is not None:
            return ", ".join(f"{k} {v:g}" for k, v in self.distribution if v)
        assert self.value is not None
        return f"{self.value:g}" + (f" (sd {self.sd:g})" if self.sd is not None else "")


# What each parameter is: a probability, months, percentage points, or a distribution over categories.
SITES = ("colon", "rectum", "neuroendocrine", "breast", "gastric", "gist", "sarcoma")
RESPONSE_CONTEXTS = (
    "perioperative",
    "conversion_anti_egfr",
    "conversion_triplet",
    "conversion_other",
    "immunotherapy",
    "palliative",
    "tare",
    "ablation",
    "net_observation",
    "net_tace",
    "net_systemic",
    "breast",
    "gastric",
    "gist_imatinib",
    "gist_next_line",
    "sarcoma",
)
PROBABILITIES = (
    "colon_left_sided",
    "ras_mutant",
    "braf_mutant_if_ras_wild_type",
    "dmmr",
    "her2_positive_gastric",
    "her2_positive_breast",
    "hormone_receptor_positive_breast",
    "sstr_positive",
    "gist_unifocal_progression",
    "partial_response_shrink",
    "partial_response_lesions_vanish",
    "conversion_given_response",
    "progression_unresectable",
    "progression_at_volumetry",
    "recurrence_after_resection",
    "recurrences_within_24_months",
    "disseminated_recurrence_synchronous",
    "disseminated_recurrence_metachronous",
    "recurrent_liver_resectable",
)
KINDS: dict[str, str | tuple[str, ...]] = {
    "horizon_months": "months",
    "median_dfi_synchronous": "months",
    "median_dfi_metachronous": "months",
    "median_months_to_supportive_care": "months",
    "median_months_to_supportive_care_net": "months",
    "pve_flr_gain_points": "points",
    "unknown_primary_site": SITES,
    "margin": MARGINS,
    **dict.fromkeys(PROBABILITIES, "probability"),
    **{f"response_{context}": RESPONSES for context in RESPONSE_CONTEXTS},
}
BOUNDS = {"probability": (0.0, 1.0), "months": (0.0, 600.0), "points": (0.0, 100.0)}
# Narrower limits where a value outside them has no meaning: a median of 0 months, a horizon past the
# last month a scenario may name, or a median disease-free interval past the 24 months the share of
# early recurrences is counted at (the spread of the months to recurrence is solved from both).
LIMITS = {
    "horizon_months": (1.0, 600.0),
    "median_dfi_synchronous": (0.5, 23.5),
    "median_dfi_metachronous": (0.5, 23.5),
    "median_months_to_supportive_care": (0.5, 600.0),
    "median_months_to_supportive_care_net": (0.5, 600.0),
    "recurrences_within_24_months": (0.01, 0.99),
}


class Parameters:
    """Every parameter by name, and where they were read from."""

    def __init__(self, items: dict[str, Parameter], files: tuple[str, ...]):
        self.items = items
        self.files = files

    def __getitem__(self, name: str) -> Parameter:
        return self.items[name]

    def value(self, name: str) -> float:
        value = self.items[name].value
        assert value is not None, name
        return value

    def distribution(self, name: str) -> tuple[tuple[str, float], ...]:
        dist = self.items[name].distribution
        assert dist is not None, name
        return dist

    def with_values(self, **values: float) -> Parameters:
        """A copy with some values replaced (tests, sensitivity analysis)."""
        items = dict(self.items)
        for name, value in values.items():
            items[name] = replace(items[name], value=value)
        return Parameters(items, self.files)

    def with_distribution(self, name: str, distribution: Mapping[str, float]) -> Parameters:
        items = dict(self.items)
        items[name] = replace(items[name], distribution=tuple(distribution.items()))
        return Parameters(items, self.files)

    def as_json(self) -> list[dict[str, Any]]:
        return [p.as_json() for p in self.items.values()]


def shipped_text() -> str:
    return resources.files("pathway").joinpath(SHIPPED).read_text(encoding="utf-8")


def load(params_file: str | None = None) -> Parameters:
    """The shipped parameters, with those of `params_file` replacing theirs; ScenarioError if either is bad."""
    base = _read(shipped_text(), f"pathway/{SHIPPED}", full=True)
    if params_file is None:
        return Parameters(base, (f"pathway/{SHIPPED}",))
    try:
        text = read_text(Path(params_file))
    except ScenarioError as err:
        problems = [replace(p, expected=p.expected.replace("scenario", "parameter")) for p in err.problems]
        raise ScenarioError(problems).in_file(params_file) from None
    mine = _read(text, params_file, full=False)
    merged = dict(base)
    for name, param in mine.items():
        merged[name] = param
    return Parameters(merged, (f"pathway/{SHIPPED}", params_file))


def _read(text: str, file: str, full: bool) -> dict[str, Parameter]:
    try:
        data, lines, problems = parse_all(text)
    except ScenarioError as err:
        raise err.in_file(file) from None
    out, found = _check(data, lines, full, file)
    problems = sorted([*problems, *found], key=lambda p: (p.line or 0, p.field))
    if problems:
        raise ScenarioError([p.in_file(file) for p in problems])
    return out


def _check(data: Any, lines: Lines, full: bool, file: str) -> tuple[dict[str, Parameter], list[Problem]]:
    problems: list[Problem] = []

    def add(path: tuple[str | int, ...], message: str, got: str, expected: str) -> None:
        line = lines.get(path)
        while line is None and path:
            path = path[:-1]
            line = lines.get(path)
        dotted = ".".join(str(p) for p in path) if path else "(document)"
        problems.append(Problem(dotted, message, got, expected, line))

    if not isinstance(data, dict):
        add((), "a parameter file is a mapping of parameter names", show(data), "name: {value: ...}")
        return {}, problems
    out: dict[str, Parameter] = {}
    for name, entry in data.items():
        if entry is REFUSED:
            continue
        if name not in KINDS:
            near = difflib.get_close_matches(name, list(KINDS), n=1)
            hint = f"{near[0]!r}, the nearest name" if near else "a parameter of pathway/cohort_parameters.yaml"
            add((name,), "no such parameter", show(name), hint)
            continue
        param = _entry(name, entry, (name,), add, full, file)
        if param is not None:
            out[name] = param
    if full:
        for name in KINDS:
            if name not in data:
                add((), "a parameter is missing", "nothing", name)
    return out, problems


def _entry(name: str, entry: Any, path: tuple[str | int, ...], add: Any, full: bool, file: str) -> Parameter | None:
    kind = KINDS[name]
    if not isinstance(entry, dict):
        add(path, "a parameter is a mapping", show(entry), "{value: ...} or {distribution: {...}}")
        return None
    bad = len([None for k in entry if k not in KEYS])
    for key in entry:
        if key not in KEYS:
            near = difflib.get_close_matches(str(key), KEYS, n=1)
            add((*path, key), "unknown key", show(key), f"{near[0]!r}, the nearest key" if near else ", ".join(KEYS))
    want = "distribution" if isinstance(kind, tuple) else "value"
    other = "value" if want == "distribution" else "distribution"
    if other in entry:
        add((*path, other), f"{name} takes a {want}, not a {other}", show(entry[other]), f"{want}: ...")
        return None
    if want not in entry:
        add(path, f"required: {want}", "nothing", f"{want} of {name}")
        return None
    for key in ("source", "drives"):
        if full and not isinstance(entry.get(key), str):
            add((*path, key), "required: text", show(entry.get(key)), f"the parameter's {key}")
    derived = entry.get("derived", False)
    if not isinstance(derived, bool):
        add((*path, "derived"), "not a boolean", show(derived), "true or false")
        derived = False
    param = Parameter(
        name,
        derived=derived,
        source=entry["source"] if isinstance(entry.get("source"), str) else f"--params {file}",
        drives=entry["drives"] if isinstance(entry.get("drives"), str) else "",
    )
    ok = bad == 0
    if isinstance(kind, tuple):
        dist = _distribution(entry["distribution"], kind, (*path, "distribution"), add)
        ok = ok and dist is not None
        param = replace(param, distribution=dist)
        for key in ("sd", "range"):
            if key in entry:
                add((*path, key), f"a distribution takes no {key}", show(entry[key]), "no " + key)
                ok = False
    else:
        lo, hi = LIMITS.get(name, BOUNDS[kind])
        value = _number(entry["value"], lo, hi, (*path, "value"), add, kind)
        ok = ok and value is not None
        param = replace(param, value=value)
        if "sd" in entry:
            sd = _number(entry["sd"], 0.0, hi, (*path, "sd"), add, kind)
            ok = ok and sd is not None
            param = replace(param, sd=sd)
        if "range" in entry:
            rng = entry["range"]
            if not (isinstance(rng, list) and len(rng) == 2):
                add((*path, "range"), "not a pair", show(rng), "[low, high]")
                ok = False
            else:
                low = _number(rng[0], lo, hi, (*path, "range", 0), add, kind)
                high = _number(rng[1], lo, hi, (*path, "range", 1), add, kind)
                if low is not None and high is not None and value is not None and not low <= value <= high:
                    add(
                        (*path, "range"),
                        "the value lies outside its range",
                        f"{value:g} outside [{low:g}, {high:g}]",
                        "low <= value <= high",
                    )
                    ok = False
                ok = ok and low is not None and high is not None
                param = replace(param, low=low, high=high)
    return param if ok else None


def _number(raw: Any, lo: float, hi: float, path: tuple[str | int, ...], add: Any, kind: str) -> float | None:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw is REFUSED:
        if raw is not REFUSED:
            add(path, "not a number", show(raw), f"a number ({kind})")
        return None
    if not (math.isfinite(raw) and lo <= raw <= hi):
        add(path, f"out of range for {kind}", show(raw), f"{lo:g}..{hi:g}")
        return None
    return float(raw)


def _distribution(
    raw: Any, categories: tuple[str, ...], path: tuple[str | int, ...], add: Any
) -> tuple[tuple[str, float], ...] | None:
    if not isinstance(raw, dict):
        add(path, "a distribution is a mapping of categories to probabilities", show(raw), ", ".join(categories))
        return None
    ok = True
    for key in raw:
        if key not in categories:
            add((*path, key), "not a category of this distribution", show(key), ", ".join(categories))
            ok = False
    values: dict[str, float] = {}
    for key in categories:
        if key not in raw:
            continue
        number = _number(raw[key], 0.0, 1.0, (*path, key), add, "probability")
        if number is None:
            ok = False
        else:
            values[key] = number
    if not ok:
        return None
    total = sum(values.values())
    if abs(total - 1.0) > 1e-6:
        add(path, "the probabilities do not sum to 1", f"{total:g}", "a sum of 1")
        return None
    return tuple((k, values.get(k, 0.0)) for k in categories)


def markdown_table(params: Parameters) -> str:
    """The parameters as the README lists them: name, value, derived or not, source, what it drives."""
    rows = ["| parameter | value | derived | source | drives |", "|---|---|---|---|---|"]
    for p in params.items.values():
        cells = [f"`{p.name}`", p.shown, "yes" if p.derived else "no", p.source, p.drives]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"
