"""Regimen tables: which systemic treatment, by molecular profile and history (first match wins).

A table is ordered like the rule book; every row names its guards and rules, so the replay can say
why this regimen and not the others. The tables themselves belong to the primaries.
"""

from __future__ import annotations

from dataclasses import dataclass

from .course import Case, Regimen
from .guards import Guard


@dataclass(eq=False, repr=False)
class RegimenRow:
    """One row of a regimen table: when its guards pass, this regimen, by these rules."""

    guards: tuple[Guard, ...]
    regimen: Regimen
    rules: tuple[str, ...]
    also: tuple[
        Regimen, ...
    ] = ()  # what the same rule allows equally (R13: FOLFOX or FOLFIRI); the row lists its pick first


@dataclass(eq=False, repr=False)
class RegimenChoice:
    """The regimen a table chose, with its rules and the reasons of its row."""

    regimen: Regimen
    rules: tuple[str, ...]
    reasons: tuple[str, ...]


class RegimenTableError(LookupError):
    """A regimen table had no row for this case (tables end with an `always` row)."""


def choose(table: tuple[RegimenRow, ...], case: Case) -> RegimenChoice:
    for row in table:
        verdicts = [g(case) for g in row.guards]
        if all(v.passed for v in verdicts):
            reasons = tuple(r for v in verdicts for r in v.reasons)
            return RegimenChoice(row.regimen, row.rules, reasons)
    raise RegimenTableError("regimen table has no matching row")
