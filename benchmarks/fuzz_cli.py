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


def run(args: list[str]) -> tuple[int | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
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
    opts = parser.parse_args()
    rng = random.Random(opts.seed)
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "scenarios").glob("*.yaml"))]
    keep = Path(opts.keep)
    codes: collections.Counter[tuple[str, int | None]] = collections.Counter()
    found: list[str] = []
    slowest = (0.0, "")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(opts.files):
            data = mutate(rng, rng.choice(texts))
            path = Path(tmp) / f"f{n}.yaml"
            path.write_bytes(data)
            for command in (["check"], ["replay", "--json"], ["replay"]):
                began = time.perf_counter()
                code, _, err = run([*command, str(path)])
                took = time.perf_counter() - began
                codes[(command[-1], code)] += 1
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
