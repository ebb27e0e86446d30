from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlowsConfig(AppConfig):
    name = "baomi.flows"
    label = "flows"
    verbose_name = _("Document flows")
