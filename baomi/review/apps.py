from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "baomi.review"
    label = "review"
    verbose_name = _("Pre-publication review")

    def ready(self) -> None:
        from baomi.ledger import signals

        # the scanner's index follows the ledger: content stored is indexed, a document
        # declassified or destroyed is forgotten (the index only: no state, no audit rows)
        signals.content_stored.connect(_index, dispatch_uid="review.index")
        signals.document_closed.connect(_drop, dispatch_uid="review.drop")


def _index(sender: Any, document: Any, **kwargs: Any) -> None:
    from . import scanning

    scanning.index_document(document)


def _drop(sender: Any, document: Any, **kwargs: Any) -> None:
    from . import scanning

    scanning.drop_document(document)
