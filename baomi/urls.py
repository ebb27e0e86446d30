from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularSwaggerSplitView

from baomi.core.api import SchemaView

urlpatterns = [
    # a browser asks for /favicon.ico on a page that names no icon (an API answer, say)
    path("favicon.ico", RedirectView.as_view(url=static("web/favicon.svg")), name="favicon"),
    path("", include("baomi.web.urls")),
    path("", include("baomi.people.urls")),
    path("rules/", include("baomi.policy.urls")),
    path("approvals/", include("baomi.approvals.urls")),
    path("ledger/", include("baomi.ledger.urls")),
    path("flows/", include("baomi.flows.urls")),
    path("review/", include("baomi.review.urls")),
    path("telegrams/", include("baomi.telegrams.urls")),
    path("meetings/", include("baomi.meetings.urls")),
    path("audit/", include("baomi.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("baomi.api")),
    path("api/v1/schema/", SchemaView.as_view(), name="api-schema"),
    # the split view serves its start-up script from a URL, as the Content-Security-Policy needs
    path(
        "api/v1/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="web/swagger_ui.html"
        ),
        name="api-docs",
    ),
]
