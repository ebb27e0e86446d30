from django.urls import path

from . import views

app_name = "flows"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("lists/<slug:kind>/", views.full_list, name="list"),
    path("lend/", views.lend, name="lend"),
    path("circulate/", views.circulate, name="circulate"),
    path("lost/", views.report_lost, name="report-lost"),
    path("circulations/<int:pk>/hand/", views.hand, name="hand"),
    path("circulations/<int:pk>/take-back/", views.take_back, name="take-back"),
    path("steps/<int:pk>/sign/", views.sign, name="sign"),
    path("loans/<int:pk>/return/", views.return_loan, name="return-loan"),
    path("send/", views.send, name="send"),
    path("transfers/<int:pk>/deliver/", views.deliver, name="deliver"),
    path("carry-out/", views.carry, name="carry-out"),
    path("carry-outs/<int:pk>/back/", views.bring_back, name="bring-back"),
    path("reproduce/", views.reproduce, name="reproduce"),
    path("archive/", views.archive, name="archive"),
    path("losses/", views.losses, name="losses"),
    path("losses/<int:pk>/resolve/", views.resolve_loss, name="resolve-loss"),
    path("destruction/", views.destruction, name="destruction"),
    path("destruction/<int:pk>/destroy/", views.destroy, name="destroy"),
    path("destruction/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("stocktakes/", views.open_stocktake, name="open-stocktake"),
    path("stocktakes/<int:pk>/", views.stocktake, name="stocktake"),
    path("stocktakes/<int:pk>/close/", views.close_stocktake, name="close-stocktake"),
    path("handovers/", views.open_handover, name="open-handover"),
    path("handovers/<int:pk>/", views.handover, name="handover"),
    path("handovers/<int:pk>/sign/", views.sign_handover, name="sign-handover"),
    path("handovers/<int:pk>/cancel/", views.cancel_handover, name="cancel-handover"),
]
