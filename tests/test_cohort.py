"""Cohorts: the draws, the tally, reproducibility, calibration against the rule book's figures (R44),
and that each parameter really moves what it drives."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from pathway import cohort, parameters
from pathway.cli import main
from pathway.course import Case, Course, Finding, Intent, Regimen, Response
from pathway.engine import run
from pathway.scenario import Scenario, load

from .random_patients import random_patient

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
FIGURES = ROOT / "figures"
PARAMS = parameters.load()
FIGURE_N = 2000  # the committed flow figure: `pathway render --cohort scenarios/perioperative-folfox.yaml`


def scenario(name: str) -> Scenario:
    return load(SCENARIOS / f"{name}.yaml")


def cohort_json(name: str, n: int, params: parameters.Parameters = PARAMS, seed: int = 1, workers: int = 2) -> Any:
    sc = scenario(name)
    tally = cohort.run_cohort(sc.patient, params, n, seed, workers)
    return cohort.as_json(sc.id, sc.patient, tally, params, seed)


@pytest.fixture(scope="module")
def metachronous() -> Any:
    return cohort_json("perioperative-folfox", 3000)


@pytest.fixture(scope="module")
def synchronous() -> Any:
    return cohort_json("synchronous-symptomatic-primary", 1500)


@pytest.fixture(scope="module")
def bilobar() -> Any:
    return cohort_json("s4-metachronous-bilobar", 600)


@pytest.fixture(scope="module")
def neuroendocrine() -> Any:
    return cohort_json("net-functional-observation-tace-prrt", 300)


def row(data: Any, target: str) -> dict[str, Any]:
    rows = {r["target"]: r for r in data["calibration"]}
    assert target in rows, f"{target} not measured; have {sorted(rows)}"
    found: dict[str, Any] = rows[target]
    return found


# --- calibration: each target within its Monte-Carlo tolerance ----------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "recurrence",
        "recurrence_within_24_months",
        "reresected",
        "progression_on_preoperative",
        "dfi_metachronous",
        "disseminated_metachronous",
        "sirt_response",
    ],
)
def test_metachronous_cohort_reproduces_the_rule_books_figures(metachronous: Any, target: str) -> None:
    r = row(metachronous, target)
    assert r["within"], r
    assert abs(r["simulated"] - r["figure"]) <= r["tolerance"]


@pytest.mark.parametrize("target", ["recurrence", "dfi_synchronous", "disseminated_synchronous"])
def test_synchronous_cohort_reproduces_the_rule_books_figures(synchronous: Any, target: str) -> None:
    r = row(synchronous, target)
    assert r["within"], r


def test_synchronous_and_metachronous_differ_as_s3_says(metachronous: Any, synchronous: Any) -> None:
    assert row(synchronous, "dfi_synchronous")["simulated"] < row(metachronous, "dfi_metachronous")["simulated"]
    assert synchronous["outcomes"]["disseminated_recurrence"] / synchronous["outcomes"]["recurred"] > 0.85
    assert "reresected" not in {r["target"] for r in synchronous["calibration"]}  # the 20% is for metachronous


def test_recurrences_due_during_adjuvant_therapy_are_found_at_the_first_visit() -> None:
    """Simultaneous resection then 6 months of adjuvant FOLFOX: surveillance starts at month 7 after the
    operation, so a recurrence drawn earlier is found then; the interval as drawn keeps S3's median."""
    data = cohort_json("simultaneous-resection", 600)
    assert row(data, "dfi_synchronous")["within"]
    months = data["months"]
    assert months["to_first_recurrence_found"]["median"] >= 7.0 > months["to_first_recurrence"]["median"]
    assert data["outcomes"]["recurrence_found_after_it_was_due"] > data["outcomes"]["recurred"] / 3


def test_sirt_and_net_tace_responses(bilobar: Any, neuroendocrine: Any) -> None:
    assert row(bilobar, "sirt_response")["within"]
    tace = row(neuroendocrine, "net_tace_response")
    assert tace["within"] and tace["accepted"] == [0.5, 0.9]
    assert "sirt_response" not in {r["target"] for r in neuroendocrine["calibration"]}


def test_initially_unresectable_disease_is_sometimes_converted(bilobar: Any) -> None:
    """S4: a subset with an exceptional response becomes resectable; most do not."""
    share = bilobar["outcomes"]["resected"] / bilobar["n"]
    assert 0.1 < share < 0.45, share
    assert bilobar["visits"]["locoregional"] > 0  # stable disease gets liver-directed therapy (S4)


# --- the wiring: changing a parameter moves its outcome -------------------------------------------


def _share(data: Any, num: str, den: str) -> float:
    o = data["outcomes"]
    return float(o[num] / o[den])


def test_recurrence_parameter_moves_recurrence() -> None:
    low = cohort_json("perioperative-folfox", 500, PARAMS.with_values(recurrence_after_resection=0.2))
    high = cohort_json("perioperative-folfox", 500, PARAMS.with_values(recurrence_after_resection=0.9))
    assert _share(low, "recurred", "surveilled_after_resection") < 0.3
    assert _share(high, "recurred", "surveilled_after_resection") > 0.8


def test_progression_share_moves_progression_on_preoperative_chemotherapy() -> None:
    dist = {"complete": 0.0, "partial": 0.2, "stable": 0.2, "mixed": 0.0, "progression": 0.6}
    data = cohort_json("perioperative-folfox", 400, PARAMS.with_distribution("response_perioperative", dist))
    assert _share(data, "progressed_on_preoperative", "started_perioperative") > 0.5
    assert data["outcomes"]["resected"] < 0.8 * data["n"]


def test_median_dfi_moves_the_months_to_recurrence() -> None:
    data = cohort_json("perioperative-folfox", 500, PARAMS.with_values(median_dfi_metachronous=20.0))
    assert 17 < data["months"]["to_first_recurrence"]["median"] < 23
    assert not row(data, "dfi_metachronous")["within"]  # the figure stays the rule book's: 10 months


def test_disseminated_share_moves_liver_only_recurrence_and_re_resection() -> None:
    spread = cohort_json("perioperative-folfox", 500, PARAMS.with_values(disseminated_recurrence_metachronous=0.95))
    assert _share(spread, "liver_only_recurrence", "recurred") < 0.1
    assert _share(spread, "reresected", "recurred") < 0.1


def test_resectable_recurrence_share_moves_re_resection() -> None:
    few = cohort_json("perioperative-folfox", 500, PARAMS.with_values(recurrent_liver_resectable=0.0))
    many = cohort_json("perioperative-folfox", 500, PARAMS.with_values(recurrent_liver_resectable=1.0))
    assert _share(many, "reresected", "recurred") > _share(few, "reresected", "recurred") + 0.2


def test_tare_response_moves_the_sirt_row() -> None:
    dist = {"complete": 0.0, "partial": 0.9, "stable": 0.1, "mixed": 0.0, "progression": 0.0}
    data = cohort_json("s4-metachronous-bilobar", 200, PARAMS.with_distribution("response_tare", dist))
    assert row(data, "sirt_response")["simulated"] > 0.8


def test_horizon_parameter_stops_the_draws() -> None:
    data = cohort_json("conversion-ras-mutant-stable", 100, PARAMS.with_values(horizon_months=6.0), workers=1)
    assert data["outcomes"]["ongoing_at_horizon"] > 50
    assert data["horizon_months"] == 6.0


def test_nothing_is_found_after_the_horizon() -> None:
    """Five years disease-free, or a recurrence, dated past the horizon: the patient is still followed up."""
    data = cohort_json("perioperative-folfox", 150, PARAMS.with_values(horizon_months=40.0), workers=1)
    assert data["outcomes"]["disease_free"] == 0  # five years after a resection near month 5 is past month 40
    assert data["outcomes"]["ongoing_at_horizon"] > 0
    case = _case("perioperative-folfox", month=30.0, last_curative_month=5.0)
    late = PARAMS.with_values(horizon_months=40.0, recurrence_after_resection=0.0)
    assert cohort.CohortSource(late, random.Random(1)).surveillance(case, "t") is None
    kept = PARAMS.with_values(horizon_months=70.0, recurrence_after_resection=0.0)
    found = cohort.CohortSource(kept, random.Random(1)).surveillance(case, "t")
    assert found is not None and found.recurrence == "none"
    recurs = PARAMS.with_values(horizon_months=31.0, recurrence_after_resection=1.0, median_dfi_metachronous=20.0)
    findings = [cohort.CohortSource(recurs, random.Random(s)).surveillance(case, "t") for s in range(60)]
    months = [f.month for f in findings if f is not None]
    assert months and all(m is not None and m <= 31.0 for m in months)
    assert None in findings  # drawn past month 31


def test_resected_counts_an_operation_only_once_its_margin_is_read() -> None:
    """A horizon at the month of arrival at surgery: the patient reached surgery, was not yet operated."""
    data = cohort_json("perioperative-folfox", 40, PARAMS.with_values(horizon_months=4.5), workers=1)
    assert data["visits"]["surgery"] > 0
    assert data["outcomes"]["resected"] == 0 and data["months"]["to_first_surgery"]["patients"] == 0
    later = cohort_json("perioperative-folfox", 40, PARAMS.with_values(horizon_months=4.6), workers=1)
    assert later["outcomes"]["resected"] == later["visits"]["surgery"] > 0


def test_immunotherapy_is_not_perioperative_chemotherapy() -> None:
    """R11: dMMR disease gets immunotherapy, which R18's 20% progression on chemotherapy does not describe."""
    sc = scenario("perioperative-folfox")
    dmmr = replace(sc.patient, biomarkers=replace(sc.patient.biomarkers, mmr="dMMR"))
    tally = cohort.run_cohort(dmmr, PARAMS, 30, 1, 1)
    assert tally.outcomes["started_perioperative"] == 0
    assert any(context == "response_immunotherapy" for context, _ in tally.responses)
    assert cohort.run_cohort(sc.patient, PARAMS, 30, 1, 1).outcomes["started_perioperative"] == 30


def test_staging_draws_sstr_for_a_neuroendocrine_patient() -> None:
    """R32: PRRT needs SSTR-positive disease; a cohort draws the status when the scenario leaves it unknown."""
    sc = scenario("net-functional-observation-tace-prrt")
    unknown = replace(sc.patient, biomarkers=replace(sc.patient.biomarkers, sstr="unknown"))
    yes = cohort.CohortSource(PARAMS.with_values(sstr_positive=1.0), random.Random(1)).staging(Case(unknown), "t")
    no = cohort.CohortSource(PARAMS.with_values(sstr_positive=0.0), random.Random(1)).staging(Case(unknown), "t")
    assert yes.patient["biomarkers"]["sstr"] == "positive" and no.patient["biomarkers"]["sstr"] == "negative"
    known = cohort.CohortSource(PARAMS, random.Random(1)).staging(Case(sc.patient), "t")
    assert "sstr" not in known.patient.get("biomarkers", {})

    def prrt(share: float) -> int:
        params = PARAMS.with_values(sstr_positive=share)
        trajectories = [run(Case(unknown), cohort.CohortSource(params, cohort.patient_rng(1, i), i)) for i in range(30)]
        return sum(any(step.road.name == "net_prrt" for step in t.steps) for t in trajectories)

    assert prrt(0.0) == 0 < prrt(1.0)


def test_a_patient_the_pathway_cannot_finish_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def bad_margin(self: cohort.CohortSource, case: Case, origin: str) -> Finding:
        return Finding("surgery", origin=origin)  # no margin: the engine's validation refuses it

    monkeypatch.setitem(cohort._DRAWS, "surgery", bad_margin)
    file = str(SCENARIOS / "perioperative-folfox.yaml")
    assert main(["cohort", file, "--n", "5", "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{file}: cohort patient 0: ") and "margin" in err and "Traceback" not in err


# --- reproducibility, and what the JSON holds -----------------------------------------------------


def test_same_seed_same_json_whatever_the_workers() -> None:
    one = cohort_json("liver-only-recurrence", 240, workers=1)
    two = cohort_json("liver-only-recurrence", 240, workers=2)
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True)
    other = cohort_json("liver-only-recurrence", 240, seed=2, workers=1)
    assert other["edges"] != one["edges"] or other["outcomes"] != one["outcomes"]


def test_a_patients_draws_depend_on_its_index_only() -> None:
    sc = scenario("perioperative-folfox")
    alone = cohort.simulate(sc.patient, PARAMS, 7, 150, 151)
    within = cohort.simulate(sc.patient, PARAMS, 7, 149, 151)
    before = cohort.simulate(sc.patient, PARAMS, 7, 149, 150)
    before.merge(alone)
    assert before == within


def test_cohort_json_has_the_pinned_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cohort", str(SCENARIOS / "perioperative-folfox.yaml"), "--n", "30", "--workers", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"scenario", "n", "seed", "final_states", "visits", "edges", "outcomes", "parameters"} <= set(data)
    assert data["scenario"] == "perioperative-folfox" and data["n"] == 30 and data["seed"] == 1
    pinned = ("resected", "recurred", "recurred_within_24_months", "reresected")
    assert set(pinned) | {"started_perioperative", "progressed_on_preoperative"} <= set(data["outcomes"])
    assert sum(data["final_states"].values()) == 30
    assert data["visits"]["referral"] == 30
    assert all({"from", "to", "patients"} <= set(e) for e in data["edges"])
    assert {"name", "source"} <= set(data["parameters"][0])
    names = {p["name"] for p in data["parameters"]}
    assert "recurrence_after_resection" in names and len(names) == len(parameters.KINDS)
    assert "not a clinical decision system" in data["disclaimer"]


def test_cohort_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cohort", str(SCENARIOS / "perioperative-folfox.yaml"), "--n", "40", "--workers", "1"]) == 0
    out = capsys.readouterr()
    assert "not a clinical decision system" in out.out
    assert "Cohort of 40 patients like perioperative-folfox (seed 1)" in out.out
    assert "liver resection" in out.out and "median" in out.out
    assert "Calibration against the rule book's figures (R44)" in out.out
    assert out.err == ""  # no progress bar when stderr is not a terminal


def test_bad_scenario_for_a_cohort_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: x\npatient: {age: 200}\n", encoding="utf-8")
    assert main(["cohort", str(bad), "--n", "5"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:3: patient.age" in err and "Traceback" not in err


@pytest.mark.parametrize(("option", "value"), [("--n", "0"), ("--n", "x"), ("--seed", "-1"), ("--workers", "0")])
def test_bad_cohort_options_are_exit_2(option: str, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["cohort", str(SCENARIOS / "perioperative-folfox.yaml"), option, value])
    assert exit_.value.code == 2
    assert option in capsys.readouterr().err


# --- every primary: every draw valid, every patient ends ------------------------------------------


def test_random_patients_of_every_primary_draw_only_valid_findings() -> None:
    """Each draw goes through the engine's validation (pathway.findings): none may be refused, and each
    patient ends in a terminal state or waits at the horizon."""
    rng = random.Random(13)
    ended: set[str] = set()
    for index in range(300):
        patient = random_patient(rng)
        source = cohort.CohortSource(PARAMS, cohort.patient_rng(5, index), index)
        trajectory = run(Case(patient), source, f"cohort[{index}]")
        assert trajectory.ended == "terminal" or trajectory.steps[-1].month >= PARAMS.value("horizon_months") - 6
        ended.add(trajectory.final_state)
    assert {"disease_free", "best_supportive_care", "maintenance"} <= ended


def test_every_response_context_has_a_parameter() -> None:
    contexts = {name for name in parameters.KINDS if name.startswith("response_")}
    rng = random.Random(3)
    seen: set[str] = set()
    for index in range(300):
        source = cohort.CohortSource(PARAMS, cohort.patient_rng(9, index), index)
        run(Case(random_patient(rng)), source)
        seen |= {c for c, _ in source.contexts}
    assert seen <= contexts
    assert len(seen) >= 12, sorted(contexts - seen)


# --- the draws, at their boundaries ---------------------------------------------------------------


def test_pick_follows_the_declared_order() -> None:
    class Fixed(random.Random):
        def __init__(self, u: float) -> None:
            super().__init__(0)
            self.u = u

        def random(self) -> float:
            return self.u

    dist = (("a", 0.2), ("b", 0.0), ("c", 0.8))
    assert cohort.pick(Fixed(0.1999), dist) == "a"
    assert cohort.pick(Fixed(0.2), dist) == "c"
    assert cohort.pick(Fixed(0.99999), dist) == "c"


def test_months_to_recurrence_put_90_percent_within_two_years() -> None:
    for median in (6.0, 10.0):
        rng = random.Random(1)
        draws = [cohort.months_to_recurrence(rng, median, 0.9) for _ in range(20000)]
        assert max(draws) <= 60.0
        within = sum(d <= 24.0 for d in draws) / len(draws)
        assert abs(within - 0.9) < 0.01
        assert abs(sorted(draws)[len(draws) // 2] - median) < 0.05 * median


def _case(name: str, **course: Any) -> Case:
    sc = scenario(name)
    return Case(sc.patient, replace(Course(), **course))


def _reassess(case: Case, params: parameters.Parameters, seed: int = 0) -> Finding:
    return cohort.CohortSource(params, random.Random(seed)).reassessment(case, "test")


ALWAYS_PARTIAL = {"complete": 0.0, "partial": 1.0, "stable": 0.0, "mixed": 0.0, "progression": 0.0}


def test_conversion_is_looked_for_within_six_months_of_systemic_therapy() -> None:
    params = PARAMS.with_values(conversion_given_response=1.0).with_distribution(
        "response_conversion_triplet", ALWAYS_PARTIAL
    )
    triplet = Regimen("FOLFOXIRI + bevacizumab", oxaliplatin=True, bevacizumab=True)
    at_six = _case("s4-metachronous-bilobar", intent=Intent.CONVERSION, regimen=triplet, systemic_months=6.0)
    past = _case("s4-metachronous-bilobar", intent=Intent.CONVERSION, regimen=triplet, systemic_months=6.01)
    assert _reassess(at_six, params).patient["liver"]["r0_achievable"] is True
    assert "r0_achievable" not in _reassess(past, params).patient["liver"]
    palliative = _case("s4-metachronous-bilobar", intent=Intent.PALLIATIVE, regimen=triplet, systemic_months=2.0)
    assert "r0_achievable" not in _reassess(palliative, params).patient.get("liver", {})


def test_a_partial_response_shrinks_the_disease_by_recist() -> None:
    params = PARAMS.with_distribution("response_perioperative", ALWAYS_PARTIAL)
    case = _case("perioperative-folfox", intent=Intent.PERIOPERATIVE, regimen=Regimen("FOLFOX", oxaliplatin=True))
    finding = _reassess(case, params)
    assert finding.response == Response.PARTIAL
    assert finding.patient["liver"]["largest_cm"] == round(3.5 * 0.7, 2)  # RECIST: at least 30% smaller
    assert finding.patient["liver"]["lesions"] == 2  # 3 lesions, a fifth no longer seen


def test_progression_can_make_resectable_disease_unresectable() -> None:
    always = {"complete": 0.0, "partial": 0.0, "stable": 0.0, "mixed": 0.0, "progression": 1.0}
    case = _case("perioperative-folfox", intent=Intent.PERIOPERATIVE, regimen=Regimen("FOLFOX", oxaliplatin=True))
    params = PARAMS.with_distribution("response_perioperative", always)
    gone = _reassess(case, params.with_values(progression_unresectable=1.0))
    kept = _reassess(case, params.with_values(progression_unresectable=0.0))
    assert gone.patient["liver"]["r0_achievable"] is False
    assert "r0_achievable" not in kept.patient["liver"]
    assert kept.patient["liver"]["largest_cm"] == 4.2  # RECIST progression: at least 20% larger


def test_palliative_decline_leads_to_ecog_3() -> None:
    case = _case("s4-metachronous-bilobar", intent=Intent.PALLIATIVE, block_months=2.0)
    soon = _reassess(case, PARAMS.with_values(median_months_to_supportive_care=0.01))
    never = _reassess(case, PARAMS.with_values(median_months_to_supportive_care=600.0))
    assert soon.patient["ecog"] == 3
    assert "ecog" not in never.patient


def test_staging_draws_only_what_is_unknown() -> None:
    sc = scenario("s0-multifocal-unknown-primary")
    source = cohort.CohortSource(PARAMS.with_values(ras_mutant=1.0), random.Random(4))
    finding = source.staging(Case(sc.patient), "test")
    site = finding.patient["primary"]["site"]
    assert site in parameters.SITES
    known = scenario("perioperative-folfox")
    assert cohort.CohortSource(PARAMS, random.Random(4)).staging(Case(known.patient), "t").patient == {"biomarkers": {}}


def test_braf_is_wild_type_when_ras_is_mutant() -> None:
    sc = scenario("perioperative-folfox")
    unknown = replace(sc.patient, biomarkers=replace(sc.patient.biomarkers, ras="unknown", braf="unknown"))
    params = PARAMS.with_values(ras_mutant=1.0, braf_mutant_if_ras_wild_type=1.0)
    drawn = cohort.CohortSource(params, random.Random(1)).staging(Case(unknown), "t").patient["biomarkers"]
    assert drawn == {"ras": "mutant", "braf": "wild-type"}
    wild = PARAMS.with_values(ras_mutant=0.0, braf_mutant_if_ras_wild_type=1.0)
    drawn = cohort.CohortSource(wild, random.Random(1)).staging(Case(unknown), "t").patient["biomarkers"]
    assert drawn == {"ras": "wild-type", "braf": "mutant"}


def test_a_recurrence_drawn_before_the_first_visit_is_found_at_it() -> None:
    params = PARAMS.with_values(recurrence_after_resection=1.0, median_dfi_metachronous=0.5)
    case = _case("perioperative-folfox", month=8.0, last_curative_month=4.0)
    months = [cohort.CohortSource(params, random.Random(s)).surveillance(case, "t") for s in range(50)]
    assert all(f is not None and f.month is not None and f.month >= 8.0 for f in months)


# --- the flow figure and the README's table -------------------------------------------------------


@pytest.fixture(scope="module")
def figure_cohort() -> Any:
    """The cohort of the committed flow figure and of the README's table."""
    return cohort_json("perioperative-folfox", FIGURE_N)


def test_committed_flow_figure_is_current(tmp_path: Path, figure_cohort: Any) -> None:
    """figures/cohorts: `pathway render --cohort scenarios/perioperative-folfox.yaml` (N 2000, seed 1)."""
    from pathway.figures import write_cohort

    written = write_cohort(tmp_path, scenario("perioperative-folfox"), figure_cohort, ["svg", "png"])
    for path in written:
        committed = FIGURES / "cohorts" / path.name
        assert path.read_bytes() == committed.read_bytes(), (
            "run `pathway render --cohort scenarios/perioperative-folfox.yaml`"
        )
    svg = (tmp_path / "cohorts" / "perioperative-folfox.svg").read_text(encoding="utf-8")
    assert "2,000" in svg and "100%" in svg  # every patient goes referral -> staging
    assert "Cohort: Three resectable metastases" in svg
    assert 'id="edge-surveillance--recurrence"' in svg and 'id="label-surveillance--recurrence"' in svg
    recurred = f"{figure_cohort['outcomes']['recurred']:,}"
    assert recurred in svg  # the surveillance -> recurrence arrow's count is the cohort's recurrences


def test_render_cohort_writes_only_into_its_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    file = str(SCENARIOS / "frail-patient.yaml")
    assert main(["render", "--cohort", file, "--out", str(out), "--n", "20", "--workers", "1", "--format", "svg"]) == 0
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == [
        Path("out"),
        Path("out/cohorts"),
        Path("out/cohorts/frail-patient.svg"),
    ]


README_TABLE = (
    "<!-- cohort table: generated by tests/test_cohort.py --update-goldens -->\n",
    "<!-- end of cohort table -->",
)
README_PARAMETERS = (
    "<!-- parameters: generated from pathway/cohort_parameters.yaml -->\n",
    "<!-- end of parameters -->",
)


def _readme_block(marks: tuple[str, str], want: str, update: bool) -> str:
    start, end = marks
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    before, rest = text.split(start)
    block, after = rest.split(end)
    if update and block != want:
        (ROOT / "README.md").write_text(before + start + want + end + after, encoding="utf-8")
        block = want
    return block


def test_readme_cohort_table_is_what_the_cohort_prints(figure_cohort: Any, update_goldens: bool) -> None:
    lines = cohort.iter_lines(figure_cohort, scenario("perioperative-folfox").title)
    want = "```text\n$ pathway cohort scenarios/perioperative-folfox.yaml --n 2000\n" + "\n".join(lines) + "\n```\n"
    assert _readme_block(README_TABLE, want, update_goldens) == want


def test_readme_lists_every_parameter_with_its_source(update_goldens: bool) -> None:
    want = parameters.markdown_table(PARAMS)
    block = _readme_block(README_PARAMETERS, want, update_goldens)
    assert block == want
    assert all(f"`{name}`" in block for name in parameters.KINDS)
