"""`pathway lint`: is every primary's pathway sound? Checked over a grid of patients.

For each pathway and each state, the grid's axes are the fields the roads' guards read (each guard
declares them), each at the values either side of every guard's boundary (FLR 29.9 and 30, 10 and
11 metastases) or, for an enumerated field, at every value. A depth-first search over that grid,
which stops exploring a branch as soon as nothing more can be learnt there, finds for each road a
patient who takes it, and looks for a patient for whom no road is open. The findings:
- a road no patient of the grid takes: shadowed (an earlier road is open whenever it is) or never open;
- a patient of the grid for whom no road is open (a hole in the definition);
- a state reachable only through roads that are never taken (unreachable), and what `build` refuses
  (an unlabelled road, a dead end, a road out of a state the pathway never reaches...).
A guard or plan that raises on a grid patient is a finding too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any

from .course import Case, Course, Intent, Margin, Recurrence, Regimen, RegimenKind, Response, TwoStage
from .guards import Guard
from .patient import Biomarkers, Liver, Patient, Primary
from .schema import GENOTYPE, STATUS, SYMPTOMS
from .tables import Pathway, PathwayTable, build, reachable
from .vocabulary import CLINICAL_ORDER, STATES, DefinitionError, Road

BOOLEAN = (False, True)
ANY_REGIMEN = Regimen("a chemotherapy regimen", oxaliplatin=True, anti_egfr=True, bevacizumab=True)
CONTINUED_REGIMEN = Regimen("a continued targeted therapy", kind=RegimenKind.TARGETED, continued=True)

# Every value of the enumerated fields guards may read (EVERY in a guard's declaration).
DOMAINS: dict[str, tuple[Any, ...]] = {
    "patient.fit_for_surgery": BOOLEAN,
    "patient.refuses_surgery": BOOLEAN,
    "patient.functional_syndrome": BOOLEAN,
    "patient.transplant_candidate": BOOLEAN,
    "patient.presentation": ("synchronous", "metachronous"),
    "patient.extrahepatic": ("none", "resectable", "unresectable"),
    "patient.extrahepatic_site": (None, "isolated_bone", "solitary_lung", "other"),
    "patient.symptoms": ((), *((s,) for s in SYMPTOMS)),
    "patient.primary.resected": BOOLEAN,
    "patient.primary.symptomatic": BOOLEAN,
    "patient.primary.node_positive": BOOLEAN,
    "patient.primary.side": ("left", "right"),
    "patient.liver.bilobar": BOOLEAN,
    "patient.liver.r0_achievable": BOOLEAN,
    "patient.liver.perivascular": BOOLEAN,
    "patient.biomarkers.mmr": ("pMMR", "dMMR", "unknown"),
    "patient.biomarkers.ras": GENOTYPE,
    "patient.biomarkers.braf": GENOTYPE,
    "patient.biomarkers.her2": STATUS,
    "patient.biomarkers.hormone_receptor": STATUS,
    "patient.biomarkers.sstr": STATUS,
    "course.intent": (None, *Intent),
    "course.response": (None, *Response),
    "course.margin": (None, *Margin),
    "course.recurrence": (None, *Recurrence),
    "course.two_stage": tuple(TwoStage),
    "course.regimen": (None, ANY_REGIMEN, CONTINUED_REGIMEN),
    "course.failed_line": (None, ANY_REGIMEN, CONTINUED_REGIMEN),
    "course.liver_treated": BOOLEAN,
    "course.liver_directed": BOOLEAN,
    "course.urgent_review": BOOLEAN,
    "patient.grade": (None, "G1", "G2", "G3"),
}
KNOWN_MARKERS = {"mmr": "pMMR", "ras": "wild-type", "braf": "wild-type", "her2": "negative"}
KNOWN_MARKERS |= {"hormone_receptor": "negative", "sstr": "negative"}


def base_case(pathway: Pathway, state: str) -> Case:
    """An ordinary patient of this pathway, standing in `state` with its finding read."""
    site = pathway.profile.sites[0]
    patient = Patient(
        age=60,
        sex="female",
        ecog=0,
        primary=Primary(site=site, resected=True, side="left" if site == "colon" else None),
        presentation="metachronous",
        liver=Liver(lesions=3, largest_cm=3.0, bilobar=False, flr_percent=50.0, r0_achievable=True),
        extrahepatic="none",
        biomarkers=Biomarkers(**KNOWN_MARKERS),
        cea_ng_ml=10.0,
    )
    return Case(patient, Course(finding_read=STATES[state].reading is not None))


def domain(pathway: Pathway, state: str, path: str, declared: Iterable[tuple[Any, ...]]) -> tuple[Any, ...]:
    """The grid's values for one field at one state of one pathway."""
    values: list[Any] = []
    for given in declared:
        values += given
    if path == "patient.primary.site":
        return pathway.profile.sites
    if path == "patient.primary.subsite":
        return (None, *pathway.profile.subsites)
    if path == "patient.biomarkers":  # all known, or one of this primary's markers unknown
        known = Biomarkers(**KNOWN_MARKERS)
        return (known, *(replace(known, **{m.field: "unknown"}) for m in pathway.profile.markers))
    if not values:
        if path not in DOMAINS:
            raise DefinitionError(f"lint: no domain for {path} (add it to lint.DOMAINS)")
        values = list(DOMAINS[path])
        reading = STATES[state].reading
        observation = path.removeprefix("course.")
        if reading is not None and reading.observes.get(observation):
            values = [v for v in values if v is not None]  # the finding here must state it
    return tuple(dict.fromkeys(values))


def with_field(obj: Any, path: list[str], value: Any) -> Any:
    if not path:
        return value
    head, *rest = path
    return replace(obj, **{head: with_field(getattr(obj, head), rest, value)})


def consistent(case: Case) -> bool:
    """Facts a scenario cannot state together (the loader refuses them)."""
    lv, p = case.patient.liver, case.patient.primary
    if lv.lesions == 1 and lv.bilobar:
        return False
    return not (p.site == "rectum" and p.side == "right")


@dataclass
class StateReport:
    """What the grid search found at one state of one pathway."""

    pathway: str
    state: str
    axes: list[tuple[str, tuple[Any, ...]]]
    takes: dict[str, dict[str, Any]] = field(default_factory=dict)  # road -> a grid patient who takes it
    opens: dict[str, tuple[dict[str, Any], list[str]]] = field(default_factory=dict)  # road -> patient, earlier open
    none_open: dict[str, Any] | None = None
    errors: list[str] = field(default_factory=list)
    patients: int = 0  # grid patients evaluated in full (the rest are decided by the search's pruning)

    @property
    def grid(self) -> int:
        """Patients on this state's grid."""
        size = 1
        for _, values in self.axes:
            size *= len(values)
        return size


def _describe(assigned: Mapping[str, Any]) -> str:
    def show(v: Any) -> str:
        if is_dataclass(v) and not isinstance(v, type):
            return "{" + ", ".join(f"{f.name} {getattr(v, f.name)}" for f in fields(v)) + "}"
        if isinstance(v, tuple):
            return "[" + ", ".join(map(str, v)) + "]"
        return str(v)

    return ", ".join(f"{k.removeprefix('patient.')}={show(v)}" for k, v in assigned.items()) or "any patient"


def search_state(pathway: Pathway, state: str) -> StateReport:
    """Depth-first over the grid of one state: a taker for every road, and any patient with no road open."""
    roads = pathway.roads_from(state)
    reading = STATES[state].reading
    guards: list[Guard] = list(dict.fromkeys(gd for r in roads for gd in r.guards))
    reads: dict[str, list[tuple[Any, ...]]] = {}
    for gd in guards:
        for path, values in gd.reads.items():
            reads.setdefault(path, []).append(values)
    # Fields the first roads read come first: their verdicts decide whether later roads can win.
    first = {p: min(i for i, r in enumerate(roads) for gd in r.guards if p in gd.reads) for p in reads}
    weight = {p: sum(p in gd.reads for gd in guards) for p in reads}
    axes = [(p, domain(pathway, state, p, reads[p])) for p in sorted(reads, key=lambda p: (first[p], -weight[p], p))]
    report = StateReport(pathway.name, state, axes)
    base = base_case(pathway, state)
    position = {p: i for i, (p, _) in enumerate(axes)}
    ready = {gd.name: max((position[p] for p in gd.reads), default=-1) for gd in guards}

    def status(verdicts: Mapping[str, bool], road: Road) -> str:
        known = [verdicts[gd.name] for gd in road.guards if gd.name in verdicts]
        if not all(known):
            return "closed"
        return "open" if len(known) == len(road.guards) else "unknown"

    def visit(depth: int, case: Case, assigned: dict[str, Any], verdicts: dict[str, bool]) -> None:
        for gd in guards:
            if ready[gd.name] == depth - 1 and gd.name not in verdicts:
                try:
                    verdicts[gd.name] = gd(case).passed
                except Exception as err:  # a guard must never raise on a valid patient
                    report.errors.append(f"guard {gd.name} raised {type(err).__name__} for {_describe(assigned)}")
                    return
        states = [status(verdicts, r) for r in roads]
        first_open = next((i for i, s in enumerate(states) if s == "open"), len(roads))
        wants_win = any(
            r.name not in report.takes and states[i] != "closed" for i, r in enumerate(roads[: first_open + 1])
        )
        wants_open = any(r.name not in report.opens and s != "closed" for r, s in zip(roads, states, strict=True))
        wants_none = report.none_open is None and first_open == len(roads)
        if not (wants_win or wants_open or wants_none):
            return
        if depth == len(axes):
            if reading is not None and reading.again and reading.waits(case):
                return  # the engine waits here for a finding; no decision is taken
            report.patients += 1
            open_names = [r.name for r, s in zip(roads, states, strict=True) if s == "open"]
            for i, road in enumerate(roads):
                if states[i] == "open" and road.name not in report.opens:
                    report.opens[road.name] = (dict(assigned), open_names[: open_names.index(road.name)])
            if first_open == len(roads):
                report.none_open = dict(assigned)
                return
            winner = roads[first_open]
            if winner.name not in report.takes:
                report.takes[winner.name] = dict(assigned)
                try:
                    winner.plan(case)
                    winner.lead(case)
                except Exception as err:  # a plan must never raise where its road is taken
                    report.errors.append(
                        f"road {winner.name}: its plan raised {type(err).__name__} for {_describe(assigned)}"
                    )
            return
        path, values = axes[depth]
        for value in values:
            nxt = with_field(case, path.split("."), value)
            if not consistent(nxt):
                continue
            visit(depth + 1, nxt, {**assigned, path: value}, dict(verdicts))

    visit(0, base, {}, {})
    return report


@dataclass
class PathwayReport:
    """What lint found for one pathway."""

    name: str
    states: list[StateReport]
    findings: list[str]
    roads: int = 0

    @property
    def grid(self) -> int:
        return sum(s.grid for s in self.states)

    def summary(self) -> str:
        verdict = "clean" if not self.findings else f"{len(self.findings)} finding(s)"
        return (
            f"{self.name}: {self.roads} roads out of {len(self.states)} states, tried on a grid of "
            f"{self.grid:,} patients: {verdict}"
        )


def lint_pathway(pathway: Pathway) -> PathwayReport:
    reports = [search_state(pathway, s) for s in sorted({r.source for r in pathway.roads}, key=CLINICAL_ORDER.index)]
    findings: list[str] = []
    where = pathway.name
    for rep in reports:
        findings += [f"{where}: {rep.state}: {e}" for e in rep.errors]
        for road in pathway.roads_from(rep.state):
            if road.name in rep.takes:
                continue
            if road.alternative and road.name in rep.opens:
                continue  # an accepted alternative (R10) is narrated, never taken: it must open, not win
            if road.name in rep.opens:
                patient, earlier = rep.opens[road.name]
                findings.append(
                    f"{where}: {rep.state}: road {road.name} is shadowed: whenever it is open, an earlier road "
                    f"wins ({', '.join(earlier)}; e.g. {_describe(patient)})"
                )
            else:
                findings.append(
                    f"{where}: {rep.state}: road {road.name} is never open on the grid (its guards contradict)"
                )
        if rep.none_open is not None:
            findings.append(f"{where}: {rep.state}: no road is open for {_describe(rep.none_open)}")
    taken = [r for r in pathway.roads if any(r.name in rep.takes for rep in reports if rep.state == r.source)]
    live = reachable(taken)
    for state in sorted(pathway.states - live, key=CLINICAL_ORDER.index):
        findings.append(f"{where}: state {state} is unreachable: every road into it is never taken")
    return PathwayReport(where, reports, findings, len(pathway.roads))


def lint_table(table: PathwayTable, shared: tuple[Road, ...]) -> PathwayReport:
    """Build a table and lint it; what `build` refuses is reported as findings."""
    try:
        pathway = build(table, shared)
    except DefinitionError as err:
        return PathwayReport(table.profile.name, [], str(err).splitlines())
    return lint_pathway(pathway)


def lint_all() -> list[PathwayReport]:
    from . import definition as d

    return [lint_pathway(p) for p in d.PATHWAYS.values()]
