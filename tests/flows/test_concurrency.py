"""Two clerks lending the same copy at the same moment: the row lock lets exactly one through."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from baomi.flows.models import Loan
from baomi.flows.services import lend_copy
from baomi.people.models import Post
from tests.support.factories import loan_approved, make_org, person, register


def test_two_clerks_lending_one_copy_at_once_exactly_one_succeeds(committed_db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers on the database file; the race needs row locks")
    org = make_org()
    second_clerk = person("clerk2", org["people"]["clerk"].department, posts=(Post.CLERK,))
    copy = register(org).copies.get(copy_no=1)
    borrowers = [org["people"]["insider"], org["people"]["planning_general"]]
    # the room's head approves the loan; whichever clerk comes second finds it used
    org["people"]["head"] = person("head", org["people"]["clerk"].department, posts=(Post.LEADER,))
    loan_approved(org, borrowers[0], copy.document)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def lend(clerk, borrower) -> None:
        try:
            start.wait()
            lend_copy(actor=clerk, copy=copy, borrower=borrower)
            outcomes.append("lent")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        except BaseException as exc:  # pragma: no cover - reported by the assertion below
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=lend, args=(org["people"]["clerk"], borrowers[0])),
        threading.Thread(target=lend, args=(second_clerk, borrowers[0])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[1] == "lent" and outcomes.count("lent") == 1, outcomes
    assert Loan.objects.filter(copy=copy).count() == 1
