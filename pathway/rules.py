"""The rule book as data: every R-number of PATHWAY.md, and every choice we made where it is silent.

A rule has an id, a one-line summary in our own words and the sources it rests on. Rules whose
id starts with ``D`` (and R12b, R13b, R38, which the rule book marks so) are *derived*: the sources
are silent and the choice is ours; the replay says so every time one is used.

A rule's scope says whose steps may cite it (R43): a colorectal rule (R6-R31 but R23 and R28, the
colorectal regimens and clock) is never cited for another primary, and a rule written for the
other primaries is never cited for a colorectal patient. Sources have a scope too: the two
colorectal-only sources (S3, S4) are not cited for another primary's steps.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(eq=False, repr=False)
class Rule:
    """A rule of the rule book, or a choice of ours where it is silent (derived)."""

    id: str
    summary: str
    sources: tuple[str, ...]
    derived: bool = False
    scope: str | None = None  # COLORECTAL, OTHER, or None: every primary

    def cited_for(self, scope: str) -> bool:
        """Whether a step of a pathway whose rule scope is `scope` may cite this rule (R43)."""
        return self.scope is None or self.scope == scope


COLORECTAL = "colorectal"  # the rule book's colorectal rules
OTHER = "other"  # rules written for the other primaries


def rule(rid: str, summary: str, *sources: str, derived: bool = False) -> Rule:
    return Rule(rid, summary, tuple(sources), derived)


_ALL = (
    # Staging and MDT
    rule("R1", "HPB multidisciplinary review before any chemotherapy; the surgeon sees every lesion first", "S1", "S0"),
    rule(
        "R2",
        "Unknown primary: find it (colonoscopy, upper endoscopy); never biopsy a possibly resectable colorectal metastasis",
        "S0",
        "S1",
    ),
    rule(
        "R3",
        "Workup (ECOG, CT, PET-CT, volumetry, CEA) and biomarkers before systemic therapy: RAS, BRAF, MMR for colorectal",
        "S2",
        "S0",
        "S4",
    ),
    # Resectability
    rule(
        "R4",
        "Resectable only if R0 is achievable, <= 10 metastases, FLR >= 30%, ECOG 0-1, fit and willing, no progression, no unresectable extrahepatic disease",
        "S0",
        "S1",
    ),
    rule(
        "R5",
        "A margin of >= 1 mm is R0; R1 continues the planned chemotherapy; R2 returns to the MDT (derived)",
        "S2",
        "S3",
    ),
    rule("R6", "At presentation, > 10 nodules, FLR < 30% or no R0 resection means initially unresectable", "S0"),
    rule("R7", "Never operate first on multifocal disease (> 5 metastases or bilobar)", "S0"),
    # Resectable colorectal disease
    rule("R8", "A single metastasis under 2 cm goes to upfront surgery, then 6 months of FOLFOX", "S3"),
    rule("R9", "Other resectable pMMR disease: perioperative FOLFOX, 3 months before and 3 after surgery", "S3", "S1"),
    rule(
        "R10",
        "High-risk features (> 5 metastases, bilobar, synchronous, node-positive, CEA > 200, resectable extrahepatic disease) make chemotherapy first mandatory",
        "S1",
        "S0",
    ),
    rule("R11", "dMMR/MSI-H: immunotherapy (pembrolizumab or nivolumab) before surgery or ablation", "S3", "S0"),
    rule("R12", "Recurrence within 12 months of adjuvant oxaliplatin: FOLFIRI instead of FOLFOX", "S3"),
    rule(
        "R12b",
        "Within 12 months of oxaliplatin no oxaliplatin-containing regimen at all: FOLFOXIRI (+ bevacizumab) becomes FOLFIRI + bevacizumab, FOLFOX + anti-EGFR becomes FOLFIRI + anti-EGFR",
        derived=True,
    ),
    # Conversion therapy
    rule(
        "R13",
        "RAS/BRAF wild-type, left-sided: FOLFOX or FOLFIRI with an anti-EGFR antibody (doublet preferred)",
        "S0",
        "S1",
        "S3",
    ),
    rule(
        "R13b",
        "After progression or recurrence within 12 months of an anti-EGFR antibody, the next line takes bevacizumab instead (backbone switched as D-NEXT-LINE says)",
        derived=True,
    ),
    rule("R14", "RAS/BRAF wild-type, right-sided: FOLFOXIRI, bevacizumab preferred over anti-EGFR", "S3", "S0", "S1"),
    rule("R15", "RAS or BRAF mutant: FOLFOXIRI with bevacizumab", "S0", "S1", "S3"),
    rule(
        "R16",
        "Conversion therapy in 2-month blocks, reassessed every 2 months by CT/MRI (RECIST 1.1)",
        "S0",
        "S3",
        "S4",
    ),
    # Reassessment
    rule(
        "R17",
        "Resectable now: operate, then the same regimen to 6 months in total; missing this is treatment inertia",
        "S0",
        "S3",
        "S4",
    ),
    rule(
        "R18",
        "Progression on chemotherapy: no resection; next systemic line, with liver-directed therapy if needed",
        "S3",
        "S4",
    ),
    rule(
        "R19",
        "Complete radiological response: resect the original sites without waiting; viable tumour often remains",
        "S3",
        "S1",
    ),
    rule(
        "R20",
        "R0 achievable but FLR < 30%, one lobe: portal vein embolization, then re-measure the remnant",
        "S0",
        "S1",
        "S2",
    ),
    rule(
        "R21",
        "R0 achievable but FLR < 30%, bilobar: two-stage hepatectomy with PVE between the stages",
        "S0",
        "S1",
        "S2",
    ),
    rule(
        "R22",
        "Small residual lesions (< 4 cm, best <= 3 cm, not perivascular) where resection would cost the remnant: resection plus ablation",
        "S0",
        "S1",
    ),
    rule(
        "R23",
        "RFA as primary treatment: <= 9 metastases, each <= 4 cm, no extrahepatic disease, patient unfit for or refusing surgery",
        "S0",
        "S1",
    ),
    rule(
        "R24",
        "Bevacizumab stops >= 6 weeks before any operation and resumes no earlier than 6 weeks after it (primary, liver, each stage)",
        "S0",
    ),
    rule("R25", "Symptomatic primary (bleeding, obstruction, perforation): resect the primary first", "S3"),
    rule(
        "R26",
        "Asymptomatic primary: simultaneous resection only for small accessible metastases; otherwise liver first",
        "S3",
    ),
    rule(
        "R27",
        "Rectal primary with high liver burden: liver first after chemotherapy; pelvic radiotherapy if the stage calls for it",
        "S3",
        "S2",
    ),
    rule(
        "R28",
        "Unresectable after optimal chemotherapy: TACE, RFA (per R23) or SIRT/TARE for local control, not cure",
        "S0",
        "S4",
    ),
    rule(
        "R29", "Severe symptoms (biliary obstruction, intractable pain, sharp decline) call for urgent MDT review", "S4"
    ),
    rule(
        "R30",
        "Surveillance: CT chest/abdomen/pelvis every 3-6 months for 2 years with CEA; then 6-monthly to 5 years (derived)",
        "S0",
    ),
    rule(
        "R31",
        "Recurrence: liver-only and resectable goes back to MDT for re-resection; otherwise the MDT decides",
        "S0",
        "S1",
        "S3",
    ),
    # Other primaries (rule book entries; pathway branches come with their own issue)
    rule(
        "R32",
        "Neuroendocrine: resect if resectable; otherwise observe, SSA for syndromes, TACE/TAE, PRRT, transplant",
        "S0",
        "S1",
        "S2",
    ),
    rule(
        "R33",
        "Breast: systemic therapy first by receptor status; surgery only for limited, controlled, non-progressing disease",
        "S1",
        "S2",
    ),
    rule(
        "R34", "Gastric: HER2 mandatory; solitary metastasis chemotherapy then resection; multiple, systemic only", "S0"
    ),
    rule("R35", "GIST: imatinib first; resect responsive or stable disease and continue the TKI", "S2"),
    rule("R36", "Soft-tissue sarcoma: chemotherapy is ineffective; resect what is resectable", "S2"),
    # Second pass (the rule book's last section governs where it refines the rules above)
    rule(
        "R37",
        "A mixed response is never 'resectable now': the growing lesions show resistant disease; add liver-directed therapy",
        "S4",
    ),
    rule(
        "R38",
        "ECOG 2 counts as unfit for major surgery: ablation if the disease meets R23, otherwise non-surgical systemic therapy",
        derived=True,
    ),
    rule(
        "R39",
        "Therapy continued, not completed (GIST TKI, HR+ or HER2+ breast therapy, a NET somatostatin analogue): followed on it; five years without recurrence is maintenance, not disease-free",
        "S0",
        "S1",
        "S2",
    ),
    rule(
        "R40",
        "Breast liver surgery only after at least 6 months of systemic therapy with response or stable disease; an isolated bone metastasis gets radiotherapy",
        "S1",
        derived=True,
    ),
    rule(
        "R41",
        "The volumetry CT after PVE also restages: progression there means no stage 2 (or no resection) and the next systemic line",
        "S0",
        "S1",
        "S2",
    ),
    rule(
        "R42",
        "Workup and wording per primary: NET chromogranin A, 5-HIAA, somatostatin-receptor imaging and grade, with somatostatin-analogue cover before TACE/TAE or surgery for a hormone syndrome; pelvic MRI for a rectal primary",
        "S0",
        "S1",
        "S2",
    ),
    rule(
        "R43",
        "Citations follow the patient's pathway: colorectal rules and sources are not cited for another primary's steps unless the rule applies to it",
    ),
    rule(
        "R44",
        "Teaching figures: up to 60% recur after resection, 90% within 2 years, about 20% liver-only and re-resectable; synchronous vs metachronous disease-free interval 6 vs 10 months, disseminated recurrence 95% vs 42%",
        "S0",
        "S1",
        "S3",
    ),
    # Adjuvant completion (unnumbered in the rule book; kept under its own id)
    rule("ADJ", "Complete 6 months of perioperative therapy in total with the regimen that worked", "S0", "S3"),
    # Derived choices: the sources are silent, the choice is ours.
    rule("D-ECOG", "ECOG 2: non-surgical systemic therapy; ECOG 3-4: best supportive care", derived=True),
    rule("D-CEA", "CEA above 200 ng/mL counts as a high-risk feature (threshold from the Fong score)", derived=True),
    rule(
        "D-FOLFOX-BEYOND-4",
        "Beyond 4 metastases or with extrahepatic disease, perioperative chemotherapy stays FOLFOX",
        derived=True,
    ),
    rule("D-NO-EGFR-RESECTABLE", "No anti-EGFR antibody for initially resectable disease (New EPOC)", derived=True),
    rule("D-R2-MDT", "An R2 resection returns the patient to the MDT", derived=True),
    rule(
        "D-CLOCK",
        "Intervals the sources leave open: 2-week workup, surgery 4 weeks after the last cycle, 4 weeks' recovery, PVE 2 weeks after the decision (or after stage 1), volumetry 4 weeks after PVE",
        derived=True,
    ),
    rule(
        "D-SURVEILLANCE",
        "Surveillance visits every 3 months for 2 years, then 6-monthly; 5 years after the last curative treatment (liver, primary or ablation) without recurrence: disease-free (maintenance on a continuing therapy, R39)",
        derived=True,
    ),
    rule(
        "D-SIMULTANEOUS",
        "Small, accessible metastases for a simultaneous resection: <= 3, each <= 3 cm, one lobe, not perivascular",
        derived=True,
    ),
    rule(
        "D-PELVIC-RT",
        "Node-positive rectal primary: pelvic radiotherapy is indicated before its resection",
        derived=True,
    ),
    rule(
        "D-PALLIATIVE-REGIMEN",
        "First-line palliative regimen follows the molecular profile; at ECOG 2 a doublet, never a triplet",
        derived=True,
    ),
    rule(
        "D-NEXT-LINE",
        "Next systemic line after progression: switch the chemotherapy backbone (oxaliplatin <-> irinotecan)",
        derived=True,
    ),
    rule(
        "D-SYMPTOMS",
        "At MDT, biliary obstruction or intractable pain gets palliative liver-directed therapy (with drainage when obstructed)",
        derived=True,
    ),
    rule(
        "D-ABLATION-FOLLOWUP",
        "After curative-intent ablation, a complete response goes to surveillance; residual disease is re-ablated if still eligible",
        derived=True,
    ),
    rule(
        "D-IO-BLOCK",
        "Immunotherapy before surgery is given in the blocks of its intent (3 months perioperative, 2-month conversion blocks) and completed to 6 months in total",
        derived=True,
    ),
    rule(
        "D-RECURRENCE-EHD",
        "An extrahepatic recurrence with no stated resectability is taken as unresectable",
        derived=True,
    ),
    rule(
        "D-PROLONGED",
        "Prolonged chemotherapy warning from 6 months of systemic therapy without liver surgery",
        derived=True,
    ),
    rule(
        "D-TRANSPLANT",
        "Liver transplantation for NET only when the MDT selects the patient, the tumour is well differentiated (G1-G2), the primary is resected and disease is liver-only",
        derived=True,
    ),
    rule(
        "D-NET-LADDER",
        "Progressive or symptomatic NET: TACE/TAE first; PRRT once liver-directed therapy was given or with extrahepatic disease (SSTR-positive)",
        derived=True,
    ),
    rule(
        "D-NET-OBSERVATION",
        "NET re-imaged every 3 months: under observation, after TACE/TAE and on PRRT or systemic therapy",
        derived=True,
    ),
    rule("D-OLIGO", "Oligometastatic breast disease: at most 5 liver metastases", derived=True),
    rule("D-OTHER-BLOCK", "Breast, gastric and GIST systemic therapy reassessed every 3 months", derived=True),
    rule(
        "D-POSTOP-OTHER",
        "After resection, gastric chemotherapy completes 6 months in total and breast chemotherapy continues 6 months; continuing therapies (R39) go on during surveillance",
        derived=True,
    ),
    rule(
        "D-CONTINUE-LINE",
        "A palliative line that controls the disease (not progressing) goes on; liver-directed therapy is added for stable or mixed disease on conversion therapy (R28), and on a palliative line when the MDT chooses",
        derived=True,
    ),
    rule(
        "D-SEQUENCING",
        "Another primary still in place at liver surgery: the MDT individualises (S2); modelled as one operation for small accessible metastases, otherwise the liver first",
        derived=True,
    ),
    rule(
        "D-RECURRENCE-OTHER",
        "A recurrence of another primary is restaged and returns to the MDT, which applies that primary's pathway again",
        derived=True,
    ),
    rule(
        "D-URGENT-REVIEW",
        "At the urgent review the response just read still decides: progression takes the next line; otherwise the current line continues as palliative therapy (ECOG 3-4: supportive care)",
        derived=True,
    ),
    rule(
        "D-SYMPTOMS-OTHER",
        "Breast, gastric and GIST: the sources give symptoms no road of their own; the response decides and symptoms are controlled alongside",
        derived=True,
    ),
    rule(
        "D-NET-G3",
        "A grade 3 NET is not observed: systemic therapy chosen by the MDT, reassessed every 3 months",
        derived=True,
    ),
    rule(
        "D-PELVIC-RT-CLOCK",
        "Pelvic radiotherapy over 5 weeks, the rectal resection 6 weeks after it",
        derived=True,
    ),
    rule(
        "D-STEP-LIMIT",
        "A trajectory makes progress (reads a finding, changes the line of therapy, operates) within 25 steps and ends within 2,000, or the replay stops with an error",
        derived=True,
    ),
)

# R43: whose steps may cite each rule.
_SCOPES = {
    **dict.fromkeys(
        (
            "R6",
            "R7",
            *(f"R{n}" for n in range(8, 23) if n != 23),
            "R12b",
            "R13b",
            "R24",
            "R25",
            "R26",
            "R27",
            "R29",
            "R30",
            "R31",
            "R37",
            "R38",
            "R41",
            "R44",
            "ADJ",
            "D-CEA",
            "D-FOLFOX-BEYOND-4",
            "D-NO-EGFR-RESECTABLE",
            "D-SIMULTANEOUS",
            "D-PELVIC-RT",
            "D-PELVIC-RT-CLOCK",
            "D-PALLIATIVE-REGIMEN",
            "D-NEXT-LINE",
            "D-SYMPTOMS",
            "D-ABLATION-FOLLOWUP",
            "D-IO-BLOCK",
            "D-PROLONGED",
            "D-URGENT-REVIEW",
        ),
        COLORECTAL,
    ),
    **dict.fromkeys(
        ("D-SEQUENCING", "D-RECURRENCE-OTHER", "D-SYMPTOMS-OTHER", "D-OTHER-BLOCK", "D-POSTOP-OTHER"), OTHER
    ),
}
for _rule in _ALL:
    _rule.scope = _SCOPES.get(_rule.id)

RULES: dict[str, Rule] = {rule.id: rule for rule in _ALL}


def rule_sort_key(rule_id: str) -> tuple[int, int, str]:
    """R-numbers in numeric order (R12 before R12b), then ADJ, then derived choices."""
    digits = rule_id[1:].rstrip("abcdefghijklmnopqrstuvwxyz")
    if rule_id.startswith("R") and digits.isdigit():
        return (0, int(digits), rule_id[1 + len(digits) :])
    return (1 if not rule_id.startswith("D") else 2, 0, rule_id)


def ordered(rule_ids: set[str] | list[str] | tuple[str, ...]) -> list[str]:
    return sorted(set(rule_ids), key=rule_sort_key)
