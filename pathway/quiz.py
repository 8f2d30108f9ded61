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
from dataclasses import dataclass, field
from typing import Any

from .engine import Step, Trajectory
from .narration import decision_words, describe, finding_words, title
from .regimens import choose
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


def _match(answer: str, options: list[str], words: Callable[[str], str]) -> str | None:
    """An option by its number, its name or its words (case and spacing ignored)."""
    text = answer.strip()
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1]
    key = " ".join(text.lower().replace("_", " ").split())
    for option in options:
        if key in (" ".join(option.lower().replace("_", " ").split()), words(option).lower()):
            return option
    return None


def _ask(question: Question, words: Callable[[str], str], read: Read, write: Write) -> bool:
    """Ask until a valid option (True) or the end of input (False)."""
    for i, option in enumerate(question.options, start=1):
        write(f"  {i}. {words(option)}")
    while True:
        line = read("Your answer (number or name): ")
        if line is None:
            return False
        chosen = _match(line, question.options, words)
        if chosen is not None:
            question.answer = chosen
            return True
        valid = ", ".join(f"{i} {words(o)}" for i, o in enumerate(question.options, start=1))
        write(f"  Not one of the choices. Answer with one of: {valid}")


def _cite(rule_ids: list[str] | tuple[str, ...]) -> str:
    """The rules and their sources' keys (the titles follow once, at the end of the feedback)."""
    rules = [r for r in rule_ids if r in RULES]
    keys = sorted({k for r in rules for k in RULES[r].sources})
    return f"{', '.join(rules)}; {', '.join(keys) or 'derived'}"


def _sources_line(rule_ids: list[str]) -> str | None:
    keys = sorted({k for r in rule_ids if r in RULES for k in RULES[r].sources})
    return "Sources: " + "; ".join(f"{k} {SOURCES[k].title}" for k in keys) if keys else None


def _state_feedback(step: Step, question: Question) -> None:
    answer = question.answer
    assert answer is not None
    reasons = "; ".join(step.reasons[:4])
    cited: list[str] = []  # the rules of the roads to the answer, for the revision list
    if answer == step.state:
        question.credit = 1.0
        question.feedback.append(f"Agrees with the pathway: {title(step.state)} by {step.road.words}.")
    else:
        roads = step.why_not(answer)
        cited = [r for b in roads for r in b.rules]
        alternative = next((b for b in roads if b.open and b.alternative), None)
        outranked = next((b for b in roads if b.open and not b.alternative), None)
        if alternative is not None:
            question.credit = 0.5
            road = step.pathway_road(alternative.via)
            cited = [*alternative.rules]
            question.feedback.append(
                f"An accepted alternative (half a point): {road.words} was open, but the pathway "
                f"prefers {step.road.words} ({_cite(alternative.rules)})."
            )
        elif outranked is not None:
            road = step.pathway_road(outranked.via)
            cited = [*outranked.rules]
            question.feedback.append(
                f"Not the pathway's choice: {road.words} was open, but {step.road.words} is tried first "
                f"({_cite(step.road.rules)})."
            )
        else:
            for b in roads:
                road = step.pathway_road(b.via)
                question.feedback.append(f"Blocked: {road.words} - {'; '.join(b.failed)} ({_cite(b.rules)}).")
    question.feedback.append(f"The pathway: {title(step.state)} - {decision_words(step)}. Why: {reasons}.")
    question.rules = step.rules if answer == step.state else ordered([*cited, *step.road.rules])
    if answer != step.state and (line := _sources_line(question.rules)):
        question.feedback.append(line)


def _regimen_question(step: Step) -> tuple[list[str], str] | None:
    """The regimens of the road's table, and the one it gives this patient ("FOLFOX" where the
    plan says "FOLFOX after surgery (6 months)"); None where the table did not choose the regimen."""
    rows, regimen = step.road.regimens, step.plan.decision.regimen
    if not rows or regimen is None or step.before is None:
        return None
    chosen = choose(rows, step.before).regimen.name
    if not regimen.startswith(chosen):
        return None
    return sorted({row.regimen.name for row in rows}), chosen


def _procedure_options(step: Step) -> list[str]:
    """The procedures the roads from here to the same state would name for this patient."""
    if step.plan.decision.procedure is None or step.before is None:
        return []
    names = []
    for option in step.options:
        if option.road.dest != step.state:
            continue
        try:
            procedure = option.road.plan(step.before).decision.procedure
        except Exception:  # a road not meant for this patient's facts: it offers nothing here
            continue
        if procedure:
            names.append(procedure)
    names = sorted(dict.fromkeys(names))
    return names if len(names) > 1 else []


def questions(step: Step) -> list[Question]:
    """What the quiz asks at this step: nothing where the pathway offers one next state; else the
    next state, then the regimen (or else the procedure) where the tables offer more than one."""
    options = sorted(step.next_states, key=lambda s: STATES[s].title.lower())
    if len(options) < 2:
        return []
    asked = [Question(step.number, step.source, "state", options, step.state)]
    regimen, procedures = _regimen_question(step), _procedure_options(step)
    if regimen is not None:
        asked.append(Question(step.number, step.source, "regimen", *regimen))
    elif procedures and step.plan.decision.procedure is not None:
        asked.append(Question(step.number, step.source, "procedure", procedures, step.plan.decision.procedure))
    return asked


def _regimen_feedback(step: Step, question: Question) -> None:
    """Why the table gives this regimen (its row's reasons), and why not the one answered."""
    assert step.before is not None
    choice = choose(step.road.regimens, step.before)
    rules: list[str] = list(choice.rules)
    why = "; ".join(choice.reasons) or "the table's default row"
    if question.answer == question.expected:
        question.credit = 1.0
        question.feedback.append(f"Right: {question.expected} - {why} ({_cite(choice.rules)}).")
    else:
        rows = [row for row in step.road.regimens if row.regimen.name == question.answer]
        checked = [[(gd, gd(step.before)) for gd in row.guards] for row in rows]
        if any(all(v.passed for _, v in verdicts) for verdicts in checked):
            question.feedback.append(f"Not {question.answer}: its row applies, but an earlier row of the table wins.")
        else:
            said = []
            for row, verdicts in zip(rows, checked, strict=True):
                failed = dict.fromkeys(r for _, v in verdicts if not v.passed for r in v.reasons)
                rules += [r for gd, v in verdicts if not v.passed for r in gd.rules] + list(row.rules)
                said.append(f"{', '.join(row.rules)}: {', '.join(failed)}")
            lead = "its row does not apply here" if len(said) == 1 else "none of its rows applies here"
            question.feedback.append(f"Not {question.answer}: {lead} - " + "; ".join(said) + ".")
        question.feedback.append(f"The table gives {question.expected} - {why} ({_cite(choice.rules)}).")
    question.rules = ordered(rules)


def _detail_feedback(step: Step, question: Question) -> None:
    if question.kind == "regimen":
        _regimen_feedback(step, question)
        return
    if question.answer == question.expected:
        question.credit = 1.0
        question.feedback.append(f"Right: {question.expected}.")
    else:
        why = "; ".join(step.plan.reasons[:3]) or decision_words(step)
        question.feedback.append(f"The pathway's procedure is {question.expected}: {why}.")
    question.rules = ordered([*step.road.rules, *step.plan.rules])


def _case_so_far(step: Step, previous: Step | None) -> list[str]:
    out = [f"Month {step.month if previous is None else previous.month:g}, at {title(step.source)}."]
    for finding in step.findings:
        out.append(f"  Finding at {title(finding.at)}: {finding_words(finding)}")
    case = step.before
    if case is not None:
        lv, p = case.patient.liver, case.patient
        facts = f"  Now: ECOG {p.ecog}"
        if STATES[step.source].phase in LIVER_READ or step.source in LIVER_READ_STATES:
            facts += (
                f"; {lv.lesions} liver lesion{'s' if lv.lesions != 1 else ''}, largest {lv.largest_cm:g} cm, "
                f"{'bilobar' if lv.bilobar else 'one lobe'}, FLR {lv.flr_percent:g}%, "
                f"R0 {'achievable' if lv.r0_achievable else 'not achievable'}; extrahepatic: {p.extrahepatic}"
            )
        if case.course.regimen is not None:
            facts += f"; last regimen {case.course.regimen.name}"
        out.append(facts)
    return out


def run_quiz(scenario: Scenario, trajectory: Trajectory, read: Read, write: Write) -> Session:
    """Walk the pathway's trajectory, asking at every real choice; stop at the end of input."""
    session = Session(scenario.id)
    write(f"QUIZ: {scenario.title}  [{scenario.id}]")
    write(DISCLAIMER)
    write("You decide at each step where the pathway offers a choice; the pathway answers.")
    for line in describe(scenario.patient):
        write(f"  {line}")
    previous: Step | None = None
    for step in trajectory:
        asked = questions(step)
        if not asked:
            write(f"Step {step.number}: {title(step.source)} -> {title(step.state)} ({decision_words(step)})")
            previous = step
            continue
        write("")
        write(f"Step {step.number}: what next?")
        for line in _case_so_far(step, previous):
            write(line)
        for question in asked:
            session.questions.append(question)
            if question.kind != "state":
                write(f"Which {question.kind}?")
            if not _ask(question, title if question.kind == "state" else str, read, write):
                session.stopped = True
                break
            if question.kind == "state":
                _state_feedback(step, question)
            else:
                _detail_feedback(step, question)
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
