"""Colorectal regimen tables (R8-R15): by molecular profile, side and oxaliplatin history."""

from __future__ import annotations

from ..course import Case, Regimen, RegimenKind
from ..guards import EVERY, OXALIPLATIN_FAILURE_MONTHS, Verdict, always, guard, negation, num
from ..regimens import RegimenChoice, RegimenRow

FOLFOX = Regimen("FOLFOX", oxaliplatin=True)
FOLFIRI = Regimen("FOLFIRI")
IMMUNOTHERAPY = Regimen("Immunotherapy (pembrolizumab or nivolumab)", kind=RegimenKind.IMMUNOTHERAPY)
FOLFOX_EGFR = Regimen("FOLFOX + anti-EGFR (cetuximab or panitumumab)", oxaliplatin=True)
FOLFIRI_EGFR = Regimen("FOLFIRI + anti-EGFR (cetuximab or panitumumab)")
FOLFOXIRI_BEV = Regimen("FOLFOXIRI + bevacizumab", oxaliplatin=True, bevacizumab=True)
FOLFOX_BEV = Regimen("FOLFOX + bevacizumab", oxaliplatin=True, bevacizumab=True)
FOLFIRI_BEV = Regimen("FOLFIRI + bevacizumab", bevacizumab=True)
MDT_NEXT_LINE = Regimen("Next-line systemic therapy chosen by the MDT")


@guard("dmmr", "dMMR/MSI-H", "R11", reads={"patient.biomarkers.mmr": EVERY})
def dmmr(c: Case) -> Verdict:
    m = c.patient.biomarkers.mmr
    return Verdict(m == "dMMR", (f"{m}: " + ("immunotherapy first" if m == "dMMR" else "chemotherapy"),))


pmmr = negation(dmmr, "pmmr", "pMMR")


@guard(
    "oxaliplatin_failed_within_12",
    "oxaliplatin failed <= 12 months",
    "R12",
    reads={"patient.oxaliplatin_failure_months": (None, 12, 13)},
)
def oxaliplatin_failed(c: Case) -> Verdict:
    months = c.patient.oxaliplatin_failure_months
    if months is None:
        return Verdict(False, ("no recurrence after adjuvant oxaliplatin",))
    within = months <= OXALIPLATIN_FAILURE_MONTHS
    text = f"recurrence {num(months)} months after adjuvant oxaliplatin"
    return Verdict(within, (text + (" (within 12): oxaliplatin failed" if within else " (beyond 12)"),))


@guard(
    "ras_or_braf_mutant",
    "RAS or BRAF mutant",
    "R15",
    reads={"patient.biomarkers.ras": EVERY, "patient.biomarkers.braf": EVERY},
)
def ras_or_braf_mutant(c: Case) -> Verdict:
    b = c.patient.biomarkers
    mutant = [f"{name} mutant" for name, v in (("RAS", b.ras), ("BRAF", b.braf)) if v == "mutant"]
    if mutant:
        return Verdict(True, (" and ".join(mutant),))
    return Verdict(False, ("RAS and BRAF wild-type",))


wild_type = negation(ras_or_braf_mutant, "wild_type", "RAS/BRAF wild-type", "R13", "R14")


@guard("left_sided", "left-sided", "R13", reads={"patient.primary.site": EVERY, "patient.primary.side": EVERY})
def left_sided(c: Case) -> Verdict:
    p = c.patient.primary
    side = "rectum (left-sided)" if p.site == "rectum" else f"{p.side}-sided colon"
    return Verdict(p.left_sided, (side,))


right_sided = negation(left_sided, "right_sided", "right-sided", "R14")

# R11, R12, R9: initially resectable disease, chemotherapy (or immunotherapy) first.
PERIOPERATIVE = (
    RegimenRow((dmmr,), IMMUNOTHERAPY, ("R11", "D-IO-BLOCK")),
    RegimenRow((pmmr, oxaliplatin_failed), FOLFIRI, ("R12",)),
    RegimenRow((pmmr,), FOLFOX, ("R9", "D-NO-EGFR-RESECTABLE")),
)

# R8 (upfront surgery for a small solitary metastasis), with R12 for oxaliplatin failure.
UPFRONT_POSTOPERATIVE = (
    RegimenRow((oxaliplatin_failed,), FOLFIRI, ("R12",)),
    RegimenRow((always,), FOLFOX, ("R8",)),
)

# R11, R13-R15: conversion therapy for initially unresectable disease.
CONVERSION = (
    RegimenRow((dmmr,), IMMUNOTHERAPY, ("R11",)),
    RegimenRow((pmmr, ras_or_braf_mutant), FOLFOXIRI_BEV, ("R15",)),
    RegimenRow((pmmr, wild_type, left_sided, oxaliplatin_failed), FOLFIRI_EGFR, ("R13", "R12", "D-R12-CONVERSION")),
    RegimenRow((pmmr, wild_type, left_sided), FOLFOX_EGFR, ("R13",)),
    RegimenRow((pmmr, wild_type, right_sided), FOLFOXIRI_BEV, ("R14",)),
)

# D-PALLIATIVE-REGIMEN: ECOG 2 gets a doublet by molecular profile, never a triplet.
PALLIATIVE_DOUBLET = (
    RegimenRow((dmmr,), IMMUNOTHERAPY, ("R11",)),
    RegimenRow((wild_type, left_sided, oxaliplatin_failed), FOLFIRI_EGFR, ("R13", "R12", "D-PALLIATIVE-REGIMEN")),
    RegimenRow((wild_type, left_sided), FOLFOX_EGFR, ("R13", "D-PALLIATIVE-REGIMEN")),
    RegimenRow((oxaliplatin_failed,), FOLFIRI_BEV, ("R12", "D-PALLIATIVE-REGIMEN")),
    RegimenRow((always,), FOLFOX_BEV, ("D-PALLIATIVE-REGIMEN",)),
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
