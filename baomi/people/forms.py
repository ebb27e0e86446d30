from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from baomi.core.inputs import CheckedForm
from baomi.core.levels import Tier
from baomi.core.models import OrgUnit

from .models import Post


class LoginForm(CheckedForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    token = forms.CharField(label=_("One-time code (if enrolled)"), max_length=8, required=False)


class UnlockForm(CheckedForm):
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class PasswordChangeForm(CheckedForm):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    new_password_again = forms.CharField(label=_("New password, again"), widget=forms.PasswordInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return data


class TokenForm(CheckedForm):
    token = forms.CharField(label=_("One-time code"), max_length=8)


class PersonForm(CheckedForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=OrgUnit.objects.all(), required=False
    )
    posts = forms.MultipleChoiceField(
        label=_("Posts"), choices=Post.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    tier = forms.ChoiceField(label=_("Clearance tier"), choices=Tier.choices)
    password = forms.CharField(
        label=_("Initial password"), widget=forms.PasswordInput, required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
