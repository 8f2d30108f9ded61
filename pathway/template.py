"""`pathway new`: a commented scenario to start from, for any primary, that passes `pathway check`.

The comments come from the schema (what each field means, its values, its default). The fields the
primary's pathway reads (its guards declare them) are set; the others are there commented out, to
uncomment. The patient and timeline are a small example case of that primary, and the `expect:`
block is the template's own replay, so the file passes `pathway check` as written.
"""

from __future__ import annotations

import os
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import definition as d
from .errors import Problem, ScenarioError
from .findings import SCENARIO, VOCABULARY
from .report import replay
from .scenario import loads
from .schema import UNSET, Spec

WIDTH = 100
BASE_PATIENT: dict[str, Any] = {
    "age": 60,
    "sex": "female",
    "ecog": 0,
    "presentation": "metachronous",
    "liver": {"lesions": 2, "largest_cm": 3.0, "bilobar": False, "flr_percent": 60, "r0_achievable": True},
    "extrahepatic": "none",
}


@dataclass(frozen=True)
class Example:
    """A small case of one primary: what it teaches, the patient's particulars and the findings."""

    title: str
    objectives: tuple[str, ...]
    patient: dict[str, Any]  # merged over BASE_PATIENT
    timeline: tuple[dict[str, Any], ...]
    notes: str = ""
    liver: dict[str, Any] = field(default_factory=dict)  # merged over BASE_PATIENT's liver


_SURGERY = ({"at": "surgery", "margin": "R0"}, {"at": "surveillance", "recurrence": "none"})

EXAMPLES: dict[str, Example] = {
    "colorectal": Example(
        "Three resectable metastases from a node-positive colon cancer",
        ("Name the high-risk feature that makes chemotherapy before surgery mandatory",),
        {
            "primary": {"site": "colon", "side": "left", "resected": True, "node_positive": True},
            "biomarkers": {"mmr": "pMMR", "ras": "wild-type", "braf": "wild-type"},
            "cea_ng_ml": 30,
        },
        ({"at": "reassessment", "response": "partial", "liver": {"largest_cm": 2.4}}, *_SURGERY),
        liver={"lesions": 3, "largest_cm": 3.5, "flr_percent": 55},
    ),
    "neuroendocrine": Example(
        "Resectable liver metastases from a midgut neuroendocrine tumour",
        ("Resect resectable neuroendocrine liver metastases; no systemic therapy comes first",),
        {
            "primary": {"site": "neuroendocrine", "resected": True, "subsite": "midgut"},
            "biomarkers": {"sstr": "positive"},
            "grade": "G2",
        },
        _SURGERY,
    ),
    "breast": Example(
        "Hormone-receptor-positive breast cancer with two liver metastases",
        ("Start with systemic therapy chosen by receptor status; operate after at least 6 months",),
        {
            "primary": {"site": "breast", "resected": True},
            "biomarkers": {"hormone_receptor": "positive", "her2": "negative"},
        },
        (
            {"at": "reassessment", "response": "partial"},
            {"at": "reassessment", "response": "partial"},
            *_SURGERY,
        ),
    ),
    "gastric": Example(
        "HER2-positive gastric cancer with a solitary liver metastasis",
        ("Test HER2 before systemic therapy; resect a solitary metastasis that does not progress",),
        {"primary": {"site": "gastric", "resected": True}, "biomarkers": {"her2": "positive"}},
        ({"at": "reassessment", "response": "partial"}, *_SURGERY),
        liver={"lesions": 1},
    ),
    "gist": Example(
        "GIST liver metastases responding to imatinib",
        ("Start the TKI before surgery, resect responsive disease and continue the TKI",),
        {"primary": {"site": "gist", "resected": True}},
        ({"at": "reassessment", "response": "partial", "liver": {"largest_cm": 2.0}}, *_SURGERY),
        liver={"lesions": 3, "largest_cm": 5.0},
    ),
    "sarcoma": Example(
        "Resectable liver metastases from a soft-tissue sarcoma",
        ("Resect sarcoma liver metastases when resectable; no chemotherapy comes first",),
        {"primary": {"site": "sarcoma", "resected": True}},
        _SURGERY,
    ),
}


def _example_patient(example: Example) -> dict[str, Any]:
    patient = {**BASE_PATIENT, **example.patient}
    patient["liver"] = {**BASE_PATIENT["liver"], **example.liver}
    return patient


def _read_by_pathway(primary: str) -> set[str]:
    """The patient fields (dotted, below `patient`) that this primary's pathway reads."""
    pathway = d.PATHWAYS[primary]
    out: set[str] = set()
    for road in pathway.roads:
        for gd in (*road.guards, *(g for row in road.regimens for g in row.guards)):
            out.update(p.removeprefix("patient.") for p in gd.reads if p.startswith("patient."))
    return out


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) + "}"
    text = str(value)
    plain = re.fullmatch(r"[A-Za-z][A-Za-z0-9 ,.()/+-]*", text) and text.lower() not in _YAML_WORDS
    return text if plain else '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def _values(spec: Spec) -> str:
    said = spec.expected() if spec.kind != "list" or spec.item is None else "a list of " + _values(spec.item)
    return said + (", or null" if spec.nullable and spec.kind != "map" else "")


def _comment(spec: Spec, indent: str, reads: bool) -> list[str]:
    parts = [spec.doc[:1].upper() + spec.doc[1:] + "." if spec.doc else ""]
    if spec.kind not in ("map",):
        parts.append(_values(spec)[:1].upper() + _values(spec)[1:] + ".")
    if spec.required:
        parts.append("Required.")
    elif spec.default == {}:
        parts.append("Optional; each field below has its default.")
    elif spec.default is not UNSET:
        parts.append(f"Optional, default {_scalar(spec.default)}.")
    if not reads and not spec.required:
        parts.append("This primary's pathway does not read it.")
    text = " ".join(p for p in parts if p)
    return textwrap.wrap(text, WIDTH, initial_indent=indent + "# ", subsequent_indent=indent + "#   ")


def _fields(spec: Spec, values: dict[str, Any], indent: str, prefix: str, reads: set[str], on: bool) -> list[str]:
    """The block's fields, each under its comment; `on`: the block itself is set, not commented out."""
    out: list[str] = []
    for name, sub in spec.fields.items():
        dotted = prefix + name
        read = sub.required or any(r == dotted or r.startswith(dotted + ".") for r in reads)
        given = name in values
        value = values[name] if given else sub.default
        # A block that is null unless stated (liver.ablation) is shown commented out, unless stated.
        null_block = sub.kind == "map" and value is None
        active = on and (sub.required or given or (read and not null_block))
        out += _comment(sub, indent, read)
        mark = "" if active else "# "
        if sub.kind == "map" and (isinstance(value, dict) or value is UNSET or value is None):
            inner = value if isinstance(value, dict) else {}
            body = _fields(sub, inner, indent + "  ", dotted + ".", reads, active)
            if active and not sub.required and all(line.lstrip().startswith("#") for line in body):
                active, mark = False, "# "  # nothing in it is set: leave the block out
                body = _fields(sub, inner, indent + "  ", dotted + ".", reads, active)
            out.append(f"{indent}{mark}{name}:")
            out += body
            continue
        if value is UNSET:
            if active:
                raise ValueError(f"the example gives no value for the required field {dotted}")
            value = _placeholder(sub)
        out.append(f"{indent}{mark}{name}: {_scalar(value)}")
    return out


def _placeholder(spec: Spec) -> Any:
    """A value for a commented-out field that has no default (uncommented, it passes the schema)."""
    if spec.kind == "enum":
        return spec.choices[0]
    if spec.kind in ("int", "number"):
        if spec.low is not None and spec.high is not None:
            return int((spec.low + spec.high) / 2)
        return int(spec.low) + 1 if spec.low is not None else 0
    if spec.kind == "bool":
        return False
    return [] if spec.kind == "list" else ""


def _modeline(out: Path | None) -> list[str]:
    """The first line, pointing editors at the JSON Schema: relative to where the file is written."""
    schema = Path(__file__).resolve().parent.parent / "docs" / "scenario.schema.json"
    if not schema.is_file():  # installed without the repository's docs
        return [
            "# For field completion in an editor (yaml-language-server): `pathway schema > scenario.schema.json`,",
            "# then make the first line of this file: # yaml-language-server: $schema=scenario.schema.json",
        ]
    start = (out.parent if out is not None else Path.cwd()).resolve()
    try:
        rel = Path(os.path.relpath(schema, start)).as_posix()
    except ValueError:  # another drive
        rel = schema.as_posix()
    return [f"# yaml-language-server: $schema={rel}"]


def _id_for(out: Path | None, primary: str) -> str:
    stem = out.stem if out is not None else ""
    return stem if re.fullmatch(r"[a-z0-9-]+", stem) else f"new-{primary}-case"


def template(primary: str = "colorectal", out: Path | None = None) -> str:
    """The template for `primary` (a pathway's name), to be written at `out` (None: printed)."""
    example = EXAMPLES[primary]
    reads = _read_by_pathway(primary)
    patient_spec = SCENARIO.fields["patient"]
    finding_spec = SCENARIO.fields["timeline"].item
    assert finding_spec is not None
    lines = _modeline(out)
    lines += [
        f"# A {d.PATHWAYS[primary].profile.noun} scenario to start from (`pathway new --primary {primary}`).",
        "# Edit the case, then run `pathway check FILE`: it lists every problem at once, with its line.",
        "# docs/scenario-format.md describes every field; fields this primary's pathway reads are set,",
        "# the others are commented out (uncomment one to state it).",
        f"id: {_id_for(out, primary)}  # lower-case letters, digits and hyphens; the file's name without .yaml",
        f"title: {_scalar(example.title)}",
        "teaching:",
        "  objectives:",
        *(f"    - {_scalar(o)}" for o in example.objectives),
        f"  notes: {_scalar(example.notes or 'What the case shows, for the start of the replay.')}",
        "patient:",
        *_fields(patient_spec, _example_patient(example), "  ", "", reads, on=True),
        "# Findings in the order the pathway reads them; each is read when the pathway next stands at its `at`.",
        "timeline:",
    ]
    for entry in example.timeline:
        reading = VOCABULARY.readings[entry["at"]]
        must = [k for k, required in reading.observes.items() if required] + list(reading.names)
        note = f"read at {entry['at']}: {reading.words}" + (f"; must say {', '.join(must)}" if must else "")
        lines += textwrap.wrap(note, WIDTH, initial_indent="  # ", subsequent_indent="  #   ")
        first, *rest = entry.items()
        lines.append(f"  - {first[0]}: {_scalar(first[1])}")
        lines += [f"    {k}: {_scalar(v)}" for k, v in rest]
    body = "\n".join(lines) + "\n"
    trajectory = replay(loads(body, "(template)"))
    path = ", ".join(trajectory.path)
    expect = [
        "# What the replay must do; `pathway check` compares. This is the template's own replay: change it",
        "# with the case (also: ended, regimens, warnings and rules).",
        "expect:",
        f"  path: [{path}]",
        f"  final_state: {trajectory.final_state}",
    ]
    return body + "\n".join(expect) + "\n"


def write(primary: str, out: Path | None) -> str:
    """The template's text, written to `out` if given; a ScenarioError names the file if it cannot be."""
    if out is not None:
        if out.exists():
            raise _refused(out, "already exists; pathway new never overwrites a file", "a file name not in use")
        if not out.parent.is_dir():
            raise _refused(out, f"no such folder {str(out.parent)!r} to write it in", "a file in an existing folder")
    text = template(primary, out)
    if out is not None:
        try:
            with out.open("x", encoding="utf-8") as handle:
                handle.write(text)
        except FileExistsError:
            raise _refused(
                out, "already exists; pathway new never overwrites a file", "a file name not in use"
            ) from None
        except OSError as err:
            raise _refused(out, f"cannot be written ({err.strerror or 'an OS error'})", "a writable file") from None
    return text


def _refused(out: Path, message: str, expected: str) -> ScenarioError:
    return ScenarioError([Problem("--out", message, repr(str(out)), expected, file=str(out))])
