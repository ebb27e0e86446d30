"""Input shape of the approval pages; the rules are checked by the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from baomi.core.inputs import CheckedForm

from .services import COMMENT_MAX


class DecisionForm(CheckedForm):
    """Approve or reject, with a comment (a rejection must give one: the service says so)."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(CheckedForm):
    """Nothing to fill in: the button alone."""


class RemindForm(CheckedForm):
    """催办: nothing to fill in; the rule says who may, and how often."""


class BoxQuery(CheckedForm):
    """Which requests the API lists: those waiting for my decision (the default), or my own."""

    box = forms.ChoiceField(
        label=_("Box"),
        choices=[("inbox", _("waiting for my decision")), ("mine", _("my requests"))],
        required=False,
    )
