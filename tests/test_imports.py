"""`pathway replay` stays light: it must import neither matplotlib nor networkx (nor jsonschema nor
hypothesis, which only the tests use)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, SCENARIOS

BLOCKER = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('matplotlib', 'networkx', 'jsonschema', 'hypothesis'):
            raise ImportError('blocked by test: ' + name)
        return None
sys.meta_path.insert(0, Block())
from pathway.cli import main
codes = [main(['replay', {file!r}]), main(['replay', {file!r}, '--json']), main(['check', {folder!r}])]
heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'networkx', 'numpy', 'jsonschema', 'hypothesis'))
print('CODES', codes, 'HEAVY', heavy, file=sys.stderr)
sys.exit(1 if any(codes) or heavy else 0)
"""


def test_replay_and_check_import_neither_matplotlib_nor_networkx_nor_jsonschema() -> None:
    code = BLOCKER.format(file=str(SCENARIOS / "s0-multifocal-unknown-primary.yaml"), folder=str(SCENARIOS))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "HEAVY []" in run.stderr


def test_the_blocker_would_catch_an_import() -> None:
    """The subprocess check above can fail: importing matplotlib under the blocker raises."""
    code = BLOCKER.replace("from pathway.cli import main", "import networkx\nfrom pathway.cli import main").format(
        file="x", folder="y"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode != 0 and "blocked by test: networkx" in run.stderr


def _imports(path: Path, package_root: Path = ROOT / "pathway") -> set[str]:
    """The pathway modules a module imports, as dotted names relative to the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.relative_to(package_root).with_suffix("").parts[:-1]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(package[: len(package) - node.level + 1])
            stem = [*base, *(node.module.split(".") if node.module else [])]
            out.add(".".join(stem))
            out.update(".".join([*stem, alias.name]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pathway"):
            out.add(node.module.removeprefix("pathway").lstrip("."))
        elif isinstance(node, ast.Import):
            out.update(a.name.removeprefix("pathway").lstrip(".") for a in node.names if a.name.startswith("pathway"))
    return out


def test_the_general_part_imports_no_primary_and_primaries_import_no_other() -> None:
    """Assembly goes one way: only pathway/definition.py imports the primaries (pathway/primaries/)."""
    for path in sorted((ROOT / "pathway").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT / "pathway").with_suffix("").parts)
        primaries = {".".join(m.split(".")[:2]) for m in _imports(path) if m.startswith("primaries.")}
        if module == "definition":
            assert primaries, "the definition assembles the primaries"
        elif module.startswith("primaries."):
            own = module.removesuffix("_regimens")
            assert primaries <= {own, own + "_regimens"}, (module, primaries)
            assert not {"definition", "engine", "cli"} & _imports(path), module
        else:
            assert not primaries, f"{module} imports {sorted(primaries)}"


def test_the_import_check_sees_a_primary_import(tmp_path: Path) -> None:
    """Control: the check above resolves relative imports, in a package and in a subpackage."""
    (tmp_path / "primaries").mkdir()
    (tmp_path / "lint.py").write_text("from .primaries import gist\nfrom . import definition\n", encoding="utf-8")
    (tmp_path / "primaries" / "breast.py").write_text("from ..primaries.gist import X\n", encoding="utf-8")
    assert {"primaries.gist", "definition"} <= _imports(tmp_path / "lint.py", tmp_path)
    assert "primaries.gist" in _imports(tmp_path / "primaries" / "breast.py", tmp_path)
