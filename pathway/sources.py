"""The five source documents, cited by title under short keys (S0..S4).

The project cites them; it never copies their sentences.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(eq=False, repr=False)
class Source:
    """A source document, cited by title under its key."""

    key: str
    title: str
    file: str
    scope: str | None = None  # "colorectal": about colorectal metastases only (R43)
    topic: str = ""  # what it covers, in this project's words
    reference: str = ""  # the full reference: kind of document, publisher, reviewer, date where given

    def __post_init__(self) -> None:
        if not self.reference:
            self.reference = f"{self.title}. {UNDATED}"


UNDATED = "Clinical summary with numbered references (not reproduced here); no author or date given."

SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source(
            "S0",
            "Treatment of Multiple Metastatic Liver Lesions",
            "000_e15fb873500a02cc.txt",
            topic="multifocal colorectal liver metastases: conversion therapy, two-stage surgery, local therapy",
        ),
        Source(
            "S1",
            "Management of Liver Metastases",
            "001_98404d46fbf4c6c5.txt",
            topic="referral and a surgery-first strategy; neuroendocrine and breast metastases; ablation",
        ),
        Source(
            "S2",
            "Liver Metastases (Liver Secondary)",
            "002_8d25da6028e53df5.txt",
            topic="workup of liver metastases; GIST, neuroendocrine, sarcoma and breast metastases",
            reference="Liver Metastases (Liver Secondary). Information page on liver metastases and their "
            "surgery, by primary, in numbered sections; no author or date given.",
        ),
        Source(
            "S3",
            "Treatment Approach for Synchronous vs Metachronous Liver Metastases",
            "003_79337ceec57e0d9a.txt",
            "colorectal",
            "synchronous and metachronous colorectal metastases: regimens, sequencing, margins",
        ),
        Source(
            "S4",
            "ACR Appropriateness: Best Treatment for Multifocal Bilobar CRLM",
            "004_114cdac49ca725dd.txt",
            "colorectal",
            "appropriateness of treatments for multifocal bilobar colorectal metastases",
            "What Is the Best Treatment for Multifocal Bilobar Colorectal Liver Metastases? Interventional "
            "Radiology Imaging (GigHz): a case review of the ACR Appropriateness Criteria, reviewed by "
            "Pouyan Golshani, MD, interventional radiologist, 21 May 2026.",
        ),
    )
}
