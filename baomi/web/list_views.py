"""Saved views of a list: a person names the query they are looking at, and picks it again."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from baomi.people.views import AuthedRequest

from . import services
from .lists import LISTS, _query


class SaveViewForm(forms.Form):
    list_name = forms.CharField(max_length=80)
    name = forms.CharField(label=gettext_lazy("Name of the view"), max_length=60, strip=True)
    query = forms.CharField(max_length=2000, required=False)
    shared = forms.BooleanField(required=False)
    delete = forms.IntegerField(required=False)

    def clean_list_name(self) -> str:
        name = self.cleaned_data["list_name"]
        if name not in LISTS:
            raise forms.ValidationError(_("There is no such list."))
        return name


@login_required
@require_POST
def saved_views(request: AuthedRequest) -> HttpResponse:
    """Save the query shown under a name (shared with the person's department if asked), or
    delete one of the person's own views (`delete`: its id)."""
    data = request.POST.copy()
    deleting = data.get("delete", "").strip()
    if deleting:
        data.setdefault("name", "-")
    form = SaveViewForm(data)
    if not form.is_valid():
        if "list_name" in form.errors:
            raise Http404
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{_('Name of the view')}: {error}")
        return redirect(LISTS[form.cleaned_data["list_name"]].url())
    page = LISTS[form.cleaned_data["list_name"]]
    if form.cleaned_data["delete"] is not None:
        services.delete_view(actor=request.user, pk=form.cleaned_data["delete"])
        messages.success(request, _("The view is deleted."))
        return redirect(page.url())
    query = _query(QueryDict(form.cleaned_data["query"]))
    services.save_view(
        actor=request.user,
        list_name=page.name,
        name=form.cleaned_data["name"],
        query=query,
        shared=form.cleaned_data["shared"],
    )
    messages.success(request, _("The view is saved."))
    return redirect(f"{page.url()}?{query}" if query else page.url())
