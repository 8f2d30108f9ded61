"""Colorectal regimen tables (R8-R15): by molecular profile, side and oxaliplatin history."""

from __future__ import annotations

from ..course import Case, Regimen, RegimenKind
from ..guards import EVERY, OXALIPLATIN_FAILURE_MONTHS, Verdict, always, guard, negation, num
from ..regimens import RegimenChoice, RegimenRow

FOLFOX = Regimen("FOLFOX", oxaliplatin=True)
FOLFIRI = Regimen("FOLFIRI")
IMMUNOTHERAPY = Regimen("Immunotherapy (pembrolizumab or nivolumab)", kind=RegimenKind.IMMUNOTHERAPY)
FOLFOX_EGFR = Regimen("FOLFOX + anti-EGFR (cetuximab or panitumumab)", oxaliplatin=True, anti_egfr=True)
FOLFIRI_EGFR = Regimen("FOLFIRI + anti-EGFR (cetuximab or panitumumab)", anti_egfr=True)
FOLFOXIRI_BEV = Regimen("FOLFOXIRI + bevacizumab", oxaliplatin=True, bevacizumab=True)
FOLFOX_BEV = Regimen("FOLFOX + bevacizumab", oxaliplatin=True, bevacizumab=True)
FOLFIRI_BEV = Regimen("FOLFIRI + bevacizumab", bevacizumab=True)
MDT_NEXT_LINE = Regimen("Next-line systemic therapy chosen by the MDT")


@guard(
    "dmmr",
    "dMMR/MSI-H",
    "R11",
    reads={"patient.biomarkers.mmr": EVERY},
    fast=lambda c: c.patient.biomarkers.mmr == "dMMR",
)
def dmmr(c: Case) -> Verdict:
    m = c.patient.biomarkers.mmr
    return Verdict(m == "dMMR", (f"{m}: " + ("immunotherapy first" if m == "dMMR" else "chemotherapy"),))


pmmr = negation(dmmr, "pmmr", "pMMR")


@guard(
    "oxaliplatin_failed_within_12",
    "oxaliplatin failed <= 12 months",
    "R12",
    reads={"patient.oxaliplatin_failure_months": (None, 12, 13)},
    fast=lambda c: (m := c.patient.oxaliplatin_failure_months) is not None and m <= OXALIPLATIN_FAILURE_MONTHS,
)
def oxaliplatin_failed(c: Case) -> Verdict:
    months = c.patient.oxaliplatin_failure_months
    if months is None:
        return Verdict(False, ("no recurrence after adjuvant oxaliplatin",))
    within = months <= OXALIPLATIN_FAILURE_MONTHS
    text = f"{num(months)} months since the last oxaliplatin"
    return Verdict(within, (text + (" (within 12): oxaliplatin failed" if within else " (beyond 12)"),))


@guard(
    "anti_egfr_failed_within_12",
    "anti-EGFR failed <= 12 months",
    "R13b",
    reads={"patient.anti_egfr_failure_months": (None, 12, 13)},
    fast=lambda c: (m := c.patient.anti_egfr_failure_months) is not None and m <= OXALIPLATIN_FAILURE_MONTHS,
)
def anti_egfr_failed(c: Case) -> Verdict:
    months = c.patient.anti_egfr_failure_months
    if months is None:
        return Verdict(False, ("no recurrence after an anti-EGFR antibody",))
    within = months <= OXALIPLATIN_FAILURE_MONTHS
    text = f"{num(months)} months since the last anti-EGFR antibody"
    return Verdict(within, (text + (" (within 12): bevacizumab instead" if within else " (beyond 12)"),))


@guard(
    "failed_on_oxaliplatin",
    "recurred on oxaliplatin",
    "D-NEXT-LINE",
    reads={"course.failed_line": EVERY},
    fast=lambda c: c.course.failed_line is not None and c.course.failed_line.oxaliplatin,
)
def failed_on_oxaliplatin(c: Case) -> Verdict:
    line = c.course.failed_line
    ok = line is not None and line.oxaliplatin
    return Verdict(
        ok, (f"the last line ({line.name}) held oxaliplatin" if ok and line else "the last line held no oxaliplatin",)
    )


@guard(
    "ras_or_braf_mutant",
    "RAS or BRAF mutant",
    "R15",
    reads={"patient.biomarkers.ras": EVERY, "patient.biomarkers.braf": EVERY},
    fast=lambda c: c.patient.biomarkers.ras == "mutant" or c.patient.biomarkers.braf == "mutant",
)
def ras_or_braf_mutant(c: Case) -> Verdict:
    b = c.patient.biomarkers
    mutant = [f"{name} mutant" for name, v in (("RAS", b.ras), ("BRAF", b.braf)) if v == "mutant"]
    if mutant:
        return Verdict(True, (" and ".join(mutant),))
    return Verdict(False, ("RAS and BRAF wild-type",))


wild_type = negation(ras_or_braf_mutant, "wild_type", "RAS/BRAF wild-type", "R13", "R14")


@guard(
    "left_sided",
    "left-sided",
    "R13",
    reads={"patient.primary.site": EVERY, "patient.primary.side": EVERY},
    fast=lambda c: c.patient.primary.left_sided,
)
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

# R13b: after an anti-EGFR antibody failed within 12 months, bevacizumab instead, the backbone
# switched (D-NEXT-LINE); no oxaliplatin within 12 months of its failure (R12b): then the MDT chooses.
AFTER_ANTI_EGFR = (
    RegimenRow(
        (pmmr, wild_type, left_sided, anti_egfr_failed, failed_on_oxaliplatin), FOLFIRI_BEV, ("R13b", "D-NEXT-LINE")
    ),
    RegimenRow((pmmr, wild_type, left_sided, anti_egfr_failed, oxaliplatin_failed), MDT_NEXT_LINE, ("R13b", "R12b")),
    RegimenRow((pmmr, wild_type, left_sided, anti_egfr_failed), FOLFOX_BEV, ("R13b", "D-NEXT-LINE")),
)

# R11, R13-R15: conversion therapy for initially unresectable disease; R12b: no oxaliplatin within
# 12 months of its failure, triplets included.
CONVERSION = (
    RegimenRow((dmmr,), IMMUNOTHERAPY, ("R11",)),
    RegimenRow((pmmr, ras_or_braf_mutant, oxaliplatin_failed), FOLFIRI_BEV, ("R15", "R12", "R12b")),
    RegimenRow((pmmr, ras_or_braf_mutant), FOLFOXIRI_BEV, ("R15",)),
    *AFTER_ANTI_EGFR,
    RegimenRow((pmmr, wild_type, left_sided, oxaliplatin_failed), FOLFIRI_EGFR, ("R13", "R12", "R12b")),
    RegimenRow((pmmr, wild_type, left_sided), FOLFOX_EGFR, ("R13",), also=(FOLFIRI_EGFR,)),
    RegimenRow((pmmr, wild_type, right_sided, oxaliplatin_failed), FOLFIRI_BEV, ("R14", "R12", "R12b")),
    RegimenRow((pmmr, wild_type, right_sided), FOLFOXIRI_BEV, ("R14",)),
)

# D-PALLIATIVE-REGIMEN: ECOG 2 gets a doublet by molecular profile, never a triplet.
PALLIATIVE_DOUBLET = (
    RegimenRow((dmmr,), IMMUNOTHERAPY, ("R11",)),
    *AFTER_ANTI_EGFR,
    RegimenRow((wild_type, left_sided, oxaliplatin_failed), FOLFIRI_EGFR, ("R13", "R12", "D-PALLIATIVE-REGIMEN")),
    RegimenRow((wild_type, left_sided), FOLFOX_EGFR, ("R13", "D-PALLIATIVE-REGIMEN"), also=(FOLFIRI_EGFR,)),
    RegimenRow((oxaliplatin_failed,), FOLFIRI_BEV, ("R12", "D-PALLIATIVE-REGIMEN")),
    RegimenRow((always,), FOLFOX_BEV, ("D-PALLIATIVE-REGIMEN",)),
)


def next_line(current: Regimen | None, oxaliplatin_months: float | None = None) -> RegimenChoice:
    """D-NEXT-LINE: after progression, switch the chemotherapy backbone (R18). R13b: an anti-EGFR
    antibody gives way to bevacizumab. R12b: no oxaliplatin within 12 months of the last dose."""
    rules: tuple[str, ...] = ("R18", "D-NEXT-LINE")
    if current is None:
        return RegimenChoice(MDT_NEXT_LINE, rules, ("no earlier line recorded",))
    name = current.name
    egfr = ("R13b",) if current.anti_egfr else ()
    biologic = ", bevacizumab instead of the anti-EGFR antibody" if current.anti_egfr else ""
    if current.kind == "chemotherapy" and name.startswith("FOLFOX") and not name.startswith("FOLFOXIRI"):
        why = f"progression on {name}: switch to irinotecan{biologic}"
        return RegimenChoice(FOLFIRI_BEV, (*rules, *egfr), (why,))
    if current.kind == "chemotherapy" and name.startswith("FOLFIRI"):
        if oxaliplatin_months is not None and oxaliplatin_months <= OXALIPLATIN_FAILURE_MONTHS:
            why = f"progression on {name}, at most 12 months after oxaliplatin: no oxaliplatin again (R12b)"
            return RegimenChoice(MDT_NEXT_LINE, (*rules, "R12", "R12b", *egfr), (why,))
        why = f"progression on {name}: switch to oxaliplatin{biologic}"
        return RegimenChoice(FOLFOX_BEV, (*rules, *egfr), (why,))
    if name.startswith("FOLFOXIRI"):
        why = f"progression on {name}: oxaliplatin and irinotecan both given, the MDT chooses the next line"
        if oxaliplatin_months is not None and oxaliplatin_months <= OXALIPLATIN_FAILURE_MONTHS:
            return RegimenChoice(MDT_NEXT_LINE, (*rules, "R12", "R12b"), (f"{why}, without oxaliplatin (R12b)",))
        return RegimenChoice(MDT_NEXT_LINE, rules, (why,))
    return RegimenChoice(MDT_NEXT_LINE, rules, (f"progression on {name}",))
