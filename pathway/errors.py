"""Problems with input, reported as `FILE:LINE: field: what is wrong (got X; expected Y)`."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Problem:
    """One problem with input, located in its file."""

    field: str
    message: str
    got: str
    expected: str
    line: int | None = None
    file: str = ""

    def format(self) -> str:
        where = self.file or "<scenario>"
        if self.line is not None:
            where += f":{self.line}"
        return escape(f"{where}: {self.field}: {self.message} (got {self.got}; expected {self.expected})")

    def in_file(self, file: str) -> Problem:
        return replace(self, file=file)


class ScenarioError(Exception):
    """One or more problems with a scenario; nothing was run."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(p.format() for p in problems))
        self.problems = problems

    def in_file(self, file: str) -> ScenarioError:
        return ScenarioError([p.in_file(file) for p in self.problems])


def escape(text: str) -> str:
    """`text` on one line, every character a terminal would not print as itself escaped: a newline, a
    control character, a bidi override or a lone surrogate becomes `\\n`, `\\x07`, `\\u202e`, `\\ud800`.
    File names and keys come from the user; a problem's line must stay one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def show(value: object) -> str:
    """A value as a user typed it, short enough for one line."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return repr(text)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int) and not -(10**30) < value < 10**30:  # (never past Python's 4300 digits)
        digits = len(str(abs(value)))
        return f"{str(value)[:12]}...({digits} digits)"
    return str(value)
