"""Two-factor log-in pages: /<lang>/admin/two-factor/... (before the admin's catch-all)."""

from django.urls import path

from twofactor import views

app_name = "twofactor"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("backup-codes/", views.backup_codes, name="backup_codes"),
]
