"""REST API of the ledger, one module per aggregate: the register, registration on each of the
three paths, and every action a document's page offers, each one a call of the ledger's services.

Every document, copy, attachment and print-waste record is looked up through
the model's `visible_to(person)`: whatever lies outside it answers 404, never 403.
Denials come back as problem+json through the project's exception handler (403 naming the
rules for a RuleViolation, 400 for a validation error).
"""

from __future__ import annotations

from typing import Any

from .copies import AttachmentViewSet, CopyViewSet, PrintWasteViewSet
from .documents import DocumentViewSet


def register_routes(router: Any) -> None:
    """Mount the ledger's endpoints on the API's router."""
    router.register("documents", DocumentViewSet, basename="document")
    router.register("copies", CopyViewSet, basename="copy")
    router.register("attachments", AttachmentViewSet, basename="attachment")
    router.register("print-waste", PrintWasteViewSet, basename="print-waste")
