"""What is particular to a primary, as data: its sites, markers, block length, postoperative course.

Each primary's module declares its profile beside its table of roads; `pathway.definition` registers
them. The general part (guards, shared roads, schema, graph, command line) reads profiles from here
and never imports a primary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .course import Case
    from .patient import Patient
    from .regimens import RegimenChoice

# Why the liver goes first with the primary in place, and the rules that say so (R26, R27).
LiverFirst = tuple[str, tuple[str, ...]]
# The resection of the primary after liver-first surgery: procedure, reasons, rules.
PrimaryAfterLiver = tuple[str, tuple[str, ...], tuple[str, ...]]

# A problem with a primary's facts in a scenario: (field path below `primary`, message, got, expected).
FactProblem = tuple[str, str, str, str]


@dataclass(eq=False, repr=False)
class Marker:
    """A biomarker the primary's systemic therapy is chosen by (R3)."""

    label: str  # as narrated: "RAS", "HER2"
    field: str  # the Biomarkers field: "ras", "her2"
    bare: bool = False  # narrate the value alone ("pMMR", not "MMR pMMR")

    def show(self, value: str) -> str:
        return value if self.bare and value != "unknown" else f"{self.label} {value}"


@dataclass(eq=False, repr=False)
class Postoperative:
    """Systemic therapy after liver surgery.

    `in_total`: complete `months` counting what was given before surgery (ADJ: 6 months of
    perioperative therapy in total); otherwise the therapy continues `months` after the resection.
    """

    months: float
    in_total: bool
    rules: tuple[str, ...]
    wording: str = "{months} months of {regimen} complete {total} months of perioperative therapy"


@dataclass(eq=False, repr=False)
class Profile:
    """A primary's data: the pathway's name, sites, markers, block length and postoperative course."""

    name: str  # the pathway's name: "colorectal"
    title: str  # "Colorectal liver metastases"
    noun: str  # as in "a colorectal primary"
    sites: tuple[str, ...]  # the `primary.site` values this pathway serves
    block_months: float | None = None  # a systemic block before reassessment (None: no systemic therapy)
    block_rules: tuple[str, ...] = ()  # the rules that set it
    own_rules: tuple[str, ...] = ()  # the rule book's rules for this primary (R32-R36), cited on shared steps
    markers: tuple[Marker, ...] = ()  # R3: known before systemic therapy starts
    postoperative: Postoperative | None = None
    subsites: tuple[str, ...] = ()  # `primary.subsite` values that mean something here
    surveillance_marker: str | None = None  # the tumour marker checked at each visit
    liver_biopsy_acceptable: bool = True  # R2: never for a possibly resectable colorectal metastasis
    rule_scope: str | None = "other"  # which scoped rules its steps may cite (rules.COLORECTAL or OTHER)
    site_words: Mapping[str, str] = field(default_factory=dict)  # "rectum" -> "rectal" (default: the noun)
    check_primary: Callable[[Mapping[str, Any]], list[FactProblem]] = field(default=lambda primary: [])
    # Hooks where a primary's own rules refine a shared road's plan (None: the shared wording).
    palliative_regimen: Callable[[Case], RegimenChoice] | None = None  # a first palliative line
    liver_first: Callable[[Case], LiverFirst] | None = None
    primary_after_liver: Callable[[Case], PrimaryAfterLiver] | None = None
    workup: Callable[[Case], tuple[tuple[str, ...], tuple[str, ...]]] | None = None  # R42: reasons, rules
    header: Callable[[Patient], str] | None = None  # R42: the markers that matter, for the replay header
    follow_up_figures: Callable[[Case], tuple[str, ...]] | None = None  # R44: narrated at surveillance

    def __post_init__(self) -> None:
        if not self.sites:
            raise ValueError(f"profile {self.name}: no sites")


_PROFILES: dict[str, Profile] = {}


def register(profile: Profile) -> None:
    """Make a primary's profile known (called once per primary by pathway.definition)."""
    for site in profile.sites:
        known = _PROFILES.get(site)
        if known is not None and known is not profile:
            raise ValueError(f"site {site!r} belongs to both {known.name} and {profile.name}")
        _PROFILES[site] = profile


def profile_of(site: str) -> Profile | None:
    """The profile that serves `site` (None for a primary not yet known, `unknown`)."""
    return _PROFILES.get(site)


def profiles() -> tuple[Profile, ...]:
    """Every registered profile, in registration order, once each."""
    return tuple(dict.fromkeys(_PROFILES.values()))


def noun(site: str) -> str:
    found = profile_of(site)
    return found.noun if found is not None else site


def primary_words(site: str) -> str:
    """The primary as narrated: 'the rectal primary', 'the GIST primary'."""
    found = profile_of(site)
    if found is None:
        return f"the {site} primary"
    return f"the {found.site_words.get(site, found.noun)} primary"
