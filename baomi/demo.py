"""The demo organization: a municipal development and reform commission with its departments,
about 25 people across posts and tiers, the three separated administrators and the secure
cabinets. Everything is created through the services, so the demo's own actions are in the
audit log like any other."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from baomi.approvals.services import approve, request_approval
from baomi.core.levels import Tier
from baomi.core.models import OrgUnit
from baomi.core.services import create_org_unit
from baomi.ledger.models import Cabinet
from baomi.ledger.services import (
    ask_to_print,
    create_cabinet,
    record_print_waste,
    register_incoming,
    register_internal,
    register_outgoing,
    route_for_instructions,
)
from baomi.people.models import AdminRole, Person, Post
from baomi.people.services import create_person

DEMO_PASSWORD = "Baomi-demo-2026"  # printed for the demo; never used outside it
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

# username, full name, department (None: the bureau itself), posts, tier
PEOPLE: list[tuple[str, str, str | None, tuple[str, ...], str]] = [
    ("zhangwei", "张伟", None, (Post.LEADER,), Tier.CORE),
    ("liuyang", "刘洋", None, (Post.LEADER,), Tier.CORE),
    ("wangfang", "王芳", "办公室", (Post.LEADER,), Tier.IMPORTANT),
    ("lijing", "李静", "办公室", (Post.SECRETARY,), Tier.IMPORTANT),
    ("zhaolei", "赵磊", "办公室", (Post.PRINT_ROOM,), Tier.IMPORTANT),
    ("chenmin", "陈敏", "机要室", (Post.LEADER, Post.CLERK), Tier.CORE),
    ("yangxue", "杨雪", "机要室", (Post.CLERK,), Tier.CORE),
    ("huangtao", "黄涛", "机要室", (Post.RECEIPT_DESK,), Tier.CORE),
    ("zhouqiang", "周强", "保密办", (Post.LEADER, Post.SECURITY_OFFICER), Tier.CORE),
    ("wuhui", "吴慧", "保密办", (Post.SECURITY_OFFICER,), Tier.IMPORTANT),
    ("xujun", "徐军", "综合规划科", (Post.LEADER,), Tier.IMPORTANT),
    ("sunli", "孙丽", "综合规划科", (Post.STAFF,), Tier.IMPORTANT),
    ("mazhiyuan", "马志远", "综合规划科", (Post.STAFF,), Tier.GENERAL),
    ("zhuting", "朱婷", "综合规划科", (Post.SECRETARY,), Tier.GENERAL),
    ("hujianguo", "胡建国", "财务审计科", (Post.LEADER,), Tier.IMPORTANT),
    ("guoxiaohong", "郭晓红", "财务审计科", (Post.STAFF,), Tier.GENERAL),
    ("heping", "何平", "财务审计科", (Post.STAFF,), Tier.GENERAL),
    ("linna", "林娜", "人事科", (Post.LEADER,), Tier.IMPORTANT),
    ("luobin", "罗斌", "人事科", (Post.STAFF,), Tier.GENERAL),
    ("liangchen", "梁晨", "信息中心", (Post.LEADER, Post.COMPUTER_POST), Tier.IMPORTANT),
    ("songyu", "宋宇", "信息中心", (Post.COMPUTER_POST,), Tier.GENERAL),
    ("tangjia", "唐佳", "信息中心", (Post.STAFF,), Tier.NONE),
]

ADMINISTRATORS = [
    ("sysadmin", "郑系统", AdminRole.SYSTEM),
    ("secadmin", "冯安全", AdminRole.SECURITY),
    ("auditor", "韩审计", AdminRole.AUDITOR),
]

# code, name, department, custodian, location, for classified items
CABINETS = [
    ("JYS-01", "机要室一号保密柜", "机要室", "yangxue", "机关大楼三层机要室", True),
    ("JYS-02", "机要室二号保密柜（绝密）", "机要室", "chenmin", "机关大楼三层机要室", True),
    ("ZHGH-01", "综合规划科保密柜", "综合规划科", "zhuting", "机关大楼五层", True),
    ("CWSJ-01", "财务审计科保密柜", "财务审计科", "guoxiaohong", "机关大楼四层", True),
    ("BMB-01", "保密办保密柜", "保密办", "wuhui", "机关大楼三层保密办", True),
    ("BGS-01", "办公室普通文件柜", "办公室", "lijing", "机关大楼二层", False),
]


# incoming documents: title, number, issuer, marking, copies, departments in scope, routed to
DOCUMENTS = [
    (
        "关于2027年重大项目布局的请示",
        "示政办〔2026〕12号",
        "市人民政府办公室",
        "机密★10年",
        3,
        ["综合规划科"],
        "zhangwei",
    ),
    (
        "2027年度财政预算编制方案",
        "示财预〔2026〕45号",
        "市财政局",
        "秘密★5年",
        2,
        ["财务审计科"],
        "liuyang",
    ),
    ("关于干部调整的通知", "示组通〔2026〕8号", "市委组织部", "秘密★6个月", 1, ["人事科"], ""),
    ("重大产业布局决策意见", "示委发〔2026〕3号", "市委", "绝密★30年", 1, [], "zhangwei"),
]

# requests waiting in the leaders' inboxes: requester, kind, summary
PENDING_REQUESTS = [
    ("sunli", "copy.carry_out", "携带第000003份至市政府参加规划协调会，当日带回"),
    ("guoxiaohong", "copy.reproduce", "复印年度预算执行情况报告2份，供审计组使用"),
]


@dataclass(frozen=True)
class Login:
    username: str
    full_name: str
    role: str


def load_demo() -> list[Login]:
    """Create the demo organization if the database is empty; return the demo logins
    (empty when the organization already exists)."""
    if OrgUnit.objects.exists():
        return []
    root = create_org_unit(actor=None, name=BUREAU, code="FGW", kind=OrgUnit.Kind.ORGANIZATION)
    units = {
        name: create_org_unit(actor=None, name=name, parent=root, code=code, kind=kind)
        for name, code, kind in DEPARTMENTS
    }
    logins = []
    for username, full_name, role in ADMINISTRATORS:
        create_person(
            actor=None,
            username=username,
            full_name=full_name,
            password=DEMO_PASSWORD,
            admin_role=role,
            must_change_password=False,
        )
        logins.append(Login(username, full_name, str(AdminRole(role).label)))
    for username, full_name, unit, posts, tier in PEOPLE:
        create_person(
            actor=None,
            username=username,
            full_name=full_name,
            password=DEMO_PASSWORD,
            department=units[unit] if unit else root,
            posts=posts,
            tier=tier,
            must_change_password=False,
        )
        labels = "、".join(str(Post(p).label) for p in posts)
        logins.append(Login(username, full_name, f"{unit or BUREAU} {labels}"))
    people = {p.username: p for p in Person.objects.all()}
    for code, name, unit, custodian, location, classified in CABINETS:
        create_cabinet(
            actor=None,
            name=name,
            code=code,
            department=units[unit],
            custodian=people[custodian],
            location=location,
            for_classified=classified,
        )
    for username, kind, summary in PENDING_REQUESTS:
        request_approval(actor=people[username], kind=kind, summary=summary)
    _load_documents(people, units)
    _load_desks(people)
    return logins


def _load_documents(people: dict[str, Person], units: dict[str, OrgUnit]) -> None:
    cabinets = {c.code: c for c in Cabinet.objects.all()}
    clerk = people["yangxue"]
    for title, number, issuer, marking, copies, scope, leader in DOCUMENTS:
        document = register_incoming(
            actor=clerk,
            title=title,
            doc_number=number,
            issuer=issuer,
            issued_on=dt.date(2026, 11, 3),
            marking=marking,
            copies=copies,
            cabinet=cabinets["JYS-02" if marking.startswith("绝密") else "JYS-01"],
            scope_departments=[units[name] for name in scope],
        )
        if leader:
            route_for_instructions(actor=clerk, document=document, leader=people[leader])
    common: dict[str, Any] = {
        "actor": clerk,
        "issuer": BUREAU,
        "issued_on": dt.date(2026, 11, 12),
        "cabinet": cabinets["JYS-01"],
        "scope_departments": [units["综合规划科"], units["办公室"]],
    }
    # the head of the confidential room approves the run's distribution (DOC.PRINT.SCOPE)
    distribution = ask_to_print(
        actor=clerk,
        summary="2027年度重点工作安排征求意见稿印制",
        count=6,
        recipients=["综合规划科", "办公室", "财务审计科", "人事科", "信息中心", "存档"],
    )
    approve(actor=people["chenmin"], approval=distribution)
    plan = register_internal(
        title="2027年度重点工作安排（征求意见稿）",
        doc_number="发改办〔2026〕41号",
        marking="秘密★1年",
        approval=distribution,
        copies=6,
        drafts=1,
        proofs=1,
        **common,
    )
    record_print_waste(actor=clerk, document=plan, kind="spoiled", sheets=3, note="装订错页")
    register_outgoing(
        title="关于报送2027年重大项目储备清单的函",
        doc_number="发改函〔2026〕58号",
        marking="秘密★5年",
        copies=3,
        recipients=["市财政局", "市统计局", "市审计局"],
        **common,
    )
    # a personal item for the director, signed for by the receipt desk: shut until he signs
    register_incoming(
        actor=people["huangtao"],
        title="关于干部考察有关情况的通报",
        doc_number="市委组〔2026〕9号",
        issuer="市委组织部",
        issued_on=dt.date(2026, 11, 14),
        marking="机密★10年",
        copies=1,
        cabinet=cabinets["JYS-01"],
        addressee=people["zhangwei"],
    )


def _load_desks(people: dict[str, Person]) -> None:
    """The review desk's term list, the duty roster from today, and a telegram on its clocks."""
    from baomi.core import clock
    from baomi.core.levels import Urgency
    from baomi.review.services import add_sensitive_term
    from baomi.telegrams.services import assign_duty, duty_day, register_telegram

    reviewer, clerk = people["wuhui"], people["yangxue"]
    add_sensitive_term(actor=reviewer, text="高新区扩区方案", kind="unpublished", note="尚未公布")
    add_sensitive_term(actor=reviewer, text="内部测算数据", kind="sensitive")
    today = duty_day(clock.now())
    for offset in range(7):
        first, second = (
            (clerk, people["huangtao"]) if offset % 2 == 0 else (people["huangtao"], clerk)
        )
        assign_duty(
            actor=clerk, day=today + dt.timedelta(days=offset), primary=first, secondary=second
        )
    register_telegram(
        actor=clerk,
        number="省委办〔2026〕电87号",
        traffic="cipher",
        urgency=Urgency.URGENT,
        correspondent="省委办公厅",
        subject="关于做好岁末年初安全稳定工作的通知",
        cabinet=Cabinet.objects.get(code="JYS-01"),
        marking="秘密★6个月",
    )
