"""The cohort fast path (pathway.engine.run_fast) against the explained engine it is derived from:
every guard's fast form says what its verdict says, and with the same draws both engines take every
random patient the same way, step by step, to the same end."""

from __future__ import annotations

import itertools
import json
import os
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from pathway import cohort, lint, parameters
from pathway import definition as d
from pathway import guards as g
from pathway.cli import main
from pathway.course import Case
from pathway.engine import first_open, run, run_fast
from pathway.tables import Pathway
from pathway.vocabulary import DefinitionError

from .equivalence import disagreements, fingerprint
from .random_patients import RandomFindings, random_patient

ROOT = Path(__file__).resolve().parents[1]
GRID_LIMIT = 5000  # combinations of a guard's declared fields tried at one state


def test_every_guard_has_a_fast_form() -> None:
    """A guard added without its fast form fails here (and the fast path refuses to run it)."""
    lacking = [name for name, gd in g.GUARDS.items() if gd.fast is None]
    assert lacking == [], f"guards without a fast form: {lacking}"


def test_the_fast_path_refuses_a_guard_without_its_fast_form(monkeypatch: pytest.MonkeyPatch) -> None:
    bare = g.Guard("bare", "no fast form", ("R4",), lambda c: g.Verdict(True, ("passes",)))
    referred = d.pathway_for("colon").roads_from("referral")[0]
    road = replace(referred, name="bare_road", guards=(bare,))
    monkeypatch.setattr(Pathway, "roads_from", lambda self, state: (road,))
    with pytest.raises(DefinitionError, match="guard bare has no fast form"):
        first_open("referral", Case(random_patient(random.Random(1), "colon")))


def _grid(pathway: Pathway, state: str, gd: g.Guard) -> list[Case]:
    """Every combination of the values the guard declares it reads, on an ordinary patient of the pathway
    (the primary's site also unknown, which only the entry roads meet)."""
    base = lint.base_case(pathway, state)
    axes = []
    for path, values in gd.reads.items():
        domain = lint.domain(pathway, state, path, [values])
        axes.append((path, (*domain, "unknown") if path == "patient.primary.site" else domain))
    cases = []
    for combo in itertools.islice(itertools.product(*(values for _, values in axes)), GRID_LIMIT):
        case = base
        for (path, _), value in zip(axes, combo, strict=True):
            case = lint.with_field(case, path.split("."), value)
        if lint.consistent(case):
            cases.append(case)
    return cases


def _read_at(name: str) -> list[tuple[Pathway, str]]:
    """The pathways and states a guard is read at: on a road, else (a regimen table's) at reassessment."""
    places = [
        (pathway, road.source)
        for pathway in d.PATHWAYS.values()
        for road in pathway.roads
        if any(gd.name == name for gd in road.guards)
    ]
    return list(dict.fromkeys(places)) or [(pathway, "reassessment") for pathway in d.PATHWAYS.values()]


@pytest.mark.parametrize("name", sorted(g.GUARDS))
def test_a_guards_fast_form_agrees_on_every_boundary_it_declares(name: str) -> None:
    """The grid `pathway lint` searches: each declared field on both sides of its boundary, on every
    pathway and state the guard is read at."""
    gd = g.GUARDS[name]
    assert gd.fast is not None
    outcomes = set()
    for pathway, state in _read_at(name):
        for case in _grid(pathway, state, gd):
            verdict = gd(case)
            assert gd.fast(case) == verdict.passed, (pathway.name, state, verdict.reasons)
            outcomes.add(verdict.passed)
    assert outcomes == ({True} if name == "always" else {True, False}), f"{name}: the grid never crosses its boundary"


def test_fast_forms_agree_on_every_case_random_patients_meet() -> None:
    """Every guard on every case met along random trajectories of every primary (not only the grid's)."""
    checked = 0
    for i in range(240):
        site = (*d.SITES, "unknown")[i % (len(d.SITES) + 1)]
        trajectory = run(Case(random_patient(random.Random(f"fast-forms/{i}"), site)), RandomFindings(random.Random(i)))
        for step in trajectory.steps:
            case = step.before
            assert case is not None
            for gd in g.GUARDS.values():
                assert gd.fast is not None
                assert gd.fast(case) == gd(case).passed, (gd.name, site, i, step.number)
                checked += 1
    assert checked > 50_000


# --- the two engines, patient by patient ---------------------------------------------------------

# At least 10,000 random patients of every primary (colorectal: colon and rectum), up to 10 random
# findings each, and a shorter run of longer trajectories (up to 30 findings).
EQUIVALENCE = [
    *(("colon", i, i + 1000, 10) for i in range(0, 5000, 1000)),
    *(("rectum", i, i + 1000, 10) for i in range(0, 5000, 1000)),
    *(
        (site, i, i + 1000, 10)
        for site in ("neuroendocrine", "breast", "gastric", "gist", "sarcoma")
        for i in range(0, 10000, 1000)
    ),
    ("unknown", 0, 2000, 10),
    *((site, 20000, 20300, 30) for site in (*d.SITES, "unknown")),
]


def _shard(task: tuple[str, int, int, int]) -> tuple[str, int, list[str]]:
    site, start, stop, limit = task
    ran, found = disagreements(site, start, stop, limit)
    return site, ran, found


def test_fast_path_and_explained_engine_agree_on_every_random_patient() -> None:
    """Same draws, same path, months, end and final case, for each patient (and the same error for a
    patient the definition cannot finish)."""
    ran: dict[str, int] = {}
    found: list[str] = []
    with ProcessPoolExecutor(max(1, min(4, os.cpu_count() or 1))) as pool:
        for site, count, problems in pool.map(_shard, EQUIVALENCE):
            ran[site] = ran.get(site, 0) + count
            found += problems
    assert found == [], found[:10]
    primaries = {"colorectal": ran["colon"] + ran["rectum"], **{s: ran[s] for s in ran if s not in ("colon", "rectum")}}
    assert all(count >= 10_000 for site, count in primaries.items() if site != "unknown"), primaries


def test_the_engines_agree_on_cohort_draws_too() -> None:
    """The cohort's own source: draws depend on the case the engine asks with, so any drift shows."""
    params = parameters.load()
    for name in ("perioperative-folfox", "s4-metachronous-bilobar", "net-functional-observation-tace-prrt"):
        from pathway.scenario import load

        patient = load(ROOT / "scenarios" / f"{name}.yaml").patient
        for i in range(60):
            fast = run_fast(Case(patient), cohort.CohortSource(params, cohort.patient_rng(3, i), i))
            explained = run(Case(patient), cohort.CohortSource(params, cohort.patient_rng(3, i), i))
            assert fingerprint(fast) == fingerprint(explained), (name, i)


def test_cohort_json_is_the_same_whichever_engine(capsys: pytest.CaptureFixture[str]) -> None:
    file = str(ROOT / "scenarios" / "liver-only-recurrence.yaml")
    outputs = []
    for engine in ("fast", "explained"):
        assert main(["cohort", file, "--n", "150", "--workers", "1", "--json", "--engine", engine]) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0] == outputs[1]
    assert outputs[0]["outcomes"]["resected"] > 0


def test_a_stalled_patient_is_stalled_on_both(monkeypatch: pytest.MonkeyPatch) -> None:
    """D-STEP-LIMIT: the fast path reports the same loop as the explained engine."""
    from pathway import engine

    monkeypatch.setattr(engine, "STEP_LIMIT", 0)  # the first step without a finding read is one too many
    patient = random_patient(random.Random(5), "colon")
    outcomes: list[Any] = []
    for drive in (run, run_fast):
        with pytest.raises(engine.Stalled) as err:
            drive(Case(patient), RandomFindings(random.Random(5)))
        outcomes.append(err.value.problem.format())
    assert outcomes[0] == outcomes[1] and "D-STEP-LIMIT" in outcomes[0]
    assert "(got staging;" in outcomes[0]  # the loop: the one step taken, referral to staging
