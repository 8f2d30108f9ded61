"""Teaching from the terminal: the quiz, replay presentation, what-if and the rule glossary."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from pathway.cli import main
from pathway.engine import Trajectory
from pathway.quiz import questions, run_quiz
from pathway.report import replay
from pathway.rules import RULES
from pathway.scenario import Scenario, load
from pathway.sources import SOURCES
from pathway.vocabulary import STATES

from .conftest import ROOT, SCENARIOS

ALL = sorted(SCENARIOS.glob("*.yaml"))
S4 = SCENARIOS / "s4-metachronous-bilobar.yaml"
LOW_RISK = SCENARIOS / "low-risk-upfront-alternative.yaml"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def loaded(path: Path) -> tuple[Scenario, Trajectory]:
    scenario = load(path)
    return scenario, replay(scenario)


def pathway_answers(trajectory: Trajectory) -> list[str]:
    """What a resident who agrees with the pathway types: the state taken, then the regimen or procedure."""
    answers = []
    for step in trajectory:
        for q in questions(step):
            if q.kind == "state":
                assert q.expected == step.state
            else:
                assert getattr(step.plan.decision, q.kind).startswith(q.expected)  # "FOLFOX" of "FOLFOX after surgery"
            assert q.expected in q.options
            answers.append(q.expected)
    return answers


def quiz_through_a_pipe(path: Path, answers: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pathway", "quiz", str(path), "--json"],
        input=answers,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def in_process(path: Path, answers: list[str]) -> tuple[dict[str, Any], list[str]]:
    scenario, trajectory = loaded(path)
    feed = iter(answers)
    said: list[str] = []
    session = run_quiz(scenario, trajectory, lambda prompt: next(feed, None), said.append)
    return session.as_json(), said


# --- the quiz ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL, ids=[p.stem for p in ALL])
def test_quiz_with_the_pathways_own_answers_scores_full_marks(path: Path) -> None:
    _, trajectory = loaded(path)
    answers = pathway_answers(trajectory)
    run = quiz_through_a_pipe(path, "\n".join(answers) + "\n")
    assert run.returncode == 0, run.stderr
    session = json.loads(run.stdout)
    assert session["scenario"] == load(path).id
    assert session["score"]["correct"] == session["score"]["asked"] == len(answers)
    assert session["stopped"] is False and session["revise"] == []
    asked_states = [q for q in session["questions"] if q["kind"] == "state"]
    assert [q["step"] for q in asked_states] == [s.number for s in trajectory if len(s.next_states) > 1]
    assert "Score:" in run.stderr and "not a clinical decision system" in run.stderr


def test_every_shipped_scenario_asks_at_least_one_question() -> None:
    for path in ALL:
        _, trajectory = loaded(path)
        assert pathway_answers(trajectory), path.name


def test_options_do_not_give_the_answer_away() -> None:
    _, trajectory = loaded(S4)
    for step in trajectory:
        for q in questions(step):
            if q.kind == "state":
                assert q.options == sorted(q.options, key=lambda s: STATES[s].title.lower())
                assert set(q.options) == set(step.next_states)


def test_a_wrong_answer_gets_the_guard_that_blocked_it() -> None:
    data, said = in_process(S4, ["surgery"])
    first = data["questions"][0]
    assert first["at"] == "mdt_review" and first["answer"] == "surgery" and first["expected"] == "neoadjuvant"
    assert first["correct"] is False and first["credit"] == 0
    text = " ".join(first["feedback"])
    assert "Blocked: upfront surgery for low-risk disease" in text
    assert (
        "FLR 24% is below 30%" in text and "R6" in text and "S0 Treatment of Multiple Metastatic Liver Lesions" in text
    )
    assert "The pathway: Neoadjuvant therapy" in text
    assert {"id": "R6", "statement": RULES["R6"].summary} in data["revise"]
    assert any(line.startswith("Rules to revise:") for line in said)


def test_an_accepted_alternative_earns_half_a_point_and_says_so() -> None:
    data, _ = in_process(LOW_RISK, ["2"])  # 2 = Liver surgery: upfront surgery, no high-risk feature (R10)
    first = data["questions"][0]
    assert first["answer"] == "surgery" and first["expected"] == "neoadjuvant"
    assert first["credit"] == 0.5 and first["correct"] is False
    assert "accepted alternative (half a point)" in first["feedback"][0] and "R10" in first["feedback"][0]
    assert data["score"] == {"correct": 0, "asked": 1, "points": 0.5}


def test_an_open_road_that_was_outranked_is_named() -> None:
    data, _ = in_process(SCENARIOS / "solitary-small-upfront.yaml", ["Neoadjuvant therapy"])
    first = data["questions"][0]
    assert first["credit"] == 0
    assert first["feedback"][0].startswith(
        "Not the pathway's choice: perioperative chemotherapy was also allowed, but Liver surgery "
        "(upfront surgery for a small solitary metastasis) comes first here (R4, R8;"
    )


def test_an_unrecognised_answer_is_asked_again_with_the_choices() -> None:
    data, said = in_process(S4, ["bogus", "7", "neo"])
    assert sum("Not one of the choices" in line for line in said) == 2
    assert "1 Best supportive care" in next(line for line in said if "Not one of the choices" in line)
    assert data["questions"][0]["answer"] == "neoadjuvant"  # "neo": the start of one option only


def test_answers_by_words_prefix_and_ambiguity() -> None:
    data, said = in_process(S4, ["supportive", "neoadjuvant therapy", "folfox"])
    assert data["questions"][0]["answer"] == "best_supportive_care"
    # "folfox" starts two regimens: asked which one
    assert any(line.startswith("  Which one? It could be: FOLFOX + anti-EGFR") for line in said)


def test_the_second_question_asks_for_the_regimen_of_this_line() -> None:
    data, _ = in_process(S4, ["neoadjuvant", "FOLFOXIRI + bevacizumab"])
    regimen = data["questions"][1]
    assert regimen["kind"] == "regimen" and regimen["expected"] == "FOLFOX + anti-EGFR (cetuximab or panitumumab)"
    # first line: no next-line regimen (they belong to rows about a failed earlier line)
    assert "Next-line systemic therapy chosen by the MDT" not in regimen["options"]
    assert "FOLFOX + bevacizumab" not in regimen["options"]
    assert regimen["correct"] is False
    assert regimen["feedback"][0] == (
        "Not FOLFOXIRI + bevacizumab: the table gives it for RAS or BRAF mutant (R15) or right-sided (R14); "
        "here: RAS and BRAF wild-type, left-sided colon."
    )
    assert regimen["feedback"][1].startswith(
        "The table gives FOLFOX + anti-EGFR (cetuximab or panitumumab) - pMMR: chemotherapy; RAS and BRAF wild-type; "
        "left-sided colon (R13;"
    )
    assert {r["id"] for r in data["revise"]} == {"R13", "R14", "R15"}


def test_r13_allows_folfiri_as_well_as_folfox_with_anti_egfr() -> None:
    data, _ = in_process(S4, ["neoadjuvant", "FOLFIRI + anti-EGFR (cetuximab or panitumumab)"])
    regimen = data["questions"][1]
    assert regimen["credit"] == 1 and regimen["feedback"][0].startswith("Right: R13 allows FOLFIRI + anti-EGFR")


def test_the_regimen_question_shows_the_markers_it_depends_on() -> None:
    _, said = in_process(SCENARIOS / "s0-multifocal-unknown-primary.yaml", [])
    text = "\n".join(said)
    assert "Finding at Staging: primary: colon, left-sided, in place" in text  # read at a step that asked nothing
    assert "RAS mutant, BRAF wild-type" in text[text.index("Step 3: what next?") :]


def test_a_regimen_that_only_one_row_gives_is_not_asked() -> None:
    _, trajectory = loaded(SCENARIOS / "solitary-small-upfront.yaml")
    asked = questions(trajectory.step(3))
    assert [q.kind for q in asked] == ["state"]  # FOLFOX after surgery: the table offers nothing else at this line


def test_treatment_inertia_is_named_when_the_resident_stays_on_chemotherapy() -> None:
    data, _ = in_process(
        S4, ["neoadjuvant", "FOLFOX + anti-EGFR (cetuximab or panitumumab)", "neoadjuvant", "neoadjuvant"]
    )
    fourth = data["questions"][3]
    assert fourth["step"] == 7 and fourth["answer"] == "neoadjuvant" and fourth["expected"] == "surgery"
    assert any(line.startswith("Pitfall: Treatment inertia") and "(R17)" in line for line in fourth["feedback"])


def test_quiz_citations_follow_the_patients_pathway() -> None:
    data, _ = in_process(SCENARIOS / "breast-her2-progression.yaml", ["1"] * 20)
    colorectal = {"R16", "R30", "R9", "R13", "R17"}
    assert not colorectal & {r["id"] for r in data["revise"]}
    assert not any("S4 " in line for q in data["questions"] for line in q["feedback"])


def test_the_procedure_question_offers_the_roads_to_surgery() -> None:
    _, trajectory = loaded(S4)
    asked = questions(trajectory.step(7))
    assert [q.kind for q in asked] == ["state", "procedure"]
    assert "liver resection" in asked[1].options and asked[1].expected == "liver resection"
    assert not any("0 cm" in o for o in asked[1].options)


def test_end_of_input_stops_and_scores_what_was_answered() -> None:
    run = quiz_through_a_pipe(S4, "neoadjuvant\n")
    assert run.returncode == 0
    session = json.loads(run.stdout)
    assert session["stopped"] is True and session["score"]["asked"] == 1
    assert "The input ended before the quiz did" in run.stderr
    empty = quiz_through_a_pipe(S4, "")
    assert empty.returncode == 0 and json.loads(empty.stdout)["score"]["asked"] == 0


def test_quiz_on_an_invalid_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(S4.read_text(encoding="utf-8").replace("ecog: 1", "ecog: 7"), encoding="utf-8")
    run = quiz_through_a_pipe(bad, "")
    assert run.returncode == 2 and "patient.ecog" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminals on this platform")
def test_quiz_on_a_real_pseudo_terminal() -> None:
    import pty  # noqa: F401  (POSIX only)

    _, trajectory = loaded(S4)
    answers = pathway_answers(trajectory)
    master, slave = os.openpty()
    env = {**os.environ, "TERM": "dumb"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pathway", "quiz", str(S4)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=ROOT,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    seen, sent = b"", 0
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            if seen.count(b"Your answer") > sent and sent < len(answers):
                os.write(master, answers[sent].encode() + b"\n")
                sent += 1
            if proc.poll() is not None and not ready:
                break
    finally:
        proc.kill() if proc.poll() is None else None
        proc.wait(timeout=10)
        os.close(master)
    text = ANSI.sub("", seen.decode("utf-8", "replace"))
    assert proc.returncode == 0, text[-2000:]
    assert sent == len(answers)
    assert f"Score: {len(answers)} of {len(answers)}" in text


# --- replay presentation ------------------------------------------------------------------------


def longest() -> Path:
    return max(ALL, key=lambda p: len(loaded(p)[1].steps))


def test_brief_replay_of_the_longest_scenario_fits_80_columns_and_40_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = longest()
    assert main(["replay", str(path), "--brief", "--width", "80"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) >= len(loaded(path)[1].steps) + 3  # header, one line a step, outcome
    assert len(lines) <= 40 and max(len(line) for line in lines) <= 80
    assert "not a clinical decision system" in " ".join(lines[:4])
    assert any(re.match(r"\s+1\s+0\s+Referral -> Staging", line) for line in lines)


@pytest.mark.parametrize("path", ALL, ids=[p.stem for p in ALL])
def test_every_brief_replay_fits_60_columns(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(path), "--brief", "--width", "60"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= 60
    assert lines[-1].startswith(("Outcome:", "  "))


def test_brief_line_names_month_road_decision_and_reason(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(S4), "--brief", "--width", "200"]) == 0
    out = capsys.readouterr().out
    assert (
        "  3    0.5  MDT review -> Neoadjuvant therapy (conversion chemotherapy): "
        "FOLFOX + anti-EGFR (cetuximab or panitumumab); 12 metastases exceed 10"
    ) in out


def test_step_shows_one_step_in_full(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(S4), "--step", "3"]) == 0
    out = capsys.readouterr().out
    assert "Step 3 | month 0.5 | MDT review -> Neoadjuvant therapy" in out
    assert "Step 2 |" not in out and "Step 4 |" not in out and "not a clinical decision system" in out
    assert "x Liver surgery by upfront surgery for low-risk disease:" in out


def test_step_out_of_range_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(S4), "--step", "99"]) == 2
    assert "(command line): --step: no such step (got 99; expected a step from 1 to 10)" in capsys.readouterr().err


def test_no_blocked_leaves_out_the_roads_not_taken(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(S4), "--no-blocked"]) == 0
    out = capsys.readouterr().out
    assert "Not taken" not in out and "x Liver surgery" not in out and "Why:" in out


@pytest.mark.parametrize("width", [60, 80, 120])
def test_width_wraps_every_line(width: int, capsys: pytest.CaptureFixture[str]) -> None:
    widest = 0
    for path in ALL:
        assert main(["replay", str(path), "--width", str(width)]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert max(len(line) for line in lines) <= width, path.name
        widest = max(widest, *(len(line) for line in lines))
    assert widest > width - 10  # the width is used, not just respected


def test_too_narrow_a_width_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["replay", str(S4), "--width", "10"])
    assert exit_.value.code == 2
    assert "not a width (got '10'; expected a whole number from 40)" in capsys.readouterr().err


def run_replay_on_a_terminal(env_extra: dict[str, str]) -> str:
    master, slave = os.openpty()
    env = {**os.environ, **env_extra}
    if "NO_COLOR" not in env_extra:
        env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pathway", "replay", str(S4), "--brief"],
        stdout=slave,
        stderr=slave,
        cwd=ROOT,
        env=env,
    )
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 10)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=30)
    os.close(master)
    assert proc.returncode == 0
    return out.decode("utf-8", "replace")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminals on this platform")
def test_colour_on_a_terminal_unless_no_color() -> None:
    assert "\x1b[1m" in run_replay_on_a_terminal({})
    assert "\x1b[" not in run_replay_on_a_terminal({"NO_COLOR": "1"})


def test_no_colour_through_a_pipe() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pathway", "replay", str(S4)], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert "\x1b[" not in run.stdout


def test_sources_are_named_once_at_the_end_with_every_rule_cited(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(S4)]) == 0
    out = capsys.readouterr().out
    assert out.count(SOURCES["S0"].title) == 1
    glossary = out[out.index("Rules cited") :]
    _, trajectory = loaded(S4)
    for rid in {r for s in trajectory for r in s.rules}:
        assert f"- {rid}: {RULES[rid].summary}"[:60] in glossary.replace("\n    ", " ")
    assert "| sources: S0, S1, S3, S4" in out


@pytest.mark.parametrize("path", ALL, ids=[p.stem for p in ALL])
def test_no_internal_ids_in_the_narration(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(path), "--width", "400"]) == 0
    out = capsys.readouterr().out
    _, trajectory = loaded(path)
    names = {o.road.name for s in trajectory for o in s.options} | set(STATES)
    ids = {n for n in names if "_" in n}
    said = set(re.findall(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", out))
    assert not said & ids, sorted(said & ids)


# --- what-if ------------------------------------------------------------------------------------


def test_what_if_progression_at_the_first_reassessment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(S4), "--what-if", "4:response=progression"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("WHAT IF at Reassessment after step 4 the finding had been: response: progression")
    assert "Step 5 differs: Reassessment -> Palliative systemic instead of Neoadjuvant therapy." in out
    assert "regimen: FOLFIRI + bevacizumab" in out
    assert (
        "The road replayed before is not taken now: Neoadjuvant therapy by conversion therapy continues: "
        "response: progression (not partial or complete)"
    ) in " ".join(out.split())
    assert "As replayed, from the branch point:" in out and "What if, from the branch point:" in out
    assert out.count("Outcome:") == 2


def test_what_if_fits_the_width(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(S4), "--what-if", "4:response=progression", "--width", "60"]) == 0
    assert max(len(line) for line in capsys.readouterr().out.splitlines()) <= 60


def test_what_if_that_changes_nothing_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(S4), "--what-if", "4:response=partial"]) == 0
    assert (
        "The pathway takes the same roads, with the same decisions, from the branch point." in capsys.readouterr().out
    )


def test_what_if_that_changes_only_the_regimen_says_which(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            ["replay", str(SCENARIOS / "s0-multifocal-unknown-primary.yaml"), "--what-if", "1:biomarkers.ras=wild-type"]
        )
        == 0
    )
    out = " ".join(capsys.readouterr().out.split())
    assert (
        "Step 3 takes the same road (MDT review -> Neoadjuvant therapy, conversion chemotherapy) with a different "
        "decision: regimen FOLFOX + anti-EGFR (cetuximab or panitumumab) instead of FOLFOXIRI + bevacizumab."
    ) in out


def test_what_if_naming_a_field_twice_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(S4), "--what-if", "4:response=progression,response=partial"]) == 2
    assert "--what-if: a field named twice (got 'response'; expected each field once)" in capsys.readouterr().err


def test_what_if_with_a_patient_field(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["replay", str(S4), "--what-if", "4:response=partial,liver.flr_percent=35,liver.r0_achievable=true"]) == 0
    )
    out = capsys.readouterr().out
    assert "Step 5 differs: Reassessment -> Liver surgery instead of Neoadjuvant therapy." in out
    assert "FLR 35%" in out


@pytest.mark.parametrize(
    ("spec", "said"),
    [
        ("progression", "--what-if: not STEP:field=value"),
        ("x:response=progression", "--what-if"),
        ("99:response=progression", "--what-if"),
        ("4:response=maybe", "--what-if response: unknown value"),
        ("4:colour=red", "--what-if colour: unknown key"),
        ("4:response", "--what-if"),
    ],
)
def test_what_if_errors_exit_2_with_a_located_message(spec: str, said: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(S4), "--what-if", spec]) == 2
    err = capsys.readouterr().err
    assert "(command line)" in err and said in err and "Traceback" not in err
    assert re.search(r"\(got .+; expected .+\)", err), err


# --- the rule glossary ------------------------------------------------------------------------


def test_rules_shows_statement_and_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "R12", "d-clock"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"R12: {RULES['R12'].summary}\n  sources: S3 {SOURCES['S3'].title}\n")
    assert "D-CLOCK (derived): " in out and "the sources are silent" in out


def test_rules_json_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in data] == list(RULES)
    r6 = next(r for r in data if r["id"] == "R6")
    assert r6["derived"] is False and {"key": "S0", "title": SOURCES["S0"].title} in r6["sources"]
    assert any(r["derived"] and r["sources"] == [] for r in data)


def test_rules_wrap_to_the_width_and_show_each_rule_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--width", "60", "R12", "r12", "D-CLOCK", "R43"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= 60
    assert sum(line.startswith("R12:") for line in lines) == 1
    assert any(line.startswith("R43: Citations follow the patient's pathway") for line in lines)


def test_json_with_text_options_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(S4), "--json", "--no-blocked"]) == 2
    assert "--no-blocked: shapes the text replay, not --json" in capsys.readouterr().err


def test_an_unknown_rule_exits_2_with_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "R99"]) == 2
    err = capsys.readouterr().err
    assert "(command line): ID: no such rule; did you mean 'R9'? (got 'R99'; expected a rule id" in err


# --- replay JSON for pages and slides -----------------------------------------------------------


def test_replay_json_carries_what_a_page_needs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(S4), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["patient"]["liver"]["lesions"] == 12 and data["patient"]["ecog"] == 1
    assert data["teaching"]["objectives"][0].startswith("Recognise multifocal bilobar disease")
    assert data["states"]["mdt_review"] == "MDT review"
    third = data["steps"][2]
    assert third["state_title"] == "Neoadjuvant therapy" and third["road"] == "conversion chemotherapy"
    assert third["warnings"][0]["id"] == "surgery-first-multifocal" and third["warnings"][0]["rules"] == ["R7"]
    s4 = next(r for r in data["references"] if r["key"] == "S4")
    assert "Pouyan Golshani" in s4["reference"] and s4["title"] == SOURCES["S4"].title


# --- the API ------------------------------------------------------------------------------------


def test_why_not_and_compare_reject_unknown_states_and_roads() -> None:
    _, trajectory = loaded(S4)
    with pytest.raises(
        ValueError, match=r"'bogus' is not a state or road step 3 could go to from mdt_review; one of: "
    ):
        trajectory.why_not(3, "bogus")
    with pytest.raises(ValueError, match="'resection' is not a state or road"):
        trajectory.compare(3, "resection")
    with pytest.raises(ValueError, match="'recurrence' is not a state step 3"):
        trajectory.compare(3, "recurrence")


def test_compare_by_state_or_by_road() -> None:
    _, trajectory = loaded(S4)
    assert trajectory.compare(3, "neoadjuvant").agrees
    assert trajectory.compare(3, "conversion_chemotherapy").agrees
    wrong = trajectory.compare(3, "upfront_surgery_low_risk")
    assert not wrong.agrees and "FLR 24% is below 30%" in wrong.blocked_by
    by_state = trajectory.compare(3, "surgery")
    assert {b.via for b in by_state.roads} == {"upfront_surgery_small_solitary", "upfront_surgery_low_risk"}


def test_failed_reasons_are_not_repeated() -> None:
    _, trajectory = loaded(S4)
    for step in trajectory:
        for b in step.blocked:
            assert len(b.failed) == len(set(b.failed)), (step.number, b.via, b.failed)
