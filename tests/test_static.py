"""ruff and mypy are part of the test run; any finding fails it."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=ROOT, check=False)


def test_ruff_lint() -> None:
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = _run("ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_subpackage_is_installed() -> None:
    """A non-editable install ships only the packages pyproject lists (the README's first command)."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "pathway").rglob("__init__.py")}
    assert listed == found


def test_every_web_asset_is_package_data() -> None:
    """The case pages inline pathway/web/*: a non-editable install must ship every file there."""
    import fnmatch
    import tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]
    assets = [p.relative_to(ROOT / "pathway").as_posix() for p in (ROOT / "pathway" / "web").iterdir()]
    assert assets and all(any(fnmatch.fnmatch(a, pat) for pat in patterns["pathway"]) for a in assets), assets
