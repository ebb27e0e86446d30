"""The three approval boxes as list pages: 待我审批 (awaiting my decision), 我已审批 (decided by
me) and my own requests. Each sorts by its columns, filters by kind (named in the reader's
language), state, requester and dates, and exports what it shows."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2 import A

from baomi.people.models import Person
from baomi.web.lists import ListFilter, ListPage, ListTable, WhenColumn, date_range

from . import kinds
from .models import Approval
from .subjects import Subject, describe_all

RELATED = ("requester", "approver", "approver_unit", "decided_by")


def _kind_choices() -> list[tuple[str, str]]:
    """Every registered kind by its title in the reader's language, in that language's order."""
    return sorted(((k.name, str(k.title)) for k in kinds.registered()), key=lambda c: c[1])


#: who may have asked: the staff (an administrator asks for nothing), by name
STAFF = Person.objects.filter(admin_role="").order_by("full_name", "username")


class _BoxFilter(ListFilter):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=[(k.name, k.title) for k in kinds.registered()]
    )
    requested = date_range(_("Requested between"), "requested_at")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # kinds registered after this module was read, titled in the reader's language
        self.filters["kind"].extra["choices"] = _kind_choices()


class InboxFilter(_BoxFilter):
    requester = django_filters.ModelChoiceFilter(label=_("Requester"), queryset=STAFF)
    expires = date_range(_("Expires between"), "expires_at")


class DecidedFilter(_BoxFilter):
    state = django_filters.ChoiceFilter(label=_("State"), choices=Approval.State.choices)
    requester = django_filters.ModelChoiceFilter(label=_("Requester"), queryset=STAFF)
    decided = date_range(_("Decided between"), "decided_at")


class MineFilter(_BoxFilter):
    state = django_filters.ChoiceFilter(label=_("State"), choices=Approval.State.choices)
    decided = date_range(_("Decided between"), "decided_at")


class BoxTable(ListTable):
    """The columns every box shows; each box's table adds its own."""

    kind = tables.Column(
        verbose_name=_("Kind"),
        accessor="kind_title",
        order_by=("kind",),
        linkify=("approvals:detail", [A("pk")]),
    )
    subject = tables.Column(verbose_name=_("Subject"), orderable=False, empty_values=())
    summary = tables.Column(verbose_name=_("Reason"), linkify=("approvals:detail", [A("pk")]))
    requester = tables.Column(
        verbose_name=_("Requester"), order_by=("requester__full_name", "requester__username")
    )
    requested_at = WhenColumn(verbose_name=_("Requested at"))

    def __init__(self, data: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self._subjects: dict[int, Subject] = {}

    def _subject(self, record: Approval) -> Subject:
        if record.pk not in self._subjects:
            # the page's requests at once (the export's, all of them): one query per type
            page = getattr(self, "page", None)
            shown = [row.record for row in page.object_list] if page is not None else []
            if record not in shown:
                shown = list(self.data)
            self._subjects.update(describe_all(shown, self.person))
        return self._subjects[record.pk]

    def render_subject(self, record: Approval) -> str:
        subject = self._subject(record)
        url = subject.url or reverse("approvals:detail", args=[record.pk])
        marking = (
            format_html('<span class="badge bg-red-lt marking">{}</span> ', subject.marking)
            if subject.marking
            else ""
        )
        fact = (
            format_html(
                '<div class="text-secondary small">{}: {}</div>',
                subject.facts[0].label,
                subject.facts[0].value,
            )
            if subject.facts
            else ""
        )
        return format_html('{}<a href="{}">{}</a>{}', marking, url, subject.title, fact)

    def value_subject(self, record: Approval) -> str:
        # the cell's text as read: each tag parts words, as a browser shows the fact's line
        return " ".join(unescape(re.sub(r"<[^>]+>", " ", self.render_subject(record))).split())

    def render_requester(self, record: Approval) -> str:
        return record.requester.display_name

    def value_requester(self, record: Approval) -> str:
        return record.requester.display_name


class _Decision(tables.Table):
    decided_at = WhenColumn(verbose_name=_("Decided at"), empty_values=())
    state = tables.Column(verbose_name=_("State"))

    def render_decided_at(self, record: Approval) -> str:
        from baomi.core.timefmt import when

        return when(record.decided_at) if record.decided_at else "—"

    def value_decided_at(self, record: Approval) -> str:
        return self.render_decided_at(record)

    def render_state(self, record: Approval) -> str:
        return format_html(
            '<span class="badge state state-{}">{}</span>',
            record.state,
            record.get_state_display(),
        )

    def value_state(self, record: Approval) -> str:
        return str(record.get_state_display())


class InboxTable(BoxTable):
    expires_at = WhenColumn(verbose_name=_("Expires at"))


class DecidedTable(BoxTable, _Decision):
    pass


class MineTable(BoxTable, _Decision):
    approver = tables.Column(verbose_name=_("Approver"), orderable=False, empty_values=())
    remind = tables.Column(
        verbose_name=_("Remind"), orderable=False, empty_values=(), exclude_from_export=True
    )

    class Meta(BoxTable.Meta):
        sequence = ("kind", "subject", "summary", "requester", "approver", "...")

    def render_approver(self, record: Approval) -> str:
        return record.approver_label

    def value_approver(self, record: Approval) -> str:
        return record.approver_label

    def render_remind(self, record: Approval) -> str:
        # 催办 from the list; the service checks APPR.REMIND (who, and how often)
        if not record.is_open:
            return ""
        return format_html(
            '<form method="post" action="{}">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button type="submit" class="btn btn-sm btn-outline-secondary" name="remind"'
            ' value="1">{}</button></form>',
            reverse("approvals:remind", args=[record.pk]),
            get_token(self.request),  # type: ignore[attr-defined]
            gettext("Remind the approver"),
        )


def _visible(person: Any) -> Any:
    return Approval.objects.visible_to(person).select_related(*RELATED)


def _inbox(person: Any) -> QuerySet[Approval]:
    return _visible(person).awaiting(person)


def _decided(person: Any) -> QuerySet[Approval]:
    return _visible(person).decided_by(person)


def _mine(person: Any) -> QuerySet[Approval]:
    return _visible(person).requested_by(person)


INBOX = ListPage(
    name="approvals:inbox",
    title=_("Awaiting my approval"),
    table=InboxTable,
    rows=_inbox,
    filters=InboxFilter,
    empty=_("Nothing is waiting for your approval."),
    template="approvals/inbox.html",
)
DECIDED = ListPage(
    name="approvals:decided",
    title=_("Decided by me"),
    table=DecidedTable,
    rows=_decided,
    filters=DecidedFilter,
    empty=_("You have decided no requests yet."),
    template="approvals/inbox.html",
)
MINE = ListPage(
    name="approvals:mine",
    title=_("My requests"),
    table=MineTable,
    rows=_mine,
    filters=MineFilter,
    empty=_("You have made no requests."),
    template="approvals/inbox.html",
)
#: the boxes, in the order of their tabs
BOXES = (INBOX, DECIDED, MINE)
