"""Two actions racing for one approval: the row lock lets exactly one of them use it."""

from __future__ import annotations

import threading

from django.db import connections, transaction

from baomi import policy
from baomi.approvals import services
from baomi.approvals.models import Approval
from tests.support import events
from tests.support.factories import make_approvals_org


def test_two_concurrent_uses_of_one_approval_let_exactly_one_through(committed_db):
    org = make_approvals_org()
    approval = services.request_approval(actor=org.staff, kind="copy.carry_out", summary="外出")
    services.approve(actor=org.leader, approval=approval)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def use() -> None:
        try:
            start.wait()
            with transaction.atomic():
                services.consume(actor=org.staff, approval=approval, action="copy.carry_out")
            outcomes.append("used")
        except policy.RuleViolation as exc:
            outcomes.append(",".join(exc.decision.rule_ids))
        except BaseException as exc:  # pragma: no cover - reported by the assertion below
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=use) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["DOC.CARRY_OUT", "used"]
    assert Approval.objects.get(pk=approval.pk).state == Approval.State.CONSUMED
    assert len(events("approval.consumed")) == 1
