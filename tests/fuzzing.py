"""Scenario documents for fuzzing: generated from the schema, and shipped scenarios mutated (by line, by
character, by value), with the values a fuzzer found to break things; and the property every run of the
command line must keep (exit 0, 1 or 2; stderr only promised lines; never an exception)."""

from __future__ import annotations

import copy
import io
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from pathway.cli import main
from pathway.findings import SCENARIO
from pathway.schema import Spec

from .conftest import SCENARIOS
from .promised import problem_lines

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in SHIPPED}

# Text that broke the loader once, or could: tags, escapes, controls, bidi, huge and odd numbers, nesting.
NASTY = [
    "!!bool maybe",
    "!!int abc",
    "!!float abc",
    '!!int ""',
    "!!str 5",
    "!!null x",
    "!!binary aGk=",
    "!!python/object/apply:os.system ['true']",
    "!custom x",
    "9" * 5000,
    str(2**1024),
    str(-(2**1024)),
    "1e999",
    "-.inf",
    ".nan",
    "1.0e+300",
    "-1",
    "0",
    "0x1F",
    "0o17",
    "1_000",
    "1:30",
    "2001-01-01",
    "yes",
    "~",
    "null",
    "[]",
    "{}",
    "[" * 600 + "]" * 600,
    "{a: " * 30 + "}" * 30,
    "&a x",
    "*a",
    "<<: {a: 1}",
    '"\\ud800"',
    '"\\x07"',
    '"\\u202e"',
    '"a\\nb"',
    "\x07",
    "\x00",
    "\x1b[31m",
    "\u202e",
    "\u2066",
    "\x85",
    "\ufeff",
    "\t",
    "'",
    '"',
    "{",
    "[",
    "- ",
    ": ",
    "? x",
    "---",
    "...",
    "%YAML 1.1",
    "#",
    "é",
    "\U0001f600",
]

WILD: st.SearchStrategy[Any] = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.sampled_from([2**1024, 10**200, -(10**50), 2**63]),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
        st.sampled_from(["surgery", "reassessment", "stable", "R0", "colon", "progression", "none", "liver_only"]),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


def _number(spec: Spec) -> st.SearchStrategy[Any]:
    low = spec.low if spec.low is not None else 0
    high = spec.high if spec.high is not None else low + 1000
    if spec.kind == "int":
        return st.integers(int(low) + (1 if spec.low_open else 0), int(high))
    return st.floats(low, high, exclude_min=spec.low_open, allow_nan=False).map(lambda x: round(x, 2))


def from_spec(spec: Spec, wild: float = 0.0) -> st.SearchStrategy[Any]:
    """Values the schema allows for `spec` (with `wild`: now and then anything at all, or nothing)."""
    if spec.kind == "map":
        required = {k: from_spec(s, wild) for k, s in spec.fields.items() if s.required}
        optional = {k: from_spec(s, wild) for k, s in spec.fields.items() if not s.required}
        made: st.SearchStrategy[Any] = st.fixed_dictionaries(required, optional=optional)
    elif spec.kind == "list":
        assert spec.item is not None
        made = st.lists(from_spec(spec.item, wild), max_size=6)
    elif spec.kind == "enum":
        made = st.sampled_from(spec.choices)
    elif spec.kind in ("int", "number"):
        made = _number(spec)
    elif spec.kind == "bool":
        made = st.booleans()
    elif spec.pattern is not None:
        made = st.from_regex(f"^{spec.pattern}$", fullmatch=True).filter(lambda t: len(t) < 40)
    else:
        made = st.text(max_size=60)
    if spec.nullable:
        made = st.one_of(made, st.none())
    if wild:
        made = st.one_of(made, WILD) if wild >= 0.5 else made
    return made


def _timeline_entry() -> st.SearchStrategy[dict[str, Any]]:
    """A finding like an author writes one: where it is read and one or two of its fields."""
    finding = SCENARIO.fields["timeline"].item
    assert finding is not None
    fields = {k: from_spec(s) for k, s in finding.fields.items() if k != "at"}
    at = st.sampled_from(finding.fields["at"].choices)
    return st.builds(
        lambda where, chosen: {"at": where, **chosen},
        at,
        st.lists(st.sampled_from(sorted(fields)), max_size=2, unique=True).flatmap(
            lambda keys: st.fixed_dictionaries({k: fields[k] for k in keys})
        ),
    )


def documents(wild: bool) -> st.SearchStrategy[Any]:
    """Scenario documents from the schema: valid in type and range (wild: with anything here and there)."""
    rate = 0.5 if wild else 0.0
    body = {k: from_spec(s, rate) for k, s in SCENARIO.fields.items() if k not in ("timeline", "expect")}
    return st.fixed_dictionaries(
        {k: body[k] for k in ("id", "title", "patient")},
        optional={"teaching": body["teaching"], "timeline": st.lists(_timeline_entry(), max_size=8)},
    )


def _at(data: Any, path: list[Any]) -> Any:
    for part in path:
        data = data[part]
    return data


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def structure_mutants(draw: st.DrawFn) -> str:
    """A shipped scenario with values replaced by anything, swapped between fields, or deleted."""
    name = draw(st.sampled_from(sorted(TEXTS)))
    data = yaml.safe_load(TEXTS[name])
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(data)
        if not paths:
            break
        where = draw(st.sampled_from(paths))
        parent = _at(data, list(where[:-1]))
        kind = draw(st.sampled_from(["replace", "swap", "delete", "duplicate"]))
        if kind == "replace":
            parent[where[-1]] = draw(WILD)
        elif kind == "swap":
            other = draw(st.sampled_from(paths))
            if other[: len(where)] != where and where[: len(other)] != other:
                there = _at(data, list(other[:-1]))
                parent[where[-1]], there[other[-1]] = copy.deepcopy(there[other[-1]]), copy.deepcopy(parent[where[-1]])
        elif kind == "delete":
            del parent[where[-1]]
        elif isinstance(parent, list):
            parent.insert(int(where[-1]), copy.deepcopy(parent[where[-1]]))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=draw(st.booleans()))


@st.composite
def text_mutants(draw: st.DrawFn) -> str:
    """A shipped scenario's text with lines deleted, duplicated, swapped, or values and characters replaced
    by the nasty ones."""
    lines = TEXTS[draw(st.sampled_from(sorted(TEXTS)))].split("\n")
    snippet = st.one_of(st.sampled_from(NASTY), st.text(max_size=12))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "value", "insert", "char", "indent"]))
        if kind == "delete" and len(lines) > 1:
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "value" and ":" in lines[i]:
            head = lines[i].split(":", 1)[0]
            lines[i] = f"{head}: {draw(snippet)}"
        elif kind == "insert":
            lines.insert(i, draw(snippet))
        elif kind == "char" and lines[i]:
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(snippet) + lines[i][at:]
        elif kind == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "  ", "    ", "\t"])) + lines[i].lstrip()
    return "\n".join(lines)


COMMANDS = (["check"], ["replay", "--json"], ["replay"], ["replay", "--brief"])


def run_cli(args: list[str], stdin: str = "") -> tuple[int, str, str]:
    """`pathway ARGS` in this process: (exit code, stdout, stderr). An exception propagates (a failure)."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as done:  # argparse's usage errors, exit 2
                code = done.code if isinstance(done.code, int) else 2
                assert code == 2, code
                return code, out.getvalue(), ""
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


def holds_the_promise(path: Path, commands: tuple[list[str], ...] = COMMANDS) -> list[int]:
    """Every command on `path` exits 0, 1 or 2 with stderr only promised lines, each naming the file; the
    same validity for all of them. Returns the exit codes."""
    codes = []
    for command in commands:
        code, out, err = run_cli([*command, str(path)])
        assert code in (0, 1, 2), (command, code, err[-2000:])
        problem_lines(err)
        if command[0] == "replay":
            assert (code == 0) == bool(out) and (code == 0) == (not err), (command, code, err[-2000:])
        codes.append(code)
    replays = [c for cmd, c in zip(commands, codes, strict=True) if cmd[0] == "replay"]
    assert len(set(replays)) <= 1, codes  # replay's forms agree on validity
    if "check" in [c[0] for c in commands] and replays:
        assert (codes[0] == 2) == (replays[0] == 2), codes  # check calls invalid what replay refuses
    return codes
