"""The promised form of what the command line says about bad input (shared by the robustness tests)."""

from __future__ import annotations

import re

# FILE[:LINE]: field: what is wrong (got X; expected Y) -- one line, nothing a terminal would not print as itself.
PROBLEM = re.compile(
    r"^(?P<file>[^\n]+?)(:(?P<line>\d+))?: (?P<field>[^\n]+?): (?P<what>[^\n]+) \(got (?P<got>[^\n]+); expected (?P<expected>[^\n]+)\)$"
)


def problem_lines(err: str) -> list[re.Match[str]]:
    """Every line of `err` as a promised problem line; fails on any other line (a traceback among them)."""
    assert "Traceback" not in err, err[-2000:]
    found = []
    for line in err.splitlines():
        assert line.isprintable(), f"an unescaped character in {line!r}"
        match = PROBLEM.match(line)
        assert match, f"not FILE:LINE: field: what (got X; expected Y): {line!r}"
        found.append(match)
    return found
