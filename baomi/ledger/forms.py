from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from baomi.core.levels import Level, SecretKind, Urgency
from baomi.core.models import OrgUnit
from baomi.people.models import Post

from .models import Cabinet, Document, SecretItem


class IncomingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    code_name = forms.CharField(label=_("Code name"), max_length=60, required=False)
    doc_number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    issuer = forms.CharField(label=_("Issuer"), max_length=100)
    issued_on = forms.DateField(
        label=_("Date of issue"), widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(label=_("Kind of secret"), choices=SecretKind.choices)
    marking = forms.CharField(
        label=_("Marking"),
        max_length=60,
        required=False,
        help_text=_("e.g. 机密★10年; leave empty for an unclassified item"),
    )
    level = forms.TypedChoiceField(
        label=_("Level (unclassified items)"),
        coerce=int,
        choices=[(Level.PUBLIC, Level.PUBLIC.label), (Level.INTERNAL, Level.INTERNAL.label)],
        required=False,
        empty_value=None,
    )
    urgency = forms.TypedChoiceField(label=_("Urgency"), coerce=int, choices=Urgency.choices)
    form = forms.ChoiceField(label=_("Carrier form"), choices=Document.Form.choices)
    page_count = forms.IntegerField(label=_("Pages"), min_value=1, initial=1)
    copies = forms.IntegerField(label=_("Copies"), min_value=1, max_value=999, initial=1)
    cabinet = forms.ModelChoiceField(label=_("Cabinet"), queryset=Cabinet.objects.all())
    basis_item = forms.ModelChoiceField(
        label=_("Basis (catalog item)"), queryset=SecretItem.objects.all(), required=False
    )
    basis_reason = forms.CharField(
        label=_("Basis (written reason)"), max_length=300, required=False
    )
    scope_departments = forms.ModelMultipleChoiceField(
        label=_("Knowledge scope: departments"), queryset=OrgUnit.objects.all(), required=False
    )
    scope_posts = forms.MultipleChoiceField(
        label=_("Knowledge scope: posts"), choices=Post.choices, required=False
    )
