"""The cases of the REST API under /api/v1/, by URL name."""

from __future__ import annotations

from typing import Any

from .cases import Action, Case, List, Obj, Public, lacks, only
from .pages import CITATION, LIMITS
from .world import CLERK, World

AUDITOR_ONLY = {"outsider": 403, "sysadmin": 403, "secadmin": 403}
SECADMIN_ONLY = {"outsider": 403, "sysadmin": 403, "auditor": 403}
#: the duty desk (custody.manage) refuses whoever does not keep custody, as a whole
DESK = {"outsider": 403, "sysadmin": 403, "secadmin": 403, "auditor": 403}


def _person(world: World, username: str) -> int:
    return world.people[username].pk


# -- what each list may show: the person's rows, from the model's own declaration when it has
# one (`visible_to`), otherwise as the contract states it (through the document the rows reach,
# or the rows that name the person)


def _rows(model: str, fallback: Any = None) -> Any:
    def rows(person: Any) -> Any:
        from django.apps import apps

        found = apps.get_model(model)
        if hasattr(found.objects, "visible_to"):
            return found.objects.visible_to(person)
        assert fallback is not None, f"{model} declares no visibility and its case states none"
        return fallback(found, person)

    return rows


def _through(model: str, path: str) -> Any:
    def fallback(found: Any, person: Any) -> Any:
        from baomi.ledger.models import visible

        if person.admin_role:
            return found.objects.none()
        return found.objects.filter(visible(person, path))

    return _rows(model, fallback)


def _open_instructions(person: Any) -> Any:
    """The instructions not yet carried out: all of them for the routing posts, a leader's own."""
    from baomi.flows.services import open_instructions

    return open_instructions(person)


def _wholly(model: str, path: str) -> Any:
    """Rows every document of which (through `path`) the person may know of."""

    def fallback(found: Any, person: Any) -> Any:
        from baomi.ledger.models import Document, visible

        hidden = Document.objects.exclude(visible(person))
        return found.objects.exclude(**{f"{path}__in": hidden}).filter(**{f"{path}__isnull": False})

    return _rows(model, fallback)


def _own(model: str, *fields: str) -> Any:
    """Rows naming the person in one of `fields` (lists of one's own: stocktakes, handovers)."""

    def fallback(found: Any, person: Any) -> Any:
        from django.db.models import Q

        mine = Q(pk__in=[])
        for name in fields:
            mine |= Q(**{name: person})
        return found.objects.filter(mine)

    return _rows(model, fallback)


def _everything(model: str) -> Any:
    """A list holding nothing secret (channels, the roster): every row, to whoever is let in."""
    return _rows(model, lambda found, person: found.objects.all())


def _people(person: Any) -> Any:
    from baomi.people.models import Person

    if lacks("person.manage")(person):
        return Person.objects.filter(pk=person.pk)
    return Person.objects.all()


def _rules(person: Any) -> Any:
    from baomi.policy.catalog import catalog

    return set(catalog())


def _due(person: Any) -> Any:
    from baomi.flows.services import due_for_archiving

    return due_for_archiving(person)


LISTS: dict[str, Case] = {
    "api-root": List(),
    "api-schema": List(static=True),
    "api-docs": List(static=True),
    "person-list": List(rows=_people, seen_by="secadmin"),
    "person-me": List(rows=_people),
    "rule-list": List(rows=_rules, seen_by="heping"),
    "audit-event-list": List(
        rows=_everything("audit.AuditEvent"),
        id_field="seq",
        refused=only("auditor"),
        why="the audit log is the auditor's",
        seen_by="auditor",
    ),
    "checkpoint-list": List(
        rows=_everything("audit.Checkpoint"),
        refused=only("auditor"),
        why="the audit log is the auditor's",
        seen_by="auditor",
    ),
    "approval-list": List(rows=_rows("approvals.Approval"), seen_by="xujun"),
    "document-list": List(rows=_through("ledger.Document", ""), seen_by="sunli"),
    "document-export": List(query={"register": "carriers", "format": "xlsx"}),
    "document-import": Action(),
    "document-print-requests": Action(),
    "circulation-list": List(rows=_through("flows.Circulation", "copy__document"), seen_by="sunli"),
    "loan-list": List(rows=_through("flows.Loan", "copy__document"), seen_by="sunli"),
    "loan-requests": Action(),
    "instruction-list": List(rows=_open_instructions, seen_by=CLERK),
    "loss-report-list": List(rows=_through("flows.LossReport", "copy__document"), seen_by="sunli"),
    "channel-list": List(rows=_everything("flows.Channel"), seen_by="heping"),
    "transfer-list": List(rows=_through("flows.Transfer", "copy__document"), seen_by="sunli"),
    "carry-out-list": List(rows=_through("flows.CarryOut", "copy__document"), seen_by="sunli"),
    "handover-list": List(
        rows=_own("flows.Handover", "person", "receiver", "opened_by"), seen_by="sunli"
    ),
    "destruction-batch-list": List(
        rows=_wholly("flows.DestructionBatch", "items__copy__document"), seen_by="sunli"
    ),
    "stocktake-list": List(rows=_own("flows.Stocktake", "opened_by"), seen_by=CLERK),
    "archive-volume-list": List(
        rows=_wholly("flows.ArchiveVolume", "copies__document"), seen_by="sunli"
    ),
    "archive-volume-due": List(rows=_due),
    "manuscript-list": List(rows=_rows("review.Manuscript"), seen_by="sunli"),
    "telegram-list": List(rows=_rows("telegrams.Telegram"), seen_by=CLERK),
    "telegram-send": Action(),
    "duty-shift-list": List(
        rows=_everything("telegrams.DutyShift"),
        refused=lacks("custody.manage"),
        why="the duty desk is the custody posts'",
        seen_by=CLERK,
    ),
    "duty-handover-list": List(
        rows=_everything("telegrams.DutyHandover"),
        refused=lacks("custody.manage"),
        why="the duty desk is the custody posts'",
        seen_by=CLERK,
    ),
    "api-duty-board": List(
        rows=_rows("telegrams.Telegram"),
        id_field="telegram",
        refused=lacks("custody.manage"),
        why="the duty desk is the custody posts'",
        seen_by=CLERK,
    ),
    "meeting-list": List(rows=_rows("meetings.Meeting"), seen_by="sunli"),
    "api-token": Public(method="POST", anonymous=400, signed_in=400),
    "api-reproduce": Action(),
}

_DESTROY = {"method": "粉碎", "place": "机要室", "on_site": True}


def _post(obj: str, data: Any = None, **kw: Any) -> Obj:
    return Obj(obj, method="POST", data=data or (lambda w: {}), **kw)


DOCUMENTS: dict[str, Case] = {
    "document-detail": Obj("document"),
    "document-apply": _post("document", lambda w: {"approval": w.pk("scope_request")}),
    "document-change-requests": _post(
        "document", lambda w: {"change": "declassify", "reason": "已公开"}
    ),
    "document-content": _post("document"),
    "document-instructions": _post("document", lambda w: {"text": "阅"}),
    "document-print-waste": _post("printed", lambda w: {"kind": "spoiled", "sheets": 1}),
    "document-route": _post("document", lambda w: {"leader": _person(w, "zhangwei")}),
    "document-scope-requests": _post(
        "document", lambda w: {"person": _person(w, "mazhiyuan"), "reason": "参与论证"}
    ),
    "document-sign": _post("document"),
    "copy-detail": Obj("copy"),
    "attachment-content": Obj("attachment"),
    "print-waste-destroy": _post("waste", lambda w: {"supervisor": _person(w, "wuhui")}),
}

FLOWS: dict[str, Case] = {
    "circulation-detail": Obj("circulation"),
    "circulation-hand": _post("circulation"),
    "circulation-take-back": _post("circulation"),
    "circulation-step-sign": _post("step"),
    "loan-detail": Obj("loan"),
    "instruction-detail": Obj("instruction"),
    "instruction-carried-out": _post("instruction", lambda w: {"text": "已落实"}),
    "loan-return-": _post("loan"),
    "loss-report-detail": Obj("loss"),
    "loss-report-found": _post("loss", lambda w: {"text": "找到"}),
    "loss-report-write-off": _post("loss", lambda w: {"text": "核销"}),
    "loss-report-authority-report": _post(
        "loss", lambda w: {"authority": "市国家保密局", "reference": "保报〔2026〕1号"}
    ),
    "transfer-deliver": _post("transfer", lambda w: {"signed_by": "王收文"}),
    "carry-out-back": _post("carry_out"),
    "handover-detail": Obj("handover"),
    "handover-cancel": _post("handover", lambda w: {"reason": "撤回"}),
    "handover-check": _post("handover", lambda w: {"copy": w["copies"][1].pk}),
    "handover-sign": _post("handover"),
    "destruction-batch-detail": Obj("batch"),
    "destruction-batch-certificate": Obj("destroyed"),
    "destruction-batch-destroy-batch": _post(
        "batch",
        lambda w: {**_DESTROY, "supervisors": [_person(w, "wuhui"), _person(w, "chenmin")]},
    ),
    "stocktake-detail": Obj("stocktake", insider=CLERK),
    "stocktake-close": _post("stocktake", insider=CLERK),
    "stocktake-seen": _post(
        "stocktake",
        lambda w: {"code": w["copy"].scan_code, "cabinet": "JYS-01"},
        insider=CLERK,
    ),
    "archive-volume-detail": Obj("volume"),
}

DESKS: dict[str, Case] = {
    "manuscript-detail": Obj("manuscript"),
    "manuscript-decide": _post("manuscript", lambda w: {"verdict": "reject", "reasons": "不宜"}),
    "manuscript-redacted": Obj("redacted"),
    "manuscript-refer": _post("manuscript", lambda w: {"department": w.pk("planning")}),
    "manuscript-scan": _post("manuscript"),
    "referral-sign": _post("referral", lambda w: {"agreed": True}, insider="linna"),
    "telegram-detail": Obj("telegram", insider=CLERK),
    "telegram-acknowledge": _post("telegram", insider=CLERK),
    "telegram-complete": _post("telegram", lambda w: {"outcome": "已办"}, insider=CLERK),
    "telegram-reply": _post(
        "telegram",
        lambda w: {"number": "复〔2026〕1号", "traffic": "cipher", "level": 3},
        insider=CLERK,
    ),
    "telegram-report": _post(
        "telegram", lambda w: {"leader": _person(w, "chenmin")}, insider=CLERK
    ),
    "telegram-seen": _post("telegram", insider=CLERK),
    "telegram-take-charge": _post("telegram", insider=CLERK),
    "duty-handover-detail": Obj(
        "duty_handover", insider=CLERK, refused=DESK, why="the duty desk is the custody posts'"
    ),
    "duty-handover-sign": _post(
        "duty_handover", insider=CLERK, refused=DESK, why="the duty desk is the custody posts'"
    ),
}

_MEETING_POSTS: dict[str, Any] = {
    "meeting-approve": lambda w: {},
    "meeting-check-in": lambda w: {"person": _person(w, "sunli")},
    "meeting-close": lambda w: {},
    "meeting-collect": lambda w: {"code": w["meeting_copy"].scan_code},
    "meeting-documents": lambda w: {"title": "补充材料", "marking": "机密★1年"},
    "meeting-hand-out": lambda w: {
        "code": w["meeting_copy"].scan_code,
        "person": _person(w, "sunli"),
    },
    "meeting-discipline": lambda w: {"announced_by": _person(w, "sunli")},
    "meeting-news": lambda w: {"title": "新闻稿", "text": "会议召开。"},
    "meeting-open-": lambda w: {},
    "meeting-participants": lambda w: {"person": _person(w, "mazhiyuan"), "role": "attendee"},
    "meeting-plan": lambda w: {"plan": "改期"},
    "meeting-recess": lambda w: {},
    "meeting-recording": lambda w: {"title": "录音", "marking": "机密★1年"},
    "meeting-relay": lambda w: {"unit": w.pk("planning")},
    "meeting-report-missing": lambda w: {
        "code": w["meeting_copy"].scan_code,
        "circumstances": "会后未交回",
    },
    "meeting-resume": lambda w: {},
    "meeting-sign-off": lambda w: {
        "venue_inspection": "会场已检查",
        "microphones": "wired",
        "measures": "封闭管理",
    },
    "meeting-venue-check": lambda w: {
        "checked_by": _person(w, "wuhui"),
        "places": "会场、住地",
    },
}

MEETINGS: dict[str, Case] = {
    "meeting-detail": Obj("meeting"),
    "meeting-outstanding": Obj("meeting"),
    **{name: _post("meeting", data) for name, data in _MEETING_POSTS.items()},
}

SHELL: dict[str, Case] = {
    "person-detail": Obj(
        "insider_person", insider="secadmin", kwargs=lambda w: {"pk": _person(w, "sunli")}
    ),
    "rule-detail": Obj(
        None,
        kwargs=lambda w: {"pk": "DOC.CIRC.DEADLINE"},
        refused={"outsider": 200, "sysadmin": 200, "secadmin": 200, "auditor": 200},
        why="the rule catalog is published to everyone who signs in; it holds no secret",
    ),
    "rule-parameter": Obj(
        None,
        insider="secadmin",
        method="PUT",
        kwargs=lambda w: {"pk": "CLS.PERIOD.MAX", "name": "max_years"},
        data=lambda w: {
            "value": LIMITS,
            "reason": "x",
        },
        refused=SECADMIN_ONLY,
        why="parameters are the security administrator's to change",
    ),
    "rule-citation": Obj(
        None,
        insider="secadmin",
        method="PUT",
        kwargs=lambda w: {"pk": "DOC.STORE"},
        data=lambda w: {**CITATION, "reason": "x"},
        refused=SECADMIN_ONLY,
        why="an organization's citations are the security administrator's to change",
    ),
    "audit-event-detail": Obj(
        "event",
        insider="auditor",
        kwargs=lambda w: {"seq": w["event"].seq},
        refused=AUDITOR_ONLY,
        why="the audit log is the auditor's",
    ),
    "checkpoint-detail": Obj(
        "checkpoint", insider="auditor", refused=AUDITOR_ONLY, why="the audit log is the auditor's"
    ),
    "approval-detail": Obj("approval"),
    "approval-approve": _post("approval", lambda w: {"comment": "同意"}),
    "approval-reject": _post("approval", lambda w: {"comment": "不同意"}),
    "approval-withdraw": _post("approval"),
    "approval-remind": _post("approval"),
}

CASES: dict[str, Case] = {**LISTS, **DOCUMENTS, **FLOWS, **DESKS, **MEETINGS, **SHELL}
