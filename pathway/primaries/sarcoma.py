"""Soft-tissue sarcoma liver metastases (R36): the sarcoma pathway's table.

ORDER IS CLINICAL SPECIFICATION (ascending rank, first match wins):
- mdt_review (after poor performance): resectable -> surgery, no chemotherapy first > otherwise
  palliative care.
"""

from __future__ import annotations

from .. import guards as g
from ..common import OWN, surgery_plan
from ..course import Case, CourseChanges, Intent
from ..profile import Profile
from ..tables import PathwayTable
from ..vocabulary import Category, Decision, Plan, Road, const

OUTCOME = "sarcoma liver metastasectomy: more than 40% 5-year survival (S2)"
NO_CHEMOTHERAPY = "chemotherapy is ineffective for sarcoma liver metastases"


def plan_resection(c: Case) -> Plan:
    return surgery_plan(
        c,
        Category.RESECTABLE,
        "liver metastasectomy",
        reasons=("no chemotherapy first: it is ineffective for sarcoma liver metastases", OUTCOME),
        course=CourseChanges(intent=Intent.CURATIVE, regimen=None),
    )


def plan_palliative(c: Case) -> Plan:
    return Plan(
        Decision(Category.UNRESECTABLE_SARCOMA, Intent.SUPPORTIVE, None, "palliative care"),
        reasons=(f"{NO_CHEMOTHERAPY}: palliative care",),
    )


ROADS: tuple[Road, ...] = (
    Road(
        name="sarcoma_resection",
        title="liver resection for sarcoma metastases",
        source="mdt_review",
        dest="surgery",
        rank=OWN,
        guards=g.RESECTABLE_ANY_PRIMARY,
        rules=("R36", "R4"),
        label="resectable",
        plan=plan_resection,
        lead=const(1.0, "D-CLOCK"),
    ),
    Road(
        name="sarcoma_palliative_care",
        source="mdt_review",
        dest="best_supportive_care",
        rank=OWN + 10,
        rules=("R36",),
        label="unresectable",
        plan=plan_palliative,
    ),
)

PROFILE = Profile(
    name="sarcoma",
    title="Soft-tissue sarcoma liver metastases",
    noun="soft-tissue sarcoma",
    own_rules=("R36",),
    sites=("sarcoma",),
    # no systemic block: chemotherapy is not given (R36)
)

TABLE = PathwayTable(PROFILE, ROADS)
