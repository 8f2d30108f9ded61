"""GIST liver metastases (R35): the GIST pathway's table.

ORDER IS CLINICAL SPECIFICATION (ascending rank, first match wins):
- mdt_review (after poor performance): a recurrence on a TKI -> the next TKI > imatinib first.
- reassessment (after the urgent review for ECOG 3-4): unifocal progression -> resect it >
  multifocal progression -> next-line TKI > responsive or stable and resectable -> resection >
  [the palliative line continues] > imatinib continues. Symptoms have no road of their own
  (D-SYMPTOMS-OTHER).
- The TKI is continued, not completed (R39): after resection the patient is followed on it, and
  five years without recurrence is maintenance.
"""

from __future__ import annotations

from .. import common
from .. import guards as g
from ..common import LATE, OWN, surgery_plan
from ..course import Case, CourseChanges, Intent, Regimen, RegimenKind, Response
from ..guards import EVERY, Verdict, guard, verdict
from ..profile import Profile
from ..tables import PathwayTable
from ..vocabulary import PERIOPERATIVE_BLOCK, Category, Decision, Plan, Road, const, to_surgery

BLOCK = PERIOPERATIVE_BLOCK  # D-OTHER-BLOCK: reassessed every 3 months
IMATINIB = Regimen("Imatinib (tyrosine kinase inhibitor)", kind=RegimenKind.TARGETED, continued=True)
NEXT_TKI = Regimen("Next-line tyrosine kinase inhibitor", kind=RegimenKind.TARGETED, continued=True)

# --- guards -------------------------------------------------------------------------------------


@guard(
    "responsive_or_stable",
    "responsive or stable",
    "R35",
    reads={"course.response": EVERY},
    fast=lambda c: c.course.response in (Response.COMPLETE, Response.PARTIAL, Response.STABLE),
)
def responsive_or_stable(c: Case) -> Verdict:
    r = c.course.response
    ok = r in (Response.COMPLETE, Response.PARTIAL, Response.STABLE)
    return verdict(ok, f"response: {r}" + ("" if ok else " (not responsive or stable)"))


@guard(
    "unifocal_progression",
    "unifocal progression",
    "R35",
    reads={"course.response": EVERY, "course.progressing_lesions": (None, 1, 2)},
    fast=lambda c: c.course.response == Response.PROGRESSION and c.course.progressing_lesions == 1,
)
def unifocal_progression(c: Case) -> Verdict:
    if c.course.response != Response.PROGRESSION:
        return verdict(False, f"response: {c.course.response} (no progression)")
    n = c.course.progressing_lesions
    if n == 1:
        return verdict(True, "progression in a single lesion")
    return verdict(False, f"progression in {n if n is not None else 'an unstated number of'} lesions: not unifocal")


@guard(
    "recurred_on_tki",
    "recurred on a TKI",
    "R35",
    reads={"course.failed_line": EVERY},
    fast=lambda c: c.course.failed_line is not None and c.course.failed_line.kind == RegimenKind.TARGETED,
)
def recurred_on_tki(c: Case) -> Verdict:
    line = c.course.failed_line
    on = line is not None and line.kind == RegimenKind.TARGETED
    return verdict(on, f"recurred on {line.name}" if on and line else "no TKI failed before")


progression = g.response_is(Response.PROGRESSION, rules=("R35",), name="gist_progression")
partial_resection = g.intent_is(Intent.PALLIATIVE, rules=("R35",))

# --- plans ---------------------------------------------------------------------------------------


def _tki(category: Category, intent: Intent, regimen: Regimen, why: str) -> Plan:
    return Plan(
        Decision(category, intent, regimen.name, None),
        reasons=(why,),
        rules=("D-OTHER-BLOCK",),
        course=CourseChanges(intent=intent, regimen=regimen, block_months=BLOCK, systemic_months=0.0),
    )


def plan_imatinib(c: Case) -> Plan:
    return _tki(Category.GIST, Intent.NEOADJUVANT, IMATINIB, "a tyrosine kinase inhibitor first, then reassess")


def plan_next(c: Case) -> Plan:
    return _tki(
        Category.GIST_PROGRESSION,
        Intent.PALLIATIVE,
        NEXT_TKI,
        "multifocal progression on imatinib: the next tyrosine kinase inhibitor",
    )


def plan_next_after_recurrence(c: Case) -> Plan:
    line = c.course.failed_line
    return _tki(
        Category.GIST_PROGRESSION,
        Intent.PALLIATIVE,
        NEXT_TKI,
        f"recurrence on {line.name if line else 'a TKI'}: the next tyrosine kinase inhibitor",
    )


def plan_unifocal(c: Case) -> Plan:
    return surgery_plan(
        c,
        Category.GIST_UNIFOCAL_PROGRESSION,
        "resection of the progressing lesion",
        reasons=("only the progressing lesion is removed: the responding lesions stay, imatinib continues",),
        rules=("R39",),
        course=CourseChanges(intent=Intent.PALLIATIVE),
        intent=Intent.PALLIATIVE,
    )


def plan_tki_after_partial_resection(c: Case) -> Plan:
    regimen = c.course.regimen
    return Plan(
        Decision(Category.GIST_TKI, Intent.PALLIATIVE, regimen.name if regimen else None, None),
        reasons=("the responding lesions are still in place: the TKI goes on, reassessed every 3 months",),
        rules=("D-OTHER-BLOCK",),
        course=CourseChanges(block_months=BLOCK),
    )


def plan_resection(c: Case) -> Plan:
    return surgery_plan(
        c,
        Category.GIST_RESPONSIVE,
        "metastatectomy (liver resection)",
        reasons=("resect while responsive or stable; the TKI continues after surgery",),
        rules=("R39",),
        course=CourseChanges(intent=Intent.CURATIVE),
    )


def plan_continue(c: Case) -> Plan:
    return Plan(
        Decision(Category.GIST_TKI, c.course.intent, common.regimen_name(c), None),
        reasons=("not resectable yet: the TKI continues",),
        rules=("D-OTHER-BLOCK",),
        course=CourseChanges(block_months=BLOCK),
    )


# --- the table --------------------------------------------------------------------------------

ROADS: tuple[Road, ...] = (
    Road(
        name="gist_next_tki_after_recurrence",
        source="mdt_review",
        dest="palliative_systemic",
        rank=OWN,
        guards=(recurred_on_tki,),
        rules=("R35", "D-RECURRENCE-OTHER"),
        label="recurred on a TKI",
        plan=plan_next_after_recurrence,
    ),
    Road(
        name="gist_imatinib_first",
        source="mdt_review",
        dest="neoadjuvant",
        rank=OWN + 10,
        rules=("R35",),
        label="imatinib first",
        plan=plan_imatinib,
    ),
    Road(
        name="gist_unifocal_progression",
        title="resection of a unifocal progression",
        source="reassessment",
        dest="surgery",
        rank=OWN,
        guards=(unifocal_progression, *g.OPERABLE),
        rules=("R35", "R4"),
        label="unifocal progression",
        plan=common.noting_symptoms(plan_unifocal),
        lead=to_surgery,
    ),
    Road(
        name="gist_next_line",
        source="reassessment",
        dest="palliative_systemic",
        rank=OWN + 10,
        guards=(progression,),
        rules=("R35",),
        label="multifocal progression",
        plan=common.noting_symptoms(plan_next),
    ),
    Road(
        name="gist_resection",
        title="liver resection for GIST metastases",
        source="reassessment",
        dest="surgery",
        rank=OWN + 20,
        guards=(responsive_or_stable, *g.RESECTABLE_ANY_PRIMARY),
        rules=("R35", "R4"),
        label="responsive or stable, resectable",
        plan=common.noting_symptoms(plan_resection),
        lead=to_surgery,
    ),
    common.CONTINUE_PALLIATIVE_LINE,
    Road(
        name="gist_tki_continues",
        source="reassessment",
        dest="neoadjuvant",
        rank=LATE + 10,
        rules=("R35",),
        label="not resectable yet",
        plan=common.noting_symptoms(plan_continue),
    ),
    Road(
        name="gist_tki_for_remaining_disease",
        source="surgery",
        dest="palliative_systemic",
        rank=OWN + 5,
        guards=(partial_resection,),
        rules=("R35",),
        label="lesions left in place",
        plan=plan_tki_after_partial_resection,
        lead=const(1.0, "D-CLOCK"),
    ),
    common.FIVE_YEARS_ON_MAINTENANCE,
)

PROFILE = Profile(
    name="gist",
    title="GIST liver metastases",
    noun="GIST",
    own_rules=("R35",),
    sites=("gist",),
    block_months=BLOCK,
    block_rules=("D-OTHER-BLOCK",),
)

TABLE = PathwayTable(PROFILE, ROADS)
