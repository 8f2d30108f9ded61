"""The cohort's parameter files: the shipped one is complete and sourced; a user's file replaces some
parameters; every mistake is one FILE:LINE line and exit 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pathway import parameters
from pathway.cli import main
from pathway.errors import ScenarioError

SCENARIO = str(Path(__file__).resolve().parents[1] / "scenarios" / "perioperative-folfox.yaml")
SHIPPED = parameters.load()


def test_the_shipped_file_names_every_parameter_with_its_source() -> None:
    assert set(SHIPPED.items) == set(parameters.KINDS)
    for p in SHIPPED.items.values():
        assert p.source and p.drives, p.name
        if p.source.startswith("derived"):
            assert p.derived, f"{p.name}: a derived source must say derived: true"
        else:
            assert re.search(r"\bS[0-4]\b|RECIST", p.source), f"{p.name}: name a source or mark it derived"
        if p.distribution is not None:
            assert abs(sum(v for _, v in p.distribution) - 1) < 1e-9
        else:
            assert p.value is not None and p.low is not None and p.high is not None, p.name
            assert p.low <= p.value <= p.high, p.name


def test_the_rule_books_figures_are_the_values() -> None:
    """R44 and "Figures worth showing", as the shipped parameters state them."""
    assert SHIPPED.value("recurrence_after_resection") == 0.6
    assert SHIPPED.value("recurrences_within_24_months") == 0.9
    assert (SHIPPED.value("median_dfi_synchronous"), SHIPPED.value("median_dfi_metachronous")) == (6, 10)
    assert SHIPPED.value("disseminated_recurrence_synchronous") == 0.95
    assert SHIPPED.value("disseminated_recurrence_metachronous") == 0.42
    assert dict(SHIPPED.distribution("response_perioperative"))["progression"] == 0.2
    tare = dict(SHIPPED.distribution("response_tare"))
    assert tare["partial"] + tare["complete"] == 0.5


def test_a_users_file_replaces_only_what_it_names(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("recurrence_after_resection:\n  value: 0.4\n", encoding="utf-8")
    loaded = parameters.load(str(mine))
    assert loaded.value("recurrence_after_resection") == 0.4
    assert loaded["recurrence_after_resection"].source == f"--params {mine}"
    assert loaded.value("median_dfi_metachronous") == 10
    assert loaded.files == ("pathway/cohort_parameters.yaml", str(mine))


MISTAKES = [
    (
        "recurence_after_resection:\n  value: 0.5\n",
        1,
        "recurence_after_resection: no such parameter",
        "'recurrence_after_resection', the nearest name",
    ),
    ("dmmr:\n  value: 0.04\n  colour: red\n", 3, "dmmr.colour: unknown key", "value, distribution"),
    ("dmmr:\n  value: 1.5\n", 2, "dmmr.value: out of range for probability (got 1.5; expected 0..1)", ""),
    ("dmmr:\n  value: some\n", 2, "dmmr.value: not a number (got 'some'", ""),
    ("margin:\n  value: 0.3\n", 2, "margin.value: margin takes a distribution, not a value", ""),
    (
        "margin:\n  distribution: {R0: 0.5, R1: 0.6}\n",
        2,
        "margin.distribution: the probabilities do not sum to 1 (got 1.1",
        "",
    ),
    (
        "margin:\n  distribution: {R0: 0.9, R3: 0.1}\n",
        2,
        "margin.distribution.R3: not a category of this distribution",
        "R0, R1, R2",
    ),
    ("dmmr:\n  value: 0.04\n  range: [0.05, 0.1]\n", 3, "dmmr.range: the value lies outside its range", ""),
    (
        "median_dfi_metachronous:\n  value: 0\n",
        2,
        "median_dfi_metachronous.value: out of range for months (got 0; expected 0.5..23.5)",
        "",
    ),
    (
        "median_months_to_supportive_care:\n  value: 0\n",
        2,
        "median_months_to_supportive_care.value: out of range for months (got 0; expected 0.5..600)",
        "",
    ),
    ("median_dfi_synchronous:\n  value: 30\n", 2, "median_dfi_synchronous.value: out of range", "0.5..23.5"),
    ("recurrences_within_24_months:\n  value: 1\n", 2, "recurrences_within_24_months.value: out of", "0.01..0.99"),
    ("margin:\n  distribution: {R0: 1}\n  sd: 0.1\n", 3, "margin.sd: a distribution takes no sd", "no sd"),
    ("dmmr: [\n", 2, "(yaml): YAML syntax error", ""),
    ("- dmmr\n", 1, "(document): a parameter file is a mapping of parameter names", ""),
    ("dmmr:\n  value: 0.1\ndmmr:\n  value: 0.2\n", 3, "dmmr: duplicate key", ""),
]


@pytest.mark.parametrize(("text", "line", "says", "expected"), MISTAKES)
def test_a_mistake_is_one_line_with_its_place(tmp_path: Path, text: str, line: int, says: str, expected: str) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        parameters.load(str(mine))
    formatted = [p.format() for p in err.value.problems]
    assert len(formatted) == 1, formatted
    assert formatted[0].startswith(f"{mine}:{line}: {says}"), formatted
    assert expected in formatted[0]


def test_every_mistake_is_reported_sorted_by_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("dmmr:\n  value: 2\nnope:\n  value: 1\nmargin:\n  value: 0.1\n", encoding="utf-8")
    assert main(["cohort", SCENARIO, "--params", str(mine), "--n", "5", "--workers", "1"]) == 2
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert [int(line.split(":")[1]) for line in lines] == [2, 3, 6]
    assert "Traceback" not in err


def test_a_missing_parameter_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.yaml"
    assert main(["cohort", SCENARIO, "--params", str(missing), "--n", "5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{missing}: (file): no such file (got '")
    assert err.endswith("; expected an existing parameter file)\n") and err.count("\n") == 1


def test_render_cohort_checks_the_parameters_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("horizon_months:\n  value: -3\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["render", "--cohort", SCENARIO, "--params", str(mine), "--out", str(out), "--n", "5"]) == 2
    assert "horizon_months.value: out of range for months" in capsys.readouterr().err
    assert not (out / "cohorts").exists()


def test_the_shipped_file_is_what_the_readme_points_to() -> None:
    """A mistake in the shipped file is a defect, reported like a user's (every parameter must be there)."""
    text = parameters.shipped_text().replace("horizon_months:\n", "horizon_month:\n", 1)
    with pytest.raises(ScenarioError) as err:
        parameters._read(text, "shipped.yaml", full=True)
    said = " | ".join(p.format() for p in err.value.problems)
    assert (
        "horizon_month: no such parameter" in said
        and "a parameter is missing (got nothing; expected horizon_months)" in said
    )
