"""Person (the user model), posts, separated administrator roles and password history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baomi.core.levels import Tier

if TYPE_CHECKING:
    from baomi.core.models import OrgUnit


class Post(models.TextChoices):
    """岗位 (PPL.POSTS): what a person does in the confidential work of the organization."""

    LEADER = "leader", _("leader")
    SECRETARY = "secretary", _("secretary")
    CLERK = "clerk", _("confidential clerk")
    PRINT_ROOM = "print_room", _("print room")
    RECEIPT_DESK = "receipt_desk", _("receipt desk")
    COMPUTER_POST = "computer_post", _("computer post")
    SECURITY_OFFICER = "security_officer", _("security officer")
    STAFF = "staff", _("staff")


class AdminRole(models.TextChoices):
    """三员: separated administrators. One role per account, held by a dedicated account that
    has no post and no clearance, so no role ever reaches classified content (ACC.SOD)."""

    NONE = "", _("none")
    SYSTEM = "system_admin", _("system administrator")
    SECURITY = "security_admin", _("security administrator")
    AUDITOR = "security_auditor", _("security auditor")


class PersonQuerySet(models.QuerySet["Person"]):
    def holding(self, post: str, department_id: int | None = None) -> PersonQuerySet:
        """Active people holding `post` (in `department_id` when given)."""
        qs = self.filter(is_active=True, posts__post=post)
        return qs.filter(department_id=department_id) if department_id is not None else qs


class PersonManager(UserManager.from_queryset(PersonQuerySet)):  # type: ignore[misc]
    pass


class Person(AbstractUser):
    """A member of the organization who logs in to Baomi."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    department = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    tier = models.CharField(
        _("clearance tier"), max_length=10, choices=Tier.choices, default=Tier.NONE
    )
    admin_role = models.CharField(
        _("administrator role"), max_length=20, choices=AdminRole.choices, blank=True, default=""
    )
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    objects: ClassVar[PersonManager] = PersonManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            # a dedicated administrator account is never cleared (ACC.SOD)
            models.CheckConstraint(
                condition=Q(admin_role="") | Q(tier=Tier.NONE),
                name="person_admin_not_cleared",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def post_codes(self) -> frozenset[str]:
        """The posts this person holds (cached per instance)."""
        cached = getattr(self, "_post_codes", None)
        if cached is None:
            cached = (
                frozenset(self.posts.values_list("post", flat=True)) if self.pk else frozenset()
            )
            self._post_codes = cached
        return cached

    def holds(self, post: str) -> bool:
        return post in self.post_codes

    @property
    def is_administrator(self) -> bool:
        return bool(self.admin_role)

    def own_department(self) -> OrgUnit:
        """The department the person's work is filed under; an account that has none is
        refused with a message naming it, rather than failing when the record is saved."""
        if self.department is None:
            raise ValidationError(
                {
                    "department": _(
                        "%(person)s belongs to no department: the security administrator "
                        "assigns one first."
                    )
                    % {"person": self}
                }
            )
        return self.department


def person_of(request: Any) -> Person:
    """The signed-in person making a request. Pages and the API let no anonymous request reach
    an action, so anything else is refused as forbidden, never passed on as an actor."""
    user = request.user
    if not isinstance(user, Person):
        raise PermissionDenied
    return user


class PostAssignment(models.Model):
    """One post held by one person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="posts")
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)

    class Meta:
        verbose_name = _("post assignment")
        constraints = [
            models.UniqueConstraint(fields=["person", "post"], name="postassignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_post_display()}"


class PasswordHistory(models.Model):
    """Hashes of a person's earlier passwords, so recent ones are not reused (SYS.PASSWORD)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person} password of {self.created_at:%Y-%m-%d}"
