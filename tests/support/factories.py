"""The data of every app, built through its services so that each step is audited as in use.

Small organizations for the tests of one app (`make_org` and the variants below), and the
documents, telegrams and meetings they work on."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from baomi.core.levels import Level, Tier, Urgency
from baomi.core.models import OrgUnit
from baomi.core.services import create_org_unit
from baomi.ledger.services import create_cabinet, register_incoming
from baomi.people.models import AdminRole, Post
from baomi.people.services import create_person

from .clients import PASSWORD

ISSUED = dt.date(2026, 11, 2)

# -- people and organizations ----------------------------------------------------------------


def person(
    username: str,
    unit: OrgUnit | None = None,
    posts: tuple[str, ...] = (Post.STAFF,),
    tier: str = Tier.GENERAL,
    *,
    full_name: str | None = None,
    must_change_password: bool = False,
    **kw: Any,
) -> Any:
    """A member of staff (or, with `admin_role`, an administrator: no post, no clearance)."""
    if kw.get("admin_role"):
        posts, tier = (), Tier.NONE
    return create_person(
        actor=None,
        username=username,
        full_name=full_name or username,
        password=PASSWORD,
        department=unit,
        posts=posts,
        tier=tier,
        must_change_password=must_change_password,
        **kw,
    )


def administrator(username: str, role: str, full_name: str | None = None) -> Any:
    """One of the three separated administrators (AdminRole)."""
    return person(username, admin_role=role, full_name=full_name)


def make_org() -> dict[str, Any]:
    """A bureau with its confidential room (a clerk, a cabinet), a planning and a finance
    department, people of each tier, and the auditor."""
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
        "auditor": administrator("auditor", AdminRole.AUDITOR),
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


def make_flows_org() -> dict[str, Any]:
    """`make_org` with a planning leader, a security officer, a second reader in planning, the
    room's head, and a registered document (机密★10年, three copies, planning in scope)."""
    org = make_org()
    planning = org["units"]["planning"]
    org["people"]["leader"] = person("leader", planning, posts=(Post.LEADER,), tier=Tier.CORE)
    org["people"]["officer"] = person(
        "officer", None, posts=(Post.SECURITY_OFFICER,), tier=Tier.CORE
    )
    org["people"]["reader2"] = person("reader2", planning, tier=Tier.IMPORTANT)
    # the head of the confidential room approves loans of what it registered (DOC.LOAN.APPROVAL)
    room = org["cabinet"].department
    org["people"]["head"] = person("head", room, posts=(Post.LEADER,), tier=Tier.CORE)
    org["document"] = register(org)
    return org


def make_telegrams_org() -> dict[str, Any]:
    """`make_org` with the confidential room's head (a leader) and a second clerk."""
    org = make_org()
    room = org["cabinet"].department
    org["people"]["head"] = person("head", room, posts=(Post.LEADER,), tier=Tier.CORE)
    org["people"]["clerk2"] = person("clerk2", room, posts=(Post.CLERK,), tier=Tier.CORE)
    return org


def make_meetings_org() -> dict[str, Any]:
    """`make_org` with the room's leader and security officer, and a core-tier planner."""
    org = make_org()
    room = org["cabinet"].department
    people = org["people"]
    people["leader"] = person("leader", room, posts=(Post.LEADER,), tier=Tier.CORE)
    people["officer"] = person("officer", room, posts=(Post.SECURITY_OFFICER,), tier=Tier.CORE)
    people["core_planner"] = person("core_planner", org["units"]["planning"], tier=Tier.CORE)
    return org


def make_approvals_org() -> SimpleNamespace:
    """Two departments (an office and finance), their leaders and staff, a security officer in
    finance and the bureau's director."""
    root = create_org_unit(actor=None, name="委机关", kind=OrgUnit.Kind.ORGANIZATION)
    office = create_org_unit(actor=None, name="办公室", parent=root)
    finance = create_org_unit(actor=None, name="财务处", parent=root)

    def member(username: str, name: str, unit: OrgUnit, post: str) -> Any:
        return person(username, unit, posts=(post,), tier=Tier.IMPORTANT, full_name=name)

    return SimpleNamespace(
        root=root,
        office=office,
        finance=finance,
        staff=member("zhangsan", "张三", office, Post.STAFF),
        colleague=member("lisi", "李四", office, Post.STAFF),
        leader=member("wangzr", "王主任", office, Post.LEADER),
        deputy=member("zhaofzr", "赵副主任", office, Post.LEADER),
        finance_leader=member("qianchz", "钱处长", finance, Post.LEADER),
        officer=member("sunbm", "孙保密", finance, Post.SECURITY_OFFICER),
        director=member("zhoujz", "周局长", root, Post.LEADER),
    )


# -- policy ----------------------------------------------------------------------------------


def lower_secret_limits(
    actor: Any, rule_id: str = "CLS.PERIOD.MAX", name: str = "max_years", reason: str = "x"
) -> None:
    """Set a per-level year limit to 30/10/10 (机密 lowered from 20 to 10)."""
    from baomi.policy import services

    services.set_parameter(
        actor=actor,
        rule_id=rule_id,
        name=name,
        reason=reason,
        value={"top_secret": 30, "secret": 10, "confidential": 10},
    )


# -- the ledger --------------------------------------------------------------------------------


def register(org: dict[str, Any], **kw: Any) -> Any:
    """An incoming 机密★10年 document in three copies, in the org's cabinet, planning in scope;
    `kw` overrides any argument of `register_incoming`."""
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


# -- the flows -----------------------------------------------------------------------------------


def loan_approved(org: dict[str, Any], borrower: Any, document: Any) -> Any:
    """The office head's approval for `borrower` to borrow a copy of `document`, asked for by
    the borrower and given by the head of the room that registered it (DOC.LOAN.APPROVAL)."""
    from baomi.approvals.services import approve
    from baomi.flows.services import ask_to_borrow

    asked = ask_to_borrow(actor=borrower, document=document, reason="借阅")
    return approve(actor=org["people"]["head"], approval=asked)


def lend(org: dict[str, Any], copy: Any, borrower: Any = None, **kw: Any) -> Any:
    """Lend `copy` (to the insider unless told) with the office head's approval asked for and
    given first; `kw` overrides any other argument of `lend_copy`."""
    from baomi.flows.services import lend_copy

    borrower = borrower or org["people"]["insider"]
    loan_approved(org, borrower, copy.document)
    return lend_copy(**{"actor": org["people"]["clerk"], "copy": copy, "borrower": borrower, **kw})


# -- the review desk ---------------------------------------------------------------------------

#: a document's text that manuscripts quote from
REVIEW_SOURCE = (
    "关于二〇二七年重大项目布局的请示。经研究，拟在高新区布局集成电路制造基地，首期投资规模为三百亿元，"
    "选址方案分为东区和西区两个备选地块，其中东区地块已完成地质勘察，西区地块尚需征求有关部门意见。"
    "项目建设期间实行封闭管理，相关信息不得对外披露。"
)


def make_review_org() -> dict[str, Any]:
    """`make_org` with a reviewer in planning and the room's leader; a registered document
    whose text (`REVIEW_SOURCE`) Baomi holds and indexes, a secret item and a term on the
    list. Content is stored under settings.DATA_DIR, which the caller points somewhere."""
    from baomi.ledger.models import SecretItem
    from baomi.ledger.services import attach_content
    from baomi.review import scanning
    from baomi.review.services import add_sensitive_term

    org = make_org()
    people = org["people"]
    people["reviewer"] = person(
        "reviewer", org["units"]["planning"], posts=(Post.SECURITY_OFFICER,), tier=Tier.CORE
    )
    people["room_leader"] = person(
        "room_leader", org["cabinet"].department, posts=(Post.LEADER,), tier=Tier.CORE
    )
    document = register(org)
    attach_content(
        actor=people["clerk"], document=document, name="qs.txt", data=REVIEW_SOURCE.encode()
    )
    scanning.rebuild_index()
    SecretItem.objects.create(name="集成电路制造基地", level=3)
    add_sensitive_term(actor=people["reviewer"], text="封闭管理", kind="unpublished")
    org["document"] = document
    return org


# -- the duty desk -----------------------------------------------------------------------------


def receive_telegram(
    org: dict[str, Any], number: str = "2026-001", urgency: int = Urgency.NORMAL, **kw: Any
) -> Any:
    """A telegram registered by the room's clerk; `kw` overrides any field."""
    from baomi.telegrams import services

    args = {
        "actor": org["people"]["clerk"],
        "number": number,
        "traffic": "cipher",
        "urgency": urgency,
        "correspondent": "省委办公厅",
        "subject": "关于做好岁末年初安全工作的通知",
        "cabinet": org["cabinet"],
        "marking": "机密★1年",
    }
    args.update(kw)
    return services.register_telegram(**args)


# -- meetings ----------------------------------------------------------------------------------


def planned_meeting(
    org: dict[str, Any],
    level: int = Level.TOP_SECRET,
    *,
    title: str = "年度重大项目布局专题会",
    starts_at: dt.datetime = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC),
    recording_planned: bool = False,
) -> Any:
    """A meeting planned by the clerk, the officer its security lead, with its security plan
    written."""
    from baomi.meetings import services

    clerk = org["people"]["clerk"]
    meeting = services.plan_meeting(
        actor=clerk,
        title=title,
        level=level,
        venue="机关三号会议室",
        starts_at=starts_at,
        security_lead=org["people"]["officer"],
        secure_cabinet=org["cabinet"],
        relay_scope=[org["units"]["planning"]],
    )
    return services.write_plan(
        actor=clerk, meeting=meeting, plan="会场封闭管理", recording_planned=recording_planned
    )


def signed_off(org: dict[str, Any], meeting: Any, **kw: Any) -> Any:
    """The officer's security sign-off of the meeting's plan as written (MTG.SECURITY): the
    venue and its audio equipment inspected, wired microphones only; `kw` overrides."""
    from baomi.meetings import services

    args = {
        "actor": org["people"]["officer"],
        "meeting": meeting,
        "venue_inspection": "会场及音响设备已检查，无窃听装置",
        "microphones": "wired",
        "measures": "封闭管理，不与外宾共用会场，会前宣布保密纪律",
    }
    return services.sign_off_security(**{**args, **kw})


def approved_meeting(org: dict[str, Any], level: int = Level.TOP_SECRET, **kw: Any) -> Any:
    """A planned meeting, signed off by the officer where its level asks for it, approved by
    the leader."""
    from baomi.meetings import services
    from baomi.meetings.rules import signoff_level

    meeting = planned_meeting(org, level, **kw)
    if meeting.level >= signoff_level():
        signed_off(org, meeting)
    return services.approve_plan(actor=org["people"]["leader"], meeting=meeting)


# -- printing and copying ------------------------------------------------------------------------


def room_head(org: dict[str, Any]) -> Any:
    """A leader of the clerk's confidential room (made once, when the org has none yet)."""
    from baomi.people.models import Person

    room = org["people"]["clerk"].department
    found = Person.objects.holding(Post.LEADER, room.pk).first()
    return found or person("room_head", room, posts=(Post.LEADER,), tier=Tier.CORE)


def print_approved(
    org: dict[str, Any], count: int = 5, recipients: tuple[str, ...] = ("综合规划科",)
) -> Any:
    """The room head's approval of a print run's distribution (DOC.PRINT.SCOPE), asked for by
    the clerk: `count` formal copies to `recipients`."""
    from baomi.approvals.services import approve
    from baomi.ledger.services import ask_to_print

    head = room_head(org)
    asked = ask_to_print(
        actor=org["people"]["clerk"], summary="印制", count=count, recipients=recipients
    )
    return approve(actor=head, approval=asked)
