"""Bad input: a clear `FILE:LINE: field: what (got X; expected Y)` on stderr, exit 2, no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pathway.cli import main

GOOD = """\
id: good-case
title: A valid case
teaching:
  objectives: [Check the loader]
patient:
  age: 60
  sex: male
  ecog: 0
  primary: {site: colon, side: left, resected: true, node_positive: false}
  presentation: metachronous
  biomarkers: {mmr: pMMR, ras: wild-type, braf: wild-type}
  cea_ng_ml: 10
  liver: {lesions: 3, largest_cm: 3.0, bilobar: false, flr_percent: 50, r0_achievable: true}
  extrahepatic: none
timeline:
  - at: reassessment
    response: partial
  - at: surgery
    margin: R0
  - at: surveillance
    recurrence: none
"""

LINE = re.compile(
    r"^(?P<file>[^:]+\.yaml)(:(?P<line>\d+))?: (?P<field>\S+): (?P<what>.+) \(got (?P<got>.+); expected (?P<expected>.+)\)$"
)


def bad(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


CASES: list[tuple[str, str | bytes, int | None, str, str]] = [
    # name, content, line, field, fragment of the message
    ("empty-file", "", 1, "(file)", "empty scenario (got an empty document"),
    ("only-comments", "# nothing here\n# at all\n", 1, "(file)", "empty scenario"),
    ("yaml-syntax", bad("age: 60", "age: [60"), 7, "(yaml)", "YAML syntax error"),
    (
        "tab-indent",
        bad("  age: 60", "\tage: 60"),
        6,
        "(file)",
        "tab in indentation (got a tab character; expected spaces)",
    ),
    (
        "not-utf8",
        GOOD.encode().replace(b"A valid case", b"A valid \xff case"),
        2,
        "(file)",
        "not UTF-8 text (got byte 0xff; expected UTF-8)",
    ),
    (
        "python-tag",
        bad("title: A valid case", "title: !!python/object/apply:os.system ['echo pwned']"),
        2,
        "title",
        "YAML tags are not allowed",
    ),
    ("custom-tag", bad("sex: male", "sex: !gender male"), 7, "patient.sex", "YAML tags are not allowed"),
    (
        "alias",
        bad(
            "teaching:\n  objectives: [Check the loader]", "teaching:\n  objectives: &o [Check the loader]\n  notes: *o"
        ),
        5,
        "teaching.notes",
        "anchors and aliases are not allowed",
    ),
    ("duplicate-key", bad("  age: 60", "  age: 60\n  age: 61"), 7, "patient.age", "duplicate key"),
    (
        "unknown-top-key",
        bad("title: A valid case", "title: A valid case\ntitel: typo"),
        3,
        "titel",
        "unknown key; did you mean 'title'?",
    ),
    ("unknown-nested-key", bad("flr_percent: 50", "flr: 50"), 13, "patient.liver.flr", "did you mean 'flr_percent'?"),
    (
        "wrong-type-age",
        bad("age: 60", "age: sixty"),
        6,
        "patient.age",
        "wrong type (got 'sixty'; expected a whole number from 18 to 110)",
    ),
    (
        "bool-is-not-ecog",
        bad("ecog: 0", "ecog: true"),
        8,
        "patient.ecog",
        "wrong type (got true; expected a whole number from 0 to 4)",
    ),
    (
        "age-17",
        bad("age: 60", "age: 17"),
        6,
        "patient.age",
        "out of range (got 17; expected a whole number from 18 to 110)",
    ),
    ("age-111", bad("age: 60", "age: 111"), 6, "patient.age", "out of range (got 111"),
    (
        "flr-over-100",
        bad("flr_percent: 50", "flr_percent: 100.5"),
        13,
        "patient.liver.flr_percent",
        "out of range (got 100.5; expected a number from 0 to 100)",
    ),
    (
        "largest-zero",
        bad("largest_cm: 3.0", "largest_cm: 0"),
        13,
        "patient.liver.largest_cm",
        "out of range (got 0; expected a number > 0 and at most 50)",
    ),
    ("nan", bad("cea_ng_ml: 10", "cea_ng_ml: .nan"), 12, "patient.cea_ng_ml", "not a finite number"),
    (
        "unknown-enum",
        bad("sex: male", "sex: M"),
        7,
        "patient.sex",
        "unknown value (got 'M'; expected one of: female, male)",
    ),
    (
        "enum-did-you-mean",
        bad("response: partial", "response: partial-response"),
        17,
        "timeline[0].response",
        "did you mean 'partial'?",
    ),
    (
        "missing-required",
        bad(", flr_percent: 50", ""),
        13,
        "patient.liver.flr_percent",
        "required field missing (got nothing",
    ),
    (
        "hcc",
        bad("site: colon, side: left", "site: hepatocellular"),
        9,
        "patient.primary.site",
        "out of scope: hepatocellular carcinoma is a primary liver cancer",
    ),
    (
        "cholangio",
        bad("site: colon, side: left", "site: cholangiocarcinoma"),
        9,
        "patient.primary.site",
        "out of scope: cholangiocarcinoma",
    ),
    (
        "progressing-lesions-at-surgery",
        bad("    margin: R0", "    margin: R0\n    progressing_lesions: 1"),
        20,
        "timeline[1].progressing_lesions",
        "not read at surgery",
    ),
    (
        "unknown-extrahepatic-site",
        bad("extrahepatic: none", "extrahepatic: resectable\n  extrahepatic_site: brain"),
        15,
        "patient.extrahepatic_site",
        "unknown value (got 'brain'; expected one of: none, isolated_bone, solitary_lung, other)",
    ),
    (
        "colon-without-side",
        bad("site: colon, side: left", "site: colon"),
        9,
        "patient.primary.side",
        "required for a colon primary",
    ),
    (
        "rectum-right",
        bad("site: colon, side: left", "site: rectum, side: right"),
        9,
        "patient.primary.side",
        "the rectum is left-sided",
    ),
    (
        "single-bilobar",
        bad("lesions: 3, largest_cm: 3.0, bilobar: false", "lesions: 1, largest_cm: 3.0, bilobar: true"),
        13,
        "patient.liver.bilobar",
        "a single metastasis cannot be bilobar",
    ),
    (
        "observation-at-wrong-state",
        bad("    response: partial", "    response: partial\n    margin: R0"),
        18,
        "timeline[0].margin",
        "not read at reassessment",
    ),
    (
        "reassessment-without-response",
        bad("    response: partial\n", ""),
        16,
        "timeline[0].response",
        "required at reassessment",
    ),
    (
        "months-backwards",
        bad("    response: partial", "    response: partial\n    month: 5").replace(
            "    margin: R0", "    margin: R0\n    month: 4"
        ),
        21,
        "timeline[1].month",
        "months go backwards (got 4; expected a month >= 5)",
    ),
    ("not-a-mapping", "- just\n- a list\n", 1, "(document)", "a scenario is a mapping"),
    (
        "bad-id",
        bad("id: good-case", "id: My Case"),
        1,
        "id",
        "invalid text (got 'My Case'; expected text matching [a-z0-9-]{1,100})",
    ),
    (
        "expect-unknown-state",
        GOOD + "expect:\n  final_state: disease-free\n",
        23,
        "expect.final_state",
        "did you mean 'disease_free'?",
    ),
    (
        "liver-only-without-liver",
        bad("recurrence: none", "recurrence: liver_only"),
        20,
        "timeline[2].liver.lesions",
        "required for a liver-only recurrence (the value on record describes the resected disease)",
    ),
    (
        "parted-timeline",
        bad("  - at: reassessment\n    response: partial\n", ""),
        16,
        "timeline[0].at",
        "the scenario parted from the pathway",
    ),
    (
        "leftover-after-terminal",
        GOOD + "  - at: surveillance\n    recurrence: none\n",
        22,
        "timeline[3]",
        "never read: the pathway ended at disease_free",
    ),
    (
        "finding-before-clock",
        bad("    response: partial", "    response: partial\n    month: 1"),
        16,
        "timeline[0].month",
        "the finding predates the pathway's clock at reassessment (got 1; expected a month >= 3.5)",
    ),
]


@pytest.mark.parametrize(("name", "content", "line", "field", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_malformed_scenario(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: str | bytes,
    line: int | None,
    field: str,
    fragment: str,
) -> None:
    path = tmp_path / f"{name}.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    code = main(["replay", str(path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines, "an error line is printed"
    match = LINE.match(lines[0])
    assert match, f"not FILE:LINE: field: what (got X; expected Y): {lines[0]!r}"
    assert match["file"] == str(path)
    assert match["field"] == field
    assert (int(match["line"]) if match["line"] else None) == line
    assert fragment in lines[0]
    assert main(["check", str(path)]) == 2


def test_the_good_case_is_good(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["replay", str(path)]) == 0


def test_parted_timeline_names_the_guard(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The scenario expects PVE but the remnant was big enough: say which guard sent it to surgery."""
    text = bad(
        "    response: partial\n", "    response: partial\n  - at: liver_augmentation\n    liver: {flr_percent: 40}\n"
    )
    path = tmp_path / "parted.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["replay", str(path)]) == 2
    err = capsys.readouterr().err
    assert (
        "Reassessment took resection, now resectable to Liver surgery (surgery), not portal vein embolization "
        "to Liver augmentation, because"
    ) in err
    assert "FLR 50% is at least 30%" in err
    assert "(got liver_augmentation; expected surgery)" in err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.yaml"
    assert main(["replay", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{missing}: (file): no such file")


def test_python_tag_constructs_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marker = tmp_path / "pwned"
    text = bad("title: A valid case", f"title: !!python/object/apply:os.system ['touch {marker}']")
    path = tmp_path / "evil.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["replay", str(path)]) == 2
    assert not marker.exists()


def test_all_problems_reported_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = bad("age: 60", "age: 9").replace("sex: male", "sex: robot")
    path = tmp_path / "two.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["replay", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert [e.split(": ")[1] for e in err] == ["patient.age", "patient.sex"]


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["replay"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2


MANY_MISTAKES = """\
id: many-mistakes
title: Nine independent mistakes
patient:
  age: 17
  sex: M
  ecog: 0
  primary: {site: colon, resected: true}
  presentation: metachronous
  presentation: synchronous
  biomarkers: {mmr: pMMR, ras: wildtype, braf: wild-type}
  cea_ng_ml: !ng 10
  liver: {lesions: 3, largest_cm: 3.0, bilobar: false, flr_percent: 150, r0_achievable: true}
  extrahepatic: none
  fitt_for_surgery: true
timeline:
  - at: reassessment
    response: partial
    margin: R0
  - at: surgery
    margin: R3
  - at: surveillance
    recurrence: none
    month: -2
"""


def test_every_independent_problem_in_one_pass_in_line_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reader problems (a duplicate key, a tag), schema problems (range, enum, unknown key) and what the
    primary and each state require, all at once, sorted by line: one run of `check` finds them all."""
    path = tmp_path / "many.yaml"
    path.write_text(MANY_MISTAKES, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    found = []
    for line in err:
        match = LINE.match(line)
        assert match, line
        found.append((int(match["line"]), match["field"]))
    assert found == [
        (4, "patient.age"),
        (5, "patient.sex"),
        (7, "patient.primary.side"),  # a colon primary states its side (checked after the schema)
        (9, "patient.presentation"),  # the duplicate key
        (10, "patient.biomarkers.ras"),
        (11, "patient.cea_ng_ml"),  # the tag
        (12, "patient.liver.flr_percent"),
        (14, "patient.fitt_for_surgery"),
        (18, "timeline[0].margin"),  # not read at reassessment
        (20, "timeline[1].margin"),
        (23, "timeline[2].month"),
    ]
    assert "did you mean 'fit_for_surgery'?" in err[7] and "did you mean 'wild-type'?" in err[4]
    assert main(["replay", str(path)]) == 2
    assert capsys.readouterr().err.strip().splitlines() == err


def test_dependent_problems_are_not_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A block of the wrong type hides its fields; a misspelt key is not reported missing as well."""
    text = bad("liver: {lesions: 3, largest_cm: 3.0, bilobar: false, flr_percent: 50, r0_achievable: true}", "liver: 5")
    text = text.replace("  age: 60", "  agee: 60").replace("    response: partial", "    respons: partial")
    path = tmp_path / "dependent.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["replay", str(path)]) == 2
    fields = [LINE.match(line)["field"] for line in capsys.readouterr().err.strip().splitlines()]  # type: ignore[index]
    assert fields == ["patient.agee", "patient.liver", "timeline[0].respons"]


def test_a_yaml_syntax_error_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "syntax.yaml"
    path.write_text(bad("age: 60", "age: [60").replace("sex: male", "sex: {male"), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "(yaml): YAML syntax error" in err[0]


def test_every_tab_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tabs.yaml"
    path.write_text(bad("  age: 60", "\tage: 60").replace("  sex: male", "\tsex: male"), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert [LINE.match(e)["line"] for e in err] == ["6", "7"]  # type: ignore[index]


COVERED = "a primary the pathway covers: colon or rectum (colorectal), neuroendocrine, breast, gastric, gist"


@pytest.mark.parametrize(
    ("site", "fragment"),
    [
        ("pancreas", "do not treat liver metastases from pancreatic adenocarcinoma"),
        ("Pancreatic adenocarcinoma", "do not treat liver metastases from pancreatic adenocarcinoma"),
        ("lung", "do not treat liver metastases from lung cancer"),
        ("melanoma", "do not treat liver metastases from melanoma"),
        ("uveal melanoma", "do not treat liver metastases from melanoma"),
        ("oesophagus", "do not treat liver metastases from oesophageal cancer"),
        ("esophageal", "do not treat liver metastases from oesophageal cancer"),
        ("HCC", "hepatocellular carcinoma is a primary liver cancer"),
    ],
)
def test_primaries_the_sources_do_not_treat_are_out_of_scope(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: str, fragment: str
) -> None:
    path = tmp_path / "scope.yaml"
    path.write_text(bad("site: colon, side: left", f"site: {site}"), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    match = LINE.match(line)
    assert match and match["field"] == "patient.primary.site" and match["line"] == "9"
    assert match["what"].startswith("out of scope: ") and fragment in match["what"]
    assert "unknown value" not in line
    assert match["expected"].startswith(COVERED) and "or unknown until staging names it" in match["expected"]


def test_pancreas_says_how_to_write_a_pancreatic_net(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`pancreas` is refused as pancreatic adenocarcinoma, and the message names the NET spelling, which loads."""
    path = tmp_path / "pancreas.yaml"
    path.write_text(bad("site: colon, side: left", "site: pancreas"), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    assert (
        "a pancreatic neuroendocrine tumour is site: neuroendocrine with subsite: pancreas" in capsys.readouterr().err
    )
    net = tmp_path / "pnet.yaml"
    net.write_text(bad("site: colon, side: left", "site: neuroendocrine, subsite: pancreas"), encoding="utf-8")
    from pathway.scenario import load

    assert load(net).patient.primary.subsite == "pancreas"  # loads (its timeline is a colorectal one)


def test_a_staging_finding_is_held_to_the_same_scope(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = bad("site: colon, side: left", "site: unknown").replace(
        "timeline:\n", "timeline:\n  - at: staging\n    primary: {site: lung}\n"
    )
    path = tmp_path / "staging.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "timeline[0].primary.site: out of scope: the sources of this pathway do not treat liver metastases" in err


@pytest.mark.parametrize(
    ("site", "hint"),
    [
        ("colorectal", "did you mean 'colon' or 'rectum'?"),
        ("stomach", "did you mean 'gastric'?"),
        ("pNET", "did you mean 'neuroendocrine' (with subsite: midgut, pancreas or other)?"),
        ("carcinoid", "did you mean 'neuroendocrine'"),
        ("soft-tissue sarcoma", "did you mean 'sarcoma'?"),
    ],
)
def test_other_names_for_covered_primaries_say_what_to_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: str, hint: str
) -> None:
    path = tmp_path / "synonym.yaml"
    path.write_text(bad("site: colon, side: left", f"site: {site}"), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    assert f"patient.primary.site: unknown value; {hint}" in capsys.readouterr().err


def test_no_refused_or_synonym_spelling_is_a_site() -> None:
    """A primary added later with one of these sites is served, not refused (choices are tried first)."""
    from pathway import definition
    from pathway.schema import OUT_OF_SCOPE, SITE_SYNONYMS, normal

    sites = {normal(s) for s in definition.SITES}
    assert not sites & set(OUT_OF_SCOPE) and not sites & set(SITE_SYNONYMS)
    assert "pancreas" in definition.SUBSITES
    for suggestion in SITE_SYNONYMS.values():
        named = re.findall(r"'([a-z_]+)'", suggestion)
        assert named and set(named) <= set(definition.SITES), suggestion
