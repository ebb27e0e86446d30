"""Random sequences of flow actions, allowed and denied: afterwards every copy is exactly where
its audit log puts it (`baomi verify --replay`), and a denied action leaves no trace."""

from __future__ import annotations

import os

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from baomi import policy
from baomi.core.levels import Level
from baomi.core.visibility import NotVisible
from baomi.flows import services as flows
from baomi.flows.models import Circulation, CirculationStep, Loan, LossReport, Transfer
from baomi.ledger.custody import replay_differences
from baomi.ledger.models import Copy
from tests.support import audit_head
from tests.support.factories import loan_approved

pytestmark = pytest.mark.slow

STEPS = 300
#: hypothesis runs some 80 steps an example on average: the suite's 30 make over 2,000 actions
#: in a few minutes; BAOMI_REPLAY_EXAMPLES=125 is the long run of over 10,000
EXAMPLES = int(os.environ.get("BAOMI_REPLAY_EXAMPLES", "30"))


class Flows(RuleBasedStateMachine):
    org: dict = {}
    actions = 0

    @initialize()
    def setup(self):
        org = self.org
        self.clerk = org["people"]["clerk"]
        self.people = [org["people"][n] for n in ("insider", "reader2", "important", "clerk")]
        self.copies = list(Copy.objects.filter(document__in=org["documents"]).order_by("pk"))

    def _do(self, action, *args, **kwargs):
        """Run one action; a denial must leave the log exactly as it was."""
        Flows.actions += 1
        before = audit_head()
        try:
            action(*args, **kwargs)
        except (policy.RuleViolation, ValidationError, NotVisible):
            assert audit_head() == before

    @rule(c=st.integers(0, 11), b=st.integers(0, 3), home=st.booleans(), asked=st.booleans())
    def lend(self, c, b, home, asked):
        place = "home" if home else "office"
        copy, borrower = self.copies[c], self.people[b]
        if asked:  # the office head's approval, asked for and given first (DOC.LOAN.APPROVAL)
            self._do(loan_approved, self.org, borrower, copy.document)
        self._do(flows.lend_copy, actor=self.clerk, copy=copy, borrower=borrower, place=place)

    @rule(n=st.integers(0, 50))
    def return_a_loan(self, n):
        loan = Loan.objects.filter(returned_at__isnull=True).order_by("pk")[n % 7 : n % 7 + 1]
        for found in loan:
            self._do(flows.return_loan, actor=self.clerk, loan=found)

    @rule(c=st.integers(0, 11), readers=st.lists(st.integers(0, 3), min_size=1, max_size=3))
    def circulate(self, c, readers):
        chosen = [self.people[r] for r in readers]
        self._do(flows.start_circulation, actor=self.clerk, copy=self.copies[c], readers=chosen)

    @rule(n=st.integers(0, 50), by=st.integers(0, 3))
    def hand_on(self, n, by):
        actor = self.clerk if by == 3 else self.people[by]
        for circulation in Circulation.objects.filter(state="open").order_by("pk")[n % 5 :][:1]:
            self._do(flows.hand_to_reader, actor=actor, circulation=circulation)

    @rule(n=st.integers(0, 50), by=st.integers(0, 3))
    def sign(self, n, by):
        for step in CirculationStep.objects.filter(state="handed").order_by("pk")[n % 5 :][:1]:
            self._do(flows.sign_for_copy, actor=self.people[by], step=step)

    @rule(n=st.integers(0, 50))
    def take_back(self, n):
        for circulation in Circulation.objects.filter(state="open").order_by("pk")[n % 5 :][:1]:
            self._do(flows.take_back, actor=self.clerk, circulation=circulation)

    @rule(c=st.integers(0, 11), by=st.integers(0, 3))
    def report_lost(self, c, by):
        actor = self.people[by]
        self._do(flows.report_lost, actor=actor, copy=self.copies[c], circumstances="未找到")

    @rule(n=st.integers(0, 50), found=st.booleans())
    def resolve(self, n, found):
        officer = self.org["people"]["officer"]
        for report in LossReport.objects.filter(state="open").order_by("pk")[n % 5 :][:1]:
            if found:
                self._do(flows.mark_found, actor=officer, report=report)
            else:
                self._do(flows.write_off, actor=officer, report=report, resolution="核销")

    @rule(c=st.integers(0, 11), post=st.booleans())
    def send(self, c, post):
        channel = self.org["post" if post else "courier"]
        self._do(
            flows.send_copy,
            actor=self.clerk,
            copy=self.copies[c],
            channel=channel,
            couriers=[self.clerk],
            recipient="市财政局",
        )

    @rule(n=st.integers(0, 50))
    def deliver(self, n):
        for transfer in Transfer.objects.filter(received_at__isnull=True).order_by("pk")[n % 5 :][
            :1
        ]:
            self._do(flows.confirm_delivery, actor=self.clerk, transfer=transfer, signed_by="王")

    @rule(c=st.integers(0, 11))
    def destroy_without_approval(self, c):
        copy = self.copies[c]
        try:
            batch = flows.list_for_destruction(actor=self.clerk, copies=[copy])
        except (ValidationError, policy.RuleViolation, NotVisible):
            return
        Flows.actions += 1
        self._do(
            flows.destroy_batch,
            actor=self.clerk,
            batch=batch,
            method="粉碎",
            place="机要室",
            supervisors=list(self.people[:2]),
            on_site=True,
        )

    def teardown(self):
        assert replay_differences([c.pk for c in self.copies]) == []


@pytest.fixture
def flows_org(org):
    from tests.support.factories import register

    org["documents"] = [
        org["document"],
        register(org, title="第二份文件", copies=4),
        register(org, marking="秘密★1年", copies=5, urgency=2),
    ]
    officer = org["people"]["officer"]
    org["courier"] = flows.create_channel(
        actor=officer, name="机要交通", kind="courier", max_level=Level.TOP_SECRET
    )
    org["post"] = flows.create_channel(
        actor=officer, name="普通邮政", kind="post", max_level=Level.TOP_SECRET
    )
    return org


def test_the_audit_log_replays_to_the_ledger_after_thousands_of_random_actions(flows_org):
    Flows.org, Flows.actions = flows_org, 0
    run_state_machine_as_test(
        Flows,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        ),
    )
    assert Flows.actions >= EXAMPLES * 60, f"only {Flows.actions} actions"
    call_command("verify", "--replay")
