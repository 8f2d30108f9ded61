"""The command line: `pathway replay`, `pathway check` (and the drawing commands, loaded lazily)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from .engine import Parted
from .errors import Problem, ScenarioError
from .scenario import Scenario, load

EXIT_OK, EXIT_UNMET, EXIT_INVALID = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors exit 2, like invalid input
        self.print_usage(sys.stderr)
        self.exit(EXIT_INVALID, f"pathway: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pathway",
        description="Liver-metastasis treatment pathway simulator (teaching tool, not clinical advice).",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    rp = sub.add_parser("replay", help="replay a scenario step by step")
    rp.add_argument("file", help="scenario YAML file")
    rp.add_argument("--json", action="store_true", help="print the trajectory as JSON (CONTRACT)")
    ck = sub.add_parser("check", help="validate scenarios and check their expect: blocks")
    ck.add_argument("paths", nargs="+", help="scenario files or folders")
    return parser


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem.format(), file=sys.stderr)


def _replay(file: str, as_json: bool) -> int:
    from .narration import narrate
    from .report import replay, trajectory_json

    try:
        scenario = load(file)
        trajectory = replay(scenario)
    except ScenarioError as err:
        _report(err.in_file(file).problems if not err.problems[0].file else err.problems)
        return EXIT_INVALID
    except Parted as parted:
        _report([parted.problem.in_file(file)])
        return EXIT_INVALID
    if as_json:
        print(json.dumps(trajectory_json(scenario, trajectory), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(narrate(scenario, trajectory))
    return EXIT_OK


def scenario_files(paths: Sequence[str]) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                problems.append(Problem("(folder)", "no scenario files", repr(raw), "*.yaml files", file=raw))
            files.extend(found)
        else:
            files.append(path)
    return files, problems


def _check(paths: Sequence[str]) -> int:
    from .report import replay, unmet

    files, problems = scenario_files(paths)
    invalid = bool(problems)
    failed = False
    seen: dict[tuple[str, str], str] = {}
    for path in files:
        file = str(path)
        try:
            scenario: Scenario = load(path)
            trajectory = replay(scenario)
        except ScenarioError as err:
            problems.extend(err.in_file(file).problems)
            invalid = True
            continue
        except Parted as parted:
            problems.append(parted.problem.in_file(file))
            invalid = True
            continue
        key = (str(path.parent), scenario.id)
        if key in seen:
            problems.append(
                Problem(
                    "id",
                    "duplicate scenario id in this folder",
                    repr(scenario.id),
                    f"an id not used by {seen[key]}",
                    1,
                    file,
                )
            )
            invalid = True
            continue
        seen[key] = file
        missing = unmet(scenario, trajectory)
        if missing:
            failed = True
            problems.extend(missing)
            print(f"unmet  {file}")
        else:
            print(f"ok     {file}  ({trajectory.final_state}, {len(trajectory.steps)} steps)")
    _report(problems)
    return EXIT_INVALID if invalid else EXIT_UNMET if failed else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "replay":
            return _replay(args.file, args.json)
        return _check(args.paths)
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
