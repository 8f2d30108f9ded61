"""Sensitivity of a cohort to its parameters: probabilistic (`--psa K`) and one-way (`--tornado`).

Only the parameters whose file entry states an uncertainty (`range: [low, high]`) vary; the follow-up
horizon is a choice of the analysis, not an uncertainty, and stays fixed, as do the distributions over
categories (the responses, the margin, the primary site), which state none.

- PSA: K parameter sets, each drawing every uncertain parameter from a triangular distribution on its
  range with its value as the mode (derived: the sources give a plausible range, not a distribution);
  each set runs the same N patients (the same patient seeds: common random numbers, so the spread
  comes from the parameters, not from new patients); each outcome is reported with its median and
  95% interval over the sets. Parameter set k draws from its own random stream, keyed by the seed and
  k, so the analysis is reproducible whatever the number of workers.
- One-way: each uncertain parameter at its low and at its high, the others at their values, the same N
  patients each time; each outcome's value at both ends against the base case.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .cohort import CohortError, Tally, quantile, run_cohort
from .parameters import Parameter, Parameters
from .patient import Patient

FIXED = ("horizon_months",)  # a choice of the analysis, not an uncertainty


@dataclass(frozen=True)
class Outcome:
    """An outcome a sensitivity analysis follows: a share of patients, or a median in months."""

    name: str
    words: str
    measure: Callable[[Tally], float | None]
    unit: str = "share"  # share | months


def _share(numerator: str, denominator: str | None = None) -> Callable[[Tally], float | None]:
    def measure(t: Tally) -> float | None:
        den = t.n if denominator is None else t.outcomes[denominator]
        return t.outcomes[numerator] / den if den else None

    return measure


def _median(histogram: str) -> Callable[[Tally], float | None]:
    def measure(t: Tally) -> float | None:
        return quantile(t.months[histogram], 0.5)

    return measure


OUTCOMES: tuple[Outcome, ...] = (
    Outcome("resected", "liver resection (of patients)", _share("resected")),
    Outcome("recurred", "recurrence (of resected, followed up)", _share("recurred", "surveilled_after_resection")),
    Outcome("reresected", "re-resection (of recurrences)", _share("reresected", "recurred")),
    Outcome("disease_free", "disease-free at 5 years (of patients)", _share("disease_free")),
    Outcome("best_supportive_care", "best supportive care (of patients)", _share("best_supportive_care")),
    Outcome("systemic_months", "months of systemic therapy (median)", _median("systemic_therapy"), "months"),
)


def uncertain(params: Parameters) -> list[Parameter]:
    """The parameters that vary: those with a stated range, in the file's order."""
    return [p for p in params.items.values() if p.low is not None and p.high is not None and p.name not in FIXED]


def draw_set(params: Parameters, seed: int, k: int) -> Parameters:
    """Parameter set k: each uncertain parameter from the triangular distribution on its range."""
    rng = random.Random(f"pathway-psa/{seed}/{k}")
    values: dict[str, float] = {}
    for p in uncertain(params):
        assert p.low is not None and p.high is not None and p.value is not None
        values[p.name] = p.value if p.low == p.high else rng.triangular(p.low, p.high, p.value)
    return params.with_values(**values)


def measured(tally: Tally) -> dict[str, float | None]:
    return {o.name: o.measure(tally) for o in OUTCOMES}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile by linear interpolation between order statistics."""
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def psa(
    patient: Patient,
    params: Parameters,
    base_tally: Tally,
    sets: int,
    seed: int = 1,
    workers: int = 1,
    progress: Callable[[int], object] | None = None,
    engine: str = "fast",
) -> dict[str, Any]:
    """K parameter sets x the base cohort's N patients: each outcome's base value (from `base_tally`),
    median and 95% interval over the sets."""
    n = base_tally.n
    base = measured(base_tally)
    runs: list[dict[str, float | None]] = []
    drawn: list[dict[str, float]] = []
    for k in range(sets):
        chosen = draw_set(params, seed, k)
        drawn.append({p.name: round(chosen.value(p.name), 6) for p in uncertain(params)})
        try:
            runs.append(measured(run_cohort(patient, chosen, n, seed, workers, progress, engine)))
        except CohortError as err:
            raise err.within(f"psa set {k}") from None
    outcomes: dict[str, Any] = {}
    for o in OUTCOMES:
        clean = [v for r in runs if (v := r[o.name]) is not None]
        outcomes[o.name] = {
            "words": o.words,
            "unit": o.unit,
            "base": _round(base[o.name]),
            "median": _round(percentile(clean, 0.5)) if clean else None,
            "low": _round(percentile(clean, 0.025)) if clean else None,
            "high": _round(percentile(clean, 0.975)) if clean else None,
            "sets": len(clean),
        }
    return {
        "sets": sets,
        "n": n,
        "seed": seed,
        "distribution": "triangular on each parameter's range, mode at its value (derived)",
        "varied": [p.name for p in uncertain(params)],
        "outcomes": outcomes,
        "parameter_sets": drawn,
    }


def tornado(
    patient: Patient,
    params: Parameters,
    base_tally: Tally,
    seed: int = 1,
    workers: int = 1,
    progress: Callable[[int], object] | None = None,
    engine: str = "fast",
) -> dict[str, Any]:
    """One-way: each uncertain parameter at its low and its high, the base cohort's N patients each time."""
    n = base_tally.n
    base = measured(base_tally)
    rows = []

    def at(name: str, value: float) -> dict[str, float | None]:
        try:
            return measured(
                run_cohort(patient, params.with_values(**{name: value}), n, seed, workers, progress, engine)
            )
        except CohortError as err:
            raise err.within(f"tornado {name}={value:g}") from None

    for p in uncertain(params):
        assert p.low is not None and p.high is not None
        low, high = at(p.name, p.low), at(p.name, p.high)
        rows.append(
            {
                "parameter": p.name,
                "value": p.value,
                "low": p.low,
                "high": p.high,
                "derived": p.derived,
                "outcomes": {o.name: {"low": _round(low[o.name]), "high": _round(high[o.name])} for o in OUTCOMES},
            }
        )
    return {
        "n": n,
        "seed": seed,
        "base": {o.name: _round(base[o.name]) for o in OUTCOMES},
        "outcomes": [{"name": o.name, "words": o.words, "unit": o.unit} for o in OUTCOMES],
        "parameters": rows,
    }


def swing(row: dict[str, Any], outcome: str) -> float:
    """How far an outcome moves between a parameter's low and high (0 when either is not measured)."""
    ends = row["outcomes"][outcome]
    if ends["low"] is None or ends["high"] is None:
        return 0.0
    return float(abs(ends["high"] - ends["low"]))


def patients_needed(params: Parameters, n: int, psa_sets: int = 0, one_way: bool = False) -> int:
    """How many patients a cohort and the analyses asked for simulate (for a progress bar)."""
    return n * (1 + psa_sets + (2 * len(uncertain(params)) if one_way else 0))


def iter_psa_lines(data: dict[str, Any]) -> list[str]:
    lines = [
        "",
        f"Probabilistic sensitivity analysis: {data['sets']:,} parameter sets x {data['n']:,} patients "
        f"(each uncertain parameter {data['distribution']}; the same patients in every set)",
    ]
    for o in data["outcomes"].values():
        lines.append(
            f"  {o['words']:<42} base {_show(o['base'], o['unit']):>7}   median {_show(o['median'], o['unit']):>7}   "
            f"95% interval {_interval(o)}"
        )
    return lines


def iter_tornado_lines(data: dict[str, Any]) -> list[str]:
    lines = ["", f"One-way sensitivity ({data['n']:,} patients at each end of each parameter's range)"]
    for outcome in data["outcomes"]:
        name, unit = outcome["name"], outcome["unit"]
        rows = sorted(data["parameters"], key=lambda r: -swing(r, name))
        moving = [r for r in rows if swing(r, name) > 0][:5]
        if not moving:
            continue
        lines.append(f"  {outcome['words']} (base {_show(data['base'][name], unit)}): most moved by")
        for r in moving:
            ends = r["outcomes"][name]
            lines.append(
                f"    {r['parameter']:<40} {r['low']:g} -> {_show(ends['low'], unit):>6}   "
                f"{r['high']:g} -> {_show(ends['high'], unit):>6}"
            )
    return lines


def _interval(o: dict[str, Any]) -> str:
    if o["low"] is None or o["high"] is None:
        return "-"
    return f"{_show(o['low'], o['unit'])} to {_show(o['high'], o['unit'])}"


def _show(x: float | None, unit: str) -> str:
    if x is None:
        return "-"
    return f"{x:.1f}" if unit == "months" else f"{100 * x:.1f}%"
