"""DOC.ONLINE: content leaves the system only with approval; collections only with approval, at
the highest level and longest period; extracts never below their source."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from baomi import policy
from baomi.approvals.services import approve, request_approval
from baomi.audit.models import AuditEvent
from baomi.ledger.models import Document
from baomi.ledger.services import (
    attach_content,
    register_compilation,
    register_extract,
    release_content,
)
from baomi.people.models import Post
from tests.support import recorded
from tests.support.factories import ISSUED, person, register

pytestmark = pytest.mark.django_db


def granted(org, kind, summary="汇编年度文件"):
    room_leader = person("room_leader", org["people"]["clerk"].department, posts=(Post.LEADER,))
    asked = request_approval(actor=org["people"]["clerk"], kind=kind, summary=summary)
    return approve(actor=room_leader, approval=asked)


def fields(org, **kw):
    return {
        "actor": org["people"]["clerk"],
        "title": "2026年重点工作文件汇编",
        "issuer": "委机关",
        "issued_on": ISSUED,
        "copies": 2,
        "cabinet": org["cabinet"],
        **kw,
    }


def test_DOC_ONLINE_compiling_classified_documents_needs_approval(org):
    second = register(org, marking="秘密★5年")
    with pytest.raises(policy.RuleViolation) as raised:
        register_compilation(sources=[org["document"], second], **fields(org))
    assert [v.rule_id for v in raised.value.violations] == ["DOC.ONLINE"]
    assert raised.value.decision.approvals == ("document.compile",)
    assert Document.objects.count() == 2


def test_DOC_ONLINE_a_collection_takes_the_highest_level_and_the_longest_period(org):
    first = register(org, marking="机密★5年")
    second = register(org, marking="秘密★10年")
    approval = granted(org, "document.compile")
    collection = register_compilation(sources=[first, second], approval=approval, **fields(org))
    assert collection.level == first.level  # 机密 over 秘密
    assert collection.declassify_on == second.declassify_on == dt.date(2036, 11, 2)
    assert collection.marking.startswith("机密★")
    assert set(collection.scope.exclude(department=None).values_list("department", flat=True)) == {
        org["units"]["planning"].pk
    }


def test_an_extract_keeps_its_sources_level_and_scope(org):
    approval = granted(org, "copy.reproduce", "摘抄要点")
    with pytest.raises(ValidationError) as raised:
        register_extract(
            source=org["document"], approval=approval, marking="秘密★5年", **fields(org)
        )
    assert "marking" in raised.value.message_dict
    extract = register_extract(
        source=org["document"], approval=approval, marking="机密★10年", **fields(org)
    )
    assert extract.derived_from == org["document"]
    assert extract.scope.filter(department=org["units"]["planning"]).exists()


@pytest.mark.refuses("DOC.ONLINE")
def test_DOC_ONLINE_content_is_never_released_from_the_register_profile(org, settings, tmp_path):
    settings.DATA_DIR, settings.CONTENT_KEY_FILE = tmp_path, tmp_path / "key"
    settings.BAOMI_PROFILE = "classified"
    secret = register(org, marking="秘密★5年")
    attachment = attach_content(
        actor=org["people"]["clerk"], document=secret, name="a.txt", data="正文".encode()
    )
    settings.BAOMI_PROFILE = "register"
    with pytest.raises(policy.RuleViolation) as raised:
        release_content(
            actor=org["people"]["clerk"],
            attachment=attachment,
            recipient="市财政局",
            approval=granted(org, "content.release", "发送正文"),
        )
    assert raised.value.violations[0].lift is None


def test_DOC_ONLINE_released_with_approval_in_the_classified_profile(org, settings, tmp_path):
    settings.DATA_DIR, settings.CONTENT_KEY_FILE = tmp_path, tmp_path / "key"
    settings.BAOMI_PROFILE = "classified"
    secret = register(org, marking="秘密★5年")
    clerk = org["people"]["clerk"]
    attachment = attach_content(actor=clerk, document=secret, name="a.txt", data="正文".encode())
    with pytest.raises(policy.RuleViolation) as raised:
        release_content(actor=clerk, attachment=attachment, recipient="市财政局")
    assert raised.value.decision.approvals == ("content.release",)
    approval = granted(org, "content.release", "发送正文")
    data = release_content(
        actor=clerk, attachment=attachment, recipient="市财政局", approval=approval
    )
    assert data == "正文".encode()
    assert AuditEvent.objects.filter(action="document.content_released").count() == 1
    recorded(
        "document.content_released",
        secret,
        actor=clerk,
        attachment=attachment.pk,
        sha256=attachment.sha256,
        recipient="市财政局",
        approval=approval.pk,
    )
