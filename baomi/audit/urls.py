from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("checkpoints/<int:pk>/", views.checkpoint_page, name="checkpoint"),
    path("checkpoints/<int:pk>/download/", views.checkpoint_download, name="checkpoint-download"),
]
