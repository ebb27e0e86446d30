"""Shared set-up for the ledger tests: a small organization, and registering a document."""

from __future__ import annotations

import datetime as dt

from baomi.core.levels import Tier
from baomi.core.services import create_org_unit
from baomi.ledger.services import create_cabinet, register_incoming
from baomi.people.models import AdminRole, Post
from baomi.people.services import create_person

ISSUED = dt.date(2026, 11, 2)


def person(username, unit=None, posts=(Post.STAFF,), tier=Tier.GENERAL, **kw):
    return create_person(
        actor=None,
        username=username,
        full_name=username,
        password="x" * 10,
        department=unit,
        posts=posts,
        tier=tier,
        must_change_password=False,
        **kw,
    )


def make_org():
    root = create_org_unit(actor=None, name="委机关")
    room = create_org_unit(actor=None, name="机要室", parent=root)
    planning = create_org_unit(actor=None, name="综合规划科", parent=root)
    finance = create_org_unit(actor=None, name="财务审计科", parent=root)
    clerk = person("clerk", room, posts=(Post.CLERK,), tier=Tier.CORE)
    people = {
        "clerk": clerk,
        "insider": person("insider", planning, tier=Tier.IMPORTANT),
        "general": person("general", finance, tier=Tier.GENERAL),
        "important": person("important", finance, tier=Tier.IMPORTANT),
        "planning_general": person("planning_general", planning, tier=Tier.GENERAL),
        "auditor": person("auditor", admin_role=AdminRole.AUDITOR, posts=(), tier=Tier.NONE),
    }
    cabinet = create_cabinet(
        actor=None, name="一号柜", code="JYS-01", department=room, custodian=clerk
    )
    plain = create_cabinet(
        actor=None,
        name="普通柜",
        code="BGS-01",
        department=room,
        custodian=clerk,
        for_classified=False,
    )
    return {"units": {"planning": planning}, "people": people, "cabinet": cabinet, "plain": plain}


def register(org, **kw):
    args = {
        "actor": org["people"]["clerk"],
        "title": "关于2027年重大项目布局的请示",
        "issuer": "市人民政府办公室",
        "issued_on": ISSUED,
        "copies": 3,
        "cabinet": org["cabinet"],
        "marking": "机密★10年",
        "doc_number": "示政办〔2026〕12号",
        "scope_departments": [org["units"]["planning"]],
    }
    args.update(kw)
    return register_incoming(**args)
