"""Safe YAML reading that remembers where every value stood (for FILE:LINE errors).

Only plain YAML is accepted: mappings, lists, strings, numbers, booleans and null. Tags that
would construct objects, anchors and aliases, duplicate keys, tabs in indentation, non-UTF-8
bytes and empty files are refused with a line number. A syntax error stops the reading; problems
that leave the rest of the document readable are all collected, each with its line.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, ScenarioError

Lines = dict[tuple[str | int, ...], int]

MAX_BYTES = 1 << 20
# libyaml's parser when PyYAML was built with it (about 15x faster), with the same safe constructor.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:str",
}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


def _fail(field: str, message: str, got: str, expected: str, line: int | None = None) -> ScenarioError:
    return ScenarioError([Problem(field, message, got, expected, line)])


def read_text(path: Path) -> str:
    if not path.exists():
        raise _fail("(file)", "no such file", repr(str(path)), "an existing scenario file")
    if not path.is_file():
        raise _fail("(file)", "not a file", repr(str(path)), "a YAML scenario file")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise _fail("(file)", "cannot be read", err.strerror or "an OS error", "a readable file") from None
    if len(data) > MAX_BYTES:
        raise _fail("(file)", "too large for a scenario", f"{len(data)} bytes", f"at most {MAX_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise _fail("(file)", "not UTF-8 text", f"byte 0x{data[err.start]:02x}", "UTF-8", line) from None
    return text.removeprefix("\ufeff")


class _Refused:
    """A value the reader refused (a tag, an alias, a duplicate key...): the problem is reported once, and
    the schema leaves the value alone rather than report it again as missing or of the wrong type."""

    def __repr__(self) -> str:
        return "REFUSED"


REFUSED: Any = _Refused()


def parse(text: str) -> tuple[Any, Lines]:
    """Parse one YAML document into plain data and a map from value path to line; raise on any problem."""
    value, lines, problems = parse_all(text)
    if problems:
        raise ScenarioError(problems)
    return value, lines


def parse_all(text: str) -> tuple[Any, Lines, list[Problem]]:
    """Parse one YAML document into plain data, a map from value path to line, and the problems found.

    A syntax error, tabs in indentation or an empty document stop here (raised); every other problem
    (a tag, an alias, a duplicate or merge key, a number that is not finite) is collected, the value
    it concerns is REFUSED, and reading goes on.
    """
    tabs = [
        Problem("(file)", "tab in indentation", "a tab character", "spaces", number)
        for number, raw in enumerate(text.splitlines(), start=1)
        if "\t" in raw[: len(raw) - len(raw.lstrip(" \t"))]
    ]
    if tabs:
        raise ScenarioError(tabs)
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        what = (err.problem or err.context or "invalid YAML").strip()
        raise _fail("(yaml)", "YAML syntax error", repr(what), "well-formed YAML", line) from None
    except yaml.YAMLError as err:
        raise _fail("(yaml)", "YAML error", repr(str(err)[:60]), "well-formed YAML") from None
    finally:
        loader.dispose()
    if node is None:
        raise _fail("(file)", "empty scenario", "an empty document", "a mapping with id, title and patient", 1)
    reader = _Reader(loader)
    value = reader.plain(node, ())
    return value, reader.lines, reader.problems


class _Reader:
    def __init__(self, loader: yaml.SafeLoader):
        self.loader = loader
        self.lines: Lines = {}
        self.seen: set[int] = set()
        self.problems: list[Problem] = []

    def refuse(self, where: str, message: str, got: str, expected: str, line: int) -> Any:
        self.problems.append(Problem(where, message, got, expected, line))
        return REFUSED

    def plain(self, node: yaml.Node, path: tuple[str | int, ...]) -> Any:
        line = node.start_mark.line + 1
        where = ".".join(str(p) for p in path) or "(document)"
        if id(node) in self.seen:
            return self.refuse(where, "anchors and aliases are not allowed", "an alias", "plain values", line)
        self.seen.add(id(node))
        self.lines[path] = line
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                return self.refuse(*_tag(where, node.tag), line)
            return self._mapping(node, path, where)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                return self.refuse(*_tag(where, node.tag), line)
            return [self.plain(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if node.tag == _TIMESTAMP:
            return str(node.value)
        if node.tag not in _PLAIN:
            return self.refuse(*_tag(where, node.tag), line)
        value = self.loader.construct_object(node)
        if isinstance(value, float) and not math.isfinite(value):
            return self.refuse(where, "not a finite number", str(node.value), "a finite number", line)
        return value

    def _mapping(self, node: yaml.MappingNode, path: tuple[str | int, ...], where: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN:
                self.refuse(where, "keys must be plain words", "a complex key", "a name", key_line)
                continue
            key = str(key_node.value)
            dotted = ".".join([*map(str, path), key])
            if key == "<<":
                self.refuse(where, "merge keys are not allowed", "'<<'", "plain keys", key_line)
                continue
            if key in out:  # the first stands; the problem is the repetition
                self.refuse(dotted, "duplicate key", repr(key), "each key once", key_line)
                continue
            if id(value_node) in self.seen:
                out[key] = self.refuse(
                    dotted, "anchors and aliases are not allowed", "an alias", "plain values", key_line
                )
            else:
                out[key] = self.plain(value_node, (*path, key))
            self.lines[(*path, key)] = key_line
        return out


def _tag(where: str, tag: str) -> tuple[str, str, str, str]:
    return where, "YAML tags are not allowed (they can construct objects)", repr(tag), "plain YAML values"
