"""Registering an incoming classified document and who may then know of it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from baomi import policy
from baomi.audit.models import AuditEvent
from baomi.core.levels import Level
from baomi.core.visibility import NotVisible
from baomi.ledger.models import Copy, Document, ScopeEntry, SecretItem
from baomi.ledger.services import view_document
from tests.support import recorded, rule_ids
from tests.support.factories import ISSUED, register

pytestmark = pytest.mark.django_db


def test_a_clerk_registers_an_incoming_secret_document_with_numbered_copies(org):
    document = register(org)
    assert (document.level, document.marking) == (Level.SECRET, "机密★10年")
    assert document.declassify_on == dt.date(2036, 11, 2)
    copies = list(document.copies.order_by("copy_no"))
    assert [c.label for c in copies] == ["000001", "000002", "000003"]
    assert {c.state for c in copies} == {Copy.State.IN_CABINET}
    registered = recorded(
        "document.registered",
        document,
        actor=org["people"]["clerk"],
        origin="incoming",
        level="机密",
        kind="state",
        marking="机密★10年",
        copies=3,
        doc_number="示政办〔2026〕12号",
        scope=2,  # planning, and the registering clerk
    )
    assert "重大项目" not in json.dumps(registered.body, ensure_ascii=False)  # titles can be secret
    assert AuditEvent.objects.filter(action="copy.registered").count() == 3
    recorded(
        "copy.registered",
        copies[2],
        actor=org["people"]["clerk"],
        document=document.pk,
        copy_no="000003",
        state="in_cabinet",
        cabinet="JYS-01",
        holder=None,
    )
    recorded(  # the organization's last cabinet: the ordinary one
        "cabinet.created",
        org["plain"],
        actor=None,
        code="BGS-01",
        # given as objects, recorded by their ids as text
        department=str(org["plain"].department_id),
        custodian=str(org["people"]["clerk"].pk),
        for_classified=False,
    )


def test_only_people_in_scope_with_clearance_know_it_exists(org):
    document = register(org)
    p = org["people"]
    visible = {
        name: Document.objects.visible_to(who).filter(pk=document.pk).exists()
        for name, who in p.items()
    }
    assert visible == {
        "clerk": True,
        "insider": True,
        "general": False,
        "important": False,
        "planning_general": False,
        "auditor": False,
    }
    for name in ("general", "important", "auditor"):
        assert Document.objects.visible_to(p[name]).count() == 0
        with pytest.raises(NotVisible):
            view_document(actor=p[name], document=document)
    view_document(actor=p["insider"], document=document)
    recorded("document.viewed", document, actor=p["insider"], level="机密")


def test_unclassified_items_are_known_to_all_staff_but_no_administrator(org):
    document = register(org, marking="", level=Level.INTERNAL, cabinet=org["plain"])
    p = org["people"]
    assert Document.objects.visible_to(p["general"]).filter(pk=document.pk).exists()
    assert not Document.objects.visible_to(p["auditor"]).exists()


@pytest.mark.parametrize(
    ("kw", "rule"),
    [
        ({"marking": "机密★"}, "CLS.MARKING"),
        ({"marking": "机密★25年"}, "CLS.PERIOD.MAX"),
    ],
)
def test_a_bad_marking_is_refused_naming_the_rule_and_nothing_is_saved(org, kw, rule):
    before = AuditEvent.objects.count()
    with pytest.raises(policy.RuleViolation) as raised:
        register(org, **kw)
    assert raised.value.decision.rule_ids == (rule,)
    assert not Document.objects.exists() and not ScopeEntry.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.refuses("DOC.STORE")
def test_only_a_clerk_registers_and_classified_copies_go_to_a_classified_cabinet(org):
    with pytest.raises(policy.RuleViolation) as raised:
        register(org, actor=org["people"]["insider"])
    assert raised.value.decision.rule_ids == ("ACC.ROLE",)
    with pytest.raises(policy.RuleViolation) as raised:
        register(org, cabinet=org["plain"])
    assert raised.value.decision.rule_ids == ("DOC.STORE",)
    assert not Document.objects.exists()


@pytest.mark.refuses("CLS.BASIS")
def test_a_level_below_the_catalog_needs_a_written_reason(org):
    plans = SecretItem.objects.get(name="发展规划与计划")
    assert plans.level == Level.SECRET
    with pytest.raises(policy.RuleViolation) as raised:
        register(org, marking="秘密★5年", basis_item=plans)
    assert rule_ids(raised) == ["CLS.BASIS"]
    assert raised.value.violations[0].values["catalog_level"] == "机密"
    assert not Document.objects.exists()
    document = register(
        org, marking="秘密★5年", basis_item=plans, basis_reason="仅涉及已公开规划的执行细节"
    )
    assert document.level == Level.CONFIDENTIAL


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("重大项目", True),
        ("2027年重大", True),
        ("示政办〔2026〕12号", True),
        ("人民政府", True),
        ("重大", True),
        ("不存在的标题", False),
        ('引号"测试', False),
    ],
)
def test_search_finds_any_substring_of_title_number_or_issuer(org, text, found):
    from baomi.ledger.queries import register_for

    document = register(org)
    register(org, title="其他文件", doc_number="", issuer="市财政局")
    result = register_for(org["people"]["clerk"], {"q": text})
    assert (document in result) == found
    assert result.count() == (1 if found else 0)


def test_search_follows_edits_of_the_title(org):
    from baomi.ledger.queries import register_for

    document = register(org)
    Document.objects.filter(pk=document.pk).update(title="关于调整会议安排的通知")
    clerk = org["people"]["clerk"]
    assert not register_for(clerk, {"q": "重大项目"}).exists()
    assert register_for(clerk, {"q": "会议安排"}).get() == document


@pytest.mark.refuses("DOC.PRINT.SCOPE")
def test_an_internal_print_run_stays_within_the_approved_count(org):
    from baomi.ledger.services import register_internal
    from tests.support.factories import print_approved

    args = {
        "actor": org["people"]["clerk"],
        "title": "2027年度工作要点（征求意见稿）",
        "issuer": "委机关",
        "issued_on": ISSUED,
        "cabinet": org["cabinet"],
        "marking": "秘密★1年",
    }
    approval = print_approved(org, 5)
    with pytest.raises(policy.RuleViolation) as raised:
        register_internal(approval=approval, copies=6, **args)
    [violation] = raised.value.violations
    assert violation.rule_id == "DOC.PRINT.SCOPE" and violation.values == {
        "copies": 6,
        "approved": 5,
    }
    assert not Document.objects.exists()
    document = register_internal(approval=approval, copies=5, **args)
    assert document.origin == Document.Origin.INTERNAL and document.copies.count() == 5
    data = json.loads(AuditEvent.objects.get(action="document.registered").body)["data"]
    assert data["approved_count"] == 5 and data["origin"] == "internal"


def test_search_of_three_or_more_characters_uses_the_index(org):
    from django.db import connection

    from baomi.ledger.queries import register_for

    query = str(register_for(org["people"]["clerk"], {"q": "重大项目"}).query)
    index = "ledger_document_fts" if connection.vendor == "sqlite" else "LIKE"
    assert index in query


def test_an_outgoing_document_names_its_recipients_one_copy_each(org):
    from baomi.ledger.services import register_outgoing

    args = {
        "actor": org["people"]["clerk"],
        "title": "关于报送2027年计划的函",
        "issuer": "委机关",
        "issued_on": ISSUED,
        "cabinet": org["cabinet"],
        "marking": "秘密★1年",
    }
    with pytest.raises(ValidationError) as raised:
        register_outgoing(recipients=["市财政局", "市统计局", "市审计局"], copies=2, **args)
    assert "recipients" in raised.value.message_dict and not Document.objects.exists()
    document = register_outgoing(recipients=["市财政局", "市统计局"], copies=2, **args)
    assert document.origin == Document.Origin.OUTGOING
    data = json.loads(AuditEvent.objects.get(action="document.registered").body)["data"]
    assert data["recipients"] == ["市财政局", "市统计局"]


def test_the_search_index_follows_the_documents_table_after_every_migration():
    """SQLite rebuilds a table to alter it, dropping its triggers: a migration that alters
    ledger_document must put the search triggers back (0003's recreate_sqlite_triggers)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its trigram indexes through ALTER TABLE")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ledger_document'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {"ledger_document_fts_ai", "ledger_document_fts_ad", "ledger_document_fts_au"} <= names


def test_a_cabinet_is_kept_by_an_active_member_of_staff_never_an_administrator(org):
    from baomi.ledger.custody import hand_over_cabinet
    from baomi.ledger.models import Cabinet
    from baomi.ledger.services import create_cabinet

    room, auditor = org["cabinet"].department, org["people"]["auditor"]
    with pytest.raises(policy.RuleViolation) as raised:
        create_cabinet(actor=None, name="二号柜", code="JYS-02", department=room, custodian=auditor)
    assert rule_ids(raised) == ["ACC.SOD"]
    leaver = org["people"]["general"]
    leaver.is_active = False
    leaver.save()
    with pytest.raises(policy.RuleViolation) as raised:
        create_cabinet(actor=None, name="二号柜", code="JYS-02", department=room, custodian=leaver)
    assert rule_ids(raised) == ["DOC.STORE"]
    assert not Cabinet.objects.filter(code="JYS-02").exists()
    with pytest.raises(policy.RuleViolation) as raised:
        hand_over_cabinet(actor=org["people"]["clerk"], cabinet=org["cabinet"], custodian=auditor)
    assert rule_ids(raised) == ["ACC.SOD"]
    assert Cabinet.objects.get(pk=org["cabinet"].pk).custodian == org["people"]["clerk"]
