from django.urls import path

from . import list_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("lists/views/", list_views.saved_views, name="saved-views"),
]
