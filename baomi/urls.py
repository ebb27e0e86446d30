from django.urls import include, path

urlpatterns = [
    path("", include("baomi.web.urls")),
    path("audit/", include("baomi.audit.urls")),
]
