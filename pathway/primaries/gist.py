"""GIST liver metastases (R35): the GIST pathway's table.

ORDER IS CLINICAL SPECIFICATION (ascending rank, first match wins):
- mdt_review (after poor performance): imatinib first.
- reassessment (after the urgent reviews): unifocal progression -> resect it > multifocal
  progression -> next-line TKI > responsive or stable and resectable -> resection > [the palliative
  line continues] > imatinib continues.
"""

from __future__ import annotations

from .. import common
from .. import guards as g
from ..common import LATE, OWN, surgery_plan
from ..course import Case, CourseChanges, Intent, Regimen, RegimenKind, Response
from ..guards import EVERY, Verdict, guard, verdict
from ..profile import Postoperative, Profile
from ..tables import PathwayTable
from ..vocabulary import PERIOPERATIVE_BLOCK, Category, Decision, Plan, Road, to_surgery

BLOCK = PERIOPERATIVE_BLOCK  # D-OTHER-BLOCK: reassessed every 3 months
IMATINIB = Regimen("Imatinib (tyrosine kinase inhibitor)", kind=RegimenKind.TARGETED)
NEXT_TKI = Regimen("Next-line tyrosine kinase inhibitor", kind=RegimenKind.TARGETED)

# --- guards -------------------------------------------------------------------------------------


@guard("responsive_or_stable", "responsive or stable", "R35", reads={"course.response": EVERY})
def responsive_or_stable(c: Case) -> Verdict:
    r = c.course.response
    ok = r in (Response.COMPLETE, Response.PARTIAL, Response.STABLE)
    return verdict(ok, f"response: {r}" + ("" if ok else " (not responsive or stable)"))


@guard(
    "unifocal_progression",
    "unifocal progression",
    "R35",
    reads={"course.response": EVERY, "course.progressing_lesions": (None, 1, 2)},
)
def unifocal_progression(c: Case) -> Verdict:
    if c.course.response != Response.PROGRESSION:
        return verdict(False, f"response: {c.course.response} (no progression)")
    n = c.course.progressing_lesions
    if n == 1:
        return verdict(True, "progression in a single lesion")
    return verdict(False, f"progression in {n if n is not None else 'an unstated number of'} lesions: not unifocal")


progression = g.response_is(Response.PROGRESSION, rules=("R35",), name="gist_progression")

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


def plan_unifocal(c: Case) -> Plan:
    return surgery_plan(
        c,
        Category.GIST_UNIFOCAL_PROGRESSION,
        "resection of the progressing lesion",
        reasons=("imatinib continues for the responding disease",),
        course=CourseChanges(intent=Intent.CURATIVE),
    )


def plan_resection(c: Case) -> Plan:
    return surgery_plan(
        c,
        Category.GIST_RESPONSIVE,
        "metastatectomy (liver resection)",
        reasons=("resect while responsive or stable; the TKI continues after surgery",),
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
        name="gist_imatinib_first",
        source="mdt_review",
        dest="neoadjuvant",
        rank=OWN,
        rules=("R35",),
        label="imatinib first",
        plan=plan_imatinib,
    ),
    common.URGENT_REVIEW_SYMPTOMS,
    Road(
        name="gist_unifocal_progression",
        source="reassessment",
        dest="surgery",
        rank=OWN,
        guards=(unifocal_progression, *g.OPERABLE),
        rules=("R35", "R4"),
        label="unifocal progression",
        plan=plan_unifocal,
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
        plan=plan_next,
    ),
    Road(
        name="gist_resection",
        source="reassessment",
        dest="surgery",
        rank=OWN + 20,
        guards=(responsive_or_stable, g.r0_achievable, g.at_most_10_lesions, g.flr_at_least_30, *g.OPERABLE),
        rules=("R35", "R4"),
        label="responsive or stable, resectable",
        plan=plan_resection,
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
        plan=plan_continue,
    ),
    *common.POSTOPERATIVE,
)

PROFILE = Profile(
    name="gist",
    title="GIST liver metastases",
    noun="GIST",
    sites=("gist",),
    block_months=BLOCK,
    block_rules=("D-OTHER-BLOCK",),
    postoperative=Postoperative(
        12.0,
        in_total=False,
        rules=("R35", "D-POSTOP-OTHER"),
        wording="{regimen} continues after the resection ({months} months modelled)",
    ),
)

TABLE = PathwayTable(PROFILE, ROADS)
