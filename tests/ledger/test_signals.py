"""What the ledger tells other apps after a commit: one failing receiver harms nothing else."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import transaction

from baomi.ledger.signals import after_commit, content_stored


@pytest.mark.django_db
def test_a_failing_receiver_is_logged_and_the_others_still_hear_of_every_document(
    django_capture_on_commit_callbacks, caplog
):
    heard = []

    def broken(sender, document, **kwargs):
        raise RuntimeError("the index is unavailable")

    def listening(sender, document, **kwargs):
        heard.append(document.pk)

    content_stored.connect(broken, weak=False)
    content_stored.connect(listening, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            after_commit(content_stored, SimpleNamespace(pk=1))
            after_commit(content_stored, SimpleNamespace(pk=2))
    finally:
        content_stored.disconnect(broken)
        content_stored.disconnect(listening)
    assert heard == [1, 2]
    assert "the index is unavailable" in caplog.text
