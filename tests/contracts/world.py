"""The data the route contract is tried on: the demo organization, and one object of every
kind a route can name, each built through its service (so each step is audited as in use).

Most objects concern one document of planning (综合规划科), 机密, whose copies each go one way:
circulated, lent, sent, carried out, reported lost, listed for destruction, destroyed, archived.
Inside: 孙丽 (sunli, planning staff, important tier). Outside: 何平 (heping, finance staff,
general tier), who may know none of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from baomi.core import clock
from baomi.core.levels import Level, Urgency
from baomi.people.models import Person

#: when the contract runs: a Tuesday morning, after everything the demo dates
MOMENT = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))

#: the main document's title; each title below is unique and no title contains another, so a
#: title found in a page is that document's
TITLE = "高新区选址比选报告"
TITLES = {
    "waste": "规划科年度印制工作方案",
    "meeting": "重点片区规划专题会",
    "meeting_document": "专题会议讨论材料",
    "manuscript": "规划科工作动态新闻稿",
    "redacted": "规划科调研情况稿件",
    "telegram": "关于加强节日值守的通知",
}

INSIDER = "sunli"
OUTSIDER = "heping"
CLERK = "yangxue"


@dataclass
class World:
    people: dict[str, Person]
    #: the demo's people, cabinet and planning department in the shape the shared factories
    #: take (tests.support.factories: the clerk registers, the officer leads security)
    org: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    #: a signed-in session of each person, made once: a test's client resumes it
    sessions: dict[str, str] = field(default_factory=dict)
    _hidden: dict[str, list[str]] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.objects[key]

    def pk(self, key: str) -> int:
        return self.objects[key].pk

    def hidden(self, person: Person) -> list[str]:
        """The titles of documents, meetings and manuscripts this person may not know of (the
        same in every test: each test's changes are rolled back)."""
        if person.username not in self._hidden:
            self._hidden[person.username] = _hidden_titles(person)
        return self._hidden[person.username]


def _hidden_titles(person: Person) -> list[str]:
    from baomi.ledger.models import Document
    from baomi.meetings.models import Meeting
    from baomi.review.models import Manuscript
    from baomi.review.services import visible_manuscripts

    documents = Document.objects.exclude(pk__in=Document.objects.visible_to(person).values("pk"))
    meetings = Meeting.objects.exclude(pk__in=Meeting.objects.visible_to(person).values("pk"))
    manuscripts = Manuscript.objects.exclude(pk__in=visible_manuscripts(person).values("pk"))
    return sorted(
        {
            *documents.values_list("title", flat=True),
            *meetings.values_list("title", flat=True),
            *manuscripts.values_list("title", flat=True),
        }
    )


def _session(person: Person) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(person)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def build_world() -> World:
    """Load the demo and add the objects; the caller has the clock stand at MOMENT."""
    from baomi.demo import load_demo

    load_demo()
    from baomi.core.models import OrgUnit
    from baomi.ledger.models import Cabinet

    people = {p.username: p for p in Person.objects.all()}
    org = {
        "people": {"clerk": people[CLERK], "officer": people["wuhui"], "leader": people["xujun"]},
        "cabinet": Cabinet.objects.get(code="JYS-01"),
        "units": {"planning": OrgUnit.objects.get(name="综合规划科")},
    }
    world = World(people=people, org=org)
    _ledger(world)
    _flows(world)
    _approvals(world)
    _desks(world)
    _meeting(world)
    _audit(world)
    world.sessions = {username: _session(p) for username, p in world.people.items()}
    return world


def _ledger(world: World) -> None:
    from baomi.approvals.services import approve
    from baomi.ledger.services import (
        ask_to_print,
        attach_content,
        record_print_waste,
        register_internal,
        route_for_instructions,
    )
    from tests.support.factories import register

    p = world.people
    planning, cabinet = world.org["units"]["planning"], world.org["cabinet"]
    # 机密★10年, planning in scope, in the room's first cabinet
    document = register(
        world.org,
        title=TITLE,
        doc_number="规〔2026〕1号",
        issued_on=dt.date(2026, 11, 16),
        copies=9,
    )
    distribution = ask_to_print(
        actor=p[CLERK], summary="印制规〔2026〕2号", count=2, recipients=["综合规划科", "存档"]
    )
    approve(actor=p["chenmin"], approval=distribution)
    printed = register_internal(
        actor=p[CLERK],
        title=TITLES["waste"],
        doc_number="规〔2026〕2号",
        issuer="示范市发展和改革委员会",
        issued_on=dt.date(2026, 11, 16),
        marking="秘密★1年",
        approval=distribution,
        copies=2,
        cabinet=cabinet,
        scope_departments=[planning],
    )
    world.objects |= {
        "consent": _consent(world, printed),
        "planning": planning,
        "cabinet": cabinet,
        "document": document,
        "copies": list(document.copies.order_by("copy_no")),
        "copy": document.copies.get(copy_no=9),  # stays in its cabinet
        "insider_person": p[INSIDER],
        "printed": printed,
        "waste": record_print_waste(actor=p[CLERK], document=printed, kind="spoiled", sheets=2),
        "instruction": route_for_instructions(actor=p[CLERK], document=document, leader=p["xujun"]),
        "attachment": attach_content(
            actor=p[CLERK], document=document, name="报告.txt", data="选址比选报告正文".encode()
        ),
    }


def _letter(issuer: str, reference: str) -> Any:
    """A consent letter of 16 November 2026 with a scan."""
    import io

    from PIL import Image

    from baomi.ledger.consent import letter

    scan = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(scan, format="PNG")
    return letter(
        issuer=issuer,
        reference=reference,
        given_on=dt.date(2026, 11, 16),
        scan=scan.getvalue(),
        scan_name="同意函.png",
    )


def _consent(world: World, document: Any) -> Any:
    """A copy of the printed document made on its issuer's letter, whose scan is kept."""
    from baomi.approvals.services import approve, request_approval
    from baomi.flows.services import reproduce_copies

    p = world.people
    asked = request_approval(
        actor=p[CLERK],
        kind="copy.reproduce",
        summary="复印1份",
        subject=document,
        payload={"count": 1},
    )
    reproduce_copies(
        actor=p[CLERK],
        document=document,
        count=1,
        cabinet=world.org["cabinet"],
        approval=approve(actor=p["chenmin"], approval=asked),
        consent=_letter("示范市发展和改革委员会", "示发改函〔2026〕3号"),
    )
    return document.consents.get()


def _flows(world: World) -> None:
    from baomi.approvals.services import approve, request_approval
    from baomi.flows import services as flows

    p, copies = world.people, world["copies"]
    clerk, insider, leader = p[CLERK], p[INSIDER], p["xujun"]
    circulation = flows.start_circulation(actor=clerk, copy=copies[0], readers=[insider])
    step = flows.hand_to_reader(actor=clerk, circulation=circulation)
    # the head of the confidential room approves 孙丽's loan (DOC.LOAN.APPROVAL)
    asked = flows.ask_to_borrow(actor=insider, document=world["document"], reason="借阅比选报告")
    approve(actor=p["chenmin"], approval=asked)
    loan = flows.lend_copy(actor=clerk, copy=copies[1], borrower=insider)
    channel = flows.create_channel(
        actor=p["zhouqiang"], name="机要交通", kind="courier", max_level=Level.TOP_SECRET
    )
    transfer = flows.send_copy(
        actor=clerk, copy=copies[2], channel=channel, couriers=[clerk], recipient="市财政局"
    )
    asked = request_approval(actor=insider, kind="copy.carry_out", summary="携带参加协调会")
    carry_out = flows.carry_out(
        actor=clerk,
        copy=copies[3],
        person=insider,
        destination="市政府规划协调会",
        due_at=clock.now() + dt.timedelta(hours=6),
        approval=approve(actor=leader, approval=asked),
    )
    loss = flows.report_lost(actor=clerk, copy=copies[4], circumstances="清点时未找到")
    listed = flows.list_for_destruction(actor=clerk, copies=[copies[5]])
    destroyed = flows.list_for_destruction(actor=clerk, copies=[copies[6]])
    asked = request_approval(actor=clerk, kind="copy.destroy", summary="销毁过期文件")
    flows.destroy_batch(
        actor=clerk,
        batch=destroyed,
        method="粉碎",
        place="机要室",
        on_site=True,
        supervisors=[p["wuhui"], p["chenmin"]],
        approval=approve(actor=p["chenmin"], approval=asked),
    )
    volume = flows.archive_copies(
        actor=clerk,
        year=2026,
        title="2026年规划科收文",
        department=world["planning"],
        cabinet=world["cabinet"],
        copies=[copies[7]],
    )
    world.objects |= {
        "circulation": circulation,
        "step": step,
        "loan": loan,
        "channel": channel,
        "transfer": transfer,
        "carry_out": carry_out,
        "loss": loss,
        "batch": listed,
        "destroyed": destroyed,
        "volume": volume,
        "stocktake": flows.open_stocktake(actor=clerk, cabinet=world["cabinet"]),
        # 孙丽 holds the lent copy: her list goes to her leader
        "handover": flows.open_handover(actor=clerk, person=insider, receiver=leader),
    }
    # that evening's closing check finds the copies in hand: the room's sheet for its clerks
    evening = clock.at(clock.today(), "19:00")
    with clock.use(lambda: evening):
        flows.check_custody_at_closing()
    world.objects["closing_sheet"] = _room_sheet(world)


def _room_sheet(world: World) -> Any:
    from baomi.flows.models import ClosingSheet

    return ClosingSheet.objects.get(department=world["document"].department)


def _approvals(world: World) -> None:
    from baomi.approvals.models import Approval
    from baomi.ledger.services import ask_to_widen_scope

    p = world.people
    world.objects["approval"] = Approval.objects.get(
        requester=p[INSIDER], kind="copy.carry_out", state=Approval.State.PENDING
    )
    world.objects["scope_request"] = ask_to_widen_scope(
        actor=p[INSIDER], document=world["document"], person=p["mazhiyuan"], reason="参与选址论证"
    )


def _docx(text: str) -> bytes:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _desks(world: World) -> None:
    from baomi.review import services as review
    from baomi.telegrams import services as telegrams
    from tests.support.factories import receive_telegram

    p = world.people
    reviewer = p["wuhui"]
    manuscript = review.submit_manuscript(
        actor=p[INSIDER], title=TITLES["manuscript"], kind="text", text="本报讯 规划科召开会议。"
    )
    referral = review.refer_manuscript(
        actor=reviewer, manuscript=manuscript, department=p["linna"].department
    )
    cut = review.submit_manuscript(  # a DOCX, so that both redacted downloads exist
        actor=p[INSIDER],
        title=TITLES["redacted"],
        kind="text",
        data=_docx("会上通报了高新区扩区方案。"),
        file_name="调研情况.docx",
    )
    review.decide_manuscript(
        actor=reviewer,
        manuscript=cut,
        verdict="redact",
        reasons="尚未公布",
        redactions=[[f.start, f.end] for f in cut.findings.all()],
        consent=_letter("示范市发展和改革委员会", "示发改函〔2026〕4号"),
    )
    telegram = receive_telegram(
        world.org,
        "省委办〔2026〕电91号",
        Urgency.URGENT,
        subject=TITLES["telegram"],
        marking="机密★6个月",
    )
    world.objects |= {
        "manuscript": manuscript,
        "referral": referral,
        "redacted": cut,
        "release_consent": cut.consents.get(),
        "telegram": telegram,
        "duty_handover": telegrams.hand_over_duty(actor=p[CLERK], taken_by=p["huangtao"]),
    }


def _meeting(world: World) -> None:
    from baomi.meetings import services as meetings
    from tests.support.factories import planned_meeting

    p = world.people
    clerk = p[CLERK]
    # planned by the clerk, 吴慧 its security lead, relayed to planning
    meeting = planned_meeting(
        world.org,
        Level.SECRET,
        title=TITLES["meeting"],
        starts_at=MOMENT + dt.timedelta(days=2),
    )
    meetings.add_participant(actor=clerk, meeting=meeting, person=p[INSIDER], role="attendee")
    item = meetings.register_meeting_document(
        actor=clerk, meeting=meeting, title=TITLES["meeting_document"], marking="机密★1年"
    )
    world.objects["meeting"] = meeting
    world.objects["meeting_copy"] = item.document.copies.first()


def _audit(world: World) -> None:
    from baomi.audit.checkpoints import sign_checkpoint
    from baomi.audit.models import AuditEvent, Checkpoint

    signed = sign_checkpoint(actor=world.people["auditor"])
    world.objects["checkpoint"] = Checkpoint.objects.get(tree_size=signed.tree_size)
    world.objects["event"] = AuditEvent.objects.order_by("-seq").first()
