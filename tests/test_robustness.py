"""Issue #12: what a fuzzer found, each case a regression test. Bad input never prints a traceback: one
promised line per problem on stderr and exit 2 (an output error: one line and exit 1), under both YAML
readers (libyaml's and PyYAML's pure-Python one, which recurses and reads escapes differently)."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from pathway import yamlsafe
from pathway.cli import main
from pathway.course import Case, Finding, Response
from pathway.engine import MAX_STEPS, Stalled, run
from pathway.errors import escape
from pathway.scenario import load
from pathway.schema import MAX_FINDINGS

from .conftest import ROOT, SCENARIOS
from .promised import problem_lines
from .test_errors import GOOD, bad

STABLE = SCENARIOS / "conversion-ras-mutant-stable.yaml"


@pytest.fixture(params=["libyaml", "pure-python"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "pure-python":
        monkeypatch.setattr(yamlsafe, "_LOADER", yaml.SafeLoader)
    elif not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML without libyaml")
    yield request.param


def refused(path: Path, capsys: pytest.CaptureFixture[str], *commands: list[str]) -> list[tuple[str | None, str, str]]:
    """Run every command on `path`: each exits 2 with promised lines only, the same for all; their (line,
    field, what)."""
    seen = None
    for command in commands or (["check"], ["replay"], ["replay", "--json"]):
        code = main([*command, str(path)])
        out, err = capsys.readouterr()
        assert code == 2, (command, out, err)
        found = [(m["line"], m["field"], m["what"]) for m in problem_lines(err)]
        assert found and all(m["file"] == escape(str(path)) for m in problem_lines(err))
        assert seen is None or found == seen
        seen = found
    assert seen is not None
    return seen


def write(tmp_path: Path, text: str | bytes, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# 1. Control characters in the file -------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x07", "\x00", "\x1b", "\x7f", "\x85", "\x0c", "\u202e", "\u2066"])
def test_a_control_character_in_the_file_is_named_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reader: str, char: str
) -> None:
    path = write(tmp_path, bad("title: A valid case", f"title: A valid{char} case"))
    ((line, field, what),) = refused(path, capsys)
    assert (line, field) == ("2", "(file)")
    assert what.endswith("is not allowed")
    assert ("bidirectional" in what) == (char in "\u202e\u2066")


def test_the_issue_s_bel_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], reader: str) -> None:
    path = write(tmp_path, b"id: a\x07")
    assert refused(path, capsys) == [("1", "(file)", "a control character is not allowed")]
    main(["check", str(path)])
    assert "(got U+0007 '\\x07' at column 6;" in capsys.readouterr().err


def test_many_lines_of_control_characters_are_counted_not_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, GOOD + "# \x00\n" * 50)
    found = refused(path, capsys, ["check"])
    assert len(found) == yamlsafe.MAX_REPORTED + 1 and found[-1][2] == "more refused characters"


# 5 and bidi. Escapes in quoted strings: a lone surrogate, controls, bidi overrides ---------------------


@pytest.mark.parametrize("escape", ["\\x07", "\\e", "\\0", "\\u202E", "\\u2067", "\\r"])
def test_an_escaped_control_character_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reader: str, escape: str
) -> None:
    path = write(tmp_path, bad("title: A valid case", f'title: "A valid{escape} case"'))
    ((line, field, what),) = refused(path, capsys)
    assert (line, field) == ("2", "title") and what.endswith("is not allowed")


def test_a_lone_surrogate_is_refused_by_check_and_replay_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reader: str
) -> None:
    """check used to pass it and replay to crash printing it (UnicodeEncodeError); libyaml refuses the
    escape itself, the pure-Python reader reads it and the loader refuses the character."""
    path = write(tmp_path, bad("title: A valid case", 'title: "\\ud800"'))
    ((line, field, what),) = refused(path, capsys)
    assert line == "2"
    if reader == "pure-python":
        assert (field, what) == ("title", "a lone surrogate (half of a character) is not allowed")
    else:
        assert (field, what) == ("(yaml)", "YAML syntax error")


def test_bidi_overrides_never_reach_a_case_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, bad("objectives: [Check the loader]", 'objectives: ["Check \\u202egnp.exe"]'))
    out = tmp_path / "pages"
    assert refused(path, capsys, ["html", "--out", str(out)]) == [
        (
            "4",
            "teaching.objectives[0]",
            "a bidirectional control character (it changes how the text around it is shown) is not allowed",
        )
    ]
    assert not out.exists()


def test_tab_and_newline_stay_allowed_in_free_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, bad("objectives: [Check the loader]", 'objectives: ["Check\\tthe\\nloader"]'))
    assert main(["check", str(path)]) == 0


# 2. Deep nesting -------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [21, 493, 999, 1000, 100_000])
def test_deep_nesting_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], reader: str, depth: int) -> None:
    path = write(tmp_path, "title: " + "[" * depth + "]" * depth + "\n")
    assert refused(path, capsys) == [("1", "(yaml)", "nested too deeply")]


def test_deep_block_nesting_names_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], reader: str) -> None:
    text = "id: x\ntitle: x\npatient:\n" + "".join("  " * i + "-\n" for i in range(1, 400))
    path = write(tmp_path, text)
    assert refused(path, capsys) == [("23", "(yaml)", "nested too deeply")]


def test_twenty_levels_are_read(tmp_path: Path, capsys: pytest.CaptureFixture[str], reader: str) -> None:
    path = write(tmp_path, bad("objectives: [Check the loader]", "objectives: " + "[" * 18 + "]" * 18))
    assert [f for _, f, _ in refused(path, capsys, ["check"])] == ["teaching.objectives[0]"]  # wrong type, read


# 3. Explicit core tags with a value they cannot hold; numbers too long to read -------------------------


@pytest.mark.parametrize(
    ("value", "got", "expected"),
    [
        ("!!bool maybe", "!!bool 'maybe'", "true or false"),
        ("!!int abc", "!!int 'abc'", "a whole number"),
        ("!!float abc", "!!float 'abc'", "a number"),
        ('!!int ""', "!!int ''", "a whole number"),
    ],
)
def test_a_core_tag_with_a_value_it_cannot_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reader: str, value: str, got: str, expected: str
) -> None:
    path = write(tmp_path, bad("title: A valid case", f"title: {value}"))
    assert refused(path, capsys) == [("2", "title", "a value its tag cannot hold")]
    main(["check", str(path)])
    assert f"(got {got}; expected {expected})" in capsys.readouterr().err


def test_a_core_tag_with_a_fitting_value_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, bad("age: 60", "age: !!int 60").replace("title: A valid case", "title: !!str A case"))
    assert main(["check", str(path)]) == 0


def test_a_5000_digit_number(tmp_path: Path, capsys: pytest.CaptureFixture[str], reader: str) -> None:
    path = write(tmp_path, bad("age: 60", "age: " + "9" * 5000))
    assert refused(path, capsys) == [("6", "patient.age", "number too long")]


# 4. Huge numbers: bounded by the schema before any arithmetic ------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("cea_ng_ml: 10", "cea_ng_ml: {n}", "patient.cea_ng_ml"),
        (
            "  extrahepatic: none",
            "  extrahepatic: none\n  oxaliplatin_failure_months: {n}",
            "patient.oxaliplatin_failure_months",
        ),
        ("largest_cm: 3.0", "largest_cm: {n}", "patient.liver.largest_cm"),
        ("    response: partial", "    response: partial\n    month: {n}", "timeline[0].month"),
        ("    response: partial", "    response: partial\n    liver: {{lesions: {n}}}", "timeline[0].liver.lesions"),
    ],
)
@pytest.mark.parametrize("n", [2**1024, 2**300, 10**6, "1.0e+300"])
def test_huge_numbers_are_out_of_range_or_too_long(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, field: str, n: int | str
) -> None:
    path = write(tmp_path, bad(old, new.format(n=n)))
    ((_, got_field, what),) = refused(path, capsys)
    assert got_field == field
    if len(str(n)) > yamlsafe.MAX_NUMBER_CHARS:
        assert what == "number too long"
    else:  # (a float is no count of lesions)
        assert what == ("wrong type" if field.endswith("lesions") and isinstance(n, str) else "out of range")


def test_a_long_number_is_shown_short(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, bad("cea_ng_ml: 10", f"cea_ng_ml: {2**300}"))
    main(["check", str(path)])
    assert "(got 203703597633...(91 digits); expected a number from 0 to 100000)" in capsys.readouterr().err


# 6. `at` of the wrong type ---------------------------------------------------------------------------


@pytest.mark.parametrize("at", ["[surgery]", "{a: 1}", "3", "null", "true"])
def test_at_of_the_wrong_type(tmp_path: Path, capsys: pytest.CaptureFixture[str], at: str) -> None:
    path = write(tmp_path, bad("  - at: reassessment", f"  - at: {at}"))
    fields = [f for _, f, _ in refused(path, capsys)]
    assert "timeline[0].at" in fields


# 7. A newline in a key or a file name: still one line a problem -----------------------------------------


def test_a_key_with_a_newline_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], reader: str) -> None:
    path = write(tmp_path, GOOD + '"a\\nb": 1\n')
    assert refused(path, capsys) == [("22", "a\\nb", "unknown key")]


def test_a_file_name_with_a_newline_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, bad("age: 60", "age: 6"), name="two\nlines\u202e.yaml")
    assert refused(path, capsys, ["check"], ["replay"]) == [("6", "patient.age", "out of range")]
    main(["check", str(path)])
    assert capsys.readouterr().err.startswith(str(tmp_path) + "/two\\nlines\\u202e.yaml:6: ")
    good = write(tmp_path, GOOD, name="good\n.yaml")
    assert main(["check", str(good)]) == 0
    assert capsys.readouterr().out.startswith(f"ok     {tmp_path}/good\\n.yaml  (")


# 8. A file name too long to look up -----------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["replay"],
        ["replay", "--json"],
        ["quiz"],
        ["html", "--out", "{out}"],
        ["render", "--out", "{out}", "--scenario"],
    ],
)
def test_a_file_name_too_long(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    long = str(tmp_path / ("x" * 300 + ".yaml"))
    code = main([c.format(out=tmp_path / "out") for c in command] + [long])
    (match,) = problem_lines(capsys.readouterr().err)
    assert code == 2 and match["what"] == "cannot be looked up" and match["got"] == "File name too long"


def test_an_out_folder_name_too_long(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["html", str(SCENARIOS / "s4-metachronous-bilobar.yaml"), "--out", "y" * 300]) == 2
    (match,) = problem_lines(capsys.readouterr().err)
    assert match["field"] == "--out" and match["got"] == "File name too long"


# 9. Bounded trajectories: findings per file, steps per replay ------------------------------------------


def _many(n: int) -> str:
    base = STABLE.read_text(encoding="utf-8").split("timeline:")[0]
    return base + "timeline:\n" + "  - {at: reassessment, response: stable}\n" * n


def test_a_timeline_longer_than_the_limit_is_refused_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, _many(20_000))
    assert refused(path, capsys) == [("19", "timeline", "too many entries")]
    main(["check", str(path)])
    assert f"(got 20000 entries; expected a list of at most {MAX_FINDINGS})" in capsys.readouterr().err


def test_a_timeline_at_the_limit_replays(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, _many(MAX_FINDINGS))
    assert main(["check", str(path)]) == 0
    steps = int(capsys.readouterr().out.split("(reassessment, ")[1].split(" steps")[0])
    assert MAX_FINDINGS < steps < MAX_STEPS


class _Forever:
    """A source that never runs out: stable disease at every reassessment, for ever."""

    def next_finding(self, state: str, case: Case) -> Finding | None:
        return Finding("reassessment", response=Response.STABLE, origin="forever")

    def leftover(self) -> list[Finding]:
        return []


def test_a_source_that_never_ends_stops_at_the_step_limit() -> None:
    with pytest.raises(Stalled) as err:
        run(load(STABLE).case, _Forever())
    assert len(err.value.trajectory.steps) == MAX_STEPS
    assert f"the replay reached {MAX_STEPS} steps" in err.value.problem.format()


# Output errors: a full device, a folder that refuses files --------------------------------------------


class _Full(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize("command", [["replay"], ["replay", "--json"], ["check"], ["replay", "--brief"]])
def test_a_full_device_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", _Full())
    assert main([*command, str(STABLE)]) == 1
    (match,) = problem_lines(capsys.readouterr().err)
    assert (match["file"], match["field"], match["what"]) == ("<stdout>", "(output)", "cannot be written")
    assert match["got"] == "No space left on device"


def _subprocess(*args: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pathway", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        check=False,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("command", [["replay"], ["replay", "--json"], ["check"], ["rules"], ["schema"]])
def test_dev_full_in_a_real_process(command: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = _subprocess(
            *command, *([str(STABLE)] if command[0] in ("replay", "check") else []), stdout=full.fileno()
        )
    assert done.returncode == 1, done.stderr
    assert done.stderr == (
        "<stdout>: (output): cannot be written (got No space left on device; expected a writable file or folder with room)\n"
    )


def test_a_page_that_cannot_be_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    assert main(["html", str(STABLE), "--out", str(blocker / "pages")]) == 1
    (match,) = problem_lines(capsys.readouterr().err)
    assert match["field"] == "(output)" and match["got"] == "Not a directory"


def test_a_closed_pipe_stays_quiet() -> None:
    done = subprocess.run(
        f"{sys.executable} -m pathway replay {STABLE} | head -c 10 > /dev/null; exit ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == ""


# Each case of the issue in a real process: no traceback, the promised line, exit 2 -----------------------


@pytest.mark.parametrize(
    "text",
    [
        b"id: a\x07",
        b"title: " + b"[" * 493 + b"]" * 493,
        b"title: !!bool maybe",
        b"title: " + b"9" * 5000,
        bad("cea_ng_ml: 10", f"cea_ng_ml: {2**1024}").encode(),
        bad("title: A valid case", 'title: "\\ud800"').encode(),
        bad("  - at: reassessment", "  - at: [surgery]").encode(),
        GOOD.encode() + b'"a\\nb": 1\n',
    ],
    ids=["bel", "nesting", "bool-tag", "digits", "2**1024", "surrogate", "at-list", "newline-key"],
)
def test_the_issue_s_cases_in_a_real_process(tmp_path: Path, text: bytes) -> None:
    path = write(tmp_path, text)
    for command in (["check"], ["replay"], ["replay", "--json"]):
        done = _subprocess(*command, str(path))
        assert done.returncode == 2 and done.stdout == "", done.stderr[-2000:]
        assert problem_lines(done.stderr)


def test_the_issue_s_long_file_name_in_a_real_process(tmp_path: Path) -> None:
    done = _subprocess("replay", str(tmp_path / ("x" * 300 + ".yaml")))
    assert done.returncode == 2 and len(problem_lines(done.stderr)) == 1


# The what-if reads its values as the loader reads a file's ---------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        "response=!!int abc",
        "response=!!python/object:os.system x",
        f"liver.flr_percent={9**400}",
        "month=1e999",
        "response=[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]",
    ],
)
def test_what_if_values_are_read_safely(capsys: pytest.CaptureFixture[str], change: str) -> None:
    assert main(["replay", str(STABLE), "--what-if", f"4:{change}"]) == 2
    (match,) = problem_lines(capsys.readouterr().err)
    assert match["file"] == "(command line)"


def test_quiz_answers_are_echoed_escaped(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("foo\x1b[31mbar\n\u202eabc\n"))
    assert main(["quiz", str(STABLE)]) == 0
    out = capsys.readouterr().out
    assert "foo\\x1b[31mbar" in out and "\\u202eabc" in out
    assert "\x1b" not in out and "\u202e" not in out


@pytest.mark.parametrize("answer", ["²", "٣", "9" * 5000, "0"])
def test_quiz_answers_that_look_like_numbers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], answer: str
) -> None:
    """Found by Hypothesis: '²'.isdigit() is true and int('²') raises; so does int() past 4300 digits."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(answer + "\n"))
    assert main(["quiz", str(STABLE)]) == 0
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("step", ["²", "9" * 5000])
def test_what_if_and_step_numbers_that_look_like_numbers(capsys: pytest.CaptureFixture[str], step: str) -> None:
    assert main(["replay", str(STABLE), "--what-if", f"{step}:response=stable"]) == 2
    assert len(problem_lines(capsys.readouterr().err)) == 1
    with pytest.raises(SystemExit) as done:
        main(["replay", str(STABLE), "--step", step])
    assert done.value.code == 2


def test_an_id_too_long_for_a_file_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Found by benchmarks/fuzz_cli.py: a 10,000-character id made a page name the system refuses (exit 1)."""
    path = write(tmp_path, bad("id: good-case", "id: " + "x" * 10_000))
    assert refused(path, capsys, ["check"], ["html", "--out", str(tmp_path / "pages")]) == [("1", "id", "invalid text")]
    assert main(["check", str(write(tmp_path, bad("id: good-case", "id: " + "x" * 100)))]) == 0


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("stdout_full", [False, True])
def test_a_full_stderr_ends_quietly_with_exit_1(tmp_path: Path, stdout_full: bool) -> None:
    """With stderr on a full device nothing can be said: no traceback attempt, exit 1 (an output error)."""
    bad = write(tmp_path, b"id: a\x07\n")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pathway",
                "check" if not stdout_full else "replay",
                str(bad if not stdout_full else STABLE),
            ],
            stdout=full.fileno() if stdout_full else subprocess.PIPE,
            stderr=full.fileno(),
            cwd=ROOT,
            check=False,
        )
    assert done.returncode == 1


def test_argparse_echoes_what_was_typed_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["replay", str(STABLE), "--js\u202eon\x1b[31m"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    last = err.splitlines()[-1]
    assert "\u202e" not in err and "\x1b" not in err
    assert last.startswith("pathway replay: error: unrecognized arguments: --js\\u202eon\\x1b[31m")


class _FullStream(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize("command", [["check"], ["replay"]])
def test_a_full_stderr_is_an_output_error_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """Nothing can be reported when stderr refuses to be written: main returns 1, it does not raise."""
    bad = write(tmp_path, b"id: a\x07\n")
    monkeypatch.setattr(sys, "stderr", _FullStream())
    if command == ["replay"]:
        monkeypatch.setattr(sys, "stdout", _FullStream())  # both streams full
    assert main([*command, str(bad)]) == 1


def test_a_template_name_too_long_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "-o", "z" * 300 + ".yaml"]) == 2
    (match,) = problem_lines(capsys.readouterr().err)
    assert match["field"] == "-o" and match["got"] == "File name too long"
