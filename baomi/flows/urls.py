from django.urls import path

from .views import (
    archive,
    circulation,
    copying,
    destruction,
    handover,
    loans,
    losses,
    stocktake,
    transfer,
    workbench,
)

app_name = "flows"

urlpatterns = [
    path("", workbench.workbench, name="workbench"),
    path("lists/<slug:kind>/", workbench.full_list, name="list"),
    path("lend/", loans.lend, name="lend"),
    path("circulate/", circulation.circulate, name="circulate"),
    path("lost/", losses.report_lost, name="report-lost"),
    path("circulations/<int:pk>/hand/", circulation.hand, name="hand"),
    path("circulations/<int:pk>/take-back/", circulation.take_back, name="take-back"),
    path("steps/<int:pk>/sign/", circulation.sign, name="sign"),
    path("steps/<int:pk>/sign-present/", circulation.sign_present, name="sign-present"),
    path("loans/<int:pk>/return/", loans.return_loan, name="return-loan"),
    path("send/", transfer.send, name="send"),
    path("transfers/<int:pk>/deliver/", transfer.deliver, name="deliver"),
    path("carry-out/", transfer.carry, name="carry-out"),
    path("carry-outs/<int:pk>/back/", transfer.bring_back, name="bring-back"),
    path("reproduce/", copying.reproduce, name="reproduce"),
    path("archive/", archive.archive, name="archive"),
    path("losses/", losses.losses, name="losses"),
    path("losses/<int:pk>/resolve/", losses.resolve_loss, name="resolve-loss"),
    path("destruction/", destruction.destruction, name="destruction"),
    path("destruction/<int:pk>/destroy/", destruction.destroy, name="destroy"),
    path("destruction/<int:pk>/certificate.pdf", destruction.certificate, name="certificate"),
    path("stocktakes/", stocktake.open_stocktake, name="open-stocktake"),
    path("stocktakes/<int:pk>/", stocktake.stocktake, name="stocktake"),
    path("stocktakes/<int:pk>/close/", stocktake.close_stocktake, name="close-stocktake"),
    path("handovers/", handover.open_handover, name="open-handover"),
    path("handovers/<int:pk>/", handover.handover, name="handover"),
    path("handovers/<int:pk>/sign/", handover.sign_handover, name="sign-handover"),
    path("handovers/<int:pk>/cancel/", handover.cancel_handover, name="cancel-handover"),
]
