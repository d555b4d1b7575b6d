"""The back office: /<lang>/admin/delegations/... (included before the admin's
own URLs in wegov/urls.py, under its log-in)."""

from django.urls import path

from registration.delegations import views

app_name = "delegations"

urlpatterns = [
    path("", views.delegations, name="index"),
    path("import/", views.upload, name="upload"),
    path("import/template.xlsx", views.template_file, {"file_format": "xlsx"}, name="template_xlsx"),
    path("import/template.csv", views.template_file, {"file_format": "csv"}, name="template_csv"),
    path("import/<int:pk>/", views.preview, name="preview"),
    path("mailings/<int:pk>/write/", views.write_mailing, name="mailing_write"),
    path("mailings/<int:pk>/preview/", views.mailing_preview, name="mailing_preview"),
    path("mailings/<int:pk>/send/", views.send_mailing, name="mailing_send"),
]
