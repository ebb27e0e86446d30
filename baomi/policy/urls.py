from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.rules, name="rules"),
    path("<str:rule_id>/citation/", views.rule_citation, name="rule-citation"),
    path("<str:rule_id>/<str:name>/", views.rule_parameter, name="rule-parameter"),
]
