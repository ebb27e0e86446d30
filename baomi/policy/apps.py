from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "baomi.policy"
    label = "policy"
    verbose_name = _("Policy")

    def ready(self) -> None:
        # every app's rules.py registers the rules it enforces
        autodiscover_modules("rules")
