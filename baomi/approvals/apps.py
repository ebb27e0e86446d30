from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "baomi.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self) -> None:
        # each kind's describer registers itself on import
        from . import subjects  # noqa: F401
