"""The REST API, /api/v1/: each app mounts its own endpoints here, and every endpoint calls the
same services and policy as the pages."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from baomi.approvals import api as approvals
from baomi.audit import api as audit
from baomi.flows import api as flows
from baomi.ledger import api as ledger
from baomi.meetings import api as meetings
from baomi.people import api as people
from baomi.policy import api as policy
from baomi.review import api as review
from baomi.telegrams import api as telegrams

router = DefaultRouter()
for app in (people, policy, audit, approvals, ledger, flows, review, telegrams, meetings):
    app.register_routes(router)

urlpatterns = [
    *people.urls(),
    *flows.urls(),
    *telegrams.urls(),
    path("", include(router.urls)),
]
