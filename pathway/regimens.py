"""Regimen tables: which systemic treatment, by molecular profile and history (first match wins).

Each table is ordered like the rule book; every row names its guards and rules, so the replay
can say why this regimen and not the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .course import Case, Regimen
from .guards import OXALIPLATIN_FAILURE_MONTHS, Guard, Verdict, _n, negation

FOLFOX = Regimen("FOLFOX", oxaliplatin=True)
FOLFIRI = Regimen("FOLFIRI")
IMMUNOTHERAPY = Regimen("Immunotherapy (pembrolizumab or nivolumab)", kind="immunotherapy")
FOLFOX_EGFR = Regimen("FOLFOX + anti-EGFR (cetuximab or panitumumab)", oxaliplatin=True)
FOLFIRI_EGFR = Regimen("FOLFIRI + anti-EGFR (cetuximab or panitumumab)")
FOLFOXIRI_BEV = Regimen("FOLFOXIRI + bevacizumab", oxaliplatin=True, bevacizumab=True)
FOLFOX_BEV = Regimen("FOLFOX + bevacizumab", oxaliplatin=True, bevacizumab=True)
FOLFIRI_BEV = Regimen("FOLFIRI + bevacizumab", bevacizumab=True)
MDT_NEXT_LINE = Regimen("Next-line systemic therapy chosen by the MDT")


@dataclass(frozen=True, eq=False, repr=False)
class RegimenRow:
    guards: tuple[Guard, ...]
    regimen: Regimen
    rules: tuple[str, ...]


@dataclass(frozen=True, eq=False, repr=False)
class RegimenChoice:
    regimen: Regimen
    rules: tuple[str, ...]
    reasons: tuple[str, ...]


def choose(table: tuple[RegimenRow, ...], case: Case) -> RegimenChoice:
    for row in table:
        verdicts = [g(case) for g in row.guards]
        if all(v.passed for v in verdicts):
            reasons = tuple(r for v in verdicts for r in v.reasons)
            return RegimenChoice(row.regimen, row.rules, reasons)
    raise LookupError("regimen table has no matching row")  # tables end with an unguarded row


def _g(name: str, label: str, fn: Callable[[Case], Verdict], *rules: str) -> Guard:
    return Guard(name, label, rules, fn)


def _dmmr(c: Case) -> Verdict:
    m = c.patient.biomarkers.mmr
    return Verdict(m == "dMMR", (f"{m}: " + ("immunotherapy first" if m == "dMMR" else "chemotherapy"),))


def _oxali_failed(c: Case) -> Verdict:
    months = c.patient.oxaliplatin_failure_months
    if months is None:
        return Verdict(False, ("no recurrence after adjuvant oxaliplatin",))
    within = months <= OXALIPLATIN_FAILURE_MONTHS
    text = f"recurrence {_n(months)} months after adjuvant oxaliplatin"
    return Verdict(within, (text + (" (within 12): oxaliplatin failed" if within else " (beyond 12)"),))


def _mutant(c: Case) -> Verdict:
    b = c.patient.biomarkers
    mutant = [f"{name} mutant" for name, v in (("RAS", b.ras), ("BRAF", b.braf)) if v == "mutant"]
    if mutant:
        return Verdict(True, (" and ".join(mutant),))
    return Verdict(False, ("RAS and BRAF wild-type",))


def _left(c: Case) -> Verdict:
    p = c.patient.primary
    side = "rectum (left-sided)" if p.site == "rectum" else f"{p.side}-sided colon"
    return Verdict(p.left_sided, (side,))


def _always(c: Case) -> Verdict:
    return Verdict(True, ())


DMMR = _g("dmmr", "dMMR/MSI-H", _dmmr, "R11")
PMMR = negation(DMMR, "pmmr", "pMMR")
OXALIPLATIN_FAILED = _g("oxaliplatin_failed_within_12", "oxaliplatin failed <= 12 months", _oxali_failed, "R12")
RAS_OR_BRAF_MUTANT = _g("ras_or_braf_mutant", "RAS or BRAF mutant", _mutant, "R15")
WILD_TYPE = negation(RAS_OR_BRAF_MUTANT, "wild_type", "RAS/BRAF wild-type", "R13", "R14")
LEFT_SIDED = _g("left_sided", "left-sided", _left, "R13")
RIGHT_SIDED = negation(LEFT_SIDED, "right_sided", "right-sided", "R14")
ALWAYS = _g("always", "otherwise", _always)

# R11, R12, R9: initially resectable disease, chemotherapy (or immunotherapy) first.
PERIOPERATIVE = (
    RegimenRow((DMMR,), IMMUNOTHERAPY, ("R11", "D-IO-BLOCK")),
    RegimenRow((PMMR, OXALIPLATIN_FAILED), FOLFIRI, ("R12",)),
    RegimenRow((PMMR,), FOLFOX, ("R9", "D-NO-EGFR-RESECTABLE")),
)

# R8 (upfront surgery for a small solitary metastasis), with R12 for oxaliplatin failure.
UPFRONT_POSTOPERATIVE = (
    RegimenRow((OXALIPLATIN_FAILED,), FOLFIRI, ("R12",)),
    RegimenRow((ALWAYS,), FOLFOX, ("R8",)),
)

# R11, R13-R15: conversion therapy for initially unresectable disease.
CONVERSION = (
    RegimenRow((DMMR,), IMMUNOTHERAPY, ("R11",)),
    RegimenRow((PMMR, RAS_OR_BRAF_MUTANT), FOLFOXIRI_BEV, ("R15",)),
    RegimenRow((PMMR, WILD_TYPE, LEFT_SIDED, OXALIPLATIN_FAILED), FOLFIRI_EGFR, ("R13", "R12", "D-R12-CONVERSION")),
    RegimenRow((PMMR, WILD_TYPE, LEFT_SIDED), FOLFOX_EGFR, ("R13",)),
    RegimenRow((PMMR, WILD_TYPE, RIGHT_SIDED), FOLFOXIRI_BEV, ("R14",)),
)

# D-PALLIATIVE-REGIMEN: ECOG 2 gets a doublet by molecular profile, never a triplet.
PALLIATIVE_DOUBLET = (
    RegimenRow((DMMR,), IMMUNOTHERAPY, ("R11",)),
    RegimenRow((WILD_TYPE, LEFT_SIDED, OXALIPLATIN_FAILED), FOLFIRI_EGFR, ("R13", "R12", "D-PALLIATIVE-REGIMEN")),
    RegimenRow((WILD_TYPE, LEFT_SIDED), FOLFOX_EGFR, ("R13", "D-PALLIATIVE-REGIMEN")),
    RegimenRow((OXALIPLATIN_FAILED,), FOLFIRI_BEV, ("R12", "D-PALLIATIVE-REGIMEN")),
    RegimenRow((ALWAYS,), FOLFOX_BEV, ("D-PALLIATIVE-REGIMEN",)),
)


def next_line(current: Regimen | None) -> RegimenChoice:
    """D-NEXT-LINE: after progression, switch the chemotherapy backbone (R18)."""
    if current is None:
        return RegimenChoice(MDT_NEXT_LINE, ("R18", "D-NEXT-LINE"), ("no earlier line recorded",))
    name = current.name
    if current.kind == "chemotherapy" and name.startswith("FOLFOX") and not name.startswith("FOLFOXIRI"):
        return RegimenChoice(FOLFIRI_BEV, ("R18", "D-NEXT-LINE"), (f"progression on {name}: switch to irinotecan",))
    if current.kind == "chemotherapy" and name.startswith("FOLFIRI"):
        return RegimenChoice(FOLFOX_BEV, ("R18", "D-NEXT-LINE"), (f"progression on {name}: switch to oxaliplatin",))
    return RegimenChoice(MDT_NEXT_LINE, ("R18", "D-NEXT-LINE"), (f"progression on {name}",))
