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


SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source("S0", "Treatment of Multiple Metastatic Liver Lesions", "000_e15fb873500a02cc.txt"),
        Source("S1", "Management of Liver Metastases", "001_98404d46fbf4c6c5.txt"),
        Source("S2", "Liver Metastases (Liver Secondary)", "002_8d25da6028e53df5.txt"),
        Source(
            "S3",
            "Treatment Approach for Synchronous vs Metachronous Liver Metastases",
            "003_79337ceec57e0d9a.txt",
            "colorectal",
        ),
        Source(
            "S4",
            "ACR Appropriateness: Best Treatment for Multifocal Bilobar CRLM",
            "004_114cdac49ca725dd.txt",
            "colorectal",
        ),
    )
}
