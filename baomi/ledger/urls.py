from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.register, name="register"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("incoming/new/", views.new_incoming, name="new-incoming"),
]
