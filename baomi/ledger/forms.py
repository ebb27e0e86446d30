from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baomi.approvals.models import Approval
from baomi.core.inputs import COPIES_MAX, PAGES_MAX, SHEETS_MAX, CheckedForm
from baomi.core.levels import Level, SecretKind, Urgency
from baomi.core.models import OrgUnit
from baomi.people.models import Person, Post

from .models import Cabinet, Document, PrintWaste, SecretItem


class RegistrationForm(CheckedForm):
    """What every registration path asks: the item, its marking, copies and scope."""

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
        # empty first: a browser sends the first option, which must not contradict a marking
        choices=[
            ("", "—"),
            (Level.PUBLIC, Level.PUBLIC.label),
            (Level.INTERNAL, Level.INTERNAL.label),
        ],
        required=False,
        empty_value=None,
    )
    urgency = forms.TypedChoiceField(label=_("Urgency"), coerce=int, choices=Urgency.choices)
    form = forms.ChoiceField(label=_("Carrier form"), choices=Document.Form.choices)
    page_count = forms.IntegerField(label=_("Pages"), min_value=1, max_value=PAGES_MAX, initial=1)
    copies = forms.IntegerField(label=_("Copies"), min_value=1, max_value=COPIES_MAX, initial=1)
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


def _staff() -> Any:
    return Person.objects.filter(is_active=True, admin_role="").order_by("username")


class IncomingForm(RegistrationForm):
    addressee = forms.ModelChoiceField(
        label=_("Addressed personally to (亲启)"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Anyone else who signs for it is a proxy and may not open it."),
    )
    signed_by = forms.ModelChoiceField(
        label=_("Signed for by"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Leave empty when you signed for it yourself."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("addressee", "signed_by"):
            self.fields[name].queryset = _staff()  # type: ignore[attr-defined]


def print_approvals(person: Any) -> Any:
    """The person's own approved, unused approvals of a print run's distribution."""
    return Approval.objects.filter(
        requester=person, kind="document.print", state=Approval.State.APPROVED
    ).order_by("-decided_at", "-pk")


class DistributionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        payload = obj.payload or {}
        return _("%(summary)s: %(count)s copies to %(recipients)s") % {
            "summary": obj.summary,
            "count": payload.get("count", 0),
            "recipients": "、".join(payload.get("recipients") or ()),
        }


class InternalForm(RegistrationForm):
    """内部印制登记: the number of formal copies comes from the leader's approval of the run's
    distribution, not from a number typed here (DOC.PRINT.SCOPE)."""

    approval = DistributionChoice(
        label=_("Approved distribution (发送范围)"),
        queryset=Approval.objects.none(),
        required=False,
        help_text=_("A leader's approval of how many copies go to whom; ask for one first."),
    )
    drafts = forms.IntegerField(
        label=_("Drafts"), min_value=0, max_value=COPIES_MAX, initial=0, required=False
    )
    proofs = forms.IntegerField(
        label=_("Proofs"), min_value=0, max_value=COPIES_MAX, initial=0, required=False
    )
    surplus = forms.IntegerField(
        label=_("Surplus prints"),
        min_value=0,
        max_value=COPIES_MAX,
        initial=0,
        required=False,
        help_text=_("Registered like the document, then destroyed: none may be kept."),
    )

    def offer(self, person: Any) -> InternalForm:
        """Offer only the person's own approved distributions."""
        self.fields["approval"].queryset = print_approvals(person)  # type: ignore[attr-defined]
        return self

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("drafts", "proofs", "surplus"):
            data[name] = data.get(name) or 0
        return data


class OutgoingForm(RegistrationForm):
    recipients = forms.CharField(
        label=_("Recipients (主送)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One unit per line; each gets a copy."),
    )

    def clean_recipients(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["recipients"].splitlines()]


class PrintRunRequestForm(CheckedForm):
    """Ask a leader to approve a print run's distribution (发送范围): how many, to whom."""

    summary = forms.CharField(label=_("What is printed (unclassified summary)"), max_length=200)
    count = forms.IntegerField(label=_("Formal copies"), min_value=1, max_value=COPIES_MAX)
    recipients = forms.CharField(
        label=_("Recipients (发送范围)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One recipient per line; each gets a copy."),
    )

    def clean_recipients(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["recipients"].splitlines()]


class PrintWasteForm(CheckedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=PrintWaste.Kind.choices)
    sheets = forms.IntegerField(label=_("Sheets"), min_value=1, max_value=SHEETS_MAX)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
