"""Destruction: a registered list, a leader's approval, escort, two supervisors, a certificate."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from baomi import policy
from baomi.approvals.services import approve, request_approval
from baomi.flows.certificate import destruction_certificate
from baomi.flows.models import DestructionBatch
from baomi.flows.services import destroy_batch, list_for_destruction
from baomi.ledger.models import Copy, ScopeEntry
from baomi.people.models import Post
from tests.support import recorded, rule_ids
from tests.support.factories import person, register

pytestmark = pytest.mark.django_db


def approval_of_the_list(org):
    room_leader = person("room_leader", org["people"]["clerk"].department, posts=(Post.LEADER,))
    asked = request_approval(
        actor=org["people"]["clerk"], kind="copy.destroy", summary="销毁过期文件"
    )
    return approve(actor=room_leader, approval=asked)


def destroy(org, batch, **kw):
    args = {
        "actor": org["people"]["clerk"],
        "batch": batch,
        "method": "粉碎",
        "place": "市保密局销毁中心",
        "supervisors": [org["people"]["officer"], org["people"]["leader"]],
        "escort": org["people"]["reader2"],
    }
    return destroy_batch(**{**args, **kw})


def test_DOC_DESTROY_an_approved_supervised_destruction_and_its_certificate(org):
    clerk = org["people"]["clerk"]
    copies = list(org["document"].copies.order_by("copy_no"))
    batch = list_for_destruction(actor=clerk, copies=copies[:2])
    assert {c.state for c in Copy.objects.filter(pk__in=[c.pk for c in copies[:2]])} == {
        Copy.State.IN_DESTRUCTION
    }
    recorded(
        "copy.listed_for_destruction",
        copies[1],
        actor=clerk,
        state="in_destruction",
        cabinet="JYS-01",
        batch=batch.pk,
    )
    recorded("destruction.listed", batch, actor=clerk, copies=[c.pk for c in copies[:2]])
    approval = approval_of_the_list(org)
    destroy(org, batch, approval=approval)
    recorded("copy.destroyed", copies[1], actor=clerk, state="destroyed", batch=batch.pk)
    people = org["people"]
    recorded(
        "destruction.done",
        batch,
        actor=clerk,
        method="粉碎",
        place="市保密局销毁中心",
        on_site=False,
        escort=people["reader2"].pk,
        supervisors=[people["officer"].pk, people["leader"].pk],
        approval=approval.pk,
        copies=[c.pk for c in copies[:2]],
    )
    assert set(Copy.objects.filter(document=org["document"]).values_list("state", flat=True)) == {
        Copy.State.DESTROYED,
        Copy.State.IN_CABINET,
    }
    batch.refresh_from_db()
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(destruction_certificate(batch))).pages
    )
    assert "涉密载体销毁证明" in text and "000001" in text and "示政办〔2026〕12号" in text
    assert "重大项目" not in text  # titles never appear on the certificate
    assert batch.destroyed_by == org["people"]["clerk"] and "销毁人" in text


@pytest.mark.refuses("DOC.DESTROY")
def test_DOC_DESTROY_without_the_leaders_approval_nothing_is_destroyed(org):
    batch = list_for_destruction(
        actor=org["people"]["clerk"], copies=[org["document"].copies.first()]
    )
    with pytest.raises(policy.RuleViolation) as raised:
        destroy(org, batch)
    assert rule_ids(raised) == ["DOC.DESTROY"]
    assert raised.value.decision.approvals == ("copy.destroy",)
    batch.refresh_from_db()
    assert batch.state == DestructionBatch.State.LISTED


def test_DOC_DESTROY_one_supervisor_is_not_enough_even_approved(org):
    batch = list_for_destruction(
        actor=org["people"]["clerk"], copies=[org["document"].copies.first()]
    )
    with pytest.raises(policy.RuleViolation) as raised:
        destroy(
            org, batch, supervisors=[org["people"]["officer"]], approval=approval_of_the_list(org)
        )
    [violation] = raised.value.violations
    assert violation.values == {"supervisors": 1} and violation.lift is None


def test_DOC_DESTROY_top_secret_is_destroyed_on_site(org):
    top = register(org, marking="绝密★30年", copies=1)
    ScopeEntry.objects.create(document=top, person=org["people"]["leader"])
    batch = list_for_destruction(actor=org["people"]["clerk"], copies=[top.copies.get()])
    approval = approval_of_the_list(org)
    with pytest.raises(policy.RuleViolation) as raised:
        destroy(org, batch, approval=approval)
    assert raised.value.violations[0].values == {"levels": ["绝密"], "cipher_telegrams": False}
    destroy(org, batch, approval=approval, on_site=True, escort=None, place="机要室")
    assert top.copies.get().state == Copy.State.DESTROYED


def test_DOC_DESTROY_the_clerk_or_the_escort_do_not_count_as_supervisors(org):
    batch = list_for_destruction(
        actor=org["people"]["clerk"], copies=[org["document"].copies.first()]
    )
    with pytest.raises(policy.RuleViolation) as raised:
        destroy(
            org,
            batch,
            supervisors=[org["people"]["officer"], org["people"]["reader2"]],
            approval=approval_of_the_list(org),
        )  # reader2 escorts the batch
    assert raised.value.violations[0].values == {"supervisors": 1}
    assert not raised.value.violations[0].lift
