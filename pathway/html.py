"""`pathway html`: self-contained case pages for teaching, and a casebook for a folder.

A page holds everything inline (styles, the script, the pathway diagram and the timeline strip as
SVG) and loads nothing: its Content-Security-Policy forbids any request, and the one script runs by
its hash. Every step is written out by Python, escaped, as an element with `data-step` and
`data-state`; the script only shows, hides and marks elements (it builds nothing from scenario
text, and no event handler is an attribute). In quiz mode each option's feedback is the quiz's
own (`pathway.quiz.answered`), written out beside its button. A print stylesheet expands every
step for the handout.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from html import escape
from importlib import resources
from pathlib import Path

from .course import Finding
from .engine import Step, Trajectory
from .graph import PRIMARIES
from .narration import decision_words, describe, finding_words, not_taken, outcome, title
from .quiz import answered, case_so_far, questions
from .report import DISCLAIMER
from .rules import RULES, ordered
from .scenario import Scenario
from .sources import SOURCES


def _asset(name: str) -> str:
    return (resources.files("pathway") / "web" / name).read_text(encoding="utf-8")


def csp(script: str) -> str:
    """Nothing may load: no network, no other script than this page's own (by its hash)."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; "
        f"script-src 'sha256-{digest}'; "
        "style-src 'unsafe-inline'; "  # matplotlib's SVG styles its shapes with style attributes
        "img-src data:; font-src 'none'; connect-src 'none'; media-src 'none'; object-src 'none'; "
        "frame-src 'none'; base-uri 'none'; form-action 'none'"
    )


# --- inline SVG ------------------------------------------------------------------------------

_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(xlink:href|href)="#([^"]+)"')
_URL = re.compile(r"url\(#([^)]+)\)")


def inline_svg(svg: str, prefix: str) -> str:
    """matplotlib's SVG file as an element of a page: no XML prolog, ids prefixed (two figures on
    a page must not share an id), sized by the page's CSS instead of in points."""
    start = svg.index("<svg")
    body = svg[start:]
    body = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', body)
    body = _REF.sub(lambda m: f'{m.group(1)}="#{prefix}{m.group(2)}"', body)
    body = _URL.sub(lambda m: f"url(#{prefix}{m.group(1)})", body)
    body = re.sub(r'<svg([^>]*?)\swidth="[^"]*"\sheight="[^"]*"', r"<svg\1", body, count=1)
    return body


def _svg_of(ax: object) -> str:
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    from .render import svg_text

    assert isinstance(ax, Axes)
    svg = svg_text(ax, creator="pathway html")
    plt.close(ax.get_figure(root=True))
    return svg


_DIAGRAMS: dict[str, str] = {}


def diagram_svg(primary: str) -> str:
    """The primary's whole pathway, unhighlighted (the page marks the path), once per process."""
    if primary not in _DIAGRAMS:
        from .figures import drawn
        from .graph import title_of
        from .render import draw_pathway

        graph, lay = drawn(primary)
        ax = draw_pathway(graph, lay, title=f"{title_of(primary)}: the treatment pathway")
        _DIAGRAMS[primary] = _svg_of(ax)
    return _DIAGRAMS[primary]


def mark_path(svg: str, trajectory: Trajectory) -> str:
    """Give the diagram's boxes, arrows and labels what the script needs: when each box is first
    reached, at which steps each road is taken or blocked; `path` marks the whole path for print."""
    first: dict[str, int] = {"referral": 0}
    taken: dict[tuple[str, str], list[int]] = {}
    blocked: dict[tuple[str, str], list[int]] = {}
    for step in trajectory:
        first.setdefault(step.state, step.number)
        taken.setdefault((step.source, step.state), []).append(step.number)
        for b in step.blocked:
            if b.failed:
                blocked.setdefault((step.source, b.to), []).append(step.number)

    def node(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in first:
            return f'<g id="d-node-{name}" class="node path" data-first="{first[name]}"'
        return f'<g id="d-node-{name}" class="node"'

    def edge(m: re.Match[str]) -> str:
        kind, u, v = m.group(1), m.group(2), m.group(3)
        attrs = f'id="d-{kind}-{u}--{v}" class="{kind}'
        steps = taken.get((u, v))
        attrs += ' path"' if steps else '"'
        if steps:
            attrs += f' data-steps="{" ".join(map(str, steps))}"'
        if (u, v) in blocked:
            attrs += f' data-blocked="{" ".join(map(str, sorted(set(blocked[(u, v)]))))}"'
        return f"<g {attrs}"

    def text(m: re.Match[str]) -> str:
        name = m.group(1)
        seen = f' data-first="{first[name]}"' if name in first else ""
        return f'<g id="d-nodetext-{name}{m.group(2)}" class="nodetext"{seen}'

    svg = re.sub(r'<g id="d-node-([a-z_]+)"', node, svg)
    svg = re.sub(r'<g id="d-nodetext-([a-z_]+)((?:-\d+)?)"', text, svg)
    return re.sub(r'<g id="d-(edge|label)-([a-z_]+)--([a-z_]+)"', edge, svg)


def timeline_svg(trajectory: Trajectory) -> str:
    from .render import draw_timeline

    svg = inline_svg(_svg_of(draw_timeline(trajectory, width=16.0)), "t-")

    def band(m: re.Match[str]) -> str:
        part = m.group(2).lstrip("-").rstrip("0123456789")
        kind = {"": "box", "text": "text", "num": "num"}.get(part, "mark")
        return f'<g id="t-step-{m.group(1)}{m.group(2)}" class="band {kind}" data-step="{m.group(1)}"'

    svg = re.sub(r'<g id="t-step-(\d+)((?:-[a-z]+\d*)?)"', band, svg)
    return re.sub(r'<g id="t-tick-([0-9.]+)((?:-text)?)"', r'<g id="t-tick-\1\2" class="tick" data-month="\1"', svg)


# --- the page --------------------------------------------------------------------------------


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _rule_refs(rule_ids: list[str]) -> str:
    """Rule numbers, each with its statement on hover or keyboard focus (and in the glossary at the end)."""
    refs = []
    for rid in rule_ids:
        rule = RULES[rid]
        mark = " (derived)" if rule.derived else ""
        refs.append(f'<abbr class="rule" tabindex="0" title="{_e(rule.summary + mark)}">{_e(rid)}</abbr>')
    return ", ".join(refs) or "none"


def _list(items: list[str], cls: str = "") -> str:
    if not items:
        return ""
    attr = f' class="{cls}"' if cls else ""
    return f"<ul{attr}>" + "".join(f"<li>{_e(item)}</li>" for item in items) + "</ul>"


def _quiz_block(step: Step, previous: Step | None, unseen: list[Finding]) -> str:
    """The step's questions: each option a button, each option's feedback written out beside it."""
    asked = questions(step)
    if not asked:
        return ""
    parts = [f'<div class="quiz" data-questions="{len(asked)}">']
    parts.append(_list(case_so_far(step, previous, unseen), "case"))
    for i, question in enumerate(asked):
        words = title if question.kind == "state" else str
        prompt = "What next?" if question.kind == "state" else f"Which {question.kind}?"
        hidden = " hidden" if i else ""
        parts.append(f'<div class="question" data-kind="{question.kind}" data-index="{i}"{hidden}>')
        parts.append(f'<p class="prompt">{_e(prompt)}</p><div class="options">')
        for n, option in enumerate(question.options):
            parts.append(f'<button type="button" class="option" data-option="{n}">{_e(words(option))}</button>')
        parts.append("</div>")
        for n, option in enumerate(question.options):
            scored = answered(step, question, option)
            verdict = "agree" if scored.credit == 1 else ("partial" if scored.credit else "disagree")
            parts.append(
                f'<div class="feedback {verdict}" data-for="{n}" data-credit="{scored.credit:g}" tabindex="-1" hidden>'
                + _list(scored.feedback)
                + "</div>"
            )
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def _step_html(step: Step, previous: Step | None, unseen: list[Finding]) -> str:
    findings = "".join(
        f'<p class="finding">Finding at {_e(title(f.at))}: {_e(finding_words(f))}</p>' for f in step.findings
    )
    blocked = [(("x" if b.failed else "~"), line) for b, line in zip(step.blocked, not_taken(step), strict=True)]
    not_taken_html = ""
    if blocked:
        not_taken_html = (
            f'<h4>Not taken <button type="button" class="more" aria-expanded="false">show the {len(blocked)} road{"s" if len(blocked) != 1 else ""}'
            '</button> <span class="hint">(x blocked, ~ open but not chosen)</span></h4><ul class="blocked collapsed">'
            + "".join(f'<li><span class="mark">{_e(mark)}</span> {_e(text)}</li>' for mark, text in blocked)
            + "</ul>"
        )
    warnings = "".join(f'<p class="warning">{_e(w.text)} ({_rule_refs(list(w.rules))})</p>' for w in step.warnings)
    keys = sorted({s.split("(")[-1].rstrip(")") for s in step.sources})
    sources = ", ".join(
        f'<abbr class="source" tabindex="0" title="{_e(SOURCES[k].title)}">{_e(k)}</abbr>' for k in keys
    )
    rules = [r for r in step.rules if not RULES[r].derived]
    derived = [r for r in step.rules if RULES[r].derived]
    derived_html = f" | derived: {_rule_refs(derived)}" if derived else ""
    return (
        f'<section class="step" id="step-{step.number}" data-step="{step.number}" data-state="{_e(step.state)}" '
        f'data-month="{step.month:g}" '
        f'data-from="{_e(step.source)}">'
        f'<h3>Step {step.number} <span class="month dest">month {step.month:g}</span> '
        f'{_e(title(step.source))} <span class="dest">&rarr; {_e(title(step.state))} '
        f'<span class="road">({_e(step.road.words)})</span></span></h3>'
        + _quiz_block(step, previous, unseen)
        + '<div class="reveal">'
        + findings
        + f'<p class="decision"><b>Decision:</b> {_e(decision_words(step))}</p>'
        + "<h4>Why</h4>"
        + _list(step.reasons)
        + not_taken_html
        + warnings
        + f'<p class="cites">Rules: {_rule_refs(rules)}{derived_html} | sources: {sources}</p>'
        + "</div></section>"
    )


def _glossary(rule_ids: list[str], keys: list[str]) -> str:
    rules = "".join(
        f'<dt id="rule-{_e(rid)}">{_e(rid)}{" (derived)" if RULES[rid].derived else ""}</dt>'
        f"<dd>{_e(RULES[rid].summary)}</dd>"
        for rid in rule_ids
    )
    refs = "".join(f"<dt>{_e(k)}</dt><dd>{_e(SOURCES[k].reference)}</dd>" for k in keys)
    return f'<dl class="glossary">{rules}</dl><h3>Sources</h3><dl class="glossary">{refs}</dl>'


@dataclass(frozen=True)
class Page:
    scenario: Scenario
    trajectory: Trajectory
    primary: str


def primary_of(trajectory: Trajectory) -> str:
    from .graph import family_of

    site = trajectory.steps[-1].case.patient.primary.site if trajectory.steps else "colon"
    return family_of(site)


def _document(title_text: str, body: str, kind: str) -> str:
    script, style = _asset("case.js"), _asset("case.css")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp(script))}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title_text)}</title><style>{style}</style></head>"
        f'<body class="{kind}">{body}<script>{script}</script></body></html>\n'
    )


def case_page(scenario: Scenario, trajectory: Trajectory, casebook: bool = False) -> str:
    """One scenario's page: the case, the timeline, the diagram, and every step."""
    primary = primary_of(trajectory)
    steps: list[str] = []
    previous: Step | None = None
    unseen: list[Finding] = []
    for step in trajectory:
        unseen += list(step.findings)
        steps.append(_step_html(step, previous, unseen))
        if questions(step):
            unseen = []
        previous = step
    cited = ordered([r for s in trajectory for r in s.rules])
    keys = sorted({k for rid in cited for k in RULES[rid].sources})
    objectives = _list(scenario.objectives)
    notes = f'<p class="notes">{_e(scenario.notes.strip())}</p>' if scenario.notes else ""
    diagram = mark_path(inline_svg(diagram_svg(primary), "d-"), trajectory)
    body = (
        '<header><p class="disclaimer">'
        + _e(DISCLAIMER)
        + f'</p><h1 class="case-title">{_e(scenario.title)}</h1><p class="id"><span class="case-title">'
        + f"{_e(scenario.id)}</span> "
        + f'<span class="outcome">&middot; {_e(outcome(trajectory))}</span>'
        + '<span class="quiz-title">Quiz: decide at each step, then see the pathway\'s answer</span></p></header>'
        + '<nav class="controls">'
        '<button type="button" id="prev" aria-label="previous step">&larr; Previous</button>'
        '<span id="where" aria-live="polite"></span>'
        '<button type="button" id="next" aria-label="next step">Next &rarr;</button>'
        '<label class="toggle"><input type="checkbox" id="quiz-mode"> Quiz mode</label>'
        '<span id="score" aria-live="polite" hidden></span>'
        '<button type="button" id="zoom">Whole diagram</button>'
        + ('<a class="book-link" href="index.html">Casebook</a>' if casebook else "")
        + "</nav>"
        + f'<section class="timeline" aria-label="timeline">{timeline_svg(trajectory)}</section>'
        + '<main><div class="case">'
        + '<div class="patient">'
        + _list(describe(scenario.patient))
        + "</div>"
        + '<h2 class="notes-head">Teaching objectives and notes <button type="button" class="more" '
        'aria-expanded="false">show</button></h2>'
        + f'<div class="teaching collapsed">{objectives}{notes}</div>'
        + f'<div class="steps" data-count="{len(trajectory.steps)}">'
        + "".join(steps)
        + "</div>"
        + f'<section class="cited"><h2>Rules cited</h2>{_glossary(cited, keys)}'
        + f'<p class="disclaimer">{_e(DISCLAIMER)}</p></section></div>'
        + '<div class="diagram near" tabindex="0" role="img" aria-label="the pathway diagram, with the path so far marked">'
        + f"{diagram}</div></main>"
    )
    return _document(f"{scenario.title} - pathway case", body, "case-page")


def casebook(pages: list[tuple[Scenario, Trajectory, str]]) -> str:
    """The folder's index: every scenario (title, primary, objectives, end), the overview diagram
    and the rule glossary."""
    order = {p: i for i, p in enumerate(PRIMARIES)}
    pages = sorted(pages, key=lambda page: (order.get(primary_of(page[1]), len(order)), page[0].title.lower()))
    rows = "".join(
        f'<tr><td><a href="{_e(href)}">{_e(s.title)}</a><div class="id">{_e(s.id)}</div></td>'
        f"<td>{_e(primary_of(t))}</td><td>{_list(s.objectives)}</td>"
        f"<td>{_e(title(t.final_state))}{'' if t.ended == 'terminal' else ' (waiting)'}</td></tr>"
        for s, t, href in pages
    )
    overview = inline_svg(diagram_svg("colorectal"), "o-")
    body = (
        f'<header><p class="disclaimer">{_e(DISCLAIMER)}</p><h1>Casebook: liver metastases</h1>'
        f'<p class="id">{len(pages)} cases</p></header>'
        '<main class="book"><table class="cases"><thead><tr><th>Case</th><th>Primary</th>'
        f"<th>Teaching objectives</th><th>Ends</th></tr></thead><tbody>{rows}</tbody></table>"
        f'<h2>The colorectal pathway</h2><div class="overview">{overview}</div>'
        f"<h2>Rules</h2>{_glossary(list(RULES), sorted(SOURCES))}</main>"
    )
    return _document("Casebook - pathway", body, "casebook")


def write(pages: list[tuple[Scenario, Trajectory]], out: Path, index: bool) -> list[Path]:
    """Write each page (`<id>.html`; ids are [a-z0-9-]+, so no name leaves `out`) and the casebook."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    linked = []
    for scenario, trajectory in pages:
        path = out / f"{scenario.id}.html"
        path.write_text(case_page(scenario, trajectory, casebook=index), encoding="utf-8")
        written.append(path)
        linked.append((scenario, trajectory, path.name))
    if index:
        path = out / "index.html"
        path.write_text(casebook(linked), encoding="utf-8")
        written.append(path)
    return written
