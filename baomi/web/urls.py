from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("rules/", views.rules, name="rules"),
    path("rules/<str:rule_id>/<str:name>/", views.rule_parameter, name="rule-parameter"),
    path("audit/", views.audit, name="audit"),
    path("audit/checkpoints/sign/", views.sign_checkpoint, name="sign-checkpoint"),
]
