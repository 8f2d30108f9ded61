"""The other primaries' branches: neuroendocrine (R32), breast (R33), gastric (R34), GIST (R35) and
soft-tissue sarcoma (R36). Same states as the colorectal pathway where the phase is the same; their
own guarded roads where the logic differs.

Every road here starts with a scope guard (`primary_is`), so it exists only for its primary. The
roads are spliced into the definition's ordered lists (definition.py says where); within each
primary the ORDER IS CLINICAL SPECIFICATION:
- mdt_review, neuroendocrine: resectable -> anatomic resection (R32, R4) > midgut/pancreatic
  primary in place -> palliative primary resection > selected unresectable -> liver transplant >
  otherwise observation (+ somatostatin analogue for a hormone syndrome).
- mdt_review, breast: systemic therapy first, by receptor status (R33).
- mdt_review, gastric: solitary -> chemotherapy (+ trastuzumab if HER2+) before resection >
  multiple -> systemic therapy only (R34).
- mdt_review, GIST: imatinib first (R35). Sarcoma: resectable -> surgery, no chemotherapy first >
  otherwise palliative care (R36).
- reassessment, neuroendocrine: resectable now > progressing or symptomatic and SSTR-positive after
  liver-directed therapy (or with EHD) -> PRRT > progressing or symptomatic -> TACE/TAE > observe.
- reassessment, breast: progression -> next line > resection if oligometastatic, EHD controlled, not
  progressing > continue. Gastric: progression -> systemic only > still solitary -> resection >
  systemic only. GIST: unifocal progression -> resect it > multifocal progression -> next-line TKI >
  responsive or stable and resectable -> resection > continue imatinib.
"""

from __future__ import annotations

from dataclasses import replace

from . import guards as g
from .course import Case, Regimen
from .guards import Guard, Verdict, _n, _v, guard, negation, primary_is
from .regimens import RegimenRow, choose
from .spec import PERIOPERATIVE_BLOCK, Decision, Plan, Road, const, surgery_plan, to_surgery

NET = primary_is("neuroendocrine")
BREAST = primary_is("breast")
GASTRIC = primary_is("gastric")
GIST = primary_is("gist")
SARCOMA = primary_is("sarcoma")

OLIGOMETASTATIC_MAX = 5  # D-OLIGO: "oligometastatic" taken as at most 5 liver metastases
OTHER_BLOCK = PERIOPERATIVE_BLOCK  # D-OTHER-BLOCK: breast, gastric and GIST reassessed every 3 months
OBSERVATION_INTERVAL = 3.0  # D-NET-OBSERVATION


# --- guards -------------------------------------------------------------------------------------


@guard("functional_syndrome", "hormone syndrome", "R32")
def functional_syndrome(c: Case) -> Verdict:
    f = c.patient.functional_syndrome
    return _v(f, "hormone syndrome (functional tumour)" if f else "no hormone syndrome")


@guard("sstr_positive", "SSTR-positive", "R32")
def sstr_positive(c: Case) -> Verdict:
    s = c.patient.biomarkers.sstr
    return _v(s == "positive", f"somatostatin-receptor imaging {s}")


@guard("midgut_or_pancreas_in_place", "midgut/pancreatic primary in place", "R32")
def midgut_or_pancreas_in_place(c: Case) -> Verdict:
    p = c.patient.primary
    if p.resected:
        return _v(False, "the primary is resected")
    if p.subsite in ("midgut", "pancreas"):
        return _v(True, f"{p.subsite} primary still in place")
    return _v(False, f"primary subsite {p.subsite or 'not stated'}: not midgut or pancreatic")


@guard("transplant_candidate", "selected for transplant", "R32", "D-TRANSPLANT")
def transplant_candidate(c: Case) -> Verdict:
    p = c.patient
    if not p.transplant_candidate:
        return _v(False, "not selected by the MDT for liver transplantation")
    if not p.primary.resected:
        return _v(False, "the primary is still in place")
    if p.extrahepatic != "none":
        return _v(False, f"extrahepatic disease ({p.extrahepatic})")
    return _v(True, "selected by the MDT for liver transplantation: primary resected, liver-only disease")


@guard("net_progressing_or_symptomatic", "progression or symptoms", "R32")
def progressing_or_symptomatic(c: Case) -> Verdict:
    found = []
    if c.course.response == "progression":
        found.append("disease progressed")
    if c.patient.symptoms:
        found.append("symptoms: " + ", ".join(s.replace("_", " ") for s in c.patient.symptoms))
    if found:
        return Verdict(True, tuple(found))
    return _v(False, f"indolent: response {c.course.response}, no symptoms")


@guard("after_liver_directed_or_ehd", "after TACE/TAE or with EHD", "R32", "D-NET-LADDER")
def after_liver_directed_or_ehd(c: Case) -> Verdict:
    if c.course.liver_directed:
        return _v(True, "liver-directed therapy already given")
    if c.patient.extrahepatic != "none":
        return _v(True, "extrahepatic disease: liver-directed therapy alone cannot control it")
    return _v(False, "no liver-directed therapy yet and no extrahepatic disease: TACE/TAE first")


@guard("oligometastatic", "<= 5 metastases", "R33", "D-OLIGO")
def oligometastatic(c: Case) -> Verdict:
    n = c.patient.liver.lesions
    ok = n <= OLIGOMETASTATIC_MAX
    return _v(
        ok,
        f"{n} metastases: liver-limited, oligometastatic"
        if ok
        else f"{n} metastases: more than 5, not oligometastatic",
    )


@guard("ehd_controlled", "EHD controlled", "R33")
def ehd_controlled(c: Case) -> Verdict:
    p = c.patient
    if p.extrahepatic == "none":
        return _v(True, "no extrahepatic disease")
    if p.extrahepatic_site in ("isolated_bone", "solitary_lung"):
        return _v(True, f"extrahepatic disease limited to {p.extrahepatic_site.replace('_', ' ')} (allowed)")
    return _v(False, f"extrahepatic disease ({p.extrahepatic_site or p.extrahepatic}) is not an allowed exception")


# R34 asks the same question as R8 ("one metastasis?"), under its own rule.
solitary = replace(g.single_lesion, name="solitary", label="solitary metastasis", rules=("R34",))


@guard("began_solitary", "treated for a solitary metastasis", "R34")
def began_solitary(c: Case) -> Verdict:
    i = c.course.intent
    return _v(
        i == "perioperative",
        "chemotherapy given before resection of a solitary metastasis"
        if i == "perioperative"
        else "systemic therapy only (multiple metastases at the MDT)",
    )


@guard("responsive_or_stable", "responsive or stable", "R35")
def responsive_or_stable(c: Case) -> Verdict:
    r = c.course.response
    ok = r in ("complete", "partial", "stable")
    return _v(ok, f"response: {r}" + ("" if ok else " (not responsive or stable)"))


@guard("unifocal_progression", "unifocal progression", "R35")
def unifocal_progression(c: Case) -> Verdict:
    if c.course.response != "progression":
        return _v(False, f"response: {c.course.response} (no progression)")
    n = c.course.progressing_lesions
    if n == 1:
        return _v(True, "progression in a single lesion")
    return _v(False, f"progression in {n if n is not None else 'an unstated number of'} lesions: not unifocal")


progression = g.response_is("progression", rules=("R33", "R34", "R35"))
her2_positive = Guard(
    "her2_positive",
    "HER2-positive",
    ("R33", "R34"),
    lambda c: _v(c.patient.biomarkers.her2 == "positive", f"HER2 {c.patient.biomarkers.her2}"),
)
hr_positive = Guard(
    "hr_positive",
    "hormone-receptor-positive",
    ("R33",),
    lambda c: _v(
        c.patient.biomarkers.hormone_receptor == "positive", f"hormone receptor {c.patient.biomarkers.hormone_receptor}"
    ),
)
always = Guard("always", "otherwise", (), lambda c: Verdict(True, ()))
not_solitary = negation(solitary, "not_solitary", "multiple metastases", "R34")

# --- regimens ------------------------------------------------------------------------------------

BREAST_SYSTEMIC = (
    RegimenRow(
        (her2_positive, hr_positive), Regimen("HER2-targeted therapy with endocrine therapy", kind="targeted"), ("R33",)
    ),
    RegimenRow((her2_positive,), Regimen("HER2-targeted therapy with chemotherapy", kind="targeted"), ("R33",)),
    RegimenRow((hr_positive,), Regimen("Endocrine-based therapy", kind="endocrine"), ("R33",)),
    RegimenRow((always,), Regimen("Chemotherapy"), ("R33",)),
)
GASTRIC_SYSTEMIC = (
    RegimenRow((her2_positive,), Regimen("Chemotherapy + trastuzumab"), ("R34",)),
    RegimenRow((always,), Regimen("Chemotherapy"), ("R34",)),
)
IMATINIB = Regimen("Imatinib (tyrosine kinase inhibitor)", kind="targeted")
NEXT_TKI = Regimen("Next-line tyrosine kinase inhibitor", kind="targeted")
SSA = Regimen("Somatostatin analogue (octreotide or lanreotide)", kind="hormonal")
PRRT = Regimen("Peptide receptor radionuclide therapy (PRRT)", kind="radionuclide")
BREAST_NEXT = Regimen("Next-line systemic therapy by receptor status")

# --- outcome figures the sources give (narrated where they apply) ---------------------------------

NET_TACE_RESPONSE = "TACE/TAE: 60-95% symptomatic and 50-90% biochemical response in NET"
GASTRIC_OUTCOME = "resection of a solitary gastric metastasis: 5-year survival 23.8%, median 22 months"
BREAST_WITHOUT_SURGERY = "stage IV breast cancer with liver metastases: median survival 3-15 months without surgery"
BREAST_AFTER_RESECTION = "selected breast liver metastases resected: up to 40% 5-year survival"
SARCOMA_OUTCOME = "sarcoma liver metastasectomy: more than 40% 5-year survival"

# --- plans ---------------------------------------------------------------------------------------


def _systemic(
    category: str,
    intent: str,
    regimen: Regimen,
    reasons: tuple[str, ...],
    rules: tuple[str, ...],
    block: float = OTHER_BLOCK,
) -> Plan:
    return Plan(
        Decision(category, intent, regimen.name, None),
        reasons=reasons,
        rules=rules,
        course={"intent": intent, "regimen": regimen, "block_months": block, "systemic_months": 0.0},
    )


def plan_net_resection(c: Case) -> Plan:
    return surgery_plan(
        c,
        "resectable",
        "anatomic liver resection",
        reasons=("anatomic resection recurs less often than metastasectomy",),
        course={"intent": "curative", "regimen": None},
    )


def plan_net_primary(c: Case) -> Plan:
    subsite = c.patient.primary.subsite
    return Plan(
        Decision("unresectable-net", "palliative", None, f"palliative resection of the {subsite} primary"),
        reasons=("removing the primary improves overall survival in unresectable midgut or pancreatic NET",),
        patient={"primary": {"resected": True, "symptomatic": False}},
    )


def plan_net_transplant(c: Case) -> Plan:
    return surgery_plan(
        c,
        "unresectable-net",
        "liver transplantation (selected unresectable NET)",
        course={"intent": "curative", "regimen": None},
    )


def plan_net_observation(c: Case) -> Plan:
    p = c.patient
    regimen = SSA if p.functional_syndrome else None
    reasons = ["indolent, unresectable neuroendocrine disease: observation"]
    if regimen:
        reasons.append("hormone syndrome: a somatostatin analogue controls the symptoms")
    return Plan(
        Decision("unresectable-net", "observation", regimen.name if regimen else None, "imaging every 3 months"),
        reasons=tuple(reasons),
        rules=("D-NET-OBSERVATION",),
        course={"intent": "observation", "regimen": regimen, "block_months": OBSERVATION_INTERVAL},
    )


def plan_net_prrt(c: Case) -> Plan:
    return Plan(
        Decision("progressive-net", "palliative", PRRT.name, None),
        reasons=("somatostatin receptors take up the radionuclide: treats liver and extrahepatic disease",),
        course={"intent": "palliative", "regimen": PRRT, "block_months": OBSERVATION_INTERVAL},
    )


def plan_net_tace(c: Case) -> Plan:
    regimen = c.course.regimen
    return Plan(
        Decision(
            "progressive-net",
            "palliative",
            regimen.name if regimen else None,
            "TACE/TAE (transarterial chemo- or bland embolization)",
        ),
        reasons=(NET_TACE_RESPONSE,),
        course={"intent": "palliative", "liver_directed": True, "block_months": OBSERVATION_INTERVAL},
        patient={"symptoms": []},
    )


def plan_net_observe_on(c: Case) -> Plan:
    regimen = c.course.regimen
    return Plan(
        Decision("indolent-net", "observation", regimen.name if regimen else None, "imaging every 3 months"),
        reasons=("no progression and no symptoms: observation continues",),
        rules=("D-NET-OBSERVATION",),
        course={"intent": "observation", "block_months": OBSERVATION_INTERVAL},
    )


def plan_breast_first(c: Case) -> Plan:
    chosen = choose(BREAST_SYSTEMIC, c)
    return _systemic(
        "breast-systemic-first",
        "systemic-first",
        chosen.regimen,
        (
            *chosen.reasons,
            "in breast cancer systemic therapy comes first; surgery is adjuvant to it",
            BREAST_WITHOUT_SURGERY,
        ),
        ("D-OTHER-BLOCK", *chosen.rules),
    )


def plan_breast_next(c: Case) -> Plan:
    return _systemic("progression", "palliative", BREAST_NEXT, ("progression: no resection",), ("D-OTHER-BLOCK",))


def plan_breast_resection(c: Case) -> Plan:
    return surgery_plan(
        c, "resectable", "liver resection", reasons=(BREAST_AFTER_RESECTION,), course={"intent": "curative"}
    )


def plan_breast_continue(c: Case) -> Plan:
    regimen = c.course.regimen
    return Plan(
        Decision("breast-systemic", c.course.intent, regimen.name if regimen else None, None),
        reasons=("not a candidate for resection now: systemic therapy continues",),
        rules=("D-OTHER-BLOCK",),
        course={"block_months": OTHER_BLOCK},
    )


def plan_gastric_solitary(c: Case) -> Plan:
    chosen = choose(GASTRIC_SYSTEMIC, c)
    return _systemic(
        "solitary-gastric",
        "perioperative",
        chosen.regimen,
        (*chosen.reasons, "chemotherapy first, then resection if still solitary and not progressing"),
        ("D-OTHER-BLOCK", *chosen.rules),
    )


def plan_gastric_systemic_only(c: Case) -> Plan:
    chosen = choose(GASTRIC_SYSTEMIC, c)
    return _systemic(
        "gastric-systemic",
        "palliative",
        chosen.regimen,
        (*chosen.reasons, "systemic therapy only; surgery is rarely indicated"),
        ("D-OTHER-BLOCK", *chosen.rules),
    )


def plan_gastric_resection(c: Case) -> Plan:
    return surgery_plan(
        c,
        "solitary-gastric",
        "resection of the solitary liver metastasis",
        reasons=(GASTRIC_OUTCOME,),
        course={"intent": "curative"},
    )


def plan_gastric_continue(c: Case) -> Plan:
    regimen = c.course.regimen
    return Plan(
        Decision("gastric-systemic", "palliative", regimen.name if regimen else None, None),
        reasons=("not (or no longer) a solitary metastasis fit for resection: systemic therapy only",),
        rules=("D-OTHER-BLOCK",),
        course={"intent": "palliative", "block_months": OTHER_BLOCK},
    )


def plan_imatinib(c: Case) -> Plan:
    return _systemic(
        "gist", "neoadjuvant", IMATINIB, ("a tyrosine kinase inhibitor first, then reassess",), ("D-OTHER-BLOCK",)
    )


def plan_gist_unifocal(c: Case) -> Plan:
    return surgery_plan(
        c,
        "gist-unifocal-progression",
        "resection of the progressing lesion",
        reasons=("imatinib continues for the responding disease",),
        course={"intent": "curative"},
    )


def plan_gist_next(c: Case) -> Plan:
    return _systemic(
        "gist-progression",
        "palliative",
        NEXT_TKI,
        ("multifocal progression on imatinib: the next tyrosine kinase inhibitor",),
        ("D-OTHER-BLOCK",),
    )


def plan_gist_resection(c: Case) -> Plan:
    return surgery_plan(
        c,
        "gist-responsive",
        "metastatectomy (liver resection)",
        reasons=("resect while responsive or stable; the TKI continues after surgery",),
        course={"intent": "curative"},
    )


def plan_gist_continue(c: Case) -> Plan:
    regimen = c.course.regimen
    return Plan(
        Decision("gist-tki", c.course.intent, regimen.name if regimen else None, None),
        reasons=("not resectable yet: the TKI continues",),
        rules=("D-OTHER-BLOCK",),
        course={"block_months": OTHER_BLOCK},
    )


def plan_sarcoma_resection(c: Case) -> Plan:
    return surgery_plan(
        c,
        "resectable",
        "liver metastasectomy",
        reasons=("no chemotherapy first: it is ineffective for sarcoma liver metastases", SARCOMA_OUTCOME),
        course={"intent": "curative", "regimen": None},
    )


def plan_sarcoma_palliative(c: Case) -> Plan:
    return Plan(
        Decision("unresectable-sarcoma", "supportive", None, "palliative care"),
        reasons=("chemotherapy is ineffective for sarcoma liver metastases: palliative care",),
    )


def plan_observation_done(c: Case) -> Plan:
    return Plan(
        Decision("restaging", "observation", None, "CT/MRI restaging"),
        reasons=(f"after {_n(c.course.block_months)} months of observation",),
        rules=("D-NET-OBSERVATION",),
    )


# --- roads, by source state (spliced into the definition's ordered lists) --------------------------

_R = Road
_SURGERY = const(1.0, "D-CLOCK")
RESECTABLE = g.RESECTABLE_AT_PRESENTATION
NOW = g.RESECTABLE_NOW

MDT_ROADS = (
    _R(
        "net_anatomic_resection",
        "mdt_review",
        "surgery",
        (NET, *RESECTABLE),
        ("R32", "R4"),
        plan_net_resection,
        _SURGERY,
    ),
    _R(
        "net_palliative_primary_resection",
        "mdt_review",
        "primary_resection",
        (NET, midgut_or_pancreas_in_place),
        ("R32",),
        plan_net_primary,
    ),
    _R(
        "net_liver_transplant",
        "mdt_review",
        "surgery",
        (NET, transplant_candidate),
        ("R32", "D-TRANSPLANT"),
        plan_net_transplant,
        _SURGERY,
    ),
    _R("net_observation", "mdt_review", "observation", (NET,), ("R32",), plan_net_observation),
    _R("breast_systemic_first", "mdt_review", "neoadjuvant", (BREAST,), ("R33",), plan_breast_first),
    _R(
        "gastric_solitary_chemotherapy",
        "mdt_review",
        "neoadjuvant",
        (GASTRIC, solitary),
        ("R34",),
        plan_gastric_solitary,
    ),
    _R("gastric_systemic_only", "mdt_review", "palliative_systemic", (GASTRIC,), ("R34",), plan_gastric_systemic_only),
    _R("gist_imatinib_first", "mdt_review", "neoadjuvant", (GIST,), ("R35",), plan_imatinib),
    _R(
        "sarcoma_resection",
        "mdt_review",
        "surgery",
        (SARCOMA, *RESECTABLE),
        ("R36", "R4"),
        plan_sarcoma_resection,
        _SURGERY,
    ),
    _R("sarcoma_palliative_care", "mdt_review", "best_supportive_care", (SARCOMA,), ("R36",), plan_sarcoma_palliative),
)

# Reassessment roads that come before the generic `continue_palliative_line`.
REASSESSMENT_FIRST = (
    _R("net_resection_now", "reassessment", "surgery", (NET, *NOW), ("R32", "R4"), plan_net_resection, to_surgery),
    _R(
        "net_prrt",
        "reassessment",
        "palliative_systemic",
        (NET, progressing_or_symptomatic, sstr_positive, after_liver_directed_or_ehd),
        ("R32",),
        plan_net_prrt,
    ),
    _R("net_tace", "reassessment", "locoregional", (NET, progressing_or_symptomatic), ("R32", "R28"), plan_net_tace),
    _R("net_observe_on", "reassessment", "observation", (NET,), ("R32",), plan_net_observe_on),
    _R("breast_next_line", "reassessment", "palliative_systemic", (BREAST, progression), ("R33",), plan_breast_next),
    _R(
        "breast_resection",
        "reassessment",
        "surgery",
        (
            BREAST,
            g.no_progression,
            oligometastatic,
            ehd_controlled,
            g.r0_achievable,
            g.flr_at_least_30,
            g.ecog_0_1,
            g.fit_and_willing,
        ),
        ("R33", "R4"),
        plan_breast_resection,
        to_surgery,
    ),
    _R(
        "gastric_progression",
        "reassessment",
        "palliative_systemic",
        (GASTRIC, progression),
        ("R34",),
        plan_gastric_systemic_only,
    ),
    _R(
        "gastric_resection",
        "reassessment",
        "surgery",
        (GASTRIC, began_solitary, solitary, *NOW),
        ("R34", "R4"),
        plan_gastric_resection,
        to_surgery,
    ),
    _R(
        "gastric_systemic_continues", "reassessment", "palliative_systemic", (GASTRIC,), ("R34",), plan_gastric_continue
    ),
    _R(
        "gist_unifocal_progression",
        "reassessment",
        "surgery",
        (GIST, unifocal_progression, *g.OPERABLE),
        ("R35", "R4"),
        plan_gist_unifocal,
        to_surgery,
    ),
    _R("gist_next_line", "reassessment", "palliative_systemic", (GIST, progression), ("R35",), plan_gist_next),
    _R(
        "gist_resection",
        "reassessment",
        "surgery",
        (GIST, responsive_or_stable, g.r0_achievable, g.at_most_10_lesions, g.flr_at_least_30, *g.OPERABLE),
        ("R35", "R4"),
        plan_gist_resection,
        to_surgery,
    ),
)

# Reassessment roads that come after the generic `continue_palliative_line`.
REASSESSMENT_LAST = (
    _R("breast_systemic_continues", "reassessment", "neoadjuvant", (BREAST,), ("R33",), plan_breast_continue),
    _R("gist_tki_continues", "reassessment", "neoadjuvant", (GIST,), ("R35",), plan_gist_continue),
)

OBSERVATION_ROADS = (
    _R(
        "observation_interval_done",
        "observation",
        "reassessment",
        (),
        ("R32", "D-NET-OBSERVATION"),
        plan_observation_done,
    ),
)

LABELS = {
    "net_anatomic_resection": "resectable",
    "net_palliative_primary_resection": "midgut/pancreatic primary in place",
    "net_liver_transplant": "selected for transplant",
    "net_observation": "unresectable, indolent",
    "breast_systemic_first": "systemic therapy first",
    "gastric_solitary_chemotherapy": "solitary metastasis",
    "gastric_systemic_only": "multiple metastases",
    "gist_imatinib_first": "imatinib first",
    "sarcoma_resection": "resectable",
    "sarcoma_palliative_care": "unresectable",
    "net_resection_now": "resectable now",
    "net_prrt": "progressing, SSTR+, after TACE or EHD",
    "net_tace": "progressing or symptomatic",
    "net_observe_on": "indolent",
    "breast_next_line": "progression",
    "breast_resection": "≤ 5, EHD controlled, not progressing",
    "gastric_progression": "progression",
    "gastric_resection": "still solitary, resectable",
    "gastric_systemic_continues": "otherwise",
    "gist_unifocal_progression": "unifocal progression",
    "gist_next_line": "multifocal progression",
    "gist_resection": "responsive or stable, resectable",
    "breast_systemic_continues": "not resectable yet",
    "gist_tki_continues": "not resectable yet",
    "observation_interval_done": "after 3 months",
}
