from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meetings, name="meetings"),
    path("<int:pk>/", views.meeting, name="meeting"),
    path("<int:pk>/plan/", views.plan, name="plan"),
    path("<int:pk>/sign-off/", views.sign_off, name="sign-off"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/participants/", views.add, name="add"),
    path("<int:pk>/check-in/", views.check_in, name="check-in"),
    path("<int:pk>/open/", views.open_, name="open"),
    path("<int:pk>/discipline/", views.discipline, name="discipline"),
    path("<int:pk>/documents/", views.document, name="document"),
    path("<int:pk>/hand-out/", views.hand_out, name="hand-out"),
    path("<int:pk>/collect/", views.collect, name="collect"),
    path("<int:pk>/venue-check/", views.venue_check, name="venue-check"),
    path("<int:pk>/report-missing/", views.report_missing, name="report-missing"),
    path("<int:pk>/session/", views.session, name="session"),
    path("<int:pk>/recording/", views.record, name="record"),
    path("<int:pk>/relay/", views.relay, name="relay"),
    path("<int:pk>/news/", views.news, name="news"),
]
