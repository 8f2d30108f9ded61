"""A primary's pathway as a table of roads, and its assembly into the pathway the engine runs.

A table is a profile (the primary's data) and its roads: its own, declared in its module, and the
optional shared roads it takes. `build` adds the roads every pathway shares, orders the roads out
of each state by rank, and refuses a table that cannot be right: a road without a label or rules,
an unknown state or rule, a tie in rank, an unregistered guard, a road out of a terminal state,
a state the pathway can enter but never leave, or a road out of a state the pathway never reaches.
Whether a road can ever be taken, and whether some patient finds no road open, is `pathway lint`'s
question (pathway/lint.py), answered over a grid of patients.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .guards import GUARDS, postoperative_therapy_due
from .profile import Profile
from .rules import RULES
from .vocabulary import CLINICAL_ORDER, STATES, DefinitionError, Road


@dataclass(eq=False, repr=False)
class PathwayTable:
    """What a primary's module declares: its profile and its roads."""

    profile: Profile
    roads: tuple[Road, ...]


@dataclass(eq=False, repr=False)
class Pathway:
    """A built pathway: every road it has, out of each state in the order they are tried."""

    profile: Profile
    roads: tuple[Road, ...]  # by state in clinical order, then by rank
    states: frozenset[str]  # the states it reaches from referral
    _by_state: dict[str, tuple[Road, ...]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.profile.name

    def roads_from(self, state: str) -> tuple[Road, ...]:
        return self._by_state.get(state, ())

    def road(self, name: str) -> Road:
        for road in self.roads:
            if road.name == name:
                return road
        raise KeyError(f"no road {name!r} in the {self.name} pathway")


def reachable(roads: Iterable[Road], start: str = "referral") -> set[str]:
    """The states these roads can lead to from `start`."""
    out: dict[str, list[str]] = {}
    for road in roads:
        out.setdefault(road.source, []).append(road.dest)
    reached, frontier = {start}, [start]
    while frontier:
        for dest in out.get(frontier.pop(), ()):
            if dest not in reached:
                reached.add(dest)
                frontier.append(dest)
    return reached


def _check_road(road: Road, where: str) -> list[str]:
    problems = []
    if not road.label:
        problems.append(f"{where}: road {road.name}: no label (the text drawn on its diagram edge)")
    if not road.rules:
        problems.append(f"{where}: road {road.name}: no rules (every road names the rules it encodes)")
    for rid in road.rules:
        if rid not in RULES:
            problems.append(f"{where}: road {road.name}: unknown rule {rid!r}")
    for end in (road.source, road.dest):
        if end not in STATES:
            problems.append(f"{where}: road {road.name}: unknown state {end!r}")
    if road.source in STATES and STATES[road.source].terminal:
        problems.append(f"{where}: road {road.name} leaves the terminal state {road.source}")
    for gd in road.guards:
        if GUARDS.get(gd.name) is not gd:
            problems.append(f"{where}: road {road.name}: guard {gd.name!r} is not in the guard registry")
        for rid in gd.rules:
            if rid not in RULES:
                problems.append(f"{where}: guard {gd.name}: unknown rule {rid!r}")
    return problems


def build(table: PathwayTable, shared: tuple[Road, ...]) -> Pathway:
    """Assemble a primary's table with the roads every pathway shares; raise DefinitionError."""
    profile = table.profile
    where = f"{profile.name} pathway"
    problems: list[str] = []
    own = list(table.roads)
    names = [r.name for r in own] + [r.name for r in shared]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{where}: two roads are named {name}")
    for road in (*shared, *own):
        problems += _check_road(road, where)
    if problems:
        raise DefinitionError("\n".join(problems))
    # Shared roads belong to the pathway where it reaches their state; its own roads must be reached.
    reached = reachable([*own, *shared])
    roads = [*own, *(r for r in shared if r.source in reached)]
    for road in own:
        if road.source not in reached:
            problems.append(f"{where}: state {road.source} is unreachable: no road leads there from referral")
    ranks: dict[tuple[str, int], str] = {}
    for road in roads:
        other = ranks.setdefault((road.source, road.rank), road.name)
        if other != road.name:
            problems.append(f"{where}: {road.source}: roads {other} and {road.name} share rank {road.rank}")
    for state in sorted(reached, key=CLINICAL_ORDER.index):
        if not STATES[state].terminal and not any(r.source == state for r in roads):
            problems.append(f"{where}: state {state} is a dead end: no road leaves it")
    postoperative = any(postoperative_therapy_due in r.guards for r in roads)
    if postoperative and profile.postoperative is None:
        problems.append(f"{where}: it has a road to postoperative therapy but its profile no postoperative course")
    if profile.postoperative is not None and not postoperative:
        problems.append(f"{where}: its profile has a postoperative course but no road leads to it")
    if problems:
        raise DefinitionError("\n".join(dict.fromkeys(problems)))
    ordered = sorted(roads, key=lambda r: (CLINICAL_ORDER.index(r.source), r.rank))
    by_state: dict[str, tuple[Road, ...]] = {}
    for road in ordered:
        by_state[road.source] = (*by_state.get(road.source, ()), road)
    return Pathway(profile, tuple(ordered), frozenset(reached), by_state)
