"""The scenario format for people who write scenarios: the JSON Schema and docs/scenario-format.md.

Both are generated from the declarations the loader and the engine run on, so neither can drift
from what `pathway check` accepts:
- the fields, their types, ranges, defaults and allowed values: the schema (pathway/schema.py);
- which rules read a field: the guards that declare reading it (`reads`, pathway/guards.py and the
  primaries' modules), taken from the roads and regimen tables of every built pathway, each guard
  with its own rules (a road's rules also cover guards that read other fields, so they would say
  too much);
- what a finding says where: each state's Reading (pathway/vocabulary.py). A finding's observation
  is read into the course under its own name (`response` is `course.response`); its patient fields
  update the patient's.

Regenerate the committed copies with `pathway schema > docs/scenario.schema.json` and
`pathway schema --format markdown > docs/scenario-format.md` (or `pytest tests/test_authoring.py
--update-goldens`); a test fails when either is stale.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from . import definition as d
from . import pitfalls
from .course import OBSERVATIONS
from .findings import SCENARIO, VOCABULARY
from .guards import Guard
from .rules import RULES, ordered
from .schema import OUT_OF_SCOPE, UNSET, Spec, json_schema

TITLE = "pathway scenario"
SCHEMA_FILE = "docs/scenario.schema.json"  # beside the reference, docs/scenario-format.md
MODELINE = "# yaml-language-server: $schema="  # + the schema's path from the scenario's folder
LONG_LIST = 20  # an enumeration longer than this is summarised in the reference (the schema lists it all)


def pathway_guards() -> tuple[Guard, ...]:
    """Every guard a built pathway uses, on a road or in a road's regimen table, once each."""
    seen: dict[str, Guard] = {}
    for pathway in d.PATHWAYS.values():
        for road in pathway.roads:
            for gd in (*road.guards, *(g for row in road.regimens for g in row.guards)):
                seen.setdefault(gd.name, gd)
    return tuple(seen.values())


def readers() -> dict[str, list[str]]:
    """Each field a guard declares reading ('patient.liver.flr_percent', 'course.response'), with the
    rules of the guards that read it."""
    out: dict[str, set[str]] = {}
    for gd in pathway_guards():
        for path in gd.reads:
            out.setdefault(path, set()).update(gd.rules)
    return {path: ordered(rules) for path, rules in out.items()}


def case_path(path: str) -> str | None:
    """Where a scenario field lands in the case guards read: 'timeline.response' -> 'course.response'."""
    head, _, rest = path.partition(".")
    if head == "patient":
        return path
    if head == "timeline" and rest:
        first = rest.split(".")[0]
        if first in OBSERVATIONS:
            return f"course.{rest}"
        if first in SCENARIO.fields["patient"].fields:
            return f"patient.{rest}"
    return None


def read_by(path: str, found: dict[str, list[str]] | None = None) -> list[str]:
    """The rules that read a scenario field: those of the guards that read it, or the block it is in."""
    target = case_path(path)
    if target is None:
        return []
    found = readers() if found is None else found
    rules: set[str] = set()
    for read, ids in found.items():
        if target == read or target.startswith(read + "."):
            rules.update(ids)
    return ordered(rules)


def _json_notes(found: dict[str, list[str]]) -> Any:
    readings = VOCABULARY.readings

    def notes(path: str) -> str:
        parts = []
        if path == "timeline.at":
            parts.append("Read at: " + "; ".join(f"{state}: {r.words}" for state, r in readings.items()) + ".")
        name = path.removeprefix("timeline.")
        if path.startswith("timeline.") and name in OBSERVATIONS:
            at = [state for state, r in readings.items() if name in r.observes]
            parts.append("Read at: " + ", ".join(at) + ".")
        rules = read_by(path, found)
        if rules:
            parts.append("Read by " + ", ".join(rules) + ".")
        return " ".join(parts)

    return notes


def schema_json() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    return json_schema(SCENARIO, TITLE, _json_notes(readers()))


def schema_text() -> str:
    return json.dumps(schema_json(), indent=2, ensure_ascii=False) + "\n"


# --- the reference, in Markdown ---------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(value: Any) -> str:
    return f"`{value}`" if isinstance(value, str) and value else f"`{json.dumps(value, ensure_ascii=False)}`"


def _type(spec: Spec) -> str:
    words = {
        "int": "whole number",
        "number": "number",
        "bool": "true or false",
        "str": "text",
        "enum": "one of",
        "map": "mapping",
        "list": "list",
    }[spec.kind]
    if spec.kind == "list" and spec.item is not None:
        words = f"list of {_type(spec.item)}"
    return words + (" or null" if spec.nullable else "")


def _values(spec: Spec) -> str:
    if spec.kind == "enum":
        choices = spec.choices
        if len(choices) > LONG_LIST:
            return f"{len(choices)} ids: {_code(choices[0])}, {_code(choices[1])} ... {_code(choices[-1])}"
        return ", ".join(_code(c) for c in choices) + (", `null`" if spec.nullable else "")
    if spec.kind in ("int", "number"):
        if spec.low is not None and spec.high is not None:
            return f"{spec.low:g} to {spec.high:g}"
        if spec.low is not None:
            return f"{'>' if spec.low_open else '>='} {spec.low:g}"
        return "any"
    if spec.kind == "str":
        return f"matching `{spec.pattern}`" if spec.pattern else "any text"
    if spec.kind == "list" and spec.item is not None:
        return _values(spec.item)
    if spec.kind == "map":
        return "the fields below"
    return "`true`, `false`"


def _default(spec: Spec) -> str:
    if spec.required:
        return "**required**"
    if spec.default is UNSET:
        return "-"
    return _code(spec.default)


def _rows(spec: Spec, prefix: str, path: str, found: dict[str, list[str]]) -> Iterable[str]:
    """A table row per field, nested blocks flattened with dotted names."""
    for name, sub in spec.fields.items():
        dotted = f"{prefix}{name}"
        here = f"{path}.{name}"
        rules = ", ".join(read_by(here, found)) or "-"
        cells = (f"`{dotted}`", _type(sub), _values(sub), _default(sub), rules, _cell(sub.doc))
        yield "| " + " | ".join(cells) + " |"
        if sub.kind == "map":
            yield from _rows(sub, f"{dotted}.", here, found)


HEADER = "| field | type | values | default | read by | meaning |\n|---|---|---|---|---|---|"


def _table(spec: Spec, path: str, found: dict[str, list[str]], prefix: str = "") -> str:
    return "\n".join([HEADER, *_rows(spec, prefix, path, found)])


def _top_level(found: dict[str, list[str]]) -> str:
    rows = []
    for name, sub in SCENARIO.fields.items():
        values = _values(sub) if sub.kind not in ("map", "list") or name == "id" else f"see `{name}` below"
        if name == "teaching":
            values = "the fields below"
        cells = (f"`{name}`", _type(sub), values, _default(sub), "-", _cell(sub.doc))
        rows.append("| " + " | ".join(cells) + " |")
    teaching = SCENARIO.fields["teaching"]
    rows += list(_rows(teaching, "teaching.", "teaching", found))
    return "\n".join([HEADER, *rows])


def _readings_table() -> str:
    rows = ["| `at` | the state reads | must say | may say |", "|---|---|---|---|"]
    for state, reads in VOCABULARY.readings.items():
        must = [f"`{k}`" for k, required in reads.observes.items() if required]
        must += [f"`{n}`" for n in reads.names]
        if reads.names_one_of:
            must.append(" or ".join(f"`{n}`" for n in reads.names_one_of))
        may = [f"`{k}`" for k, required in reads.observes.items() if not required] + ["any patient field"]
        rows.append(f"| `{state}` | {_cell(reads.words)} | {', '.join(must) or '-'} | {', '.join(may)} |")
    return "\n".join(rows)


def _finding_table(found: dict[str, list[str]]) -> str:
    finding = SCENARIO.fields["timeline"].item
    assert finding is not None
    patient = SCENARIO.fields["patient"].fields
    rows = [HEADER]
    for name, sub in finding.fields.items():
        if name in patient:
            continue
        rules = ", ".join(read_by(f"timeline.{name}", found)) or "-"
        doc = sub.doc
        if name in OBSERVATIONS:
            at = [f"`{s}`" for s, r in VOCABULARY.readings.items() if name in r.observes]
            doc = f"{doc} (read at {', '.join(at)})"
        cells = (f"`{name}`", _type(sub), _values(sub), _default(sub), rules, _cell(doc))
        rows.append("| " + " | ".join(cells) + " |")
    rows.append(
        "| any patient field | as in `patient` | as in `patient`, but `liver.lesions` and `liver.largest_cm` may be 0 "
        "| - | as in `patient` | the fact as it is now; a partial block (`liver: {flr_percent: 34}`) keeps the "
        "fields it does not name |"
    )
    return "\n".join(rows)


def _primaries_table() -> str:
    rows = ["| pathway | `primary.site` | `primary.subsite` | markers staging waits for (R3) |", "|---|---|---|---|"]
    for pathway in d.PATHWAYS.values():
        p = pathway.profile
        sites = ", ".join(f"`{s}`" for s in p.sites)
        subsites = ", ".join(f"`{s}`" for s in p.subsites) or "-"
        markers = ", ".join(f"`biomarkers.{m.field}`" for m in p.markers) or "none"
        rows.append(f"| {p.title} | {sites} | {subsites} | {markers} |")
    rows.append("| primary not yet known | `unknown` | - | staging waits for a finding that names the primary (R2) |")
    return "\n".join(rows)


def _out_of_scope_table() -> str:
    by_reason: dict[str, list[str]] = {}
    for spelling, why in OUT_OF_SCOPE.items():
        by_reason.setdefault(why.message(), []).append(spelling)
    rows = ["| `primary.site` | the loader says |", "|---|---|"]
    rows += [
        f"| {', '.join(f'`{s}`' for s in spellings)} | {_cell(message)} |" for message, spellings in by_reason.items()
    ]
    return "\n".join(rows)


def _rules_table(ids: Iterable[str]) -> str:
    rows = ["| rule | in the project's words |", "|---|---|"]
    rows += [
        f"| {rid}{' (derived)' if RULES[rid].derived else ''} | {_cell(RULES[rid].summary)} |"
        for rid in ordered(list(ids))
    ]
    return "\n".join(rows)


def _cited(found: dict[str, list[str]]) -> set[str]:
    out: set[str] = set()

    def walk(spec: Spec, path: str) -> None:
        out.update(read_by(path, found))
        for name, sub in spec.fields.items():
            walk(sub, f"{path}.{name}" if path else name)
        if spec.item is not None:
            walk(spec.item, path)

    walk(SCENARIO, "")
    return out


BEYOND_THE_SCHEMA = """\
- a colon primary states its `side`; the rectum counts as left-sided, so `side: right` is refused for it (R13);
- a single metastasis is not `bilobar`;
- a `liver_only` recurrence describes the recurrent disease in `liver`: `lesions`, `largest_cm`,
  `flr_percent`, `r0_achievable`, and `bilobar` unless there is one lesion (R31 decides on it);
- months never go backwards along the timeline, and a finding's month is not before the pathway's clock
  where it is read;
- the timeline follows the pathway: an entry whose `at` is not the state where the pathway next needs a
  finding is an error that names the step and the guard that sent the patient elsewhere, and an entry
  left over after a terminal state is one too;
- ids are unique within a folder (`pathway check DIR`);
- the file is plain UTF-8 YAML of at most 1 MiB: no tags, anchors, aliases, merge keys, duplicate keys or
  tabs in indentation;
- a whole number written with a decimal point (`age: 60.0`) is refused, where JSON Schema counts it as
  an integer."""


def markdown() -> str:
    """docs/scenario-format.md."""
    found = readers()
    expect = SCENARIO.fields["expect"]
    pitfall_rows = "\n".join(f"| `{p.id}` | {_cell(p.text)} |" for p in pitfalls.ALL)
    parts = [
        "# The scenario format",
        "",
        "<!-- Generated from pathway/schema.py and the pathway's declarations by "
        "`pathway schema --format markdown > docs/scenario-format.md`; a test fails when it is stale. "
        "Do not edit by hand. -->",
        "",
        "A scenario is one YAML file: a patient at referral, the findings read along the pathway, and what "
        "the replay must do. This page lists every field the loader accepts, generated from the same "
        "declarations it checks files against.",
        "",
        "- **Start from a template:** `pathway new --primary breast -o scenarios/my-case.yaml` writes a "
        "commented scenario that passes `pathway check` (without `-o` it prints it). The primaries are "
        + ", ".join(f"`{name}`" for name in d.PATHWAYS)
        + ".",
        "- **Check it:** `pathway check FILE` reports every problem in one pass, one line each, in the "
        "order of the file: `FILE:LINE: field.path: what is wrong (got X; expected Y)` (exit 2). Then it "
        "replays the scenario and checks its `expect:` block (exit 1 when unmet).",
        "- **In an editor:** a first line `# yaml-language-server: $schema=../docs/scenario.schema.json` "
        "(the path from the scenario's folder to [the JSON Schema](scenario.schema.json)) lets editors "
        "that use yaml-language-server, such as VS Code with its YAML extension, complete and check the "
        "fields as you type. Every shipped scenario has it. `pathway schema` prints the schema "
        "(JSON Schema draft 2020-12).",
        "",
        "Columns: **default** is what leaving an optional field out means (`-`: nothing is stated). "
        "**read by** lists the rules whose guards read the field, as each guard declares (a field the "
        "guards read inside a block counts for the block's guards too); `pathway rules R4` prints a rule, "
        "and the rules named here are listed at the end. A field no guard reads (`age`, `sex`) is "
        "narrated but decides no road.",
        "",
        "## Top level",
        "",
        _top_level(found),
        "",
        "## `patient`",
        "",
        "The patient's facts at referral. Findings may change any of them later.",
        "",
        _table(SCENARIO.fields["patient"], "patient", found),
        "",
        "## `timeline`",
        "",
        "A list of findings. Each is read when the pathway next stands in a state that needs one; that "
        "state must be the entry's `at`. When the pathway needs a finding the timeline does not give, the "
        "replay ends there (`ended: awaiting-finding`). The states that read a finding:",
        "",
        _readings_table(),
        "",
        "The fields of a finding:",
        "",
        _finding_table(found),
        "",
        "## `expect`",
        "",
        "Optional; `pathway check` and the test suite replay the scenario and compare.",
        "",
        _table(expect, "expect", found, "expect."),
        "",
        "The pitfalls `expect.warnings` can name:",
        "",
        "| id | the warning |",
        "|---|---|",
        pitfall_rows,
        "",
        "## Primaries",
        "",
        "`primary.site` chooses the pathway:",
        "",
        _primaries_table(),
        "",
        "A primary the sources do not cover is refused with the reason, not as an unknown value:",
        "",
        _out_of_scope_table(),
        "",
        "## What `pathway check` checks beyond the schema",
        "",
        "The JSON Schema checks each field, and what each state requires of a finding. The loader also "
        "checks what one field requires of another, and the replay what the pathway requires of the "
        "timeline:",
        "",
        BEYOND_THE_SCHEMA,
        "",
        "## Rules named above",
        "",
        _rules_table(_cited(found)),
        "",
    ]
    return "\n".join(parts)
