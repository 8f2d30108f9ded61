"""`pathway replay` stays light: it must import neither matplotlib nor networkx."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT, SCENARIOS

BLOCKER = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('matplotlib', 'networkx'):
            raise ImportError('blocked by test: ' + name)
        return None
sys.meta_path.insert(0, Block())
from pathway.cli import main
codes = [main(['replay', {file!r}]), main(['replay', {file!r}, '--json']), main(['check', {folder!r}])]
heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'networkx', 'numpy'))
print('CODES', codes, 'HEAVY', heavy, file=sys.stderr)
sys.exit(1 if any(codes) or heavy else 0)
"""


def test_replay_and_check_import_neither_matplotlib_nor_networkx() -> None:
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
