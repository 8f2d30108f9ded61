"""The command line as users and scripts see it (CONTRACT.md)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pathway.cli import main
from pathway.report import DISCLAIMER

from .conftest import ROOT, SCENARIOS

S4 = SCENARIOS / "s4-metachronous-bilobar.yaml"


def test_replay_text_opens_with_the_case_and_the_disclaimer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(S4)]) == 0
    out = capsys.readouterr().out
    head = out.splitlines()[:4]
    assert head[0].startswith("PATHWAY REPLAY: Metachronous multifocal bilobar CRLM")
    assert "not a clinical decision system" in " ".join(head)
    assert "Step 3 | month 0.5 | MDT review -> Neoadjuvant therapy (conversion chemotherapy)" in out
    assert "Outcome: Disease-free at month 65.5 (terminal)." in out


def test_replay_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(S4), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scenario"] == "s4-metachronous-bilobar"
    assert data["disclaimer"] == DISCLAIMER
    assert data["final_state"] == "disease_free" and data["ended"] == "terminal"
    third = data["steps"][2]
    assert third["state"] == "neoadjuvant" and third["month"] == 0.5
    assert third["decision"]["regimen"] == "FOLFOX + anti-EGFR (cetuximab or panitumumab)"
    assert {"R6", "R13"} <= set(third["rules"])
    assert any(b["to"] == "surgery" and "FLR 24% is below 30%" in b["failed"] for b in third["blocked"])


def test_check_folder_all_met(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SCENARIOS)]) == 0
    out = capsys.readouterr().out
    assert out.count("ok ") == len(list(SCENARIOS.glob("*.yaml")))


def test_check_unmet_expectation_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = S4.read_text(encoding="utf-8").replace("final_state: disease_free", "final_state: best_supportive_care")
    path = tmp_path / "unmet.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "expect.final_state: unmet (got 'disease_free'; expected best_supportive_care)" in err


def test_check_invalid_beats_unmet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.yaml").write_text(
        S4.read_text(encoding="utf-8").replace("final_state: disease_free", "final_state: best_supportive_care"),
        encoding="utf-8",
    )
    (tmp_path / "b.yaml").write_text("id: [", encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 2


def test_check_duplicate_ids_in_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(S4, tmp_path / "one.yaml")
    shutil.copy(S4, tmp_path / "two.yaml")
    assert main(["check", str(tmp_path)]) == 2
    assert "duplicate scenario id" in capsys.readouterr().err


def test_check_empty_folder_is_invalid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path)]) == 2


def test_python_dash_m_and_the_console_script_agree() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pathway", "replay", str(S4), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["final_state"] == "disease_free"


def test_awaiting_finding_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(SCENARIOS / "ecog2-palliative.yaml")]) == 0
    out = capsys.readouterr().out
    assert "Outcome: waiting at Reassessment" in out and "the response (RECIST 1.1)" in out


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pathway", *args], capture_output=True, text=True, cwd=cwd, check=False, timeout=120
    )


def test_version() -> None:
    from importlib.metadata import version

    run = _run("--version")
    assert run.returncode == 0 and run.stdout == f"pathway {version('pathway')}\n"


def test_a_mistyped_command_gets_a_suggestion() -> None:
    run = _run("replya", str(S4))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "no command 'replya'; did you mean 'replay'?" in run.stderr
    assert run.stderr.startswith("usage: pathway ")


def test_a_mistyped_option_gets_a_suggestion_and_the_commands_usage() -> None:
    run = _run("replay", "--jsn", str(S4))
    assert run.returncode == 2 and run.stdout == "" and "Traceback" not in run.stderr
    assert run.stderr.startswith("usage: pathway replay ")
    assert "pathway replay: error: unrecognized arguments: --jsn; did you mean '--json'?" in run.stderr


def test_a_mistyped_choice_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["graph", "--format", "mermiad"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: pathway graph ") and "did you mean 'mermaid'?" in err


def test_an_unrelated_word_gets_no_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["replay", "--xyzzy", str(S4)])
    err = capsys.readouterr().err
    assert "unrecognized arguments: --xyzzy\n" in err and "did you mean" not in err


MISSING_PATHS = [
    ["check", "{missing}"],
    ["check", str(S4), "{missing}"],
    ["replay", "{missing}"],
    ["quiz", "{missing}"],
    ["html", "{missing}", "--out", "{out}"],
    ["render", "--scenarios", "{missing}", "--out", "{out}"],
    ["render", "--scenario", "{missing}", "--out", "{out}"],
]


@pytest.mark.parametrize("words", MISSING_PATHS, ids=lambda w: " ".join(w[:2]))
def test_a_missing_file_or_folder_is_named(
    words: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing, out = tmp_path / "no-such-thing", tmp_path / "out"
    args = [w.format(missing=missing, out=out) for w in words]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"{missing}: " in err and ("no such file" in err or "no such folder" in err), err
    assert "Traceback" not in err
    assert not out.exists(), "nothing is written"
