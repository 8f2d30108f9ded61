"""Property-based tests (Hypothesis): scenario documents generated from the schema, and shipped scenarios
mutated, fed to the command line. Whatever the file, every run exits 0, 1 or 2, says each problem in one
promised line and never raises; the limits (findings per file, steps per replay, nesting, number length)
bound each run's work.

Bounded and reproducible in the suite (derandomized, no example database); PATHWAY_FUZZ_EXAMPLES=N runs
N examples a property instead. Inputs that ever broke a property are kept in tests/fuzz/regressions/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from .fuzzing import SHIPPED, documents, holds_the_promise, run_cli, structure_mutants, text_mutants

EXAMPLES = int(os.environ.get("PATHWAY_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # no timer: the loader's and the engine's limits bound the work, tested on their own
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
REGRESSIONS = sorted((Path(__file__).parent / "fuzz" / "regressions").glob("*.yaml"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _file(folder: Path, text: str) -> Path:
    path = folder / "case.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


@FUZZ
@given(documents(wild=False))
def test_documents_from_the_schema(folder: Path, document: dict[str, object]) -> None:
    holds_the_promise(_file(folder, yaml.safe_dump(document, sort_keys=False, allow_unicode=True)))


@FUZZ
@given(documents(wild=True))
def test_wild_documents_from_the_schema(folder: Path, document: dict[str, object]) -> None:
    holds_the_promise(_file(folder, yaml.safe_dump(document, sort_keys=False)))


@FUZZ
@given(structure_mutants())
def test_shipped_scenarios_mutated_by_value(folder: Path, text: str) -> None:
    holds_the_promise(_file(folder, text))


@FUZZ
@given(text_mutants())
def test_shipped_scenarios_mutated_by_text(folder: Path, text: str) -> None:
    holds_the_promise(_file(folder, text))


@settings(FUZZ, max_examples=max(EXAMPLES // 3, 10))
@given(st.binary(max_size=400))
def test_any_bytes(folder: Path, data: bytes) -> None:
    path = folder / "bytes.yaml"
    path.write_bytes(data)
    holds_the_promise(path, (["check"], ["replay"]))


@settings(FUZZ, max_examples=max(EXAMPLES // 3, 10))
@given(st.sampled_from(SHIPPED), st.lists(st.text(max_size=15), max_size=12))
@example(SHIPPED[0], ["²"])  # found by Hypothesis at 2,000 examples: '²'.isdigit(), and int('²') raises
def test_quiz_answers(scenario: Path, answers: list[str]) -> None:
    code, _, err = run_cli(["quiz", str(scenario)], "\n".join(answers))
    assert code == 0 and "Traceback" not in err


@pytest.mark.parametrize("path", REGRESSIONS, ids=lambda p: p.stem)
def test_every_kept_regression(path: Path) -> None:
    """Each file a fuzzer once broke the command line with: now refused (exit 2) in the promised form."""
    codes = holds_the_promise(path, (["check"], ["replay"], ["replay", "--json"]))
    assert codes == [2, 2, 2]


def test_there_are_regressions_kept() -> None:
    assert len(REGRESSIONS) >= 9
