"""The command line: `pathway replay`, `check`, `lint`, the author's `schema` and `new` (and the drawing
commands, loaded lazily).

A mistyped command or option is answered with a suggestion and the usage of the command it was
given to, exit 2; so is a file or folder that does not exist."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .errors import Problem, ScenarioError, escape, show
from .vocabulary import DefinitionError

if TYPE_CHECKING:
    from .engine import Trajectory
    from .scenario import Scenario

EXIT_OK, EXIT_UNMET, EXIT_INVALID = 0, 1, 2
MIN_WIDTH = 40  # narrower than this, the step lines cannot be read


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, sized with os.get_terminal_size: argparse would import shutil (and
    with it zlib, bz2 and lzma) on every start just to learn the width."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        if width is None:
            try:
                width = int(os.environ.get("COLUMNS", "")) - 2
            except ValueError:
                try:
                    width = os.get_terminal_size(sys.__stdout__.fileno() if sys.__stdout__ else 1).columns - 2
                except (OSError, ValueError):
                    width = 78
        super().__init__(prog, indent_increment, max_help_position, width)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:  # usage errors exit 2, like invalid input
        self.print_usage(sys.stderr)
        from .errors import escape

        # what the user typed is echoed escaped, on one line, as in every other problem line
        self.exit(EXIT_INVALID, f"{self.prog}: error: {escape(message)}{_choice_hint(message)}\n")

    def options(self) -> tuple[str, ...]:
        return tuple(s for action in self._actions for s in action.option_strings)


def _choice_hint(message: str) -> str:
    """'; did you mean 'svg'?' for argparse's "invalid choice: 'svgg' (choose from ...)"."""
    import re

    found = re.search(r"invalid choice: '?(.*?)'? \(choose from (.*)\)$", message)
    if found is None:
        return ""
    from .schema import did_you_mean

    choices = tuple(c.strip().strip("'\"") for c in found[2].split(","))
    return did_you_mean(found[1], choices)


class _Version(argparse.Action):
    """`--version`: the installed distribution's version, looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("pathway")
        except PackageNotFoundError:  # run from a source tree that was never installed
            found = "(not installed)"
        print(f"pathway {found}")
        parser.exit(EXIT_OK)


def _positive(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 9 or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a step number (got {text!r}; expected a whole number from 1)")
    return int(text)


def _width(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 9 or int(text) < MIN_WIDTH:
        raise argparse.ArgumentTypeError(f"not a width (got {text!r}; expected a whole number from {MIN_WIDTH})")
    return int(text)


def _add_replay(sub: Any) -> None:
    rp = sub.add_parser("replay", help="replay a scenario step by step")
    rp.add_argument("file", help="scenario YAML file")
    shown = rp.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help="print the trajectory as JSON")
    shown.add_argument("--brief", action="store_true", help="one line per step: month, from -> to, decision, reason")
    shown.add_argument("--step", type=_positive, metavar="N", help="only step N, in full")
    shown.add_argument(
        "--what-if",
        metavar="STEP:FIELD=VALUE[,...]",
        help="branch after STEP with that finding changed (e.g. 4:response=progression) and narrate both roads",
    )
    rp.add_argument("--no-blocked", action="store_true", help="leave out the roads not taken")
    rp.add_argument("--width", type=_width, help="wrap at this many columns (default: the terminal's, or 100)")


def _add_quiz(sub: Any) -> None:
    qz = sub.add_parser("quiz", help="decide at each step yourself; scored with feedback")
    qz.add_argument("file", help="scenario YAML file")
    qz.add_argument("--json", action="store_true", help="print the session as JSON at the end (the quiz on stderr)")


def _add_rules(sub: Any) -> None:
    rl = sub.add_parser("rules", help="the rule book as encoded: statement, sources, derived or not")
    rl.add_argument("ids", nargs="*", metavar="ID", help="rules to show (default: all)")
    rl.add_argument("--json", action="store_true", help="print them as JSON")
    rl.add_argument("--width", type=_width, help="wrap at this many columns (default: the terminal's, or 100)")


def _add_check(sub: Any) -> None:
    ck = sub.add_parser("check", help="validate scenarios and check their expect: blocks")
    ck.add_argument("paths", nargs="+", help="scenario files or folders")


def _add_render(sub: Any) -> None:
    rd = sub.add_parser("render", help="draw the pathway and scenario paths (SVG/PNG)")
    rd.add_argument("--out", default="figures", help="output folder (default: figures); nothing is written outside it")
    rd.add_argument(
        "--format", choices=("svg", "png"), help="only this format (default: overview in both, scenarios in SVG)"
    )
    rd.add_argument("--scenario", help="draw only this scenario's path")
    rd.add_argument(
        "--scenarios", help="folder of scenarios to draw (default: scenarios, when there is such a folder here)"
    )
    rd.add_argument("--show-blocked", action="store_true", help="mark the roads blocked at each decision")
    rd.add_argument(
        "--timeline", action="store_true", help="also draw each scenario's course in months (DIR/timelines/<id>)"
    )
    rd.add_argument(
        "--cohort",
        metavar="FILE",
        help="draw the flows of a cohort like FILE's patient on its pathway (DIR/cohorts/<id>)",
    )
    _cohort_options(rd, 2000)


def _count(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 9 or not 1 <= int(text) <= MAX_COHORT:
        raise argparse.ArgumentTypeError(f"not a number of patients (got {text!r}; expected 1..{MAX_COHORT:,})")
    return int(text)


def _seed(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise argparse.ArgumentTypeError(f"not a seed (got {text!r}; expected a whole number from 0)")
    return int(text)


def _workers(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 4 or not 1 <= int(text) <= 256:
        raise argparse.ArgumentTypeError(f"not a number of workers (got {text!r}; expected 1..256)")
    return int(text)


MAX_COHORT = 100_000_000
MAX_PSA = 10_000


def _sets(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 5 or not 2 <= int(text) <= MAX_PSA:
        raise argparse.ArgumentTypeError(f"not a number of parameter sets (got {text!r}; expected 2..{MAX_PSA:,})")
    return int(text)


def _cohort_options(parser: Any, n: int) -> None:
    parser.add_argument("--n", type=_count, default=n, help=f"patients (default: {n:,})")
    parser.add_argument("--seed", type=_seed, default=1, help="random seed (default: 1); same seed, same cohort")
    parser.add_argument(
        "--workers", type=_workers, help="processes (default: the machine's cores); the result does not depend on it"
    )
    parser.add_argument("--params", metavar="FILE", help="a YAML file replacing some of the shipped parameters")
    parser.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help='local (default): processes on this machine; dask: a Dask cluster (pip install "pathway[dask]")',
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --executor dask: the scheduler to use (tcp://host:8786); without it, a local Dask cluster",
    )
    parser.add_argument(
        "--engine",
        choices=("fast", "explained"),
        default="fast",
        help="fast (default): the cohort fast path; explained: the replay engine it is held to (same result, slower)",
    )


def _add_cohort(sub: Any) -> None:
    co = sub.add_parser(
        "cohort", help="simulate N patients like a scenario's patient, findings drawn from sourced parameters"
    )
    co.add_argument("file", help="scenario YAML file (its patient; its timeline is not used)")
    _cohort_options(co, 1000)
    co.add_argument("--json", action="store_true", help="print the cohort as JSON")
    co.add_argument(
        "--psa",
        type=_sets,
        metavar="K",
        help="probabilistic sensitivity: K parameter sets drawn from the parameters' ranges, each outcome's 95%% interval",
    )
    co.add_argument(
        "--tornado",
        action="store_true",
        help="one-way sensitivity: each parameter at its low and high; writes DIR/cohorts/<id>-tornado.svg and .png",
    )
    co.add_argument(
        "--out",
        default="figures",
        help="with --tornado: output folder (default: figures); nothing is written outside it",
    )


def _add_html(sub: Any) -> None:
    ht = sub.add_parser("html", help="write self-contained case pages (and a casebook for a folder)")
    ht.add_argument("paths", nargs="+", metavar="FILE_OR_DIR", help="scenario files or folders of them")
    ht.add_argument("--out", default="html", help="output folder (default: html); nothing is written outside it")


def _add_graph(sub: Any) -> None:
    gr = sub.add_parser("graph", help="print the pathway graph")
    gr.add_argument(
        "--format",
        choices=("json", "mermaid", "dot", "markdown"),
        default="json",
        help="markdown: the page docs/pathways.md (with --primary, that primary's section)",
    )
    from .definition import PATHWAYS

    gr.add_argument("--primary", choices=tuple(PATHWAYS), help="only this primary's pathway (default: every road)")


def _add_lint(sub: Any) -> None:
    sub.add_parser("lint", help="check every primary's pathway: unreachable, dead ends, shadowed roads, holes")


def _add_schema(sub: Any) -> None:
    sc = sub.add_parser("schema", help="print the JSON Schema (draft 2020-12) of a scenario file, or its reference")
    sc.add_argument(
        "--format",
        choices=("json", "markdown"),
        default="json",
        help="json: the JSON Schema (default); markdown: the reference, docs/scenario-format.md",
    )


def _add_new(sub: Any) -> None:
    nw = sub.add_parser("new", help="write a commented scenario to start from; it passes pathway check")
    from .definition import PATHWAYS

    nw.add_argument(
        "--primary", choices=tuple(PATHWAYS), default="colorectal", help="the primary (default: colorectal)"
    )
    nw.add_argument("-o", "--out", metavar="FILE", help="write it to FILE, which must not exist (default: print it)")


COMMANDS = {
    "replay": _add_replay,
    "quiz": _add_quiz,
    "check": _add_check,
    "render": _add_render,
    "cohort": _add_cohort,
    "html": _add_html,
    "graph": _add_graph,
    "rules": _add_rules,
    "lint": _add_lint,
    "schema": _add_schema,
    "new": _add_new,
}


def _parser(only: str | None = None) -> tuple[_Parser, dict[str, _Parser]]:
    """The parser and its commands' parsers; with `only`, just that command's (argparse's setup is a fifth
    of a replay's start)."""
    parser = _Parser(
        prog="pathway",
        description="Liver-metastasis treatment pathway simulator (teaching tool, not clinical advice).",
    )
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, add in COMMANDS.items():
        if only is None or name == only:
            add(sub)
    return parser, dict(sub.choices)


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem.format(), file=sys.stderr)


def _loaded(file: str) -> tuple[Scenario, Trajectory] | None:
    """The scenario and its replay, or None with the problems reported."""
    from .engine import Parted
    from .report import replay
    from .scenario import load

    try:
        scenario = load(file)
        return scenario, replay(scenario)
    except ScenarioError as err:
        _report(err.in_file(file).problems if not err.problems[0].file else err.problems)
    except Parted as parted:
        _report([parted.problem.in_file(file)])
    return None


def _replay(args: argparse.Namespace) -> int:
    from . import narration

    loaded = _loaded(args.file)
    if loaded is None:
        return EXIT_INVALID
    scenario, trajectory = loaded
    style = narration.Style.for_stream(sys.stdout, args.width, blocked=not args.no_blocked)
    if args.json and (args.no_blocked or args.width is not None):
        given = "--no-blocked" if args.no_blocked else "--width"
        _report([Problem(given, "shapes the text replay, not --json", given, "--json alone", file="(command line)")])
        return EXIT_INVALID
    if args.json:
        import json  # only for --json

        from .report import trajectory_json

        print(json.dumps(trajectory_json(scenario, trajectory), indent=2, ensure_ascii=False))
    elif args.brief:
        sys.stdout.write(narration.brief(scenario, trajectory, style))
    elif args.step is not None:
        if args.step > len(trajectory.steps):
            got, want = str(args.step), f"a step from 1 to {len(trajectory.steps)}"
            _report([Problem("--step", "no such step", got, want, file="(command line)")])
            return EXIT_INVALID
        sys.stdout.write(narration.narrate_one(scenario, trajectory, args.step, style))
    elif args.what_if is not None:
        return _what_if(scenario, trajectory, args.what_if, style)
    else:
        sys.stdout.write(narration.narrate(scenario, trajectory, style))
    return EXIT_OK


def _what_if(scenario: Scenario, trajectory: Trajectory, spec: str, style: Any) -> int:
    from .engine import Parted
    from .whatif import narrate_what_if, parse, what_if

    try:
        number, fields = parse(spec)
        other, source = what_if(scenario, trajectory, number, fields)
    except ScenarioError as err:
        _report(err.problems)
        return EXIT_INVALID
    except Parted as parted:
        _report([parted.problem])
        return EXIT_INVALID
    sys.stdout.write(narrate_what_if(scenario, trajectory, other, number, source, style))
    return EXIT_OK


def _quiz(file: str, as_json: bool) -> int:
    import textwrap

    from .quiz import run_quiz

    loaded = _loaded(file)
    if loaded is None:
        return EXIT_INVALID
    scenario, trajectory = loaded
    out = sys.stderr if as_json else sys.stdout
    interactive = sys.stdin.isatty() and out.isatty()
    if interactive:
        import readline  # noqa: F401  (line editing for input())

    def read(prompt: str) -> str | None:
        try:
            if interactive:
                return input(prompt)
            out.write(prompt)
            out.flush()
            line = sys.stdin.readline()
            if not line:
                out.write("\n")
                return None
            out.write(escape(line.rstrip("\n")) + "\n")  # (echoed: a control character is shown, not obeyed)
            return line.rstrip("\n")
        except EOFError:
            out.write("\n")
            return None

    from .narration import Style

    width = Style.for_stream(out).width

    def write(text: str) -> None:
        indent = text[: len(text) - len(text.lstrip(" "))]
        lines = textwrap.wrap(text, width, initial_indent="", subsequent_indent=indent + "  ", break_on_hyphens=False)
        print("\n".join(lines) if text.strip() else text, file=out)

    session = run_quiz(scenario, trajectory, read, write)
    if as_json:
        import json

        print(json.dumps(session.as_json(), indent=2, ensure_ascii=False))
    return EXIT_OK


def _rules(ids: list[str], as_json: bool, width: int | None = None) -> int:
    import textwrap

    from .narration import Style
    from .rules import RULES
    from .schema import did_you_mean
    from .sources import SOURCES

    by_key = {r.casefold(): r for r in RULES}
    ids = list(dict.fromkeys(by_key.get(i.casefold(), i) for i in ids))
    unknown = [i for i in ids if i not in RULES]
    if unknown:
        _report(
            [
                Problem(
                    "ID",
                    "no such rule" + did_you_mean(i, tuple(RULES)),
                    repr(i),
                    "a rule id (pathway rules)",
                    file="(command line)",
                )
                for i in unknown
            ]
        )
        return EXIT_INVALID
    chosen = [RULES[i] for i in (ids or list(RULES))]
    if as_json:
        import json

        data = [
            {
                "id": r.id,
                "statement": r.summary,
                "sources": [{"key": k, "title": SOURCES[k].title} for k in r.sources],
                "derived": r.derived,
                "scope": r.scope,
            }
            for r in chosen
        ]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_OK
    columns = Style.for_stream(sys.stdout, width).width
    for r in chosen:
        if r.sources:
            sources = "sources: " + "; ".join(f"{k} {SOURCES[k].title}" for k in r.sources)
        elif r.derived:
            sources = "sources: none - the sources are silent; the choice is this project's"
        else:
            sources = "sources: none - the rule book's own rule on how the project cites"
        for text, indent in ((f"{r.id}{' (derived)' if r.derived else ''}: {r.summary}", ""), (sources, "  ")):
            print("\n".join(textwrap.wrap(text, columns, initial_indent=indent, subsequent_indent=indent + "  ")))
    return EXIT_OK


def scenario_files(paths: Sequence[str]) -> tuple[list[Path], list[Problem]]:
    from .yamlsafe import probe

    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        kind, why = probe(path)
        if kind == "error":
            problems.append(Problem("(file)", "cannot be looked up", why, "a scenario file or folder", file=raw))
        elif kind == "missing":
            problems.append(
                Problem("(file)", "no such file or folder", show(raw), "an existing scenario file or folder", file=raw)
            )
        elif kind == "folder":
            try:
                found = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
            except OSError as err:
                problems.append(
                    Problem("(folder)", "cannot be read", err.strerror or "an OS error", "*.yaml", file=raw)
                )
                continue
            if not found:
                problems.append(Problem("(folder)", "no scenario files", repr(raw), "*.yaml files", file=raw))
            files.extend(found)
        else:
            files.append(path)
    return files, problems


def _check(paths: Sequence[str]) -> int:
    from .engine import Parted
    from .report import replay, unmet
    from .scenario import load

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
            print(f"unmet  {escape(file)}")
        else:
            print(f"ok     {escape(file)}  ({trajectory.final_state}, {len(trajectory.steps)} steps)")
    _report(problems)
    return EXIT_INVALID if invalid else EXIT_UNMET if failed else EXIT_OK


def _graph(fmt: str, primary: str | None) -> int:
    from .graph import markdown_section, pathway_graph, pathways_page, to_dot, to_json, to_mermaid

    if fmt == "markdown":
        sys.stdout.write(markdown_section(primary) if primary else pathways_page())
        return EXIT_OK
    graph = pathway_graph(primary)
    if fmt == "json":
        import json

        from .layout import layout

        print(json.dumps(to_json(graph, layout(graph)), indent=2, ensure_ascii=False))
    elif fmt == "mermaid":
        sys.stdout.write(to_mermaid(graph))
    else:
        sys.stdout.write(to_dot(graph))
    return EXIT_OK


def _render(args: argparse.Namespace) -> int:
    from .engine import Parted
    from .figures import write_all
    from .scenario import load

    out = Path(args.out)
    if _not_a_folder(out, "--out", "a folder to write figures into"):
        return EXIT_INVALID
    if args.scenario:
        files = [Path(args.scenario)]
    elif args.scenarios is None and not Path("scenarios").is_dir():
        files = []  # no folder named, and none here: the pathway figures alone
    else:
        from .yamlsafe import probe

        folder = args.scenarios or "scenarios"
        kind, why = probe(Path(folder))
        if kind != "folder":
            what = {"missing": "no such folder", "error": "cannot be looked up"}.get(kind, "not a folder")
            _report([Problem("--scenarios", what, why or show(folder), "a folder of scenario files", file=folder)])
            return EXIT_INVALID
        files, found = scenario_files([folder])
        if found:
            _report(found)
            return EXIT_INVALID
    loaded = []
    problems: list[Problem] = []
    for path in files:
        try:
            scenario = load(path)
            loaded.append((scenario, replay_of(scenario)))
        except ScenarioError as err:
            problems.extend(err.in_file(str(path)).problems)
        except Parted as parted:
            problems.append(parted.problem.in_file(str(path)))
    if problems:
        _report(problems)
        return EXIT_INVALID
    formats = [args.format] if args.format else None
    written = write_all(out, formats, loaded, not args.scenario, args.show_blocked, args.timeline)
    for path in written:
        print(escape(str(path)))
    return EXIT_OK


def _run_cohort(args: argparse.Namespace, file: str) -> tuple[Any, Any, Any] | None:
    """The scenario, parameters and tally of a cohort, or None with the problems reported."""
    from .cohort import CohortError, run_cohort
    from .parameters import load as load_parameters
    from .scenario import load

    try:
        scenario = load(file)
    except ScenarioError as err:
        _report(err.in_file(file).problems if not err.problems[0].file else err.problems)
        return None
    try:
        params = load_parameters(args.params)
    except ScenarioError as err:
        _report(err.problems)
        return None
    if args.scheduler is not None and args.executor != "dask":
        print(
            f"pathway cohort: --scheduler: only with --executor dask (got {escape(args.scheduler)}; "
            "expected --executor dask --scheduler ADDRESS)",
            file=sys.stderr,
        )
        return None
    workers = args.workers or os.cpu_count() or 1
    bar = _bar(args.n)
    update = bar.update if bar else None
    try:
        if args.executor == "dask":
            from .distributed import ClusterFailed, DaskMissing, SchedulerUnreachable, run_cohort_dask

            try:
                tally = run_cohort_dask(
                    scenario.patient,
                    params,
                    args.n,
                    args.seed,
                    scheduler=args.scheduler,
                    workers=workers,
                    progress=update,
                    engine=args.engine,
                )
            except DaskMissing as err:
                print(f"pathway cohort: --executor dask: {err}", file=sys.stderr)
                return None
            except SchedulerUnreachable as err:
                print(
                    f"pathway cohort: --scheduler: {escape(err.why)} (got {show(err.address)}; "
                    "expected the address of a running Dask scheduler, tcp://host:port)",
                    file=sys.stderr,
                )
                return None
            except ClusterFailed as err:
                print(
                    f"pathway cohort: --executor dask: the cluster could not run the cohort: {escape(err.why)} "
                    f"(got {escape(err.where)}; expected a scheduler with running workers that import pathway)",
                    file=sys.stderr,
                )
                return None
        else:
            tally = run_cohort(scenario.patient, params, args.n, args.seed, workers, update, args.engine)
    except CohortError as err:
        print(f"{escape(file)}: {escape(str(err))}", file=sys.stderr)
        return None
    finally:
        if bar is not None:
            bar.close()
    return scenario, params, tally


def _cohort(args: argparse.Namespace) -> int:
    from .cohort import CohortError, as_json, iter_lines

    out = Path(args.out)
    if args.tornado and _not_a_folder(out, "--out", "a folder to write figures into"):
        return EXIT_INVALID
    if (args.psa or args.tornado) and args.executor == "dask":
        print(
            "pathway cohort: --psa and --tornado run on this machine (got --executor dask; expected local)",
            file=sys.stderr,
        )
        return EXIT_INVALID
    ran = _run_cohort(args, args.file)
    if ran is None:
        return EXIT_INVALID
    scenario, params, tally = ran
    data = as_json(scenario.id, scenario.patient, tally, params, args.seed)
    lines = list(iter_lines(data, scenario.title))
    written: list[Path] = []
    if args.psa or args.tornado:
        from . import sensitivity

        workers = args.workers or os.cpu_count() or 1
        total = sensitivity.patients_needed(params, args.n, args.psa or 0, args.tornado) - args.n
        bar = _bar(total)
        update = bar.update if bar else None
        try:
            if args.psa:
                data["psa"] = sensitivity.psa(
                    scenario.patient, params, tally, args.psa, args.seed, workers, update, args.engine
                )
                lines += sensitivity.iter_psa_lines(data["psa"])
            if args.tornado:
                data["tornado"] = sensitivity.tornado(
                    scenario.patient, params, tally, args.seed, workers, update, args.engine
                )
                lines += sensitivity.iter_tornado_lines(data["tornado"])
        except CohortError as err:
            print(f"{escape(args.file)}: {escape(str(err))}", file=sys.stderr)
            return EXIT_INVALID
        finally:
            if bar is not None:
                bar.close()
        if args.tornado:
            from .figures import write_tornado

            written = write_tornado(out, scenario, data["tornado"], ["svg", "png"])
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for line in lines:
            print(escape(line))
        for path in written:
            print(escape(f"wrote {path}"))
    return EXIT_OK


def _bar(total: int) -> Any:
    """A progress bar on a terminal (stderr); None when piped."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit=" patients", file=sys.stderr, leave=False, dynamic_ncols=True)


def _render_cohort(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if _not_a_folder(out, "--out", "a folder to write figures into"):
        return EXIT_INVALID
    ran = _run_cohort(args, args.cohort)
    if ran is None:
        return EXIT_INVALID
    from .cohort import as_json
    from .figures import write_cohort

    scenario, params, tally = ran
    data = as_json(scenario.id, scenario.patient, tally, params, args.seed)
    formats = [args.format] if args.format else ["svg", "png"]
    for path in write_cohort(out, scenario, data, formats):
        print(escape(str(path)))
    return EXIT_OK


def _html(paths: Sequence[str], out_arg: str) -> int:
    from .engine import Parted
    from .html import write
    from .scenario import load

    out = Path(out_arg)
    if _not_a_folder(out, "--out", "a folder to write pages into"):
        return EXIT_INVALID
    files, problems = scenario_files(paths)
    pages: list[tuple[Scenario, Trajectory]] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            scenario = load(path)
            trajectory = replay_of(scenario)
        except ScenarioError as err:
            problems.extend(err.in_file(str(path)).problems)
            continue
        except Parted as parted:
            problems.append(parted.problem.in_file(str(path)))
            continue
        if scenario.id in seen:
            problems.append(
                Problem(
                    "id",
                    "duplicate scenario id",
                    repr(scenario.id),
                    f"unique (also in {seen[scenario.id]})",
                    file=str(path),
                )
            )
            continue
        seen[scenario.id] = str(path)
        pages.append((scenario, trajectory))
    from .yamlsafe import probe

    index = any(probe(Path(p))[0] == "folder" for p in paths)
    if index and "index" in seen:
        problems.append(
            Problem("id", "the casebook is index.html", "'index'", "another scenario id", file=seen["index"])
        )
    if problems:
        _report(problems)
        return EXIT_INVALID
    for path in write(pages, out, index=index):
        print(escape(str(path)))
    return EXIT_OK


def _not_a_folder(out: Path, option: str, expected: str) -> bool:
    """True, with the problem reported, if `out` is something other than a folder (or nothing yet)."""
    from .yamlsafe import probe

    kind, why = probe(out)
    if kind in ("folder", "missing"):
        return False
    what = "cannot be looked up" if kind == "error" else "not a folder"
    _report([Problem(option, what, why or show(str(out)), expected, file=str(out))])
    return True


def _lint() -> int:
    from .lint import lint_all

    reports = lint_all()
    for report in reports:
        print(report.summary())
    findings = [f for report in reports for f in report.findings]
    for finding in findings:
        print(finding)
    return EXIT_UNMET if findings else EXIT_OK


def _schema(fmt: str) -> int:
    from .reference import markdown, schema_text

    sys.stdout.write(schema_text() if fmt == "json" else markdown())
    return EXIT_OK


def _new(primary: str, out: str | None) -> int:
    from .template import write
    from .yamlsafe import probe

    if out is not None:
        kind, why = probe(Path(out))
        if kind == "error":  # a name the system cannot even look up (too long, say) is bad input
            _report([Problem("-o", "cannot be looked up", why or show(out), "a file name for the template", file=out)])
            return EXIT_INVALID
    try:
        text = write(primary, Path(out) if out is not None else None)
    except ScenarioError as err:
        _report(err.problems)
        return EXIT_INVALID
    if out is None:
        sys.stdout.write(text)
    else:
        print(out)
    return EXIT_OK


def replay_of(scenario: Scenario) -> Trajectory:
    from .report import replay

    return replay(scenario)


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        code = _main(words)
        sys.stdout.flush()  # here, where a full device is caught, not at the interpreter's exit
        return code
    except DefinitionError as err:  # a broken table: what build refuses, one line each
        for line in str(err).splitlines():
            print(f"pathway: definition: {line}", file=sys.stderr)
        return EXIT_UNMET
    except BrokenPipeError:  # the reader went away (`| head`): nothing more to say to it
        _drop_stdout()
        return EXIT_OK
    except OSError as err:  # the output cannot be written: a full device, a folder that refuses files
        _drop_stdout()
        where = str(err.filename) if err.filename is not None else "<stdout>"
        why = err.strerror or type(err).__name__
        with contextlib.suppress(
            OSError
        ):  # stderr itself cannot be written (`2>/dev/full`): only the exit code is left
            _report([Problem("(output)", "cannot be written", why, "a writable file or folder with room", file=where)])
        return EXIT_UNMET


def _drop_stdout() -> None:
    """Send what stdout still holds to /dev/null, so that the interpreter's flush at exit fails no more."""
    real = sys.__stdout__
    if real is None or sys.stdout is not real:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, real.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _main(words: list[str]) -> int:
    parser, commands = _parser(words[0] if words and words[0] in COMMANDS else None)
    if words and not words[0].startswith("-") and words[0] not in COMMANDS:
        from .schema import did_you_mean

        parser.error(
            f"no command {words[0]!r}{did_you_mean(words[0], tuple(COMMANDS))} (the commands: {', '.join(COMMANDS)})"
        )
    args, extra = parser.parse_known_args(words)
    if extra:  # said to the command's own parser, so that its usage is shown
        own = commands.get(args.command, parser)
        own.error(f"unrecognized arguments: {' '.join(extra)}{_option_hint(extra, own)}")
    try:
        if args.command == "replay":
            return _replay(args)
        if args.command == "quiz":
            return _quiz(args.file, args.json)
        if args.command == "rules":
            return _rules(args.ids, args.json, args.width)
        if args.command == "graph":
            return _graph(args.format, args.primary)
        if args.command == "html":
            return _html(args.paths, args.out)
        if args.command == "render":
            return _render(args) if args.cohort is None else _render_cohort(args)
        if args.command == "cohort":
            return _cohort(args)
        if args.command == "lint":
            return _lint()
        if args.command == "schema":
            return _schema(args.format)
        if args.command == "new":
            return _new(args.primary, args.out)
        return _check(args.paths)
    except KeyboardInterrupt:
        return 130


def _option_hint(extra: list[str], parser: _Parser) -> str:
    """'; did you mean '--json'?' for the first unrecognised option that resembles one of the parser's."""
    from .schema import did_you_mean

    for word in extra:
        if word.startswith("-"):
            hint = did_you_mean(word.split("=", 1)[0], parser.options())
            if hint:
                return hint
    return ""
