"""`pathway quiz`: the resident decides at each step where the patient's pathway offers a choice.

The quiz follows the pathway's own trajectory. Where more than one next state is possible it shows
the case so far and the options (in alphabetical order of their titles, which says nothing about
the answer), reads an answer, says whether it agrees and why: the guard that blocked the answer
with its rule and sources, or the road that outranked it (an accepted alternative earns half a
point and says so), then the pathway's own reasons. Where the decision names a regimen the tables
choose, or one of several procedures, a second question asks for it. At the end: the score and the
rules to revise, each with its statement.

Answers come from `read(prompt)`, which returns None at the end of input: the quiz then stops and
scores what was answered (it never waits on a closed input).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from .course import Finding
from .engine import Step, Trajectory, cited
from .guards import Guard
from .narration import decision_words, describe, finding_words, markers, title
from .pitfalls import TREATMENT_INERTIA
from .regimens import RegimenRow, choose
from .report import DISCLAIMER
from .rules import RULES, ordered
from .scenario import Scenario
from .sources import SOURCES
from .vocabulary import STATES, Phase

# Where the liver facts are the current staging (after an operation they are history until a
# recurrence or a restaging reads them again).
LIVER_READ = (Phase.ENTRY, Phase.ASSESSMENT)
LIVER_READ_STATES = frozenset({"recurrence", "observation"})

Read = Callable[[str], "str | None"]
Write = Callable[[str], None]


@dataclass
class Question:
    step: int
    at: str
    kind: str  # state | regimen | procedure
    options: list[str]
    expected: str
    answer: str | None = None
    credit: float = 0.0  # 1 agrees, 0.5 an accepted alternative, 0 otherwise
    feedback: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)

    @property
    def correct(self) -> bool:
        return self.credit == 1.0

    def as_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "at": self.at,
            "kind": self.kind,
            "options": self.options,
            "answer": self.answer,
            "expected": self.expected,
            "correct": self.correct,
            "credit": self.credit,
            "feedback": self.feedback,
        }


@dataclass
class Session:
    scenario: str
    questions: list[Question] = field(default_factory=list)
    stopped: bool = False  # the input ended before the quiz did

    @property
    def answered(self) -> list[Question]:
        return [q for q in self.questions if q.answer is not None]

    def revise(self) -> list[str]:
        """The rules behind every answer that was not right, in order."""
        return ordered([r for q in self.answered if not q.correct for r in q.rules])

    def as_json(self) -> dict[str, Any]:
        answered = self.answered
        return {
            "scenario": self.scenario,
            "questions": [q.as_json() for q in answered],
            "score": {
                "correct": sum(q.correct for q in answered),
                "asked": len(answered),
                "points": sum(q.credit for q in answered),
            },
            "stopped": self.stopped,
            "revise": [{"id": r, "statement": RULES[r].summary} for r in self.revise()],
        }


def _key(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").rstrip(".").split())


def _match(answer: str, options: list[str], words: Callable[[str], str]) -> tuple[str | None, list[str]]:
    """An option by its number, its name or its words (case and spacing ignored), or by the start
    of them if only one option starts so. Returns the option, or None and the options it could be."""
    text = answer.strip().rstrip(".")
    if text.isascii() and text.isdigit():  # (not '²', which isdigit() but int() refuses)
        number = int(text) if len(text) <= 9 else 0
        return (options[number - 1], []) if 1 <= number <= len(options) else (None, [])
    key = _key(text)
    if not key:
        return None, []
    names = {option: (_key(option), _key(words(option))) for option in options}
    exact = [o for o, both in names.items() if key in both]
    if exact:
        return exact[0], []
    starts = [o for o, both in names.items() if any(n.startswith(key) for n in both)]
    if not starts:  # a word of the option: "supportive" for "Best supportive care"
        starts = [o for o, both in names.items() if any(w.startswith(key) for n in both for w in n.split())]
    if len(starts) == 1:
        return starts[0], []
    return None, starts


def _ask(question: Question, words: Callable[[str], str], read: Read, write: Write) -> bool:
    """Ask until a valid option (True) or the end of input (False)."""
    for i, option in enumerate(question.options, start=1):
        write(f"  {i}. {words(option)}")
    while True:
        line = read("Your answer (number or name): ")
        if line is None:
            return False
        chosen, could_be = _match(line, question.options, words)
        if chosen is not None:
            question.answer = chosen
            return True
        if could_be:
            write("  Which one? It could be: " + "; ".join(words(o) for o in could_be))
            continue
        valid = ", ".join(f"{i} {words(o)}" for i, o in enumerate(question.options, start=1))
        write(f"  Not one of the choices. Answer with one of: {valid}")


def _cite(rule_ids: list[str] | tuple[str, ...], scope: str | None) -> str:
    """The rules a step of this pathway cites (R43), with their sources' keys (titles follow once)."""
    rules = cited([r for r in rule_ids if r in RULES], scope)
    keys = _source_keys(rules, scope)
    if not rules:
        return "no rule of the rule book for this pathway"
    return f"{', '.join(rules)}; {', '.join(keys) or 'derived, no source'}"


def _source_keys(rules: list[str], scope: str | None) -> list[str]:
    keys = sorted({k for r in rules if r in RULES for k in RULES[r].sources})
    return [k for k in keys if scope is None or SOURCES[k].scope in (None, scope)]


def _sources_line(rules: list[str], scope: str | None) -> str | None:
    keys = _source_keys(rules, scope)
    return "Sources: " + "; ".join(f"{k} {SOURCES[k].title}" for k in keys) if keys else None


def _pitfalls(step: Step, answer: str) -> list[str]:
    """The pitfalls the sources name at this step, which a wrong answer may have walked into."""
    alerts = list(step.warnings)
    stays = STATES[answer].phase == Phase.SYSTEMIC and step.source == "reassessment"
    if stays and step.state == "surgery":
        alerts.append(TREATMENT_INERTIA.warn())
    return [f"Pitfall: {w.text} ({', '.join(w.rules)})." for w in alerts]


def _state_feedback(step: Step, question: Question) -> None:
    answer = question.answer
    assert answer is not None
    chosen = f"{title(step.state)} ({step.road.words})"
    cited_here: list[str] = []  # the rules of the roads to the answer, for the revision list
    if answer == step.state:
        question.credit = 1.0
        question.feedback.append(f"Agrees with the pathway: {chosen}.")
    else:
        roads = step.why_not(answer)
        alternative = next((b for b in roads if b.open and b.alternative), None)
        outranked = next((b for b in roads if b.open and not b.alternative), None)
        if alternative is not None:
            question.credit = 0.5
            road = step.pathway_road(alternative.via)
            cited_here = [*alternative.rules]
            question.feedback.append(
                f"An accepted alternative (half a point): {road.words} was allowed here, but the pathway "
                f"prefers {chosen} ({_cite(alternative.rules, step.scope)})."
            )
        elif outranked is not None:
            road = step.pathway_road(outranked.via)
            cited_here = [*outranked.rules]
            question.feedback.append(
                f"Not the pathway's choice: {road.words} was also allowed, but {chosen} comes first here "
                f"({_cite(step.road.rules, step.scope)})."
            )
        else:
            for b in roads:
                road = step.pathway_road(b.via)
                cited_here += b.rules
                question.feedback.append(
                    f"Blocked: {road.words} - {'; '.join(b.failed)} ({_cite(b.rules, step.scope)})."
                )
        question.feedback += _pitfalls(step, answer)
    later = questions(step)[1:]  # asked next: not given away here
    follow = frozenset(q.kind for q in later)
    question.feedback.append(f"The pathway: {chosen} - {decision_words(step, follow)}. Why:")
    question.feedback += [f"  - {reason}" for reason in _reasons_before(step, later)]
    question.rules = step.rules if answer == step.state else cited([*cited_here, *step.road.rules], step.scope)
    if answer != step.state and (line := _sources_line(question.rules, step.scope)):
        question.feedback.append(line)


# Guards about the line of therapy (what failed before, and when), not the patient's tumour: a
# row they block belongs to another line, and its regimen is not offered at this one.
HISTORY = ("patient.oxaliplatin_failure_months", "patient.anti_egfr_failure_months")


def _history(gd: Guard) -> bool:
    return any(key in HISTORY or key.startswith("course.") for key in gd.reads)


def _rows(step: Step) -> list[tuple[RegimenRow, list[tuple[Guard, Any]]]]:
    """The rows of the road's table for this line of therapy, each with its guards' verdicts."""
    assert step.before is not None
    out = []
    for row in step.road.regimens:
        verdicts = [(gd, gd(step.before)) for gd in row.guards]
        if all(v.passed for _, v in verdicts) or not any(_history(gd) for gd, v in verdicts if not v.passed):
            out.append((row, verdicts))
    return out


def _chosen_row(step: Step) -> RegimenRow:
    assert step.before is not None
    return next(row for row in step.road.regimens if all(gd(step.before).passed for gd in row.guards))


def _reasons_before(step: Step, later: list[Question]) -> list[str]:
    """The step's reasons, less those that would answer the questions still to come: the regimen
    table's own reasons, and any reason naming one of their options."""
    if not later:
        return step.reasons
    hidden: set[str] = set()
    if any(q.kind == "regimen" for q in later) and step.before is not None:
        hidden |= set(choose(step.road.regimens, step.before).reasons)
    names = {n.lower() for q in later for option in q.options for n in (option, option.split(" ")[0])}
    return [r for r in step.reasons if r not in hidden and not any(n in r.lower() for n in names)]


def _regimen_question(step: Step) -> tuple[list[str], str] | None:
    """The regimens of the road's table for this line, and the one it gives this patient ("FOLFOX"
    where the plan says "FOLFOX after surgery (6 months)"); None where the table did not choose it."""
    rows, regimen = step.road.regimens, step.plan.decision.regimen
    if not rows or regimen is None or step.before is None:
        return None
    chosen = choose(rows, step.before).regimen.name
    if not regimen.startswith(chosen):
        return None
    names = {row.regimen.name for row, _ in _rows(step)} | {r.name for r in _chosen_row(step).also}
    return (sorted(names), chosen) if len(names) > 1 else None


def _regimen_feedback(step: Step, question: Question) -> None:
    """Why the table gives this regimen (its row's reasons), and why not the one answered."""
    assert step.before is not None
    choice, row = choose(step.road.regimens, step.before), _chosen_row(step)
    rows = _rows(step)
    why = "; ".join(choice.reasons)
    if not why:  # the table's last row: say what the earlier rows needed
        earlier = [v for r, verdicts in rows if r is not row for _, v in verdicts if not v.passed]
        why = "; ".join(dict.fromkeys(reason for v in earlier for reason in v.reasons)) or "the table's default"
    gives = f"{question.expected} - {why} ({_cite(choice.rules, step.scope)})"
    rules: list[str] = list(choice.rules)
    if question.answer == question.expected:
        question.credit = 1.0
        question.feedback.append(f"Right: {gives}.")
    elif question.answer in {r.name for r in row.also}:
        question.credit = 1.0
        question.feedback.append(
            f"Right: {', '.join(cited(list(row.rules), step.scope))} allows {question.answer} as well as "
            f"{question.expected}; the tables list {question.expected} first."
        )
    else:
        theirs = [(r, verdicts) for r, verdicts in rows if r.regimen.name == question.answer]
        if any(all(v.passed for _, v in verdicts) for _, verdicts in theirs):
            question.feedback.append(
                f"Not {question.answer} here: its row applies too, but the table puts {question.expected} first."
            )
        else:
            conditions, here = [], []
            for r, verdicts in theirs:
                failed = [(gd, v) for gd, v in verdicts if not v.passed]
                rules += [rid for gd, _ in failed for rid in gd.rules] + list(r.rules)
                conditions.append(f"{' and '.join(gd.label for gd, _ in failed)} ({', '.join(r.rules)})")
                here += [reason for _, v in failed for reason in v.reasons]
            question.feedback.append(
                f"Not {question.answer}: the table gives it for {' or '.join(conditions)}; "
                f"here: {', '.join(dict.fromkeys(here))}."
            )
        question.feedback.append(f"The table gives {gives}.")
    question.rules = cited(rules, step.scope)


# States whose roads differ by the operation or procedure they name (not by the care they give).
PROCEDURE_STATES = frozenset(s for s, state in STATES.items() if state.phase in (Phase.SURGICAL, Phase.LOCAL))


def _procedures(step: Step) -> dict[str, str]:
    """The procedure each road to the pathway's state would name for this patient, by road."""
    if step.plan.decision.procedure is None or step.before is None or step.state not in PROCEDURE_STATES:
        return {}
    out: dict[str, str] = {}
    for option in step.options:
        if option.road.dest != step.state:
            continue
        try:
            procedure = option.road.plan(step.before).decision.procedure
        except Exception:  # a road not meant for this patient's facts: it offers nothing here
            continue
        if procedure and procedure not in out.values():
            out[option.road.name] = procedure
    return out if len(out) > 1 else {}


def questions(step: Step) -> list[Question]:
    """What the quiz asks at this step: nothing where the pathway offers one next state; else the
    next state, then the regimen (or else the procedure) where the tables offer more than one."""
    options = sorted(step.next_states, key=lambda s: STATES[s].title.lower())
    if len(options) < 2:
        return []
    asked = [Question(step.number, step.source, "state", options, step.state)]
    regimen, procedures = _regimen_question(step), _procedures(step)
    if regimen is not None:
        asked.append(Question(step.number, step.source, "regimen", *regimen))
    elif procedures and step.plan.decision.procedure is not None:
        expected = step.plan.decision.procedure
        asked.append(Question(step.number, step.source, "procedure", sorted(procedures.values()), expected))
    return asked


def _procedure_feedback(step: Step, question: Question) -> None:
    rules = [*step.road.rules, *step.plan.rules]
    if question.answer == question.expected:
        question.credit = 1.0
        question.feedback.append(f"Right: {question.expected} ({step.road.words}).")
        question.feedback += [f"  - {reason}" for reason in step.plan.reasons]
    else:
        road = next(name for name, procedure in _procedures(step).items() if procedure == question.answer)
        verdict = next(o for o in step.options if o.road.name == road)
        words = step.pathway_road(road).words
        if verdict.open:
            question.feedback.append(f"Not {question.answer}: {words} was allowed, but {step.road.words} comes first.")
        else:
            question.feedback.append(f"Not {question.answer}: {words} is blocked - {'; '.join(verdict.failed)}.")
            rules = [*verdict.failed_rules, *rules]
        why = "; ".join(step.chosen.passed_reasons[:4]) or decision_words(step)
        question.feedback.append(f"The pathway: {question.expected} ({step.road.words}) - {why}.")
    question.rules = cited(rules, step.scope)


def answered(step: Step, question: Question, answer: str) -> Question:
    """The question with this answer, scored and with its feedback (what a case page shows per option)."""
    out = replace(question, answer=answer, feedback=[], rules=[], credit=0.0)
    _FEEDBACK[out.kind](step, out)
    return out


def _decided_at(step: Step, previous: Step | None, findings: list[Finding]) -> float:
    """When the decision is made: the month of the latest finding that gives one, else the last step's."""
    months = [f.month for f in findings if f.month is not None]
    return max(months) if months else (previous.month if previous is not None else 0.0)


def _case_so_far(step: Step, previous: Step | None, findings: list[Finding]) -> list[str]:
    """The finding just read (and any read since the last question) and the facts the choice needs."""
    out = [f"Month {_decided_at(step, previous, findings):g}, at {title(step.source)}."]
    for finding in findings:
        out.append(f"  Finding at {title(finding.at)}: {finding_words(finding)}")
    case = step.before
    if case is None:
        return out
    p, lv = case.patient, case.patient.liver
    facts = [f"ECOG {p.ecog}"]
    if STATES[step.source].phase in LIVER_READ or step.source in LIVER_READ_STATES:
        if lv.lesions == 0:
            facts.append("no visible liver lesion")
        else:
            facts.append(
                f"{lv.lesions} liver lesion{'s' if lv.lesions != 1 else ''}, largest {lv.largest_cm:g} cm, "
                f"{'bilobar' if lv.bilobar else 'one lobe'}, FLR {lv.flr_percent:g}%, "
                f"R0 {'achievable' if lv.r0_achievable else 'not achievable'}"
            )
        site = f" ({p.extrahepatic_site.replace('_', ' ')})" if p.extrahepatic_site else ""
        facts.append(f"extrahepatic disease: {p.extrahepatic}{site}")
        said = markers(p)
        if said:
            facts.append(said)
    for months, what in ((p.oxaliplatin_failure_months, "oxaliplatin"), (p.anti_egfr_failure_months, "anti-EGFR")):
        if months is not None:
            facts.append(f"recurrence {months:g} months after the last {what}")
    if case.course.regimen is not None:
        facts.append(f"last regimen {case.course.regimen.name}")
    out.append("  Now: " + "; ".join(facts))
    return out


_FEEDBACK: dict[str, Callable[[Step, Question], None]] = {
    "state": _state_feedback,
    "regimen": _regimen_feedback,
    "procedure": _procedure_feedback,
}


def case_so_far(step: Step, previous: Step | None, findings: list[Finding]) -> list[str]:
    """The case as the quiz shows it before the question (public for the case pages)."""
    return _case_so_far(step, previous, findings)


def run_quiz(scenario: Scenario, trajectory: Trajectory, read: Read, write: Write) -> Session:
    """Walk the pathway's trajectory, asking at every real choice; stop at the end of input."""
    session = Session(scenario.id)
    write(f"QUIZ: {scenario.title}  [{scenario.id}]")
    write(DISCLAIMER)
    write("You decide at each step where the pathway offers a choice; the pathway answers.")
    for line in describe(scenario.patient):
        write(f"  {line}")
    previous: Step | None = None
    unseen: list[Finding] = []  # findings read at steps that asked nothing: shown at the next question
    for step in trajectory:
        asked = questions(step)
        unseen += step.findings
        if not asked:
            write(f"Step {step.number}: {title(step.source)} -> {title(step.state)} ({decision_words(step)})")
            previous = step
            continue
        write("")
        write(f"Step {step.number}: what next?")
        for line in _case_so_far(step, previous, unseen):
            write(line)
        unseen = []
        for question in asked:
            session.questions.append(question)
            if question.kind != "state":
                write(f"Which {question.kind}?")
            if not _ask(question, title if question.kind == "state" else str, read, write):
                session.stopped = True
                break
            _FEEDBACK[question.kind](step, question)
            for line in question.feedback:
                write(f"  {line}")
        if session.stopped:
            break
        previous = step
    data = session.as_json()
    score = data["score"]
    write("")
    write(f"Score: {score['points']:g} of {score['asked']} ({score['correct']} agreeing with the pathway).")
    if session.stopped:
        write("The input ended before the quiz did: scored what was answered.")
    if data["revise"]:
        write("Rules to revise:")
        for rule in data["revise"]:
            write(f"  - {rule['id']}: {rule['statement']}")
    return session
