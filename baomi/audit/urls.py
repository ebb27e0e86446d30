from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("people/", views.people, name="people"),
    path("export.<str:fmt>", views.export, name="export"),
    path("events/<int:seq>/proof/", views.proof, name="proof"),
    path("events/<int:seq>/proof.json", views.proof_download, name="proof-download"),
    path("checkpoints/sign/", views.sign_checkpoint, name="sign-checkpoint"),
    path("checkpoints/<int:pk>/", views.checkpoint_page, name="checkpoint"),
    path("checkpoints/<int:pk>/download/", views.checkpoint_download, name="checkpoint-download"),
]
