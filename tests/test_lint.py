"""`pathway lint` and the build: the tables are sound, and broken tables are named for what is wrong."""

from __future__ import annotations

import itertools
import random
import shutil
import subprocess
import sys
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from pathway import common, lint
from pathway import definition as d
from pathway import guards as g
from pathway.cli import main
from pathway.course import Case
from pathway.primaries import neuroendocrine
from pathway.tables import Pathway, PathwayTable, build
from pathway.vocabulary import Category, Decision, DefinitionError, Plan, Road

from .conftest import ROOT

NET = neuroendocrine.TABLE


def net_with(*roads: Road, without: tuple[str, ...] = ()) -> PathwayTable:
    kept = tuple(r for r in NET.roads if r.name not in without)
    return PathwayTable(NET.profile, (*kept, *roads))


# Observation only for bilobar disease: an unresectable NET in one lobe finds no road at the MDT.
HOLEY = net_with(
    replace(next(r for r in NET.roads if r.name == "net_observation"), guards=(g.bilobar,)),
    without=("net_observation",),
)


def road(name: str, source: str, dest: str, rank: int, *guards: g.Guard, label: str = "a label") -> Road:
    return Road(
        name=name,
        source=source,
        dest=dest,
        rank=rank,
        guards=guards,
        rules=("R32",),
        label=label,
        plan=lambda c: Plan(Decision(Category.RESTAGING)),
    )


def findings_of(table: PathwayTable) -> list[str]:
    return lint.lint_table(table, common.EVERY_PATHWAY).findings


# --- the shipped definition ---------------------------------------------------------------


def test_every_pathway_is_clean() -> None:
    reports = lint.lint_all()
    assert [r.name for r in reports] == list(d.PATHWAYS)
    assert [f for r in reports for f in r.findings] == []
    for report in reports:  # every road of every pathway is taken by some patient of the grid
        taken = {name for s in report.states for name in s.takes}
        pathway = d.PATHWAYS[report.name]
        assert taken == {r.name for r in pathway.roads if not r.alternative}


def test_lint_command_names_each_primary_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == list(d.PATHWAYS)
    assert all(line.endswith(": clean") and "grid of" in line for line in lines)


def test_the_grid_covers_each_boundary_on_both_sides() -> None:
    report = lint.search_state(d.PATHWAYS["colorectal"], "mdt_review")
    axes = dict(report.axes)
    assert {29.9, 30} <= set(axes["patient.liver.flr_percent"])
    assert {5, 6, 9, 10, 11} <= set(axes["patient.liver.lesions"])
    assert {1.9, 2.0, 4.0, 4.1} <= set(axes["patient.liver.largest_cm"])
    assert {1, 2, 3} <= set(axes["patient.ecog"])
    assert set(axes["patient.extrahepatic"]) == {"none", "resectable", "unresectable"}


def _brute_force(pathway: Pathway, state: str) -> tuple[set[str], bool]:
    report = lint.search_state(pathway, state)
    base = lint.base_case(pathway, state)
    roads = pathway.roads_from(state)
    winners: set[str] = set()
    hole = False
    for values in itertools.product(*(v for _, v in report.axes)):
        c = base
        for (path, _), value in zip(report.axes, values, strict=True):
            c = lint.with_field(c, path.split("."), value)
        if not lint.consistent(c):
            continue
        winner = next((r for r in roads if all(gd(c).passed for gd in r.guards)), None)
        if winner is None:
            hole = True
        else:
            winners.add(winner.name)
    return winners, hole


@pytest.mark.parametrize(
    ("table", "state"),
    [
        (None, "liver_augmentation"),
        (None, "surgery"),
        (NET, "mdt_review"),
        (HOLEY, "mdt_review"),  # a table with a hole
    ],
    ids=["colorectal-liver-augmentation", "colorectal-surgery", "net-mdt", "net-mdt-with-a-hole"],
)
def test_the_search_agrees_with_brute_force(table: PathwayTable | None, state: str) -> None:
    pathway = d.PATHWAYS["colorectal"] if table is None else build(table, common.EVERY_PATHWAY)
    winners, hole = _brute_force(pathway, state)
    report = lint.search_state(pathway, state)
    assert set(report.takes) == winners
    assert (report.none_open is not None) == hole


# --- broken tables are named ----------------------------------------------------------------


def test_a_road_after_a_catch_all_is_shadowed() -> None:
    late = road("net_late_resection", "mdt_review", "surgery", 200, *g.RESECTABLE_AT_PRESENTATION)
    (finding,) = findings_of(net_with(late))
    assert finding.startswith("neuroendocrine: mdt_review: road net_late_resection is shadowed")
    assert "net_observation" in finding


def test_a_road_whose_guards_contradict_is_never_open() -> None:
    never = road("net_never", "mdt_review", "surgery", 127, g.flr_at_least_30, g.flr_below_30)
    assert findings_of(net_with(never)) == [
        "neuroendocrine: mdt_review: road net_never is never open on the grid (its guards contradict)"
    ]


def test_a_hole_names_the_patients_no_road_serves() -> None:
    (finding,) = findings_of(HOLEY)
    assert finding.startswith("neuroendocrine: mdt_review: no road is open for ")
    assert "liver.bilobar=False" in finding and "transplant_candidate=False" in finding


def test_a_dead_end_is_refused_by_the_build() -> None:
    into = road("net_pve", "reassessment", "liver_augmentation", 105, g.flr_below_30)
    with pytest.raises(DefinitionError, match="state liver_augmentation is a dead end: no road leaves it"):
        build(net_with(into), common.EVERY_PATHWAY)
    assert any("dead end" in f for f in findings_of(net_with(into)))


def test_a_road_out_of_a_state_never_reached_is_refused() -> None:
    out = road("net_stage_two", "liver_augmentation", "surgery", 100)
    with pytest.raises(DefinitionError, match="state liver_augmentation is unreachable"):
        build(net_with(out), common.EVERY_PATHWAY)


def test_a_state_reached_only_by_roads_never_taken_is_unreachable() -> None:
    into = road("net_never_pve", "reassessment", "liver_augmentation", 105, g.flr_at_least_30, g.flr_below_30)
    out = road("net_after_pve", "liver_augmentation", "surgery", 100)
    found = findings_of(net_with(into, out))
    assert "neuroendocrine: state liver_augmentation is unreachable: every road into it is never taken" in found


def test_a_missing_label_is_named() -> None:
    unlabelled = replace(NET.roads[0], label="")
    table = PathwayTable(NET.profile, (unlabelled, *NET.roads[1:]))
    with pytest.raises(DefinitionError, match="road net_anatomic_resection: no label"):
        build(table, common.EVERY_PATHWAY)


def test_a_tie_in_rank_an_unknown_rule_and_an_unregistered_guard_are_named() -> None:
    tie = road("net_tie", "mdt_review", "surgery", neuroendocrine.ROADS[0].rank)
    stranger = g.Guard("stranger", "stranger", (), lambda c: g.verdict(True, "yes"))
    odd = replace(road("net_odd", "mdt_review", "surgery", 101, stranger), rules=("R99",))
    with pytest.raises(DefinitionError) as err:
        build(net_with(tie, odd), common.EVERY_PATHWAY)
    message = str(err.value)
    assert "unknown rule 'R99'" in message
    assert "guard 'stranger' is not in the guard registry" in message
    with pytest.raises(DefinitionError, match="roads net_anatomic_resection and net_tie share rank 100"):
        build(net_with(tie), common.EVERY_PATHWAY)


def test_a_postoperative_road_needs_a_postoperative_course() -> None:
    with pytest.raises(DefinitionError, match="no postoperative course"):
        build(net_with(*common.POSTOPERATIVE), common.EVERY_PATHWAY)


def test_a_guard_name_names_one_guard() -> None:
    with pytest.raises(g.GuardError, match="two guards are named 'ecog_2'"):
        g.register(replace(g.ecog_2, label="another"))


# --- what guards declare they read ---------------------------------------------------------


class Trace:
    """A case that records every field read through it (properties are read through it too)."""

    def __init__(self, obj: Any, path: str, seen: set[str]) -> None:
        self._obj, self._path, self._seen = obj, path, seen

    def __getattr__(self, name: str) -> Any:
        attr = getattr(type(self._obj), name, None)
        if isinstance(attr, property):
            return attr.fget(self)  # type: ignore[misc]
        value = getattr(self._obj, name)
        path = f"{self._path}.{name}" if self._path else name
        self._seen.add(path)
        return Trace(value, path, self._seen) if is_dataclass(value) and not isinstance(value, type) else value


def _declared(path: str, reads: dict[str, Any]) -> bool:
    return any(path == r or path.startswith(r + ".") or r.startswith(path + ".") for r in reads)


@pytest.mark.parametrize("primary", list(d.PATHWAYS))
def test_every_guard_reads_only_what_it_declares(primary: str) -> None:
    """The grid is built from the declarations, so a guard reading an undeclared field would escape it."""
    pathway = d.PATHWAYS[primary]
    rng = random.Random(7)
    for state in {r.source for r in pathway.roads}:
        report = lint.search_state(pathway, state)
        base = lint.base_case(pathway, state)
        guards = {gd.name: gd for r in pathway.roads_from(state) for gd in r.guards}
        for _ in range(60):
            c: Case = base
            for path, values in report.axes:
                c = lint.with_field(c, path.split("."), rng.choice(values))
            for gd in guards.values():
                seen: set[str] = set()
                gd(Trace(c, "", seen))  # type: ignore[arg-type]
                stray = [p for p in seen if not _declared(p, dict(gd.reads)) and p not in ("patient", "course")]
                assert not stray, f"{gd.name} reads {stray} without declaring it"


def test_the_trace_sees_what_a_guard_reads() -> None:
    """Control: the tracer catches a field read through a property."""
    seen: set[str] = set()
    c = lint.base_case(d.PATHWAYS["colorectal"], "mdt_review")
    assert Trace(c, "", seen).patient.primary.left_sided is True
    assert "patient.primary.site" in seen and "patient.primary.side" in seen
    assert [f.name for f in fields(c.patient.primary)][:2] == ["site", "resected"]


# --- adding a primary is one module and one line -----------------------------------------------

DEMO = '''"""A demonstration primary (tests only): every patient goes to best supportive care."""

from ..common import OWN
from ..profile import Profile
from ..tables import PathwayTable
from ..vocabulary import Category, Decision, Plan, Road

ROADS = (
    Road(
        name="demo_supportive",
        source="mdt_review",
        dest="best_supportive_care",
        rank=OWN,
        rules=("R1",),
        label="every demo patient",
        plan=lambda c: Plan(Decision(Category.POOR_PERFORMANCE)),
    ),
)
TABLE = PathwayTable(Profile(name="demo", title="Demo liver metastases", noun="demo", sites=("demo",)), ROADS)
'''

DEMO_SCENARIO = """id: demo-case
title: A demo patient
teaching:
  objectives: [Show that a new primary needs one module and one line]
patient:
  age: 50
  sex: female
  ecog: 0
  primary: {site: demo, resected: true}
  presentation: metachronous
  liver: {lesions: 2, largest_cm: 2.0, bilobar: false, flr_percent: 60, r0_achievable: true}
  extrahepatic: none
expect:
  path: [referral, staging, mdt_review, best_supportive_care]
"""


def _package_with(tmp_path: Path, module: str) -> Path:
    """A copy of the package with one more primary: its module and one registration line."""
    package = tmp_path / "pathway"
    shutil.copytree(ROOT / "pathway", package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "primaries" / "demo.py").write_text(module, encoding="utf-8")
    definition = package / "definition.py"
    text = definition.read_text(encoding="utf-8")
    text = text.replace("    sarcoma.TABLE,\n", "    sarcoma.TABLE,\n    demo.TABLE,\n")
    text = text.replace("from .primaries import breast,", "from .primaries import demo\nfrom .primaries import breast,")
    definition.write_text(text, encoding="utf-8")
    return tmp_path


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pathway", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_a_new_primary_is_one_module_and_one_registration_line(tmp_path: Path) -> None:
    where = _package_with(tmp_path, DEMO)
    (where / "demo.yaml").write_text(DEMO_SCENARIO, encoding="utf-8")
    checked = _run(where, "check", "demo.yaml")
    assert checked.returncode == 0, checked.stderr
    linted = _run(where, "lint")
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert linted.stdout.splitlines()[-1].startswith("demo: ")
    graph = _run(where, "graph", "--primary", "demo", "--format", "mermaid")
    assert graph.returncode == 0, graph.stderr
    assert "best_supportive_care" in graph.stdout


def test_a_broken_table_is_reported_by_the_command_line_without_a_traceback(tmp_path: Path) -> None:
    where = _package_with(tmp_path, DEMO.replace('label="every demo patient",', ""))
    linted = _run(where, "lint")
    assert linted.returncode == 1
    assert "Traceback" not in linted.stderr
    assert linted.stderr.strip() == (
        "pathway: definition: demo pathway: road demo_supportive: no label (the text drawn on its diagram edge)"
    )
