"""The cases of the pages, by URL name."""

from __future__ import annotations

from typing import Any

from .cases import Action, Case, List, Obj, Public, lacks, only
from .world import CLERK, World

PEOPLE = "people are the security administrator's"
#: a valid value of CLS.PERIOD.MAX's years, as the security administrator would set it
LIMITS = {"top_secret": 30, "secret": 10, "confidential": 10}
#: the organization's own citation of a clause, as the security administrator would set it
CITATION = {"zh_hans": "《本单位保密管理办法》第十二条", "en": "Our confidentiality rules, art. 12"}
AUDITOR_ONLY = {"outsider": 403, "sysadmin": 403, "secadmin": 403}
SECADMIN_ONLY = {"outsider": 403, "sysadmin": 403, "auditor": 403}


def _pk(key: str, **extra: Any) -> Any:
    return lambda w: {"pk": w.pk(key), **extra}


def _person(world: World, username: str) -> int:
    return world.people[username].pk


SHELL: dict[str, Case] = {
    "web:home": List(shows="dashboard"),
    "web:saved-views": Action(),
    "policy:rules": List(shows="catalog"),
    "policy:rule-parameter": Obj(
        None,
        insider="secadmin",
        kwargs=lambda w: {"rule_id": "CLS.PERIOD.MAX", "name": "max_years"},
        refused=SECADMIN_ONLY,
        why="parameters are the security administrator's to change",
    ),
    "policy:rule-citation": Obj(
        None,
        insider="secadmin",
        method="POST",
        kwargs=lambda w: {"rule_id": "DOC.STORE"},
        data=lambda w: {"zh_hans": CITATION["zh_hans"], "en": CITATION["en"], "reason": "x"},
        refused=SECADMIN_ONLY,
        why="an organization's citations are the security administrator's to change",
    ),
    "audit:log": List(
        shows="audit log", refused=only("auditor"), why="the audit log is the auditor's"
    ),
    "audit:sign-checkpoint": Action(),
    "audit:people": List(
        shows="suggestions",
        refused=only("auditor"),
        query={"q": "陈"},
        why="the log's name search is the auditor's",
    ),
    "audit:export": List(
        shows="export", refused=only("auditor"), why="the audit log is the auditor's"
    ),
    "people:login": Public(),
    "people:logout": Action(anonymous=302),
    "people:lock": List(shows="form"),
    "people:lock-now": Action(),
    "people:unlock": Action(),
    "people:activity": Action(),
    "people:password": List(shows="form"),
    "people:totp": List(shows="form"),
    "people:accounts": List(
        table=True,
        seen_by="sysadmin",
        refused=lacks("account.admin"),
        why="accounts are the system administrator's",
    ),
    "people:list": List(
        table=True,
        seen_by="secadmin",
        refused=lacks("person.manage"),
        why="people are the security administrator's",
    ),
    "people:new": List(
        shows="form", refused=lacks("person.manage"), why="people are the security administrator's"
    ),
    # the people picker: names only, for any signed-in person
    "people:autocomplete": List(shows="suggestions"),
    "people:edit": Obj(
        "insider_person",
        insider="secadmin",
        kwargs=lambda w: {"pk": _person(w, "sunli")},
        refused=SECADMIN_ONLY,
        why="people are the security administrator's",
    ),
    "set_language": Public(method="POST", anonymous=302, signed_in=302),
    "favicon": Public(anonymous=302, signed_in=302),
    "audit:checkpoint": Obj(
        "checkpoint", insider="auditor", refused=AUDITOR_ONLY, why="the audit log is the auditor's"
    ),
    "audit:proof": Obj(
        "checkpoint",
        insider="auditor",
        kwargs=lambda w: {"seq": w["checkpoint"].tree_size},
        refused=AUDITOR_ONLY,
        why="the audit log is the auditor's",
    ),
    "audit:proof-download": Obj(
        "checkpoint",
        insider="auditor",
        kwargs=lambda w: {"seq": w["checkpoint"].tree_size},
        refused=AUDITOR_ONLY,
        why="the audit log is the auditor's",
    ),
    "audit:checkpoint-download": Obj(
        "checkpoint", insider="auditor", refused=AUDITOR_ONLY, why="the audit log is the auditor's"
    ),
}


def _second_request(world: World) -> Any:
    """孙丽 asks her leader 徐军 for a second kind of approval, so his inbox lists two kinds."""
    from baomi.approvals.services import request_approval

    return request_approval(
        actor=world.people["sunli"],
        kind="copy.reproduce",
        summary="复印1份",
        subject=world["document"],
        payload={"count": 1},
    )


APPROVALS: dict[str, Case] = {
    "approvals:inbox": List(table=True, seen_by="xujun", more=_second_request),
    "approvals:detail": Obj("approval"),
    "approvals:approve": Obj("approval", method="POST", data=lambda w: {"comment": "同意"}),
    "approvals:reject": Obj("approval", method="POST", data=lambda w: {"comment": "不同意"}),
    "approvals:withdraw": Obj("approval", method="POST"),
    "approvals:decided": List(table=True, seen_by="chenmin"),
    "approvals:mine": List(table=True),
    "approvals:remind": Obj("approval", method="POST"),
}

LEDGER: dict[str, Case] = {
    "ledger:register": List(table=True),
    "ledger:cabinets": List(
        table=True,
        refused=lacks("cabinet.list"),
        why="the cabinets are for those who keep or oversee custody",
    ),
    "ledger:labels-picked": Action(),
    "ledger:document": Obj("document"),
    "ledger:new-incoming": List(shows="form"),
    "ledger:new-internal": List(shows="form"),
    "ledger:ask-print": List(shows="form"),
    "ledger:new-outgoing": List(shows="form"),
    "ledger:sign": Obj("document", method="POST"),
    "ledger:record-waste": Obj(
        "printed", method="POST", data=lambda w: {"kind": "spoiled", "sheets": 1, "note": "错页"}
    ),
    "ledger:destroy-waste": Obj(
        "waste", method="POST", data=lambda w: {"supervisor": _person(w, "wuhui")}
    ),
    "ledger:labels": Obj("document"),
    "ledger:batch-labels": List(shows="printable"),
    "ledger:route": Obj(
        "document", method="POST", data=lambda w: {"leader": _person(w, "zhangwei")}
    ),
    "ledger:ask": Obj(
        "document",
        method="POST",
        kwargs=_pk("document", what="scope"),
        data=lambda w: {"person": _person(w, "mazhiyuan"), "reason": "参与论证"},
    ),
    "ledger:apply": Obj(
        "document",
        method="POST",
        kwargs=lambda w: {"pk": w.pk("document"), "approval": w.pk("scope_request")},
    ),
    "ledger:upload": Obj("document", method="POST"),
    "ledger:download": Obj("attachment"),
    "ledger:consent-scan": Obj("consent"),
    "ledger:instruct": Obj(
        "instruction", insider="xujun", method="POST", data=lambda w: {"text": "阅"}
    ),
    "ledger:copy": Obj("copy"),
    "ledger:scan": List(shows="redirect", status=302),  # no label scanned: back to the register
    "ledger:export": List(shows="export"),
    "ledger:import": List(shows="form"),
    "ledger:import-template": List(shows="export", static=True),
    "ledger:register-export": List(shows="export"),  # each register: see VARIANTS
}


def _out_a_while(world: World) -> None:
    """Two more documents of 2025 (秘密 and 机密), each a copy of which was handed to the clerk
    to read, lent, carried out and sent three weeks ago: every workbench list has rows of two
    levels, past their time, due for archiving."""
    import datetime as dt

    from baomi.approvals.services import approve, request_approval
    from baomi.core import clock
    from baomi.flows import services as flows
    from tests.support.factories import register

    from .world import MOMENT

    p = world.people
    clerk, insider = p[CLERK], p["sunli"]
    then = MOMENT - dt.timedelta(days=21)
    with clock.use(lambda: then):
        for n, marking in ((3, "秘密★5年"), (4, "机密★10年")):
            document = register(
                world.org,
                title=f"2025年规划工作总结（{n}）",
                doc_number=f"规〔2025〕{n}号",
                issued_on=dt.date(2025, 12, n),
                marking=marking,
                copies=4,
            )
            first, lent, carried, sent = document.copies.order_by("copy_no")
            circulation = flows.start_circulation(actor=clerk, copy=first, readers=[clerk])
            flows.hand_to_reader(actor=clerk, circulation=circulation)
            asked = flows.ask_to_borrow(actor=insider, document=document, reason="借阅")
            approve(actor=p["chenmin"], approval=asked)
            flows.lend_copy(actor=clerk, copy=lent, borrower=insider)
            asked = request_approval(actor=insider, kind="copy.carry_out", summary="携带汇报")
            flows.carry_out(
                actor=clerk,
                copy=carried,
                person=insider,
                destination="市规划局",
                due_at=then + dt.timedelta(hours=6),
                approval=approve(actor=p["xujun"], approval=asked),
            )
            flows.send_copy(
                actor=clerk, copy=sent, channel=world["channel"], couriers=[clerk], recipient="市局"
            )


def _routed_a_while_ago(world: World) -> None:
    """A 秘密 document routed to 张伟 for instructions ten days ago: still unwritten, so
    overdue, beside the world's fresh one to 徐军."""
    import datetime as dt

    from baomi.core import clock
    from baomi.ledger.services import route_for_instructions
    from tests.support.factories import register

    from .world import MOMENT

    with clock.use(lambda: MOMENT - dt.timedelta(days=10)):
        document = register(
            world.org, title="规划科季度工作安排", doc_number="规〔2026〕7号", marking="秘密★5年"
        )
        route_for_instructions(
            actor=world.people[CLERK], document=document, leader=world.people["zhangwei"]
        )


def _second_volume(world: World) -> None:
    """A 秘密 document of 2025 archived into a volume of its own: the archive lists two volumes
    of two years and levels."""
    import datetime as dt

    from baomi.flows.services import archive_copies
    from tests.support.factories import register

    document = register(
        world.org,
        title="2025年规划科发文汇编",
        doc_number="规〔2025〕9号",
        issued_on=dt.date(2025, 6, 1),
        marking="秘密★5年",
        copies=1,
    )
    archive_copies(
        actor=world.people[CLERK],
        year=2025,
        title="2025年规划科发文",
        department=world["planning"],
        cabinet=world["cabinet"],
        copies=list(document.copies.all()),
    )


def _second_loss(world: World) -> None:
    """Copies of a 秘密 and a 机密 document known to the security office reported missing, the
    report to the authority made of one: the security office lists two losses."""
    from baomi.core.models import OrgUnit
    from baomi.flows.services import record_authority_report, report_lost
    from tests.support.factories import register

    office = OrgUnit.objects.get(name="保密办")
    for n, marking in ((3, "秘密★5年"), (4, "机密★10年")):
        document = register(
            world.org,
            title=f"规划科内部通报（{n}）",
            doc_number=f"规〔2026〕{n}号",
            marking=marking,
            copies=1,
            scope_departments=[world["planning"], office],
        )
        loss = report_lost(
            actor=world.people[CLERK], copy=document.copies.get(), circumstances="移交时缺失"
        )
    record_authority_report(
        actor=world.people["wuhui"],
        report=loss,
        authority="市国家保密局",
        reference="保报〔2026〕2号",
        reported_at=None,
    )


def _closed_yesterday(world: World) -> None:
    """The closing check of the evening before, signed off: the room has two days' sheets."""
    import datetime as dt

    from baomi.core import clock
    from baomi.flows.closing_checks import ClosingSheet
    from baomi.flows.services import check_custody_at_closing, sign_closing_sheet

    day = world["closing_sheet"].closing.day - dt.timedelta(days=1)
    with clock.use(lambda: clock.at(day, "19:00")):
        check_custody_at_closing()
        sheet = ClosingSheet.objects.get(
            closing__day=day, department=world["closing_sheet"].department
        )
        sign_closing_sheet(actor=world.people[CLERK], sheet=sheet, note="")


_DESTROY = {"method": "粉碎", "place": "机要室", "on_site": "1", "supervisors": "吴慧 陈敏"}

FLOWS: dict[str, Case] = {
    "flows:workbench": List(shows="desk"),
    # asked for nothing, it offers the meeting and department pickers; chosen, it is a sheet
    "flows:recall-sheet": List(
        shows="form",
        refused=lacks("custody.manage"),
        why="a recall list is the custody clerk's to take round",
    ),
    # each of the workbench's lists in full: see VARIANTS
    "flows:list": List(table=True, more=_out_a_while),
    "flows:scan": Action(),  # a scanned label: the copy's panel, or a copy out taken back
    "flows:lend": Action(),
    "flows:ask-to-borrow": Obj("document", method="POST", data=lambda w: {"reason": "查阅"}),
    "flows:circulate": Action(),
    "flows:report-lost": Action(),
    "flows:hand": Obj("circulation", method="POST"),
    "flows:take-back": Obj("circulation", method="POST"),
    "flows:sign": Obj("step", method="POST"),
    # the reader before the clerk: the outsider's wrong password never reaches the service
    "flows:sign-present": Obj(
        "step", insider=CLERK, method="POST", data=lambda w: {"secret": "not-the-password"}
    ),
    "flows:return-loan": Obj("loan", method="POST"),
    "flows:instructions": List(table=True, more=_routed_a_while_ago),
    "flows:instructions-carried-out": Obj(
        "instruction", method="POST", data=lambda w: {"text": "已落实"}
    ),
    "flows:send": Action(),
    "flows:deliver": Obj("transfer", method="POST", data=lambda w: {"signed_by": "王收文"}),
    "flows:carry-out": Action(),
    "flows:bring-back": Obj("carry_out", method="POST"),
    "flows:reproduce": Action(),
    "flows:archive": List(table=True, more=_second_volume),
    "flows:losses": List(
        table=True,
        seen_by="wuhui",
        more=_second_loss,
        refused=lacks("security.manage"),
        why="losses are the security office's",
    ),
    "flows:resolve-loss": Obj(
        "loss", method="POST", data=lambda w: {"outcome": "found", "note": "找到"}
    ),
    "flows:report-loss-to-authority": Obj(
        "loss",
        method="POST",
        data=lambda w: {"authority": "市国家保密局", "reference": "保报〔2026〕1号"},
    ),
    "flows:destruction": List(table=True),
    "flows:destroy-picked": Action(),
    "flows:destroy": Obj("batch", method="POST", data=lambda w: _DESTROY),
    "flows:certificate": Obj("destroyed"),
    "flows:closing-sheets": List(table=True, more=_closed_yesterday),
    "flows:closing-sheet": Obj("closing_sheet", insider=CLERK),
    "flows:sign-closing-sheet": Obj("closing_sheet", insider=CLERK, method="POST"),
    "flows:closing-sheet-pdf": Obj("closing_sheet", insider=CLERK),
    "flows:open-stocktake": Action(),
    "flows:stocktake": Obj("stocktake", insider=CLERK),
    "flows:close-stocktake": Obj("stocktake", insider=CLERK, method="POST"),
    "flows:open-handover": Action(),
    "flows:handover": Obj("handover"),
    "flows:sign-handover": Obj("handover", method="POST"),
    "flows:cancel-handover": Obj("handover", method="POST", data=lambda w: {"reason": "撤回"}),
}
#: the workbench's lists in full, one case each
FLOW_LISTS = (
    "to_sign",
    "circulations",
    "readers",
    "overdue_loans",
    "overdue_carry_outs",
    "in_transit",
    "carried_out",
    "loans",
    "outside",
    "archive_due",
    "held",
)

REVIEW: dict[str, Case] = {
    "review:manuscripts": List(table=True, seen_by="sunli"),
    "review:terms": List(
        table=True,
        seen_by="wuhui",
        refused=lacks("manuscript.review"),
        why="the term list is the reviewers'",
    ),
    "review:manuscript": Obj("manuscript"),
    "review:scan": Obj("manuscript", method="POST"),
    "review:refer": Obj(
        "manuscript", method="POST", data=lambda w: {"department": w.pk("planning")}
    ),
    "review:decide": Obj(
        "manuscript", method="POST", data=lambda w: {"verdict": "reject", "reasons": "不宜公开"}
    ),
    "review:redacted": Obj("redacted"),
    "review:redacted-docx": Obj("redacted"),
    "review:consent-scan": Obj("release_consent"),
    "review:sign": Obj(
        "referral", insider="linna", method="POST", data=lambda w: {"agreed": "1", "comment": ""}
    ),
}


def _off_the_desk(person: Any) -> bool:
    from baomi.telegrams.models import Telegram

    reported = Telegram.objects.filter(escalated_to=person, head_seen_at__isnull=True)
    return lacks("custody.manage")(person) and not reported.exists()


def _off_the_record(person: Any) -> bool:
    from baomi.telegrams.services import room_heads

    return lacks("custody.manage")(person) and person.pk not in {h.pk for h in room_heads()}


def _late_receipt(world: World) -> Any:
    """A receipt acknowledged twenty minutes late: an absence from post for each of the two
    people on duty when it fell due."""
    import datetime as dt

    import time_machine

    from baomi.telegrams.services import acknowledge_telegram
    from tests.support.factories import receive_telegram

    from .world import MOMENT

    with time_machine.travel(MOMENT - dt.timedelta(minutes=35), tick=False):
        telegram = receive_telegram(world.org, "省委办〔2026〕电95号")
    return acknowledge_telegram(actor=world.people[CLERK], telegram=telegram)


TELEGRAMS: dict[str, Case] = {
    "telegrams:desk": List(
        shows="desk",
        refused=_off_the_desk,
        why="the duty desk is the custody posts', and a head's for what was reported to them",
    ),
    "telegrams:telegrams": List(
        table=True,
        refused=lacks("custody.manage"),
        why="the telegram register is the confidential room's custody posts'",
    ),
    "telegrams:receive": Action(),
    "telegrams:acknowledge": Obj("telegram", insider=CLERK, method="POST"),
    "telegrams:seen": Obj("telegram", insider=CLERK, method="POST"),
    "telegrams:report": Obj(
        "telegram", insider=CLERK, method="POST", data=lambda w: {"leader": "陈敏"}
    ),
    "telegrams:complete": Obj(
        "telegram", insider=CLERK, method="POST", data=lambda w: {"outcome": "已办"}
    ),
    "telegrams:reply": Obj(
        "telegram",
        insider=CLERK,
        method="POST",
        data=lambda w: {"number": "复〔2026〕1号", "traffic": "cipher", "level": "3"},
    ),
    "telegrams:assign": Action(),
    "telegrams:hand-over": Action(),
    "telegrams:sign": Obj("duty_handover", insider=CLERK, method="POST"),
    "telegrams:take-over": Action(),
    "telegrams:take-charge": Obj("telegram", insider=CLERK, method="POST"),
    "telegrams:send": Action(),
    "telegrams:register-export": List(
        shows="export",
        kwargs={"fmt": "xlsx"},
        refused=lacks("custody.manage"),
        why="the telegram register is the confidential room's custody posts'",
    ),
    "telegrams:absences": List(
        table=True,
        more=_late_receipt,
        refused=_off_the_record,
        why="the duty record is the custody posts' and the room's heads'",
    ),
    "telegrams:record": List(
        shows="summary",
        refused=_off_the_record,
        why="the duty record is the custody posts' and the room's heads'",
    ),
}

_MEETING_POSTS: dict[str, dict[str, Any]] = {
    "meetings:plan": {"plan": "改期", "recording_planned": "1"},
    "meetings:sign-off": {
        "venue_inspection": "会场已检查",
        "microphones": "wired",
        "measures": "封闭管理",
    },
    "meetings:approve": {},
    "meetings:add": {"people": "马志远", "role": "attendee"},
    "meetings:check-in": {"name": "孙丽"},
    "meetings:open": {},
    "meetings:discipline": {"announced_by": "孙丽"},
    "meetings:document": {"title": "补充材料", "marking": "机密★1年"},
    "meetings:hand-out": {"code": "", "person": "孙丽"},
    "meetings:collect": {"code": ""},
    "meetings:venue-check": {"checked_by": "吴慧", "places": "会场、住地", "papers_found": "0"},
    "meetings:report-missing": {"code": "", "circumstances": "会后未交回"},
    "meetings:session": {"step": "close"},
    "meetings:record": {"title": "录音", "marking": "机密★1年"},
    "meetings:relay": {"unit": ""},
    "meetings:news": {"title": "新闻稿", "text": "会议召开。"},
}


def _meeting_post(data: dict[str, Any]) -> Obj:
    def body(world: World) -> dict[str, Any]:
        filled = dict(data)
        if "code" in filled:
            filled["code"] = world["meeting_copy"].scan_code
        if "unit" in filled:
            filled["unit"] = world.pk("planning")
        return filled

    return Obj("meeting", method="POST", data=body)


def _second_meeting(world: World) -> Any:
    import datetime as dt

    from baomi.core.levels import Level
    from tests.support.factories import planned_meeting

    from .world import MOMENT

    when = MOMENT + dt.timedelta(days=5)
    return planned_meeting(world.org, Level.CONFIDENTIAL, title="年度工作务虚会", starts_at=when)


MEETINGS: dict[str, Case] = {
    "meetings:meetings": List(table=True, more=_second_meeting),
    "meetings:meeting": Obj("meeting"),
    **{name: _meeting_post(data) for name, data in _MEETING_POSTS.items()},
}

CASES: dict[str, Case] = {
    **SHELL,
    **APPROVALS,
    **LEDGER,
    **FLOWS,
    **REVIEW,
    **TELEGRAMS,
    **MEETINGS,
}

#: routes tried more than one way: URL name -> the variants' URL arguments
VARIANTS: dict[str, list[dict[str, Any]]] = {
    "audit:export": [{"fmt": "xlsx"}, {"fmt": "csv"}],
    "flows:list": [{"kind": kind} for kind in FLOW_LISTS],
    "ledger:register-export": [
        {"register": register, "fmt": "xlsx"} for register in ("incoming", "outgoing", "carriers")
    ],
}
