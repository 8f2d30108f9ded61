"""Safe YAML reading that remembers where every value stood (for FILE:LINE errors).

Only plain YAML is accepted: mappings, lists, strings, numbers, booleans and null. Tags that
would construct objects, anchors and aliases, duplicate keys, tabs in indentation, non-UTF-8
bytes and empty files are refused with a line number. A syntax error stops the reading; problems
that leave the rest of the document readable are all collected, each with its line.

The text is untrusted: control characters (but tab and newline), bidi embeddings, overrides and
isolates, non-characters and lone surrogates are refused wherever they stand (in the file, or
written as escapes in a quoted string); a core tag whose value it cannot hold (`!!int abc`), a
number written with more than MAX_NUMBER_CHARS characters and collections nested deeper than
MAX_DEPTH are refused, so that nothing past the reader meets them.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, ScenarioError, show

Lines = dict[tuple[str | int, ...], int]

MAX_BYTES = 1 << 20
MAX_DEPTH = 20  # collections inside collections: a scenario needs 5 (timeline, entry, liver, ablation)
MAX_NUMBER_CHARS = 100  # a number longer than this is no measurement (and Python reads no int past 4300 digits)
MAX_REPORTED = 10  # lines with refused characters named one by one; the rest are counted
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
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_HOLDS = {
    "tag:yaml.org,2002:bool": "true or false",
    _INT: "a whole number",
    _FLOAT: "a number",
}
# Characters no scenario holds, in the file: the C0 controls but tab, newline and carriage return; DEL
# and the C1 controls; the bidi embeddings, overrides and isolates (text shown otherwise than it is
# stored, U+202A-U+202E and U+2066-U+2069); the non-characters U+FFFE and U+FFFF.
_RAW_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
# In a string or key, after YAML's escapes: the same and carriage return, and lone surrogates.
_TEXT_REFUSED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_TEXT = "printable text (tab and newline are the only control characters allowed)"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


def _fail(field: str, message: str, got: str, expected: str, line: int | None = None) -> ScenarioError:
    return ScenarioError([Problem(field, message, got, expected, line)])


def probe(path: Path) -> tuple[str, str]:
    """What stands at `path`: ('file' | 'folder' | 'other' | 'missing', '') or ('error', why) when the name
    cannot even be looked up (too long, a loop of links, no permission): a file name is untrusted too."""
    try:
        if path.is_dir():
            return "folder", ""
        if path.is_file():
            return "file", ""
        return ("other" if path.exists() else "missing"), ""
    except OSError as err:
        return "error", err.strerror or "an OS error"


def read_text(path: Path) -> str:
    kind, why = probe(path)
    if kind == "error":
        raise _fail("(file)", "cannot be looked up", why, "a readable scenario file")
    if kind == "missing":
        raise _fail("(file)", "no such file", show(str(path)), "an existing scenario file")
    if kind != "file":
        raise _fail("(file)", "not a file", show(str(path)), "a YAML scenario file")
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
    if _RAW_REFUSED.search(text):
        raise ScenarioError(_refused_characters(text))
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
    except RecursionError:  # PyYAML's pure-Python composer recurses (libyaml stops at its own depth)
        raise _too_deep(_deep_line(text)) from None
    except yaml.MarkedYAMLError as err:
        if "nesting depth" in str(err.problem):  # libyaml's limit, far past ours
            raise _too_deep(_deep_line(text)) from None
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
    deep = _nested_too_deep(node)
    if deep is not None:
        raise _too_deep(deep)
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
        where = _dotted(path)
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
        raw = str(node.value)
        if node.tag in (_INT, _FLOAT) and len(raw) > MAX_NUMBER_CHARS:
            got = f"a number of {len(raw)} characters"
            return self.refuse(where, "number too long", got, f"at most {MAX_NUMBER_CHARS} characters", line)
        try:
            value = self.loader.construct_object(node)
        except (ValueError, KeyError, IndexError, TypeError, OverflowError):  # `!!int abc`, `!!bool maybe`
            got = f"!!{node.tag.rsplit(':', 1)[-1]} {show(raw)}"
            return self.refuse(where, "a value its tag cannot hold", got, _HOLDS.get(node.tag, "a plain value"), line)
        if isinstance(value, float) and not math.isfinite(value):
            return self.refuse(where, "not a finite number", show(raw), "a finite number", line)
        if isinstance(value, str) and _TEXT_REFUSED.search(value):
            return self.refuse(where, *_character(value), line)
        return value

    def _mapping(self, node: yaml.MappingNode, path: tuple[str | int, ...], where: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN:
                self.refuse(where, "keys must be plain words", "a complex key", "a name", key_line)
                continue
            key = str(key_node.value)
            dotted = _dotted((*path, key))
            if _TEXT_REFUSED.search(key):
                self.refuse(dotted, *_character(key), key_line)
                continue
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


def _dotted(path: tuple[str | int, ...]) -> str:
    """A value's path as the schema names it: `timeline[0].liver`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(document)"


def _tag(where: str, tag: str) -> tuple[str, str, str, str]:
    return where, "YAML tags are not allowed (they can construct objects)", repr(tag), "plain YAML values"


def _character(text: str) -> tuple[str, str, str]:
    """The message, got and expected for the first refused character of `text`."""
    found = _TEXT_REFUSED.search(text) or _RAW_REFUSED.search(text)
    assert found is not None
    char = found.group()
    code = ord(char)
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        what = "a bidirectional control character (it changes how the text around it is shown)"
    elif 0xD800 <= code <= 0xDFFF:
        what = "a lone surrogate (half of a character)"
    elif code in (0xFFFE, 0xFFFF):
        what = "a non-character"
    else:
        what = "a control character"
    return f"{what} is not allowed", f"U+{code:04X} {show(char)} at column {found.start() + 1}", _TEXT


def _refused_characters(text: str) -> list[Problem]:
    """One problem per line holding a refused character (the first of each line), up to MAX_REPORTED."""
    problems: list[Problem] = []
    # (split at newlines only: str.splitlines also breaks at \x0b, \x0c, \x1c-\x1e and \x85, refused here)
    lines = [(n, raw) for n, raw in enumerate(text.split("\n"), start=1) if _RAW_REFUSED.search(raw)]
    for number, raw in lines[:MAX_REPORTED]:
        message, got, expected = _character(raw)
        problems.append(Problem("(file)", message, got, expected, number))
    if len(lines) > MAX_REPORTED:
        more = f"{len(lines) - MAX_REPORTED} more lines"
        problems.append(Problem("(file)", "more refused characters", more, _TEXT, lines[MAX_REPORTED][0]))
    return problems


def _nested_too_deep(node: yaml.Node) -> int | None:
    """The line of the first collection nested deeper than MAX_DEPTH, or None (each node once: aliases
    may join the graph into cycles, and the reader refuses them anyway)."""
    stack: list[tuple[yaml.Node, int]] = [(node, 1)]
    seen: set[int] = set()
    while stack:
        here, depth = stack.pop()
        if id(here) in seen:
            continue
        seen.add(id(here))
        if isinstance(here, yaml.SequenceNode):
            children = list(here.value)
        elif isinstance(here, yaml.MappingNode):
            children = [part for pair in here.value for part in pair]
        else:
            continue
        if depth > MAX_DEPTH:
            return int(here.start_mark.line) + 1
        stack.extend((child, depth + 1) for child in children)
    return None


def _deep_line(text: str) -> int | None:
    """Where the text nests deeper than MAX_DEPTH, read from the parser's events (which do not recurse)."""
    loader = _LOADER(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()  # type: ignore[no-untyped-call]
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return int(event.start_mark.line) + 1 if event.start_mark is not None else None
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as err:  # libyaml's scanner reads ahead, and stops at its own depth
        return err.problem_mark.line + 1 if err.problem_mark is not None else None
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return None


def _too_deep(line: int | None) -> ScenarioError:
    return _fail("(yaml)", "nested too deeply", f"more than {MAX_DEPTH} levels", f"at most {MAX_DEPTH}", line)
