from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("checkpoints/sign/", views.sign_checkpoint, name="sign-checkpoint"),
    path("checkpoints/<int:pk>/", views.checkpoint_page, name="checkpoint"),
    path("checkpoints/<int:pk>/download/", views.checkpoint_download, name="checkpoint-download"),
]
