from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelegramsConfig(AppConfig):
    name = "baomi.telegrams"
    label = "telegrams"
    verbose_name = _("Telegrams and duty")
