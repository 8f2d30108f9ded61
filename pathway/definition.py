"""The pathway definition, assembled: every primary's table, built with the roads they share.

This is the one module that imports the primaries (pathway/primaries/); everything above it (the
engine, the graph, the schema, the command line) reads the pathways from here, and everything below
it (vocabulary, guards, shared roads) knows no primary. To add a primary, write its module and add
it to PRIMARIES below (README, "Adding a primary").
"""

from __future__ import annotations

from . import common, profile
from .primaries import breast, colorectal, gastric, gist, neuroendocrine, sarcoma
from .tables import Pathway, PathwayTable, build
from .vocabulary import CLINICAL_ORDER, FINDING_STATES, STATES, TRIGGERS, DefinitionError, Road, State

PRIMARIES: tuple[PathwayTable, ...] = (
    colorectal.TABLE,
    neuroendocrine.TABLE,
    breast.TABLE,
    gastric.TABLE,
    gist.TABLE,
    sarcoma.TABLE,
)

for _table in PRIMARIES:
    profile.register(_table.profile)

PATHWAYS: dict[str, Pathway] = {t.profile.name: build(t, common.EVERY_PATHWAY) for t in PRIMARIES}

# A primary not yet named (R2) has only the shared roads of referral and staging: staging waits for
# the finding that names it, and the patient then takes that primary's pathway.
ENTRY = Pathway(
    profile.Profile(name="unknown", title="Primary not yet known", noun="unknown", sites=("unknown",), rule_scope=None),
    tuple(r for r in common.EVERY_PATHWAY if r.source in ("referral", "staging")),
    frozenset({"referral", "staging"}),
    {r.source: (r,) for r in common.EVERY_PATHWAY if r.source in ("referral", "staging")},
)

SITES: tuple[str, ...] = tuple(site for p in PATHWAYS.values() for site in p.profile.sites)
SUBSITES: tuple[str, ...] = tuple(dict.fromkeys(s for p in PATHWAYS.values() for s in p.profile.subsites))


def pathway_for(site: str) -> Pathway:
    """The pathway a patient with this primary site follows (ENTRY while it is unknown)."""
    found = profile.profile_of(site)
    return PATHWAYS[found.name] if found is not None else ENTRY


def all_roads() -> tuple[Road, ...]:
    """Every road of every pathway once, by state in clinical order, then rank, then primary."""
    seen: dict[str, Road] = {}
    for pathway in PATHWAYS.values():
        for road in pathway.roads:
            seen.setdefault(road.name, road)
    names = list(seen)
    return tuple(sorted(seen.values(), key=lambda r: (CLINICAL_ORDER.index(r.source), r.rank, names.index(r.name))))


def check_states() -> None:
    """Every state is reached by some pathway, and every road's name means one road."""
    reached = set().union(*(p.states for p in PATHWAYS.values()))
    unreached = [s for s in STATES if s not in reached]
    if unreached:
        raise DefinitionError(f"states no pathway reaches: {', '.join(unreached)}")
    by_name: dict[str, Road] = {}
    for pathway in PATHWAYS.values():
        for road in pathway.roads:
            if by_name.setdefault(road.name, road) is not road:
                raise DefinitionError(f"two different roads are named {road.name}")


check_states()

__all__ = [
    "CLINICAL_ORDER",
    "ENTRY",
    "FINDING_STATES",
    "PATHWAYS",
    "SITES",
    "STATES",
    "SUBSITES",
    "TRIGGERS",
    "Pathway",
    "State",
]
