"""The demo organization: a municipal bureau with its departments, built through the services
so that the demo's own actions are in the audit log like any other."""

from __future__ import annotations

from .models import OrgUnit
from .services import create_org_unit

BUREAU = "示范市发展和改革委员会"
DEPARTMENTS = [
    ("办公室", "BGS", OrgUnit.Kind.OFFICE),
    ("机要室", "JYS", OrgUnit.Kind.OFFICE),
    ("保密办", "BMB", OrgUnit.Kind.OFFICE),
    ("综合规划科", "ZHGH", OrgUnit.Kind.DEPARTMENT),
    ("财务审计科", "CWSJ", OrgUnit.Kind.DEPARTMENT),
    ("人事科", "RSK", OrgUnit.Kind.DEPARTMENT),
    ("信息中心", "XXZX", OrgUnit.Kind.DEPARTMENT),
]


def load_demo() -> int:
    """Create the demo units if the organization is empty; return how many were created."""
    if OrgUnit.objects.exists():
        return 0
    root = create_org_unit(actor=None, name=BUREAU, code="FGW", kind=OrgUnit.Kind.ORGANIZATION)
    for name, code, kind in DEPARTMENTS:
        create_org_unit(actor=None, name=name, parent=root, code=code, kind=kind)
    return 1 + len(DEPARTMENTS)
