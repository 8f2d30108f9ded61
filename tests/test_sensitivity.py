"""Sensitivity analyses of a cohort: parameter sets drawn from the stated ranges (`--psa K`), one-way
(`--tornado`) with its figure, and their command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pathway import cohort, parameters, sensitivity
from pathway.cli import main
from pathway.figures import write_tornado
from pathway.scenario import load

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "figures" / "cohorts"
PARAMS = parameters.load()
TORNADO_N = 500  # the committed figure: `pathway cohort scenarios/perioperative-folfox.yaml --n 500 --tornado`


def periop() -> Any:
    return load(ROOT / "scenarios" / "perioperative-folfox.yaml")


def test_a_parameter_set_draws_each_uncertain_parameter_within_its_range() -> None:
    varied = sensitivity.uncertain(PARAMS)
    assert "horizon_months" not in [p.name for p in varied]  # a choice of the analysis
    assert "recurrence_after_resection" in [p.name for p in varied]
    sets = [sensitivity.draw_set(PARAMS, 1, k) for k in range(40)]
    for p in varied:
        assert p.low is not None and p.high is not None
        values = [s.value(p.name) for s in sets]
        assert all(p.low <= v <= p.high for v in values), p.name
        assert len(set(values)) > 30, p.name  # drawn, not fixed
    for s in sets:
        assert s.value("horizon_months") == PARAMS.value("horizon_months")
        assert s.distribution("margin") == PARAMS.distribution("margin")
    again = sensitivity.draw_set(PARAMS, 1, 7)
    assert [again.value(p.name) for p in varied] == [sets[7].value(p.name) for p in varied]
    other = sensitivity.draw_set(PARAMS, 2, 7)
    assert [other.value(p.name) for p in varied] != [sets[7].value(p.name) for p in varied]


def test_triangular_draws_have_the_value_as_their_mode() -> None:
    """A range skewed around the value: the draws' mean is (low + value + high) / 3, not the midpoint
    (a uniform draw, or a triangular one ignoring the mode, would give the midpoint)."""
    skewed = PARAMS.items["median_months_to_supportive_care_net"]
    assert (skewed.low, skewed.value, skewed.high) == (36.0, 60.0, 96.0)
    values = [sensitivity.draw_set(PARAMS, 3, k).value(skewed.name) for k in range(2000)]
    mean = sum(values) / len(values)
    assert abs(mean - 64.0) < 1.0 and abs(mean - 66.0) > 1.0
    below = sum(v < 60.0 for v in values) / len(values)
    assert abs(below - 24 / 60) < 0.04  # the share below the mode: (value - low) / (high - low)


def test_psa_reports_each_outcome_with_its_interval() -> None:
    sc = periop()
    base = cohort.run_cohort(sc.patient, PARAMS, 200, 1, 1)
    data = sensitivity.psa(sc.patient, PARAMS, base, 8, 1, 1)
    assert data["sets"] == 8 and data["n"] == 200 and len(data["parameter_sets"]) == 8
    assert set(data["outcomes"]) == {o.name for o in sensitivity.OUTCOMES}
    for name, o in data["outcomes"].items():
        assert o["low"] <= o["median"] <= o["high"], name
    recurred = data["outcomes"]["recurred"]
    assert recurred["base"] == round(base.outcomes["recurred"] / base.outcomes["surveilled_after_resection"], 4)
    assert recurred["high"] - recurred["low"] > 0.02  # the parameter sets move it


def test_a_wider_range_widens_the_interval(tmp_path: Path) -> None:
    """The wiring: the range in the parameter file is what the interval comes from."""
    sc = periop()
    base = cohort.run_cohort(sc.patient, PARAMS, 200, 1, 1)
    narrow = PARAMS.with_values()
    wide_file = tmp_path / "wide.yaml"
    wide_file.write_text("recurrence_after_resection:\n  value: 0.6\n  range: [0.2, 0.95]\n", encoding="utf-8")
    wide = parameters.load(str(wide_file))
    width = []
    for params in (narrow, wide):
        o = sensitivity.psa(sc.patient, params, base, 12, 5, 1)["outcomes"]["recurred"]
        width.append(o["high"] - o["low"])
    assert width[1] > 2 * width[0]


def test_one_way_moves_each_outcome_by_its_parameter_only() -> None:
    sc = periop()
    base = cohort.run_cohort(sc.patient, PARAMS, 200, 1, 1)
    data = sensitivity.tornado(sc.patient, PARAMS, base, 1, 1)
    rows = {r["parameter"]: r for r in data["parameters"]}
    assert set(rows) == {p.name for p in sensitivity.uncertain(PARAMS)}
    recurrence = rows["recurrence_after_resection"]["outcomes"]["recurred"]
    assert recurrence["low"] < data["base"]["recurred"] < recurrence["high"]
    # The same patients each time: a parameter this colorectal cohort never draws moves nothing at all.
    for unused in ("her2_positive_gastric", "sstr_positive", "median_months_to_supportive_care_net"):
        for name, ends in rows[unused]["outcomes"].items():
            assert ends["low"] == ends["high"] == data["base"][name], (unused, name)
    assert sensitivity.swing(rows["sstr_positive"], "recurred") == 0.0


@pytest.fixture(scope="module")
def figure_data() -> Any:
    sc = periop()
    base = cohort.run_cohort(sc.patient, PARAMS, TORNADO_N, 1, 2)
    return sensitivity.tornado(sc.patient, PARAMS, base, 1, 2)


def test_committed_tornado_figure_is_current(tmp_path: Path, figure_data: Any) -> None:
    written = write_tornado(tmp_path, periop(), figure_data, ["svg", "png"])
    for path in written:
        assert path.read_bytes() == (FIGURES / path.name).read_bytes(), (
            f"run `pathway cohort scenarios/perioperative-folfox.yaml --n {TORNADO_N} --tornado`"
        )


def test_the_tornado_figure_names_each_outcome_and_its_top_parameters(figure_data: Any) -> None:
    svg = (FIGURES / "perioperative-folfox-tornado.svg").read_text(encoding="utf-8")
    for outcome in figure_data["outcomes"]:
        assert outcome["words"] in svg
    top = max(figure_data["parameters"], key=lambda r: sensitivity.swing(r, "recurred"))
    assert top["parameter"] == "recurrence_after_resection"
    assert "recurrence_after_resection (0.5 to 0.7)" in svg
    assert "sstr_positive" not in svg  # it moves nothing here: left out


def test_command_line_psa_and_tornado(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = str(ROOT / "scenarios" / "liver-only-recurrence.yaml")
    args = ["cohort", file, "--n", "60", "--psa", "3", "--tornado", "--out", str(tmp_path), "--json"]
    assert main([*args, "--workers", "1"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert main([*args, "--workers", "2"]) == 0
    two = json.loads(capsys.readouterr().out)
    assert one == two  # the same whatever the workers
    assert {"psa", "tornado"} <= set(one) and one["psa"]["sets"] == 3
    assert sorted(p.name for p in (tmp_path / "cohorts").iterdir()) == [
        "liver-only-recurrence-tornado.png",
        "liver-only-recurrence-tornado.svg",
    ]
    assert main(["cohort", file, "--n", "40", "--psa", "2", "--workers", "1"]) == 0
    table = capsys.readouterr().out
    assert "Probabilistic sensitivity analysis: 2 parameter sets x 40 patients" in table
    assert "95% interval" in table


@pytest.mark.parametrize("value", ["1", "x", "10001"])
def test_a_bad_number_of_parameter_sets_is_exit_2(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["cohort", str(ROOT / "scenarios" / "liver-only-recurrence.yaml"), "--psa", value])
    assert exit_.value.code == 2
    assert f"--psa: not a number of parameter sets (got '{value}'; expected 2..10,000)" in capsys.readouterr().err


def test_sensitivity_on_dask_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    file = str(ROOT / "scenarios" / "liver-only-recurrence.yaml")
    assert main(["cohort", file, "--n", "20", "--psa", "3", "--executor", "dask"]) == 2
    err = capsys.readouterr().err
    assert "--psa and --tornado run on this machine (got --executor dask; expected local)" in err


def test_tornado_refuses_a_file_for_its_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    taken = tmp_path / "taken"
    taken.write_text("x", encoding="utf-8")
    file = str(ROOT / "scenarios" / "liver-only-recurrence.yaml")
    assert main(["cohort", file, "--n", "20", "--tornado", "--out", str(taken)]) == 2
    assert "--out" in capsys.readouterr().err
    assert taken.read_text(encoding="utf-8") == "x"


def test_a_cohort_no_parameter_moves_has_words_not_empty_axes(tmp_path: Path) -> None:
    """ECOG 3 goes to best supportive care whatever the parameters (D-ECOG): each panel says so."""
    frail = load(ROOT / "scenarios" / "frail-patient.yaml")
    base = cohort.run_cohort(frail.patient, PARAMS, 5, 1, 1)
    data = sensitivity.tornado(frail.patient, PARAMS, base, 1, 1)
    assert all(sensitivity.swing(r, o.name) == 0 for r in data["parameters"] for o in sensitivity.OUTCOMES)
    svg = write_tornado(tmp_path, frail, data, ["svg"])[0].read_text(encoding="utf-8")
    # Recurrence and re-resection have no denominator (no one is resected): they say that instead.
    assert svg.count("no parameter with a range moves it") == len(sensitivity.OUTCOMES) - 2
    assert svg.count("no patients in its denominator") == 2
    assert "best supportive care (of patients): base 100.0%" in svg


def test_a_patient_an_analysis_cannot_finish_names_its_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A drawn finding the engine refuses, in a PSA set: one line naming the set and the patient, exit 2."""
    from pathway.course import Case, Finding

    real = cohort._DRAWS["surgery"]
    shipped = PARAMS.value("recurrence_after_resection")

    def refused_after_the_base(self: cohort.CohortSource, case: Case, origin: str) -> Finding | None:
        if self.params.value("recurrence_after_resection") != shipped:  # a parameter set, not the base
            return Finding("surgery", origin=origin)  # no margin: the engine refuses it
        return real(self, case, origin)

    monkeypatch.setitem(cohort._DRAWS, "surgery", refused_after_the_base)
    file = str(ROOT / "scenarios" / "perioperative-folfox.yaml")
    assert main(["cohort", file, "--n", "30", "--workers", "1", "--psa", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{file}: psa set 0: cohort patient ") and "margin" in err
    assert "Traceback" not in err
