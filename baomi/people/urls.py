from django.urls import path

from . import picker, views

app_name = "people"
urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/lock/", views.lock_view, name="lock"),
    path("accounts/lock/now/", views.lock_now, name="lock-now"),
    path("accounts/unlock/", views.unlock_view, name="unlock"),
    path("accounts/activity/", views.activity_view, name="activity"),
    path("accounts/password/", views.password_view, name="password"),
    path("accounts/totp/", views.totp_view, name="totp"),
    path("accounts/admin/", views.accounts_admin, name="accounts"),
    path("people/", views.people_list, name="list"),
    path("people/new/", views.person_edit, name="new"),
    path("people/<int:pk>/", views.person_edit, name="edit"),
    path("people/autocomplete/", picker.autocomplete, name="autocomplete"),
]
