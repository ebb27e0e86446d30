from django.urls import path

from . import views

app_name = "flows"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("lend/", views.lend, name="lend"),
    path("circulate/", views.circulate, name="circulate"),
    path("lost/", views.report_lost, name="report-lost"),
    path("circulations/<int:pk>/hand/", views.hand, name="hand"),
    path("circulations/<int:pk>/take-back/", views.take_back, name="take-back"),
    path("steps/<int:pk>/sign/", views.sign, name="sign"),
    path("loans/<int:pk>/return/", views.return_loan, name="return-loan"),
]
