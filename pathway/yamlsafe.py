"""Safe YAML reading that remembers where every value stood (for FILE:LINE errors).

Only plain YAML is accepted: mappings, lists, strings, numbers, booleans and null. Tags that
would construct objects, anchors and aliases, duplicate keys, tabs in indentation, non-UTF-8
bytes and empty files are refused with a line number.
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


def parse(text: str) -> tuple[Any, Lines]:
    """Parse one YAML document into plain data and a map from value path to line."""
    for number, raw in enumerate(text.splitlines(), start=1):
        indent = raw[: len(raw) - len(raw.lstrip(" \t"))]
        if "\t" in indent:
            raise _fail("(file)", "tab in indentation", "a tab character", "spaces", number)
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
    lines: Lines = {}
    seen: set[int] = set()
    value = _plain(loader, node, (), lines, seen)
    return value, lines


def _plain(loader: yaml.SafeLoader, node: yaml.Node, path: tuple[str | int, ...], lines: Lines, seen: set[int]) -> Any:
    line = node.start_mark.line + 1
    where = ".".join(str(p) for p in path) or "(document)"
    if id(node) in seen:
        raise _fail(where, "anchors and aliases are not allowed", "an alias", "plain values", line)
    seen.add(id(node))
    lines[path] = line
    if isinstance(node, yaml.MappingNode):
        if node.tag != _MAP:
            raise _tag(where, node.tag, line)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN:
                raise _fail(where, "keys must be plain words", "a complex key", "a name", key_node.start_mark.line + 1)
            key = str(key_node.value)
            if key == "<<":
                raise _fail(where, "merge keys are not allowed", "'<<'", "plain keys", key_node.start_mark.line + 1)
            if key in out:
                raise _fail(
                    ".".join([*map(str, path), key]),
                    "duplicate key",
                    repr(key),
                    "each key once",
                    key_node.start_mark.line + 1,
                )
            if id(value_node) in seen:
                raise _fail(
                    ".".join([*map(str, path), key]),
                    "anchors and aliases are not allowed",
                    "an alias",
                    "plain values",
                    key_node.start_mark.line + 1,
                )
            out[key] = _plain(loader, value_node, (*path, key), lines, seen)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ:
            raise _tag(where, node.tag, line)
        return [_plain(loader, item, (*path, i), lines, seen) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    if node.tag == _TIMESTAMP:
        return str(node.value)
    if node.tag not in _PLAIN:
        raise _tag(where, node.tag, line)
    value = loader.construct_object(node)
    if isinstance(value, float) and not math.isfinite(value):
        raise _fail(where, "not a finite number", str(node.value), "a finite number", line)
    return value


def _tag(where: str, tag: str, line: int) -> ScenarioError:
    return _fail(where, "YAML tags are not allowed (they can construct objects)", repr(tag), "plain YAML values", line)
