from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("", views.manuscripts, name="manuscripts"),
    path("terms/", views.terms, name="terms"),
    path("<int:pk>/", views.manuscript, name="manuscript"),
    path("<int:pk>/scan/", views.rescan, name="scan"),
    path("<int:pk>/refer/", views.refer, name="refer"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/redacted.txt", views.redacted, name="redacted"),
    path("<int:pk>/redacted.docx", views.redacted_docx, name="redacted-docx"),
    path("referrals/<int:pk>/sign/", views.sign, name="sign"),
    path("consents/<int:pk>/scan/", views.consent_scan, name="consent-scan"),
]
