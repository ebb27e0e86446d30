"""The project's URLs plus the approval pages and API, for these tests: the project's urls.py
may not mount them yet. Mounted first, so they answer whatever the project adds later."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from baomi.approvals.api import ApprovalViewSet
from baomi.urls import urlpatterns as project_urlpatterns

router = SimpleRouter()
router.register("approvals", ApprovalViewSet, basename="test-approval")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    *(
        []
        if any(getattr(p, "namespace", None) == "approvals" for p in project_urlpatterns)
        else [path("approvals/", include("baomi.approvals.urls"))]
    ),
    *project_urlpatterns,
]
