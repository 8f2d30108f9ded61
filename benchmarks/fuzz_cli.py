"""Held-out fuzzing of the command line, outside the test suite (its own generator, not Hypothesis').

Mutates the shipped scenarios N times (bytes, lines, values, structure), runs `check`, `replay --json`
and `replay` on each in this process, and reports any run that raised, exited other than 0, 1 or 2, wrote
a stderr line not in the promised form, or took longer than --slow seconds. Offending inputs are saved in
--keep (to copy into tests/fuzz/regressions/).
Usage: python benchmarks/fuzz_cli.py [--files N] [--seed S] [--keep DIR] [--slow SECONDS]
"""

from __future__ import annotations

import argparse
import collections
import copy
import io
import random
import re
import sys
import tempfile
import time
import traceback
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pathway.cli import main  # noqa: E402

PROMISED = re.compile(r"^[^\n]+?(:\d+)?: [^\n]+?: [^\n]+ \(got [^\n]+; expected [^\n]+\)$")
CHARS = [chr(c) for c in (*range(0, 32), 127, 0x85, 0x9F, 0x200F, 0x2028, 0x202A, 0x202E, 0x2069, 0xFEFF, 0xFFFF)]
VALUES: list[Any] = [
    2**1024,
    -(2**2000),
    10**4000,
    1e308,
    -1e-320,
    0,
    -1,
    3.5,
    10**6,
    True,
    None,
    "",
    "x" * 10_000,
    [],
    {},
    [[[[[]]]]],
    {"a": {"b": {"c": 1}}},
    "surgery",
    "R0",
    "liver_only",
    "stable",
    "\u202egnp",
    "\ud800",
    "\x00",
    "a\nb",
    "!!int abc",
    ["surgery"],
    {"at": "surgery"},
]
SNIPPETS = [
    "!!bool maybe",
    "!!int abc",
    "!!float x",
    '!!int ""',
    "!!str",
    "!!map x",
    "!!seq x",
    "!!set {a}",
    "!!omap []",
    "!!timestamp x",
    "!!binary ~",
    "!foo",
    "!<tag:x> y",
    "&a",
    "*a",
    "<<: *a",
    "? [a]",
    "- - - -",
    "[" * 2000,
    "{" * 50,
    '"\\ud83d"',
    '"\\U0010ffff"',
    '"\\x85"',
    "'unterminated",
    '"\\',
    "9" * 4400,
    "0b" + "1" * 200,
    "1:20:30",
    "0o777",
    "+.inf",
    "~",
    "---\n---",
    "...",
    "%TAG ! x",
    "|",
    ">-",
    "#\u202e",
]


def _seen(texts: list[str]) -> dict[str, list[Any]]:
    """Every value each key takes in the shipped scenarios (to swap between them: mostly valid files)."""
    out: dict[str, list[Any]] = collections.defaultdict(list)

    def walk(data: Any) -> None:
        if isinstance(data, dict):
            for k, v in data.items():
                out[k].append(v)
                walk(v)
        elif isinstance(data, list):
            for v in data:
                walk(v)

    for text in texts:
        walk(yaml.safe_load(text))
    return out


def gentle(rng: random.Random, text: str, seen: dict[str, list[Any]]) -> bytes:
    """A shipped scenario with a few values (a finding, a patient field) taken from other scenarios."""
    data = yaml.safe_load(text)
    data.pop("expect", None) if rng.random() < 0.5 else None
    for _ in range(rng.randint(1, 4)):
        node: Any = data
        while True:
            keys = [k for k in node if k in seen] if isinstance(node, dict) else list(range(len(node)))
            if not keys:
                break
            key = rng.choice(keys)
            child = node[key]
            if not isinstance(child, (dict, list)) or not child or rng.random() < 0.4:
                if isinstance(node, dict):
                    node[key] = copy.deepcopy(rng.choice(seen[str(key)]))
                elif rng.random() < 0.5:
                    node.insert(key, copy.deepcopy(rng.choice(seen["timeline"])[0]) if seen["timeline"][0] else {})
                else:
                    del node[key]
                break
            node = child
    return yaml.safe_dump(data, sort_keys=False).encode()


def mutate(rng: random.Random, text: str) -> bytes:
    kind = rng.choice(["bytes", "lines", "value", "structure", "structure", "lines"])
    if kind == "bytes":
        data = bytearray(text.encode())
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(data) + 1)
            op = rng.random()
            if op < 0.4:
                data[at:at] = rng.choice(
                    [bytes([rng.randrange(256)]), rng.choice(CHARS).encode("utf-8", "surrogatepass")]
                )
            elif op < 0.7 and data:
                del data[at : at + rng.randint(1, 20)]
            else:
                data[at:at] = rng.choice(SNIPPETS).encode()
        return bytes(data)
    lines = text.split("\n")
    if kind == "lines":
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(lines))
            op = rng.randrange(5)
            if op == 0:
                del lines[i]
            elif op == 1:
                lines.insert(i, lines[i])
            elif op == 2:
                j = rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
            elif op == 3:
                lines[i] = " " * rng.randint(0, 6) + lines[i].lstrip()
            else:
                lines.insert(i, rng.choice(SNIPPETS))
            if not lines:
                lines = [""]
        return "\n".join(lines).encode("utf-8", "surrogatepass")
    if kind == "value":
        keyed = [i for i, line in enumerate(lines) if ":" in line]
        for _ in range(rng.randint(1, 3)):
            i = rng.choice(keyed)
            head = lines[i].split(":", 1)[0]
            lines[i] = f"{head}: {rng.choice([*SNIPPETS, *map(str, VALUES[:12])])}"
        return "\n".join(lines).encode("utf-8", "surrogatepass")
    data = yaml.safe_load(text)
    for _ in range(rng.randint(1, 5)):
        node: Any = data
        trail: list[Any] = []
        while isinstance(node, (dict, list)) and node and rng.random() < 0.75:
            key = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
            trail.append((node, key))
            node = node[key]
        if not trail:
            continue
        parent, key = trail[-1]
        op = rng.random()
        if op < 0.6:
            parent[key] = rng.choice(VALUES)
        elif op < 0.75 and isinstance(parent, dict):
            del parent[key]
        elif op < 0.9 and isinstance(parent, list):
            parent.extend([parent[key]] * rng.choice([1, 5, 250]))
        else:
            parent[key] = {"wrapped": parent[key]} if rng.random() < 0.5 else [parent[key]]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=rng.random() < 0.5).encode("utf-8", "surrogatepass")


def run(args: list[str], stdin: str = "") -> tuple[int | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
    sys.stdin = io.StringIO(stdin)
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code: int | None = main(args)
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else None
        except Exception:  # what the fuzzer hunts
            return None, out.getvalue(), traceback.format_exc()
    return code, out.getvalue(), err.getvalue()


def main_fuzz() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--keep", default=str(Path(tempfile.gettempdir()) / "pathway-fuzz-found"))
    parser.add_argument("--slow", type=float, default=3.0)
    parser.add_argument("--gentle", type=float, default=0.4, help="the share of files only swapping values")
    parser.add_argument("--pure", action="store_true", help="read with PyYAML's pure-Python loader, not libyaml's")
    parser.add_argument("--html", action="store_true", help="also write the case page of each file that replays")
    parser.add_argument("--quiz", action="store_true", help="also quiz each file that replays, with random answers")
    opts = parser.parse_args()
    rng = random.Random(opts.seed)
    if opts.pure:
        from pathway import yamlsafe

        yamlsafe._LOADER = yaml.SafeLoader
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "scenarios").glob("*.yaml"))]
    seen = _seen(texts)
    keep = Path(opts.keep)
    codes: collections.Counter[tuple[str, int | None]] = collections.Counter()
    found: list[str] = []
    slowest = (0.0, "")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(opts.files):
            base = rng.choice(texts)
            data = gentle(rng, base, seen) if rng.random() < opts.gentle else mutate(rng, base)
            path = Path(tmp) / f"f{n}.yaml"
            path.write_bytes(data)
            commands = [["check"], ["replay", "--json"], ["replay"]]
            if opts.html:
                commands.append(["html", "--out", str(Path(tmp) / "pages")])
            if opts.quiz:
                commands.append(["quiz"])
            for command in commands:
                began = time.perf_counter()
                answers = "\n".join(
                    rng.choice(["1", "2", "surgery", "²", "9" * 50, "", "\x1b", "folfox"]) for _ in range(9)
                )
                code, _, err = run([*command, str(path)], answers)
                took = time.perf_counter() - began
                codes[(command[0] if command[0] != "replay" else command[-1], code)] += 1
                slowest = max(slowest, (took, f"{n} {' '.join(command)}"))
                bad = [line for line in err.splitlines() if not (PROMISED.match(line) and line.isprintable())]
                if code not in (0, 1, 2) or bad or took > opts.slow:
                    keep.mkdir(parents=True, exist_ok=True)
                    (keep / f"seed{opts.seed}-{n}.yaml").write_bytes(data)
                    found.append(f"{n} {' '.join(command)}: exit {code}, {took:.1f} s: {(bad or [''])[0][:200]}")
                    break
    elapsed = time.perf_counter() - start
    print(f"{opts.files} files, seed {opts.seed}, {elapsed:.0f} s; slowest run {slowest[0]:.2f} s ({slowest[1]})")
    print("exit codes:", dict(sorted(codes.items(), key=str)))
    print(f"{len(found)} findings" + (f", kept in {keep}" if found else ""))
    for line in found[:50]:
        print("  " + line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main_fuzz())
