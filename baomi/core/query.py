"""List query strings. Each list declares its parameters once, as a django-filter FilterSet (or
a form, for a parameter that chooses a list rather than narrowing one); a value that does not
parse is refused by name. The API answers it as a 400 problem naming the parameter, a page as a
400 page listing it (core.errors): a list is never shown unfiltered in place of a filter that
was asked for, and a malformed value never reaches the database."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

#: the longest search text a list accepts: longer than any field it searches
SEARCH_MAX = 200


class InvalidQuery(Exception):
    """A list's query string holds a value that does not parse: `errors` names each parameter
    with its messages, `labels` says what each is called on the page. Not a ValidationError: a
    page that catches those for its form must not take a malformed address for one."""

    def __init__(self, errors: dict[str, list[str]], labels: dict[str, str] | None = None):
        super().__init__(errors)
        self.errors = errors
        self.labels = labels or {}

    def lines(self) -> list[str]:
        """One line per refused parameter: its label, its name and why."""
        return [
            f"{self.labels.get(name, name)} ({name}): {' '.join(messages)}"
            for name, messages in self.errors.items()
        ]


def filtered(
    filterset_class: type[Any], params: Any, queryset: QuerySet[Any], request: Any = None
) -> QuerySet[Any]:
    """`queryset` narrowed by the FilterSet's reading of `params` (a QueryDict or a dict);
    parameters it does not declare are ignored. Filters whose choices depend on who asks
    read them from `request`."""
    found = filterset_class(params, queryset=queryset, request=request)
    if not found.is_valid():
        raise _refused(found.form)
    return found.qs


def cleaned(form_class: type[forms.Form], params: Any) -> dict[str, Any]:
    """The form's cleaned reading of `params`."""
    form = form_class(params)
    if not form.is_valid():
        raise _refused(form)
    return form.cleaned_data


def _refused(form: forms.BaseForm) -> InvalidQuery:
    return InvalidQuery(
        {name: [str(m) for m in messages] for name, messages in form.errors.items()},
        {name: str(form.fields[name].label or name) for name in form.errors if name in form.fields},
    )


class PageQuery(forms.Form):
    """The API's paging: `limit` rows from `offset` on."""

    limit = forms.IntegerField(min_value=1, required=False)
    offset = forms.IntegerField(min_value=0, required=False)
