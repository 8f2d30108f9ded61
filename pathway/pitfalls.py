"""Pitfalls the sources name, raised as warnings in the replay where the pathway meets them."""

from __future__ import annotations

from dataclasses import dataclass


class Alert(str):
    """A warning raised at a step: reads as '[id] text (detail) [rules]', and keeps its parts."""

    id: str
    text: str
    rules: tuple[str, ...]

    def __new__(cls, pitfall_id: str, text: str, rules: tuple[str, ...]) -> Alert:
        alert = super().__new__(cls, f"[{pitfall_id}] {text} [{', '.join(rules)}]")
        alert.id, alert.text, alert.rules = pitfall_id, text, rules
        return alert

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "text": self.text, "rules": list(self.rules)}


@dataclass(eq=False, repr=False)
class Pitfall:
    """A pitfall a source names, raised as a warning where the pathway meets it."""

    id: str
    rules: tuple[str, ...]
    text: str

    def warn(self, detail: str = "") -> Alert:
        return Alert(self.id, self.text + (f" ({detail})" if detail else ""), self.rules)


SURGERY_FIRST_MULTIFOCAL = Pitfall(
    "surgery-first-multifocal", ("R7",), "Never operate first on multifocal disease: systemic therapy comes first"
)
BIOPSY = Pitfall(
    "biopsy-colorectal",
    ("R2",),
    "Do not biopsy a liver lesion that may be a resectable colorectal metastasis; find the primary by "
    "colonoscopy and upper endoscopy (risk of seeding the tract)",
)
COMPLETE_RESPONSE = Pitfall(
    "waiting-for-complete-response",
    ("R19",),
    "A complete radiological response is not a cure: viable tumour often remains and vanished lesions are hard "
    "to find at surgery; resect the original sites now and do not wait",
)
PROLONGED_CHEMO = Pitfall(
    "prolonged-chemotherapy",
    ("D-PROLONGED",),
    "Prolonged chemotherapy without surgery causes steatosis and hepatotoxicity that threaten the remnant",
)
SMALL_LESION_MAY_VANISH = Pitfall(
    "small-lesion-may-vanish",
    ("R8",),
    "A metastasis under 2 cm may disappear on chemotherapy and be lost at surgery: operate first",
)

# Raised by the quiz when a resident walks into it (the pathway itself never does).
TREATMENT_INERTIA = Pitfall(
    "treatment-inertia",
    ("R17",),
    "Treatment inertia: a responder who now meets the resectability criteria goes to surgery at this "
    "reassessment; another block of chemotherapy is not the safer choice",
)

ALL = (SURGERY_FIRST_MULTIFOCAL, BIOPSY, COMPLETE_RESPONSE, PROLONGED_CHEMO, SMALL_LESION_MAY_VANISH)
IDS = tuple(p.id for p in ALL)
