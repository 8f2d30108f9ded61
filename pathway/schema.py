"""The scenario schema, declared once: the loader checks every file against it, with line numbers,
and `pathway schema` exports it as JSON Schema (draft 2020-12) and as docs/scenario-format.md.

Every independent problem is collected, not just the first, so an author fixes a file in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .errors import Problem, show
from .yamlsafe import REFUSED, Lines


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()  # a field with no default: absent means nothing (a finding names what it changes)


class OutOfScope(NamedTuple):  # (NamedTuples: a frozen dataclass costs a replay's start 0.8 ms)
    """A primary this pathway does not cover, and why (a value `primary.site` refuses)."""

    words: str  # "pancreatic adenocarcinoma"
    liver_primary: bool = False  # a primary liver cancer, not a liver metastasis
    instead: str = ""  # how to write a case the pathway does cover, if there is one

    def message(self) -> str:
        if self.liver_primary:
            return f"out of scope: {self.words} is a primary liver cancer with its own pathway, not a liver metastasis"
        text = f"out of scope: the sources of this pathway do not treat liver metastases from {self.words}"
        return f"{text}; {self.instead}" if self.instead else text


class Condition(NamedTuple):
    """What a finding must and must not say when its `at` is one state (from the state's Reading)."""

    required: tuple[str, ...] = ()  # observations the state requires
    forbidden: tuple[str, ...] = ()  # observations the state does not read
    names: tuple[str, ...] = ()  # dotted patient fields it must name
    names_one_of: tuple[str, ...] = ()  # it names at least one of these


@dataclass(eq=False, repr=False)
class Spec:
    """The schema of one value: its kind, bounds, choices or fields, and what it means."""

    kind: str  # int | number | bool | str | enum | map | list
    required: bool = False
    nullable: bool = False
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    low_open: bool = False  # low itself is not allowed
    fields: dict[str, Spec] = field(default_factory=dict)
    item: Spec | None = None
    max_items: int | None = None  # a list: at most this many entries
    pattern: str | None = None
    default: Any = UNSET  # what an absent optional field means
    doc: str = ""  # what the value means, in the project's words (the reference and the JSON Schema say it)
    refuse: Mapping[str, OutOfScope] = field(default_factory=dict)  # normalised value -> why it is out of scope
    scope: str = ""  # what is covered, in words: the `expected` of a refused value
    synonyms: Mapping[str, str] = field(default_factory=dict)  # normalised value -> what to write instead
    conditions: Mapping[str, Condition] = field(default_factory=dict)  # a finding: what each `at` requires

    def expected(self) -> str:
        if self.kind == "enum":
            return "one of: " + ", ".join(self.choices)
        if self.kind in ("int", "number"):
            word = "a whole number" if self.kind == "int" else "a number"
            if self.low is not None and self.high is not None and self.low_open:
                return f"{word} > {self.low:g} and at most {self.high:g}"
            if self.low is not None and self.high is not None:
                return f"{word} from {self.low:g} to {self.high:g}"
            if self.low is not None:
                return f"{word} {'>' if self.low_open else '>='} {self.low:g}"
            return word
        if self.kind == "bool":
            return "true or false"
        if self.kind == "str":
            return "text" if self.pattern is None else f"text matching {self.pattern}"
        if self.kind == "map":
            return "a mapping"
        return "a list" if self.max_items is None else f"a list of at most {self.max_items}"


def enum_spec(*choices: str, **kw: Any) -> Spec:
    return Spec("enum", choices=choices, **kw)


def normal(value: str) -> str:
    """A value as the refusals and synonyms are keyed: lower case, words joined by underscores."""
    return re.sub(r"[\s-]+", "_", value.strip().lower())


def _spelled(*entries: tuple[OutOfScope, tuple[str, ...]]) -> dict[str, OutOfScope]:
    return {spelling: why for why, spellings in entries for spelling in spellings}


_NOT_TREATED = "the sources do not treat"
OUT_OF_SCOPE: dict[str, OutOfScope] = _spelled(
    # S4: this pathway is not for primary liver cancers.
    (
        OutOfScope("hepatocellular carcinoma", liver_primary=True),
        ("hcc", "hepatocellular", "hepatocellular_carcinoma", "hepatoma"),
    ),
    (
        OutOfScope("cholangiocarcinoma", liver_primary=True),
        ("cholangiocarcinoma", "cholangio", "biliary", "bile_duct", "icc", "intrahepatic_cholangiocarcinoma"),
    ),
    (OutOfScope("a cancer arising in the liver", liver_primary=True), ("liver", "liver_cancer", "primary_liver")),
    # Metastases from primaries the five sources do not treat (they treat colorectal, neuroendocrine,
    # breast, gastric, GIST and soft-tissue sarcoma).
    (
        OutOfScope(
            "pancreatic adenocarcinoma",
            instead="a pancreatic neuroendocrine tumour is site: neuroendocrine with subsite: pancreas",
        ),
        ("pancreas", "pancreatic", "pancreatic_cancer", "pancreatic_adenocarcinoma", "pdac"),
    ),
    (OutOfScope("lung cancer"), ("lung", "lung_cancer", "nsclc", "sclc", "bronchus", "bronchial")),
    (OutOfScope("melanoma"), ("melanoma", "uveal_melanoma", "ocular_melanoma", "uveal", "skin")),
    (
        OutOfScope("oesophageal cancer"),
        ("oesophagus", "oesophageal", "esophagus", "esophageal", "oesophageal_cancer", "esophageal_cancer"),
    ),
    (OutOfScope("kidney cancer"), ("kidney", "renal", "renal_cell", "rcc")),
    (OutOfScope("ovarian cancer"), ("ovary", "ovarian", "ovarian_cancer")),
    (OutOfScope("prostate cancer"), ("prostate", "prostate_cancer")),
    (OutOfScope("bladder cancer"), ("bladder", "urothelial", "bladder_cancer")),
    (
        OutOfScope("uterine or cervical cancer"),
        ("uterus", "uterine", "endometrium", "endometrial", "cervix", "cervical"),
    ),
    (OutOfScope("thyroid cancer"), ("thyroid", "thyroid_cancer")),
    (OutOfScope("head and neck cancer"), ("head_and_neck", "head_neck")),
    (OutOfScope("gallbladder cancer"), ("gallbladder", "gallbladder_cancer")),
    (OutOfScope("testicular cancer"), ("testis", "testicular", "germ_cell")),
    (OutOfScope("another primary"), ("other",)),
)
# Other names for the sites the pathway covers: the message says which value to write.
SITE_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(
        ("colorectal", "crc", "bowel", "large_bowel", "colonic", "colon_cancer", "sigmoid", "caecum", "cecum"),
        "'colon' or 'rectum'",
    ),
    **dict.fromkeys(("rectal", "rectal_cancer"), "'rectum'"),
    **dict.fromkeys(("stomach", "gastric_cancer"), "'gastric'"),
    **dict.fromkeys(
        ("net", "nen", "carcinoid", "neuroendocrine_tumour", "neuroendocrine_tumor", "pnet", "pancreatic_net"),
        "'neuroendocrine' (with subsite: midgut, pancreas or other)",
    ),
    **dict.fromkeys(("breast_cancer",), "'breast'"),
    **dict.fromkeys(("gastrointestinal_stromal_tumour", "gastrointestinal_stromal_tumor"), "'gist'"),
    **dict.fromkeys(("soft_tissue_sarcoma", "sts"), "'sarcoma'"),
}
# Bounds no real case comes near, so that no arithmetic meets a number it cannot hold (2**1024 months):
# derived choices, each far above the shipped scenarios and the sources' figures (README, "Limits").
MAX_FINDINGS = 200  # a timeline's entries (the longest shipped timeline has 7)
MAX_MONTH = 600  # 50 years from referral
MAX_LESIONS = 200  # liver metastases counted
MAX_CM = 50.0  # a metastasis' largest diameter
MAX_CEA = 100_000.0  # ng/mL

SYMPTOMS = ("biliary_obstruction", "intractable_pain", "performance_decline")
STATUS = ("positive", "negative", "unknown")
GENOTYPE = ("wild-type", "mutant", "unknown")

# What each observation of a finding means (the vocabulary names them and their values).
OBSERVED: dict[str, str] = {
    "response": "the response on CT/MRI by RECIST 1.1",
    "margin": "the resection margin: R0 (at least 1 mm), R1 (microscopic disease at the margin) or R2 (macroscopic)",
    "recurrence": "whether and where the disease recurred; liver_only must describe the recurrent disease in `liver`",
    "progressing_lesions": "how many lesions progress (one is unifocal progression)",
}


class StateReads(NamedTuple):
    """What a state reads from a finding (vocabulary.Reading, as the schema needs it)."""

    words: str
    observes: Mapping[str, bool]  # observation -> required there
    names: tuple[str, ...] = ()
    names_one_of: tuple[str, ...] = ()


@dataclass(eq=False, repr=False)
class Vocabulary:
    """What the schema takes from the definition: the sites its primaries serve, and so on."""

    states: tuple[str, ...]
    finding_states: tuple[str, ...]
    observations: dict[str, tuple[str, ...] | None]  # name -> choices (None: a whole number >= 0)
    sites: tuple[str, ...]  # the primaries' sites (`unknown` is added)
    subsites: tuple[str, ...]
    pitfalls: tuple[str, ...]
    rules: tuple[str, ...]
    primaries: tuple[tuple[str, tuple[str, ...]], ...] = ()  # each pathway's noun and sites
    readings: Mapping[str, StateReads] = field(default_factory=dict)  # finding state -> what it reads


def covered(v: Vocabulary) -> str:
    """The primaries the pathway covers, in words: 'colon or rectum (colorectal), neuroendocrine, ...'."""
    parts = []
    for noun, sites in v.primaries:
        said = " or ".join(sites)
        parts.append(said if noun.lower() in (s.lower() for s in sites) else f"{said} ({noun})")
    return "a primary the pathway covers: " + ", ".join([*parts, "or unknown until staging names it"])


def patient_fields(v: Vocabulary, partial: bool) -> dict[str, Spec]:
    """The patient's fields; `partial` for a finding, which names only what it changes (no defaults)."""
    req = not partial
    liver_low = 0.0 if partial else 1.0

    def dflt(value: Any) -> Any:
        return UNSET if partial else value

    return {
        "age": Spec("int", required=req, low=18, high=110, doc="age in years"),
        "sex": enum_spec("female", "male", required=req, doc="sex"),
        "ecog": Spec("int", required=req, low=0, high=4, doc="ECOG performance status"),
        "primary": Spec(
            "map",
            required=req,
            doc="the primary tumour",
            fields={
                "site": enum_spec(
                    *v.sites,
                    "unknown",
                    required=req,
                    refuse=OUT_OF_SCOPE,
                    scope=covered(v),
                    synonyms=SITE_SYNONYMS,
                    doc="where the primary arose; it chooses the pathway. `unknown`: staging waits for a finding "
                    "that names it",
                ),
                "side": enum_spec(
                    "left",
                    "right",
                    nullable=True,
                    default=dflt(None),
                    doc="colon only, and required there: the side of the colon (the rectum counts as left)",
                ),
                "resected": Spec("bool", required=req, doc="false: the primary is still in place"),
                "symptomatic": Spec(
                    "bool", default=dflt(False), doc="the primary in place bleeds, obstructs or has perforated"
                ),
                "node_positive": Spec("bool", default=dflt(False), doc="the primary had involved lymph nodes"),
                "subsite": enum_spec(
                    *v.subsites,
                    nullable=True,
                    default=dflt(None),
                    doc="neuroendocrine only: the organ the tumour arose in (pancreas: a pancreatic NET)",
                ),
            },
        ),
        "presentation": enum_spec(
            "synchronous",
            "metachronous",
            required=req,
            doc="liver metastases found with the primary (synchronous) or after it (metachronous)",
        ),
        "biomarkers": Spec(
            "map",
            default=dflt({}),
            doc="molecular and receptor status; staging waits while a marker the primary's systemic therapy "
            "needs is unknown",
            fields={
                "mmr": enum_spec("pMMR", "dMMR", "unknown", default=dflt("unknown"), doc="mismatch repair status"),
                "ras": enum_spec(*GENOTYPE, default=dflt("unknown"), doc="RAS (KRAS/NRAS) status"),
                "braf": enum_spec(*GENOTYPE, default=dflt("unknown"), doc="BRAF status"),
                "her2": enum_spec(*STATUS, default=dflt("unknown"), doc="HER2 status (gastric and breast)"),
                "hormone_receptor": enum_spec(*STATUS, default=dflt("unknown"), doc="hormone receptor status (breast)"),
                "sstr": enum_spec(
                    *STATUS, default=dflt("unknown"), doc="somatostatin receptor imaging (neuroendocrine)"
                ),
            },
        ),
        "cea_ng_ml": Spec(
            "number", nullable=True, low=0, high=MAX_CEA, default=dflt(None), doc="CEA in ng/mL; null: not measured"
        ),
        "liver": Spec(
            "map",
            required=req,
            doc="the liver metastases, and what a resection that cleared them all would leave",
            fields={
                "lesions": Spec(
                    "int",
                    required=req,
                    low=liver_low,
                    high=MAX_LESIONS,
                    doc="how many metastases (a finding after a complete response may say 0)",
                ),
                "largest_cm": Spec(
                    "number",
                    required=req,
                    low=0,
                    low_open=not partial,
                    high=MAX_CM,
                    doc="the largest metastasis in cm (a finding may say 0)",
                ),
                "bilobar": Spec("bool", required=req, doc="metastases in both lobes (never true for a single one)"),
                "flr_percent": Spec(
                    "number",
                    required=req,
                    low=0,
                    high=100,
                    doc="future liver remnant: the % of the liver left by the resection that would clear all disease",
                ),
                "r0_achievable": Spec(
                    "bool", required=req, doc="a resection could clear all disease with clear margins"
                ),
                "perivascular": Spec("bool", default=dflt(False), doc="lesions against major vessels"),
                "ablation": Spec(
                    "map",
                    nullable=True,
                    default=dflt(None),
                    doc="lesions that could be ablated instead of resected: the largest of them and the remnant "
                    "resecting the rest would leave; null: none",
                    fields={
                        "largest_cm": Spec(
                            "number",
                            required=True,
                            low=0,
                            low_open=True,
                            high=MAX_CM,
                            doc="the largest lesion to ablate, in cm",
                        ),
                        "flr_percent": Spec(
                            "number",
                            required=True,
                            low=0,
                            high=100,
                            doc="the % of the liver left when these are ablated and the rest resected",
                        ),
                    },
                ),
            },
        ),
        "extrahepatic": enum_spec(
            "none",
            "resectable",
            "unresectable",
            required=req,
            doc="disease outside the liver, and whether it can be resected",
        ),
        "oxaliplatin_failure_months": Spec(
            "number",
            nullable=True,
            low=0,
            high=MAX_MONTH,
            default=dflt(None),
            doc="months from the last oxaliplatin before referral to the recurrence; null: none (after referral "
            "the pathway's own clock governs)",
        ),
        "fit_for_surgery": Spec("bool", default=dflt(True), doc="false: comorbidities rule out major surgery"),
        "refuses_surgery": Spec("bool", default=dflt(False), doc="the patient declines surgery"),
        "symptoms": Spec(
            "list", item=enum_spec(*SYMPTOMS), default=dflt([]), doc="severe symptoms now (an empty list: none)"
        ),
        "functional_syndrome": Spec(
            "bool", default=dflt(False), doc="neuroendocrine: a hormone syndrome (carcinoid syndrome, for example)"
        ),
        "extrahepatic_site": enum_spec(
            "none",
            "isolated_bone",
            "solitary_lung",
            "other",
            nullable=True,
            default=dflt(None),
            doc="where the extrahepatic disease is",
        ),
        "transplant_candidate": Spec(
            "bool",
            default=dflt(False),
            doc="neuroendocrine: the MDT selected this unresectable patient for liver transplantation",
        ),
        "grade": enum_spec("G1", "G2", "G3", nullable=True, default=dflt(None), doc="neuroendocrine tumour grade"),
        "anti_egfr_failure_months": Spec(
            "number",
            nullable=True,
            low=0,
            high=MAX_MONTH,
            default=dflt(None),
            doc="months from the last anti-EGFR antibody before referral to the recurrence; null: none",
        ),
    }


def finding_spec(v: Vocabulary) -> Spec:
    """A finding: where it is read, when, what it observes, and any patient fields it updates."""
    observed = {
        name: (enum_spec(*choices) if choices is not None else Spec("int", low=0, high=MAX_LESIONS))
        for name, choices in v.observations.items()
    }
    for name, spec in observed.items():
        spec.doc = OBSERVED.get(name, "")
    conditions = {
        state: Condition(
            required=tuple(k for k, required in reads.observes.items() if required),
            forbidden=tuple(k for k in v.observations if k not in reads.observes),
            names=reads.names,
            names_one_of=reads.names_one_of,
        )
        for state, reads in v.readings.items()
    }
    return Spec(
        "map",
        doc="a finding, read when the pathway next stands in the state `at`; besides what it observes it may "
        "update any patient field, naming only what changes",
        conditions=conditions,
        fields={
            "at": enum_spec(*v.finding_states, required=True, doc="the state that reads this finding"),
            "month": Spec(
                "number",
                low=0,
                high=MAX_MONTH,
                doc="when it was found, in months from referral (optional; never before the previous entry's "
                "month, nor before the pathway's clock reaches `at`)",
            ),
            **observed,
            **patient_fields(v, partial=True),
        },
    )


def scenario_spec(v: Vocabulary) -> Spec:
    return Spec(
        "map",
        doc="A scenario of the liver-metastasis pathway: a patient, the findings read along the way, and what "
        "the replay must do",
        fields={
            "id": Spec(
                "str",
                required=True,
                pattern=r"[a-z0-9-]{1,100}",  # (100: a file name the id makes stays far below 255 bytes)
                doc="the scenario's name, unique in its folder (shipped scenarios use the file's name)",
            ),
            "title": Spec("str", required=True, doc="one line at the head of the replay and the case page"),
            "teaching": Spec(
                "map",
                doc="what the case teaches",
                fields={
                    "objectives": Spec(
                        "list", item=Spec("str"), default=[], doc="teaching objectives, one sentence each"
                    ),
                    "notes": Spec("str", default="", doc="free text shown at the start of the replay"),
                },
            ),
            "patient": Spec(
                "map", required=True, doc="the patient's facts at referral", fields=patient_fields(v, partial=False)
            ),
            "timeline": Spec(
                "list",
                item=finding_spec(v),
                max_items=MAX_FINDINGS,
                default=[],
                doc="findings in the order they are read; the replay ends where the pathway needs one the timeline "
                "does not give",
            ),
            "expect": Spec(
                "map",
                doc="what the replay must do, checked by `pathway check` (exit 1 when unmet)",
                fields={
                    "path": Spec(
                        "list", item=enum_spec(*v.states), doc="every state of the replay in order, from referral"
                    ),
                    "final_state": enum_spec(*v.states, doc="the state the replay ends in"),
                    "ended": enum_spec(
                        "terminal",
                        "awaiting-finding",
                        doc="terminal: a terminal state was reached; awaiting-finding: the timeline ran out where "
                        "the pathway needs a finding",
                    ),
                    "regimens": Spec("list", item=Spec("str"), doc="text that some step's regimen must contain"),
                    "warnings": Spec(
                        "list", item=enum_spec(*v.pitfalls), doc="pitfalls the replay must warn of, by id"
                    ),
                    "rules": Spec("list", item=enum_spec(*v.rules), doc="rules some step must cite, by id"),
                },
            ),
        },
    )


Path_ = tuple[str | int, ...]


class Checker:
    def __init__(self, lines: Lines, problems: list[Problem] | None = None):
        self.lines = lines
        self.problems: list[Problem] = list(problems or [])
        # Where a misspelt key was probably meant to stand: that the field is missing there is not news.
        self.meant: set[Path_] = set()

    def line(self, path: Path_) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def add(self, path: Path_, message: str, got: str, expected: str) -> None:
        if path in self.meant:
            return
        self.problems.append(Problem(_dotted(path), message, got, expected, self.line(path)))

    def in_line_order(self) -> list[Problem]:
        """The problems by line (stable: those of one line keep the order they were found in)."""
        return sorted(self.problems, key=lambda p: (p.line is None, p.line or 0))

    def check(self, value: Any, spec: Spec, path: Path_) -> Any:
        if value is REFUSED:  # the reader refused it (a tag, an alias...) and said so
            return REFUSED
        if value is None:
            if spec.nullable:
                return None
            self.add(path, "must not be null", "null", spec.expected())
            return None
        kind = spec.kind
        if kind == "map":
            return self._map(value, spec, path)
        if kind == "list":
            if not isinstance(value, list):
                self.add(path, "wrong type", show(value), spec.expected())
                return []
            if spec.max_items is not None and len(value) > spec.max_items:  # (its entries are not read)
                self.add(path, "too many entries", f"{len(value)} entries", spec.expected())
                return []
            assert spec.item is not None
            return [self.check(v, spec.item, (*path, i)) for i, v in enumerate(value)]
        if kind == "bool":
            if not isinstance(value, bool):
                self.add(path, "wrong type", show(value), "true or false")
            return value
        if kind in ("int", "number"):
            return self._number(value, spec, path)
        if kind == "enum":
            self._enum(value, spec, path)
            return value
        if not isinstance(value, str):
            self.add(path, "wrong type", show(value), "text")
            return value
        if spec.pattern is not None and not re.fullmatch(spec.pattern, value):
            self.add(path, "invalid text", show(value), spec.expected())
        return value

    def _enum(self, value: Any, spec: Spec, path: Path_) -> None:
        if isinstance(value, str) and value in spec.choices:
            return
        key = normal(value) if isinstance(value, str) else None
        if key is not None and key in spec.refuse:
            self.add(path, spec.refuse[key].message(), show(value), spec.scope or spec.expected())
        elif key is not None and key in spec.synonyms:
            self.add(path, f"unknown value; did you mean {spec.synonyms[key]}?", show(value), spec.expected())
        else:
            hint = did_you_mean(value, spec.choices) if isinstance(value, str) else ""
            self.add(path, "unknown value" + hint, show(value), spec.expected())

    def _number(self, value: Any, spec: Spec, path: Path_) -> Any:
        is_int = isinstance(value, int) and not isinstance(value, bool)
        if spec.kind == "int" and not is_int:
            self.add(path, "wrong type", show(value), spec.expected())
            return value
        if not is_int and not isinstance(value, float):
            self.add(path, "wrong type", show(value), spec.expected())
            return value
        low_bad = spec.low is not None and (value <= spec.low if spec.low_open else value < spec.low)
        high_bad = spec.high is not None and value > spec.high
        if low_bad or high_bad:
            self.add(path, "out of range", show(value), spec.expected())
        return value

    def _map(self, value: Any, spec: Spec, path: Path_) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.add(path, "wrong type", show(value), "a mapping")
            return {}
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key not in spec.fields:
                target = suggestion(key, tuple(spec.fields))
                hint = f"; did you mean {target!r}?" if target else ""
                self.add((*path, key), "unknown key" + hint, show(key), "one of: " + ", ".join(spec.fields))
                if target is not None and target not in value:
                    self.meant.add((*path, target))
                continue
            checked = self.check(item, spec.fields[key], (*path, key))
            if checked is not REFUSED:
                out[key] = checked
        for key, sub in spec.fields.items():
            if sub.required and key not in value:  # (not where a misspelt key was meant: see add)
                self.add((*path, key), "required field missing", "nothing", sub.expected())
        return out


def suggestion(word: str, choices: tuple[str, ...]) -> str | None:
    """The choice `word` was probably meant to be, if one stands out."""
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return lowered[word.lower()]
    import difflib  # only on the error path

    prefixed = [c for c in choices if len(word) >= 3 and (c.startswith(word) or word.startswith(c))]
    if len(prefixed) == 1:
        return prefixed[0]
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    """The suggestion "; did you mean 'replay'?", or nothing, to end a message with."""
    found = suggestion(word, choices)
    return f"; did you mean {found!r}?" if found else ""


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(document)"


# --- JSON Schema (draft 2020-12) ------------------------------------------------------------------

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
Notes = Callable[[str], str]  # a field's dotted path ('patient.liver.flr_percent') -> more to say of it


def json_schema(spec: Spec, title: str, notes: Notes | None = None) -> dict[str, Any]:
    """The scenario schema as JSON Schema: the same declarations the loader checks.

    It uses only keywords that draft-07 validators read the same way (editors' YAML extensions among
    them). What it cannot say (one field's rule depending on another's value, beyond what each state
    reads) `pathway check` still checks: docs/scenario-format.md lists those checks.
    """
    body = _json(spec, "", notes or (lambda path: ""))
    return {"$schema": JSON_SCHEMA_DIALECT, "title": title, **body}


def _json(spec: Spec, path: str, notes: Notes) -> dict[str, Any]:
    out: dict[str, Any] = {}
    described = " ".join(part for part in (_sentence(spec.doc), notes(path)) if part)
    if described:
        out["description"] = described
    kind = spec.kind
    types: list[str] = []
    if kind == "map":
        types = ["object"]
        out["properties"] = {k: _json(s, f"{path}.{k}" if path else k, notes) for k, s in spec.fields.items()}
        required = [k for k, s in spec.fields.items() if s.required]
        if required:
            out["required"] = required
        out["additionalProperties"] = False
        if spec.conditions:
            out["allOf"] = [_condition(state, c) for state, c in spec.conditions.items()]
    elif kind == "list":
        types = ["array"]
        assert spec.item is not None
        out["items"] = _json(spec.item, path, notes)
        if spec.max_items is not None:
            out["maxItems"] = spec.max_items
    elif kind == "enum":
        out["enum"] = [*spec.choices, *([None] if spec.nullable else [])]
    elif kind == "bool":
        types = ["boolean"]
    elif kind in ("int", "number"):
        types = ["integer" if kind == "int" else "number"]
        if spec.low is not None:
            out["exclusiveMinimum" if spec.low_open else "minimum"] = _plain_number(spec.low)
        if spec.high is not None:
            out["maximum"] = _plain_number(spec.high)
    else:
        types = ["string"]
        if spec.pattern is not None:
            out["pattern"] = f"^{spec.pattern}$"
    if types:
        out["type"] = types[0] if not spec.nullable else [*types, "null"]
    if spec.default is not UNSET:
        out["default"] = spec.default
    return out


def _condition(state: str, c: Condition) -> dict[str, Any]:
    then: dict[str, Any] = {}
    if c.required:
        then["required"] = list(c.required)
    if c.forbidden:
        then["properties"] = {k: False for k in c.forbidden}
    musts = [_requires(dotted) for dotted in c.names]
    if c.names_one_of:
        musts.append({"anyOf": [_requires(dotted) for dotted in c.names_one_of]})
    if musts:
        then["allOf"] = musts
    return {"if": {"properties": {"at": {"const": state}}, "required": ["at"]}, "then": then}


def _requires(dotted: str) -> dict[str, Any]:
    """A schema that holds when the (nested) field `dotted` is present."""
    head, _, rest = dotted.partition(".")
    out: dict[str, Any] = {"required": [head]}
    if rest:
        out["properties"] = {head: _requires(rest)}
    return out


def _plain_number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _sentence(text: str) -> str:
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."
