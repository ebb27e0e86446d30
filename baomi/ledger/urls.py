from django.urls import path

from . import cabinets, printables, views

app_name = "ledger"
urlpatterns = [
    path("", views.register, name="register"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("cabinets/", cabinets.cabinets, name="cabinets"),
    path("incoming/new/", views.new_registration, {"origin": "incoming"}, name="new-incoming"),
    path("internal/new/", views.new_registration, {"origin": "internal"}, name="new-internal"),
    path("internal/ask/", views.ask_print, name="ask-print"),
    path("outgoing/new/", views.new_registration, {"origin": "outgoing"}, name="new-outgoing"),
    path("documents/<int:pk>/sign/", views.sign, name="sign"),
    path("documents/<int:pk>/waste/", views.record_waste, name="record-waste"),
    path("waste/<int:pk>/destroy/", views.destroy_waste, name="destroy-waste"),
    path("documents/<int:pk>/labels/", printables.labels, name="labels"),
    path("labels/", printables.batch_labels, name="batch-labels"),
    path("labels/picked/", views.labels_picked, name="labels-picked"),
    path("documents/<int:pk>/route/", views.route, name="route"),
    path("documents/<int:pk>/ask/<str:what>/", views.ask, name="ask"),
    path("documents/<int:pk>/apply/<int:approval>/", views.apply, name="apply"),
    path("documents/<int:pk>/content/", views.upload, name="upload"),
    path("content/<int:pk>/", views.download, name="download"),
    path("consents/<int:pk>/scan/", views.consent_scan, name="consent-scan"),
    path("instructions/<int:pk>/", views.instruct, name="instruct"),
    path("copies/<int:pk>/", views.copy, name="copy"),
    path("scan/", views.scan, name="scan"),
    path("export.xlsx", views.export, name="export"),
    path("registers/<str:register>.<str:fmt>", views.export, name="register-export"),
    path("import/", views.import_xlsx, name="import"),
    path("import/template.xlsx", views.import_template, name="import-template"),
]
