"""The README's promises: its two commands are what CI runs, and its API example works."""

from __future__ import annotations

import contextlib
import io
import os
import re

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_readme_opens_with_the_two_commands() -> None:
    shell = _blocks("sh")
    assert len(shell) >= 2
    assert README.index("```sh") < README.index("## ")  # before any section
    assert "pathway replay scenarios/" in shell[0]
    assert "pytest" in shell[1]


def test_ci_runs_the_readme_test_command() -> None:
    test_command = _blocks("sh")[1].strip()
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_says_it_is_not_a_clinical_decision_system() -> None:
    assert "not a clinical decision system" in README


def test_readme_api_example_runs() -> None:
    (code,) = _blocks("python")
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    lines = out.getvalue().splitlines()
    assert lines[0] == "1 0.0 staging None"
    assert lines[2] == "3 0.5 neoadjuvant FOLFOX + anti-EGFR (cetuximab or panitumumab)"
    assert lines[9] == "10 65.5 disease_free None"
    why_not = lines[10:-2]  # the roads to surgery blocked at the MDT, each with its failed guards
    assert [line.split(" blocked: ")[0] for line in why_not] == [
        "upfront_surgery_small_solitary",
        "upfront_surgery_low_risk",
    ]
    assert "FLR 24% is below 30%" in why_not[0]
    assert lines[-2] == "False"  # surgery at step 3 does not agree with the pathway
    assert lines[-1] == "['palliative_systemic', 'reassessment']"


def derived_table() -> str:
    from pathway.rules import RULES

    rows = [f"| {rid} | {rule.summary} |" for rid, rule in RULES.items() if rule.derived]
    return "\n".join(["| id | choice |", "|---|---|", *rows])


def test_readme_derived_choices_are_the_codes(update_goldens: bool) -> None:
    """Every derived rule is listed with its summary, and nothing else (regenerated from rules.py)."""
    start, end = "<!-- derived choices: generated from pathway/rules.py -->\n", "<!-- end of derived choices -->"
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    before, rest = text.split(start)
    table, after = rest.split(end)
    want = derived_table() + "\n"
    if update_goldens and table != want:
        (ROOT / "README.md").write_text(before + start + want + end + after, encoding="utf-8")
        table = want
    assert table == want
