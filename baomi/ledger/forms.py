from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from baomi.approvals.models import Approval
from baomi.core.inputs import COPIES_MAX, PAGES_MAX, SHEETS_MAX, CheckedForm
from baomi.core.levels import Level, SecretKind, Urgency
from baomi.core.marking import PeriodKind
from baomi.core.models import OrgUnit
from baomi.people.models import Person, Post
from baomi.people.names import staff_named, typed_names

from .composer import UNMARKED, compose_marking, same_marking
from .models import Cabinet, Document, PrintWaste, SecretItem
from .widgets import CabinetSelect, PeoplePicker, TreeCheckboxes

PERIOD_FORMS = [
    (PeriodKind.YEARS.value, _("years (年)")),
    (PeriodKind.MONTHS.value, _("months (个月), below a year")),
    (PeriodKind.UNTIL_DATE.value, _("until a date (解密时间)")),
    (PeriodKind.UNTIL_EVENT.value, _("until a condition (解密条件)")),
    (PeriodKind.LONG_TERM.value, _("long term (长期)")),
    (UNMARKED, _("no period marked: the level's default applies")),
]


class RegistrationForm(CheckedForm):
    """What every registration path asks: the item, its marking, copies and scope.

    The marking is composed from level, period form and value, or typed (scanned, pasted) whole
    in `marking`; either way the service parses the same text. The cabinet list is grouped
    into secure and ordinary cabinets, each option saying which it is, and the knowledge scope
    is picked from the department tree, the posts and the people search."""

    title = forms.CharField(label=_("Title"), max_length=200)
    code_name = forms.CharField(label=_("Code name"), max_length=60, required=False)
    doc_number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    issuer = forms.CharField(label=_("Issuer"), max_length=100)
    issued_on = forms.DateField(
        label=_("Date of issue"),
        # a date field takes the ISO form whatever the page's language
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    kind = forms.ChoiceField(label=_("Kind of secret"), choices=SecretKind.choices)
    level = forms.TypedChoiceField(
        label=_("Level"),
        coerce=int,
        # empty first: a browser sends the first option, which must not contradict a marking
        choices=[("", "—"), *Level.choices],
        required=False,
        empty_value=None,
    )
    period_form = forms.ChoiceField(
        label=_("Period written as"), choices=PERIOD_FORMS, required=False, initial="years"
    )
    period_value = forms.CharField(
        label=_("Period"),
        max_length=60,
        required=False,
        help_text=_("A number of years or months, a date such as 2027-06-30, or a condition."),
    )
    marking = forms.CharField(
        label=_("Marking as typed, scanned or pasted"),
        max_length=60,
        required=False,
        help_text=_(
            "e.g. 机密★10年; filled in from the level and period above, or type it whole. "
            "Leave it empty for an unclassified item."
        ),
    )
    urgency = forms.TypedChoiceField(label=_("Urgency"), coerce=int, choices=Urgency.choices)
    form = forms.ChoiceField(label=_("Carrier form"), choices=Document.Form.choices)
    page_count = forms.IntegerField(label=_("Pages"), min_value=1, max_value=PAGES_MAX, initial=1)
    copies = forms.IntegerField(label=_("Copies"), min_value=1, max_value=COPIES_MAX, initial=1)
    cabinet = forms.ModelChoiceField(
        label=_("Cabinet"),
        queryset=Cabinet.objects.all(),
        widget=CabinetSelect,
        help_text=_("Classified items go into secure cabinets, others into ordinary ones."),
    )
    basis_item = forms.ModelChoiceField(
        label=_("Basis (catalog item)"), queryset=SecretItem.objects.all(), required=False
    )
    basis_reason = forms.CharField(
        label=_("Basis (written reason)"), max_length=300, required=False
    )
    scope_departments = forms.ModelMultipleChoiceField(
        label=_("Knowledge scope: departments"),
        queryset=OrgUnit.objects.all(),
        required=False,
        widget=TreeCheckboxes,
        help_text=_("Each department checked is admitted itself; the units below it are not."),
    )
    scope_posts = forms.MultipleChoiceField(
        label=_("Knowledge scope: posts"),
        choices=Post.choices,
        required=False,
        widget=TreeCheckboxes,
    )
    scope_persons = forms.CharField(
        label=_("Knowledge scope: people"),
        max_length=2000,
        required=False,
        widget=PeoplePicker,
        help_text=_("Type a name, user name or pinyin initials; 、 between people."),
    )

    #: the fields the page lays out itself, in its order; a path's own fields come after them
    LAID_OUT = (
        "title",
        "code_name",
        "doc_number",
        "issuer",
        "issued_on",
        "kind",
        "urgency",
        "level",
        "period_form",
        "period_value",
        "marking",
        "basis_item",
        "basis_reason",
        "form",
        "page_count",
        "copies",
        "cabinet",
        "scope_departments",
        "scope_posts",
        "scope_persons",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cabinets = list(Cabinet.objects.order_by("-for_classified", "code"))
        field = self.fields["cabinet"]
        field.choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *(
                (group, [(c.pk, str(c)) for c in cabinets if c.for_classified == secure])
                for group, secure in (
                    (_("Secure cabinets, for classified items"), True),
                    (_("Ordinary cabinets, for unclassified items"), False),
                )
                if any(c.for_classified == secure for c in cabinets)
            ),
        ]
        field.widget.classified = {str(c.pk): c.for_classified for c in cabinets}
        units = self.fields["scope_departments"]
        units.widget.depths = {  # type: ignore[attr-defined]
            str(u.pk): u.depth for u in OrgUnit.objects.only("pk", "path")
        }

    def own_fields(self) -> list[forms.BoundField]:
        """The fields of this registration path alone (the addressee, the recipients …)."""
        return [self[n] for n in self.fields if n not in self.LAID_OUT]

    def focus(self) -> str:
        """The field the cursor starts in: the first one in error, else the first."""
        order = [*self.LAID_OUT, *self.fields]
        return next((n for n in order if n in self.errors), order[0])

    def level_names(self) -> str:
        """The levels' Chinese names for the page's live preview, as JSON."""
        return json.dumps({str(int(lv)): lv.zh for lv in Level}, ensure_ascii=False)

    def clean_scope_persons(self) -> list[Person]:
        try:
            return staff_named(self.cleaned_data.get("scope_persons") or "", "scope_persons")
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        typed = (data.get("marking") or "").strip()
        composed = self._composed(data, typed)
        if typed and composed and not same_marking(typed, composed):
            self.add_error(
                "marking",
                _(
                    "The marking typed (%(typed)s) differs from the one composed from the level "
                    "and period (%(composed)s); clear one of them."
                )
                % {"typed": typed, "composed": composed},
            )
        data["marking"] = typed or composed
        # the composer's parts are the page's: the services take the marking's text
        data.pop("period_form", None)
        data.pop("period_value", None)
        return data

    def _composed(self, data: Mapping[str, Any], typed: str) -> str:
        """The marking the level, period form and value spell, or "" when they spell none; a
        part that does not fit is an error at its field."""
        level = data.get("level")
        if level is None or not Level(level).is_classified:
            return ""
        try:
            return compose_marking(
                Level(level),
                data.get("period_form") or "",
                data.get("period_value") or "",
                required=not typed,
            )
        except ValidationError as exc:
            self.add_error("period_value", exc)
            return ""

    @classmethod
    def initial_after(cls, document: Document, actor: Any) -> dict[str, Any]:
        """What the next registration starts with after `document`: its issuer, date, kind,
        cabinet and knowledge scope (without the clerk, who is always in it, and without an
        addressee, who is the item's own)."""
        scope = list(document.scope.select_related("person"))
        first = document.copies.order_by("copy_no").only("cabinet").first()
        people = [
            e.person
            for e in scope
            if e.person is not None and e.person != actor and e.person_id != document.addressee_id
        ]
        return {
            "issuer": document.issuer,
            "issued_on": document.issued_on,
            "kind": document.kind,
            "cabinet": first.cabinet_id if first is not None else None,
            "scope_departments": [e.department_id for e in scope if e.department_id],
            "scope_posts": [e.post for e in scope if e.post],
            "scope_persons": typed_names(people),
        }


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
