from django.urls import path

from . import views

app_name = "telegrams"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("list/", views.telegrams, name="telegrams"),
    path("receive/", views.receive, name="receive"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/seen/", views.seen, name="seen"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/take-charge/", views.take_charge, name="take-charge"),
    path("send/", views.send, name="send"),
    path("register.<str:fmt>", views.register_export, name="register-export"),
    path("roster/", views.assign, name="assign"),
    path("handover/", views.hand_over, name="hand-over"),
    path("handover/<int:pk>/sign/", views.sign, name="sign"),
    path("takeover/", views.take_over, name="take-over"),
    path("record/", views.record, name="record"),
    path("record/absences/", views.absences, name="absences"),
]
