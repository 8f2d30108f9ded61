"""Random valid patients of every primary, and a random source of valid findings (seeded)."""

from __future__ import annotations

import random
from typing import Any

from pathway import definition as d
from pathway.course import Case, Finding, Margin, Recurrence, Response
from pathway.patient import Patient, build
from pathway.schema import GENOTYPE, STATUS, SYMPTOMS


def _liver(rng: random.Random, partial: bool = False) -> dict[str, Any]:
    lesions = rng.choice((1, 1, 2, 3, 4, 5, 6, 9, 10, 11, 14))
    liver: dict[str, Any] = {
        "lesions": lesions,
        "largest_cm": rng.choice((0.8, 1.9, 2.0, 3.0, 4.0, 4.1, 6.5)),
        "bilobar": lesions > 1 and rng.random() < 0.5,
        "flr_percent": rng.choice((18.0, 24.0, 29.9, 30.0, 35.0, 60.0)),
        "r0_achievable": rng.random() < 0.6,
    }
    if rng.random() < 0.15:
        liver["perivascular"] = True
    if rng.random() < 0.2:
        liver["ablation"] = {"largest_cm": rng.choice((2.5, 3.9, 4.0)), "flr_percent": rng.choice((29.9, 32.0))}
    if partial:
        keep = rng.sample(sorted(liver), rng.randint(1, len(liver)))
        liver = {k: liver[k] for k in keep}
        if liver.get("lesions") == 1:
            liver["bilobar"] = False
    return liver


def random_patient(rng: random.Random, site: str | None = None) -> Patient:
    site = site or rng.choice((*d.SITES, "unknown"))
    primary: dict[str, Any] = {
        "site": site,
        "resected": rng.random() < 0.7,
        "symptomatic": rng.random() < 0.1,
        "node_positive": rng.random() < 0.4,
    }
    if site == "colon":
        primary["side"] = rng.choice(("left", "right"))
    if site == "neuroendocrine":
        primary["subsite"] = rng.choice((None, "midgut", "pancreas", "other"))
    extrahepatic = rng.choice(("none", "none", "none", "resectable", "unresectable"))
    data: dict[str, Any] = {
        "age": rng.randint(18, 110),
        "sex": rng.choice(("female", "male")),
        "ecog": rng.choice((0, 0, 1, 1, 2, 3, 4)),
        "primary": primary,
        "presentation": rng.choice(("synchronous", "metachronous")),
        "biomarkers": {
            "mmr": rng.choice(("pMMR", "pMMR", "dMMR", "unknown")),
            "ras": rng.choice(GENOTYPE),
            "braf": rng.choice(GENOTYPE),
            "her2": rng.choice(STATUS),
            "hormone_receptor": rng.choice(STATUS),
            "sstr": rng.choice(STATUS),
        },
        "cea_ng_ml": rng.choice((None, 5.0, 200.0, 200.1, 900.0)),
        "liver": _liver(rng),
        "extrahepatic": extrahepatic,
        "oxaliplatin_failure_months": rng.choice((None, None, 6.0, 12.0, 13.0, 30.0)),
        "fit_for_surgery": rng.random() < 0.85,
        "refuses_surgery": rng.random() < 0.05,
        "symptoms": rng.sample(SYMPTOMS, rng.choice((0, 0, 0, 1, 2))),
        "functional_syndrome": rng.random() < 0.3,
        "transplant_candidate": rng.random() < 0.1,
        "grade": rng.choice((None, "G1", "G2", "G3")),
    }
    if extrahepatic != "none":
        data["extrahepatic_site"] = rng.choice(("isolated_bone", "solitary_lung", "other"))
    return build(Patient, data)


class RandomFindings:
    """Valid findings drawn at each state that asks, up to `limit` of them (then nothing more)."""

    def __init__(self, rng: random.Random, limit: int = 30) -> None:
        self.rng = rng
        self.limit = limit
        self.drawn = 0

    def next_finding(self, state: str, case: Case) -> Finding | None:
        if self.drawn >= self.limit:
            return None
        self.drawn += 1
        rng, where = self.rng, f"draw[{self.drawn}]"
        if state == "staging":
            patient: dict[str, Any] = {"biomarkers": {"mmr": "pMMR", "ras": "wild-type", "braf": "wild-type"}}
            patient["biomarkers"] |= {"her2": "negative", "hormone_receptor": "positive"}
            if case.patient.primary.site == "unknown":
                site = rng.choice(d.SITES)
                patient["primary"] = {"site": site, **({"side": "left"} if site == "colon" else {})}
            return Finding("staging", patient=patient, origin=where)
        if state == "reassessment":
            response = rng.choice(tuple(Response))
            update: dict[str, Any] = {}
            if rng.random() < 0.5:
                update["liver"] = _liver(rng, partial=True)
            if rng.random() < 0.15:
                update["symptoms"] = rng.sample(SYMPTOMS, 1)
            if rng.random() < 0.1:
                update["ecog"] = rng.choice((1, 2, 3))
            lesions = rng.choice((1, 2)) if response == Response.PROGRESSION and rng.random() < 0.5 else None
            return Finding("reassessment", response=response, progressing_lesions=lesions, patient=update, origin=where)
        if state == "liver_augmentation":
            restaged: Response | None = rng.choice((None, Response.STABLE, Response.PROGRESSION))
            flr = rng.choice((25.0, 29.9, 30.0, 40.0))
            return Finding(
                "liver_augmentation", response=restaged, patient={"liver": {"flr_percent": flr}}, origin=where
            )
        if state == "surgery":
            return Finding("surgery", margin=rng.choice((Margin.R0, Margin.R0, Margin.R1, Margin.R2)), origin=where)
        if state == "surveillance":
            recurrence = rng.choice(tuple(Recurrence))
            liver = _liver(rng) if recurrence == Recurrence.LIVER_ONLY else None
            return Finding(
                "surveillance", recurrence=recurrence, patient={"liver": liver} if liver else {}, origin=where
            )
        raise AssertionError(f"no finding is read at {state}")

    def leftover(self) -> list[Finding]:
        return []
