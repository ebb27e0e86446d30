"""The people (the security administrator's) and the accounts (the system administrator's) as
list pages."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2 import A

from baomi.core.levels import Tier
from baomi.core.models import OrgUnit
from baomi.web.lists import ListFilter, ListPage, ListTable

from . import services
from .models import AdminRole, Person, Post

YES_NO = [(1, _("yes")), (0, _("no"))]


def _yes_no(value: bool) -> str:
    return gettext("yes") if value else gettext("no")


class _PeopleFilter(ListFilter):
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=OrgUnit.objects.order_by("name")
    )
    active = django_filters.TypedChoiceFilter(
        label=_("Active"),
        field_name="is_active",
        choices=[("", "---------"), *YES_NO],
        coerce=lambda v: v == "1",
        empty_value=None,
    )


class PeopleFilter(_PeopleFilter):
    tier = django_filters.ChoiceFilter(label=_("Clearance tier"), choices=Tier.choices)
    post = django_filters.ChoiceFilter(
        label=_("Post"), choices=Post.choices, field_name="posts__post", distinct=True
    )
    admin_role = django_filters.ChoiceFilter(
        label=_("Administrator role"),
        choices=[(v, label) for v, label in AdminRole.choices if v],
    )


class PeopleTable(ListTable):
    username = tables.Column(verbose_name=_("User name"), linkify=("people:edit", [A("pk")]))
    full_name = tables.Column(verbose_name=_("Full name"))
    department = tables.Column(verbose_name=_("Department"), order_by=("department__name",))
    posts = tables.Column(verbose_name=_("Posts"), orderable=False, empty_values=())
    tier = tables.Column(verbose_name=_("Clearance tier"))
    admin_role = tables.Column(verbose_name=_("Administrator role"), empty_values=())
    is_active = tables.Column(verbose_name=_("Active"), empty_values=())

    def render_posts(self, record: Person) -> str:
        return "、".join(str(a.get_post_display()) for a in record.posts.all())

    def value_posts(self, record: Person) -> str:
        return self.render_posts(record)

    def render_admin_role(self, record: Person) -> str:
        return str(record.get_admin_role_display()) if record.admin_role else ""

    def value_admin_role(self, record: Person) -> str:
        return self.render_admin_role(record)

    def render_is_active(self, record: Person) -> str:
        return _yes_no(record.is_active)

    def value_is_active(self, record: Person) -> str:
        return _yes_no(record.is_active)


def _people(person: Any) -> QuerySet[Person]:
    # the page's view lets only the security administrator in (person.manage)
    return (
        Person.objects.select_related("department")
        .prefetch_related("posts")
        .order_by("department__path", "username")
    )


PEOPLE = ListPage(
    name="people:list",
    title=_("People"),
    table=PeopleTable,
    rows=_people,
    filters=PeopleFilter,
    empty=_("No one matches the filter."),
    template="people/list.html",
)


LOCKED, FREE = "locked", "free"


class AccountFilter(_PeopleFilter):
    sign_in = django_filters.ChoiceFilter(
        label=_("Sign-in"),
        choices=[(LOCKED, _("locked out")), (FREE, _("can sign in"))],
        method="by_sign_in",
    )

    def by_sign_in(self, queryset: Any, name: str, value: str) -> Any:
        locked = services.locked_out_usernames()
        if value == LOCKED:
            return queryset.filter(username__in=locked)
        return queryset.exclude(username__in=locked)


class AccountTable(ListTable):
    username = tables.Column(verbose_name=_("User name"), linkify=("people:edit", [A("pk")]))
    full_name = tables.Column(verbose_name=_("Full name"))
    department = tables.Column(verbose_name=_("Department"), order_by=("department__name",))
    is_active = tables.Column(verbose_name=_("Active"), empty_values=())
    sign_in = tables.Column(verbose_name=_("Sign-in"), orderable=False, empty_values=())
    reset = tables.Column(
        verbose_name=_("Temporary password"),
        orderable=False,
        empty_values=(),
        exclude_from_export=True,
    )

    def __init__(self, data: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.locked = services.locked_out_usernames()

    def render_is_active(self, record: Person) -> str:
        return _yes_no(record.is_active)

    def value_is_active(self, record: Person) -> str:
        return _yes_no(record.is_active)

    def _csrf(self) -> str:
        return format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">',
            get_token(self.request),  # type: ignore[attr-defined]
        )

    def render_sign_in(self, record: Person) -> str:
        if record.username not in self.locked:
            return gettext("can sign in")
        # each row's own form: the list page wraps its table in no form of its own
        return format_html(
            '<form method="post" class="d-flex align-items-center gap-2">{}'
            '<input type="hidden" name="person" value="{}">'
            '<span class="badge bg-red-lt">{}</span>'
            '<button type="submit" class="btn btn-sm" name="unlock" value="1">{}</button></form>',
            self._csrf(),
            record.pk,
            gettext("locked out"),
            gettext("Unlock"),
        )

    def value_sign_in(self, record: Person) -> str:
        return gettext("locked out") if record.username in self.locked else gettext("can sign in")

    def render_reset(self, record: Person) -> str:
        return format_html(
            '<form method="post" class="d-flex gap-2">{}'
            '<input type="hidden" name="person" value="{}">'
            '<input class="form-control form-control-sm" type="password" name="password"'
            ' aria-label="{} {}" autocomplete="new-password" required>'
            '<button type="submit" class="btn btn-sm">{}</button></form>',
            self._csrf(),
            record.pk,
            gettext("Temporary password"),
            record.username,
            gettext("Reset"),
        )


def _accounts(person: Any) -> QuerySet[Person]:
    # the page's view lets only the system administrator in (account.admin)
    return Person.objects.select_related("department").order_by("username")


ACCOUNTS = ListPage(
    name="people:accounts",
    title=_("Accounts"),
    table=AccountTable,
    rows=_accounts,
    filters=AccountFilter,
    empty=_("No account matches the filter."),
    template="people/accounts.html",
)
